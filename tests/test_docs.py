"""The README stays true to the checks: every check nianbao runs is documented there, and every
check of the spec (§7) is either run or said in the README not to need one."""

from __future__ import annotations

import re

from nianbao import history
from nianbao.rules import REPORT_RULES, UNIT_RULES

from .conftest import ROOT

# spec §7 (annual-report-format.md), the ids of its check tables, in its order
SPEC_CHECKS = ("T3-1 T3-2 T3-3 T3-4 T3-5 T3-6 T3-7 T3-8 T4-1 T4-2 T4-3 T4-4 T4-5 T4-6 T2-1 T2-2 T2-3 T2-4 T2-5 T2-6 "
               "T2b-1 T2b-2 T2b-3 T2b-4 M-1 M-2 M-3 M-4 M-5 M-6 M-7").split()
NOT_CHECKED = {"T2-6"}  # T2-6 says what is *not* an error
RUN = {r.id for r in REPORT_RULES + UNIT_RULES} | {history.CHECK}  # M-7 reads the git history


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_check_run_is_in_the_readme():
    text = readme()
    assert [i for i in sorted(RUN) if not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)] == []


def test_every_spec_check_is_run_or_said_not_to_be():
    assert [i for i in SPEC_CHECKS if i not in RUN] == sorted(NOT_CHECKED, key=SPEC_CHECKS.index)
    checks = readme().split("### 核验项目", 1)[1].split("\n## ", 1)[0]
    for i in NOT_CHECKED:
        assert re.search(rf"{i}（[^）]+）[^。]*不", checks), i  # named, with why it is not checked

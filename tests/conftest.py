from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.issues import Severity
from nianbao.validate import check_site

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed_dazhangzhuang_2024.txt"


class SiteCopy:
    """A fixture site copied to a temporary folder, with helpers to break it on purpose."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str, regex: bool = False) -> int:
        """Replace ``old`` (which must occur) and return the 1-based line where the change is."""
        text = self.read(rel)
        if regex:
            m = re.search(old, text, flags=re.M)
            assert m, f"{old!r} not in {rel}"
            start = m.start()
            text = text[: m.start()] + m.expand(new) + text[m.end() :]
        else:
            assert old in text, f"{old!r} not in {rel}"
            start = text.index(old)
            text = text.replace(old, new, 1)
        self.write(rel, text)
        return text.count("\n", 0, start) + 1

    def set_row(self, rel: str, key: str, values: str) -> int:
        """Replace a table row's values: ``set_row(f, "granted", "[5, 1, 0, 0, 0, 0, 7]")``."""
        return self.edit(rel, rf"^(\s+{key}:\s+)(\[[^\]]*\]|[^\s#]+)", rf"\g<1>{values}", regex=True)

    def check(self):
        return check_site(self.root)[1]


@pytest.fixture
def site(tmp_path):
    def make(name: str = "basic") -> SiteCopy:
        dst = tmp_path / name
        shutil.copytree(SITES / name, dst)
        return SiteCopy(dst)

    return make


@pytest.fixture
def repo_site(tmp_path):
    """A copy of the repository's own portal (data/ and content/)."""
    dst = tmp_path / "repo"
    for d in ("data", "content"):
        shutil.copytree(ROOT / d, dst / d)
    return SiteCopy(dst)


def found(issues, check: str, severity: Severity | None = None):
    return [i for i in issues if i.check == check and (severity is None or i.severity is severity)]


def serious(issues):
    return [i for i in issues if i.severity is not Severity.INFO]


def seed_numbers(section_start: str, section_end: str) -> list[str]:
    """The numeric cells of one table in the Word text export, in reading order (independent of nianbao)."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    body = text[text.index(section_start) : text.index(section_end)]
    return [ln.strip() for ln in body.splitlines() if re.fullmatch(r"\s*\d+(\.\d+)?\s*", ln)]


def set_plugin_options(config: Path, **options) -> None:
    """Add options under ``- nianbao:`` in a project's mkdocs.yml (which must list the plugin so)."""
    text = config.read_text(encoding="utf-8")
    assert "  - nianbao:\n" in text, config
    lines = "".join(f"      {k}: {v}\n" for k, v in options.items())
    config.write_text(text.replace("  - nianbao:\n", "  - nianbao:\n" + lines, 1), encoding="utf-8")


def mkdocs_build(project: Path, out: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """``mkdocs build`` of a project folder in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )

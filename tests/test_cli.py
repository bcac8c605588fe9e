"""The command line: exit codes, text and JSON output, scaffolding, and no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from nianbao.cli import main

from .conftest import ROOT, SEED_TEXT, seed_numbers


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_repository_passes(capsys):
    code, out, _ = run(capsys, "validate", str(ROOT))
    assert code == 0
    assert "0 个错误" in out


def test_done_when_changed_seed_cell_gives_t3_1_and_t3_3(capsys, repo_site):
    line = repo_site.set_row("data/dazhangzhuang/2024.yml", "new_received", "[2, 0, 0, 0, 0, 0, 1]")
    code, out, _ = run(capsys, "validate", str(repo_site.root))
    assert code == 1
    assert re.search(rf"^data/dazhangzhuang/2024\.yml:{line}:\d+: 错误 T3-1 自然人列：一\+二=2，三\(七\)\+四=1", out, re.M)
    assert re.search(rf"^data/dazhangzhuang/2024\.yml:{line}:\d+: 错误 T3-3 ", out, re.M)
    # the source line is quoted under each message
    assert "new_received:            [2, 0, 0, 0, 0, 0, 1]" in out


def test_validate_json_format(capsys, repo_site):
    line = repo_site.set_row("data/dazhangzhuang/2024.yml", "new_received", "[2, 0, 0, 0, 0, 0, 1]")
    code, out, _ = run(capsys, "validate", "--format", "json", str(repo_site.root))
    assert code == 1
    items = json.loads(out)
    assert {"file", "line", "column", "severity", "check", "message"} == set(items[0])
    errors = [i for i in items if i["severity"] == "error"]
    assert {(i["check"], i["line"]) for i in errors} == {("T3-1", line), ("T3-3", line)}
    assert all(i["file"] == "data/dazhangzhuang/2024.yml" for i in errors)


def test_validate_a_single_file_reports_only_that_file(capsys, site):
    s = site()
    s.set_row("data/demo/2024.yml", "partial", "[1, 0, 0, 0, 0, 0, 2]")
    s.edit("data/units.yml", "email: demo@example.gov.cn", "email: bad@")
    code, out, _ = run(capsys, "validate", "--format", "json", str(s.path("data/demo/2024.yml")))
    files = {i["file"] for i in json.loads(out)}
    assert code == 1 and files == {"data/demo/2024.yml"}
    code, out, _ = run(capsys, "validate", "--format", "json", str(s.path("data/units.yml")))
    assert code == 0 and {i["check"] for i in json.loads(out)} == {"U-EMAIL"}


def test_warnings_alone_exit_zero(capsys, site):
    s = site()
    s.edit("data/units.yml", "email: demo@example.gov.cn", "email: bad@")
    code, out, _ = run(capsys, "validate", str(s.root))
    assert code == 0 and "警告 U-EMAIL" in out


def test_github_annotations(capsys, site):
    s = site()
    s.set_row("data/demo/2024.yml", "partial", "[1, 0, 0, 0, 0, 0, 2]")
    code, out, _ = run(capsys, "validate", "--format", "github", str(s.root))
    assert code == 1
    assert re.search(r"^::error file=data/demo/2024\.yml,line=\d+,col=\d+,title=T3-3::", out, re.M)


def test_no_site_is_a_usage_error_without_traceback(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "validate", str(tmp_path)], capture_output=True, text=True
    )
    assert p.returncode == 2
    assert "找不到站点" in p.stderr and "Traceback" not in p.stderr


def test_console_script_broken_yaml_has_no_traceback(site):
    s = site()
    s.write("data/demo/2024.yml", "unit: [demo\n")
    script = Path(sys.executable).parent / "nianbao"  # the installed console script
    p = subprocess.run([str(script), "validate", str(s.root)], capture_output=True, text=True)
    assert p.returncode == 1 and "L-YAML" in p.stdout and "Traceback" not in p.stderr + p.stdout


def test_new_scaffolds_every_row_and_the_official_headings(capsys, site):
    s = site()
    code, out, _ = run(capsys, "new", "demo", "2025", "--root", str(s.root))
    assert code == 0 and "data/demo/2025.yml" in out
    data, text = s.read("data/demo/2025.yml"), s.read("content/demo/2025.md")
    from nianbao.formats import get_format

    fmt = get_format("2021")
    for tid in ("T2", "T3", "T4"):
        for row in fmt.table(tid).rows:
            assert re.search(rf"^  {row.key}:", data, re.M), row.key
    for heading in ("## 一、总体情况", "## 五、存在的主要问题及改进情况", "## 六、其他需要报告的事项"):
        assert heading in text
    # a new report loads without errors: every cell blank, checks reported as unverifiable
    code, out, _ = run(capsys, "validate", "--format", "json", str(s.root))
    items = [i for i in json.loads(out) if i["file"] == "data/demo/2025.yml"]
    assert code == 0 and items and all(i["severity"] == "info" for i in items)


def test_new_says_what_the_previous_year_carried_over(capsys, site):
    s = site()
    assert run(capsys, "new", "demo", "2025", "--root", str(s.root))[0] == 0
    head = s.read("data/demo/2025.yml").split("unit:")[0]
    # 2024's 结转下年度继续办理 row, as a comment (values would fail T3-1 while the rest is blank)
    assert "# 2024 年报表三“四、结转下年度继续办理”为 [1, 0, 0, 0, 0, 0, 1]" in head and "T3-6" in head
    assert run(capsys, "new", "demo", "2022", "--root", str(s.root))[0] == 0  # no 2021 report: nothing to say
    assert "结转下年度" not in s.read("data/demo/2022.yml").split("unit:")[0]


def test_new_refuses_to_overwrite(capsys, site):
    s = site()
    before = s.read("data/demo/2024.yml")
    code, _, err = run(capsys, "new", "demo", "2024", "--root", str(s.root))
    assert code == 2 and "已存在" in err and s.read("data/demo/2024.yml") == before


def test_new_for_a_2019_format_year_and_unknown_unit(capsys, site):
    s = site()
    assert run(capsys, "new", "demo", "2018", "--root", str(s.root), "--template", "2019")[0] == 0
    assert "other_external_services" in s.read("data/demo/2018.yml")
    assert run(capsys, "new", "nobody", "2024", "--root", str(s.root))[0] == 2


def _flatten(table: dict) -> list[str]:
    return [str(v) for row in table.values() for v in row.values()]


def test_show_of_the_seed_equals_the_seed_figures(capsys):
    code, out, _ = run(capsys, "show", "dazhangzhuang", "2024", "--format", "json", "--root", str(ROOT))
    assert code == 0
    data = json.loads(out)
    assert (data["unit"], data["year"], data["format"]) == ("dazhangzhuang", 2024, "2021")
    assert data["meta"]["title"] == SEED_TEXT.read_text(encoding="utf-8").splitlines()[0].strip()
    assert _flatten(data["proactive"]) == seed_numbers("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")
    t3 = seed_numbers("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    assert len(t3) == 25 * 7 and _flatten(data["applications"]) == t3
    t4 = seed_numbers("四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况")
    assert len(t4) == 15 and _flatten(data["review_litigation"]) == t4


def test_show_canonical_shape(capsys):
    code, out, _ = run(capsys, "show", "dazhangzhuang", "2024", "--format", "json", "--root", str(ROOT))
    data = json.loads(out)
    assert list(data) == ["unit", "year", "format", "meta", "proactive", "applications", "review_litigation"]
    assert list(data["applications"]["granted"]) == [
        "natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"
    ]
    assert list(data["review_litigation"]) == ["review", "suit_direct", "suit_after_review"]
    assert list(data["review_litigation"]["review"]) == ["upheld", "corrected", "other", "pending", "total"]
    assert list(data["proactive"]["regulations"]) == ["issued", "repealed", "in_force"]
    assert data["proactive"]["admin_fees"] == {"fee_amount_wan": 0}


def test_show_2019_format_uses_its_own_keys(capsys, site):
    s = site()
    code, out, _ = run(capsys, "show", "demo", "2019", "--format", "json", "--root", str(s.root))
    data = json.loads(out)
    assert data["format"] == "2019"
    assert data["proactive"]["admin_fees"] == {"prev_year_items": 3, "yoy_change": -1}
    assert data["proactive"]["gov_central_procurement"] == {"procurement_items": 2, "procurement_amount": 251000}
    assert "other_processing" in data["applications"] and "other_other" not in data["applications"]


def test_show_missing_report(capsys):
    code, _, err = run(capsys, "show", "lucun", "2024", "--root", str(ROOT))
    assert code == 2 and "没有可读取的报告" in err


def test_a_file_system_refusal_is_a_message_not_a_traceback(capsys, tmp_path):
    """--out under a file (or a folder the user may not write): the system's reason and the path, exit 1."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run(capsys, "export", "--root", str(ROOT), "--out", str(blocker / "sub"))
    assert code == 1, err
    assert f"nianbao: 无法读写文件：{blocker / 'sub'}：Not a directory" in err
    assert "Traceback" not in out + err

"""Bad input never ends in a traceback: a data file, the unit registry or a narrative damaged in the
ways people damage files by hand is read, checked, rendered and exported without an exception, and
every finding in the damaged file names it, a line, and says what is wrong in Chinese."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.canonical import dumps, report_to_canonical
from nianbao.export import report_files
from nianbao.importers import plan_import, write_plan
from nianbao.pages import report_markdown
from nianbao.validate import check_site

from .conftest import ROOT, SEED_TEXT, SITES

DATA = "data/demo/2024.yml"
FILES = [DATA, "data/units.yml", "content/demo/2024.md"]
WHOLE_FILE = {"M-6", "L-ENCODING", "L-READ"}  # findings about a file as a whole (line 0: the file)

# what ends up in a cell or a value when a person edits a data file by hand, or pastes from Word
TOKENS = ["~", "/", "—", "-1", "+3", "1.5", "1e9", "0x1F", "abc", "[1, 2]", "[]", "{a: 1}", "'", '"', "2025-13-45",
          "2025-02-30", "１２", "1 2", "1,234", "12件", "251000元", "null", "true", "no", ".nan", ".inf", "&a 1", "*a",
          "!!python/object/apply:os.system ['true']", "!!binary AAAA", "<<: *a", "? a", "- 1", "|", ">", "%", "@", "`",
          "\t", "", " ", "#", "\u3000", "\ufeff", "\x00", "😀", "é", "年报", "T3-3: x", "as_published:", "acknowledged:",
          "meta:", "T3:", "unit: demo", "year: 2024", 'format: "2019"', "format: legacy", "scope: region_aggregate",
          "parent: demo", "parent: nowhere", "kind: township", "## 七、其他", "## 一、总体情况", "### （一）", "---", "<script>x</script>",
          "<!--", "{: #x }", "[链接](http://example.invalid)", "![图](x.png)", "| a | b |", "```", "$$", "\\", "&nbsp;"]


@st.composite
def damaged(draw, text: str) -> str:
    """``text`` with a few hand-editing accidents: a value replaced, a line deleted, duplicated, indented
    or joined to the next one, a token inserted anywhere."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "delete", "duplicate", "indent", "dedent", "join", "insert", "item"]))
        line = lines[i]
        if op == "value" and ":" in line:
            key, _, _rest = line.partition(":")
            lines[i] = f"{key}: {draw(st.sampled_from(TOKENS))}"
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "indent":
            lines[i] = "  " + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [line + " " + lines[i + 1]]
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(TOKENS)) + line[at:]
        elif op == "item" and "[" in line and "]" in line:
            start, end = line.index("["), line.index("]")
            items = line[start + 1 : end].split(",")
            k = draw(st.integers(0, len(items) - 1))
            items[k] = " " + draw(st.sampled_from(TOKENS))
            lines[i] = line[: start + 1] + ",".join(items) + line[end:]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def _link(uri: str) -> str:
    return "/" + uri


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_data_file_gives_findings_never_an_exception(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("damaged")
    shutil.copytree(SITES / "basic", root, dirs_exist_ok=True)
    rel = data.draw(st.sampled_from(FILES))
    path = root / rel
    path.write_text(data.draw(damaged(path.read_text(encoding="utf-8"))), encoding="utf-8")
    result, issues = check_site(root)
    for i in issues:
        if i.file == rel:
            assert i.message and not i.message.isascii(), i
            assert i.location.line >= 1 or i.check in WHOLE_FILE, i
    mine = [i for i in issues if i.file in (DATA, FILES[2])]
    report = result.site.reports.get(("demo", 2024))
    if report is None:
        assert any(i.severity.value == "error" for i in issues), [i.format() for i in issues]
        return
    # whatever was read renders and exports (mkdocs serve shows a report with errors too)
    report_markdown(result.site, report, mine, _link)
    dumps(report_to_canonical(report))
    report_files(result.site, report)


# ------------------------------------------------------------------------------------ the importer

# what a text copied out of Word or a web page carries besides the report
IMPORT_TOKENS = ["", "/", "—", "-", "无", "0", "12", "１２", "1 2", "1,234", "12件", "+3", "-1", "251000元", "0.5万元", "合计",
                 "小计", "（一）予以公开", "（七）总计", "表二", "续表", "第 3 页", "— 2 —", "一、总体情况", "二、主动公开政府信息情况",
                 "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                 "六、其他需要报告的事项", "本年新收政府信息公开申请数量", "自然人", "总计", "[bookmark: _GoBack]", "\x0c", "\u200b",
                 "\ufeff", "  ", "2023年政府信息公开工作年度报告", "示例县人民政府", "电话：0533-1234567", "邮编：256100"]


@st.composite
def damaged_lines(draw, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["replace", "delete", "duplicate", "swap", "insert", "append"]))
        if op == "replace":
            lines[i] = draw(st.sampled_from(IMPORT_TOKENS))
        elif op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(IMPORT_TOKENS)))
        elif op == "append":
            lines[i] += draw(st.sampled_from(IMPORT_TOKENS))
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_report_text_imports_or_says_why_never_an_exception(tmp_path_factory, data):
    """The seed report's text with a few lines lost, doubled, swapped or replaced (what copying from
    Word or a web page does): the import either writes files that load, or refuses with a reason."""
    work = tmp_path_factory.mktemp("import")
    (work / "data").mkdir()
    shutil.copy(ROOT / "data/units.yml", work / "data/units.yml")
    src = work / "report.txt"
    src.write_text(data.draw(damaged_lines(SEED_TEXT.read_text(encoding="utf-8"))), encoding="utf-8")
    plan = plan_import(src, work)
    if plan.error is not None:
        assert plan.error and not plan.error.isascii()
        assert not list((work / "data").glob("*/*.yml"))
        return
    write_plan(plan, work, force=False)
    result, issues = check_site(work)
    assert result.site.reports, [i.format() for i in issues]
    for i in issues:
        assert i.message and not i.message.isascii(), i

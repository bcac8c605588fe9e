"""Reports for 2018 and before (spec §6): no national format; their tables kept as printed."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import jsonschema
import pytest
import yaml
from lxml import html as lxml_html

from nianbao.canonical import dumps, report_from_canonical, report_to_canonical
from nianbao.cli import main
from nianbao.datafile import render_data_file
from nianbao.export import canonical_from_long, long_csv, site_files
from nianbao.export.schemas import canonical_schema, datafile_schema
from nianbao.formats import LEGACY
from nianbao.issues import ERROR
from nianbao.model import CellKind
from nianbao.validate import check_site

from .conftest import found, mkdocs_build, serious

DATA = """unit: demo
year: 2017
format: legacy
meta:
  title: 示例县示例镇人民政府2017年政府信息公开工作年度报告
  publisher: 示例县示例镇人民政府
  published_date: 2018-03-20
  period: [2017-01-01, 2017-12-31]
tables:
  - title: 2017年政府信息公开情况统计表
    columns: [统计指标, 单位, 统计数]
    rows:
      - [一、主动公开情况]
      - [（一）主动公开政府信息数, 条, 1234]
      - [其中：主动公开规范性文件数, 条, "1,002"]
      - [二、依申请公开情况]
      - [（一）收到申请数, 件, 5]
      - [1.当面申请数, 件, ~]
      - [2.网络申请数, 件, /]
      - [三、收取的费用, 万元, "0.02"]
      - [四、采购金额, 元, 251000元]
      - [五、备注, 无, 详见正文]
metrics:
  applications_received: 5
  granted: ~
  refused_total: /
  applicant_fees_wan: 0.02
"""
TEXT = """本报告依据《中华人民共和国政府信息公开条例》编制。

## 一、概述

2017年，示例镇认真贯彻落实《条例》。

## 七、机构建设和保障经费情况

镇党政办负责此项工作。
"""


@pytest.fixture
def legacy(site):
    s = site("basic")
    s.write("data/demo/2017.yml", DATA)
    s.write("content/demo/2017.md", TEXT)
    return s


def report_of(s, year=2017):
    result, issues = check_site(s.root)
    return result.site.reports[("demo", year)], issues


def test_tables_are_kept_as_printed(legacy):
    r, issues = report_of(legacy)
    assert serious(issues) == []
    assert r.format is LEGACY and r.tables == {}
    (t,) = r.legacy_tables
    assert t.title == "2017年政府信息公开情况统计表" and t.columns == ("统计指标", "单位", "统计数")
    assert [row[0] for row in t.rows if t.is_heading(row)] == ["一、主动公开情况", "二、依申请公开情况"]
    cells = {row[0]: row[1:] for row in t.rows if not t.is_heading(row)}
    assert cells["（一）主动公开政府信息数"][0] == "条"
    assert (cells["（一）主动公开政府信息数"][1].kind, cells["（一）主动公开政府信息数"][1].value) == (CellKind.NUMBER, 1234)
    assert cells["其中：主动公开规范性文件数"][1].value == 1002
    assert cells["1.当面申请数"][1].kind is CellKind.BLANK  # a blank is not a zero
    assert (cells["2.网络申请数"][1].kind, cells["2.网络申请数"][1].raw) == (CellKind.NA, "/")
    assert cells["三、收取的费用"][1].value == Decimal("0.02")
    assert (cells["四、采购金额"][1].value, cells["四、采购金额"][1].unit_raw) == (251000, "元")
    assert (cells["五、备注"][0].kind, cells["五、备注"][0].raw) == (CellKind.NA, "无")  # as the official tables read it
    assert cells["五、备注"][1] == "详见正文"  # text stays text


@pytest.mark.parametrize("edit, check, words, line", [
    (("      - [（一）收到申请数, 件, 5]", "      - [（一）收到申请数, 5]"), "L-ROW-LENGTH", "有 2 个值，表头有 3 列", 17),
    (("tables:\n", "T3: {}\ntables:\n"), "L-FORMAT-ID", "没有官方统计表 T3", 9),
    (("    columns: [统计指标, 单位, 统计数]\n", ""), "L-MISSING", "须有 columns", 10),
    (("format: legacy", "format: old"), "L-FORMAT-ID", "2018 年度及以前用 legacy", 3),
])
def test_mistakes_are_named_with_their_line(legacy, edit, check, words, line):
    legacy.edit("data/demo/2017.yml", *edit)
    issues = [i for i in legacy.check() if i.check == check]
    assert issues and issues[0].severity is ERROR and words in issues[0].message, issues
    assert (issues[0].location.file, issues[0].location.line) == ("data/demo/2017.yml", line)


def test_a_national_format_report_may_not_have_tables(legacy):
    legacy.edit("data/demo/2024.yml", "\nT2:", "\ntables: []\nT2:")
    (issue,) = found(legacy.check(), "L-UNKNOWN-KEY")
    assert "只用于 2018 年度及以前" in issue.message


def test_format_must_fit_the_year(legacy):
    assert found(legacy.check(), "M-3") == []
    legacy.write("data/demo/2020.yml", legacy.read("data/demo/2020.yml").replace('format: "2019"', "format: legacy"))
    (issue,) = found(legacy.check(), "M-3")
    assert issue.file == "data/demo/2020.yml" and "2019 年格式" in issue.message


def test_rules_of_the_2019_regulation_do_not_apply(legacy):
    # no 一、五、六 parts, no 考核/评议/责任追究: neither M-4 nor M-5 applies before 2019
    issues = [i for i in legacy.check() if i.file and "2017" in i.file]
    assert [i for i in issues if i.check in ("M-4", "M-5")] == []
    legacy.edit("data/demo/2017.yml", "published_date: 2018-03-20", "published_date: 2018-04-20")
    (late,) = [i for i in found(legacy.check(), "M-2") if "2017" in i.file]  # the deadline of the time: 31 March
    assert "2018-03-31" in late.message


def test_new_writes_a_template_that_round_trips(legacy, capsys):
    assert main(["new", "demo", "2016", "--root", str(legacy.root)]) == 0
    assert "2018 年度及以前" in capsys.readouterr().out
    assert "## 七、其他需要报告的事项" in legacy.read("content/demo/2016.md")
    assert serious([i for i in legacy.check() if i.file and "2016" in i.file]) == []
    r, _ = report_of(legacy)
    text = render_data_file(None, "demo", 2017, LEGACY, r.meta, legacy_tables=r.legacy_tables, legacy_metrics=r.legacy_metrics)
    legacy.write("data/demo/2017.yml", text)
    again, issues = report_of(legacy)
    assert serious(issues) == []
    assert report_to_canonical(again) == report_to_canonical(r)


def test_open_data(legacy):
    site = check_site(legacy.root)[0].site
    r = site.reports[("demo", 2017)]
    doc = report_to_canonical(r)
    assert "applications" not in doc and doc["format"] == "legacy"
    rows = doc["tables"][0]["rows"]
    assert rows[0] == ["一、主动公开情况"] and rows[1] == ["（一）主动公开政府信息数", "条", 1234]
    assert ["1.当面申请数", "件", None] in rows and ["2.网络申请数", "件", "/"] in rows
    assert ["四、采购金额", "元", "251000元"] in rows  # a number with its unit, as written
    jsonschema.validate(json.loads(dumps(doc)), canonical_schema(), cls=jsonschema.Draft202012Validator)
    jsonschema.validate(json.loads(json.dumps(yaml.safe_load(DATA), default=str)), datafile_schema(),
                        cls=jsonschema.Draft202012Validator)
    again = report_to_canonical(report_from_canonical(json.loads(dumps(doc), parse_float=Decimal)))
    assert again == doc
    files = {f.path: f.data for f in site_files(site)}
    table = list(csv.reader(io.StringIO(files["reports/demo/2017-L1.csv"].decode("utf-8-sig"))))
    assert table[0] == ["统计指标", "单位", "统计数"] and table[1] == ["一、主动公开情况"] and table[6] == ["1.当面申请数", "件", ""]
    assert "reports/demo/2017-T3.csv" not in files
    assert canonical_from_long(long_csv(site)) == [report_to_canonical(site.reports[k]) for k in sorted(site.reports)]
    long = list(csv.DictReader(io.StringIO(long_csv(site).decode("utf-8-sig"))))
    cell = [x for x in long if x["year"] == "2017" and x["row_label"] == "（一）收到申请数" and x["column_label"] == "统计数"]
    assert [(x["table"], x["value"], x["cell_kind"]) for x in cell] == [("L1", "5", "number")]


def test_pages(legacy, tmp_path):
    legacy.write("data/demo/2018.yml", DATA.replace("2017", "2018"))
    out = tmp_path / "out"
    p = mkdocs_build(legacy.root, out, strict=False)
    assert p.returncode == 0, p.stderr
    page = lxml_html.fromstring((out / "demo/2017/index.html").read_bytes())
    table = page.get_element_by_id("nb-legacy-1")
    assert table.find("caption").text_content() == "2017年政府信息公开情况统计表"
    assert [th.get("scope") for th in table.find("thead").iter("th")] == ["col"] * 3
    groups = [th.text_content() for th in table.iter("th") if th.get("scope") == "rowgroup"]
    assert groups == ["一、主动公开情况", "二、依申请公开情况"]
    blank = next(tr for tr in table.iter("tr") if tr[0].text_content() == "1.当面申请数")
    assert blank[2].text_content() == "空白" and blank[2].find("span").get("class") == "nb-sr"
    na = [td for td in table.iter("td") if td.find("span") is not None and td.find("span").get("aria-hidden") == "true"]
    assert {td[0].text_content() for td in na} == {"/", "无"}  # marks said as the official tables say them
    assert all(td.text_content() == td[0].text_content() + "不适用" and td[1].get("class") == "nb-sr" for td in na)
    assert page.find_class("nb-figures") == []  # no key figures: nothing to take them from
    assert "2018 年度及以前（无统一格式）" in page.find_class("nb-meta")[0].text_content()
    assert "不作勾稽核验" in page.find_class("nb-check")[0].text_content()
    links = [a.get("href") for a in page.find_class("nb-downloads")[0].iter("a")]
    assert links[:2] == ["../../data/reports/demo/2017.json", "../../data/reports/demo/2017-L1.csv"]
    assert "## 七、" not in page.text_content() and page.get_element_by_id("七机构建设和保障经费情况") is not None
    # the 2019 report is not compared with 2018's (no figures there)
    assert "2018年" not in page_text(out / "demo/2019/index.html", "nb-figures")
    year = lxml_html.fromstring((out / "years/2017/index.html").read_bytes())
    assert "没有全国统一的格式" in year.text_content()
    assert [a.text_content() for a in year.get_element_by_id("nb-year").iter("a")] == ["示例镇"]
    assert not (out / "rollup/county/2017").exists() and (out / "rollup/county/2019").exists()
    unit = lxml_html.fromstring((out / "demo/index.html").read_bytes())
    heads = [th.text_content() for th in unit.get_element_by_id("nb-trend").find("thead").iter("th")]
    assert "2017年" not in heads and "2019年" in heads
    assert "2017年" in unit.get_element_by_id("nb-unit-reports").getnext().text_content()


def page_text(path, cls: str) -> str:
    return lxml_html.fromstring(path.read_bytes()).find_class(cls)[0].text_content()


HTML = """<html><head><meta charset="utf-8"></head><body>
<h1>示例县示例镇人民政府2016年政府信息公开工作年度报告</h1>
<p>本报告中所列数据的统计期限自2016年1月1日起至2016年12月31日止。</p>
<p>一、概述</p><p>2016年，示例镇高度重视政府信息公开工作。</p>
<p>八、机构建设情况</p><p>镇党政办负责此项工作。</p>
<p>附表：2016年政府信息公开情况统计表</p>
<table border="1">
<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>
<tr><td colspan="3">一、主动公开情况</td></tr>
<tr><td>（一）主动公开政府信息数</td><td>条</td><td>120</td></tr>
<tr><td rowspan="2">（二）收到申请数</td><td>件</td><td>3</td></tr>
<tr><td>件次</td><td></td></tr>
<tr><td>（三）收取费用</td><td colspan="2">0</td></tr>
</table></body></html>"""


def test_import_keeps_the_table_as_printed(site, tmp_path, capsys):
    s = site("basic")
    src = tmp_path / "r2016.html"
    src.write_text(HTML, encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 0
    out = capsys.readouterr().out
    assert "2018 年度及以前（无统一格式），统计表照原表" in out and "横向合并" in out
    data = yaml.safe_load(s.read("data/demo/2016.yml"))
    assert data["format"] == "legacy" and data["tables"][0]["title"] == "附表：2016年政府信息公开情况统计表"
    assert data["tables"][0]["columns"] == ["统计指标", "单位", "统计数"]
    assert data["tables"][0]["rows"] == [
        ["一、主动公开情况"],
        ["（一）主动公开政府信息数", "条", 120],
        ["（二）收到申请数", "件", 3],
        ["（二）收到申请数", "件次", None],  # a label spanning two rows applies to both; the empty cell stays blank
        ["（三）收取费用", 0, None],  # a cell spanning two columns: written in its first, the other blank (said)
    ]
    text = s.read("content/demo/2016.md")
    assert "## 一、概述" in text and "## 八、机构建设情况" in text  # every part, as the report has it
    assert serious([i for i in s.check() if i.file and "2016" in i.file]) == []


def test_import_of_a_text_export_says_the_table_could_not_be_kept(site, tmp_path, capsys):
    s = site("basic")
    src = tmp_path / "r2016.txt"
    src.write_text("示例县示例镇人民政府2016年政府信息公开工作年度报告\n一、概述\n全年公开信息。\n统计指标\n单位\n统计数\n"
                   "主动公开政府信息数\n条\n120\n", encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"没有行列信息.*未导入|没有找到统计表", out), out
    assert yaml.safe_load(s.read("data/demo/2016.yml"))["tables"] == []


def test_show_prints_the_tables_as_printed(legacy, capsys):
    assert main(["show", "demo", "2017", "--root", str(legacy.root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("（2018 年度及以前（无统一格式））") and out[1] == "[2017年政府信息公开情况统计表]"
    assert "  （一）收到申请数 | 件 | 5" in out and "  1.当面申请数 | 件 | " in out


def test_output_cut_short_by_its_reader_is_not_a_traceback(legacy):
    import subprocess
    import sys

    # more output than a pipe holds (64 KB), so that the writer is still writing when head has gone
    rows = "".join(f"      - [第 {i} 项指标的名称写得比较长一些, 条, {i}]\n" for i in range(4000))
    legacy.edit("data/demo/2017.yml", "      - [一、主动公开情况]\n", "      - [一、主动公开情况]\n" + rows)
    p = subprocess.run(f"{sys.executable} -m nianbao.cli show demo 2017 --root {legacy.root} | head -1", shell=True,
                       capture_output=True, text=True)
    assert p.stdout.startswith("示例县示例镇") and "Traceback" not in p.stderr, p.stderr


def test_coarse_figures_are_kept_apart_and_marked_approximate(legacy, tmp_path):
    r, issues = report_of(legacy)
    assert serious(issues) == []
    m = r.legacy_metrics
    assert (m["applications_received"].value, m["granted"].kind, m["refused_total"].raw) == (5, CellKind.BLANK, "/")
    assert m["applicant_fees_wan"].value == Decimal("0.02")
    doc = report_to_canonical(r)
    assert doc["metrics"] == {"applications_received": 5, "granted": None, "refused_total": "/", "applicant_fees_wan": Decimal("0.02")}
    jsonschema.validate(json.loads(dumps(doc)), canonical_schema(), cls=jsonschema.Draft202012Validator)
    out = tmp_path / "out"
    assert mkdocs_build(legacy.root, out, strict=False).returncode == 0
    unit = lxml_html.fromstring((out / "demo/index.html").read_bytes())
    table = unit.get_element_by_id("nb-legacy-trend")
    assert "约数" in table.find("caption").text_content()
    rows = {tr[0].text_content(): [td.text_content() for td in tr[1:]] for tr in table.find("tbody")}
    assert rows == {"收到申请（件）": ["5"], "同意公开（件）": ["空白"], "不同意公开（件）": ["/原表为不适用标记"], "依申请公开收取的费用（万元）": ["0.02"]}
    heads = [th.text_content() for th in unit.get_element_by_id("nb-trend").find("thead").iter("th")]
    assert "2017年" not in heads  # not lined up with the later formats' figures


@pytest.mark.parametrize("edit, check, words", [
    (("  applications_received: 5", "  applications_received: -1"), "L-VALUE", "不小于 0 的整数"),
    (("  applications_received: 5", "  applications_received: 2.5"), "L-VALUE", "不小于 0 的整数"),
    (("  applications_received: 5", "  received: 5"), "L-UNKNOWN-KEY", "received"),
])
def test_coarse_figures_mistakes(legacy, edit, check, words):
    line = legacy.edit("data/demo/2017.yml", *edit)
    issues = [i for i in legacy.check() if i.check == check]
    assert issues and words in issues[0].message and issues[0].location.line == line, issues


def test_coarse_figures_belong_to_legacy_reports_only(legacy):
    legacy.edit("data/demo/2024.yml", "\nT2:", "\nmetrics: {granted: 1}\nT2:")
    (issue,) = found(legacy.check(), "L-UNKNOWN-KEY")
    assert issue.message.startswith("metrics: 只用于 2018 年度及以前")


def test_without_a_year_in_the_title_the_error_points_to_year(site, tmp_path, capsys):
    s = site("basic")
    src = tmp_path / "r.html"
    src.write_text(HTML.replace("<h1>示例县示例镇人民政府2016年政府信息公开工作年度报告</h1>", ""), encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 1
    assert "请用 --year 指定年度，统计表将照原表导入" in capsys.readouterr().out
    assert main(["import", str(src), "--unit", "demo", "--year", "2016", "--root", str(s.root)]) == 0
    assert yaml.safe_load(s.read("data/demo/2016.yml"))["format"] == "legacy"


def test_a_title_row_inside_the_table_is_its_title(site, tmp_path, capsys):
    s = site("basic")
    src = tmp_path / "r2016.html"
    src.write_text(HTML.replace('<table border="1">\n', '<table border="1">\n<tr><td colspan="3">政府信息公开情况统计表（2016年度）</td></tr>\n'),
                   encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 0, capsys.readouterr().out
    (table,) = yaml.safe_load(s.read("data/demo/2016.yml"))["tables"]
    assert table["title"] == "政府信息公开情况统计表（2016年度）" and table["columns"] == ["统计指标", "单位", "统计数"]
    assert "附表：2016年政府信息公开情况统计表" in s.read("content/demo/2016.md")  # the paragraph stays in the text
    assert serious([i for i in s.check() if i.file and "2016" in i.file]) == []


def test_a_two_row_header_names_each_column_in_full(site, tmp_path, capsys):
    s = site("basic")
    src = tmp_path / "r2016.html"
    src.write_text(HTML.replace('<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>',
                                '<tr><td rowspan="2">统计指标</td><td rowspan="2">单位</td><td colspan="2">统计数</td></tr>\n'
                                '<tr><td>本年</td><td>累计</td></tr>')
                   .replace("<td>条</td><td>120</td>", "<td>条</td><td>120</td><td>980</td>")
                   .replace('<tr><td colspan="3">一、主动公开情况</td></tr>', '<tr><td colspan="4">一、主动公开情况</td></tr>'),
                   encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 0, capsys.readouterr().out
    (table,) = yaml.safe_load(s.read("data/demo/2016.yml"))["tables"]
    assert table["columns"] == ["统计指标", "单位", "统计数·本年", "统计数·累计"]
    assert table["rows"][:2] == [["一、主动公开情况"], ["（一）主动公开政府信息数", "条", 120, 980]]


NATIONAL = """<html><head><meta charset="utf-8"></head><body>
<h1>示例县示例镇人民政府2016年政府信息公开工作年度报告</h1>
<p>一、概述</p><p>2016年，示例镇高度重视政府信息公开工作。</p>
<p>附表：2016年政府信息公开情况统计表</p>
<table border="1">
<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>
<tr><td colspan="3">二、依申请公开情况</td></tr>
<tr><td>（一）收到申请数</td><td>件</td><td>12</td></tr>
<tr><td>其中：1.当面申请数</td><td>件</td><td>5</td></tr>
<tr><td>2.网络申请数</td><td>件</td><td>7</td></tr>
<tr><td>（二）申请办结数</td><td>件</td><td>12</td></tr>
<tr><td>（三）申请答复数</td><td>件</td><td>12</td></tr>
<tr><td>其中：1.属于已主动公开范围数</td><td>件</td><td>0</td></tr>
<tr><td>2.同意公开答复数</td><td>件</td><td>6</td></tr>
<tr><td>3.同意部分公开答复数</td><td>件</td><td>2</td></tr>
<tr><td>4.不同意公开答复数</td><td>件</td><td>1</td></tr>
<tr><td>其中：涉及国家秘密</td><td>件</td><td>1</td></tr>
<tr><td>5.不属于本行政机关公开数</td><td>件</td><td>1</td></tr>
<tr><td>6.申请信息不存在数</td><td>件</td><td>2</td></tr>
<tr><td colspan="3">四、行政复议数量</td></tr>
<tr><td>（一）行政复议数量</td><td>件</td><td>1</td></tr>
<tr><td>（二）维持具体行政行为数</td><td>件</td><td>1</td></tr>
<tr><td>（三）行政诉讼数量</td><td>件</td><td>0</td></tr>
<tr><td>（四）依申请公开信息收取的费用</td><td>万元</td><td>0.05</td></tr>
</table></body></html>"""


def import_2016(s, tmp_path, capsys, html: str) -> tuple[dict, str, str]:
    src = tmp_path / "r2016.html"
    src.write_text(html, encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root)]) == 0
    return yaml.safe_load(s.read("data/demo/2016.yml")), s.read("data/demo/2016.yml"), capsys.readouterr().out


def test_import_proposes_the_coarse_figures_the_national_table_names(site, tmp_path, capsys):
    s = site("basic")
    data, text, out = import_2016(s, tmp_path, capsys, NATIONAL)
    assert data["metrics"] == {"applications_received": 12, "granted": 6, "partially_granted": 2, "refused_total": 1,
                               "not_held_or_nonexistent": 3, "reviews_total": 1, "lawsuits_total": 0,
                               "applicant_fees_wan": 0.05}
    # each figure says where it comes from, in the file and in the notes
    assert "# 收到申请（件）：取自第 1 张表“（一）收到申请数”" in text
    assert "取自第 1 张表“5.不属于本行政机关公开数”与“6.申请信息不存在数”之和" in text
    assert "“同意公开”取自第 1 张表“2.同意公开答复数”：6（按行名推断，请核对）" in out
    assert serious([i for i in s.check() if i.file and "2016" in i.file]) == []
    out = tmp_path / "out"
    assert mkdocs_build(s.root, out, strict=False).returncode == 0
    table = lxml_html.fromstring((out / "demo/index.html").read_bytes()).get_element_by_id("nb-legacy-trend")
    rows = {tr[0].text_content(): [td.text_content() for td in tr[1:]] for tr in table.find("tbody")}
    assert rows["收到申请（件）"] == ["12"] and rows["依申请公开收取的费用（万元）"] == ["0.05"]


@pytest.mark.parametrize("edit, absent, said", [
    # fees in 元: not converted
    (lambda h: h.replace("<td>万元</td><td>0.05</td>", "<td>元</td><td>500</td>"), "applicant_fees_wan",
     "“依申请公开收取的费用”：第 1 张表“（四）依申请公开信息收取的费用”的单位为“元”，不是万元，未换算"),
    # two rows for one figure with different numbers
    (lambda h: h.replace("<tr><td>（二）申请办结数", "<tr><td>收到申请总数</td><td>件</td><td>13</td></tr>\n<tr><td>（二）申请办结数"),
     "applications_received", "“收到申请”有 2 行可对应且数字不同"),
    # one of the two parts of 不属于本机关或信息不存在 only
    (lambda h: h.replace("<tr><td>6.申请信息不存在数</td><td>件</td><td>2</td></tr>", ""), "not_held_or_nonexistent",
     "原表只有第 1 张表“5.不属于本行政机关公开数”，未能得出两者之和"),
    # a blank is no figure
    (lambda h: h.replace("<td>（三）行政诉讼数量</td><td>件</td><td>0</td>", "<td>（三）行政诉讼数量</td><td>件</td><td></td>"),
     "lawsuits_total", None),
])
def test_import_leaves_out_a_coarse_figure_it_is_not_sure_of(site, tmp_path, capsys, edit, absent, said):
    s = site("basic")
    data, _text, out = import_2016(s, tmp_path, capsys, edit(NATIONAL))
    assert absent not in data["metrics"] and data["metrics"]["granted"] == 6
    if said:
        assert said in out, out


def test_import_takes_this_years_column_or_none(site, tmp_path, capsys):
    s = site("basic")
    two = (NATIONAL.replace("<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>",
                            "<tr><td>统计指标</td><td>单位</td><td>本年数</td><td>累计数</td></tr>")
           .replace('colspan="3"', 'colspan="4"'))
    two = re.sub(r"<td>([\d.]+)</td></tr>", r"<td>\1</td><td>99</td></tr>", two)
    data, _text, _out = import_2016(s, tmp_path, capsys, two)
    assert data["metrics"]["applications_received"] == 12 and data["metrics"]["granted"] == 6
    # columns whose names do not say which is this year's: no figure is taken
    src = tmp_path / "r2016b.html"
    src.write_text(two.replace("本年数", "甲").replace("累计数", "乙"), encoding="utf-8")
    assert main(["import", str(src), "--unit", "demo", "--root", str(s.root), "--force"]) == 0
    out = capsys.readouterr().out
    assert "metrics" not in yaml.safe_load(s.read("data/demo/2016.yml"))
    assert "第 1 张表有 2 列数字（“甲”、“乙”），不能确定哪一列是本年数，未从中提取约数" in out

"""The built portal: official table layouts, header associations, report page content, strict builds,
failing builds that publish nothing, and no request to an outside host."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from nianbao.formats import get_format

from .conftest import ROOT, SITES, mkdocs_build, seed_numbers, set_plugin_options

build = mkdocs_build  # strict by default, as the portal's CI builds
from .htmlgrid import expand, expected_headers, spoken, tables, text

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def repo_built(tmp_path_factory):
    out = tmp_path_factory.mktemp("repo") / "site"
    p = build(ROOT, out)
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def basic_built(tmp_path_factory):
    work = tmp_path_factory.mktemp("basic")
    shutil.copytree(SITES / "basic", work / "basic")
    out = work / "site"
    p = build(work / "basic", out)
    assert p.returncode == 0, p.stderr
    return out


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ layouts
# The official layouts of spec §3.2–§3.4 and §4, written out here independently of the renderer:
# (row, column, rowspan, colspan, text) of every header and stub cell.

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_GROUPS = {"2021": {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}, "2019": {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5}}
T3_RESULT_ROWS = {"2021": 22, "2019": 20}


def t3_layout(fid: str) -> list[tuple]:
    cells = [
        (0, 0, 3, 3, T3_NOTE),
        (0, 3, 1, 7, "申请人情况"),
        (1, 3, 2, 1, "自然人"),
        (1, 4, 1, 5, "法人或其他组织"),
        (1, 9, 2, 1, "总计"),
    ]
    cells += [(2, 4 + i, 1, 1, lab) for i, lab in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])]
    rows = get_format(fid).table("T3").rows
    r = 3
    seen = set()
    for row in rows:
        if not row.path:
            cells.append((r, 0, 1, 3, row.label))
        else:
            if "三" not in seen:
                seen.add("三")
                cells.append((r, 0, T3_RESULT_ROWS[fid], 1, "三、本年度办理结果"))
            if len(row.path) == 1:
                cells.append((r, 1, 1, 2, row.label))
            else:
                g = row.path[1]
                if g not in seen:
                    seen.add(g)
                    cells.append((r, 1, T3_GROUPS[fid][g], 1, g))
                cells.append((r, 2, 1, 1, row.label))
        r += 1
    assert r == 3 + {"2021": 25, "2019": 23}[fid]
    return cells


def t2_layout(fid: str) -> list[tuple]:
    blocks = {
        "2021": [
            ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
            ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
            ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
            ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
        ],
        "2019": [
            ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "规范性文件"]),
            ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
            ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "行政强制"]),
            ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], ["行政事业性收费"]),
            ("第二十条第（九）项", ["采购项目数量", "采购总金额"], ["政府集中采购"]),
        ],
    }[fid]
    cells, r = [], 0
    for caption, cols, rows in blocks:
        cells.append((r, 0, 1, 4, caption))
        cells.append((r + 1, 0, 1, 1, "信息内容"))
        spans = [1] * len(cols)
        spans[-1] += 3 - len(cols)
        c = 1
        for lab, sp in zip(cols, spans):
            cells.append((r + 1, c, 1, sp, lab))
            c += sp
        for i, lab in enumerate(rows):
            cells.append((r + 2 + i, 0, 1, 1, lab))
        r += 2 + len(rows)
    return cells


def t4_layout() -> list[tuple]:
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
    cells += [(1, i, 2, 1, lab) for i, lab in enumerate(labels)]
    cells += [(1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    cells += [(2, 5 + i, 1, 1, lab) for i, lab in enumerate(labels * 2)]
    return cells


def layout_of(grid) -> tuple[list[tuple], list[tuple]]:
    """(header and stub cells, data cells) as (row, col, rowspan, colspan, text)."""
    heads, data = [], []
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot.origin:
                el = slot.el
                item = (r, c, int(el.get("rowspan", 1)), int(el.get("colspan", 1)), text(el))
                (data if el.tag == "td" else heads).append(item)
    return heads, data


def norm(cells):
    return sorted((r, c, rs, cs, re.sub(r"\s+", "", t)) for r, c, rs, cs, t in cells)


def check_table(table, expected_heads, data_rows, data_cols, values=None):
    grid = expand(table)
    heads, data = layout_of(grid)
    assert norm(heads) == norm(expected_heads)
    # every data cell: one slot, or the spans the layout gives; values in reading order
    if values is not None:
        assert [t for *_x, t in sorted(data)] == values
    # each data cell is associated with exactly the header cells above it and to its left
    ids = {el.get("id"): el for el in table.iter("th")}
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot.origin and slot.el.tag == "td":
                got = set(slot.el.get("headers", "").split())
                assert got == expected_headers(grid, r, c), (r, c, got)
                assert all(i in ids for i in got)
    assert {(r, c) for r, c, *_ in data} <= {(r, c) for r in data_rows for c in data_cols}
    return grid


# ------------------------------------------------------------------------------------ repository site


def test_repo_report_page_has_the_official_tables(repo_built):
    t = tables(page(repo_built, "dazhangzhuang/2024"))
    seed_t2 = seed_numbers("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")
    seed_t3 = seed_numbers("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    seed_t4 = seed_numbers("四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况")
    check_table(t["t2"], t2_layout("2021"), range(14), range(1, 4), seed_t2)
    check_table(t["t3"], t3_layout("2021"), range(3, 28), range(3, 10), seed_t3)
    check_table(t["t4"], t4_layout(), [3], range(15), seed_t4)


def test_tables_have_captions_scrolling_containers_and_th_markup(repo_built):
    doc = lxml_html.fromstring(page(repo_built, "dazhangzhuang/2024"))
    for tid, caption in (("t2", "主动公开政府信息情况"), ("t3", "收到和处理政府信息公开申请情况"), ("t4", "政府信息公开行政复议、行政诉讼情况")):
        table = doc.get_element_by_id(tid)
        assert text(table.find("caption")).startswith(caption)
        wrap = table.getparent()
        assert "nb-table-scroll" in wrap.get("class") and wrap.get("tabindex") == "0" and wrap.get("role") == "region"
        for th in table.iter("th"):
            assert th.get("scope") in ("col", "colgroup", "row", "rowgroup") and th.get("id")
    # the corner note is a header cell over the stub columns, read as such
    corner = doc.get_element_by_id("t3-note")
    assert corner.tag == "th" and corner.get("scope") == "colgroup" and spoken(corner) == T3_NOTE


def test_report_page_content_in_official_order(repo_built):
    html = page(repo_built, "dazhangzhuang/2024")
    doc = lxml_html.fromstring(html)
    assert doc.findtext(".//title").startswith("沂源县大张庄镇人民政府2024年政府信息公开工作年度报告")
    article = doc.find_class("md-content__inner")[0]
    h2 = [text(h) for h in article.iter("h2") if "nb-box-title" not in (h.get("class") or "")]
    assert h2 == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    meta = {text(d.find("dt")): text(d.find("dd")) for d in article.find_class("nb-meta")[0].iter("div")}
    assert meta["发布机构"] == "沂源县大张庄镇人民政府"
    assert meta["索引号"] == "未载明" and meta["发布日期"] == "未载明"
    check = article.find_class("nb-check")[0]
    assert "nb-check--ok" in check.get("class") and "通过" in text(check)
    # the preamble comes before 一, without the Word bookmark artefact or authoring comments
    body = lxml_html.tostring(article, encoding="unicode")
    assert body.index("根据《中华人民共和国政府信息公开条例》") < body.index("一、总体情况")
    assert "_GoBack" not in body and "<!--" not in body
    assert "“大喇叭”" in body


def test_golden_seed_page(repo_built):
    """The seed page's article, reviewed as a diff; refresh with NIANBAO_UPDATE_GOLDEN=1."""
    html = page(repo_built, "dazhangzhuang/2024")
    article = html[html.index('<article class="md-content__inner md-typeset">') : html.index("</article>") + 10]
    article = re.sub(r"\n\s*\n+", "\n", article)
    golden = GOLDEN / "dazhangzhuang-2024.html"
    if os.environ.get("NIANBAO_UPDATE_GOLDEN"):
        golden.write_text(article, encoding="utf-8")
    assert article == golden.read_text(encoding="utf-8")


def test_units_without_reports_show_as_not_published(repo_built):
    units = lxml_html.fromstring(page(repo_built, "units"))
    items = {text(a): text(a.getparent()) for a in units.iter("a") if a.getparent().tag == "li"}
    assert "尚未发布" in items["鲁村镇"] and "2024年" in items["大张庄镇"]
    assert len([k for k in items if k.endswith(("镇", "街道"))]) == 12
    county = text(lxml_html.fromstring(page(repo_built, "yiyuan")))
    assert "沂源县人民政府" in county and "鲁村镇（尚未发布）" in county


def test_no_request_to_an_outside_host(repo_built):
    bad = []
    for f in repo_built.rglob("*"):
        if f.suffix == ".html":
            doc = lxml_html.fromstring(f.read_bytes())
            for el in doc.iter():
                if not isinstance(el.tag, str):
                    continue
                for attr in ("src", "srcset", "poster", "data", "action", "formaction"):
                    v = el.get(attr)
                    if v and re.match(r"^\s*(https?:)?//", v):
                        bad.append((f, attr, v))
                if el.tag == "link" and re.match(r"^\s*(https?:)?//", el.get("href", "")):
                    bad.append((f, "link", el.get("href")))
                if el.tag == "style" or el.get("style"):
                    bad += [(f, "style", u) for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", (el.text or "") + el.get("style", ""))]
        elif f.suffix == ".css":
            css = f.read_text(encoding="utf-8", errors="replace")
            bad += [(f, "css", u) for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css)]
            bad += [(f, "@import", u) for u in re.findall(r"@import\s+(?:url\()?['\"]?((?:https?:)?//[^'\")]+)", css)]
    assert bad == []


def test_links_are_relative_so_the_site_works_under_a_sub_path(repo_built):
    # 404.html is served from any path, so MkDocs bases its links on site_url (see README)
    for f in (p for p in repo_built.rglob("*.html") if p.name != "404.html"):
        doc = lxml_html.fromstring(f.read_bytes())
        for el in doc.iter("a", "link", "script", "img"):
            for attr in ("href", "src"):
                v = el.get(attr)
                assert not (v and v.startswith("/") and not v.startswith("//")), (f, v)


def test_assets_and_care_mode_toggle(repo_built):
    html = page(repo_built, "dazhangzhuang/2024")
    assert "nianbao/nianbao.css" in html and "nianbao/nianbao.js" in html
    doc = lxml_html.fromstring(html)
    [button] = doc.xpath("//button[@data-nb-care]")
    assert button.get("aria-pressed") == "false" and "关怀版" in text(button)
    assert (repo_built / "nianbao" / "nianbao.css").read_text(encoding="utf-8").count("@media print") == 1


# ------------------------------------------------------------------------------------ fixture site


@pytest.mark.parametrize("fid", ["2021", "2019"])
@pytest.mark.parametrize("tid", ["T2", "T3", "T4"])
def test_table_from_its_skeleton_equals_the_template_rendered_from_the_whole_view(fid, tid):
    """render_table fills a per-format skeleton; it must give what table.html gives for the full view,
    for every kind of cell (number, decimal, blank, not applicable, missing) and a custom prefix/caption."""
    from decimal import Decimal

    from nianbao.model import Cell as DataCell, CellKind, Table
    from nianbao.render import build_table_view, render, render_table

    tdef = get_format(fid).table(tid)
    rows, n = {}, 0
    for row in tdef.rows:
        cells = {}
        for col in row.columns:
            n += 1
            kind = n % 5
            if kind == 4:
                continue  # missing
            cells[col.key] = (DataCell(CellKind.NUMBER, n) if kind == 0 else DataCell(CellKind.NUMBER, Decimal(f"{n}.25")) if kind == 1
                              else DataCell(CellKind.BLANK) if kind == 2 else DataCell(CellKind.NA, raw="—<&>"))
        rows[row.key] = cells
    table = Table(tid, rows)
    for prefix, caption in ((None, None), ("rx", "汇总")):
        view = build_table_view(tdef, table, prefix)
        if caption:
            view.caption = caption
        expected = render("table.html", view=view)
        assert render_table(tdef, table, prefix, caption) == expected
        assert render_table(tdef, None, prefix, caption) == render("table.html", view=_captioned(build_table_view(tdef, None, prefix), caption))
    assert "nb-sr" in expected and "&lt;&amp;&gt;" in expected and "25" in expected


def _captioned(view, caption):
    if caption:
        view.caption = caption
    return view


def test_fixture_2019_format_renders_its_own_t2(basic_built):
    t = tables(page(basic_built, "demo/2019"))
    check_table(t["t2"], t2_layout("2019"), range(19), range(1, 4))
    check_table(t["t3"], t3_layout("2019"), range(3, 26), range(3, 10))
    check_table(t["t4"], t4_layout(), [3], range(15))


def test_fixture_blank_and_na_cells_are_announced(basic_built):
    doc = lxml_html.fromstring(page(basic_built, "dept/2024"))
    t2 = doc.get_element_by_id("t2")
    na = [td for td in t2.iter("td") if "nb-na" in td.get("class", "")]
    assert len(na) == 4
    for td in na:
        assert text(td) == "/" and spoken(td) == "不适用"


def test_fixture_year_on_year_figures(basic_built):
    doc = lxml_html.fromstring(page(basic_built, "demo/2024"))
    fig = doc.find_class("nb-figures-table")[0]
    rows = {text(tr.find("th")): [text(td) for td in tr.findall("td")] for tr in fig.find("tbody")}
    # 2024: 14 new applications, 6 granted, 2 reviews, 1 suit; 2023: 3, 2, 0, 0
    assert rows["本年新收申请"] == ["14", "3", "增加11"]
    assert rows["予以公开"] == ["6", "2", "增加4"]
    assert rows["行政复议"] == ["2", "0", "增加2"]
    assert rows["行政诉讼"] == ["1", "0", "增加1"]
    years = [text(li) for li in doc.find_class("nb-years")[0].iter("li")]
    assert years == ["2019年", "2020年", "2023年", "2024年"]


def test_year_page_links_the_other_years_only_when_there_are_any(basic_built, repo_built):
    doc = lxml_html.fromstring(page(basic_built, "years/2024"))
    [nav] = doc.find_class("nb-years")
    assert [text(li) for li in nav.iter("li")] == ["2019年度", "2020年度", "2023年度", "2024年度"]
    assert [a.get("href") for a in nav.iter("a")] == ["../2019/", "../2020/", "../2023/"]
    assert not lxml_html.fromstring(page(repo_built, "years/2024")).find_class("nb-years")  # 2024 alone: nothing to switch to


def test_report_page_size_does_not_grow_with_the_number_of_reports(tmp_path, basic_built):
    before = page(basic_built, "demo/2024")
    work = tmp_path / "more"
    shutil.copytree(SITES / "basic", work)
    reg = (work / "data/units.yml").read_text(encoding="utf-8")
    for i in range(30):
        reg += f"  extra{i}:\n    name: 另一镇{i}\n    full_name: 示例县另一镇{i}人民政府\n    kind: 镇\n    parent: county\n"
        for src in ("data/demo/2023.yml", "content/demo/2023.md"):
            dst = work / src.replace("demo", f"extra{i}")
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text((work / src).read_text(encoding="utf-8").replace("unit: demo", f"unit: extra{i}"), encoding="utf-8")
    (work / "data/units.yml").write_text(reg, encoding="utf-8")
    out = tmp_path / "site"
    p = build(work, out)
    assert p.returncode == 0, p.stderr
    assert page(out, "demo/2024") == before


# ------------------------------------------------------------------------------------ failing builds


def test_arithmetic_error_fails_the_build_with_the_cli_message_and_publishes_nothing(tmp_path):
    work = tmp_path / "broken"
    shutil.copytree(SITES / "basic", work)
    f = work / "data/demo/2024.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("[ 1, 0, 0, 0, 0, 0,  1]  # （二）部分公开", "[ 1, 0, 0, 0, 0, 0,  2]  # （二）部分公开"), encoding="utf-8")
    out = tmp_path / "site"
    # with no earlier site: nothing is created
    p = build(work, out)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    cli = subprocess.run([sys.executable, "-m", "nianbao.cli", "validate", str(work)], capture_output=True, text=True)
    error_lines = [ln for ln in cli.stdout.splitlines() if " 错误 " in ln]
    assert error_lines and all(ln in p.stderr for ln in error_lines)
    assert p.stderr.count("T3-3 ") == 1  # once
    assert not out.exists() and not list(tmp_path.glob("site.nianbao-*"))
    assert not list(tmp_path.glob(".nianbao-*"))  # the open-data worker (started before validation) is stopped
    # with an earlier site: it stays exactly as it was
    out.mkdir()
    (out / "index.html").write_text("earlier", encoding="utf-8")
    p = build(work, out)
    assert p.returncode != 0
    assert [x.name for x in out.iterdir()] == ["index.html"] and (out / "index.html").read_text() == "earlier"


def test_strict_mode_warning_publishes_nothing_but_plain_build_succeeds(tmp_path):
    work = tmp_path / "warn"
    shutil.copytree(SITES / "basic", work)
    f = work / "data/units.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("email: demo@example.gov.cn", "email: demo@"), encoding="utf-8")
    out = tmp_path / "site"
    p = build(work, out)
    assert p.returncode != 0 and "U-EMAIL" in p.stderr
    assert not out.exists()
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode == 0 and (out / "demo/2024/index.html").exists()
    assert "U-EMAIL" in p.stderr


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(SITES / "basic", a).returncode == 0
    assert build(SITES / "basic", b).returncode == 0
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert fa == fb
    diff = [str(p) for p in fa if (a / p).read_bytes() != (b / p).read_bytes()]
    assert diff == []


def test_repo_index_pages(repo_built):
    seed_t3 = seed_numbers("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    ro = lxml_html.fromstring(page(repo_built, "rollup/yiyuan/2024"))
    note = text(ro.find_class("nb-rollup-note")[0])
    assert "所属12个单位中1个单位" in note and "计入：大张庄镇" in note
    # one report: the roll-up's official T3 equals the seed's figures
    check_table(tables(page(repo_built, "rollup/yiyuan/2024"))["rt3"], t3_layout("2021"), range(3, 28), range(3, 10), seed_t3)
    status = lxml_html.fromstring(page(repo_built, "status"))
    assert text(status.get_element_by_id("nb-status-cap")) == "各单位年报发布情况（2024年度）"  # one year, not "2024—2024"
    cells = {text(tr.find("th")): tr.find("td").get("class") for tr in status.get_element_by_id("nb-status").find("tbody")}
    assert cells.pop("大张庄镇") == "nb-st nb-st--published"
    assert cells.pop("沂源县") == "nb-st nb-st--missing"
    assert set(cells.values()) == {"nb-st nb-st--missing"} and len(cells) == 11
    year = lxml_html.fromstring(page(repo_built, "years/2024"))
    rows = year.get_element_by_id("nb-year").find("tbody").findall("tr")
    assert [text(r.find("th")) for r in rows] == ["大张庄镇"]


@pytest.mark.parametrize("part_pages", [None, 7])
def test_search_index_is_reproducible_on_a_site_with_many_filter_values(tmp_path, part_pages):
    """The sample county has more filter values than the fixture: rebuild it and compare the index
    (in one bundle, and in parts as a province-sized site gets it)."""
    project = tmp_path / "project"
    shutil.copytree(SITES / "sample", project)
    if part_pages:
        set_plugin_options(project / "mkdocs.yml", search_part_pages=part_pages)
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        p = mkdocs_build(project, out, strict=False)
        assert p.returncode == 0, p.stderr
        outs.append({p.relative_to(out): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()})
    assert outs[0] == outs[1]
    parts = json.loads(outs[0][Path("pagefind/nianbao-parts.json")])
    assert (len(parts) >= 3) if part_pages else parts == []
    assert not list(tmp_path.glob(".nianbao-pagefind-*"))  # the parts' working folders are gone
    # the parts made while the pages were written hold every indexed page once, as does indexing the
    # finished site in parts afterwards (run_pagefind, used by the benchmark)
    indexed = sum(1 for p in (tmp_path / "a").rglob("*.html") if b"data-pagefind-body" in p.read_bytes())

    def pages_in(bundle: Path) -> int:
        names = ["."] + json.loads((bundle / "nianbao-parts.json").read_text(encoding="utf-8"))
        return sum(json.loads((bundle / n / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh"]["page_count"]
                   for n in names)

    assert pages_in(tmp_path / "a/pagefind") == indexed
    from nianbao.searchindex import run_pagefind

    after = run_pagefind(tmp_path / "a", "pagefind-after", chunk_pages=part_pages or 2500)
    assert pages_in(after) == indexed


def test_templates_dir_overrides_any_template_by_name(tmp_path):
    """A portal's own templates (plugin option templates_dir) replace the package's, the breadcrumbs too."""
    work = tmp_path / "basic"
    shutil.copytree(SITES / "basic", work)
    set_plugin_options(work / "mkdocs.yml", templates_dir="my-templates")
    (work / "my-templates").mkdir()
    (work / "my-templates/breadcrumbs.html").write_text(
        '<nav class="my-crumbs">{% for label, url in items %}<span>{{ label }}</span>{% endfor %}</nav>', encoding="utf-8")
    out = tmp_path / "site"
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode == 0, p.stderr
    for url in ("demo/2024", "demo", "years/2024", "status", "data"):
        html = page(out, url)
        assert '<nav class="my-crumbs"><span>首页</span>' in html and 'class="nb-crumbs"' not in html, url


def test_a_part_of_the_search_index_that_cannot_be_made_is_a_clear_error(tmp_path):
    from nianbao.searchindex import PartIndexer, SearchIndexError

    site = tmp_path / "site"
    site.mkdir()
    ix = PartIndexer(site, ["a/index.html", "b/index.html"], 1)
    ix.write_source("a/index.html", "<html lang='zh'><body data-pagefind-body><p>甲</p></body></html>")
    ix.source_written("a/index.html")  # a full part: handed to Pagefind at once
    with pytest.raises(SearchIndexError, match="第 2 部分"):
        ix.finish()  # b/index.html was announced but never written
    assert (site / "pagefind/pagefind-entry.json").exists()
    assert not list(tmp_path.glob(".nianbao-pagefind-*"))


def test_search_index_from_the_search_sources_equals_pagefind_over_the_finished_pages(tmp_path):
    """The build gives Pagefind a minimal document per page (content less the blocks it skips whole);
    the index must be the one Pagefind makes from the finished pages, byte for byte, for every kind
    of indexed page and for a page of the portal's own that marks itself for the index."""
    from nianbao.searchindex import run_pagefind

    project = tmp_path / "project"
    shutil.copytree(SITES / "sample", project)
    (project / "content/about.md").write_text(
        "# 关于本站\n\n<div data-pagefind-body markdown>\n\n本站由示例县政务公开办维护。\n\n</div>\n", encoding="utf-8")
    out = tmp_path / "site"
    p = mkdocs_build(project, out, strict=False)
    assert p.returncode == 0, p.stderr
    assert b"data-pagefind-body" in (out / "about/index.html").read_bytes()
    full = run_pagefind(out, "pagefind-full")
    built = {f.relative_to(out / "pagefind"): f.read_bytes() for f in (out / "pagefind").rglob("*") if f.is_file()}
    again = {f.relative_to(full): f.read_bytes() for f in full.rglob("*") if f.is_file()}
    assert built == again
    entry = json.loads(built[Path("pagefind-entry.json")])
    assert entry["languages"]["zh"]["page_count"] == sum(1 for f in out.rglob("*.html")
                                                         if not f.is_relative_to(full) and b"data-pagefind-body" in f.read_bytes())


@pytest.mark.parametrize("html, ignored", [
    ('<section class="x" data-pagefind-ignore="all"><h2>a</h2><section>b</section></section>\n', True),
    ('<div data-pagefind-ignore="all"><div><div></div></div></div>', True),
    ('<div data-pagefind-ignore="all">a</div><div>b</div>', False),  # a sibling the index takes
    ('<div data-pagefind-ignore="all"><div>a</div>', False),  # never closed: unsure
    ('<div data-pagefind-ignore>a</div>', False),  # "index" only: filters and metadata inside still count
    ('<div><div data-pagefind-ignore="all">a</div></div>', False),
    ('<nav data-pagefind-ignore="all"><nav-x></nav-x></nav>', True),
])
def test_blocks_left_out_of_the_search_source(html, ignored):
    from nianbao.pages import ignored_by_search

    assert ignored_by_search(html) is ignored


def test_a_site_whose_marked_pages_fit_one_part_is_indexed_in_one_bundle(tmp_path):
    """More HTML files than a part holds, but only the marked pages count: one bundle, no parts."""
    from nianbao.searchindex import run_pagefind

    site = tmp_path / "site"
    for name, marked in (("a", True), ("b", True), ("c", False), ("d", False)):
        (site / name).mkdir(parents=True)
        body = "<main data-pagefind-body>" if marked else "<main>"
        (site / name / "index.html").write_text(f"<html lang='zh'><body>{body}<p>页面{name}的正文</p></main></body></html>",
                                                encoding="utf-8")
    bundle = run_pagefind(site, chunk_pages=3)
    assert json.loads((bundle / "nianbao-parts.json").read_text(encoding="utf-8")) == []
    assert json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh"]["page_count"] == 2


def test_a_theme_that_writes_another_page_language_than_the_search_index_is_a_clear_error(tmp_path):
    """The search sources carry the theme's language; the search page looks for the index of the
    language its <html lang> says. A custom base.html that changes it must not leave search empty."""
    import material

    work = tmp_path / "basic"
    shutil.copytree(SITES / "basic", work)
    base = (Path(material.__file__).parent / "templates/base.html").read_text(encoding="utf-8")
    assert "<html lang=\"{{ lang.t('language') }}\"" in base
    (work / "overrides").mkdir()
    (work / "overrides/base.html").write_text(base.replace("<html lang=\"{{ lang.t('language') }}\"", '<html lang="en"'), encoding="utf-8")
    config = work / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1),
                      encoding="utf-8")
    out = tmp_path / "site"
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode != 0 and '<html lang="en">' in p.stderr and "Traceback" not in p.stderr, p.stderr[-3000:]
    assert not out.exists()


def test_working_folder_beside_the_site_or_in_the_temporary_folder(tmp_path):
    from nianbao.workdir import work_dir_beside

    beside = work_dir_beside(tmp_path / "site", "export")
    assert beside.parent == tmp_path.resolve() and beside.name.startswith(".nianbao-export-") and beside.is_dir()
    elsewhere = work_dir_beside(tmp_path / "missing" / "site", "export")  # its folder cannot be made there
    try:
        assert elsewhere.is_dir() and elsewhere.name.startswith("nianbao-export-")
        assert not elsewhere.is_relative_to(tmp_path) and not (tmp_path / "missing").exists()
    finally:
        elsewhere.rmdir()


def test_outcomes_chart_states_every_outcome_and_never_draws_a_blank_as_zero(site):
    """图解 on the report page: a bar per outcome group （一）…（六）, its number written beside it."""
    from dataclasses import replace

    from nianbao.model import CellKind, Table
    from nianbao.pages import _outcomes_chart
    from nianbao.validate import check_site

    def chart(s):
        report = check_site(s.root)[0].site.reports[("demo", 2024)]
        svg = lxml_html.fromstring(_outcomes_chart(report))
        return report, svg.xpath("//desc")[0].text, [t.text for t in svg.xpath("//text")], len(svg.xpath("//rect"))

    s = site("basic")
    report, desc, texts, bars = chart(s)
    t3 = report.tables["T3"].rows  # demo 2024: 予以公开 6, 部分公开 1, 不予公开 1, 无法提供 4, 不予处理 1, 其他 1
    assert (t3["granted"]["total"].value, t3["partial"]["total"].value) == (6, 1)
    assert desc == "予以公开6件、部分公开1件、不予公开1件、无法提供4件、不予处理1件、其他处理1件。"
    assert texts[:4] == ["予以公开", "6", "部分公开", "1"] and bars == 6
    s.set_row("data/demo/2024.yml", "partial", "[~, ~, ~, ~, ~, ~, ~]")
    _report, desc, texts, bars = chart(s)
    assert "部分公开空白、" in desc and texts[2:4] == ["部分公开", "空白"] and bars == 5  # not drawn as 0
    zero = {k: {c: replace(v, value=0) if v.kind is CellKind.NUMBER else v for c, v in cols.items()} for k, cols in t3.items()}
    assert _outcomes_chart(replace(report, tables={**report.tables, "T3": Table("T3", zero)})) is None


def test_every_local_link_of_the_portal_and_the_basic_site_resolves(repo_built, basic_built):
    from .test_indexes import broken_links

    for site in (repo_built, basic_built):
        n, missing = broken_links(site)
        assert n > 10 and missing == [], site


def test_a_portal_with_units_but_no_report_yet_builds(tmp_path):
    """A county starting out: the registry written, no report yet. Every page is made and says so."""
    work = tmp_path / "site"
    shutil.copytree(SITES / "basic", work)
    for d in ("data", "content"):
        for sub in (work / d).iterdir():
            if sub.is_dir():
                shutil.rmtree(sub)
    out = tmp_path / "out"
    p = mkdocs_build(work, out)
    assert p.returncode == 0, p.stderr
    for page in ("status", "years"):
        text = lxml_html.fromstring((out / page / "index.html").read_bytes()).find_class("md-content")[0].text_content()
        assert "还没有任何单位的年报" in text, page
    assert (out / "data/nianbao-status.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == []


def test_a_published_originals_errors_kept_as_published_build_and_are_shown(tmp_path):
    """Spec §9.1.10: totals that do not add up in a published report are kept and flagged. The
    strict build succeeds; the report page, the status page and the checks CSV say so."""
    work = tmp_path / "kept"
    shutil.copytree(SITES / "basic", work)
    f = work / "data/demo/2024.yml"
    data = f.read_text(encoding="utf-8").replace("[ 1, 0, 0, 0, 0, 0,  1]  # （二）部分公开", "[ 1, 0, 0, 0, 0, 0,  2]  # （二）部分公开")
    reason = "已与2025-01-20发布的原件核对"
    f.write_text(data.replace("unit: demo\n", f"unit: demo\nas_published:\n  T3-3: {reason}\n  T3-2: {reason}\n"), encoding="utf-8")
    out = tmp_path / "site"
    p = build(work, out)
    assert p.returncode == 0, p.stderr
    check = lxml_html.fromstring(page(out, "demo/2024")).get_element_by_id("nb-check-h").getparent()
    assert "nb-check--warning" in check.get("class")
    items = [text(li) for li in check.xpath("./ul/li")]
    assert items and all(i.startswith("原件错误") and reason in i for i in items)
    assert {"T3-2", "T3-3"} <= {re.search(r"（(T\d-\d)）$", i).group(1) for i in items}
    assert "原件有2处数字不符合核验规则" in text(check.xpath("./p")[0])
    status = lxml_html.fromstring((out / "status/index.html").read_text(encoding="utf-8"))
    assert "原件有2处错误（照原件保留）" in text(status.get_element_by_id("nb-status"))
    rows = [r for r in (out / "data/nianbao-checks.csv").read_text(encoding="utf-8-sig").splitlines() if "照原件保留" in r]
    assert len(rows) == 2 and all(",info," in r for r in rows)
    # the county roll-up sums it as published and says so, on the page and in its data
    note = lxml_html.fromstring(page(out, "rollup/county/2024")).get_element_by_id("nb-rollup-h").getparent()
    [kept] = [p for p in note.findall("p") if "照原件计入" in text(p)]
    assert [a.get("href") for a in kept.findall("a")] == ["../../../demo/2024/"]
    assert json.loads((out / "data/rollups/county/2024.json").read_text(encoding="utf-8"))["kept_as_published"] == ["demo"]
    # the year comparison marks its row
    year = lxml_html.fromstring(page(out, "years/2024")).get_element_by_id("nb-year")
    marked = [text(th) for th in year.xpath(".//tbody/tr/th") if "原件数字不符合核验" in text(th)]
    assert marked == ["示例镇（原件数字不符合核验，照原件）"]
    # and so does its CSV: which checks the row's figures fail as published
    rows = list(csv.DictReader(io.StringIO((out / "data/years/2024.csv").read_text(encoding="utf-8-sig"))))
    assert {r["unit_id"]: r["as_published"] for r in rows if r["as_published"]} == {"demo": "T3-2；T3-3"}
    assert any(r["row"] == "total" for r in rows)

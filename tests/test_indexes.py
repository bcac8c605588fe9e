"""Index pages of the sample county: every figure checked against sums computed here, independently,
from the raw data files (plain yaml.safe_load and the spec's row groups, not nianbao's model)."""

from __future__ import annotations

import csv
import filecmp
import io
import json
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from nianbao.indexes import report_status
from nianbao.issues import ERROR, Issue
from nianbao.validate import check_site

from .conftest import ROOT, SITES, mkdocs_build
from .htmlgrid import text
from .test_portal import check_table, t3_layout, t2_layout, t4_layout

SAMPLE = SITES / "sample"
UNITS = ["shili", "dongcheng", "xishan", "nanhu", "beiling", "jiaoyu"]
NAMES = {"shili": "示例县", "dongcheng": "东城街道", "xishan": "西山镇", "nanhu": "南湖镇", "beiling": "北岭乡", "jiaoyu": "示例县教育局"}
YEARS = [2020, 2021, 2022, 2023]

# spec §3.3 / §4.2: the result groups of T3 (row keys), the same groups in both formats
GROUPS = {
    "（一）予以公开": lambda k: k == "granted",
    "（二）部分公开": lambda k: k == "partial",
    "（三）不予公开": lambda k: k.startswith("deny_"),
    "（四）无法提供": lambda k: k.startswith("unable_"),
    "（五）不予处理": lambda k: k.startswith("noproc_"),
    "（六）其他处理": lambda k: k.startswith("other_"),  # 2021: three rows; 2019: other_processing
    "（七）总计": lambda k: k == "result_total",
}


def raw(unit: str, year: int) -> dict | None:
    p = SAMPLE / "data" / unit / f"{year}.yml"
    return yaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None


def num(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    try:
        return Decimal(str(v).replace("+", ""))
    except Exception:
        return None


def total_of(values) -> Decimal | None:
    nums = [n for n in (num(v) for v in values) if n is not None]
    return sum(nums) if nums else None


def expected_figures(d: dict) -> dict[str, Decimal | None]:
    t3, t4 = d["T3"], d["T4"]
    out = {
        "本年新收": total_of([t3["new_received"][6]]),
        "上年结转": total_of([t3["carried_in"][6]]),
        "结转下年": total_of([t3["carried_out"][6]]),
        "行政复议": total_of([t4["review"][4]]),
        "行政诉讼": total_of([t4["suit_direct"][4], t4["suit_after_review"][4]]),
    }
    for label, member in GROUPS.items():
        out[label] = total_of([row[6] for key, row in t3.items() if member(key)])
    if d["format"] == "2021":
        t2 = d["T2"]
        out["行政规范性文件：本年制发件数"] = total_of([t2["normative_docs"][0]])
        out["行政规范性文件：现行有效件数"] = total_of([t2["normative_docs"][2]])
        out["行政许可"] = total_of([t2["admin_license"]])
        out["行政事业性收费（万元）"] = total_of([t2["admin_fees"]])
    return out


def fmt(v: Decimal | None) -> str:
    return "" if v is None else format(v.normalize(), "f") if v != v.to_integral_value() else str(int(v))


@pytest.fixture(scope="module")
def sample_built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "site"
    p = mkdocs_build(SAMPLE, out, strict=False)
    assert p.returncode == 0, p.stderr
    assert "ERROR" not in p.stderr and p.stderr.count("WARNING") == 4  # M-6, M-2, T2-4 ×2
    return out


def doc(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def index_table(table) -> tuple[list[str], dict[str, list[str]], list]:
    """(column labels, {row label: cell texts}, tfoot rows) of an index table."""
    head = table.find("thead").findall("tr")[-1]
    labels = [text(th) for th in head.findall("th")]
    rows = {}
    for tr in table.find("tbody").findall("tr"):
        rows[text(tr.find("th"))] = [text(td) for td in tr.findall("td")]
    foot = table.find("tfoot")
    return labels, rows, (foot.findall("tr") if foot is not None else [])


def test_fixture_is_what_the_generator_makes(tmp_path):
    out = tmp_path / "sample"
    subprocess.run([sys.executable, str(ROOT / "scripts/make-sample"), str(out)], check=True)
    for a, b in ((SAMPLE, out), (SITES / "sample-errors", tmp_path / "sample-errors")):
        cmp = filecmp.dircmp(a, b)
        stack = [cmp]
        while stack:
            c = stack.pop()
            assert not c.left_only and not c.right_only and not c.diff_files, (c.left, c.left_only, c.right_only, c.diff_files)
            stack += c.subdirs.values()


@pytest.mark.parametrize("year", YEARS)
def test_year_page_figures(sample_built, year):
    labels, rows, foot = index_table(doc(sample_built, f"years/{year}").get_element_by_id("nb-year"))
    reported = [u for u in UNITS if raw(u, year)]
    assert list(rows) == [NAMES[u] for u in reported]
    sums: dict[str, Decimal] = {}
    for u in reported:
        want = expected_figures(raw(u, year))
        got = dict(zip(labels, rows[NAMES[u]]))
        for label, v in want.items():
            assert got[label] == fmt(v), (u, year, label)
            if u != "shili" and v is not None:
                sums[label] = sums.get(label, Decimal(0)) + v
    # the county's roll-up row: the units below it, not its own organ report
    [total] = foot
    assert text(total.find("th")).startswith("示例县所属单位合计")
    n = len([u for u in reported if u != "shili"])
    assert f"（{n}/5个单位）" in text(total.find("th"))
    got = dict(zip(labels, [text(td) for td in total.findall("td")]))
    for label, v in sums.items():
        assert got[label] == fmt(v), (year, label)


def test_a_year_of_reports_from_before_2019_offers_their_list(sample_built):
    d = doc(sample_built, "years/2018")
    [link] = d.xpath("//p[contains(@class,'nb-page-data')]/a[@download]/@href")
    data = read_csv(sample_built / "years/2018" / link)
    assert [(r["row"], r["unit_id"], r["format"]) for r in data] == [("report", "xishan", "legacy")]
    assert list(data[0])[-2:] == ["incomplete", "as_published"] and "本年新收" not in "".join(data[0])  # no figures


@pytest.mark.parametrize("year", [2020, 2023])
def test_year_page_data_is_the_table_on_the_page(sample_built, year):
    d = doc(sample_built, f"years/{year}")
    labels, rows, foot = index_table(d.get_element_by_id("nb-year"))
    [link] = d.xpath("//p[contains(@class,'nb-page-data')]/a[@download]/@href")
    assert link == f"../../data/years/{year}.csv"
    data = read_csv(sample_built / f"years/{year}" / link)
    reports, totals = [r for r in data if r["row"] == "report"], [r for r in data if r["row"] == "total"]
    assert [r["unit_name"] for r in reports] == list(rows)
    header = list(data[0])
    figures = header[header.index("units") + 1:header.index("incomplete")]
    assert [f.split("·")[-1] for f in figures] == labels  # the page's columns (under their groups)
    for r in reports:
        assert [r[f] for f in figures] == rows[r["unit_name"]], r["unit_name"]
        published = raw(r["unit_id"], year)["meta"]["published_date"]
        assert r["published_date"] == (published.isoformat() if published else "")
    [total] = totals
    below = [r for r in reports if r["unit_id"] != "shili"]
    assert (total["unit_id"], total["units_reported"], total["units"]) == ("shili", str(len(below)), "5")
    assert [total[f] for f in figures] == [text(td) for td in foot[0].findall("td")]


@pytest.mark.parametrize("year", [2020, 2023])
def test_rollup_data_is_the_sums_on_the_page(sample_built, year):
    d = doc(sample_built, f"rollup/shili/{year}")
    links = d.xpath("//p[contains(@class,'nb-page-data')]/a[@download]/@href")
    assert links == [f"../../../data/rollups/shili/{year}{s}" for s in (".json", "-T2.csv", "-T3.csv", "-T4.csv")]
    base = sample_built / "data/rollups/shili"
    ro = json.loads((base / f"{year}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    included = [u for u in UNITS[1:] if raw(u, year)]
    assert ro["included"] == included and ro["missing"] == [u for u in UNITS[1:] if not raw(u, year)]
    assert ro["format"] == ("2019" if year == 2020 else "2021")
    keys = list(raw(included[0], year)["T3"])
    for key in keys:
        want = [total_of([raw(u, year)["T3"][key][j] for u in included]) for j in range(7)]
        got = list(ro["applications"][key].values())
        assert [fmt(Decimal(v)) if v is not None else "" for v in got] == [fmt(v) for v in want], key
    # the CSVs are the page's tables in the official layout, as a report's are
    t3 = [r for r in csv.reader((base / f"{year}-T3.csv").read_text(encoding="utf-8-sig").splitlines())]
    assert t3[3][3:] == [fmt(total_of([raw(u, year)["T3"][keys[0]][j] for u in included])) for j in range(7)]


def test_year_page_lists_units_without_a_report(sample_built):
    d = doc(sample_built, "years/2022")
    missing = [text(a) for a in d.get_element_by_id("nb-year-missing").getnext().iter("a")]
    assert missing == ["北岭乡"]


@pytest.mark.parametrize("year", YEARS)
def test_rollup_official_tables_are_the_sums(sample_built, year):
    d = doc(sample_built, f"rollup/shili/{year}")
    included = [u for u in UNITS[1:] if raw(u, year)]
    note = text(d.find_class("nb-rollup-note")[0])
    assert f"所属5个单位中{len(included)}个单位" in note
    if year == 2022:
        assert "未发布、未计入：北岭乡" in note
    fid = "2019" if year == 2020 else "2021"
    tables = {t.get("id"): t for t in d.iter("table")}
    grid = check_table(tables["rt3"], t3_layout(fid), range(3, 3 + (25 if fid == "2021" else 23)), range(3, 10))
    check_table(tables["rt2"], t2_layout(fid), range(30), range(1, 4))
    check_table(tables["rt4"], t4_layout(), [3], range(15))
    keys = list(raw(included[0], year)["T3"])
    for i, key in enumerate(keys):
        cells = [text(slot.el) for slot in grid[3 + i][3:10]]
        want = [fmt(total_of([raw(u, year)["T3"][key][j] for u in included])) for j in range(7)]
        assert cells == want, (year, key)
    t4 = [text(td) for td in tables["rt4"].iter("td")]
    want4 = [fmt(total_of([raw(u, year)["T4"][g][j] for u in included])) for g in ("review", "suit_direct", "suit_after_review") for j in range(5)]
    assert t4 == want4


def test_rollup_does_not_sum_the_procurement_amount(sample_built):
    d = doc(sample_built, "rollup/shili/2020")
    assert "政府集中采购采购总金额单位不统一，不加总" in text(d.find_class("nb-rollup-note")[0])
    cell = d.xpath("//td[contains(@headers, 'procurement_amount')]")[0]
    assert text(cell) == "不汇总"


def test_unit_page_trend_and_chart(sample_built):
    d = doc(sample_built, "xishan")
    labels, rows, _ = index_table(d.get_element_by_id("nb-trend"))
    assert labels == ["项目", "2020年", "2021年", "2022年", "2023年"]
    for i, year in enumerate(YEARS):
        want = expected_figures(raw("xishan", year))
        for label in ("本年新收", "上年结转", "（一）予以公开", "（六）其他处理", "（七）总计", "结转下年", "行政复议", "行政诉讼"):
            assert rows[label][i] == fmt(want[label]), (year, label)
    svg = d.xpath("//*[local-name()='svg' and @role='img']")[0]
    title = svg.xpath("*[local-name()='title']")[0].text
    desc = svg.xpath("*[local-name()='desc']")[0].text
    assert "西山镇" in title and svg.get("aria-labelledby").split() == [f"{svg.get('id')}-title", f"{svg.get('id')}-desc"]
    for year in YEARS:
        n = fmt(expected_figures(raw("xishan", year))["本年新收"])
        assert f"{year}年本年新收{n}件" in desc
    captions = [text(c) for c in d.iter("caption")]
    assert any("2021年格式" in c for c in captions) and any("2019年格式" in c for c in captions)


def test_unit_page_data_is_its_figures_by_year(sample_built):
    d = doc(sample_built, "xishan")
    [link] = d.xpath("//p[contains(@class,'nb-page-data')]/a[@download]/@href")
    assert link == "../data/trends/xishan.csv"
    data = read_csv(sample_built / "xishan" / link)
    labels, rows, _ = index_table(d.get_element_by_id("nb-trend"))
    t3t4 = {(r["label"], int(r["year"])): r["value"] for r in data if not r["format"]}
    for label, cells in rows.items():
        assert [t3t4[(label, y)] for y in YEARS] == [c.replace("（含空白或不适用单元格）", "") for c in cells], label
    assert {r["year"] for r in data} == {str(y) for y in YEARS}  # not 2018: a report before the national format
    for fid in ("2021", "2019"):
        _l, t2rows, _f = index_table(d.get_element_by_id(f"nb-t2trend-{fid}"))
        t2 = {(r["label"], int(r["year"])): r["value"] for r in data if r["format"] == fid}
        years = sorted({y for _lab, y in t2})
        for label, cells in t2rows.items():
            assert [t2[(label, y)] or "/" for y in years] == [c if c != "/无数据" else "/" for c in cells], (fid, label)


def test_status_matrix(sample_built):
    d = doc(sample_built, "status")
    table = d.get_element_by_id("nb-status")
    years = [2018] + YEARS  # 西山镇 2018: a report from before the national format
    assert text(d.get_element_by_id("nb-status-cap")) == f"各单位年报发布情况（{years[0]}—{years[-1]}年度）"
    states = {}
    for tr in table.find("tbody").findall("tr"):
        unit = text(tr.find("th"))
        for year, td in zip(years, tr.findall("td")):
            states[(unit, year)] = td.get("class").split("nb-st--")[1]
    assert states.pop(("西山镇", 2018)) == "published"
    assert {states.pop((u, 2018)) for u in ("示例县", "东城街道", "南湖镇", "北岭乡", "示例县教育局")} == {"missing"}
    assert states.pop(("北岭乡", 2022)) == "missing"
    assert states.pop(("示例县", 2020)) == "missing"
    assert states.pop(("示例县教育局", 2020)) == states.pop(("示例县教育局", 2021)) == "missing"
    assert states.pop(("南湖镇", 2021)) == "late"
    assert states.pop(("西山镇", 2023)) == "warnings"
    assert set(states.values()) == {"published"}
    # each published cell links to its report
    assert table.xpath(".//td[contains(@class,'nb-st--late')]/a/@href") == ["../nanhu/2021/"]


def read_csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # opens in Excel on a Chinese Windows machine
    return list(csv.DictReader(data.decode("utf-8-sig").splitlines()))


def test_status_and_checks_are_open_data(sample_built, tmp_path):
    """The status page as a CSV (a row per unit and year) and every finding of the checks as one."""
    from nianbao.cli import main
    from nianbao.export.checks import CHECKS_COLUMNS, STATUS_COLUMNS

    d = doc(sample_built, "status")
    years = [2018] + YEARS
    page = {}
    for tr in d.get_element_by_id("nb-status").find("tbody").findall("tr"):
        for year, td in zip(years, tr.findall("td")):
            page[(text(tr.find("th")), year)] = (td.get("class").split("nb-st--")[1], text(td))
    rows = read_csv(sample_built / "data/nianbao-status.csv")
    assert list(rows[0]) == STATUS_COLUMNS and len(rows) == len(page)
    names = {r["unit_name"] for r in rows}
    for r in rows:
        state, shown = page[(r["unit_name"], int(r["year"]))]
        assert r["status"] == state and r["status_label"].replace(" ", "") in shown
        if state == "missing":
            assert r["published_date"] == r["errors"] == r["days_late"] == ""
    late = next(r for r in rows if r["status"] == "late")
    published, due = (yaml.safe_load((SAMPLE / "data/nanhu/2021.yml").read_text(encoding="utf-8"))["meta"]["published_date"],
                      late["due_date"])
    assert (late["unit_name"], late["year"], late["published_date"]) == ("南湖镇", "2021", published.isoformat())
    assert int(late["days_late"]) == (published - date.fromisoformat(due)).days > 0
    assert {r["days_late"] for r in rows if r["status"] == "published" and r["published_date"]} == {"0"}
    assert names == {text(tr.find("th")) for tr in d.get_element_by_id("nb-status").find("tbody").findall("tr")}
    # every finding of `nianbao validate`, with the unit and year it belongs to
    checks = read_csv(sample_built / "data/nianbao-checks.csv")
    assert list(checks[0]) == CHECKS_COLUMNS
    buf = io.StringIO()
    with redirect_stdout(buf):
        main(["validate", "--root", str(SAMPLE), "--format", "json", "-v"])
    found = json.loads(buf.getvalue())
    found = found["issues"] if isinstance(found, dict) else found
    assert sorted((c["file"], c["line"], c["check"], c["severity"], c["message"]) for c in checks) == \
        sorted((i["file"], str(i["line"] or ""), i["check"], i["severity"], i["message"]) for i in found)
    for c in checks:
        if c["file"].startswith("data/") and c["file"].count("/") == 2:
            assert c["file"] == f"data/{c['unit_id']}/{c['year']}.yml"
    assert {c["check"] for c in checks if c["severity"] == "warning"} >= {"M-2", "M-6"}
    # the status page and the data page link them; `nianbao export` writes the same bytes
    assert d.xpath("//a[@download]/@href") == ["../data/nianbao-status.csv", "../data/nianbao-checks.csv"]
    data_page = doc(sample_built, "data")
    sizes = {text(tr.find("th")): text(tr[-1]) for tr in data_page.get_element_by_id("nb-files-table").find("tbody")}
    assert sizes["nianbao-status.csv"].endswith("KB") and sizes["nianbao-checks.csv"].endswith("KB")
    out = tmp_path / "export"
    assert main(["export", "--root", str(SAMPLE), "--out", str(out)]) == 0
    for name in ("nianbao-status.csv", "nianbao-checks.csv"):
        assert (out / name).read_bytes() == (sample_built / "data" / name).read_bytes()
    # and the index pages' data files, the same as the pages wrote
    def twins(root: Path) -> dict:
        return {p.relative_to(root): p.read_bytes() for d in ("years", "rollups", "trends") for p in (root / d).rglob("*") if p.is_file()}
    built = twins(sample_built / "data")
    assert twins(out) == built and len(built) > 20


def test_status_has_errors_state():
    result, issues = check_site(SAMPLE)
    r = result.site.report("dongcheng", 2023)
    err = Issue("T3-1", ERROR, "x", None)
    assert report_status(result.site, r, [err]).state == "errors"
    assert report_status(result.site, r, []).state == "published"


def test_home_page_glance(sample_built):
    d = doc(sample_built, "")
    glance = text(d.find_class("nb-glance")[0])
    assert "6/6个单位已发布2023年度年报" in glance
    received = sum(expected_figures(raw(u, 2023))["本年新收"] for u in UNITS)
    assert f"{received}件本年新收" in glance


def test_home_page_lists_all_of_a_countys_reports(sample_built):
    d = doc(sample_built, "")
    section = d.get_element_by_id("nb-home-h").getparent()
    assert [text(h) for h in section.findall("h3")] == ["2023年度年报"]
    listed = [a.get("href") for a in section.xpath("./ul[@class='nb-list']/li/a")]
    assert listed == [f"{u}/2023/" for u in UNITS]  # registry order, every one
    assert [a.get("href") for a in section.find("p").findall("a")] == ["years/2023/", "rollup/shili/2023/"]


def test_home_page_of_a_large_portal_lists_the_latest_published(tmp_path):
    """Past HOME_REPORTS reports in the latest year (a city's or a province's portal), the home page
    lists the most recently published ones, newest first, and says where all of them are."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from .conftest import set_plugin_options

    info = generate(tmp_path / "big", reports=45, years=1, chars=200, per_county=4)  # 12 counties
    set_plugin_options(info["site"] / "mkdocs.yml", search_enabled="false", export_enabled="false")
    dates = {}
    for f in sorted((info["site"] / "data").glob("*/2024.yml")):
        dates[f.parent.name] = yaml.safe_load(f.read_text(encoding="utf-8"))["meta"].get("published_date")
    assert len(dates) == 45 and len(set(dates.values())) > 5  # the corpus has dates to order by
    out = tmp_path / "out"
    p = mkdocs_build(info["site"], out, strict=False)
    assert p.returncode == 0, p.stderr
    section = doc(out, "").get_element_by_id("nb-home-h").getparent()
    assert [text(h) for h in section.findall("h3")] == ["最近发布的2024年度年报"]
    items = section.xpath("./ul[@class='nb-list']/li")
    units = [li.find("a").get("href").split("/")[0] for li in items]
    assert len(units) == 30 == len(set(units))
    shown = [str(dates[u]) for u in units]
    assert shown == sorted(shown, reverse=True)  # newest first
    assert all(str(dates[u]) <= shown[-1] for u in dates if u not in units)  # none newer left out
    assert all(f"（{dates[u]}）" in text(li) for u, li in zip(units, items))
    note = text(section.findall("p")[-1])
    assert "共45份2024年度年报" in note
    assert [a.get("href") for a in section.findall("p")[-1].findall("a")] == ["years/2024/", "units/"]
    # twelve counties: their roll-ups are reached from the year page's totals, not listed here
    links = section.find("p")
    assert [a.get("href") for a in links.findall("a")] == ["years/2024/"]
    assert "12个上级单位的合计行" in text(links)
    year = doc(out, "years/2024")
    assert len(year.xpath("//table[@id='nb-year']/tfoot/tr/th/a[starts-with(@href, '../../rollup/')]")) == 12
    # with no publication dates there is no "latest": the first in registry order, and said so
    for f in (info["site"] / "data").glob("*/2024.yml"):
        f.write_text(re.sub(r"(?m)^(  published_date:) .*$", r"\1 ~", f.read_text(encoding="utf-8")), encoding="utf-8")
    assert mkdocs_build(info["site"], out, strict=False).returncode == 0
    section = doc(out, "").get_element_by_id("nb-home-h").getparent()
    assert [text(h) for h in section.findall("h3")] == ["2024年度年报（按名录顺序的前30份）"]
    assert [li.find("a").get("href").split("/")[0] for li in section.xpath("./ul[@class='nb-list']/li")] == sorted(dates)[:30]


def test_every_page_is_marked_as_sample_data(sample_built):
    pages = [p for p in sample_built.rglob("index.html")]
    assert len(pages) > 30
    for p in pages:
        assert "示例数据：示例县及其所属单位均为虚构" in p.read_text(encoding="utf-8"), p


def test_report_page_compares_across_the_format_change(sample_built):
    d = doc(sample_built, "dongcheng/2021")
    fig = d.find_class("nb-figures-table")[0]
    assert "与2020年比较" in text(fig.find("caption"))
    rows = {text(tr.find("th")): [text(td) for td in tr.findall("td")] for tr in fig.find("tbody")}
    a, b = expected_figures(raw("dongcheng", 2021)), expected_figures(raw("dongcheng", 2020))
    assert rows["本年新收申请"][:2] == [fmt(a["本年新收"]), fmt(b["本年新收"])]


def test_copied_narrative_is_flagged_on_the_report_page(sample_built):
    check = doc(sample_built, "xishan/2023").find_class("nb-check")[0]
    assert "nb-check--warning" in check.get("class")
    assert "雷同" in text(check) and "M-6" in text(check)


def test_sample_with_errors_fails_and_writes_nothing(tmp_path):
    work = tmp_path / "sample"
    shutil.copytree(SAMPLE, work)
    shutil.copytree(SITES / "sample-errors" / "data", work / "data", dirs_exist_ok=True)
    out = tmp_path / "site"
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode != 0
    assert "data/dongcheng/2023.yml" in p.stderr and "T3-1" in p.stderr and "T3-3" in p.stderr
    assert not out.exists()


def broken_links(site: Path) -> tuple[int, list[tuple[str, str]]]:
    """(pages looked at, [(page, link)] of local links and resources that lead nowhere)."""
    from urllib.parse import unquote, urlparse

    root = site.resolve()
    missing = []
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]  # 404.html is served from any path
    for f in pages:
        doc = lxml_html.fromstring(f.read_bytes())
        for el in doc.iter("a", "link", "script", "img", "source"):
            for attr in ("href", "src"):
                v = el.get(attr)
                if not v or urlparse(v).scheme or v.startswith(("#", "//", "mailto:", "tel:")):
                    continue
                target = (f.parent / unquote(urlparse(v).path)).resolve()
                if not (target.is_relative_to(root) and (target.is_file() or (target / "index.html").is_file())):
                    missing.append((str(f.relative_to(site)), v))
    return len(pages), missing


def test_every_local_link_and_resource_of_every_page_resolves(sample_built):
    """No page links to or loads a file the site does not have (downloads, index pages, assets)."""
    n, missing = broken_links(sample_built)
    assert n > 40 and missing == []


def test_a_region_wide_report_is_not_summed_again_with_the_units_it_covers(tmp_path):
    """Spec §1: a 本级政府 report may compile its region (scope: region_aggregate). Summed with the
    reports of the units below, their figures would count twice: it is listed, not summed."""
    from nianbao.indexes import AGGREGATE_REASON, rollup, year_view

    work = tmp_path / "deep"
    shutil.copytree(SAMPLE, work)
    units = (work / "data/units.yml").read_text(encoding="utf-8")
    units = units.replace("  shili:\n    name: 示例县\n    full_name: 示例县人民政府\n    kind: 县\n    parent: ~",
                          "  shishi:\n    name: 示例市\n    full_name: 示例市人民政府\n    kind: 市\n    parent: ~\n"
                          "  shili:\n    name: 示例县\n    full_name: 示例县人民政府\n    kind: 县\n    parent: shishi")
    (work / "data/units.yml").write_text(units, encoding="utf-8")
    county = work / "data/shili/2023.yml"
    county.write_text(county.read_text(encoding="utf-8").replace('format: "2021"', 'format: "2021"\nscope: region_aggregate', 1),
                      encoding="utf-8")
    site = check_site(work)[0].site
    assert site.reports[("shili", 2023)].meta.scope == "region_aggregate"
    ro = rollup(site, "shishi", 2023)
    assert ("shili", AGGREGATE_REASON) in [(u.id, why) for u, why in ro.excluded]
    below = [u for u in UNITS[1:] if raw(u, 2023)]
    assert [u.id for u in ro.included] == below
    for key in raw(below[0], 2023)["T3"]:
        got = ro.tables["T3"].rows[key]["total"].value
        assert fmt(Decimal(got)) == fmt(total_of([raw(u, 2023)["T3"][key][6] for u in below])), key
    # the year's city total is the county's units' total, not that plus the county's compilation
    view = year_view(site, 2023)
    totals = {t.parent.id: t for t in view.totals}
    assert totals["shishi"].values == totals["shili"].values and totals["shishi"].reported == len(below)
    out = tmp_path / "out"
    assert mkdocs_build(work, out, strict=False).returncode == 0
    page = lxml_html.fromstring((out / "years/2023/index.html").read_bytes())
    assert "（本地区汇总，不计入合计）" in text(page.get_element_by_id("nb-year"))
    assert "本地区汇总报告" in lxml_html.fromstring((out / "rollup/shishi/2023/index.html").read_bytes()).text_content()
    glance = text(lxml_html.fromstring((out / "index.html").read_bytes()).find_class("nb-glance")[0])
    received = sum(expected_figures(raw(u, 2023))["本年新收"] for u in below)
    assert f"{received}件本年新收" in glance  # the home page's count: the county's compilation not added again
    data = read_csv(out / "data/years/2023.csv")
    assert next(r for r in data if r["unit_id"] == "shili")["scope"] == "region_aggregate"
    meta = lxml_html.fromstring((out / "shili/2023/index.html").read_bytes()).find_class("nb-meta")[0]
    assert "报告范围本地区汇总" in text(meta)  # the report page says what it covers
    assert "报告范围" not in text(lxml_html.fromstring((out / "xishan/2023/index.html").read_bytes()).find_class("nb-meta")[0])

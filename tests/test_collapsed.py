"""Spec §9.2: table 3 with the five 法人或其他组织 columns printed as one. The one figure per row is
kept (``legal_or_other_org``), the five columns are NA, and the checks use it."""

from __future__ import annotations

import re

import pytest

from nianbao.issues import ERROR

from .conftest import found, serious

DATA = "data/demo/2024.yml"


def collapse(s, rows_kept: set[str] | None = None) -> dict[str, int]:
    """Rewrite demo 2024's table 3 as a source that did not divide 法人或其他组织: returns the sums."""
    text = s.read(DATA)
    sums = {}

    def one(m):
        key, vals = m[1], [v.strip() for v in m[3].split(",")]
        if rows_kept is not None and key not in rows_kept:
            return m[0][2:]
        sums[key] = sum(int(v) for v in vals[1:6])
        return f"{m[1]}:{m[2]}[{vals[0]}, /, /, /, /, /, {vals[6]}]"

    start = text.index("\nT3:\n")
    end = text.index("\n# 四、")
    t3 = re.sub(r"(?m)^  (\w+):(\s+)\[([^\]]*)\]", lambda m: "  " + one(m), text[start:end])
    block = "  legal_or_other_org:\n" + "".join(f"    {k}: {v}\n" for k, v in sums.items())
    s.write(DATA, text[:start] + t3.rstrip("\n") + "\n" + block + text[end:])
    return sums


def test_undivided_column_is_kept_and_the_checks_use_it(site):
    s = site("basic")
    sums = collapse(s)
    assert sums["new_received"] == 4 and sums["unable_not_held"] == 2
    from nianbao.validate import check_site

    result, issues = check_site(s.root)
    mine = [i for i in issues if i.file == DATA]
    assert serious(mine) == []  # T3-1/2/3/5 hold with the one column standing for the five
    t3 = result.site.reports[("demo", 2024)].tables["T3"]
    assert t3.rows["new_received"]["legal_or_other_org"].value == 4
    assert t3.rows["new_received"]["commercial"].kind.value == "na"


@pytest.mark.parametrize("row, value, check", [
    ("new_received", 5, "T3-3"),   # total 14 ≠ 10 + 5
    ("result_total", 5, "T3-1"),   # the column: 一+二 = 4 + 0 ≠ 5 + 0
])
def test_the_undivided_column_is_checked_like_the_others(site, row, value, check):
    s = site("basic")
    collapse(s)
    text = s.read(DATA)
    s.write(DATA, re.sub(rf"(?m)^    {row}: \d+$", f"    {row}: {value}", text))
    issues = [i for i in found(s.check(), check, ERROR) if i.file == DATA]
    assert issues and any("法人或其他组织" in i.message for i in issues), issues


def test_figures_in_the_five_columns_and_the_undivided_one_are_an_error(site):
    s = site("basic")
    collapse(s, rows_kept={"carried_in"})
    s.edit(DATA, "  legal_or_other_org:\n", "  legal_or_other_org:\n    new_received: 4\n")
    issues = [i for i in found(s.check(), "L-VALUE") if i.file == DATA]
    assert issues and "既分列" in issues[0].message


def _collapsed_html(src) -> str:
    """The corpus's HTML report with table 3's five 法人或其他组织 columns printed as one."""
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(src.read_text(encoding="utf-8"))
    t3 = next(t for t in doc.iter("table") if "申请人情况" in t.text_content())
    trs = t3.findall(".//tr")
    note, applicants = trs[0].findall("td")
    note.set("rowspan", "2")
    applicants.set("colspan", "3")
    for td in trs[1].findall("td"):
        td.attrib.pop("rowspan", None)
        td.attrib.pop("colspan", None)
    trs[2].getparent().remove(trs[2])
    for tr in trs[3:]:
        tds = tr.findall("td")
        values = tds[-7:]
        total = sum(int(td.text_content().strip() or 0) for td in values[1:6])
        for td in values[2:6]:
            tr.remove(td)
        values[1].clear()
        values[1].text = str(total)
    return lxml_html.tostring(doc, encoding="unicode")


def test_import_keeps_the_undivided_column(tmp_path, capsys):
    from nianbao.cli import main
    from nianbao.validate import check_site

    from . import corpus
    from .test_import import REGISTRY, TITLE

    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
    report = corpus.base_report("2021", seed=corpus.stable_seed("collapsed"))
    src = corpus.write(report, "2021", "html", tmp_path / "report.html", TITLE, {})
    src.write_text(_collapsed_html(src), encoding="utf-8")
    assert main(["import", str(src), "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "原表“法人或其他组织”没有分成五列" in out
    result, issues = check_site(root)
    t3 = result.site.reports[("xinhe", 2024)].tables["T3"]
    for key, cells in t3.rows.items():
        want = sum(int(report["T3"][key][c] or 0) for c in ("commercial", "research", "public_interest", "legal_service", "other_org"))
        assert cells["legal_or_other_org"].value == want, key
        assert {cells[c].raw for c in ("commercial", "research", "public_interest", "legal_service", "other_org")} == {"/"}
        assert cells["natural_person"].value == int(report["T3"][key]["natural_person"])
    assert serious([i for i in issues if i.file and "xinhe" in i.file]) == []


def test_page_open_data_and_round_trips(site, tmp_path):
    import json
    from decimal import Decimal

    import jsonschema
    import yaml
    from lxml import html as lxml_html

    from nianbao.canonical import dumps, report_from_canonical, report_to_canonical
    from nianbao.datafile import render_data_file
    from nianbao.export import canonical_from_long, long_csv
    from nianbao.export.schemas import canonical_schema, datafile_schema
    from nianbao.validate import check_site

    from .conftest import mkdocs_build
    from .test_export import json_ready

    s = site("basic")
    sums = collapse(s)
    zero = [k for k, v in sums.items() if v == 0]
    text = s.read(DATA)
    for key, mark in ((zero[0], "/"), (zero[1], "~")):  # a not-applicable mark and a blank in the column
        text = text.replace(f"    {key}: 0\n", f"    {key}: {mark}\n")
        sums[key] = None if mark == "~" else mark
    s.write(DATA, text)
    site_ = check_site(s.root)[0].site
    report = site_.reports[("demo", 2024)]
    doc = report_to_canonical(report)
    assert doc["legal_or_other_org"] == sums and doc["applications"]["new_received"]["commercial"] == "/"
    jsonschema.validate(json.loads(dumps(doc)), canonical_schema(), cls=jsonschema.Draft202012Validator)
    jsonschema.validate(json_ready(yaml.safe_load(s.read(DATA))), datafile_schema(), cls=jsonschema.Draft202012Validator)
    assert report_to_canonical(report_from_canonical(json.loads(dumps(doc), parse_float=Decimal))) == doc
    assert canonical_from_long(long_csv(site_)) == [report_to_canonical(site_.reports[k]) for k in sorted(site_.reports)]
    # the data file written back (as the importer writes it) reads the same
    s.write(DATA, render_data_file(site_.units["demo"], "demo", 2024, report.format, report.meta, report.tables))
    assert report_to_canonical(check_site(s.root)[0].site.reports[("demo", 2024)]) == doc
    out = tmp_path / "out"
    p = mkdocs_build(s.root, out, strict=False)
    assert p.returncode == 0, p.stderr
    page = lxml_html.fromstring((out / "demo/2024/index.html").read_bytes())
    table = page.get_element_by_id("nb-t3-collapsed")
    rows = {tr[0].text_content(): tr[1].text_content() for tr in table.find("tbody")}
    assert rows["一、本年新收政府信息公开申请数量"] == "4" and rows["（四）无法提供 1.本机关不掌握相关政府信息"] == "2"
    # a mark is shown as written and announced for what it is; a blank is announced, not shown as 0
    cells = {tr[0].text_content(): tr[1] for tr in table.find("tbody")}
    by_key = {row.key: row.qualified for row in report.format.tables["T3"].rows}
    na, blank = cells[by_key[zero[0]]], cells[by_key[zero[1]]]
    assert [(e.get("aria-hidden"), e.text) for e in na] == [("true", "/"), (None, "不适用")]
    assert [(e.get("class"), e.text) for e in blank] == [("nb-sr", "空白")]
    assert "没有分成" in table.getparent().getprevious().text_content()


def test_a_change_in_the_undivided_column_is_named(site):
    from nianbao.history import figure_changes
    from nianbao.validate import check_site

    s = site("basic")
    collapse(s)
    before = check_site(s.root)[0].site.reports[("demo", 2024)]
    s.write(DATA, re.sub(r"(?m)^    granted: \d+$", "    granted: 2", s.read(DATA)))
    now = check_site(s.root)[0].site.reports[("demo", 2024)]
    assert [c for c, _where in figure_changes(before, now)] == ["表三“（一）予以公开·法人或其他组织（原表未分列）” 1 → 2"]

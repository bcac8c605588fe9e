"""Sharded national builds: two shards built separately, assembled into one site with national
roll-ups computed from their exported data and one search over both."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import html as lxml_html

from nianbao.canonical import dumps, report_from_canonical, report_to_canonical
from nianbao.cli import main
from nianbao.validate import check_site
from nianbao.indexes import LEGACY_REASON

from .conftest import SITES, mkdocs_build, set_plugin_options
from .htmlgrid import tables, text


def build(project: Path, out: Path) -> None:
    p = mkdocs_build(project, out, strict=False)
    assert p.returncode == 0, p.stderr


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    work = tmp_path_factory.mktemp("shards")
    build(SITES / "basic", work / "shard-basic")
    # the sample shard's search index is built in parts (as a province's is), the basic one's is not
    sample = work / "sample-project"
    shutil.copytree(SITES / "sample", sample)
    set_plugin_options(sample / "mkdocs.yml", search_part_pages=10)
    build(sample, work / "shard-sample")
    out = work / "national"
    assert main(["assemble", "--out", str(out), f"basic={work / 'shard-basic'}", f"sample={work / 'shard-sample'}"]) == 0
    return out


@pytest.fixture(scope="module")
def shard_dirs(assembled):
    """The two built shards (as the assembled site was made from)."""
    return [("basic", assembled.parent / "shard-basic"), ("sample", assembled.parent / "shard-sample")]


def all_reports(name: str) -> list[dict]:
    site = check_site(SITES / name)[0].site
    return [report_to_canonical(site.reports[k]) for k in sorted(site.reports)]


def test_each_shard_is_in_the_tree(assembled):
    for name in ("basic", "sample"):
        assert (assembled / name / "index.html").exists() and (assembled / name / "pagefind").is_dir()
    home = lxml_html.fromstring((assembled / "index.html").read_bytes())
    links = [a.get("href") for a in home.iter("a")]
    assert "basic/" in links and "sample/" in links and "rollup/2023/" in links
    # 2018 has only a report from before the national format (西山镇): nothing to sum, no page
    assert "rollup/2018/" not in links and not (assembled / "rollup/2018").exists()
    assert json.loads((assembled / "data/shards.json").read_text(encoding="utf-8"))[0]["name"] == "basic"


@pytest.mark.parametrize("year", [2020, 2023, 2024])
def test_national_rollup_is_the_sum_over_both_shards(assembled, year):
    reports = [r for r in all_reports("basic") + all_reports("sample") if r["year"] == year and r["format"] == ("2019" if year == 2020 else "2021")]
    t = tables((assembled / f"rollup/{year}/index.html").read_text(encoding="utf-8"))["nt3"]
    cells = [text(td) for td in t.iter("td")]
    rows = list(reports[0]["applications"])
    want = []
    for row in rows:
        for col in ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"):
            vals = [r["applications"][row][col] for r in reports if isinstance(r["applications"][row][col], (int, Decimal))]
            want.append(str(sum(vals)) if vals else "")
    assert cells == want


def test_search_page_lists_every_bundle_of_every_shard(assembled):
    page = (assembled / "search/index.html").read_text(encoding="utf-8")
    entries = re.search(r'data-nb-bundles="([^"]*)"', page)[1].split(" ")
    parts = json.loads((assembled / "sample/pagefind/nianbao-parts.json").read_text(encoding="utf-8"))
    assert len(parts) >= 2
    assert entries == ["../basic/pagefind/|../basic/", "../sample/pagefind/|../sample/"] + [
        f"../sample/pagefind/{p}|../sample/" for p in parts]
    for e in entries:
        assert (assembled / "search" / e.split("|")[0] / "pagefind-entry.json").resolve().exists()


def test_rollup_lists_each_shard(assembled):
    doc = lxml_html.fromstring((assembled / "rollup/2023/index.html").read_bytes())
    body = doc.get_element_by_id("nb-breakdown-table").find("tbody")
    counts = {text(tr.find("th")): text(tr.findall("td")[0]) for tr in body}
    assert counts == {"示例县政府信息公开工作年度报告（测试站点）": "1", "示例县政府信息公开工作年度报告（示例数据）": "6"}


def test_canonical_round_trips_through_the_model():
    for doc in all_reports("sample") + all_reports("basic"):
        again = report_to_canonical(report_from_canonical(json.loads(dumps(doc), parse_float=Decimal)))
        assert again == doc


def test_assemble_refuses_a_folder_that_is_not_a_shard(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    assert main(["assemble", "--out", str(tmp_path / "o"), f"x={tmp_path / 'x'}"]) == 2
    assert "缺少 index.html" in capsys.readouterr().err


def test_national_rollup_read_a_shard_at_a_time_equals_the_rollup_of_every_report_at_once(tmp_path, shard_dirs):
    """The assembly keeps no report (memory does not grow with the shards); its roll-ups must be the
    ones of the whole model: every report of every shard in one Site, rolled up by indexes.rollup.
    One report of the second shard lacks a table, so one is left out of its year's roll-up."""
    from nianbao.assemble import ROOT_ID, gather
    from nianbao.indexes import AGGREGATE_REASON, column_value, rollup
    from nianbao.model import Site, Unit

    sample = tmp_path / "sample"
    shutil.copytree(shard_dirs[1][1] / "data", sample / "data")
    docs = json.loads((sample / "data/nianbao-all.json").read_text(encoding="utf-8"), parse_float=Decimal)
    docs[3]["review_litigation"] = None
    # and one a region-wide report (spec §1): listed, not summed again on top of its units'
    k = next(i for i, d in enumerate(docs) if d["format"] != "legacy" and d["year"] != docs[3]["year"])
    docs[k]["meta"]["scope"] = "region_aggregate"
    (sample / "data/nianbao-all.json").write_text(dumps(docs) + "\n", encoding="utf-8")
    shard_dirs = [shard_dirs[0], ("sample", sample)]
    nat = gather(shard_dirs, "全国")
    units = {ROOT_ID: Unit(ROOT_ID, "全国", "全国", "直辖市")}
    whole = Site(root="", units=units, reports={})
    for name, d in shard_dirs:
        for u in json.loads((d / "data/units.json").read_text(encoding="utf-8")):
            units[f"{name}--{u['id']}"] = Unit(f"{name}--{u['id']}", u["name"], u["full_name"], u["kind"],
                                              f"{name}--{u['parent']}" if u["parent"] else ROOT_ID)
        for doc in json.loads((d / "data/nianbao-all.json").read_text(encoding="utf-8"), parse_float=Decimal):
            r = report_from_canonical(doc, unit=f"{name}--{doc['unit']}")
            whole.reports[(r.unit, r.year)] = r
    whole.reindex()
    years = sorted({y for _u, y in whole.reports})
    assert nat.years == years and len(years) >= 4

    def plain(ro):
        cells = {(tid, rk, ck): (c.kind, c.value, c.raw) for tid, t in ro.tables.items() for rk, row in t.rows.items() for ck, c in row.items()}
        return (ro.format.id, cells, [u.id for u in ro.included], [u.id for u in ro.missing],
                [(u.id, why) for u, why in ro.excluded], ro.incomplete_cells, ro.not_summed)

    for y in years:
        assert plain(nat.rollup(y)) == plain(rollup(whole, ROOT_ID, y)), y
    assert sorted(why for y in years for _u, why in nat.rollup(y).excluded) == sorted([LEGACY_REASON, "统计表不全", AGGREGATE_REASON])
    # the shard's main figures for that year leave the region-wide report out too
    aggregate = report_from_canonical(docs[k], unit="sample--" + docs[k]["unit"])
    others = [r for (u, y), r in whole.reports.items() if u.startswith("sample--") and y == aggregate.year and r is not whole.reports[(aggregate.unit, y)]]
    count, figures = nat.breakdown("sample", aggregate.year)
    assert count == len(others) + 1
    assert figures[0] == sum(column_value(r, nat.columns[0]).value or 0 for r in others)
    assert any(nat.rollup(y).missing for y in years)
    assert nat.reports == {"basic": sum(1 for u, _y in whole.reports if u.startswith("basic--")),
                           "sample": sum(1 for u, _y in whole.reports if u.startswith("sample--"))}


def test_a_failed_assembly_leaves_the_previous_site_as_it_was(tmp_path, shard_dirs, capsys):
    out = tmp_path / "national"
    args = [f"{n}={d}" for n, d in shard_dirs]
    assert main(["assemble", "--out", str(out), *args]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "broken"
    shutil.copytree(shard_dirs[1][1], broken)
    all_json = broken / "data/nianbao-all.json"
    text = all_json.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[40] = lines[40] + " oops"
    all_json.write_text("\n".join(lines), encoding="utf-8")
    assert main(["assemble", "--out", str(out), args[0], f"sample={broken}"]) == 2
    err = capsys.readouterr().err
    assert f"{all_json} 第 41 行" in err and "JSON" in err and "Traceback" not in err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "national"]  # no staging folder left


def test_a_report_of_a_unit_missing_from_the_shards_registry_is_an_error(tmp_path, shard_dirs, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(shard_dirs[0][1], broken)
    units = json.loads((broken / "data/units.json").read_text(encoding="utf-8"))
    (broken / "data/units.json").write_text(json.dumps([u for u in units if u["id"] != "demo"], ensure_ascii=False), encoding="utf-8")
    assert main(["assemble", "--out", str(tmp_path / "o"), f"basic={broken}"]) == 2
    err = capsys.readouterr().err
    assert "“demo”不在分站 basic 的单位名录中" in err
    assert not (tmp_path / "o").exists()


def test_the_output_folder_may_not_hold_a_shard(tmp_path, shard_dirs, capsys):
    name, d = shard_dirs[0]
    for out in (d, d.parent):
        assert main(["assemble", "--out", str(out), f"{name}={d}"]) == 2
        assert "输出目录" in capsys.readouterr().err
        assert (d / "index.html").exists()


def test_link_puts_hard_links_to_the_shards_files_instead_of_copies(tmp_path, shard_dirs, assembled):
    out = tmp_path / "national"
    assert main(["assemble", "--link", "--out", str(out), *(f"{n}={d}" for n, d in shard_dirs)]) == 0
    for name, d in shard_dirs:
        for rel in ("index.html", "data/nianbao-all.json", "pagefind/pagefind-entry.json"):
            assert (out / name / rel).stat().st_ino == (d / rel).stat().st_ino, rel  # the same file
            assert (assembled / name / rel).stat().st_ino != (d / rel).stat().st_ino  # without --link: a copy
    for rel in ("index.html", "rollup/2023/index.html", "search/index.html", "data/shards.json"):
        assert (out / rel).read_bytes() == (assembled / rel).read_bytes()


def test_status_and_checks_of_every_shard_in_one_file(assembled, shard_dirs, tmp_path, capsys):
    import csv

    def rows(path: Path) -> list[list[str]]:
        return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))

    for name in ("nianbao-status.csv", "nianbao-checks.csv"):
        national = rows(assembled / "data" / name)
        want = [["shard", *rows(shard_dirs[0][1] / "data" / name)[0]]]
        for shard, d in shard_dirs:
            want += [[shard, *r] for r in rows(d / "data" / name)[1:]]
        assert national == want and len(national) > 2 and (assembled / "data" / name).read_bytes().startswith("\ufeff".encode())
    home = lxml_html.fromstring((assembled / "index.html").read_bytes())
    assert home.xpath("//a[@download]/@href") == ["data/nianbao-status.csv", "data/nianbao-checks.csv"]
    # a shard × year table of how many units published (and how many late), counted from those rows
    table = home.get_element_by_id("nb-completeness")
    years = \
        [int(text(th).removesuffix("年度")) for th in table.find("thead").findall("tr/th")[1:]]
    status = rows(assembled / "data/nianbao-status.csv")
    head = status[0]
    recs = [dict(zip(head, r)) for r in status[1:]]
    assert years == sorted({int(r["year"]) for r in recs})
    for tr in table.find("tbody").findall("tr"):
        shard = tr.find("th/a").get("href").split("/")[0]
        assert (assembled / shard / "status/index.html").exists()
        for year, td in zip(years, tr.findall("td")):
            mine = [r for r in recs if r["shard"] == shard and int(r["year"]) == year]
            if not mine:
                assert td.text_content() == "—无数据"
                continue
            published = sum(r["status"] != "missing" for r in mine)
            late = sum(r["status"] == "late" for r in mine)
            assert text(td) == f"{published}/{len(mine)}" + (f"（逾期{late}）" if late else ""), (shard, year)
    assert any("逾期" in text(td) for td in table.iter("td"))  # 南湖镇 2021 in the sample shard
    # a shard made by an older nianbao, without the files: the others' rows, and the home page says whose are missing
    old = tmp_path / "old"
    shutil.copytree(shard_dirs[0][1], old)
    for name in ("nianbao-status.csv", "nianbao-checks.csv"):
        (old / "data" / name).unlink()
    out = tmp_path / "national"
    assert main(["assemble", "--out", str(out), f"basic={old}", f"sample={shard_dirs[1][1]}"]) == 0
    assert {r[0] for r in rows(out / "data/nianbao-status.csv")[1:]} == {"sample"}
    assert "不含分站 basic" in lxml_html.fromstring((out / "index.html").read_bytes()).text_content()
    # columns that differ between shards: refused, nothing written
    (old / "data/nianbao-status.csv").write_text("\ufeffunit_id,year\r\nx,2024\r\n", encoding="utf-8")
    assert main(["assemble", "--out", str(tmp_path / "o2"), f"basic={old}", f"sample={shard_dirs[1][1]}"]) == 2
    assert "的列与其他分站不同" in capsys.readouterr().err and not (tmp_path / "o2").exists()


def test_every_local_link_of_a_national_page_resolves(assembled):
    from urllib.parse import urlparse

    pages = ["index.html", "search/index.html"] + [p.relative_to(assembled).as_posix() for p in (assembled / "rollup").rglob("index.html")]
    assert len(pages) > 4  # every year's national roll-up, whichever shards have reports for it
    for page in pages:
        path = assembled / page
        d = lxml_html.fromstring(path.read_bytes())
        refs = [e.get("href") for e in d.iter("a", "link")] + [e.get("src") for e in d.iter("script", "img")]
        local = [r for r in refs if r and not urlparse(r).scheme and not r.startswith("#")]
        assert any("stylesheets/main." in r for r in local)
        for r in local:
            target = (path.parent / urlparse(r).path).resolve()
            assert target.is_relative_to(assembled.resolve()) and (target.is_file() or (target / "index.html").is_file()), (page, r)

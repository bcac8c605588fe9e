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


def all_reports(name: str) -> list[dict]:
    site = check_site(SITES / name)[0].site
    return [report_to_canonical(site.reports[k]) for k in sorted(site.reports)]


def test_each_shard_is_in_the_tree(assembled):
    for name in ("basic", "sample"):
        assert (assembled / name / "index.html").exists() and (assembled / name / "pagefind").is_dir()
    home = lxml_html.fromstring((assembled / "index.html").read_bytes())
    links = [a.get("href") for a in home.iter("a")]
    assert "basic/" in links and "sample/" in links and "rollup/2023/" in links
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

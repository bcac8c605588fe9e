"""Reading the data files in several processes gives what reading them in one does."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from nianbao import loader, loadpool
from nianbao.loader import load_site
from nianbao.validate import check_site

pytestmark = pytest.mark.skipif(not loadpool.can_fork(), reason="needs fork")

D24 = "data/demo/2024.yml"


@pytest.fixture
def varied(site, monkeypatch):
    """The sample county with every kind of cell and finding: blanks, marks, decimals, a mapping
    row, full-width digits, bad dates, a YAML error, a non-UTF-8 file, a stray file, an unknown
    unit, acknowledged warnings, an error kept as published, narratives present and missing; forked even though it is small."""
    monkeypatch.setattr(loadpool, "MIN_FILES", 1)
    s = site("sample")
    for unit in ("beiling", "dongcheng", "nanhu", "shili", "xishan", "jiaoyu"):
        assert s.path(f"data/{unit}").is_dir()
    files = sorted(p.relative_to(s.root).as_posix() for p in s.path("data").rglob("*.yml") if p.name != "units.yml")
    first, second, third, fourth = files[0], files[3], files[6], files[-1]
    s.set_row(first, "admin_license", "~")
    s.set_row(first, "admin_penalty", "/")
    s.set_row(first, "admin_fees", "12.50")
    s.set_row(second, "admin_coercion", "７")
    s.edit(third, "published_date: ", "published_date: 2024-02-30  # ", regex=False)
    s.write(fourth.replace(".yml", "-draft.yml"), "unit: x\n")
    s.set_row("data/dongcheng/2022.yml", "partial", "[1, 0, 0, 0, 0, 0, 0]")  # T3-2 and T3-3, the second kept as published
    s.edit("data/dongcheng/2022.yml", "unit: dongcheng\n", "unit: dongcheng\nas_published:\n  T3-3: 原件如此\n")
    s.path("data/nanhu/2019.yml").write_bytes("unit: 示例\n".encode("gbk"))
    s.write("data/ghost/2024.yml", s.read(files[1]).replace(f"unit: {files[1].split('/')[1]}", "unit: ghost"))
    s.write("data/shili/2020.yml", "unit: shili\nyear: 2020\nformat: [\n")
    s.write("data/xishan/notes.txt", "not data\n")
    md = sorted(s.path("content").rglob("20*.md"))
    md[2].unlink()  # a report without its narrative
    md[4].write_bytes(md[4].read_text(encoding="utf-8").encode("gbk"))
    return s


def _same(a, b):
    assert list(a.site.reports) == list(b.site.reports)  # the same order
    assert a.site.reports == b.site.reports
    assert a.site.units == b.site.units
    assert a.issues == b.issues


@pytest.mark.parametrize("processes", [2, 3, 5])
def test_parallel_reading_equals_serial(varied, processes):
    serial = load_site(varied.root)
    parallel = load_site(varied.root, processes=processes)
    _same(serial, parallel)
    assert serial.issues  # the damage was found
    assert any(r.narrative is None for r in serial.site.reports.values())
    assert any(r.narrative is not None for r in serial.site.reports.values())


def test_checks_made_while_reading_equal_the_checks_made_after(varied):
    serial, serial_issues = check_site(varied.root)
    parallel, parallel_issues = check_site(varied.root, processes=3)
    _same(serial, parallel)
    assert parallel.checked and not serial.checked  # the helpers did check their reports
    assert set(parallel.checked) < set(parallel.site.reports)  # and the parent its own share
    assert parallel_issues == serial_issues
    assert any(i.check.startswith(("T", "M")) for i in serial_issues)  # rule findings, not only loading
    assert any(i.kept for i in serial_issues)


def test_a_helper_that_dies_is_replaced_by_the_parent(varied, monkeypatch):
    parent = os.getpid()
    real = loader.load_report

    def dying(*args):
        if os.getpid() != parent:
            os._exit(3)
        return real(*args)

    monkeypatch.setattr(loader, "load_report", dying)
    result, issues = check_site(varied.root, processes=3)
    monkeypatch.setattr(loader, "load_report", real)
    serial, serial_issues = check_site(varied.root)
    _same(serial, result)
    assert not result.checked and issues == serial_issues


def test_shares_are_runs_of_whole_units():
    rng = random.Random(7)
    for _ in range(200):
        units = [f"u{i}" for i in range(rng.randint(1, 40)) for _ in range(rng.randint(1, 6))]
        processes = rng.randint(2, 5)
        shares = loadpool._shares(units, processes, lambda u: u, rng.random() < 0.5)
        assert len(shares) == processes and shares[0][0] == 0 and shares[-1][1] == len(units)
        assert all(a[1] == b[0] and a[0] <= a[1] for a, b in zip(shares, shares[1:]))
        for lo, hi in shares:
            if 0 < lo < len(units):
                assert units[lo] != units[lo - 1]  # no unit cut in two


@pytest.mark.parametrize("overlay", [None, "sample-errors"])
def test_report_rules_need_only_the_units_own_reports(site, overlay):
    """What lets a helper check the reports it read: every report rule gives the same findings
    when the site holds only the report's own unit's reports."""
    from nianbao.model import Site
    from nianbao.validate import validate_report

    s = site("sample")
    if overlay:
        shutil.copytree(Path(__file__).parent / "sites" / overlay / "data", s.path("data"), dirs_exist_ok=True)
    full = load_site(s.root).site
    findings = 0
    for key, report in full.reports.items():
        own = Site(root=full.root, units=full.units, reports={k: r for k, r in full.reports.items() if k[0] == key[0]},
                   registry_path=full.registry_path)
        mine = validate_report(own, key)
        assert mine == validate_report(full, key), key
        findings += len(mine)
    assert findings  # the rules did find something to compare

"""Machine-readable twins of the index pages (the Datasette habit: every page's table can be
downloaded): a year's comparison of every unit (CSV) and a roll-up (its three tables as CSV in the
official layout, and JSON with the same keys as a report's canonical JSON, plus which units were
summed). The figures are the page's own: the twins are made from the view the page is made from.
"""

from __future__ import annotations

from ..canonical import dumps, tables_to_canonical
from ..indexes import Rollup, Series, Value, YearView, all_years, has_rollup, rollup, rollup_parents, unit_series, year_view
from . import _csv, table_csv


def year_path(year: int) -> str:
    return f"years/{year}.csv"


def rollup_base(parent: str, year: int) -> str:
    return f"rollups/{parent}/{year}"


def trend_path(unit: str) -> str:
    return f"trends/{unit}.csv"


def trend_csv(series: Series) -> bytes:
    """A unit page's figures by year, a row per figure and year (long format): the T3 and T4 figures
    for every year (both formats), T2 per format (its rows differ between the formats)."""
    rows = []
    for col, values in series.comparable:
        for year, v in zip(series.years, values):
            rows.append([series.unit.id, year, None, col.table, col.key, col.label, v.value, _incomplete(v)])
    for fid, (years, figures) in series.t2.items():
        for col, values in figures:
            for year, v in zip(years, values):
                rows.append([series.unit.id, year, fid, col.table, col.key, col.label, v.value, _incomplete(v)])
    return _csv(rows, ["unit_id", "year", "format", "table", "figure", "label", "value", "incomplete"])


def _incomplete(v: Value) -> str | None:
    return None if v.value is None else ("true" if not v.complete else "false")


def year_csv(view: YearView) -> bytes:
    """A row per unit with a report (in registry order), then a row per parent's total, as on the
    page (a region-wide report, scope region_aggregate, is not in the totals). ``incomplete``: the
    figures that include blank or not-applicable cells (counted as 0). ``as_published``: the checks
    whose failure the report keeps from its published original (its figures are as published, and a
    parent's total includes them). A year of reports from before 2019 only has no figures: the
    reports and their dates."""
    labels = [f"{c.group}·{c.label}" if c.group else c.label for c in view.columns]
    header = ["row", "unit_id", "unit_name", "parent_id", "format", "scope", "published_date", "units_reported", "units",
              *labels, "incomplete", "as_published"]

    def incomplete(values: list[Value]) -> str:
        return "；".join(lab for lab, v in zip(labels, values) if v.value is not None and not v.complete)

    rows = []
    for r in view.rows:
        d = r.report.meta.published_date if r.report else None
        rows.append(["report", r.unit.id, r.unit.name, r.unit.parent, r.report.format.id if r.report else None,
                     r.report.meta.scope if r.report else None,
                     d.isoformat() if d else None, None, None, *(v.value for v in r.values), incomplete(r.values),
                     "；".join(sorted(r.report.as_published)) if r.report else None])
    for t in view.totals:
        rows.append(["total", t.parent.id, f"{t.parent.name}所属单位合计", t.parent.parent, None, None, None, t.reported, t.units,
                     *(v.value for v in t.values), incomplete(t.values), None])
    return _csv(rows, header)


def rollup_files(ro: Rollup) -> list[tuple[str, bytes]]:
    base = rollup_base(ro.parent.id, ro.year)
    doc = {
        "parent": ro.parent.id,
        "parent_name": ro.parent.full_name,
        "year": ro.year,
        "format": ro.format.id,
        "note": "汇总，不是正式发布的年报：由所属单位的年报逐项相加（只加总件数和金额）",
        "included": [u.id for u in ro.included],
        "missing": [u.id for u in ro.missing],
        "excluded": [{"unit": u.id, "reason": why} for u, why in ro.excluded],
        "incomplete_cells": ro.incomplete_cells,
        "not_summed": list(ro.not_summed),
        "kept_as_published": [u.id for u in ro.kept],  # summed as published, with the original's errors
        **tables_to_canonical(ro.format, ro.tables),
    }
    out = [(f"{base}.json", (dumps(doc) + "\n").encode("utf-8"))]
    for tid in ("T2", "T3", "T4"):
        out.append((f"{base}-{tid}.csv", table_csv(ro.format.table(tid), ro.tables.get(tid))))
    return out


def index_twins(site):
    """Every index page's data files, as the pages write them (for ``nianbao export``, which makes
    no pages): (path under data/, bytes), in a fixed order."""
    for unit in site.units.values():
        if site.years_of(unit.id):
            series = unit_series(site, unit.id)
            if series.years:
                yield trend_path(unit.id), trend_csv(series)
    for y in all_years(site):
        view = year_view(site, y)
        if view.rows:
            yield year_path(y), year_csv(view)
        for parent in rollup_parents(site):
            if has_rollup(site, parent.id, y):
                yield from rollup_files(rollup(site, parent.id, y))


__all__ = ["year_csv", "rollup_files", "trend_csv", "year_path", "rollup_base", "trend_path", "index_twins"]

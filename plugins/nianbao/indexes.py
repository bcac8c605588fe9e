"""Cross-year and cross-unit views: per-unit series, per-year comparisons, roll-ups, completeness.

Plain data, no HTML. Rules (spec §5): only T3 and T4 are compared across the 2019 → 2021 format
change, with 2021's three （六） rows summed against 2019's single （六）其他处理 row; T2 is shown per
format and never mixed. Roll-ups sum additive cells only (formats/*.yml ``additive``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .formats import LEGACY_METRICS, FormatDef, format_for_year, get_format
from .issues import ERROR, WARNING, Issue
from .model import Cell, CellKind, Number, Report, Site, Table, Unit
from .rules.meta import deadline
from .history import CHECK as CHANGED_CHECK

# ------------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Column:
    """One figure shown in index tables: a sum of cells of one table, defined per format.

    A report whose format has no entry in ``cells`` has no value for it (T2 figures of the other
    format); the T3 groups and T4 totals have an entry for both formats.
    """

    key: str
    label: str
    table: str
    cells: dict[str, tuple[tuple[str, str], ...]]  # format id -> (row, column) cells summed
    group: str  # heading above it in the index tables



def t3_groups(fmt: FormatDef) -> list[tuple[str, str, tuple[str, ...]]]:
    """The outcome groups of T3 as (key, label, row keys): （一）…（六） and （七）, in printed order.

    2021's （六） has three sub-rows, 2019's is a single row: both become one group "（六）其他处理".
    """
    out: dict[str, tuple[str, list[str]]] = {}
    keys = {"（一）": "granted", "（二）": "partial", "（三）": "denied", "（四）": "unable", "（五）": "not_processed",
            "（六）": "other", "（七）": "result_total"}
    for row in fmt.table("T3").rows:
        if not row.path:
            continue
        label = row.path[1] if len(row.path) > 1 else (row.short_label or row.label)
        out.setdefault(label, (keys[label[:3]], []))[1].append(row.key)
    return [(k, label, tuple(rows)) for label, (k, rows) in out.items()]


def both_formats(cells: tuple[tuple[str, str], ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    return {"2021": cells, "2019": cells}


def comparable_columns() -> list[Column]:
    """T3 and T4 figures, identical in meaning in both formats."""
    apps = "收到和处理申请（件）"
    cols = [
        Column("new_received", "本年新收", "T3", both_formats((("new_received", "total"),)), apps),
        Column("carried_in", "上年结转", "T3", both_formats((("carried_in", "total"),)), apps),
    ]
    groups = {fid: t3_groups(get_format(fid)) for fid in ("2021", "2019")}
    for key, label, _rows in groups["2021"]:
        cells = {fid: tuple((r, "total") for k, _l, rows in g if k == key for r in rows) for fid, g in groups.items()}
        cols.append(Column(key, label.replace("（区分处理的，只计这一情形，不计其他情形）", ""), "T3", cells, apps))
    cols += [
        Column("carried_out", "结转下年", "T3", both_formats((("carried_out", "total"),)), apps),
        Column("review_total", "行政复议", "T4", both_formats((("review", "total"),)), "复议和诉讼（件）"),
        Column(
            "litigation_total", "行政诉讼", "T4", both_formats((("suit_direct", "total"), ("suit_after_review", "total"))),
            "复议和诉讼（件）",
        ),
    ]
    return cols


def t2_columns(format_id: str) -> list[Column]:
    """Every additive T2 cell of one format as a figure (T2 is never compared across formats)."""
    fmt = get_format(format_id)
    out = []
    for row in fmt.table("T2").rows:
        for col in row.columns:
            label = row.label if len(row.columns) == 1 else f"{row.label}：{col.short_label}"
            if col.unit == "万元":
                label += "（万元）"
            if col.additive:
                out.append(Column(f"t2_{row.key}_{col.key}", label, "T2", {format_id: ((row.key, col.key),)}, "主动公开"))
    return out


@dataclass(frozen=True)
class Value:
    value: Number | None  # None: no number (missing table or row, or only blank / NA cells)
    complete: bool  # False when some cell was blank or NA (counted as 0) or missing

    @property
    def text(self) -> str:
        """The figure as shown: integers as they are, decimals without trailing zeros (108.30 → 108.3)."""
        if self.value is None:
            return ""
        if isinstance(self.value, int):
            return str(self.value)
        return format(self.value.normalize(), "f")


def column_value(report: Report, column: Column) -> Value:
    cells = column.cells.get(report.format.id)
    if cells is None:
        return Value(None, False)
    t = report.table(column.table)
    total: Number = 0
    numbers, complete = 0, True
    for row, col in cells:
        c = t.rows.get(row, {}).get(col) if t else None
        if c is None or c.kind is not CellKind.NUMBER:
            complete = False
            continue
        numbers += 1
        total += c.value
    return Value(total if numbers else None, complete)


# ------------------------------------------------------------------------------------ unit series


@dataclass
class Series:
    unit: Unit
    years: list[int]
    comparable: list[tuple[Column, list[Value]]]  # one value per year
    t2: dict[str, tuple[list[int], list[tuple[Column, list[Value]]]]]  # per format: its years, figures


def unit_series(site: Site, unit_id: str) -> Series:
    """The unit's figures by year, for the years in a national format (2019 on: a report for 2018 or
    before has no figures to line up)."""
    reports = [r for r in (site.reports[(unit_id, y)] for y in site.years_of(unit_id)) if r.format.tables]
    years = [r.year for r in reports]
    comparable = [(c, [column_value(r, c) for r in reports]) for c in comparable_columns()]
    t2 = {}
    for fid in ("2021", "2019"):
        fy = [r for r in reports if r.format.id == fid]
        if fy:
            t2[fid] = ([r.year for r in fy], [(c, [column_value(r, c) for r in fy]) for c in t2_columns(fid)])
    return Series(site.units[unit_id], years, comparable, t2)


@dataclass
class LegacySeries:
    """A unit's coarse figures (formats.LEGACY_METRICS) in its reports for 2018 and before that
    state them: approximate, never lined up with the later formats' figures."""

    years: list[int]
    rows: list[tuple[str, str, list[Cell | None]]]  # (label, unit of measure, the cell per year or None)


def legacy_series(site: Site, unit_id: str) -> LegacySeries | None:
    reports = [r for r in (site.reports[(unit_id, y)] for y in site.years_of(unit_id)) if r.legacy_metrics]
    if not reports:
        return None
    rows = [(label, unit, [r.legacy_metrics.get(key) for r in reports]) for key, label, unit in LEGACY_METRICS
            if any(key in r.legacy_metrics for r in reports)]
    return LegacySeries([r.year for r in reports], rows)


# ------------------------------------------------------------------------------------ year view


def descendants(site: Site, unit_id: str) -> list[Unit]:
    out = []
    for child in site.children_of(unit_id):
        out.append(child)
        out += descendants(site, child.id)
    return out


@dataclass
class YearRow:
    unit: Unit
    report: Report | None
    values: list[Value]


@dataclass
class ParentTotal:
    parent: Unit
    reported: int  # units below the parent with a report this year
    units: int  # units below the parent
    values: list[Value]


@dataclass
class YearView:
    year: int
    format: FormatDef | None  # the format prescribed for the year: its T2 columns are shown
    columns: list[Column]
    rows: list[YearRow]
    missing: list[Unit]
    totals: list[ParentTotal]  # per parent: the sums over the units below it (its roll-up)


def year_view(site: Site, year: int) -> YearView:
    """Every unit's figures for ``year``; before 2019 (no national format), only where some report of
    the year is in one (otherwise no columns: the reports are listed)."""
    fmt = format_for_year(year)
    if fmt:
        columns = comparable_columns() + t2_columns(fmt.id)
    else:
        columns = comparable_columns() if any(r.format.tables for (u, y), r in site.reports.items() if y == year) else []
    rows, missing = [], []
    by_unit: dict[str, YearRow] = {}
    for unit in site.units.values():
        r = site.report(unit.id, year)
        if r is None:
            missing.append(unit)
            continue
        by_unit[unit.id] = row = YearRow(unit, r, [column_value(r, c) for c in columns])
        rows.append(row)
    totals = []
    for parent in rollup_parents(site):
        below = descendants(site, parent.id)
        # a region-wide report already holds the units below it: not summed again (see AGGREGATE_REASON)
        mine = [by_unit[u.id] for u in below if u.id in by_unit and by_unit[u.id].report.meta.scope != REGION_AGGREGATE]
        if any(row.report.format.tables for row in mine):  # has_rollup, from the rows at hand
            values = [_sum_values([row.values[i] for row in mine]) for i in range(len(columns))]
            totals.append(ParentTotal(parent, len(mine), len(below), values))
    return YearView(year, fmt, columns, rows, missing, totals)


def _sum_values(values: list[Value]) -> Value:
    nums = [v.value for v in values if v.value is not None]
    return Value(sum(nums) if nums else None, all(v.complete for v in values))


# ------------------------------------------------------------------------------------ roll-ups


@dataclass
class Rollup:
    parent: Unit
    year: int
    format: FormatDef
    tables: dict[str, Table]
    included: list[Unit]
    missing: list[Unit]  # no report for the year
    excluded: list[tuple[Unit, str]]  # a report that could not be summed with the others, and why
    incomplete_cells: int  # summed cells where some unit's cell was blank or NA (counted as 0)
    not_summed: list[str] = field(default_factory=list)  # labels of non-additive cells
    # included units whose report keeps errors of its published original (``as_published``)
    kept: list[Unit] = field(default_factory=list)

    @property
    def total_units(self) -> int:
        return len(self.included) + len(self.missing) + len(self.excluded)


def rollup_format(year: int) -> FormatDef:
    """The format a roll-up of ``year`` sums: the one prescribed for the year."""
    return format_for_year(year) or get_format("2019")


def has_rollup(site: Site, parent_id: str, year: int) -> bool:
    """Whether the units below ``parent_id`` have a roll-up for ``year``: some report in a national
    format (a roll-up page then also lists the reports it could not sum, and why)."""
    return any((r := site.report(u.id, year)) is not None and r.format.tables for u in descendants(site, parent_id))


LEGACY_REASON = "2018 年度及以前的年报没有统一格式，统计表不能加总"


REGION_AGGREGATE = "region_aggregate"
# a report for the whole region (spec §1: the 本级政府 report that compiles its departments and lower
# governments) already holds the figures of the units below: summed with theirs, they would count twice
AGGREGATE_REASON = "本地区汇总报告，已含所属单位的数字，不重复计入"


def why_not_summed(report: Report, fmt: FormatDef) -> str | None:
    """Why ``report`` cannot be summed into a roll-up in ``fmt``, or None when it can."""
    if not report.format.tables:
        return LEGACY_REASON
    if report.meta.scope == REGION_AGGREGATE:
        return AGGREGATE_REASON
    if report.format.id != fmt.id:
        return f"使用 {report.format.id} 年格式，统计项与 {fmt.id} 年格式不同"
    if any(report.table(t) is None for t in ("T2", "T3", "T4")):
        return "统计表不全"
    return None


class RollupSums:
    """T2, T3 and T4 of reports in one format, summed as they are added one at a time: a roll-up of
    any number of reports (a national one, shard after shard) without holding them all."""

    def __init__(self, fmt: FormatDef):
        self.format = fmt
        self.reports = 0
        self._cells = [(tid, row.key, col.key) for tid in ("T2", "T3", "T4") for row in fmt.table(tid).rows
                       for col in row.columns if col.additive]
        self._totals: list[Number] = [0] * len(self._cells)
        self._numbers = [0] * len(self._cells)  # how many of the reports had a number in the cell

    def add(self, report: Report) -> None:
        """Add a report in the format (see :func:`why_not_summed`)."""
        self.reports += 1
        totals, numbers = self._totals, self._numbers
        tables = {tid: report.table(tid).rows for tid in ("T2", "T3", "T4")}
        for i, (tid, row, col) in enumerate(self._cells):
            c = tables[tid].get(row, {}).get(col)
            if c is not None and c.kind is CellKind.NUMBER:
                totals[i] += c.value
                numbers[i] += 1

    def result(self) -> tuple[dict[str, Table], int, list[str]]:
        """The summed tables, the number of cells some report had blank or NA (counted as 0), and the
        labels of the cells not summed."""
        sums = {cell: (total, n) for cell, total, n in zip(self._cells, self._totals, self._numbers)}
        tables: dict[str, Table] = {}
        incomplete = 0
        not_summed = []
        for tid in ("T2", "T3", "T4"):
            rows: dict[str, dict[str, Cell]] = {}
            for row in self.format.table(tid).rows:
                cells = {}
                for col in row.columns:
                    if not col.additive:
                        cells[col.key] = Cell(CellKind.NA, raw="不汇总")
                        not_summed.append(f"{row.label}{col.short_label}")
                        continue
                    total, n = sums[(tid, row.key, col.key)]
                    if n < self.reports:
                        incomplete += 1
                    cells[col.key] = Cell(CellKind.NUMBER, total) if n else Cell(CellKind.BLANK)
                rows[row.key] = cells
            tables[tid] = Table(tid, rows)
        return tables, incomplete, not_summed


def rollup(site: Site, parent_id: str, year: int) -> Rollup | None:
    """T2, T3 and T4 summed over the reports of every unit below ``parent_id`` for ``year``.

    Only additive cells are summed; a non-additive cell (2019's 采购总金额, unit unknown) stays blank.
    Reports in a format other than the one prescribed for the year are listed, not mixed in.
    """
    units = descendants(site, parent_id)
    if not units:
        return None
    fmt = rollup_format(year)
    sums = RollupSums(fmt)
    reasons = {}
    kept = set()
    for u in units:
        r = site.report(u.id, year)
        if r is not None:
            reasons[u.id] = why_not_summed(r, fmt)
            if reasons[u.id] is None:
                sums.add(r)
                if r.as_published:
                    kept.add(u.id)
    return make_rollup(site.units[parent_id], year, units, reasons, sums, kept)


def make_rollup(parent: Unit, year: int, units: list[Unit], reasons: dict[str, str | None], sums: RollupSums,
                kept: set[str] | frozenset[str] = frozenset()) -> Rollup:
    """The roll-up of ``units`` (in their order) from ``sums``; ``reasons``: for each unit with a report,
    None (summed) or why it was not (a unit not in it had no report); ``kept``: the summed units whose
    report keeps errors of its published original."""
    included, missing, excluded = [], [], []
    for u in units:
        if u.id not in reasons:
            missing.append(u)
        elif reasons[u.id] is None:
            included.append(u)
        else:
            excluded.append((u, reasons[u.id]))
    tables, incomplete, not_summed = sums.result()
    return Rollup(parent, year, sums.format, tables, included, missing, excluded, incomplete, not_summed,
                  [u for u in included if u.id in kept])


def rollup_parents(site: Site) -> list[Unit]:
    """Units with units below them: each gets a roll-up per year."""
    return [u for u in site.units.values() if site.children_of(u.id)]


def all_years(site: Site) -> list[int]:
    return sorted({y for (_u, y) in site.reports})


# ------------------------------------------------------------------------------------ completeness


@dataclass(frozen=True)
class Status:
    state: str  # published | late | missing | errors | warnings
    label: str
    date: dt.date | None = None
    due: dt.date | None = None
    errors: int = 0
    warnings: int = 0
    changed: bool = False  # M-7: changed after publication without a revision note


def report_status(site: Site, report: Report, issues: list[Issue]) -> Status:
    unit = site.units.get(report.unit)
    errors = sum(1 for i in issues if i.severity is ERROR)
    warnings = sum(1 for i in issues if i.severity is WARNING)
    kept = sum(1 for i in issues if i.kept)  # errors of the published original, kept (as_published)
    changed = any(i.check == CHANGED_CHECK and i.location is not None for i in issues)
    due, _why = deadline(report.year, unit.kind if unit else None, bool(unit and unit.is_department))
    date = report.meta.published_date
    if errors:
        return Status("errors", f"有 {errors} 个错误", date, due, errors, warnings, changed)
    if date and date > due:
        return Status("late", f"逾期发布（{date.isoformat()}，期限 {due.isoformat()}）", date, due, errors, warnings, changed)
    if warnings or kept:
        label = "，".join(filter(None, [f"有 {warnings} 个警告" if warnings else "", f"原件有 {kept} 处错误（照原件保留）" if kept else ""]))
        return Status("warnings", label, date, due, errors, warnings, changed)
    if date:
        return Status("published", f"{date.isoformat()} 发布", date, due, changed=changed)
    return Status("published", "已发布（未载明发布日期）", None, due, changed=changed)


@dataclass
class Matrix:
    years: list[int]
    rows: list[tuple[Unit, list[Status]]]
    counts: dict[str, int]


def status_matrix(site: Site, issues_by_report: dict[tuple[str, int], list[Issue]]) -> Matrix:
    years = all_years(site)
    rows = []
    counts: dict[str, int] = {}
    for unit in site.units.values():
        cells = []
        for y in years:
            r = site.report(unit.id, y)
            s = (report_status(site, r, issues_by_report.get(r.key, [])) if r
                 else Status("missing", "未发布", due=deadline(y, unit.kind, unit.is_department)[0]))
            counts[s.state] = counts.get(s.state, 0) + 1
            if s.changed:
                counts["changed"] = counts.get("changed", 0) + 1
            cells.append(s)
        rows.append((unit, cells))
    return Matrix(years, rows, counts)

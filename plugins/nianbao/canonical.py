"""The canonical JSON of a report: the public contract shared by ``nianbao show``, the exports and
the importer.

Shape: ``{"unit", "year", "format", "meta", "proactive", "applications", "review_litigation"}``,
each table ``{row key: {column key: value}}`` with the spec's keys. A value is a number, ``null``
for a blank cell, or a string: the not-applicable mark as written ("/", "—", …).

A report for 2018 or before (format ``legacy``) has ``"tables"`` instead: a list of
``{"title", "columns", "rows"}`` as printed, each row a list of cells: text and not-applicable marks
as strings, numbers as numbers (a number written with a unit, "251000元", as its text), blanks as
``null``; and, when its data file states them, ``"metrics"``: the coarse figures of
formats.LEGACY_METRICS (approximate counterparts of the later tables' figures).
"""

from __future__ import annotations

import json
from decimal import Decimal

from .formats import LEGACY_METRICS, T3_COLLAPSED
from .model import Cell, CellKind, Report


def cell_value(c: Cell):
    if c.kind is CellKind.BLANK:
        return None
    if c.kind is CellKind.NA:
        return c.raw or "/"
    return c.value


def legacy_value(c: "str | Cell"):
    """A cell of a table as printed, in JSON."""
    if isinstance(c, str):
        return c
    if c.kind is CellKind.NUMBER and c.unit_raw:
        return c.raw.strip() if c.raw else f"{c.value}{c.unit_raw}"
    return cell_value(c)


def legacy_cell(v, first: bool) -> "str | Cell":
    """:func:`legacy_value` read back (as the loader reads a data file's cell)."""
    from .normalize import parse_cell

    if first:
        return v if isinstance(v, str) else "" if v is None else str(v)
    if v is None:
        return Cell(CellKind.BLANK)
    if isinstance(v, str):
        pc = parse_cell(v)
        return v if pc.kind is None else pc.to_cell()
    return Cell(CellKind.NUMBER, v if isinstance(v, (int, Decimal)) else Decimal(repr(v)))


def report_to_canonical(report: Report) -> dict:
    out: dict = {
        "unit": report.unit,
        "year": report.year,
        "format": report.format.id,
        "meta": report.meta.as_dict(),
    }
    if not report.format.tables:  # 2018 and before: the tables as printed
        out["tables"] = [{"title": t.title, "columns": list(t.columns), "rows": [[legacy_value(c) for c in row] for row in t.rows]}
                         for t in report.legacy_tables]
        if report.legacy_metrics:
            out["metrics"] = {k: cell_value(report.legacy_metrics[k]) for k, _l, _u in LEGACY_METRICS if k in report.legacy_metrics}
        return out
    out.update(tables_to_canonical(report.format, {tid: report.table(tid) for tid in ("T2", "T3", "T4")}))
    t3 = report.table("T3")
    collapsed = {row.key: cell_value(t3.rows[row.key][T3_COLLAPSED]) for row in report.format.table("T3").rows
                 if T3_COLLAPSED in t3.rows.get(row.key, {})} if t3 else {}
    if collapsed:  # the source printed 法人或其他组织 undivided (spec §9.2): its figure per row
        out[T3_COLLAPSED] = collapsed
    return out


def tables_to_canonical(fmt, tables: dict) -> dict:
    """The three tables under their JSON keys (a missing table is null), with the units written in
    cells and the extra rows (a report's, or a roll-up's, canonical JSON)."""
    out: dict = {}
    for tid in ("T2", "T3", "T4"):
        tdef = fmt.table(tid)
        t = tables.get(tid)
        if t is None:
            out[tdef.json_key] = None
            continue
        out[tdef.json_key] = {
            row.key: {col.key: cell_value(t.rows[row.key][col.key]) for col in row.columns}
            for row in tdef.rows
            if row.key in t.rows
        }
        # a unit written in a cell that the column header does not fix ("251000元" under 采购总金额, "15000元"
        # under 万元): kept, since the number alone would be misread
        cell_units = {
            f"{row.key}.{c.key}": t.rows[row.key][c.key].unit_raw
            for row in tdef.rows
            if row.key in t.rows
            for c in row.columns
            if t.rows[row.key][c.key].unit_raw and t.rows[row.key][c.key].unit_raw != c.unit
        }
        if cell_units:
            out.setdefault("cell_units", {})[tdef.json_key] = cell_units
        extras = {e.key: cell_value(t.rows[e.key][e.columns[0].key]) for e in tdef.extras if e.key in t.rows}
        if extras:
            out.setdefault("extras", {})[tdef.json_key] = extras
    return out


def _exact_float(d: Decimal) -> float:
    """Floats print the shortest text that reads back as the same number: 9.63211 stays 9.63211."""
    f = float(d)
    if Decimal(repr(f)) != d:
        raise ValueError(f"{d} cannot be written exactly as a JSON number")
    return f


def _prepare(o):
    if isinstance(o, dict):
        return {k: _prepare(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_prepare(v) for v in o]
    if isinstance(o, Decimal):
        return _exact_float(o)
    return o


def dumps(obj, indent: int | None = 2) -> str:
    """Deterministic JSON: key order as built, UTF-8 text, exact decimals."""
    return json.dumps(_prepare(obj), ensure_ascii=False, indent=indent)


def report_from_canonical(d: dict, unit: str | None = None) -> "Report":
    """The model of a report from its canonical JSON (read with ``parse_float=Decimal`` to stay exact):
    numbers, ``null`` (blank) and strings (NA marks) back to cells."""
    import datetime as _dt

    from .formats import get_format
    from .model import LegacyTable, Meta, Table

    fmt = get_format(d["format"])
    units = d.get("cell_units", {})
    tables = {}
    legacy = tuple(LegacyTable(t.get("title"), tuple(t["columns"]), tuple(tuple(legacy_cell(v, j == 0) for j, v in enumerate(row))
                                                                        for row in t["rows"]))
                   for t in d.get("tables") or ())
    for tid in ("T2", "T3", "T4") if fmt.tables else ():
        tdef = fmt.table(tid)
        rows = d.get(tdef.json_key)
        if rows is None:
            continue
        out = {}
        for rk, cols in rows.items():
            cells = {}
            for ck, v in cols.items():
                if v is None:
                    cells[ck] = Cell(CellKind.BLANK)
                elif isinstance(v, str):
                    cells[ck] = Cell(CellKind.NA, raw=v)
                else:
                    value = v if isinstance(v, (int, Decimal)) else Decimal(repr(v))  # floats: their shortest exact text
                    cells[ck] = Cell(CellKind.NUMBER, value, unit_raw=units.get(tdef.json_key, {}).get(f"{rk}.{ck}"))
            out[rk] = cells
        if tid == "T3":
            for rk, v in (d.get(T3_COLLAPSED) or {}).items():
                if rk in out:
                    out[rk][T3_COLLAPSED] = legacy_cell(v, False) if v is not None else Cell(CellKind.BLANK)
        for ek, v in d.get("extras", {}).get(tdef.json_key, {}).items():
            out[ek] = {"total": Cell(CellKind.BLANK) if v is None else Cell(CellKind.NA, raw=v) if isinstance(v, str) else Cell(CellKind.NUMBER, v)}
        tables[tid] = Table(tid, out)
    m = d.get("meta", {})
    day = lambda x: _dt.date.fromisoformat(x) if x else None  # noqa: E731
    meta = Meta(title=m.get("title"), publisher=m.get("publisher"), index_no=m.get("index_no"), doc_no=m.get("doc_no"),
                written_date=day(m.get("written_date")), published_date=day(m.get("published_date")),
                period_start=day(m.get("period", {}).get("start")), period_end=day(m.get("period", {}).get("end")),
                scope=m.get("scope") or "organ", category=m.get("category"), validity=m.get("validity"))
    metrics = {k: legacy_cell(v, False) for k, v in (d.get("metrics") or {}).items()}
    return Report(unit=unit or d["unit"], year=int(d["year"]), format=fmt, meta=meta, tables=tables, data_path="",
                  legacy_tables=legacy, legacy_metrics=metrics)

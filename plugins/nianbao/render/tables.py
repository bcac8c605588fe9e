"""The view model of an official table: header and body rows of cells with their spans and the
header associations (``id``/``headers``, ``scope``) a screen reader needs.

The official layouts (spec §3): T2 is one four-column grid in blocks, each with a caption row; T3 has
a three-row column header under a 3×3 corner note and a three-column row stub; T4 has a three-row
column header over a single row of 15 numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import ColumnDef, TableDef
from ..model import CellKind, Table, format_number


@dataclass
class Cell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    id: str | None = None
    scope: str | None = None
    headers: tuple[str, ...] = ()
    kind: str | None = None  # data cells: number | blank | na | missing
    classes: tuple[str, ...] = ()
    sr_text: str | None = None  # announced by screen readers in place of the visible text
    source: tuple[str, ColumnDef] | None = None  # data cells: the (row key, column) they show


@dataclass
class TableView:
    id: str
    table_id: str
    caption: str
    head: list[list[Cell]]
    bodies: list[list[list[Cell]]]
    classes: tuple[str, ...] = field(default_factory=tuple)
    column_count: int = 0


SR = {"blank": "空白", "na": "不适用", "missing": "缺失"}


def data_content(table: Table | None, row_key: str, col: ColumnDef) -> tuple[str, str, str | None]:
    """A data cell's visible text, kind (number | blank | na | missing) and screen-reader text."""
    return cell_content(table.rows.get(row_key, {}).get(col.key) if table else None)


def cell_content(c) -> tuple[str, str, str | None]:
    """One cell (model.Cell, None when missing): visible text, kind and screen-reader text."""
    if c is None:
        return "", "missing", SR["missing"]
    if c.kind is CellKind.NUMBER:
        return format_number(c.value), "number", None
    if c.kind is CellKind.NA:
        return c.raw or "/", "na", SR["na"]
    return "", "blank", SR["blank"]


def _data_cell(table: Table | None, row_key: str, col: ColumnDef, headers: tuple[str, ...], colspan: int = 1) -> Cell:
    text, kind, sr_text = data_content(table, row_key, col)
    return Cell(text, headers=headers, kind=kind, colspan=colspan, sr_text=sr_text, classes=("nb-num",), source=(row_key, col))


def _blocks(tdef: TableDef, table: Table | None, p: str) -> TableView:
    width = 1 + max(len(b.columns) for b in tdef.blocks)
    bodies = []
    for b in tdef.blocks:
        cap_id = f"{p}-{b.key}"
        stub_id = f"{p}-{b.key}-stub"
        rows: list[list[Cell]] = [
            [Cell(b.caption, header=True, colspan=width, id=cap_id, scope="colgroup", classes=("nb-block",))]
        ]
        # value columns fill the grid; the last one takes what is left (v2019 (八): 本年增/减 spans 2)
        spans = [1] * len(b.columns)
        spans[-1] += (width - 1) - len(b.columns)
        head = [Cell(tdef.stub_label or "", header=True, id=stub_id, scope="col", headers=(cap_id,))]
        for c, span in zip(b.columns, spans):
            head.append(Cell(c.label, header=True, colspan=span, id=f"{p}-{b.key}-{c.key}", scope="col", headers=(cap_id,)))
        rows.append(head)
        for rk in b.row_keys:
            row = tdef.row(rk)
            rid = f"{p}-{rk}"
            cells = [Cell(row.label, header=True, id=rid, scope="row", headers=(stub_id,))]
            for c, span in zip(b.columns, spans):
                cells.append(_data_cell(table, rk, c, (cap_id, f"{p}-{b.key}-{c.key}", rid), colspan=span))
            rows.append(cells)
        bodies.append(rows)
    return TableView(p, tdef.id, tdef.title, [], bodies, ("nb-t2",), width)


def _matrix(tdef: TableDef, table: Table | None, p: str) -> TableView:
    stub_w = 3
    cols = tdef.columns
    top_id = f"{p}-applicant"
    groups: dict[str, list[ColumnDef]] = {}
    for c in cols:
        if c.group:
            groups.setdefault(c.group, []).append(c)
    row1 = [
        # the 勾稽关系 note heads the stub columns (a header cell, read by screen readers as such)
        Cell(tdef.corner_note or "", header=True, colspan=stub_w, rowspan=3, id=f"{p}-note", scope="colgroup", classes=("nb-corner",)),
        Cell(tdef.column_header or "", header=True, colspan=len(cols), id=top_id, scope="colgroup"),
    ]
    row2: list[Cell] = []
    row3: list[Cell] = []
    col_headers: dict[str, tuple[str, ...]] = {}
    seen_groups: dict[str, str] = {}
    for i, c in enumerate(cols):
        cid = f"{p}-c-{c.key}"
        if c.group:
            gid = seen_groups.get(c.group)
            if gid is None:
                gid = seen_groups[c.group] = f"{p}-g{len(seen_groups) + 1}"
                row2.append(Cell(c.group, header=True, colspan=len(groups[c.group]), id=gid, scope="colgroup", headers=(top_id,)))
            row3.append(Cell(c.label, header=True, id=cid, scope="col", headers=(top_id, gid)))
            col_headers[c.key] = (top_id, gid, cid)
        else:
            row2.append(Cell(c.label, header=True, rowspan=2, id=cid, scope="col", headers=(top_id,)))
            col_headers[c.key] = (top_id, cid)
    body: list[list[Cell]] = []
    rows = tdef.rows
    path_ids: dict[tuple[str, ...], str] = {}
    for i, row in enumerate(rows):
        cells: list[Cell] = []
        stub_headers: list[str] = []
        for depth in range(len(row.path)):
            prefix = row.path[: depth + 1]
            if prefix not in path_ids:
                path_ids[prefix] = f"{p}-s{len(path_ids) + 1}"
                span = sum(1 for r in rows[i:] if r.path[: depth + 1] == prefix)
                # contiguous by construction of the format definition
                cells.append(
                    Cell(
                        prefix[-1],
                        header=True,
                        rowspan=span,
                        id=path_ids[prefix],
                        scope="rowgroup",
                        headers=tuple(stub_headers),
                        classes=(f"nb-stub{depth + 1}",),
                    )
                )
            stub_headers.append(path_ids[prefix])
        rid = f"{p}-r-{row.key}"
        cells.append(
            Cell(
                row.label,
                header=True,
                colspan=stub_w - len(row.path),
                id=rid,
                scope="row",
                headers=tuple(stub_headers),
                classes=(f"nb-stub{len(row.path) + 1}",),
            )
        )
        for c in cols:
            cells.append(_data_cell(table, row.key, c, tuple(stub_headers) + (rid,) + col_headers[c.key]))
        body.append(cells)
    return TableView(p, tdef.id, tdef.title, [row1, row2, row3], [body], ("nb-t3",), stub_w + len(cols))


def _wide(tdef: TableDef, table: Table | None, p: str) -> TableView:
    cols = tdef.columns
    # first header row: top groups (行政复议 is a row without path; 行政诉讼 is the path of two rows)
    row1: list[Cell] = []
    row2: list[Cell] = []
    row3: list[Cell] = []
    data: list[Cell] = []
    seen: dict[str, str] = {}
    for row in tdef.rows:
        if not row.path:
            gid = f"{p}-{row.key}"
            row1.append(Cell(row.label, header=True, colspan=len(cols), id=gid, scope="colgroup"))
            for c in cols:
                cid = f"{p}-{row.key}-{c.key}"
                row2.append(Cell(c.label, header=True, rowspan=2, id=cid, scope="col", headers=(gid,)))
                data.append(_data_cell(table, row.key, c, (gid, cid)))
        else:
            top = row.path[0]
            if top not in seen:
                seen[top] = f"{p}-top{len(seen) + 1}"
                n = sum(1 for r in tdef.rows if r.path[:1] == (top,))
                row1.append(Cell(top, header=True, colspan=n * len(cols), id=seen[top], scope="colgroup"))
            gid = f"{p}-{row.key}"
            row2.append(Cell(row.label, header=True, colspan=len(cols), id=gid, scope="colgroup", headers=(seen[top],)))
            for c in cols:
                cid = f"{p}-{row.key}-{c.key}"
                row3.append(Cell(c.label, header=True, id=cid, scope="col", headers=(seen[top], gid)))
                data.append(_data_cell(table, row.key, c, (seen[top], gid, cid)))
    return TableView(p, tdef.id, tdef.title, [row1, row2, row3], [[data]], ("nb-t4",), len(data))


def build_table_view(tdef: TableDef, table: Table | None, id_prefix: str | None = None) -> TableView:
    p = id_prefix or tdef.id.lower()
    return {"blocks": _blocks, "matrix": _matrix, "wide": _wide}[tdef.layout](tdef, table, p)

"""Statistics tables published as a spreadsheet (openpyxl): a report's 附表 as an Excel attachment,
most often for reports of 2018 and before (spec §6: "expect legacy tables to come as … Excel/Word
attachments"), sometimes the three tables of a later report.

Each worksheet, in order, is cut at its empty rows into regions. A region that is a single cell (or
one cell across the sheet's merged width) is a line beside the tables (a table's title, "附表：……统计表",
not the report's text); any
other region is a table, with the sheet's merged cells as its spans, so it reads as a Word or HTML
table does. Numbers are written as the sheet shows them without formatting (1.0 → 1, 0.05 → 0.05);
a formula cell gives the value Excel last calculated and saved, and is said so in the notes (one
with no saved value reads as blank, and is named).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from .document import Document, GCell, Para, TableGrid


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        d = Decimal(repr(v))
        return format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def read_xlsx(path: Path, display: str) -> Document:
    from openpyxl import load_workbook

    doc = Document(display, "xlsx")
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as e:  # openpyxl raises zipfile, KeyError and its own errors on a damaged file
        from .recognize import ImportError_

        raise ImportError_(f"无法读取 Excel 文件 {path.name}（文件损坏，或不是 .xlsx）：{e.__class__.__name__}") from None
    computed, uncomputed = 0, []
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            doc.notes.append(f"工作表“{ws.title}”是隐藏的，未读取")
            continue
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
            covered |= {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
                        if (r, c) != (rng.min_row, rng.min_col)}
        fws = formulas[ws.title]
        cells: dict[tuple[int, int], str] = {}
        for row in fws.iter_rows():
            for fcell in row:
                f = fcell.value
                if isinstance(f, str) and f.startswith("="):
                    if ws.cell(fcell.row, fcell.column).value is None:
                        uncomputed.append(f"“{ws.title}”{fcell.coordinate}")
                    else:
                        computed += 1
        for row in ws.iter_rows():
            for cell in row:
                text = _text(cell.value)
                if text:
                    cells[(cell.row, cell.column)] = text
        if not cells:
            continue
        # rows in use: a row is used by the cells in it and the cells spanning into it
        used: set[int] = set()
        for (r, c) in cells:
            h, _w = spans.get((r, c), (1, 1))
            used |= set(range(r, r + h))
        regions: list[list[int]] = []
        for r in sorted(used):
            if regions and r == regions[-1][-1] + 1:
                regions[-1].append(r)
            else:
                regions.append([r])
        for rows in regions:
            top, bottom = rows[0], rows[-1]
            origins = [(r, c) for (r, c) in cells if top <= r <= bottom]
            if len(origins) == 1 and len(rows) == 1:
                doc.blocks.append(Para(cells[origins[0]], aside=True))  # a title: never the report's text
                continue
            left = min(c for (_r, c) in origins)
            right = max(c + spans.get((r, c), (1, 1))[1] - 1 for (r, c) in origins)
            grid = TableGrid([], source=f"工作表“{ws.title}”")
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    if (r, c) in covered:
                        continue
                    h, w = spans.get((r, c), (1, 1))
                    grid.cells.append(GCell(r - top, c - left, cells.get((r, c), ""), min(h, bottom - r + 1), min(w, right - c + 1),
                                            where=f"工作表“{ws.title}”第 {r} 行"))  # the sheet's own row number
            doc.blocks.append(grid)
    if computed:
        doc.notes.append(f"有 {computed} 个单元格是公式：取 Excel 最后一次计算并保存的结果")
    if uncomputed:
        doc.notes.append(f"有 {len(uncomputed)} 个公式单元格没有保存计算结果（{'、'.join(uncomputed[:5])}{' 等' if len(uncomputed) > 5 else ''}），"
                         "读作空白：请在 Excel 或 WPS 中打开、保存后再导入")
    return doc

"""Expand an HTML table's row/column spans into a grid, independently of nianbao's renderer."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import html as lxml_html


@dataclass
class Slot:
    el: object  # the <th>/<td> covering this slot
    origin: bool  # True at the cell's top-left slot
    section: object  # the <thead> or <tbody> element the cell is in


def _without(el, xpath: str) -> str:
    e = copy.deepcopy(el)
    for node in e.xpath(xpath):
        node.drop_tree()  # keeps the tail text
    return re.sub(r"\s+", "", e.text_content())


def text(el) -> str:
    """The visible text of a cell (screen-reader-only text excluded), whitespace removed."""
    return _without(el, './/*[contains(concat(" ", @class, " "), " nb-sr ")]')


def spoken(el) -> str:
    """The text a screen reader reads for the cell (aria-hidden parts excluded)."""
    return _without(el, './/*[@aria-hidden="true"]')


def expand(table) -> list[list[Slot]]:
    grid: list[list[Slot | None]] = []
    r = 0
    for sec in table:
        if sec.tag not in ("thead", "tbody"):
            continue
        for tr in sec.findall("tr"):
            while len(grid) <= r:
                grid.append([])
            c = 0
            for cell in tr:
                if cell.tag not in ("th", "td"):
                    continue
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
                for dr in range(rs):
                    while len(grid) <= r + dr:
                        grid.append([])
                    row = grid[r + dr]
                    while len(row) < c + cs:
                        row.append(None)
                    for dc in range(cs):
                        assert row[c + dc] is None, f"overlapping cells at {r + dr},{c + dc}"
                        row[c + dc] = Slot(cell, dr == 0 and dc == 0, sec)
                c += cs
            r += 1
    width = max(len(row) for row in grid)
    for i, row in enumerate(grid):
        assert len(row) == width and all(s is not None for s in row), f"row {i} has holes or is short"
    return grid  # type: ignore[return-value]


def tables(page_html: str) -> dict[str, object]:
    doc = lxml_html.fromstring(page_html)
    return {t.get("id"): t for t in doc.iter("table") if t.get("id")}


def expected_headers(grid: list[list[Slot]], r: int, c: int) -> set[str]:
    """The header cells of slot (r, c): every <th> above it in its column within its own row group
    and the <thead> (each T2 block is a <tbody> with its own headers), and every <th> to its left."""
    ids = set()
    own = grid[r][c].section
    for rr in range(r - 1, -1, -1):
        slot = grid[rr][c]
        if slot.section is not own and slot.section.tag != "thead":
            break
        if slot.el.tag == "th":
            ids.add(slot.el.get("id"))
    for cc in range(c):
        if grid[r][cc].el.tag == "th":
            ids.add(grid[r][cc].el.get("id"))
    return ids

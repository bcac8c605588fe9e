"""What every reader produces: the document as paragraphs and tables, in reading order.

A table is a list of *origin* cells with their row/column spans, so merged cells are seen once and
columns can be aligned by geometry (HTML, DOCX). The Word text export has no geometry: its tables
are rows of cells in order (``geometry=False``), and the recogniser aligns them by header text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    where: str = ""  # where in the source, when the reader knows better than the grid ("第 123 行" of a text file)

    @property
    def end(self) -> int:
        return self.col + self.colspan


@dataclass
class TableGrid:
    cells: list[GCell]
    geometry: bool = True  # False: the Word text export (columns unknown, cells in order)
    source: str = ""  # where it came from, for messages ("第 3 张表")

    def rows(self) -> list[list[GCell]]:
        """Origin cells of each row, left to right."""
        out: dict[int, list[GCell]] = {}
        for c in self.cells:
            out.setdefault(c.row, []).append(c)
        n = max(out) + 1 if out else 0
        return [sorted(out.get(r, []), key=lambda c: c.col) for r in range(n)]

    def expanded(self) -> list[list[GCell | None]]:
        """The grid with spans expanded: every slot points at the cell covering it."""
        if not self.cells:
            return []
        nrows = max(c.row + c.rowspan for c in self.cells)
        ncols = max(c.col + c.colspan for c in self.cells)
        grid: list[list[GCell | None]] = [[None] * ncols for _ in range(nrows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    grid[r][k] = c
        return grid


@dataclass
class Para:
    text: str
    heading_level: int | None = None  # from the source's markup (<h2>, Word heading style), if any
    aside: bool = False  # not the report's text: a line of a tables attachment (a table's title)


@dataclass
class Document:
    path: str
    kind: str  # txt | docx | html | pdf (| doc | wps, converted to docx)
    blocks: list[Para | TableGrid] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # CMS page metadata (索引号, 发布日期 …) if found
    dropped: list[str] = field(default_factory=list)  # artefacts removed while reading, for the notes
    notes: list[str] = field(default_factory=list)  # what reading changed or could not read (PDF), for the notes
    images: list[str] = field(default_factory=list)  # the pictures in the text (a table pasted as a picture cannot be read)
    attachments: list[str] = field(default_factory=list)  # files a web page links to that may hold the report ("名称（地址）")

    @property
    def paragraphs(self) -> list[Para]:
        """The report's text (not the lines of a tables attachment)."""
        return [b for b in self.blocks if isinstance(b, Para) and not b.aside]

    @property
    def tables(self) -> list[TableGrid]:
        return [b for b in self.blocks if isinstance(b, TableGrid)]

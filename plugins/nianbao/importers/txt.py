"""The Word text export (the seed's layout): one table cell per line, tab-indented, a blank line
between table rows, merged header cells repeated or empty, long labels broken across lines."""

from __future__ import annotations

from pathlib import Path

from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid


def _encodings(raw: bytes) -> tuple[str, ...]:
    """The encodings to try, in order. Word's 另存为纯文本 offers GB2312 (its default here) and
    Unicode, which is UTF-16 with a byte-order mark, as Notepad's "Unicode" is; without the mark,
    UTF-16 shows as a NUL byte in every other place of Chinese-and-ASCII text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    head = raw[:4000]
    if head.count(b"\x00") > len(head) // 4:
        return ("utf-16-le", "utf-16-be") if head[1::2].count(b"\x00") >= head[::2].count(b"\x00") else ("utf-16-be", "utf-16-le")
    return ("utf-8-sig", "gb18030")


def read_txt(path: Path, display: str) -> Document:
    raw = path.read_bytes()
    for enc in _encodings(raw):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("无法识别文件编码（试过 " + "、".join(_encodings(raw)) + "）")
    doc = Document(display, "txt")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    table: list[list[tuple[str, int]]] | None = None  # rows of (cell text, line number)
    row: list[tuple[str, int]] = []

    def end_row():
        nonlocal row
        if row and table is not None:
            table.append(row)
        row = []

    def end_table():
        nonlocal table
        end_row()
        if table:
            cells = [GCell(r, c, t, where=f"第 {n} 行") for r, cells in enumerate(table) for c, (t, n) in enumerate(cells)]
            doc.blocks.append(TableGrid(cells, geometry=False, source=f"第 {len(doc.tables) + 1} 张表"))
        table = None

    for n, line in enumerate(lines, 1):
        line = strip_artefacts(line, doc.dropped, f"第 {n} 行")
        if line.startswith("\t"):
            if table is None:
                table = []
            row.append((line[1:].strip(), n))
        elif not line.strip():
            if table is not None:
                end_row()
        elif table is not None and row and not line.startswith((" ", "\u3000")) and _continues(row[-1][0], line):
            # a label broken across lines: "1.申请人无正当理由逾期不补" / "正、行政机关不再处理…"
            row[-1] = (row[-1][0] + line.strip(), row[-1][1])
        else:
            end_table()
            doc.blocks.append(Para(line.strip()))
    end_table()
    return doc


def _continues(previous: str, line: str) -> bool:
    """A non-indented line right after a cell line, before the row ended, continues that cell."""
    return bool(previous) and not previous.endswith(("。", "：", ":")) and len(line.strip()) < 80

"""Word .docx (python-docx): paragraphs and tables in body order, merged cells with their spans.

Spans are read from the XML (``w:gridSpan``, ``w:vMerge``) so a merged cell is one cell with its
geometry; text comes from ``w:t`` only, so field-code instructions (``w:instrText``) never leak in.
"""

from __future__ import annotations

import re
from pathlib import Path

from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    out = []
    for node in el.iter():
        if node.tag == W + "t":
            out.append(node.text or "")
        elif node.tag in (W + "tab",):
            out.append("\t")
        elif node.tag in (W + "br", W + "cr"):
            out.append("\n")
        elif node.tag == W + "p" and out and out[-1] != "\n":
            out.append("\n")
    return "".join(out).strip()


def _heading_level(p) -> int | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    if style is None:
        return None
    m = re.search(r"(?:heading|标题)\s*(\d)", (style.get(W + "val") or "").lower())
    return int(m[1]) if m else None


def _table(tbl, source: str) -> TableGrid:
    cells: list[GCell] = []
    open_v: dict[int, GCell] = {}  # column -> the cell a vertical merge continues
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        col = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            col += int(before.get(W + "val", "0"))
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span = 1
            vmerge = None
            if pr is not None:
                gs = pr.find(f"{W}gridSpan")
                if gs is not None:
                    span = int(gs.get(W + "val", "1"))
                vm = pr.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(W + "val", "continue")
            if vmerge == "continue" and col in open_v:
                open_v[col].rowspan += 1
            else:
                cell = GCell(r, col, _text(tc), 1, span)
                cells.append(cell)
                if vmerge == "restart":
                    open_v[col] = cell
                else:
                    open_v.pop(col, None)
            col += span
    return TableGrid(cells, geometry=True, source=source)


def read_docx(path: Path, display: str) -> Document:
    import docx  # python-docx

    d = docx.Document(str(path))
    doc = Document(display, "docx")
    body = d.element.body
    instr = [n.text for n in body.iter(W + "instrText") if n.text and n.text.strip()]
    if instr:
        doc.dropped.append("删除了域代码：" + "、".join(sorted({i.strip() for i in instr})))
    for child in body:
        if child.tag == W + "p":
            for _pic in child.iter(W + "drawing", W + "pict"):
                doc.images.append(f"第 {len(doc.paragraphs) + 1} 段的图片")
            text = strip_artefacts(_text(child), doc.dropped, f"第 {len(doc.paragraphs) + 1} 段")
            if text.strip():
                doc.blocks.append(Para(text.strip(), _heading_level(child)))
        elif child.tag == W + "tbl":
            doc.blocks.append(_table(child, f"第 {len(doc.tables) + 1} 张表"))
    return doc

"""Word .docx (python-docx): paragraphs and tables in body order, merged cells with their spans.

Spans are read from the XML (``w:gridSpan``, ``w:vMerge``) so a merged cell is one cell with its
geometry; text comes from ``w:t`` only, so field-code instructions (``w:instrText``) never leak in.

Content controls (``w:sdt``, as OA-system templates wrap sections, rows and cells in them) and
custom XML are read through, at body, row and cell level. Tracked changes not yet accepted are read
as if accepted (inserted text in, deleted text and deleted rows out, moved text once, where it was
moved to), and the import says how many there were, so that nothing is taken silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


WRAPPERS = (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag")


def _children(el, tag: str):
    """``el``'s children of ``tag``, those inside content controls and custom XML included."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in WRAPPERS:
            yield from _children(child, tag)


def _blocks(body):
    """The body's paragraphs and tables in order, through content controls. A table holding tables
    lays the document out (a template that puts the whole text in one cell): its cells' paragraphs
    and tables are read in its place, as a web page's layout table is."""
    for child in body:
        if child.tag == W + "tbl" and next(child.iterdescendants(W + "tbl"), None) is not None:
            for tr in _children(child, W + "tr"):
                for tc in _children(tr, W + "tc"):
                    yield from _blocks(tc)
        elif child.tag in (W + "p", W + "tbl", W + "altChunk"):
            yield child
        elif child.tag in WRAPPERS:
            yield from _blocks(child)


def _nodes(el):
    """``el`` and its descendants in order, less text moved away (``w:moveFrom``: it is read where
    it was moved to)."""
    yield el
    for child in el:
        if child.tag != W + "moveFrom":
            yield from _nodes(child)


def _text(el) -> str:
    out = []
    for node in _nodes(el):
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
    rows = [tr for tr in _children(tbl, W + "tr") if tr.find(f"{W}trPr/{W}del") is None]  # a deleted row is gone
    for r, tr in enumerate(rows):
        col = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            col += int(before.get(W + "val", "0"))
        for tc in _children(tr, W + "tc"):
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

    return _read(docx.Document(str(path)), display)


def _read(d, display: str) -> Document:
    """A python-docx document's paragraphs and tables (and the documents embedded in it)."""
    doc = Document(display, "docx")
    body = d.element.body
    instr = [n.text for n in body.iter(W + "instrText") if n.text and n.text.strip()]
    if instr:
        doc.dropped.append("删除了域代码：" + "、".join(sorted({i.strip() for i in instr})))
    revisions = {what: sum(1 for _ in body.iter(W + tag)) for tag, what in (("ins", "插入"), ("del", "删除"), ("moveTo", "移动"))}
    if any(revisions.values()):
        said = "、".join(f"{what} {n} 处" for what, n in revisions.items() if n)
        doc.notes.append(f"文档中有未接受的修订（{said}）：按接受全部修订后的文字读取，请与发布的原件核对")
    for child in _blocks(body):
        if child.tag == W + "p":
            for _pic in child.iter(W + "drawing", W + "pict"):
                doc.images.append(f"第 {len(doc.paragraphs) + 1} 段的图片")
            text = strip_artefacts(_text(child), doc.dropped, f"第 {len(doc.paragraphs) + 1} 段")
            if text.strip():
                doc.blocks.append(Para(text.strip(), _heading_level(child)))
        elif child.tag == W + "tbl":
            doc.blocks.append(_table(child, f"第 {len(doc.tables) + 1} 张表"))
        elif child.tag == W + "altChunk":
            _alt_chunk(d, child, doc)
    return doc


R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _alt_chunk(d, el, doc: Document) -> None:
    """An embedded document (``w:altChunk``: what HTML-to-Word exports write: the page itself inside
    the .docx, which Word shows as if it were the document's text): read in place by its own reader."""
    import io

    from .html import read_mhtml_bytes, read_page

    part = d.part.related_parts.get(el.get(R_ID))
    if part is None:
        doc.notes.append("文档中有一处嵌入内容（altChunk）找不到其文件，未能读取：请对照原文补录")
        return
    kind = part.content_type
    if kind in ("text/html", "application/xhtml+xml"):
        sub, what = read_page(part.blob, doc.path, "html"), "网页"
    elif kind == "message/rfc822":
        sub, what = read_mhtml_bytes(part.blob, doc.path), "网页"
    elif kind == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":  # a .docx package
        import docx

        sub, what = _read(docx.Document(io.BytesIO(part.blob)), doc.path), "文档"
    else:
        doc.notes.append(f"文档中有一处嵌入内容（altChunk，{kind}）不是网页或 Word 文档，未能读取：请对照原文补录")
        return
    for b in sub.blocks:
        if isinstance(b, TableGrid):
            b.source = f"第 {len(doc.tables) + 1} 张表"
        doc.blocks.append(b)
    doc.images += sub.images
    doc.dropped += sub.dropped
    doc.notes += sub.notes
    doc.attachments += sub.attachments
    doc.meta = {**sub.meta, **doc.meta}  # the page's title and dates, unless the document had its own
    doc.notes.append(f"文档的内容嵌入为{what}（altChunk），按其原样读取")

"""A report published as PDF (pdfplumber): ruled tables with their cells' geometry, and the text
around them rebuilt into paragraphs.

- **Tables** are found from their ruling lines. Each cell's edges give its row, column and spans,
  so merged cells are seen once, as in Word or HTML. A table that runs onto the next page (the
  next page begins with a table of the same width, nothing but the page's header and footer, or a
  "续表" line, in between) is joined to it, and a repeated header on the continuation is removed
  and said so (spec §9.2). A row the page break cuts is one row again, whether the PDF writer left
  the cut open (Chromium) or drew a line there (Word, LibreOffice: :func:`_join_cut_row`).
- **Text** outside the tables is read line by line. A line starts a new paragraph where it is
  indented, where the line before it ended short or was followed by a larger gap, or where the font
  size changes; the lines of a large-type title are joined. Spaces PDF text extraction puts between
  Chinese characters are removed.
- **Page numbers and running headers** (a page number, "第 3 页", or the same line at the top or bottom
  of several pages) are removed and said so.
- **Radical characters**: PDFs made with some CJK fonts (Noto/Source Han, which Chrome, WPS and many
  converters embed) map a character to a radical code point that shares its glyph ("⼆" U+2F06 for
  "二", "⺠" U+2EA0 for "民"). They are put back to the ideograph, and the import says how many.
- A page with no text (a scanned page, an image of a table) cannot be read without OCR, which
  nianbao does not do: it is named in the notes; a PDF without any text fails.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid

# CJK Radicals Supplement code points whose glyph, in Noto Sans/Serif CJK SC, is the glyph of one
# unified ideograph: a PDF whose font maps that glyph back to the radical means the ideograph.
# (Kangxi Radicals U+2F00–U+2FD5 all have NFKC decompositions and are handled by NFKC.)
# Generated from the fonts' cmap tables by scripts/radicals-from-font; do not edit by hand.
RADICALS = dict(zip(
    "⺂⺃⺅⺉⺋⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺳⺹⺺⺾⻁⻂⻃⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳",
    "乛乚亻刂㔾兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒㓁耂肀艹虎衤覀见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟",
    strict=True,
))
_RADICAL = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])[ \u3000]+(?=[{_CJK}])")
PAGE_NUMBER = re.compile(r"^[-—－–‒―~～·\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,4})[-—－–‒―~～·\s]*$")
CONTINUED = re.compile(r"^[(（]?续表[\d一二三四五六]*[)）]?$")
EDGE_TOLERANCE = 3.0  # points: cell edges closer than this are the same grid line
BAND = 0.09  # the top and bottom 9 % of a page: where headers and footers are


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    open_top: bool = False  # no ruling line above it: the cell goes on from the page before
    open_bottom: bool = False  # no ruling line below it: it goes on on the next page


@dataclass
class _Table:
    page: int
    top: float
    x0: float
    x1: float
    parts: list[list[_Cell]] = field(default_factory=list)  # one per page it is on


def _ideograph(radical: str) -> str:
    """The ideograph a radical code point stands for (itself if none)."""
    return RADICALS.get(radical) or unicodedata.normalize("NFKC", radical)


class _Radicals:
    """Puts radical code points back to ideographs, counting them for the import's notes."""

    def __init__(self, what: str = "PDF"):
        self.what = what
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        if not _RADICAL.search(text):
            return text

        def fix(m: re.Match) -> str:
            c = m[0]
            u = _ideograph(c)
            if u != c:
                self.seen[c] = self.seen.get(c, 0) + 1
            return u

        return _RADICAL.sub(fix, text)

    def note(self) -> str | None:
        if not self.seen:
            return None
        shown = "、".join(f"{c}→{_ideograph(c)}" for c in sorted(self.seen)[:8])
        more = "等" if len(self.seen) > 8 else ""
        return (f"{self.what} 的字体把 {sum(self.seen.values())} 处汉字映射成了形状相同的部首字符（{shown}{more}），"
                "已换回通用汉字")


def _clean(text: str, radicals: _Radicals) -> str:
    return _CJK_SPACE.sub("", radicals(text))


def _clusters(values: list[float]) -> list[float]:
    """Grid lines from cell edges: sorted values, those within EDGE_TOLERANCE of the previous merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOLERANCE:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def _grid(t: _Table, source: str) -> TableGrid:
    """The table's cells with rows and columns from their edges. The columns are the same grid
    lines on every page of the table; the rows of each page follow the rows of the pages before. A
    cell cut by the page break (no ruling line at the cut) is one cell: its part on the next page
    (same columns, at the top) is added to it, text and rows."""
    cols = _clusters([x for part in t.parts for c in part for x in (c.x0, c.x1)])
    cells: list[GCell] = []
    offset = 0
    cut: dict[tuple[int, int], GCell] = {}  # (first column, end column) -> a cell open at the bottom of the page before
    for part in t.parts:
        rows = _clusters([y for c in part for y in (c.top, c.bottom)])
        going_on: dict[tuple[int, int], GCell] = {}
        for c in sorted(part, key=lambda c: (c.top, c.x0)):
            r0, r1 = _index(rows, c.top), _index(rows, c.bottom)
            c0, c1 = _index(cols, c.x0), _index(cols, c.x1)
            if r1 <= r0 or c1 <= c0:
                continue
            before = cut.get((c0, c1)) if c.open_top and r0 == 0 else None
            if before is not None:
                before.rowspan += r1 - r0
                before.text = "\n".join(t for t in (before.text, c.text) if t)
                cell = before
            else:
                cell = GCell(offset + r0, c0, c.text, r1 - r0, c1 - c0)
                cells.append(cell)
            if c.open_bottom and r1 == len(rows) - 1:
                going_on[(c0, c1)] = cell
        cut = going_on
        offset += max(len(rows) - 1, 0)
    cells.sort(key=lambda c: (c.row, c.col))
    return TableGrid(cells, geometry=True, source=source)


def _row_texts(part: list[_Cell]) -> list[tuple[str, ...]]:
    rows: dict[int, list[tuple[float, str]]] = {}
    tops = _clusters([c.top for c in part])
    for c in part:
        rows.setdefault(_index(tops, c.top), []).append((c.x0, re.sub(r"\s+", "", c.text)))
    return [tuple(t for _x, t in sorted(rows[k])) for k in sorted(rows)]


def _drop_repeated_header(first: list, part: list, dropped: list[str], page: int) -> list:
    """A continuation whose first rows repeat the table's first rows: those rows are not data."""
    if any(c.open_top for c in part):
        return part  # the page break cut a row: the page begins with the rest of it, not a header
    head, cont = _row_texts(first), _row_texts(part)
    n = 0
    while n < len(cont) and n < len(head) and cont[n] == head[n] and any(cont[n]):
        n += 1
    if n == 0 or n == len(cont):
        return part
    cut = _clusters([c.top for c in part])[n]
    dropped.append(f"第 {page} 页：删除了续表重复的表头（{n} 行）")
    return [c for c in part if c.top >= cut - EDGE_TOLERANCE]


# how a row's label begins ("1.", "（三）", "四、"): the start of a row, never the rest of a cut one
_ROW_MARK = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.．、])")


def _join_cut_row(prev: list[_Cell], part: list[_Cell], page: int, notes: list[str]) -> None:
    """Word and LibreOffice draw a line where the page break cuts a row, so the rest of the row,
    at the top of the next page, looks like a row of its own ("他法律行政法规禁止公开" under
    "2.其"). A cell at the top of the page is the rest of the cell above it when the two have the
    same columns and its text can only be the rest of that cell's text: the cell above has text,
    and this one is neither a value (a number, "/" …: a cut row's values stand at its top, on the
    page before) nor begins with the numbering of a row label ("1.", "（三）"). Every cell at the top
    with the same columns as one above must be such a rest (or empty), and one at least must have
    text; a cell under a wider one (a column header's sub-headers) begins a row of its own. The
    cells are marked open at the cut, so that :func:`_grid` makes them one. (A row that begins the
    page with neither numbering nor values would be taken for the rest of the row above; its label
    joined to the one above is then not recognised, and the import fails and says which row.)"""
    from ..normalize import parse_cell

    if not prev or not part or any(c.open_top for c in part):
        return
    bottom, top = max(c.bottom for c in prev), min(c.top for c in part)
    above = [c for c in prev if abs(c.bottom - bottom) <= EDGE_TOLERANCE]
    below = [c for c in part if abs(c.top - top) <= EDGE_TOLERANCE]
    pairs = []
    for b in below:
        a = next((a for a in above if abs(a.x0 - b.x0) <= EDGE_TOLERANCE and abs(a.x1 - b.x1) <= EDGE_TOLERANCE), None)
        if a is not None:
            pairs.append((a, b))
        elif not any(a.x0 - EDGE_TOLERANCE <= b.x0 and b.x1 <= a.x1 + EDGE_TOLERANCE for a in above):
            return  # the columns at the cut differ: not one row cut in two
    rest = [(a, b) for a, b in pairs if b.text]
    if not rest:
        return
    for a, b in rest:
        if not a.text or _ROW_MARK.match(b.text) or parse_cell(b.text).kind is not None:
            return
    for a, b in pairs:
        a.open_bottom = b.open_top = True
    a, b = rest[-1]
    notes.append(f"第 {page} 页：表格中被分页截断的一行（“{a.text.splitlines()[-1]}”接“{b.text.splitlines()[0]}”）合为一行")


def _page_cuts(v: list[dict], h: list[dict]) -> list[tuple[float, float, float]]:
    """Where a table runs off the page (or onto it from the page before), some PDF writers draw no
    line at the cut: a line there, (y, x0, x1), closes the cells so the table is still found.
    ``v``, ``h``: the page's vertical and horizontal edges."""
    out = []
    if v:
        for y, end in ((min(e["top"] for e in v), "top"), (max(e["bottom"] for e in v), "bottom")):
            xs = [e["x0"] for e in v if abs(e[end] - y) <= EDGE_TOLERANCE]
            x0, x1 = min(xs), max(xs)
            if x1 - x0 > EDGE_TOLERANCE and not _ruled(h, y, x0, x1):
                out.append((float(y), float(x0), float(x1)))
    return out


def _ruled(h_edges: list[dict], y: float, x0: float, x1: float) -> bool:
    """Whether ruling lines at ``y`` cover x0…x1 (gaps narrower than EDGE_TOLERANCE allowed: where
    a writer draws each cell's border apart, the crossing line's width is left out between them)."""
    spans = sorted((e["x0"], e["x1"]) for e in h_edges if abs(e["top"] - y) <= EDGE_TOLERANCE and e["x1"] > x0 and e["x0"] < x1)
    reach = x0 + EDGE_TOLERANCE
    for a, b in spans:
        if a > reach + EDGE_TOLERANCE:
            return False
        reach = max(reach, b)
    return reach >= x1 - EDGE_TOLERANCE


def _is_header_footer(line: _Line, height: float) -> bool:
    return line.bottom < height * BAND or line.top > height * (1 - BAND)


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def read_pdf(path: Path, display: str) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    from .recognize import ImportError_

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font-descriptor chatter, not the user's concern
    doc = Document(display, "pdf")
    try:
        pdf = pdfplumber.open(str(path))
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError) as e:
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ImportError_("PDF 有密码保护，无法读取：请使用未加密的文件或原 Word 文件") from None
        raise ImportError_(f"无法读取 PDF（文件损坏或不是 PDF）：{cause}") from None
    with pdf:
        try:
            return read_layout(doc, pdf.pages, "PDF")
        except ImportError_:
            raise
        except Exception as e:  # noqa: BLE001 - pdfminer's parse errors have no common base; a message, not a traceback
            raise ImportError_(f"无法读取 PDF（文件损坏或使用了不支持的结构）：{type(e).__name__}: {e}") from None


def read_layout(doc: Document, pages, what: str) -> Document:
    """A fixed-layout document's pages (PDF pages, or pages of another format that offer the same
    few attributes: ``chars``, ``edges``, ``images``, ``height``, ``find_tables``, ``filter``,
    ``extract_text_lines``, ``close``) into ``doc``'s paragraphs and tables. ``what``: the format's
    name in messages."""
    from .recognize import ImportError_

    radicals = _Radicals(what)
    items: list[tuple[int, float, object]] = []  # (page, top, _Line | _Table) in reading order
    image_pages: list[int] = []
    heights: dict[int, float] = {}
    _read_pages(pages, items, image_pages, heights, radicals)
    if not items:
        raise ImportError_(f"{what} 中没有文字（可能是扫描件或图片）：nianbao 不做文字识别（OCR），请使用原 Word 文件或网页")
    items.sort(key=lambda i: (i[0], i[1]))
    items = _drop_headers_footers(items, heights, doc.dropped)
    items = _join_continued_tables(items, doc.dropped, doc.notes)
    _to_blocks(items, doc)
    note = radicals.note()
    if note:
        doc.notes.append(note)
    for n in image_pages:
        doc.notes.append(f"第 {n} 页只有图片、没有文字，其内容未能导入（nianbao 不做文字识别，请对照原文补录）")
    return doc


def _read_pages(pages, items: list, image_pages: list[int], heights: dict[int, float], radicals: _Radicals) -> None:
    for n, page in enumerate(pages, 1):
        try:
            _read_page(n, page, items, image_pages, radicals)
            heights[n] = float(page.height)
        finally:
            page.close()  # its parsed objects are let go: a long PDF is read one page at a time


def _read_page(n: int, page, items: list, image_pages: list[int], radicals: _Radicals) -> None:
    """One page's tables, and its text lines outside them, into ``items`` as (page, top, item)."""
    if not page.chars:
        if page.images:
            image_pages.append(n)
        return
    boxes = []
    edges = page.edges
    h_edges = [e for e in edges if e["orientation"] == "h"]
    cuts = _page_cuts([e for e in edges if e["orientation"] == "v"], h_edges)
    settings = {"explicit_horizontal_lines": [
        {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
        for y, x0, x1 in cuts]}
    for t in page.find_tables(settings):
        cells = []
        for row, texts in zip(t.rows, t.extract()):
            for bbox, text in zip(row.cells, texts):
                if bbox is not None:
                    x0, top, x1, bottom = (float(v) for v in bbox)
                    cells.append(_Cell(x0, top, x1, bottom, _clean(text or "", radicals).strip(),
                                       not _ruled(h_edges, top, x0, x1), not _ruled(h_edges, bottom, x0, x1)))
        if cells:
            tab = _Table(n, float(t.bbox[1]), float(t.bbox[0]), float(t.bbox[2]), [cells])
            items.append((n, tab.top, tab))
            boxes.append(t.bbox)

    def outside(obj, boxes=boxes) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    for ln in page.filter(outside).extract_text_lines(strip=True, return_chars=True):
        text = _clean(ln["text"], radicals).strip()
        if not text:
            continue
        sizes = sorted(c["size"] for c in ln["chars"])
        line = _Line(n, text, float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"]), sizes[len(sizes) // 2])
        items.append((n, line.top, line))


def _drop_headers_footers(items: list, heights: dict[int, float], dropped: list[str]) -> list:
    """Page numbers, and lines repeated at the top or bottom of two or more pages."""
    # each line in a page's top or bottom band, with its text less digits (page numbers vary)
    band = {id(it): _masked(it.text) for n, _top, it in items if isinstance(it, _Line) and _is_header_footer(it, heights[n])}
    pages_of: dict[str, set[int]] = {}
    for n, _top, it in items:
        if id(it) in band:
            pages_of.setdefault(band[id(it)], set()).add(n)
    out, removed = [], []
    for n, top, it in items:
        if id(it) in band and (PAGE_NUMBER.match(it.text) or len(pages_of[band[id(it)]]) >= 2):
            removed.append((n, it.text))
            continue
        out.append((n, top, it))
    if removed:
        shown = "、".join(f"“{t}”" for _n, t in removed[:6]) + ("等" if len(removed) > 6 else "")
        dropped.append(f"页眉页脚（页码等）{len(removed)} 行：{shown}")
    return out


def _join_continued_tables(items: list, dropped: list[str], notes: list[str]) -> list:
    """A table that ends its page, followed by a table of the same width that begins the next page
    (a "续表" line between them allowed), is one table."""
    out: list = []
    for n, top, it in items:
        if isinstance(it, _Table) and out:
            prev_i = len(out) - 1
            between = []
            while prev_i >= 0 and isinstance(out[prev_i][2], _Line) and CONTINUED.match(out[prev_i][2].text) and out[prev_i][0] == n:
                between.append(out[prev_i])
                prev_i -= 1
            prev = out[prev_i][2] if prev_i >= 0 else None
            if (isinstance(prev, _Table) and out[prev_i][0] + len(prev.parts) - 1 == n - 1
                    and abs(prev.x0 - it.x0) <= EDGE_TOLERANCE and abs(prev.x1 - it.x1) <= EDGE_TOLERANCE):
                for _b in between:
                    dropped.append(f"第 {n} 页：删除了“{_b[2].text}”标记")
                del out[prev_i + 1:]
                part = _drop_repeated_header(prev.parts[0], it.parts[0], dropped, n)
                _join_cut_row(prev.parts[-1], part, n, notes)
                prev.parts.append(part)
                continue
        out.append((n, top, it))
    return out


def _to_blocks(items: list, doc: Document) -> None:
    lines = [it for _n, _t, it in items if isinstance(it, _Line)]
    if lines:
        weight: dict[float, int] = {}
        for ln in lines:
            weight[round(ln.size, 1)] = weight.get(round(ln.size, 1), 0) + len(ln.text)
        body = max(weight, key=lambda s: (weight[s], -s))
        body_lines = [ln for ln in lines if abs(ln.size - body) < 0.6] or lines
        left, right = min(ln.x0 for ln in body_lines), max(ln.x1 for ln in body_lines)
        pitches = sorted(b.top - a.top for a, b in zip(body_lines, body_lines[1:]) if a.page == b.page and 0 < b.top - a.top < 3 * body)
        pitch = pitches[len(pitches) // 2] if pitches else 1.5 * body
    para: list[_Line] = []

    def flush():
        if para:
            text = "".join(ln.text for ln in para)
            text = strip_artefacts(text, doc.dropped, f"第 {len(doc.paragraphs) + 1} 段")
            if text.strip():
                doc.blocks.append(Para(text.strip()))
            para.clear()

    for _n, _top, it in items:
        if isinstance(it, _Table):
            flush()
            doc.blocks.append(_grid(it, f"第 {len(doc.tables) + 1} 张表（第 {it.page} 页）"))
            continue
        if para and _continues(para[-1], it, body, pitch, left, right):
            para.append(it)
        else:
            flush()
            para.append(it)
    flush()


def _continues(a: _Line, b: _Line, body: float, pitch: float, left: float, right: float) -> bool:
    """Whether line ``b`` goes on with the paragraph whose last line is ``a`` (``pitch``: the body
    text's usual distance from one line to the next)."""
    if abs(a.size - b.size) >= 0.6:
        return False
    if a.page == b.page and b.top - a.top > 1.4 * pitch * a.size / body:
        return False  # more space than between the lines of a paragraph
    if a.size > body + 0.6:
        return True  # a large-type title over several lines (each centred)
    if b.x0 > left + 0.8 * b.size:
        return False  # indented first line (or a centred line)
    return a.x1 >= right - 2.5 * a.size  # the line before ran to the margin

"""A report published as OFD (GB/T 33190-2016, the Chinese fixed-layout format government offices
attach beside or instead of PDF): its pages' text and ruling lines, read with the standard library
(an OFD file is a ZIP package of XML), then laid out exactly as a PDF is (:func:`.pdf.read_layout`):
tables from their ruling lines, cells by their edges, tables running onto the next page joined,
page numbers and running headers removed, paragraphs rebuilt.

What is read, in the standard's terms:

- the first document (``DocBody``/``DocRoot``) and its pages in order (``Pages``/``Page``, each
  page's ``Area``/``PhysicalBox`` or the document's default ``PageArea``);
- the objects of every layer of the page and of its template pages (``Template``: running heads
  and page numbers usually live there), inside ``PageBlock`` groups at any depth;
- ``TextObject``: each ``TextCode``'s characters, placed by ``X``/``Y`` and ``DeltaX``/``DeltaY``
  (with the ``g`` repeat form), through the object's ``CTM`` and ``Boundary`` into page space;
- ``PathObject``: horizontal and vertical straight segments of stroked paths, and thin filled
  shapes (a ruling line drawn as a filled bar, as converters from Word do) as one line each;
- ``ImageObject`` (and ``CompositeObject``, a drawing kept among the resources): only counted, so
  a page that is a picture is named (nianbao does no OCR).

Coordinates are millimetres in OFD; they are turned into points, the unit the PDF layout's
tolerances are written in. Signatures, annotations and attachments are not part of the report's
text and are not read. An encrypted package (``Encryptions.xml``) is refused.
"""

from __future__ import annotations

import math
import posixpath
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .document import Document

PT = 72 / 25.4  # points per millimetre
THIN = 2.0  # points: a filled shape no thicker than this is a ruling line
PART_LIMIT = 256 * 2**20  # bytes: a part larger than this unpacked is refused (a damaged or hostile package)
STRAIGHT = 0.5  # points: a segment whose ends differ by less than this across is horizontal (vertical)


class OfdError(Exception):
    """The package or one of its parts cannot be read (the message is for the user, in Chinese)."""


class OfdEncrypted(OfdError):
    pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _kid(el: ET.Element, *path: str) -> ET.Element | None:
    for name in path:
        found = _kids(el, name)
        if not found:
            return None
        el = found[0]
    return el


def _finite(token: str) -> float:
    """A number of the file; ValueError for anything else, "nan" and "inf" included."""
    v = float(token)
    if not math.isfinite(v):
        raise ValueError(token)
    return v


def _numbers(text: str | None, where: str) -> list[float]:
    if not text:
        return []
    try:
        return [_finite(v) for v in text.split()]
    except ValueError:
        raise OfdError(f"{where}：“{text[:40]}”不是数字") from None


def _number(text: str | None, where: str, default: float = 0.0) -> float:
    if text is None or not text.strip():
        return default
    try:
        return _finite(text)
    except ValueError:
        raise OfdError(f"{where}：“{text[:40]}”不是数字") from None


def _box(text: str | None, where: str) -> tuple[float, float, float, float] | None:
    v = _numbers(text, where)
    if not v:
        return None
    if len(v) != 4:
        raise OfdError(f"{where}：“{text}”应为 4 个数字（x y 宽 高）")
    return v[0], v[1], v[2], v[3]


def deltas(text: str | None, where: str = "DeltaX") -> list[float]:
    """A ``DeltaX``/``DeltaY`` list, the ``g count value`` repeat form expanded (GB/T 33190 §11.3)."""
    out: list[float] = []
    if not text:
        return out
    tokens = text.split()
    i = 0
    try:
        while i < len(tokens):
            if tokens[i] == "g":
                count = int(tokens[i + 1])
                if not 0 <= count <= 100_000:  # a line of text, not a page of it
                    raise ValueError(count)
                out += [_finite(tokens[i + 2])] * count
                i += 3
            else:
                out.append(_finite(tokens[i]))
                i += 1
    except (IndexError, ValueError):
        raise OfdError(f"{where}：“{text[:60]}”不是有效的间距列表") from None
    return out


class Matrix:
    """Object space to page space (millimetres): the object's CTM, then its Boundary's origin."""

    def __init__(self, ctm: list[float] | None, ox: float, oy: float):
        self.a, self.b, self.c, self.d, self.e, self.f = ctm if ctm else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.ox, self.oy = ox, oy

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (self.ox + self.a * x + self.c * y + self.e, self.oy + self.b * x + self.d * y + self.f)

    @property
    def scale(self) -> float:
        return math.sqrt(abs(self.a * self.d - self.b * self.c)) or 1.0


def path_points(data: str, where: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """``AbbreviatedData`` as sub-paths: (points, straight) where ``straight`` is False if the
    sub-path has a curve or an arc (its points are then only its segments' ends)."""
    tokens = data.split()
    out: list[tuple[list[tuple[float, float]], bool]] = []
    points: list[tuple[float, float]] = []
    straight = True
    args = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op not in args:
            raise OfdError(f"{where}：路径数据中有不认识的命令“{op}”")
        n = args[op]
        try:
            v = [_finite(t) for t in tokens[i + 1:i + 1 + n]]
        except ValueError:
            raise OfdError(f"{where}：路径命令 {op} 后应为 {n} 个数字") from None
        if len(v) != n:
            raise OfdError(f"{where}：路径命令 {op} 后应为 {n} 个数字")
        i += 1 + n
        if op in ("S", "M"):
            if len(points) > 1:
                out.append((points, straight))
            points, straight = [(v[0], v[1])], True
        elif op == "L":
            points.append((v[0], v[1]))
        elif op == "C":
            if points:
                points.append(points[0])
        else:  # Q, B, A: a curve to its last point
            straight = False
            points.append((v[-2], v[-1]))
    if len(points) > 1:
        out.append((points, straight))
    return out


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    h = abs(bottom - top) < STRAIGHT
    if h:
        top = bottom = (top + bottom) / 2
    else:
        x0 = x1 = (x0 + x1) / 2
    x0, x1 = sorted((x0, x1))
    top, bottom = sorted((top, bottom))
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": "h" if h else "v"}


class Page:
    """One OFD page, with the few attributes of a pdfplumber page that :func:`.pdf.read_layout`
    uses (its table finder and text-line builder run on these chars and edges)."""

    def __init__(self, width: float, height: float, chars: list[dict], edges: list[dict], images: int):
        self.width, self.height = width, height
        self.bbox = (0.0, 0.0, width, height)
        self.chars, self.edges = chars, edges
        self.images = [None] * images

    def find_tables(self, settings: dict):
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(settings)).tables

    def filter(self, keep) -> Page:
        return Page(self.width, self.height, [c for c in self.chars if keep(c)], self.edges, len(self.images))

    def extract_text_lines(self, strip: bool = True, return_chars: bool = True) -> list[dict]:
        from pdfplumber.utils.text import chars_to_textmap

        if not self.chars:  # a page whose text is all in its tables
            return []
        return chars_to_textmap(self.chars, layout_bbox=self.bbox).extract_text_lines(strip=strip, return_chars=return_chars)

    def close(self) -> None:
        pass


class Package:
    """The ZIP package: its parts by name, and the document's pages."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.names = {n.lstrip("/"): n for n in zf.namelist()}
        self.templates: dict[str, ET.Element] = {}  # a template page's part, parsed once for all the pages drawn on it

    def xml(self, name: str) -> ET.Element:
        key = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
        real = self.names.get(key) or next((v for k, v in self.names.items() if k.lower() == key.lower()), None)
        if real is None:
            raise OfdError(f"包中缺少 {key}")
        if self.zf.getinfo(real).file_size > PART_LIMIT:
            raise OfdError(f"{key} 解压后超过 {PART_LIMIT // 2**20} MB，不是正常的年报文件")
        try:
            return ET.fromstring(self.zf.read(real))
        except ET.ParseError as e:
            raise OfdError(f"{key} 不是有效的 XML（{e}）") from None
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:
            raise OfdError(f"{key} 无法解压（{e}）") from None

    @staticmethod
    def resolve(base: str, loc: str) -> str:
        """An ST_Loc: absolute from the package root, or relative to the part that names it."""
        loc = loc.strip().replace("\\", "/")
        if loc.startswith("/"):
            return posixpath.normpath(loc).lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))

    def pages(self) -> list[Page]:
        if any(n.rsplit("/", 1)[-1].lower() == "encryptions.xml" for n in self.names):
            raise OfdEncrypted()
        root = self.xml("OFD.xml")
        doc_root = _kid(root, "DocBody", "DocRoot")
        if doc_root is None or not (doc_root.text or "").strip():
            raise OfdError("OFD.xml 中没有 DocBody/DocRoot")
        doc_name = self.resolve("OFD.xml", doc_root.text)
        document = self.xml(doc_name)
        common = _kid(document, "CommonData")
        default = _box(_text(common, "PageArea", "PhysicalBox"), f"{doc_name} 的 PageArea") if common is not None else None
        templates = {}
        for t in _kids(common, "TemplatePage") if common is not None else []:
            if t.get("ID") and t.get("BaseLoc"):
                templates[t.get("ID")] = self.resolve(doc_name, t.get("BaseLoc"))
        pages_el = _kid(document, "Pages")
        out = []
        for n, entry in enumerate(_kids(pages_el, "Page") if pages_el is not None else [], 1):
            if not entry.get("BaseLoc"):
                raise OfdError(f"{doc_name} 第 {n} 页没有 BaseLoc")
            name = self.resolve(doc_name, entry.get("BaseLoc"))
            out.append(self.page(name, default, templates))
        return out

    def page(self, name: str, default, templates: dict[str, str]) -> Page:
        el = self.xml(name)
        box = _box(_text(el, "Area", "PhysicalBox"), f"{name} 的 PhysicalBox") or default or (0, 0, 210, 297)
        reader = _Objects(box)
        for t in _kids(el, "Template"):  # the template's objects first: they are drawn underneath
            loc = templates.get(t.get("TemplateID", ""))
            if loc:
                if loc not in self.templates:
                    self.templates[loc] = self.xml(loc)
                reader.layers(self.templates[loc], loc)
        reader.layers(el, name)
        return Page(box[2] * PT, box[3] * PT, reader.chars, reader.edges, reader.images)


def _text(el: ET.Element | None, *path: str) -> str | None:
    found = _kid(el, *path) if el is not None else None
    return found.text if found is not None else None


def _width(ch: str, size: float) -> float:
    """A glyph's usual advance: the size for a full-width character, half of it for others."""
    return size if unicodedata.east_asian_width(ch) in ("W", "F", "A") else size / 2


class _Objects:
    """The text, lines and pictures of a page's (or template's) layers, in page points."""

    def __init__(self, box: tuple[float, float, float, float]):
        self.x0, self.y0 = box[0], box[1]
        self.chars: list[dict] = []
        self.edges: list[dict] = []
        self.images = 0

    def layers(self, el: ET.Element, where: str) -> None:
        content = _kid(el, "Content")
        for layer in _kids(content, "Layer") if content is not None else []:
            self.block(layer, where)

    def block(self, el: ET.Element, where: str) -> None:
        for obj in el:
            kind = _local(obj.tag)
            if kind == "PageBlock":
                self.block(obj, where)
            elif kind in ("TextObject", "PathObject", "ImageObject", "CompositeObject"):
                at = f"{where} 中 ID={obj.get('ID', '?')} 的 {kind}"
                b = _box(obj.get("Boundary"), at) or (0, 0, 0, 0)
                ctm = _numbers(obj.get("CTM"), at) or None
                if ctm is not None and len(ctm) != 6:
                    raise OfdError(f"{at}：CTM 应为 6 个数字")
                m = Matrix(ctm, b[0] - self.x0, b[1] - self.y0)
                if kind == "TextObject":
                    self.text(obj, m, at)
                elif kind == "PathObject":
                    self.path(obj, m, at)
                else:
                    self.images += 1

    def text(self, obj: ET.Element, m: Matrix, at: str) -> None:
        own = _number(obj.get("Size"), f"{at} 的 Size")  # in the object's space
        size = own * m.scale  # on the page
        if size <= 0:
            return
        x = y = 0.0
        for code in _kids(obj, "TextCode"):
            text = code.text or ""
            x = _number(code.get("X"), f"{at} 的 TextCode X", x)
            y = _number(code.get("Y"), f"{at} 的 TextCode Y", y)
            dx = deltas(code.get("DeltaX"), f"{at} 的 DeltaX")
            dy = deltas(code.get("DeltaY"), f"{at} 的 DeltaY")
            for i, ch in enumerate(text):
                advance = dx[i] if i < len(dx) else _width(ch, own)
                if not ch.isspace():
                    self.char(ch, m, x, y, advance, own, size)
                x += advance
                if i < len(dy):
                    y += dy[i]

    def char(self, ch: str, m: Matrix, x: float, y: float, advance: float, own: float, size: float) -> None:
        # the glyph's box: from the baseline up 0.88 of the size, down 0.12; a full-width character
        # as wide as the size, others half (less if the next one is nearer: condensed text)
        width = min(advance, _width(ch, own)) if advance > 0 else _width(ch, own)
        corners = [m(x, y - 0.88 * own), m(x + width, y + 0.12 * own)]
        xs = sorted(c[0] * PT for c in corners)
        ys = sorted(c[1] * PT for c in corners)
        self.chars.append({"object_type": "char", "text": ch, "x0": xs[0], "x1": xs[1], "top": ys[0], "bottom": ys[1],
                           "doctop": ys[0], "width": xs[1] - xs[0], "height": ys[1] - ys[0], "size": size * PT,
                           "upright": True, "fontname": ""})

    def path(self, obj: ET.Element, m: Matrix, at: str) -> None:
        data = _text(obj, "AbbreviatedData")
        if not data:
            return
        stroke = obj.get("Stroke", "true").lower() != "false"
        fill = obj.get("Fill", "false").lower() == "true"
        for points, straight in path_points(data, at):
            page = [tuple(v * PT for v in m(px, py)) for px, py in points]
            if stroke:
                for (ax, ay), (bx, by) in zip(page, page[1:]):
                    if straight and (abs(ay - by) < STRAIGHT or abs(ax - bx) < STRAIGHT) and (ax, ay) != (bx, by):
                        self.edges.append(_edge(ax, ay, bx, by))
            if fill and not stroke:
                xs, ys = [p[0] for p in page], [p[1] for p in page]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                if h <= THIN < w:  # a horizontal bar
                    mid = (min(ys) + max(ys)) / 2
                    self.edges.append(_edge(min(xs), mid, max(xs), mid))
                elif w <= THIN < h:  # a vertical bar
                    mid = (min(xs) + max(xs)) / 2
                    self.edges.append(_edge(mid, min(ys), mid, max(ys)))


def read_ofd(path: Path, display: str) -> Document:
    from .pdf import read_layout
    from .recognize import ImportError_

    doc = Document(display, "ofd")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ImportError_(f"无法读取 OFD（文件损坏或不是 OFD）：{e}") from None
    with zf:
        try:
            pages = Package(zf).pages()
        except OfdEncrypted:
            raise ImportError_("OFD 已加密，无法读取：请使用未加密的文件或原 Word 文件") from None
        except OfdError as e:
            raise ImportError_(f"无法读取 OFD（文件损坏或使用了不支持的结构）：{e}") from None
    if not pages:
        raise ImportError_("OFD 中没有页面")
    try:
        return read_layout(doc, pages, "OFD")
    except ImportError_:
        raise
    except Exception as e:  # noqa: BLE001 - geometry the table finder cannot take: a message, not a traceback
        raise ImportError_(f"无法读取 OFD（版面无法解析）：{type(e).__name__}: {e}") from None

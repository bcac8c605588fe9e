"""A saved portal page (.html): the report found inside the CMS page, tables with row/column spans,
``<br>`` inside labels, and the page's 信息公开 metadata (索引号, 发布机构, 成文日期, 发布日期)."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "td", "th", "dd", "dt", "pre", "blockquote"}
NOISE = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "button", "select"}
META_KEYS = {
    "index_no": r"索\s*引\s*号",
    "publisher": r"发布机构|发文机关|发布单位",
    "written_date": r"成文日期|发文日期|生成日期",
    "published_date": r"发布日期|公开日期|发布时间",
    "doc_no": r"文\s*号",
    "category": r"主题分类|组配分类|信息分类|分\s*类",
    "validity": r"有\s*效\s*性",
}


def _cell_text(el) -> str:
    out = []
    for node in el.iter():
        if node.tag in NOISE:
            continue
        if node.tag == "br":
            out.append("\n")
        elif node.tag in ("p", "div") and out:
            out.append("\n")
        if node.text:
            out.append(node.text)
        if node is not el and node.tail:
            out.append(node.tail)
    return "".join(out).strip()


def _table(table, source: str) -> TableGrid:
    cells: list[GCell] = []
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, col) in taken:
                col += 1
            rs = int(re.sub(r"\D", "", td.get("rowspan", "1")) or 1)
            cs = int(re.sub(r"\D", "", td.get("colspan", "1")) or 1)
            cells.append(GCell(r, col, _cell_text(td), rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, col + dc))
            col += cs
    return TableGrid(cells, geometry=True, source=source)


def _content_root(root):
    """The smallest element holding the report (its section headings and its tables), or all the
    reports of a page that holds several (each has one table 3, so one "本年新收")."""
    page = root.text_content()
    marker = "本年新收" if "本年新收" in page else "申请人情况"
    reports = page.count(marker)
    if reports == 0:
        return root  # no table 3 on the page (a picture of it, say): all of it
    best = None
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in NOISE:
            continue
        text = el.text_content()
        if "总体情况" in text and text.count(marker) == reports:
            best = el  # iter() is document order, so later matches are deeper
    return best if best is not None else root


TITLE = re.compile(r"[^\s，。：:]{2,60}?\d{4}\s*年度?政府信息公开(?:工作)?年度报告")


def _meta(root) -> dict[str, str]:
    text = "\n".join(t.strip() for t in root.itertext() if t.strip())  # keep cell boundaries
    out = {}
    for el in root.iter("h1", "h2", "h3", "title"):
        m = TITLE.search(el.text_content())
        if m:
            out["title"] = re.sub(r"\s+", "", m[0])
            break
    for key, label in META_KEYS.items():
        m = re.search(rf"(?:{label})\s*[:：]\s*([^\s|｜]+(?:\s\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)", text)
        if m:
            out[key] = m[1].strip()
    return out


# a link to a file that may be the report itself (CMS pages often say "详见附件"): by its address
# (its path, or a query's file name: "downfile.jsp?filename=年报.pdf") or by its text
ATTACHMENT = re.compile(r"\.(?:pdf|ofd|docx?|wps|xlsx?|et|zip|rar)(?:$|[?#&])", re.I)


def _attachments(root) -> list[str]:
    """Links to such files, and files shown in the page by a viewer (an <iframe> of pdf.js, an <embed>)."""
    out: list[str] = []
    for a in root.iter("a", "iframe", "embed", "object"):
        href = (a.get("href") or a.get("src") or a.get("data") or "").strip()
        text = re.sub(r"\s+", "", a.text_content()) if a.tag == "a" else ""
        if ATTACHMENT.search(href) or ATTACHMENT.search(text):
            shown = f"{text}（{href}）" if text and href and text != href else (text or href)
            if shown not in out:
                out.append(shown)
    return out


_DECLARED = re.compile(rb"<meta[^>]+charset|<\?xml[^>]+encoding", re.I)


def _decoded(raw: bytes) -> bytes | str:
    """The page as lxml should read it: as bytes where it declares its encoding (or has a BOM),
    which lxml honours; otherwise decoded here, as UTF-8 if it is valid UTF-8, else as GB18030
    (GBK and GB2312 are its subsets), not as Latin-1, lxml's default."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _DECLARED.search(raw[:4096]):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def read_mhtml(path: Path, display: str) -> Document:
    """A page saved as one file (.mht, .mhtml: "网页，单个文件" in a browser or in Word): a MIME
    message whose first HTML part is the page, in its own transfer encoding and charset."""
    return read_mhtml_bytes(path.read_bytes(), display)


def read_mhtml_bytes(data: bytes, display: str) -> Document:
    """As :func:`read_mhtml`, from the file's bytes (a page embedded in a Word file is one too)."""
    import email
    import email.policy

    from .recognize import ImportError_

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise ImportError_("不是有效的 MHTML 网页文件（其中没有 HTML 部分）：请在浏览器中另存为“网页，全部”（.html）后导入")
    raw = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:  # the part's charset says what its bytes are, over the page's own <meta> (as a browser reads it)
        try:
            text = raw.decode("gb18030" if charset.lower() in ("gb2312", "gbk", "x-gbk") else charset)
            return read_page(re.sub(r"^\s*<\?xml[^>]*>", "", text), display, "mhtml")  # lxml takes no declaration in text
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong label: read as the page itself declares, or as an undeclared page
    return read_page(raw, display, "mhtml")


def read_html(path: Path, display: str) -> Document:
    return read_page(path.read_bytes(), display, "html")


def read_page(raw: bytes | str, display: str, kind: str) -> Document:
    from lxml.etree import ParserError

    from .recognize import ImportError_

    try:
        root = lxml_html.document_fromstring(raw if isinstance(raw, str) else _decoded(raw))
    except ParserError:
        raise ImportError_("网页没有内容") from None
    attachments = _attachments(root)  # before the frames go with the noise
    for bad in list(root.iter(*NOISE)):
        bad.drop_tree()
    doc = Document(display, kind, attachments=attachments)
    content = _content_root(root)
    doc.meta = _meta(root)
    # a table holding other tables lays the page out (old CMS templates put the whole article in one
    # cell): it is not read as a table, its cells are read as the page; the tables with no table
    # inside are the data
    layout = {t for t in root.iter("table") if next(t.iterdescendants("table"), None) is not None}
    for el in content.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "table":
            if el not in layout:
                doc.blocks.append(_table(el, f"第 {len(doc.tables) + 1} 张表"))
            continue
        if el.tag == "img":
            doc.images.append(el.get("src") or el.get("alt") or "图片")
        table = next(el.iterancestors("table"), None)
        if table is not None and table not in layout:
            continue  # a data table's cell: read with its table
        if el.tag in BLOCKS and not any(c.tag in BLOCKS or c.tag == "table" for c in el):
            text = strip_artefacts(_cell_text(el), doc.dropped, f"第 {len(doc.paragraphs) + 1} 段")
            for line in text.split("\n"):
                if line.strip():
                    level = int(el.tag[1]) if re.fullmatch(r"h[1-6]", el.tag) else None
                    doc.blocks.append(Para(line.strip(), level))
    return doc

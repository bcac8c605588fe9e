"""A generated corpus of reports in the importer's input formats, from known figures.

Independent of the importer: the official layouts are written out here from the spec, the way Word,
Word's text export and a CMS page render them. A report is a dict of *source cell texts*
{table: {row: {column: text}}}; ``expected`` reads those texts the way the spec says they mean
(blank → None, NA mark → the mark, a number with a unit or sign → the number).
"""

from __future__ import annotations

import copy
import html
import random
import shutil
import subprocess
import tempfile
import unicodedata
import zlib
from decimal import Decimal
from pathlib import Path

from nianbao.formats import get_format
from nianbao.synth import UnitState, random_tables

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLS = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"]
T3_LABELS = {"natural_person": "自然人", "commercial": "商业企业", "research": "科研机构", "public_interest": "社会公益组织",
             "legal_service": "法律服务机构", "other_org": "其他", "total": "总计"}
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
NA = ("/", "—", "-", "无", "不适用", "N/A")


# ------------------------------------------------------------------------------------ figures


def stable_seed(*parts: str) -> int:
    """A seed from a test's parameters, the same in every run (``hash()`` of a string is not:
    Python salts it per process, so a failure could not be reproduced)."""
    return zlib.crc32("/".join(parts).encode("utf-8")) % 1000


def base_report(fid: str, seed: int) -> dict:
    rng = random.Random(seed)
    tables = random_tables(rng, get_format(fid), UnitState())
    out = {}
    for tid, t in tables.items():
        out[tid] = {}
        for row, cells in t.rows.items():
            out[tid][row] = {}
            for col, c in cells.items():
                v = c.value
                text = format(v, "f") if isinstance(v, Decimal) else str(v)
                if c.unit_raw:
                    text += c.unit_raw
                out[tid][row][col] = text
    return out


def expected(report: dict) -> dict:
    """What each source text means (spec §9): the importer must produce exactly this."""

    def read(text: str):
        s = unicodedata.normalize("NFKC", text.strip()).replace("\u2212", "-")
        if not s:
            return None
        if text.strip() in NA or s in NA:
            return text.strip()
        for unit in ("万元", "元", "件", "项"):
            if s.endswith(unit):
                s = s[: -len(unit)].strip()
        s = s.replace(",", "").replace(" ", "")
        return Decimal(s) if "." in s else int(s)

    return {tid: {r: {c: read(t) for c, t in cols.items()} for r, cols in rows.items()} for tid, rows in report.items()}


# ------------------------------------------------------------------------------------ layouts


def t2_blocks(fid: str):
    for b in get_format(fid).table("T2").blocks:
        yield b.caption, [c.label for c in b.columns], [c.key for c in b.columns], list(b.row_keys)


def t2_label(fid: str, key: str) -> str:
    return get_format(fid).table("T2").row(key).label


def t3_rows(fid: str):
    """(stub cells as printed, row key) in order: stub = list of (text, rowspan, colspan) for cells that start here."""
    rows = get_format(fid).table("T3").rows
    seen = set()
    out = []
    for i, row in enumerate(rows):
        stub = []
        for depth in range(len(row.path)):
            prefix = row.path[: depth + 1]
            if prefix not in seen:
                seen.add(prefix)
                span = sum(1 for r in rows[i:] if r.path[: depth + 1] == prefix)
                stub.append((prefix[-1], span, 1))
        stub.append((row.label, 1, 3 - len(row.path)))
        out.append((stub, row.key, len(row.path)))
    return out


# ------------------------------------------------------------------------------------ Word text export


def to_txt(report: dict, fid: str, title: str, variant: dict) -> str:
    lines = [title, "根据《中华人民共和国政府信息公开条例》编制本报告。本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"]
    lines += ["一、总体情况", "本年度扎实推进政务公开，建立健全考核、评议和责任追究制度。", "（一）主动公开", "主动公开各类信息。", "", "二、主动公开政府信息情况"]
    rows: list[list[str]] = []
    for caption, labels, keys, rks in t2_blocks(fid):
        rows.append([caption.replace("第（", "  第（")])
        rows.append(["信息内容"] + labels)
        for rk in rks:
            rows.append([t2_label(fid, rk)] + [report["T2"][rk][k] for k in keys])
    lines += _txt_table(rows) + [" ", "三、收到和处理政府信息公开申请情况"]
    cols = variant.get("t3_order", T3_COLS)
    parts = [c for c in cols if c not in ("natural_person", "total")]
    top = []
    for c in cols:
        if c in ("natural_person", "total"):
            top.append(T3_LABELS[c])
        elif "法人或其他组织" not in top:
            top.append("法人或其他组织")
    rows = [[NOTE, "申请人情况"]]
    rows.append([" "] + top)
    rows.append([" ", " "] + [T3_LABELS[c].replace("企业", " 企业") for c in parts] + [" "])
    for stub, key, depth in t3_rows(fid):
        texts = [s[0] for s in stub]
        cells = [" "] * (depth + 1 - len(texts)) + texts if depth else texts
        values = [report["T3"][key][c] for c in cols]
        rows.append(cells + values)
        if variant.get("subtotals") and key == "deny_admin_query":
            rows.append([" ", "（三）不予公开"] + [subtotal(report, "deny_", c) for c in cols])
    lines += _txt_table(rows, glue=variant.get("glue")) + [" ", "四、政府信息公开行政复议、行政诉讼情况"]
    rows = [["行政复议", "行政诉讼"], T4_LABELS + ["未经复议直接起诉", "复议后起诉"], [""] * 5 + T4_LABELS * 2]
    rows.append([report["T4"][g][c] for g in ("review", "suit_direct", "suit_after_review") for c in T4_COLS])
    lines += _txt_table(rows) + [" ", "五、存在的主要问题及改进情况", "一是公开形式单一；二是解读不够。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]
    return "\n".join(lines) + "\n"


def subtotal(report: dict, prefix: str, col: str) -> str:
    """An extra subtotal row's cell, as some third-party templates add (spec §9.1 item 11)."""
    values = expected(report)["T3"]
    return str(sum(v[col] or 0 for k, v in values.items() if k.startswith(prefix) and not isinstance(v[col], str)))


def _txt_table(rows: list[list[str]], glue: bool = False) -> list[str]:
    out = [""]
    for row in rows:
        cells = list(row)
        if glue and len(cells) > 8 and all(c.strip().isdigit() for c in cells[-2:]):
            cells = cells[:-2] + [f"{cells[-2]} {cells[-1]}"]
            glue = False  # once per table
        out += [f"\t{c}" for c in cells] + [""]
    return out


# ------------------------------------------------------------------------------------ HTML (a CMS page)


def to_html(report: dict, fid: str, title: str, variant: dict) -> str:
    def td(t: str, rs: int, cs: int) -> str:
        attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        body = html.escape(t).replace("\n", "<br/>")
        return f"<td{attrs}><p>{body}</p></td>"

    def table(cells: list[list[tuple[str, int, int]]], head: int = 0, page_break: int | None = None) -> str:
        out = ['<table border="1" cellspacing="0" style="width:100%">']
        for i, row in enumerate(cells):
            if head and i == 0:
                out.append("<thead>")
            tr = '<tr style="break-before: page">' if i == page_break else "<tr>"
            out.append(tr + "".join(td(t, rs, cs) for t, rs, cs in row) + "</tr>")
            if head and i == head - 1:
                out.append("</thead>")
        out.append("</table>")
        return "\n".join(out)

    t2 = []
    for caption, labels, keys, rks in t2_blocks(fid):
        t2.append([(caption, 1, 4)])
        spans = [1] * len(labels)
        spans[-1] += 3 - len(labels)
        t2.append([("信息内容", 1, 1)] + [(lab, 1, s) for lab, s in zip(labels, spans)])
        for rk in rks:
            vals = [report["T2"][rk][k] for k in keys]
            if variant.get("span_mismatch") and len(keys) == 2:  # spec §9.1.5: header 2nd spans 2, data 1st spans 2
                t2.append([(t2_label(fid, rk), 1, 1), (vals[0], 1, 2), (vals[1], 1, 1)])
            else:
                t2.append([(t2_label(fid, rk), 1, 1)] + [(v, 1, s) for v, s in zip(vals, spans)])
    cols = variant.get("t3_order", T3_COLS)
    parts = [c for c in cols if c not in ("natural_person", "total")]
    h1 = [(NOTE, 3, 3), ("申请人情况", 1, 7)]
    h2, seen = [], False
    for c in cols:
        if c in ("natural_person", "total"):
            h2.append((T3_LABELS[c], 2, 1))
        elif not seen:
            h2.append(("法人或其他组织", 1, 5))
            seen = True
    h3 = [(T3_LABELS[c].replace("服务", "\n服务"), 1, 1) for c in parts]
    t3 = [h1, h2, h3]
    extra = 1 if variant.get("subtotals") else 0
    for stub, key, _depth in t3_rows(fid):
        stub = [("三\n、\n本\n年\n度\n办\n理\n结\n果" if t.startswith("三、") else t, rs + (extra if t.startswith(("三、", "（三）")) else 0), cs)
                for t, rs, cs in stub]
        row = stub + [(report["T3"][key][c], 1, 1) for c in cols]
        if variant.get("glue") and key == "granted":
            row = row[:-2] + [(f"{row[-2][0]} {row[-1][0]}", 1, 1)]
        t3.append(row)
        if extra and key == "deny_admin_query":  # a 小计 row inside the （三） group
            t3.append([("小计", 1, 1)] + [(subtotal(report, "deny_", c), 1, 1) for c in cols])
    t4 = [[("行政复议", 1, 5), ("行政诉讼", 1, 10)], [(lab, 2, 1) for lab in T4_LABELS] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
          [(lab, 1, 1) for lab in T4_LABELS * 2],
          [(report["T4"][g][c], 1, 1) for g in ("review", "suit_direct", "suit_after_review") for c in T4_COLS]]
    body = f"""<h1 class="title">{title}</h1>
<div class="content">
<p>根据《中华人民共和国政府信息公开条例》编制本报告。本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。</p>
<p>一、总体情况</p><p>本年度扎实推进政务公开，建立健全考核、评议和责任追究制度。</p>
<p>二、主动公开政府信息情况</p>{table(t2)}
<p>三、收到和处理政府信息公开申请情况</p>{table(t3, 3, 18) if variant.get("document") else table(t3)}
<p>四、政府信息公开行政复议、行政诉讼情况</p>{table(t4)}
<p>五、存在的主要问题及改进情况</p><p>一是公开形式单一；二是解读不够。</p>
<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</div>"""
    if variant.get("document"):  # the report alone, laid out as the Word document it was printed from
        return body
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某县人民政府</title>
<script>var tracker = "x";</script></head><body>
<header><nav><a href="/">首页</a> <a href="/zwgk/">政务公开</a> 政府信息公开年报</nav></header>
<div class="main"><div class="meta"><table class="info"><tr><td>索引号：11370323MB0000000X/2025-00012</td><td>发布机构：某县人民政府</td></tr>
<tr><td>成文日期：2025-01-18</td><td>发布日期：2025-01-20</td></tr></table></div>
{body}</div><footer>版权所有 某县人民政府 <a href="/sitemap">网站地图</a></footer></body></html>
"""


# ------------------------------------------------------------------------------------ DOCX


def to_docx(report: dict, fid: str, title: str, variant: dict, path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_heading(title, level=1)
    for text in ["根据《中华人民共和国政府信息公开条例》编制本报告。本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
                 "一、总体情况", "本年度扎实推进政务公开，建立健全考核、评议和责任追究制度。", "二、主动公开政府信息情况"]:
        d.add_paragraph(text)

    def grid_table(nrows: int, ncols: int, cells: list[tuple[int, int, int, int, str]]):
        t = d.add_table(rows=nrows, cols=ncols)
        t.style = "Table Grid"
        for r, c, rs, cs, text in cells:
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            cell.text = text
            if text.startswith("三\n"):
                tcPr = cell._tc.get_or_add_tcPr()
                td = OxmlElement("w:textDirection")
                td.set(qn("w:val"), "tbRlV")
                tcPr.append(td)
        return t

    cells, r = [], 0
    for caption, labels, keys, rks in t2_blocks(fid):
        cells.append((r, 0, 1, 4, caption))
        spans = [1] * len(labels)
        spans[-1] += 3 - len(labels)
        cells.append((r + 1, 0, 1, 1, "信息内容"))
        c = 1
        for lab, s in zip(labels, spans):
            cells.append((r + 1, c, 1, s, lab))
            c += s
        for i, rk in enumerate(rks):
            cells.append((r + 2 + i, 0, 1, 1, t2_label(fid, rk)))
            c = 1
            for k, s in zip(keys, spans):
                cells.append((r + 2 + i, c, 1, s, report["T2"][rk][k]))
                c += s
        r += 2 + len(rks)
    grid_table(r, 4, cells)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    cols = variant.get("t3_order", T3_COLS)
    parts = [c for c in cols if c not in ("natural_person", "total")]
    cells = [(0, 0, 3, 3, NOTE), (0, 3, 1, 7, "申请人情况")]
    c, seen = 3, False
    for col in cols:
        if col in ("natural_person", "total"):
            cells.append((1, c, 2, 1, T3_LABELS[col]))
            c += 1
        elif not seen:
            cells.append((1, c, 1, 5, "法人或其他组织"))
            for j, p in enumerate(parts):
                cells.append((2, c + j, 1, 1, T3_LABELS[p].replace("机构", "\n机构")))
            c += 5
            seen = True
    r = 3
    for stub, key, depth in t3_rows(fid):
        col = 3 - sum(cs for _t, _rs, cs in stub)
        for t, rs, cs in stub:
            cells.append((r, col, rs, cs, "三\n、\n本年度办理结果" if t.startswith("三、") else t))
            col += cs
        for j, colkey in enumerate(cols):
            cells.append((r, 3 + j, 1, 1, report["T3"][key][colkey]))
        r += 1
    grid_table(r, 10, cells)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    cells = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
    cells += [(1, i, 2, 1, lab) for i, lab in enumerate(T4_LABELS)] + [(1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    cells += [(2, 5 + i, 1, 1, lab) for i, lab in enumerate(T4_LABELS * 2)]
    vals = [report["T4"][g][c] for g in ("review", "suit_direct", "suit_after_review") for c in T4_COLS]
    cells += [(3, i, 1, 1, v) for i, v in enumerate(vals)]
    grid_table(4, 15, cells)
    for text in ["五、存在的主要问题及改进情况", "一是公开形式单一；二是解读不够。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]:
        d.add_paragraph(text)
    d.save(str(path))


# ------------------------------------------------------------------------------------ PDF (printed by Chromium)

# a 公文-like page (GB/T 9704: A4, 三号 16 pt body on a 28 pt line, 二号 22 pt title); the tables as the
# HTML rendering has them, printed with ruled cells
PDF_STYLE = """@page { size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; margin: 0; }
h1 { font-size: 22pt; line-height: 1.5; text-align: center; font-weight: normal; margin: 0 0 28pt; }
p { text-indent: 2em; margin: 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td { border: 0.75pt solid #000; font-size: 10.5pt; line-height: 1.3; padding: 2pt; text-align: center; vertical-align: top; }
td p { text-indent: 0; text-align: center; }
thead { display: table-row-group; break-inside: avoid; }
"""
REPEAT_HEADER = "thead { display: table-header-group; }"  # Chromium prints the header again on every page


def to_pdf(report: dict, fid: str, title: str, variant: dict, path: Path, browser) -> None:
    """The report as a PDF, printed by Chromium (Playwright ``browser``): page numbers in the footer,
    table 3 broken across two pages in the middle of its 办理结果 rows (the stub cell cut in two);
    ``running_header``: a header line on every page; the header rows of table 3 repeated
    on every page it runs onto (``repeat_header``)."""
    body = to_html(report, fid, title, {**variant, "document": True})
    style = PDF_STYLE + (REPEAT_HEADER if variant.get("repeat_header") else "")
    print_pdf(browser, f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head><body>{body}</body></html>',
              path, header=variant.get("running_header"))


def print_pdf(browser, document: str, path: Path, header: str | None = None, page_numbers: bool = True) -> Path:
    """An HTML document printed to ``path`` by Chromium, with ``header`` at the top of every page and
    page numbers ("— 1 —") at the bottom if asked."""
    page = browser.new_page()
    try:
        page.set_content(document)
        page.pdf(path=str(path), format="A4", prefer_css_page_size=True, display_header_footer=bool(header or page_numbers),
                 header_template=f'<div style="font-size:10pt;width:100%;text-align:center">{html.escape(header)}</div>' if header else "<span></span>",
                 footer_template='<div style="font-size:12pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>'
                 if page_numbers else "<span></span>")
    finally:
        page.close()
    return path


def office_convert(sources: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """``sources`` converted by LibreOffice (one process for all) to ``fmt`` ("doc": Word 97,
    "pdf": LibreOffice's PDF export, the way an office suite prints a report; "xls": Excel 97, from a
    spreadsheet) in ``outdir``."""
    office = shutil.which("soffice")
    assert office, "LibreOffice (soffice) is not installed"
    filters = {"doc": "doc:MS Word 97", "pdf": "pdf:writer_pdf_Export", "xls": "xls:MS Excel 97"}
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                            "--convert-to", filters[fmt], "--outdir", str(outdir), *map(str, sources)],
                           capture_output=True, text=True, timeout=600)
    out = [outdir / f"{s.stem}.{fmt}" for s in sources]
    missing = [o.name for o in out if not o.exists()]
    assert p.returncode == 0 and not missing, (missing, p.stdout, p.stderr)
    return out


def write(report: dict, fid: str, kind: str, path: Path, title: str, variant: dict | None = None, browser=None) -> Path:
    variant = variant or {}
    if kind == "pdf":
        to_pdf(report, fid, title, variant, path, browser)
    elif kind == "ofd":  # printed to PDF, then converted as converters to OFD do (tests/ofd.py)
        from .ofd import pdf_to_ofd

        to_pdf(report, fid, title, variant, path.with_suffix(".pdf"), browser)
        pdf_to_ofd(path.with_suffix(".pdf"), path, variant.get("ofd_style", "mm"))
        path.with_suffix(".pdf").unlink()
    elif kind == "txt":
        path.write_text(to_txt(report, fid, title, variant), encoding="utf-8")
    elif kind == "html":
        path.write_text(to_html(report, fid, title, variant), encoding="utf-8")
    else:
        to_docx(report, fid, title, variant, path)
    return path


def with_cells(report: dict, changes: dict[tuple[str, str, str], str]) -> dict:
    out = copy.deepcopy(report)
    for (t, r, c), v in changes.items():
        out[t][r][c] = v
    return out

"""Test OFD files (GB/T 33190-2016) made from a PDF's page geometry, the way converters to OFD
(pdf2ofd, office suites' OFD export) make them: the same characters at the same places, the same
ruling lines, on pages of the same size.

Two styles, as two kinds of writer write them:

- ``"mm"``: objects in millimetres without a CTM; one TextObject per line of text, its characters
  placed by ``DeltaX`` (runs of equal steps in the ``g`` form); ruling lines as stroked paths;
  relative ``BaseLoc``s; the running header (the top band's text of page 1) in a template page.
- ``"pt"``: each character its own TextObject in points scaled by ``CTM="0.3528 0 0 0.3528 0 0"``
  (as the Suwell converter writes them), grouped in ``PageBlock``s; ruling lines as thin filled
  bars with slanted ends; a white page background; absolute ``BaseLoc``s; no template.
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

MM = 25.4 / 72  # millimetres per point
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
BAND = 0.09  # the top band of a page, where the running header is


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def _deltas(steps: list[float]) -> str:
    out, i = [], 0
    while i < len(steps):
        j = i
        while j < len(steps) and _n(steps[j]) == _n(steps[i]):
            j += 1
        out += [f"g {j - i} {_n(steps[i])}"] if j - i >= 3 else [_n(s) for s in steps[i:j]]
        i = j
    return " ".join(out)


class _Ids:
    def __init__(self):
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _baseline(c: dict, height: float) -> float:
    return height - c["matrix"][5]


def _lines_mm(chars: list[dict], height: float, ids: _Ids) -> list[str]:
    lines: dict[float, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(_baseline(c, height), 1), []).append(c)
    out = []
    for base, cs in sorted(lines.items()):
        cs.sort(key=lambda c: c["x0"])
        x0, top = cs[0]["x0"], min(c["top"] for c in cs)
        x1, bottom = max(c["x1"] for c in cs), max(c["bottom"] for c in cs)
        steps = [(b["x0"] - a["x0"]) * MM for a, b in zip(cs, cs[1:])]
        delta = f' DeltaX="{_deltas(steps)}"' if steps else ""
        text = html.escape("".join(c["text"] for c in cs))
        out.append(f'<ofd:TextObject ID="{ids()}" Boundary="{_n(x0 * MM)} {_n(top * MM)} {_n((x1 - x0) * MM)} {_n((bottom - top) * MM)}" '
                   f'Font="1" Size="{_n(cs[0]["size"] * MM)}"><ofd:TextCode X="0" Y="{_n((base - top) * MM)}"{delta}>{text}</ofd:TextCode></ofd:TextObject>')
    return out


def _chars_pt(chars: list[dict], height: float, ids: _Ids) -> list[str]:
    out = []
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        base = _baseline(c, height)
        out.append(f'<ofd:TextObject ID="{ids()}" CTM="0.3528 0 0 0.3528 0 0" Boundary="{_n(c["x0"] * MM)} {_n(c["top"] * MM)} '
                   f'{_n((c["x1"] - c["x0"]) * MM)} {_n((c["bottom"] - c["top"]) * MM)}" Font="1" Size="{_n(c["size"])}">'
                   f'<ofd:TextCode X="0" Y="{_n(base - c["top"])}">{html.escape(c["text"])}</ofd:TextCode></ofd:TextObject>')
    return out


def _rules(rects: list[dict], style: str, ids: _Ids) -> list[str]:
    out = []
    for r in rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if min(w, h) > 2:
            continue
        box = f'Boundary="{_n(r["x0"] * MM)} {_n(r["top"] * MM)} {_n(w * MM)} {_n(h * MM)}"'
        if style == "mm":
            data = f"M 0 {_n(h * MM / 2)} L {_n(w * MM)} {_n(h * MM / 2)}" if w >= h else f"M {_n(w * MM / 2)} 0 L {_n(w * MM / 2)} {_n(h * MM)}"
            out.append(f'<ofd:PathObject ID="{ids()}" {box} LineWidth="{_n(min(w, h) * MM)}"><ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>')
        else:
            s = min(w, h) / 3  # slanted ends, as a mitred border is drawn
            data = (f"M 0 0 L {_n(w)} 0 L {_n(w - s)} {_n(h)} L {_n(s)} {_n(h)} C" if w >= h
                    else f"M 0 0 L {_n(w)} {_n(s)} L {_n(w)} {_n(h - s)} L 0 {_n(h)} C")
            out.append(f'<ofd:PathObject ID="{ids()}" CTM="0.3528 0 0 0.3528 0 0" {box} Stroke="false" Fill="true">'
                       f'<ofd:FillColor Value="0 0 0"/><ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>')
    return out


def _images(images: list[dict], ids: _Ids) -> list[str]:
    return [f'<ofd:ImageObject ID="{ids()}" CTM="{_n((i["x1"] - i["x0"]) * MM)} 0 0 {_n((i["bottom"] - i["top"]) * MM)} 0 0" '
            f'Boundary="{_n(i["x0"] * MM)} {_n(i["top"] * MM)} {_n((i["x1"] - i["x0"]) * MM)} {_n((i["bottom"] - i["top"]) * MM)}" '
            f'ResourceID="{IMAGE}"/>' for i in images]


IMAGE = 800000  # the one picture resource every ImageObject shows (its pixels do not matter to an import)
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # the signature and header of a 1×1 PNG


def pdf_to_ofd(pdf_path: Path, ofd_path: Path, style: str = "mm") -> Path:
    import pdfplumber

    ids = _Ids()
    pages, template = [], ""
    with pdfplumber.open(str(pdf_path)) as pdf:
        width, height = float(pdf.pages[0].width), float(pdf.pages[0].height)
        for i, page in enumerate(pdf.pages):
            chars = [c for c in page.chars if c["text"].strip()]
            if style == "mm":
                rules = min((r["top"] for r in page.rects), default=height)  # a table's repeated header is no running header
                head = [c for c in chars if c["bottom"] < min(height * BAND, rules)]
                if i == 0 and head:
                    template = "".join(_lines_mm(head, height, ids))
                chars = [c for c in chars if c not in head]
                objs = _lines_mm(chars, height, ids) + _rules(page.rects, style, ids) + _images(page.images, ids)
                layers = f'<ofd:Layer ID="{ids()}">{"".join(objs)}</ofd:Layer>'
            else:
                back = (f'<ofd:PathObject ID="{ids()}" Boundary="0 0 {_n(width * MM)} {_n(height * MM)}" Stroke="false" Fill="true">'
                        f'<ofd:FillColor Value="255 255 255"/><ofd:AbbreviatedData>M 0 0 L {_n(width * MM)} 0 L {_n(width * MM)} '
                        f'{_n(height * MM)} L 0 {_n(height * MM)} C</ofd:AbbreviatedData></ofd:PathObject>')
                blocks = "".join(f'<ofd:PageBlock ID="{ids()}">{o}</ofd:PageBlock>' for o in _rules(page.rects, style, ids))
                text = f'<ofd:PageBlock ID="{ids()}"><ofd:PageBlock ID="{ids()}">{"".join(_chars_pt(chars, height, ids))}</ofd:PageBlock></ofd:PageBlock>'
                pics = "".join(_images(page.images, ids))
                layers = f'<ofd:Layer ID="{ids()}" Type="Background">{back}</ofd:Layer><ofd:Layer ID="{ids()}">{blocks}{text}{pics}</ofd:Layer>'
            pages.append(layers)
    use_template = style == "mm" and template
    box = f"0 0 {_n(width * MM)} {_n(height * MM)}"
    with zipfile.ZipFile(ofd_path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} DocType="OFD" Version="1.0"><ofd:DocBody>'
                   f'<ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:Creator>nianbao tests</ofd:Creator></ofd:DocInfo>'
                   f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        entries = []
        for i, layers in enumerate(pages):
            loc = f"Pages/Page_{i}/Content.xml" if style == "mm" else f"/Doc_0/Pages/Page_{i}/Content.xml"
            entries.append(f'<ofd:Page ID="{ids()}" BaseLoc="{loc}"/>')
            area = "" if style == "mm" else f"<ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:Area>"
            tpl = '<ofd:Template TemplateID="900000" ZOrder="Background"/>' if use_template else ""
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}>{area}{tpl}'
                       f"<ofd:Content>{layers}</ofd:Content></ofd:Page>")
        tpl_decl = '<ofd:TemplatePage ID="900000" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if use_template else ""
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                   f"<ofd:MaxUnitID>{ids.n}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
                   f'<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>{tpl_decl}</ofd:CommonData><ofd:Pages>{"".join(entries)}</ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/DocumentRes.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res"><ofd:MultiMedias>'
                   f'<ofd:MultiMedia ID="{IMAGE}" Type="Image" Format="PNG"><ofd:MediaFile>image.png</ofd:MediaFile></ofd:MultiMedia>'
                   "</ofd:MultiMedias></ofd:Res>")
        z.writestr("Doc_0/Res/image.png", _PNG)
        if use_template:
            z.writestr("Doc_0/Tpls/Tpl_0/Content.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content>'
                       f'<ofd:Layer ID="{ids()}">{template}</ofd:Layer></ofd:Content></ofd:Page>')
    return ofd_path

"""nianbao import: the seed, a generated corpus in every input format and variant, failures that
write nothing, and a round-trip property."""

from __future__ import annotations

import re
from decimal import Decimal
import shutil

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.canonical import report_to_canonical
from nianbao.cli import main
from nianbao.importers import plan_import
from nianbao.importers.pdf import RADICALS
from nianbao.validate import check_site

from . import corpus
from .conftest import ROOT, SEED_TEXT, found, mkdocs_build

TITLE = "示例县新河镇人民政府2024年政府信息公开工作年度报告"
REGISTRY = """units:
  shixian:
    name: 示例县
    full_name: 示例县人民政府
    kind: 县
    parent: ~
  xinhe:
    name: 新河镇
    full_name: 示例县新河镇人民政府
    kind: 镇
    parent: shixian
"""


@pytest.fixture
def site_dir(tmp_path):
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def imported(root: Path, unit: str, year: int) -> dict:
    result, _ = check_site(root)
    report = result.site.report(unit, year)
    assert report is not None, [str(i.format()) for i in _]
    return report_to_canonical(report)


def tables_of(canonical: dict) -> dict:
    return {"T2": canonical["proactive"], "T3": canonical["applications"], "T4": canonical["review_litigation"]}


# ------------------------------------------------------------------------------------ the seed


def test_seed_imports_exactly(tmp_path, capsys):
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    shutil.copy(ROOT / "data/units.yml", root / "data/units.yml")
    code, out = run(capsys, "import", str(SEED_TEXT), "--root", str(root))
    assert code == 0, out
    assert "格式：2021" in out and "年度 2024（由标题推断）" in out and "单位 dazhangzhuang" in out
    assert "删除了书签标记 [bookmark: _GoBack]" in out
    mine = imported(root, "dazhangzhuang", 2024)
    hand = report_to_canonical(check_site(ROOT)[0].site.report("dazhangzhuang", 2024))
    assert mine == hand
    assert mine["meta"]["title"] == "沂源县大张庄镇人民政府2024年政府信息公开工作年度报告"
    assert mine["meta"]["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    md = (root / "content/dazhangzhuang/2024.md").read_text(encoding="utf-8")
    assert [h for h in re.findall(r"^## (.+)$", md, re.M)] == ["一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert "### （五）监督保障情况" in md and "### 4.落实上级年度政务公开工作要点情况" in md
    assert "- 二是重点领域公开深入；" in md and "_GoBack" not in md
    assert (root / "content/dazhangzhuang/2024.md").read_text(encoding="utf-8") == (ROOT / "content/dazhangzhuang/2024.md").read_text(encoding="utf-8").replace(
        "seed_dazhangzhuang_2024.txt", SEED_TEXT.name)


def test_seed_contact_details_go_to_a_new_unit(tmp_path, capsys):
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data/units.yml").write_text("units:\n  yiyuan:\n    name: 沂源县\n    full_name: 沂源县人民政府\n    kind: 县\n    parent: ~\n", encoding="utf-8")
    code, out = run(capsys, "import", str(SEED_TEXT), "--root", str(root))
    assert code == 0 and "将添加为 dazhangzhuang（镇，上级 yiyuan）" in out
    result, _ = check_site(root)
    u = result.site.units["dazhangzhuang"]
    assert (u.name, u.full_name, u.kind, u.parent) == ("大张庄镇", "沂源县大张庄镇人民政府", "镇", "yiyuan")
    c = u.contact
    assert (c.office, c.address, c.postcode, c.phone, c.fax, c.email) == (
        "沂源县大张庄镇人民政府党政办公室", "沂源县宏大路1号", "2561114", "3611001", "3611008", "yyxdzz@zb.shandong.cn")
    assert found(_, "U-POSTCODE")  # the source's 7-digit postcode is kept, and flagged


def test_seed_import_builds_the_same_page(tmp_path, capsys):
    root = tmp_path / "site"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content").mkdir()
    shutil.rmtree(root / "data/dazhangzhuang")
    assert run(capsys, "import", str(SEED_TEXT), "--root", str(root))[0] == 0
    pages = []
    for project in (ROOT, root):
        out = tmp_path / f"out{len(pages)}"
        p = mkdocs_build(project, out)
        assert p.returncode == 0, p.stderr
        html = (out / "dazhangzhuang/2024/index.html").read_text(encoding="utf-8")
        pages.append(html[html.index("<article") : html.index("</article>")])
    assert pages[0] == pages[1]


# ------------------------------------------------------------------------------------ generated corpus

VARIANTS = {
    "plain": ({}, {}, []),
    "blanks": ({("T3", "new_received", "commercial"): "", ("T3", "carried_out", "research"): " "}, {}, ["空白单元格"]),
    "na_marks": ({("T2", "admin_penalty", "decisions"): "/", ("T2", "admin_coercion", "decisions"): "—"}, {}, ["不适用标记“/”", "不适用标记“—”"]),
    "fullwidth": ({("T3", "granted", "natural_person"): "１２", ("T3", "granted", "total"): "１２"}, {}, ["全角"]),
    "units_in_cells": ({("T3", "new_received", "natural_person"): "7件"}, {}, ["单元格内写有单位“件”"]),
    "glued": ({}, {"glue": True}, ["按粘连的单元格拆分"]),
    "reordered": ({}, {"t3_order": ["total", "other_org", "legal_service", "public_interest", "research", "commercial", "natural_person"]},
                  ["列的顺序与官方格式不同"]),
    "subtotals": ({}, {"subtotals": True}, ["作为小计核对后不导入"]),
    "bad_totals": ({("T3", "result_total", "total"): "999"}, {}, []),
}
KINDS = ["txt", "html", "docx"]
CASES = [(k, f, v) for k in KINDS for f in ("2021", "2019") for v in VARIANTS
         if not (v == "subtotals" and k == "docx") and not (v == "glued" and k == "docx")]


@pytest.mark.parametrize("kind,fid,variant", CASES, ids=[f"{k}-{f}-{v}" for k, f, v in CASES])
def test_corpus_imports_to_the_known_figures(site_dir, tmp_path, capsys, kind, fid, variant):
    changes, layout, notes = VARIANTS[variant]
    report = corpus.with_cells(corpus.base_report(fid, seed=corpus.stable_seed(kind, fid, variant)), changes)
    if fid == "2019":
        report = corpus.with_cells(report, {("T2", "admin_license", "yoy_change"): "+3"})
        notes = notes + ["带正号"]
    title = TITLE if fid == "2021" else TITLE.replace("2024", "2020")
    year = 2024 if fid == "2021" else 2020
    src = corpus.write(report, fid, kind, tmp_path / f"report.{kind}", title, layout)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert f"格式：{fid}" in out
    got = tables_of(imported(site_dir, "xinhe", year))
    assert got == corpus.expected(report)
    for n in notes:
        assert n in out, (n, out)
    if variant == "bad_totals":
        assert "错误 T3-3" in out and "错误 T3-2" in out  # kept as published, and flagged
        hint = out[out.index("as_published:"):]
        assert "      T3-2: " in hint and "      T3-3: " in hint  # and how to keep them, if the original has them


def test_2019_layout_in_a_2021_year_report(site_dir, tmp_path, capsys):
    report = corpus.base_report("2019", seed=7)
    src = corpus.write(report, "2019", "html", tmp_path / "r.html", TITLE.replace("2024", "2021"))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0 and "格式：2019" in out and "表二为 2019 年格式" in out
    assert "警告 M-3" in out  # template does not match the year
    assert tables_of(imported(site_dir, "xinhe", 2021)) == corpus.expected(report)


def test_colspan_mismatch_between_header_and_data_rows(site_dir, tmp_path, capsys):
    """Spec §9.1.5 (Shanghai 2019): the header gives 本年增/减 colspan 2, the data row its first value."""
    report = corpus.base_report("2019", seed=11)
    src = corpus.write(report, "2019", "html", tmp_path / "r.html", TITLE.replace("2024", "2020"), {"span_mismatch": True})
    assert run(capsys, "import", str(src), "--root", str(site_dir))[0] == 0
    assert tables_of(imported(site_dir, "xinhe", 2020)) == corpus.expected(report)


def test_html_page_metadata_and_navigation_are_handled(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=3)
    src = corpus.write(report, "2021", "html", tmp_path / "r.html", TITLE)
    assert run(capsys, "import", str(src), "--root", str(site_dir))[0] == 0
    meta = imported(site_dir, "xinhe", 2024)["meta"]
    assert meta["index_no"] == "11370323MB0000000X/2025-00012"
    assert (meta["written_date"], meta["published_date"]) == ("2025-01-18", "2025-01-20")
    assert meta["publisher"] == "某县人民政府"
    md = (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")
    assert "首页" not in md and "网站地图" not in md and "tracker" not in md
    assert "## 一、总体情况" in md and "- 二是解读不够。" in md


# ------------------------------------------------------------------------------------ failures


def test_text_in_a_number_cell_fails_and_writes_nothing(site_dir, tmp_path, capsys):
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T3", "granted", "natural_person"): "见附件"})
    src = corpus.write(report, "2021", "txt", tmp_path / "r.txt", TITLE)
    before = (site_dir / "data/units.yml").read_text(encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1
    assert "无法导入" in out and "“见附件”不是数字" in out and "予以公开" in out
    assert not (site_dir / "data/xinhe").exists() and not (site_dir / "content").exists()
    assert (site_dir / "data/units.yml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_refusal_says_where_the_row_is_in_the_source(site_dir, tmp_path, capsys, kind):
    """A text file's line; a web page's or Word file's table and row."""
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T3", "granted", "natural_person"): "见附件"})
    src = corpus.write(report, "2021", kind, tmp_path / f"r.{kind}", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1
    m = re.search(r"“见附件”不是数字.*（原文(第 (\d+) 张表)?第 (\d+) 行）", out)
    assert m, out
    if kind == "txt":
        lines = src.read_text(encoding="utf-8").splitlines()
        assert "予以公开" in lines[int(m[3]) - 1]  # the row's label, on the line named
    else:
        assert m[1]  # the table, then its row


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_spaced_digits_in_one_cell_fail_instead_of_being_joined(site_dir, tmp_path, capsys, kind):
    # "1 2" in a cell of its own (the row has all its cells): two glued values or a stray space; read
    # as 12 it would invent a number
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T3", "granted", "natural_person"): "1 2"})
    src = corpus.write(report, "2021", kind, tmp_path / f"r.{kind}", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1, out
    assert "“1 2”是用空格隔开的几个数字" in out and "予以公开" in out
    assert not (site_dir / "data/xinhe").exists() and not (site_dir / "content").exists()


def test_digit_groups_and_wrapped_numbers_are_one_number(site_dir, tmp_path, capsys):
    # "1 234": digits in groups of three; "１\n２": a number wrapped in a narrow cell (as PDFs print it)
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T2", "admin_license", "decisions"): "1 234",
                                                                     ("T3", "granted", "natural_person"): "１\n２"})
    src = corpus.write(report, "2021", "html", tmp_path / "r.html", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    got = tables_of(imported(site_dir, "xinhe", 2024))
    assert got["T2"]["admin_license"]["decisions"] == 1234 and got["T3"]["granted"]["natural_person"] == 12
    assert "“1 234”含空格，已去除" in out


def test_document_without_tables_fails(site_dir, tmp_path, capsys):
    src = tmp_path / "r.txt"
    src.write_text(f"{TITLE}\n一、总体情况\n本年度……\n", encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "没有识别出任何统计表" in out
    assert not (site_dir / "data/xinhe").exists()


def test_unsupported_file_type(site_dir, tmp_path, capsys):
    src = tmp_path / "r.ceb"  # Apabi's fixed-layout format, before OFD
    src.write_bytes(b"\x00CEB")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "不支持的文件类型 .ceb" in out and ".pdf" in out and ".ofd" in out


def test_existing_files_are_not_overwritten_without_force(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=9)
    src = corpus.write(report, "2021", "txt", tmp_path / "r.txt", TITLE)
    assert run(capsys, "import", str(src), "--root", str(site_dir))[0] == 0
    data = site_dir / "data/xinhe/2024.yml"
    data.write_text(data.read_text(encoding="utf-8") + "# 手工修改\n", encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "文件已存在" in out and data.read_text(encoding="utf-8").endswith("# 手工修改\n")
    assert run(capsys, "import", str(src), "--root", str(site_dir), "--force")[0] == 0
    assert not data.read_text(encoding="utf-8").endswith("# 手工修改\n")


def _rewrite_docx(path: Path, edit) -> None:
    """``edit(body)`` on the document's XML (lxml), written back into the package."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root.find(f"{W}body"))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_word_content_controls_and_tracked_changes(site_dir, tmp_path, capsys):
    """What OA templates and review leave in a .docx: sections, table rows and cells inside content
    controls; a number changed with tracked changes not accepted; a row deleted and a sentence moved
    under revision. Read as accepted, nothing lost or doubled, and the import says so."""
    from lxml import etree

    report = corpus.base_report("2021", seed=12)
    src = corpus.write(report, "2021", "docx", tmp_path / "r.docx", TITLE)

    def el(tag, *kids, text=None, **attrs):
        e = etree.Element(W + tag, {W + k: v for k, v in attrs.items()})
        e.text = text
        e.extend(kids)
        return e

    def sdt(*kids):
        return el("sdt", el("sdtPr"), el("sdtContent", *kids))

    def edit(body):
        paras = body.findall(f"{W}p")
        tables = body.findall(f"{W}tbl")
        # the first section's paragraphs in a content control
        first = next(p for p in paras if "".join(p.itertext()) == "一、总体情况")
        i = list(body).index(first)
        block = [first, body[i + 1]]
        for p in block:
            body.remove(p)
        body.insert(i, sdt(*block))
        t3 = tables[1]
        rows = t3.findall(f"{W}tr")
        # rows 5 and 6 of table 3 in a repeating-section control; one cell of row 7 in a control
        body_rows = rows[5:7]
        at = list(t3).index(rows[5])
        for r in body_rows:
            t3.remove(r)
        t3.insert(at, sdt(*body_rows))
        cell = rows[7].findall(f"{W}tc")[-1]
        j = list(rows[7]).index(cell)
        rows[7].remove(cell)
        rows[7].insert(j, sdt(cell))
        # a deleted copy of row 8 (its text only in w:delText)
        ghost = etree.fromstring(etree.tostring(rows[8]))
        for t in ghost.iter(f"{W}t"):
            t.tag = W + "delText"
        ghost.insert(0, el("trPr", el("del", id="90", author="审核")))
        rows[8].addprevious(ghost)
        # a number in row 9 changed under revision: the old one deleted, the new one inserted
        run = next(r for r in rows[9].iter(f"{W}r") if "".join(r.itertext()).strip().isdigit())
        new = "".join(run.itertext())
        parent = run.getparent()
        k = list(parent).index(run)
        parent.remove(run)
        parent.insert(k, el("del", el("r", el("delText", text="999")), id="91", author="审核"))
        parent.insert(k + 1, el("ins", el("r", el("t", text=new)), id="92", author="审核"))
        # a sentence moved from the end of the first paragraph to a new paragraph after it
        intro = paras[1]
        intro.append(el("moveFrom", el("r", el("t", text="此句已移动。")), id="93", author="审核"))
        intro.addnext(el("p", el("moveTo", el("r", el("t", text="此句已移动。")), id="94", author="审核")))

    _rewrite_docx(src, edit)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert "文档中有未接受的修订（插入 1 处、删除 2 处、移动 1 处）：按接受全部修订后的文字读取" in out, out
    md = (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")
    assert md.count("此句已移动。") == 1
    assert "本年度扎实推进政务公开" in md  # the section inside the content control


def test_a_word_file_laid_out_in_a_table_imports_like_the_plain_one(tmp_path, capsys):
    """A template that puts the whole text in one cell of a table (with a table of its own for the
    letterhead): that table is the layout, the tables inside it are the report's."""
    from lxml import etree

    report = corpus.base_report("2021", seed=17)
    out = {}
    for name in ("plain", "layout"):
        src = corpus.write(report, "2021", "docx", tmp_path / f"{name}.docx", TITLE)
        if name == "layout":
            def edit(body):
                kids = [k for k in body if k.tag != W + "sectPr"]
                outer = etree.Element(W + "tbl")
                head = etree.SubElement(etree.SubElement(outer, W + "tr"), W + "tc")
                letterhead = etree.SubElement(etree.SubElement(etree.SubElement(head, W + "tbl"), W + "tr"), W + "tc")
                etree.SubElement(etree.SubElement(etree.SubElement(letterhead, W + "p"), W + "r"), W + "t").text = "示例县人民政府办公室文件"
                etree.SubElement(head, W + "p")
                cell = etree.SubElement(etree.SubElement(outer, W + "tr"), W + "tc")
                for k in kids:
                    body.remove(k)
                    cell.append(k)
                etree.SubElement(cell, W + "p")
                body.insert(0, outer)

            _rewrite_docx(src, edit)
        root = tmp_path / name
        (root / "data").mkdir(parents=True)
        (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
        code, said = run(capsys, "import", str(src), "--root", str(root))
        assert code == 0, said
        assert tables_of(imported(root, "xinhe", 2024)) == corpus.expected(report)
        out[name] = (root / "content/xinhe/2024.md").read_text(encoding="utf-8").split("\n", 1)[1]
    assert out["layout"] == out["plain"]


@pytest.mark.parametrize("chunk", ["html", "mht", "docx"])
def test_a_word_file_whose_content_is_an_embedded_page(site_dir, tmp_path, capsys, chunk):
    """HTML-to-Word exports put the page itself in the .docx (w:altChunk), which Word shows as the
    document's text: read in place, between the paragraphs around it."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    report = corpus.base_report("2021", seed=18)
    page = corpus.to_html(report, "2021", TITLE, {})
    d = docx.Document()
    d.add_paragraph("（本文由网站导出）")
    if chunk == "html":
        part = Part(PackURI("/word/afchunk.htm"), "text/html", page.encode("utf-8"), d.part.package)
    elif chunk == "mht":
        part = Part(PackURI("/word/afchunk.mht"), "message/rfc822", _mhtml(page, "gb2312", "quoted-printable"), d.part.package)
    else:  # a whole .docx inside (what joining documents with altChunk makes)
        inner = corpus.write(report, "2021", "docx", tmp_path / "inner.docx", TITLE)
        part = Part(PackURI("/word/afchunk.docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    inner.read_bytes(), d.part.package)
    alt = OxmlElement("w:altChunk")
    alt.set(qn("r:id"), d.part.relate_to(part, RT.A_F_CHUNK))
    d.element.body.insert(1, alt)
    src = tmp_path / "r.docx"
    d.save(str(src))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert f"文档的内容嵌入为{'文档' if chunk == 'docx' else '网页'}（altChunk），按其原样读取" in out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert "## 一、总体情况" in (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")


def test_an_embedded_chunk_nianbao_cannot_read_is_said(site_dir, tmp_path, capsys):
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_paragraph(TITLE)
    part = Part(PackURI("/word/afchunk.rtf"), "application/rtf", b"{\\rtf1 ...}", d.part.package)
    alt = OxmlElement("w:altChunk")
    alt.set(qn("r:id"), d.part.relate_to(part, RT.A_F_CHUNK))
    d.element.body.insert(1, alt)
    d.save(str(tmp_path / "r.docx"))
    code, out = run(capsys, "import", str(tmp_path / "r.docx"), "--root", str(site_dir))
    assert code == 1, out
    assert "文档中有一处嵌入内容（altChunk，application/rtf）不是网页或 Word 文档，未能读取：请对照原文补录" in out


def _zip(path: Path, members: dict[str, bytes], utf8: bool = True) -> Path:
    """A .zip of ``members``; ``utf8=False``: names in GBK bytes without the UTF-8 flag, as Windows'
    zip tools write them (zipfile writes only ASCII or flagged UTF-8, so each name is written as an
    ASCII stand-in of the same length and its bytes are put back after)."""
    import zipfile

    swaps = []
    with zipfile.ZipFile(path, "w") as z:
        for i, (name, data) in enumerate(members.items()):
            if utf8:
                z.writestr(name, data)
                continue
            gbk = name.encode("gbk")
            stand_in = bytes(c if c in b"/." else ord("a") + i for c in gbk)
            swaps.append((stand_in, gbk))
            z.writestr(stand_in.decode("ascii"), data)
    raw = path.read_bytes()
    for stand_in, gbk in swaps:
        assert raw.count(stand_in) == 2  # the local header and the central directory
        raw = raw.replace(stand_in, gbk)
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("utf8", [True, False], ids=["utf8-names", "gbk-names"])
def test_a_zip_of_reports_imports_each_report_in_it(site_dir, tmp_path, capsys, utf8):
    """打包下载: a .zip of a county's reports (Chinese names in GBK when a Windows tool made it),
    with a page's folder and a file of another kind inside, and a member path that tries to leave."""
    a = corpus.to_txt(corpus.base_report("2021", seed=21), "2021", TITLE.replace("2024", "2023"), {}).encode("gb2312")
    b = corpus.to_html(corpus.base_report("2021", seed=22), "2021", TITLE, {}).encode("utf-8")
    src = _zip(tmp_path / "年报.zip", {"新河镇/2023年年报.txt": a, "新河镇/2024年年报.html": b,
                                       "新河镇/2024年年报_files/分享.html": b"<html><body>share</body></html>",
                                       "说明.jpg": b"\xff\xd8", "../逃出.txt": a}, utf8)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir), "--dry-run")
    assert code == 0, out
    assert f"导入 {src}/新河镇/2023年年报.txt" in out and f"导入 {src}/新河镇/2024年年报.html" in out
    assert f"导入 {src}/逃出.txt" in out  # "../" taken off: nothing is written outside the temporary folder
    assert f"跳过 {src}/新河镇/2024年年报_files（网页的附属文件夹，1 个文件）" in out
    assert f"跳过 {src} 中不是年报格式的 1 个文件：说明.jpg" in out
    assert not (tmp_path / "逃出.txt").exists()


def test_a_damaged_or_locked_zip_is_refused_and_the_others_go_on(site_dir, tmp_path, capsys):
    (tmp_path / "坏.zip").write_bytes(b"PK\x03\x04 broken")
    good = corpus.write(corpus.base_report("2021", seed=23), "2021", "txt", tmp_path / "r.txt", TITLE)
    code, out = run(capsys, "import", str(tmp_path / "坏.zip"), str(good), "--root", str(site_dir))
    assert code == 1, out
    assert "无法导入：无法读取压缩包 坏.zip（文件损坏或不是 .zip）" in out
    assert (site_dir / "data/xinhe/2024.yml").exists()


def test_folder_import_and_dry_run(site_dir, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for y, fid in ((2023, "2021"), (2020, "2019")):
        corpus.write(corpus.base_report(fid, seed=y), fid, "txt", folder / f"{y}.txt", TITLE.replace("2024", str(y)))
    code, out = run(capsys, "import", str(folder), "--root", str(site_dir), "--dry-run")
    assert code == 0 and out.count("将写入") == 2 and not (site_dir / "data/xinhe").exists()
    code, out = run(capsys, "import", str(folder), "--root", str(site_dir))
    assert code == 0 and sorted(p.name for p in (site_dir / "data/xinhe").iterdir()) == ["2020.yml", "2023.yml"]


def test_folder_import_skips_the_folder_a_browser_saves_beside_a_page(site_dir, tmp_path, capsys):
    """"网页，全部" saves 报告.html and 报告_files/ (its frames and pictures, some of them .html): only
    the page is imported, and the import says what it skipped. A folder so named with no page beside
    it is an ordinary folder."""
    folder = tmp_path / "in"
    (folder / "2023_files").mkdir(parents=True)
    (folder / "old.files").mkdir()
    corpus.write(corpus.base_report("2021", seed=4), "2021", "html", folder / "2023.html", TITLE.replace("2024", "2023"))
    (folder / "2023_files/share.html").write_text("<html><body>分享到微信</body></html>", encoding="utf-8")
    (folder / "2023_files/saved_resource.htm").write_text("<html><body>广告</body></html>", encoding="utf-8")
    corpus.write(corpus.base_report("2021", seed=5), "2021", "txt", folder / "old.files/2022.txt", TITLE.replace("2024", "2022"))
    code, out = run(capsys, "import", str(folder), "--root", str(site_dir))
    assert code == 0, out
    assert f"跳过 {folder / '2023_files'}（网页的附属文件夹，2 个文件）" in out
    assert sorted(p.name for p in (site_dir / "data/xinhe").iterdir()) == ["2022.yml", "2023.yml"]


# ------------------------------------------------------------------------------------ property

cell = st.one_of(st.integers(0, 60).map(str), st.just(""), st.sampled_from(["/", "—"]))


@st.composite
def reports(draw):
    fid = draw(st.sampled_from(["2021", "2019"]))
    base = corpus.base_report(fid, seed=draw(st.integers(0, 10_000)))
    changes = {}
    for tid in ("T3", "T4"):
        for row, cols in base[tid].items():
            for col in cols:
                if draw(st.integers(0, 9)) == 0:
                    changes[(tid, row, col)] = draw(cell)
    return fid, corpus.with_cells(base, changes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports(), st.sampled_from(KINDS))
def test_round_trip_property(tmp_path_factory, data, kind):
    fid, report = data
    work = tmp_path_factory.mktemp("prop")
    (work / "data").mkdir()
    (work / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
    year = 2024 if fid == "2021" else 2020
    src = corpus.write(report, fid, kind, work / f"r.{kind}", TITLE.replace("2024", str(year)))
    plan = plan_import(src, work)
    assert plan.error is None, plan.error
    from nianbao.importers import write_plan

    write_plan(plan, work)
    assert tables_of(imported(work, "xinhe", year)) == corpus.expected(report)





def test_doc_without_libreoffice_says_what_to_do(site_dir, tmp_path, capsys, monkeypatch):
    import shutil as sh

    monkeypatch.setattr(sh, "which", lambda name: None)
    src = tmp_path / "r.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "需要 LibreOffice" in out and "另存为 .docx" in out


@pytest.mark.parametrize("inside", ["html", "mhtml"])
def test_a_doc_that_is_a_web_page_inside_imports_without_libreoffice(site_dir, tmp_path, capsys, monkeypatch, inside):
    """Portals' "下载 Word 版" often gives a web page (or a one-file web page) named .doc."""
    import shutil as sh

    monkeypatch.setattr(sh, "which", lambda name: None)  # no LibreOffice: the page is read as a page
    report = corpus.base_report("2021", seed=14)
    page = corpus.to_html(report, "2021", TITLE, {})
    src = tmp_path / "年报.doc"
    src.write_bytes(page.encode("utf-8") if inside == "html" else _mhtml(page, "gb2312", "quoted-printable"))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert "文件扩展名为 .doc，内容是网页：按网页读取" in out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)


def test_an_xls_that_is_a_web_table_serves_as_the_tables_attachment(site_dir, tmp_path, capsys, monkeypatch):
    """"导出 Excel" on many portals writes an HTML table under an .xls name."""
    import shutil as sh

    monkeypatch.setattr(sh, "which", lambda name: None)
    report = corpus.base_report("2021", seed=15)
    full = corpus.to_html(report, "2021", TITLE, {})
    tables = "".join(re.findall(r"(?s)<table.*?</table>", full))
    xls = tmp_path / "附表.xls"
    xls.write_text(f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="gb2312"></head><body>{tables}</body></html>',
                   encoding="gb2312")
    page = tmp_path / "page.html"
    page.write_text(re.sub(r"(?s)<table.*?</table>", "", full), encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(xls), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert "统计表取自附件 附表.xls（4 张）" in out  # the page's metadata table came along
    assert "附件 附表.xls：文件扩展名为 .xls，内容是网页：按网页读取" in out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "gb2312", "utf-8-sig"])
def test_word_plain_text_in_each_encoding_word_offers(site_dir, tmp_path, capsys, encoding):
    """另存为纯文本: GB2312 (Word's default here), Unicode (UTF-16 with a byte-order mark; without one
    from other tools), UTF-8 with a signature: each reads to the same figures."""
    report = corpus.base_report("2021", seed=16)
    text = corpus.to_txt(report, "2021", TITLE, {})
    src = tmp_path / "r.txt"
    src.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".html", ".mht", ".pdf", ".ofd", ".doc", ".xlsx", ".xls"])
def test_an_empty_file_is_refused_as_empty(site_dir, tmp_path, capsys, suffix):
    src = tmp_path / f"r{suffix}"
    src.write_bytes(b"")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "无法导入：文件是空的（0 字节）" in out, out


@pytest.mark.parametrize("content,message", [
    (b"not a zip at all", "无法读取 Word 文件 r.docx（文件损坏，或不是 .docx）：PackageNotFoundError"),
    ("zip-without-document", "无法读取 Word 文件 r.docx（文件损坏，或不是 .docx）"),
    ("zip-with-broken-xml", "无法读取 Word 文件 r.docx（文件损坏，或不是 .docx）"),
], ids=["garbage", "no-document-part", "broken-xml"])
def test_a_damaged_docx_is_refused_without_a_traceback(site_dir, tmp_path, capsys, content, message):
    import zipfile

    src = tmp_path / "r.docx"
    if isinstance(content, bytes):
        src.write_bytes(content)
    else:
        good = corpus.write(corpus.base_report("2021", seed=1), "2021", "docx", tmp_path / "good.docx", TITLE)
        with zipfile.ZipFile(good) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        if content == "zip-without-document":
            del parts["word/document.xml"]
        else:
            parts["word/document.xml"] = parts["word/document.xml"][:500]
        with zipfile.ZipFile(src, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and message in out, out
    assert "Traceback" not in out


def test_a_page_of_whitespace_is_refused(site_dir, tmp_path, capsys):
    (tmp_path / "r.html").write_text("  \n\t\n", encoding="utf-8")
    code, out = run(capsys, "import", str(tmp_path / "r.html"), "--root", str(site_dir))
    assert code == 1 and "无法导入：网页没有内容" in out, out


def test_an_unforeseen_fault_names_itself_and_the_run_goes_on(site_dir, tmp_path, capsys, monkeypatch):
    """The last resort: a fault nianbao did not foresee in one source is that source's refusal (type
    and message, a request to report it), not a traceback, and the next source is still imported."""
    import nianbao.importers as importers

    real = importers.plan_document

    def faulty(doc, root, unit_id, year, display):
        if "bad" in display:
            raise RuntimeError("模拟的缺陷")
        return real(doc, root, unit_id, year, display)

    monkeypatch.setattr(importers, "plan_document", faulty)
    folder = tmp_path / "in"
    folder.mkdir()
    corpus.write(corpus.base_report("2021", seed=2), "2021", "txt", folder / "a-bad.txt", TITLE)
    corpus.write(corpus.base_report("2021", seed=3), "2021", "txt", folder / "b-good.txt", TITLE.replace("2024", "2023"))
    code, out = run(capsys, "import", str(folder), "--root", str(site_dir))
    assert code == 1, out
    assert "无法导入：导入时出错（RuntimeError: 模拟的缺陷）：若原文件能正常打开，这是 nianbao 的缺陷，请连同文件报告" in out
    assert (site_dir / "data/xinhe/2023.yml").exists() and "Traceback" not in out


def test_pdf_radical_table_maps_into_unified_ideographs():
    assert len(RADICALS) == len(set(RADICALS)) > 60
    for radical, ideograph in RADICALS.items():
        assert 0x2E80 <= ord(radical) <= 0x2EFF, radical
        assert 0x3400 <= ord(ideograph) <= 0x9FFF, (radical, ideograph)


@pytest.mark.parametrize("content,message", [(b"this is not a pdf", "无法读取 PDF"), (b"%PDF-1.7\n1 0 obj <<", "无法读取 PDF")])
def test_unreadable_pdf_fails_with_a_message(site_dir, tmp_path, capsys, content, message):
    src = tmp_path / "r.pdf"
    src.write_bytes(content)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and message in out, out
    assert "Traceback" not in out
    assert not (site_dir / "content").exists()


# ------------------------------------------------------------------------------------ a row cut by a page break


def _row(top: float, bottom: float, texts: list[str], xs=(0, 60, 90, 120)) -> list:
    from nianbao.importers.pdf import _Cell

    return [_Cell(x0, top, x1, bottom, t) for x0, x1, t in zip(xs, xs[1:], texts)]


def _joined_rows(page1: list, page2: list) -> tuple[list[list[str]], list[str]]:
    """Two pages' parts of a ruled table, through the PDF reader's joining: the texts of the grid's
    rows that begin cells (a joined cell spans the row its rest was on, which begins no cell)."""
    from nianbao.importers.pdf import _grid, _join_continued_tables, _Table

    items = [(1, 0.0, _Table(1, 0.0, 0.0, 120.0, [page1])), (2, 0.0, _Table(2, 0.0, 0.0, 120.0, [page2]))]
    dropped: list[str] = []
    notes: list[str] = []
    [(_n, _top, table)] = _join_continued_tables(items, dropped, notes)
    return [[c.text for c in row] for row in _grid(table, "").rows() if row], notes


def test_pdf_row_cut_by_a_ruled_page_break_is_one_row():
    # Word and LibreOffice draw a line at the cut: the rest of "2.其" looks like a row of its own
    rows, notes = _joined_rows(_row(0, 20, ["1.本机关", "1", "2"]) + _row(20, 700, ["2.其", "0", "3"]),
                               _row(50, 80, ["他法律行政法规禁止公开", "", ""]) + _row(80, 100, ["3.危及“三安全一稳定”", "4", "5"]))
    assert rows == [["1.本机关", "1", "2"], ["2.其\n他法律行政法规禁止公开", "0", "3"], ["3.危及“三安全一稳定”", "4", "5"]]
    assert notes == ["第 2 页：表格中被分页截断的一行（“2.其”接“他法律行政法规禁止公开”）合为一行"]


@pytest.mark.parametrize("first", [
    ["3.危及“三安全一稳定”", "", ""],  # a row label's numbering: a row of its own (blank values)
    ["规范性文件", "0", "1"],  # values: a row of its own
    ["规范性文件", "/", "—"],  # not-applicable marks are values too
])
def test_pdf_row_at_the_top_of_a_page_is_kept_when_it_is_a_row_of_its_own(first):
    rows, notes = _joined_rows(_row(0, 20, ["2.其他", "0", "3"]), _row(50, 80, first))
    assert rows == [["2.其他", "0", "3"], first] and notes == []


def test_pdf_header_cut_above_its_sub_headers_is_one_header():
    # table 4: the 行政复议 headers (two rows tall) cut by the page break, whose line is also the
    # line between 未经复议直接起诉 and its sub-headers, which begin a row of their own
    xs = (0, 30, 60, 120)
    page1 = _row(0, 20, ["行政复议", "行政诉讼"], (0, 60, 120)) + _row(20, 700, ["结", "总", "未经复议直接起诉"], xs)
    page2 = (_row(50, 90, ["果维持", "计"], xs[:3]) + _row(50, 90, ["结果维持", "总计"], (60, 90, 120))
             + _row(90, 100, ["1", "2", "3", "4"], (0, 30, 60, 90, 120)))
    rows, notes = _joined_rows(page1, page2)
    assert rows == [["行政复议", "行政诉讼"], ["结\n果维持", "总\n计", "未经复议直接起诉"], ["结果维持", "总计"], ["1", "2", "3", "4"]]
    assert len(notes) == 1


def test_pdf_rows_with_other_columns_at_the_cut_are_not_joined():
    rows, notes = _joined_rows(_row(0, 20, ["第二十条第（一）项"], (0, 120)), _row(50, 80, ["信息内容", "本年制发件数", "现行有效件数"]))
    assert rows == [["第二十条第（一）项"], ["信息内容", "本年制发件数", "现行有效件数"]] and notes == []


def test_libreoffice_that_hangs_fails_with_a_message(site_dir, tmp_path, capsys, monkeypatch):
    import shutil as sh
    import subprocess as sp

    def hang(cmd, **kw):
        raise sp.TimeoutExpired(cmd, kw.get("timeout"))

    monkeypatch.setattr(sh, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(sp, "run", hang)
    src = tmp_path / "r.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "超过 3 分钟仍未完成" in out and "另存为 .docx" in out, out


# a 1×1 PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201"
                    "aa2b5b0f0000000049454e44ae426082")


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_tables_pasted_as_pictures_are_named_in_the_message(site_dir, tmp_path, capsys, kind):
    # spec §9.2: tables published as images; nianbao does no OCR, and says why nothing was found
    src = tmp_path / f"r.{kind}"
    if kind == "html":
        src.write_text(f"<html><body><h1>{TITLE}</h1><p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>"
                       '<p><img src="t2.png"></p><p>三、收到和处理政府信息公开申请情况</p><p><img src="t3.jpg"></p></body></html>',
                       encoding="utf-8")
    else:
        import docx

        (tmp_path / "t.png").write_bytes(PNG)
        d = docx.Document()
        for text in (TITLE, "一、总体情况", "正文。", "二、主动公开政府信息情况"):
            d.add_paragraph(text)
        d.add_picture(str(tmp_path / "t.png"))
        d.save(str(src))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "没有找到表格，只有图片" in out and "不做文字识别" in out, out
    assert ("t2.png、t3.jpg" if kind == "html" else "第 5 段的图片") in out
    assert not (site_dir / "content").exists()


@pytest.mark.parametrize("wrap", ["div", "td"])
def test_a_page_laid_out_with_tables_imports_like_the_plain_page(site_dir, tmp_path, capsys, wrap):
    """Old CMS templates lay the page out in tables, the article in one cell (inside a div of its
    own, or straight in the cell): that table is the layout; the tables inside it are the report's."""
    report = corpus.base_report("2021", seed=3)
    plain = corpus.to_html(report, "2021", TITLE, {})
    body = re.search(r"(?s)<body[^>]*>(.*)</body>", plain)[1]
    inner = f'<div class="article">{body}</div>' if wrap == "div" else body
    page = plain.replace(body, '<table width="1000"><tr><td>首页 | 政务公开 | 信息公开年报</td></tr>'
                               f'<tr><td><table><tr><td>当前位置：首页</td></tr></table></td></tr><tr><td>{inner}</td></tr>'
                               "<tr><td>主办单位：示例县人民政府</td></tr></table>")
    out = {}
    for name, text in (("plain", plain), ("layout", page)):
        root = tmp_path / name
        (root / "data").mkdir(parents=True)
        (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        code, said = run(capsys, "import", str(tmp_path / f"{name}.html"), "--root", str(root))
        assert code == 0, said
        assert tables_of(imported(root, "xinhe", 2024)) == corpus.expected(report)
        out[name] = (root / "content/xinhe/2024.md").read_text(encoding="utf-8").split("\n", 1)[1]
    assert out["layout"] == out["plain"]


def test_a_page_that_only_links_the_report_names_the_attachments(site_dir, tmp_path, capsys):
    """A CMS page saying 详见附件: the refusal names the linked files (by address, a download
    script's file name, or the link's text), not only "no tables"."""
    src = tmp_path / "r.html"
    src.write_text(f"<html><body><h1>{TITLE}</h1><p>现将本镇2024年政府信息公开工作年度报告予以公布，详见附件。</p>"
                   '<div class="fj"><a href="/files/2025/年报.pdf">新河镇2024年年报</a>'
                   '<a href="/module/download/downfile.jsp?classid=0&amp;filename=统计表.xlsx">统计表</a>'
                   '<a href="/attach/1234">附件3.ofd</a><a href="/index.html">首页</a></div>'
                   '<iframe src="/pdfjs/web/viewer.html?file=/files/2025/正文.pdf"></iframe></body></html>', encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1, out
    assert ("页面上没有统计表，只有附件：新河镇2024年年报（/files/2025/年报.pdf）、"
            "统计表（/module/download/downfile.jsp?classid=0&filename=统计表.xlsx）、附件3.ofd（/attach/1234）、"
            "/pdfjs/web/viewer.html?file=/files/2025/正文.pdf。") in out, out
    assert "首页" not in out and "--tables" in out
    assert not (site_dir / "content").exists()


def _mhtml(page: str, charset: str, encoding: str) -> bytes:
    """A page saved as one file, as Word and Internet Explorer write it: multipart/related, the page
    in ``charset`` with a transfer ``encoding``, and a picture beside it."""
    import base64
    import quopri

    body = page.encode(charset)
    body = quopri.encodestring(body) if encoding == "quoted-printable" else base64.encodebytes(body)
    return b"\r\n".join([
        b"MIME-Version: 1.0", b'Content-Type: multipart/related; boundary="----=_NextPart_01DA"; type="text/html"', b"",
        b"------=_NextPart_01DA", f"Content-Type: text/html; charset=\"{charset}\"".encode(),
        f"Content-Transfer-Encoding: {encoding}".encode(), b"Content-Location: file:///C:/r.htm", b"", body, b"",
        b"------=_NextPart_01DA", b"Content-Type: image/png", b"Content-Transfer-Encoding: base64",
        b"Content-Location: file:///C:/r.files/image001.png", b"", base64.encodebytes(PNG), b"------=_NextPart_01DA--", b""])


@pytest.mark.parametrize("charset,encoding", [("gb2312", "quoted-printable"), ("utf-8", "base64")])
def test_a_page_saved_as_one_file_imports_like_the_page(site_dir, tmp_path, capsys, charset, encoding):
    report = corpus.base_report("2021", seed=3)
    page = corpus.to_html(report, "2021", TITLE, {})
    src = tmp_path / "r.mht"
    src.write_bytes(_mhtml(page, charset, encoding))
    assert "本年新收".encode() not in src.read_bytes()  # the page is encoded in the file, not plain
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert imported(site_dir, "xinhe", 2024)["meta"]["index_no"] == "11370323MB0000000X/2025-00012"
    md = (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")
    assert "## 一、总体情况" in md and "首页" not in md


def test_a_mht_without_a_page_is_refused(site_dir, tmp_path, capsys):
    (tmp_path / "r.mhtml").write_bytes(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nnot a page\r\n")
    code, out = run(capsys, "import", str(tmp_path / "r.mhtml"), "--root", str(site_dir))
    assert code == 1 and "不是有效的 MHTML 网页文件（其中没有 HTML 部分）" in out, out
    assert not (site_dir / "content").exists()


def test_attachment_links_beside_the_tables_do_not_stop_an_import(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=3)
    page = corpus.to_html(report, "2021", TITLE, {}).replace("</body>", '<p><a href="/files/年报.pdf">下载 PDF 版</a></p></body>')
    assert "年报.pdf" in page
    (tmp_path / "r.html").write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(tmp_path / "r.html"), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)


def test_a_table_missing_beside_pictures_is_put_down_to_them(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=5)
    page = corpus.to_html(report, "2021", TITLE, {})
    # table 4 replaced by a picture of it
    start = page.rindex("<table")
    page = page[:start] + '<p><img src="biao4.png"></p>' + page[page.index("</table>", start) + len("</table>"):]
    src = tmp_path / "r.html"
    src.write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert "没有找到表四；原文中有 1 张图片（biao4.png）" in out, out
    # not a table of blanks nobody published: table 4 is left out (M-4), written as a comment to fill in
    assert "错误 M-4 缺少统计表 T4" in out
    data = site_dir / "data/xinhe/2024.yml"
    text = data.read_text(encoding="utf-8")
    assert "\nT4:" not in text and "# 原文中没有找到此表（可能是贴成图片的），未导入\n" in text
    # filled in from the original and uncommented, the report is complete
    lines = text.split("\n")
    start = lines.index("# T4:")
    filled = lines[:start] + [ln[2:] for ln in lines[start:] if ln.startswith("# ")]
    data.write_text("\n".join(filled).replace("[~, ~, ~, ~, ~]", "[0, 0, 0, 0, 0]") + "\n", encoding="utf-8")
    assert tables_of(imported(site_dir, "xinhe", 2024))["T4"]["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}


def _drop_row(page: str, label: str) -> str:
    i = page.index(label)
    start = page.rindex("<tr", 0, i)
    return page[:start] + page[page.index("</tr>", i) + len("</tr>"):]


def test_rows_missing_from_the_source_are_missing_not_blank(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=5)
    page = _drop_row(_drop_row(corpus.to_html(report, "2021", TITLE, {}), "四、结转下年度继续办理"), "行政许可")
    src = tmp_path / "r.html"
    src.write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert "表三：原文缺少“四、结转下年度继续办理”" in out and "表二：原文缺少“行政许可”" in out, out
    assert "错误 L-MISSING T3 缺少“四、结转下年度继续办理”行" in out and "错误 L-MISSING T2 缺少" in out
    data = site_dir / "data/xinhe/2024.yml"
    text = data.read_text(encoding="utf-8")
    assert re.search(r"^  # carried_out: +\[~, ~, ~, ~, ~, ~, ~\]  # 四、结转下年度继续办理  （原文没有这一行）$", text, re.M), text
    # filled in from the original and uncommented: the report is complete and as published
    filled = re.sub(r"^  # (\w+:.*)  （原文没有这一行）$", r"  \1", text, flags=re.M)
    t3 = report["T3"]["carried_out"]
    filled = re.sub(r"^(  carried_out: +)\[[^\]]*\]", lambda m: m[1] + "[" + ", ".join(t3[c] for c in corpus.T3_COLS) + "]", filled, flags=re.M)
    t2 = report["T2"]["admin_license"]
    filled = re.sub(r"^(  admin_license: +)\S+", lambda m: m[1] + t2["decisions"], filled, flags=re.M)
    data.write_text(filled, encoding="utf-8")
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)


def _with_t3_of(page: str, other: str) -> str:
    """``page`` with its table 3 replaced by ``other``'s (a report mixing the two formats)."""
    def span(html: str) -> tuple[int, int]:
        start = html.index("<table", html.index("收到和处理"))
        return start, html.index("</table>", start) + len("</table>")

    (a, b), (c, d) = span(page), span(other)
    return page[:a] + other[c:d] + page[b:]


def test_a_2019_single_other_row_in_a_2021_report_is_said(site_dir, tmp_path, capsys):
    # the notes made while fitting table 3 to the report's format reach the user (they were lost)
    page = _with_t3_of(corpus.to_html(corpus.base_report("2021", seed=5), "2021", TITLE, {}),
                       corpus.to_html(corpus.base_report("2019", seed=5), "2019", TITLE, {}))
    src = tmp_path / "r.html"
    src.write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0 and "混合格式" in out, out
    assert "原表为 2019 年格式的单行：数字记入“3.其他”" in out


def test_2021_sub_rows_in_a_2019_report_are_summed_blank_staying_blank(site_dir, tmp_path, capsys):
    # table 2 in the 2019 format, table 3 with the 2021 format's three （六） sub-rows: saved in the
    # 2019 format's single row; a column blank in every sub-row stays blank (not 0); the sub-rows'
    # figures are kept in a comment
    page = corpus.to_html(corpus.base_report("2019", seed=5), "2019", TITLE, {})
    r21 = corpus.with_cells(corpus.base_report("2021", seed=5), {
        ("T3", "other_no_correction", "natural_person"): "", ("T3", "other_fee_unpaid", "natural_person"): "",
        ("T3", "other_other", "natural_person"): "", ("T3", "other_no_correction", "research"): "2",
        ("T3", "other_fee_unpaid", "research"): "", ("T3", "other_other", "research"): "1"})
    page = _with_t3_of(page, corpus.to_html(r21, "2021", TITLE, {}))
    src = tmp_path / "r.html"
    src.write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0 and "格式：混合（按 2019 年格式保存）" in out, out
    assert "科研机构列的子项中有空白或不适用，按 0 计入合计" in out
    text = (site_dir / "data/xinhe/2024.yml").read_text(encoding="utf-8")
    assert "# 表三（六）其他处理由原表（2021 年格式）的子项合计：1.申请人无正当理由逾期不补正" in text
    row = tables_of(imported(site_dir, "xinhe", 2024))["T3"]["other_processing"]
    assert row["natural_person"] is None and row["research"] == 3


def test_a_page_of_several_reports_is_imported_report_by_report(site_dir, tmp_path, capsys):
    # spec §9.2: several organs' reports on one page (a county's departments' bundle)
    r1, r2 = corpus.base_report("2021", seed=11), corpus.base_report("2021", seed=12)
    t1, t2 = TITLE, "示例县交通运输局2024年政府信息公开工作年度报告"

    def body(report, title):
        page = corpus.to_html(report, "2021", title, {})
        return page[page.index("<body>") + len("<body>"):page.index("</body>")]

    page = (f"<html><head><title>示例县各部门2024年政府信息公开工作年度报告</title></head><body>"
            f"<h1>示例县各部门2024年政府信息公开工作年度报告</h1><p>发布日期：2025-01-20</p>{body(r1, t1)}{body(r2, t2)}</body></html>")
    src = tmp_path / "bundle.html"
    src.write_text(page, encoding="utf-8")
    registry = (site_dir / "data/units.yml").read_text(encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir), "--dry-run")
    assert code == 0 and out.count("将写入") == 2 and "新单位将加入 data/units.yml" in out, out
    assert (site_dir / "data/units.yml").read_text(encoding="utf-8") == registry and not (site_dir / "content").exists()
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert "（第 1 份，共 2 份）" in out and "（第 2 份，共 2 份）" in out and "新单位已加入 data/units.yml" in out
    assert "第一份年报之前、不属于任何一份年报的" in out  # the page's own heading is said, not silently dropped
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(r1)
    units = (site_dir / "data/units.yml").read_text(encoding="utf-8")
    new_id = next(d.name for d in (site_dir / "data").iterdir() if d.is_dir() and d.name != "xinhe")
    assert "示例县交通运输局" in units
    assert tables_of(imported(site_dir, new_id, 2024)) == corpus.expected(r2)
    # --unit/--year name one report: refused for a page of two, nothing written
    code, out = run(capsys, "import", str(src), "--root", str(tmp_path / "other"), "--unit", "xinhe")
    assert code != 0


@pytest.mark.parametrize("encoding,declared", [("gb18030", False), ("gbk", True), ("utf-8", False)])
def test_html_encoding_declared_or_not(site_dir, tmp_path, capsys, encoding, declared):
    # old CMS pages are often GBK; some declare no encoding at all (lxml alone would read Latin-1)
    report = corpus.base_report("2021", seed=13)
    page = corpus.to_html(report, "2021", TITLE, {}).replace('<meta charset="utf-8">', f'<meta charset="{encoding}">' if declared else "")
    src = tmp_path / "r.html"
    src.write_bytes(page.encode(encoding))
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)


def test_source_text_with_a_comma_is_quoted_inside_a_row(site_dir, tmp_path):
    """A cell written as in the source ("1,234") sits in a [ … ] row, where a bare comma would split
    it into two values."""
    from nianbao.datafile import render_data_file
    from nianbao.formats import get_format
    from nianbao.loader import load_report
    from nianbao.model import Cell, CellKind, Table

    fmt = get_format("2021")
    rows = {r.key: {c.key: Cell(CellKind.NUMBER, 0) for c in r.columns} for r in fmt.table("T3").rows}
    rows["new_received"]["natural_person"] = Cell(CellKind.NUMBER, 1234, raw="1,234")
    path = tmp_path / "2024.yml"
    path.write_text(render_data_file(None, "x", 2024, fmt, tables={"T3": Table("T3", rows)}), encoding="utf-8")
    report, issues = load_report(path, "2024.yml", "x", 2024)
    assert [i for i in issues if i.severity.value == "error"] == []
    got = report.tables["T3"].rows["new_received"]
    assert (got["natural_person"].value, got["natural_person"].raw) == (1234, "1,234")


@pytest.mark.parametrize("kind", KINDS)
def test_a_table_3_without_its_total_column_keeps_the_totals_blank(site_dir, tmp_path, capsys, kind):
    """Spec §9.2: 总计 column missing. The totals stay blank (never summed up from the other columns)
    and the import says so; the checks then count the blanks as 0, as spec §7 has them, and say so."""
    report = corpus.base_report("2021", seed=corpus.stable_seed(kind, "no-total"))
    cols = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org"]
    src = corpus.write(report, "2021", kind, tmp_path / f"report.{kind}", TITLE, {"t3_order": cols})
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert "原表没有“总计”列" in out
    want = corpus.expected(report)
    for row in want["T3"].values():
        row["total"] = None
    assert tables_of(imported(site_dir, "xinhe", 2024)) == want
    errors = [i for i in check_site(site_dir)[1] if i.severity.value == "error"]
    assert errors and {i.check for i in errors} <= {"T3-3"}  # nothing wrong with the file itself
    assert all("空白或不适用单元格按 0 计" in i.message for i in errors)


def test_page_category_and_validity_are_kept(site_dir, tmp_path, capsys):
    """Spec §8: 分类 and 有效性 of the publishing page are imported as raw strings, shown in the
    信息公开 block and carried by the open data."""
    from lxml import html as lxml_html

    report = corpus.base_report("2021", seed=corpus.stable_seed("meta-fields"))
    src = corpus.write(report, "2021", "html", tmp_path / "report.html", TITLE, {})
    page = src.read_text(encoding="utf-8").replace(
        "<tr><td>成文日期：", "<tr><td>主题分类：综合政务/政务公开</td><td>有效性：有效</td></tr>\n<tr><td>成文日期：", 1)
    src.write_text(page, encoding="utf-8")
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    text = (site_dir / "data/xinhe/2024.yml").read_text(encoding="utf-8")
    assert "  category: 综合政务/政务公开  # 分类\n" in text and "  validity: 有效  # 有效性\n" in text
    meta = imported(site_dir, "xinhe", 2024)["meta"]
    assert (meta["category"], meta["validity"]) == ("综合政务/政务公开", "有效")
    from nianbao.pages import report_markdown
    from nianbao.validate import check_site as check

    site = check(site_dir)[0].site
    md = report_markdown(site, site.reports[("xinhe", 2024)], [], lambda uri: uri)
    block = lxml_html.fromstring(md[md.index("<section class=\"nb-meta\""): md.index("</section>") + 10])
    shown = {dt.text_content(): dd.text_content() for dt, dd in zip(block.iter("dt"), block.iter("dd"))}
    assert (shown["分类"], shown["有效性"]) == ("综合政务/政务公开", "有效")


# ------------------------------------------------------------------------------------ tables in an attachment


def grids_to_xlsx(grids, path: Path, one_sheet: bool = True, formulas: bool = False) -> Path:
    """Tables as a spreadsheet, merged cells kept: one sheet with the tables under each other (a title
    line above each, an empty row between), or a sheet each."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    top = 1
    for k, (title, grid) in enumerate(grids):
        if not one_sheet and k:
            ws, top = wb.create_sheet(f"表{k + 1}"), 1
        ws.cell(top, 1, title)
        top += 1
        for c in grid.cells:
            text = c.text
            value = int(text) if re.fullmatch(r"\d+", text) else float(text) if re.fullmatch(r"\d+\.\d+", text) else text
            ws.cell(top + c.row, 1 + c.col, value if value != "" else None)
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(start_row=top + c.row, start_column=1 + c.col,
                               end_row=top + c.row + c.rowspan - 1, end_column=c.col + c.colspan)
        top += max(c.row + c.rowspan for c in grid.cells) + 1
    wb.save(path)
    return path


@pytest.mark.parametrize("one_sheet", [True, False], ids=["one-sheet", "a-sheet-each"])
def test_tables_from_a_spreadsheet_attachment(site_dir, tmp_path, capsys, one_sheet):
    from nianbao.importers.html import read_html

    report = corpus.base_report("2021", seed=corpus.stable_seed("xlsx", str(one_sheet)))
    full = corpus.write(report, "2021", "html", tmp_path / "full.html", TITLE)
    grids = read_html(full, "full.html").tables
    titles = ["表二 主动公开政府信息情况", "表三 收到和处理政府信息公开申请情况", "表四 政府信息公开行政复议、行政诉讼情况"]
    xlsx = grids_to_xlsx(list(zip(titles, grids)), tmp_path / "附表.xlsx", one_sheet)
    # the page itself: the same report with its tables taken out (pasted as pictures, say)
    text = full.read_text(encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(re.sub(r"(?s)<table.*?</table>", "", text), encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(xlsx), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert "统计表取自附件 附表.xlsx（3 张）" in out
    narrative = (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")
    assert not any(t in narrative for t in titles)  # the sheet's lines are not the report's text
    # the page's own table, when it has one, is said not to be used
    code, out = run(capsys, "import", str(full), "--tables", str(xlsx), "--root", str(site_dir), "--force")
    assert code == 0 and "原文自己的 3 张表未使用" in out


def test_a_refusal_in_a_spreadsheet_names_the_sheets_own_row(site_dir, tmp_path, capsys):
    from openpyxl import load_workbook

    from nianbao.importers.html import read_html

    report = corpus.base_report("2021", seed=3)
    full = corpus.write(report, "2021", "html", tmp_path / "full.html", TITLE)
    titles = ["表二", "表三", "表四"]
    xlsx = grids_to_xlsx(list(zip(titles, read_html(full, "full.html").tables)), tmp_path / "附表.xlsx")
    wb = load_workbook(xlsx)
    ws = wb.active
    row = next(c.row for col in ws.iter_cols() for c in col if c.value == "（一）予以公开")
    last = max(c.column for c in ws[row] if isinstance(c.value, (int, float)))
    ws.cell(row, last, "见附件")  # its 总计
    wb.save(xlsx)
    page = tmp_path / "page.html"
    page.write_text(re.sub(r"(?s)<table.*?</table>", "", full.read_text(encoding="utf-8")), encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(xlsx), "--root", str(site_dir))
    assert code == 1 and "“见附件”不是数字" in out
    assert f"（原文工作表“{ws.title}”第 {row} 行）" in out, out


def test_a_legacy_table_from_a_spreadsheet_keeps_its_title_and_gives_the_coarse_figures(site_dir, tmp_path, capsys):
    from nianbao.importers.html import read_html

    from .test_legacy import NATIONAL

    src = tmp_path / "national.html"
    src.write_text(NATIONAL, encoding="utf-8")
    [grid] = read_html(src, "x").tables
    xlsx = grids_to_xlsx([("附表：2016年政府信息公开情况统计表", grid)], tmp_path / "附表.xls.xlsx")
    page = tmp_path / "page.html"
    page.write_text(re.sub(r"(?s)<p>附表.*?</table>", "", NATIONAL).replace("示例县示例镇", "示例县新河镇"), encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(xlsx), "--root", str(site_dir))
    assert code == 0, out
    data = yaml.safe_load((site_dir / "data/xinhe/2016.yml").read_text(encoding="utf-8"))
    [table] = data["tables"]
    assert table["title"] == "附表：2016年政府信息公开情况统计表" and table["columns"] == ["统计指标", "单位", "统计数"]
    assert table["rows"][:2] == [["二、依申请公开情况"], ["（一）收到申请数", "件", 12]]
    assert data["metrics"]["applications_received"] == 12 and data["metrics"]["applicant_fees_wan"] == 0.05


def test_spreadsheet_formulas_and_mistakes_are_said(site_dir, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["统计指标", "单位", "统计数"])
    ws.append(["收到申请数", "件", "=1+2"])  # a formula nobody calculated: no saved value
    wb.save(tmp_path / "f.xlsx")
    page = tmp_path / "page.html"
    page.write_text("<h1>示例县新河镇人民政府2016年政府信息公开工作年度报告</h1><p>一、概述</p><p>正文。</p>", encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(tmp_path / "f.xlsx"), "--root", str(site_dir))
    assert code == 0, out
    assert "有 1 个公式单元格没有保存计算结果（“Sheet”C2），读作空白" in out
    assert yaml.safe_load((site_dir / "data/xinhe/2016.yml").read_text(encoding="utf-8"))["tables"][0]["rows"] == [["收到申请数", "件", None]]
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    code, out = run(capsys, "import", str(page), "--tables", str(tmp_path / "bad.xlsx"), "--root", str(site_dir), "--force")
    assert code == 1 and "无法读取 Excel 文件 bad.xlsx" in out and "Traceback" not in out
    code, out = run(capsys, "import", str(page), "--tables", str(tmp_path / "missing.xlsx"), "--root", str(site_dir))
    assert code != 0 and "--tables 指定的文件不存在" in out


def test_a_label_in_a_message_reads_without_the_layouts_spaces(tmp_path, capsys):
    """The seed's label for （二）部分公开 has a no-break space inside 情形 (Word's layout): a message
    naming the row shows the label as it reads."""
    lines = SEED_TEXT.read_text(encoding="utf-8").split("\n")
    k = next(i for i, ln in enumerate(lines) if "只计这一情\u00a0形" in ln)
    del lines[k + 1]  # one value of the row lost
    src = tmp_path / "seed.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    shutil.copy(ROOT / "data/units.yml", root / "data/units.yml")
    code, out = run(capsys, "import", str(src), "--root", str(root))
    assert code == 1 and "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行" in out and "\u00a0" not in out, out


def test_a_spreadsheet_alone_gives_the_tables_and_says_the_text_is_missing(site_dir, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["附表：2016年政府信息公开情况统计表"], ["统计指标", "单位", "统计数"], ["收到申请数", "件", 3]):
        ws.append(row)
    wb.save(tmp_path / "t.xlsx")
    code, out = run(capsys, "import", str(tmp_path / "t.xlsx"), "--unit", "xinhe", "--year", "2016", "--root", str(site_dir))
    assert code == 0, out
    assert "电子表格只有统计表，没有报告正文" in out and "--tables" in out
    data = yaml.safe_load((site_dir / "data/xinhe/2016.yml").read_text(encoding="utf-8"))
    assert data["tables"][0]["title"] == "附表：2016年政府信息公开情况统计表" and data["tables"][0]["rows"] == [["收到申请数", "件", 3]]
    assert "附表" not in (site_dir / "content/xinhe/2016.md").read_text(encoding="utf-8")


@st.composite
def merged_grids(draw):
    """A table of 2–6 rows × 2–6 columns with some merged blocks (not overlapping), a header in
    every column of the first row (a column with no text at all is not part of the table) and each
    row's first column filled (an empty row ends the table)."""
    nrows, ncols = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(nrows):
        for c in range(ncols):
            if (r, c) in taken:
                continue
            h = draw(st.integers(1, min(2, nrows - r))) if c else 1
            w = draw(st.integers(1, min(3, ncols - c))) if r else 1
            if any((rr, cc) in taken for rr in range(r, r + h) for cc in range(c, c + w)):
                h = w = 1
            taken |= {(rr, cc) for rr in range(r, r + h) for cc in range(c, c + w)}
            text = draw(st.one_of(st.just(""), st.from_regex(r"[一二三四甲乙]{1,4}|[0-9]{1,3}|[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True)))
            if c == 0 or r == 0:  # a header over every column, a label on every row
                text = text or "项"
            cells.append((r, c, h, w, text))
    return nrows, ncols, cells


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(merged_grids())
def test_a_spreadsheet_table_reads_as_written(tmp_path_factory, grid):
    """Whatever the merged cells, the table read from the sheet is the table written: each cell in
    its place with its spans and its text (numbers as written)."""
    from openpyxl import Workbook

    from nianbao.importers.xlsx import read_xlsx

    nrows, ncols, cells = grid
    wb = Workbook()
    ws = wb.active
    for r, c, h, w, text in cells:
        value = int(text) if re.fullmatch(r"\d+", text) else float(text) if re.fullmatch(r"\d+\.\d+", text) else (text or None)
        ws.cell(r + 3, c + 2, value)  # not at A1: the table is wherever the sheet has it
        if h > 1 or w > 1:
            ws.merge_cells(start_row=r + 3, start_column=c + 2, end_row=r + 2 + h, end_column=c + 1 + w)
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    wb.save(path)
    [table] = read_xlsx(path, "t.xlsx").tables

    def norm(t: str) -> str:  # the number the test wrote, as the sheet holds it
        if not re.fullmatch(r"\d+(\.\d+)?", t):
            return t
        d = Decimal(t)
        return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")
    want = sorted((r, c, h, w, norm(t)) for r, c, h, w, t in cells)
    got = sorted((g.row, g.col, g.rowspan, g.colspan, g.text) for g in table.cells)
    assert got == want


def test_a_title_naming_a_region_suggests_a_region_wide_report(site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=5)
    src = corpus.write(report, "2021", "html", tmp_path / "r.html", "示例县2024年政府信息公开工作年度报告")
    code, out = run(capsys, "import", str(src), "--unit", "shixian", "--root", str(site_dir), "--dry-run")
    assert code == 0, out
    assert "可能是本地区汇总的年报" in out and "scope: region_aggregate" in out
    src = corpus.write(report, "2021", "html", tmp_path / "o.html", TITLE)  # an organ: 新河镇人民政府
    code, out = run(capsys, "import", str(src), "--root", str(site_dir), "--dry-run")
    assert code == 0 and "本地区汇总" not in out


def test_the_suggested_as_published_block_keeps_the_originals_errors(site_dir, tmp_path, capsys):
    """What the import says to write, once written, lets the report be published as it was."""
    report = corpus.with_cells(corpus.base_report("2021", seed=11), VARIANTS["bad_totals"][0])
    src = corpus.write(report, "2021", "txt", tmp_path / "report.txt", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    block = out[out.index("    as_published:\n"):].splitlines(keepends=True)
    block = "".join(ln[4:] for ln in block[: 1 + sum(1 for ln in block[1:] if ln.startswith("      "))])
    data = site_dir / "data/xinhe/2024.yml"
    text = data.read_text(encoding="utf-8")
    if re.search(r"published_date: ~", text):
        text = re.sub(r"published_date: ~", "published_date: 2025-01-20", text)
    data.write_text(text + block, encoding="utf-8")
    _result, issues = check_site(site_dir)
    assert not [i for i in issues if i.severity.value == "error"], [i.format() for i in issues]
    suggested = set(re.findall(r"^  (T[\w-]+):", block, flags=re.M))
    assert {"T3-2", "T3-3"} <= suggested and {i.check for i in issues if i.kept} == suggested
    # the suggested reason is a placeholder: kept, but each entry is asked for the real one
    placeholders = [i for i in issues if i.check == "L-ACK"]
    assert len(placeholders) == len(suggested) and all(i.severity.value == "warning" for i in placeholders)
    data.write_text(data.read_text(encoding="utf-8").replace("原件如此（写明核对的原件和日期）", "已与 2025-01-20 发布的原件核对"),
                    encoding="utf-8")
    _result, issues = check_site(site_dir)
    assert not [i for i in issues if i.check == "L-ACK"] and {i.check for i in issues if i.kept} == suggested


@pytest.mark.parametrize("kind", KINDS)
def test_text_in_table_four_is_named_with_its_place(site_dir, tmp_path, capsys, kind):
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T4", "review", "upheld"): "见附件"})
    src = corpus.write(report, "2021", kind, tmp_path / f"r.{kind}", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and "表四数字行中的 “见附件” 不是数字" in out and "（原文" in out, out
    assert not (site_dir / "data/xinhe").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_zero_width_space_in_a_cell_is_removed_and_said(site_dir, tmp_path, capsys, kind):
    """A cell that looks blank but holds a zero-width space (copied from a web page) is blank, and
    the import says what it removed and where."""
    report = corpus.with_cells(corpus.base_report("2021", seed=5), {("T3", "partial", "research"): "\u200b"})
    src = corpus.write(report, "2021", kind, tmp_path / f"r.{kind}", TITLE)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert re.search(r"已删除：.*第 \d+ 行：删除了分节符、分页符或零宽字符 '\\u200b'", out), out
    assert imported(site_dir, "xinhe", 2024)["applications"]["partial"]["research"] is None

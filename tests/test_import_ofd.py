"""The OFD reader on packages written by hand from GB/T 33190-2016's structures: coordinates through
Boundary and CTM, DeltaX with its ``g`` form, templates, PageBlocks, and the refusals of damaged
packages (a message in Chinese, nothing written, no traceback). The corpus round trip (a report
printed to PDF and converted to OFD) is in ``tests/browser/test_import_ofd.py``."""

from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.importers import expand_sources, plan_import
from nianbao.importers import ofd as ofd_reader
from nianbao.importers.document import Para
from nianbao.importers.ofd import Matrix, OfdError, deltas, path_points, read_ofd
from nianbao.importers.recognize import ImportError_

from .test_import import run, site_dir  # noqa: F401 - site_dir is a fixture

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def test_deltas_expand_the_g_form():
    assert deltas("1 g 3 2.5 4") == [1.0, 2.5, 2.5, 2.5, 4.0]
    assert deltas(None) == [] and deltas("") == []
    for bad in ("g 3", "g x 1", "1 a", "g 999999999 1", "g -2 1", "nan", "1 inf"):
        with pytest.raises(OfdError, match="不是有效的间距列表"):
            deltas(bad)


def test_path_points_split_sub_paths_and_mark_curves():
    assert path_points("M 0 0 L 10 0 L 10 5 C M 1 1 B 2 2 3 3 4 4", "p") == [
        ([(0, 0), (10, 0), (10, 5), (0, 0)], True), ([(1, 1), (4, 4)], False)]
    assert path_points("S 0 0 L 0 9", "p") == [([(0, 0), (0, 9)], True)]
    with pytest.raises(OfdError, match="不认识的命令“X”"):
        path_points("M 0 0 X 1", "p")
    with pytest.raises(OfdError, match="路径命令 L 后应为 2 个数字"):
        path_points("M 0 0 L 1", "p")


def test_matrix_applies_the_ctm_then_the_boundary():
    m = Matrix([0.5, 0, 0, 0.5, 1, 2], 10, 20)
    assert m(4, 6) == (10 + 2 + 1, 20 + 3 + 2)
    assert m.scale == 0.5
    assert Matrix(None, 3, 4)(1, 1) == (4, 5)


def _text(oid: int, x: float, y: float, text: str, size: float = 4.0, ctm: str | None = None, delta: str | None = None) -> str:
    """A TextObject whose Boundary starts at (x, y) mm; its baseline 0.9 × size below (object space)."""
    c = f' CTM="{ctm}"' if ctm else ""
    d = f' DeltaX="{delta}"' if delta else ""
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x} {y} 100 {size * 1.2}"{c} Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size * 0.9}"{d}>{text}</ofd:TextCode></ofd:TextObject>')


def _package(path, pages: list[str], template: str = "", extra: dict | None = None):
    """An OFD with ``pages`` (each the objects of one layer), the template's objects on every page;
    ``extra``: other parts, or a page's part as it is."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", f'<ofd:OFD {NS} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        entries = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        tpl = '<ofd:TemplatePage ID="99" BaseLoc="Tpl/Content.xml"/>' if template else ""
        z.writestr("Doc_0/Document.xml", (f'<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                   f'</ofd:PhysicalBox></ofd:PageArea>{tpl}</ofd:CommonData><ofd:Pages>{entries}</ofd:Pages></ofd:Document>'))
        for i, objs in enumerate(pages):
            if f"Doc_0/Pages/Page_{i}/Content.xml" in (extra or {}):
                continue
            use = '<ofd:Template TemplateID="99"/>' if template else ""
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<ofd:Page {NS}>{use}<ofd:Content><ofd:Layer ID="{i + 1}0">{objs}</ofd:Layer></ofd:Content></ofd:Page>')
        if template:
            z.writestr("Doc_0/Tpl/Content.xml", f'<ofd:Page {NS}><ofd:Content><ofd:Layer ID="98">{template}</ofd:Layer></ofd:Content></ofd:Page>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


# a ruled table of 2 rows × 3 columns at x 20–170 mm, y 100–120 mm: the outer frame one stroked
# rectangle in its own object space (Boundary at the table's corner), the inner rules one path of
# several sub-paths, the middle column split into two cells in the second row (so 4 columns)
TABLE = (
    '<ofd:PathObject ID="50" Boundary="20 100 150 20" LineWidth="0.25"><ofd:AbbreviatedData>M 0 0 L 150 0 L 150 20 L 0 20 C</ofd:AbbreviatedData></ofd:PathObject>'
    '<ofd:PathObject ID="51" Boundary="0 0 210 297" LineWidth="0.25"><ofd:AbbreviatedData>'
    'M 20 110 L 170 110 M 70 100 L 70 120 M 120 100 L 120 120 M 95 110 L 95 120</ofd:AbbreviatedData></ofd:PathObject>'
)
CELLS = (
    # first row: plain text objects in millimetres
    _text(60, 22, 102, "项目") + _text(61, 72, 102, "申请人情况") + _text(62, 122, 102, "总计")
    # second row: text in points scaled by a CTM (Size 11.34 pt = 4 mm), and DeltaX in the g form
    + _text(63, 22, 112, "本年新收", size=11.34, ctm="0.3528 0 0 0.3528 0 0", delta="g 3 11.34")
    + _text(64, 72, 112, "12") + _text(65, 97, 112, "3") + _text(66, 122, 112, "15")
)
PARAGRAPHS = (
    _text(1, 60, 30, "示例县新河镇人民政府", size=7) + _text(2, 30, 60, "一、总体情况", size=5)
    + '<ofd:PageBlock ID="3"><ofd:PageBlock ID="4">' + _text(5, 40, 70, "正文第一段。", size=5) + "</ofd:PageBlock></ofd:PageBlock>"
)


def test_a_hand_written_ofd_reads_to_paragraphs_and_a_ruled_table(tmp_path):
    src = _package(tmp_path / "r.ofd", [PARAGRAPHS + TABLE + CELLS + _text(9, 100, 280, "— 1 —", size=4)],
                   template=_text(8, 80, 8, "示例县政府信息公开专栏", size=3.5))
    doc = read_ofd(src, "r.ofd")
    # the template's header is read with the page (on one page it is not yet a running header)
    assert [b.text for b in doc.blocks if isinstance(b, Para)] == ["示例县政府信息公开专栏", "示例县新河镇人民政府", "一、总体情况", "正文第一段。"]
    (table,) = doc.tables
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 1, 1, "项目"), (0, 1, 1, 2, "申请人情况"), (0, 3, 1, 1, "总计"),
        (1, 0, 1, 1, "本年新收"), (1, 1, 1, 1, "12"), (1, 2, 1, 1, "3"), (1, 3, 1, 1, "15")]
    # a page number is dropped and said
    assert any("“— 1 —”" in d for d in doc.dropped), doc.dropped
    assert doc.kind == "ofd"


def test_the_template_header_of_every_page_is_dropped_as_a_running_header(tmp_path):
    pages = [PARAGRAPHS, _text(5, 30, 70, "第二页正文。", size=5)]
    doc = read_ofd(_package(tmp_path / "r.ofd", pages, template=_text(8, 80, 8, "示例县政府信息公开专栏", size=3.5)), "r.ofd")
    assert "专栏" not in "".join(b.text for b in doc.paragraphs)
    assert any("示例县政府信息公开专栏" in d for d in doc.dropped), doc.dropped


def test_a_page_box_with_an_offset_and_absolute_locations(tmp_path):
    """PhysicalBox "10 10 …" moves the page's origin; BaseLoc may be absolute from the package root."""
    src = tmp_path / "r.ofd"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("OFD.xml", f'<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        z.writestr("Doc_0/Document.xml", f'<ofd:Document {NS}><ofd:CommonData/><ofd:Pages>'
                   '<ofd:Page ID="1" BaseLoc="/Doc_0/P/1.xml"/></ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/P/1.xml", f'<ofd:Page {NS}><ofd:Area><ofd:PhysicalBox>10 10 210 297</ofd:PhysicalBox></ofd:Area>'
                   f'<ofd:Content><ofd:Layer ID="1">{TABLE}{CELLS}</ofd:Layer></ofd:Content></ofd:Page>')
    (table,) = read_ofd(src, "r.ofd").tables
    assert [c.text for c in table.cells] == ["项目", "申请人情况", "总计", "本年新收", "12", "3", "15"]


def test_a_directory_import_finds_ofd_files(tmp_path):
    (tmp_path / "a").mkdir()
    for name in ("a/x.ofd", "a/y.OFD", "a/z.zip"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in expand_sources([str(tmp_path / "a")])] == ["x.ofd", "y.OFD"]


def _damaged(tmp_path, monkeypatch, name: str):
    page = PARAGRAPHS + TABLE + CELLS
    if name == "not a zip":
        (tmp_path / "r.ofd").write_bytes(b"%PDF-1.7 not an OFD")
        return tmp_path / "r.ofd", "无法读取 OFD（文件损坏或不是 OFD）"
    if name == "encrypted":
        return _package(tmp_path / "r.ofd", [page], extra={"Doc_0/Encryptions.xml": "<x/>"}), "OFD 已加密"
    if name == "no document":
        with zipfile.ZipFile(tmp_path / "r.ofd", "w") as z:
            z.writestr("OFD.xml", f'<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        return tmp_path / "r.ofd", "包中缺少 Doc_0/Document.xml"
    if name == "broken xml":
        return _package(tmp_path / "r.ofd", ["<ofd:TextObject"]), "Doc_0/Pages/Page_0/Content.xml 不是有效的 XML"
    if name == "bad boundary":
        return (_package(tmp_path / "r.ofd", [page.replace('Boundary="20 100 150 20"', 'Boundary="20 100 x 20"')]),
                "ID=50 的 PathObject：“20 100 x 20”不是数字")
    if name == "bad path":
        return _package(tmp_path / "r.ofd", [page.replace("L 150 0 L", "L 150 0 Z")]), "ID=50 的 PathObject：路径数据中有不认识的命令“Z”"
    if name == "too large":  # the limit lowered below the page part's few KB
        monkeypatch.setattr(ofd_reader, "PART_LIMIT", 1000)
        return _package(tmp_path / "r.ofd", [page]), "Doc_0/Pages/Page_0/Content.xml 解压后超过"
    if name == "no pages":
        return _package(tmp_path / "r.ofd", []), "OFD 中没有页面"
    if name == "images only":
        pic = '<ofd:ImageObject ID="7" Boundary="10 10 100 100" CTM="100 0 0 100 0 0" ResourceID="1"/>'
        return _package(tmp_path / "r.ofd", [pic]), "OFD 中没有文字（可能是扫描件或图片）"
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["not a zip", "encrypted", "no document", "broken xml", "bad boundary", "bad path", "too large",
                                  "no pages", "images only"])
def test_a_damaged_ofd_is_refused_with_a_message_and_nothing_written(site_dir, tmp_path, capsys, monkeypatch, name):
    src, message = _damaged(tmp_path, monkeypatch, name)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1, out
    assert message in out, out
    assert "Traceback" not in out
    assert not (site_dir / "content").exists() and not list(site_dir.glob("data/*/*.yml"))


VALUES = ["", "0", "-5", "1e9", "-1e9", "nan", "inf", "x", "g 2", "g 2 3", "g 99999999 1", "1 2", "1 2 3 4", "0 0 0 0", "3.5", "M 0 0", "C", "L 1 1"]
_VALUE = re.compile(r'(?<==")[^"]*(?=")|(?<=<ofd:AbbreviatedData>)[^<]*|(?<=">)[^<]+(?=</ofd:TextCode>)')


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_package_reads_or_says_why_never_an_exception(tmp_path_factory, data):
    """Attribute values, path data and text of the page changed (to nothing, to huge, negative or
    non-finite numbers, to the wrong count of numbers) or bytes cut: the reader gives a document or
    an import refusal (ImportError_ with a Chinese message), never another exception."""
    work = tmp_path_factory.mktemp("ofd")
    page = f'<ofd:Page {NS}><ofd:Content><ofd:Layer ID="1">{PARAGRAPHS}{TABLE}{CELLS}</ofd:Layer></ofd:Content></ofd:Page>'
    spans = [m.span() for m in _VALUE.finditer(page)]
    for i in sorted(data.draw(st.lists(st.integers(0, len(spans) - 1), min_size=1, max_size=6, unique=True)), reverse=True):
        a, b = spans[i]
        page = page[:a] + data.draw(st.sampled_from(VALUES)) + page[b:]
    if data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(page) - 1))
        page = page[:i] + page[i + data.draw(st.integers(1, 40)):]
    src = _package(work / "r.ofd", ["X"], extra={"Doc_0/Pages/Page_0/Content.xml": page.encode()})
    try:
        doc = read_ofd(src, "r.ofd")
    except ImportError_ as e:
        assert str(e) and not str(e).isascii()
        return
    assert doc.blocks
    plan = plan_import(src, work)  # and recognising what was read refuses or plans, never raises
    assert plan.error is None or not plan.error.isascii()

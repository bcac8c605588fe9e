"""nianbao import of what an office suite makes: Word 97 ``.doc`` files, ``.wps`` files (a Word 97
file under WPS Office's suffix) and PDFs exported by LibreOffice Writer, all made by LibreOffice
from the generated corpus's ``.docx``, must import to exactly the corpus's figures.

LibreOffice's PDF export draws a ruling line where a page break cuts a table row (as Word does;
Chromium's print, which tests/browser/test_import_pdf.py uses, does not): the corpus's narrow
label columns make tables 3 and 4 run over several pages and cut rows, labels and headers.

Needs LibreOffice (Debian's libreoffice-writer-nogui, which scripts/install-test-tools installs):
skipped locally without it, a failure in CI."""

from __future__ import annotations

import os
import shutil

import pytest

from . import corpus
from .test_import import TITLE, VARIANTS, imported, run, site_dir, tables_of  # noqa: F401 - site_dir is a fixture

CASES = [(fid, v) for fid in ("2021", "2019") for v in ("plain", "blanks", "na_marks", "fullwidth")]


@pytest.fixture(scope="module")
def office():
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing: .ci/run should have installed Debian's libreoffice-writer-nogui")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui)")


def _report(fid: str, variant: str) -> dict:
    changes, _layout, _notes = VARIANTS[variant]
    report = corpus.with_cells(corpus.base_report(fid, seed=corpus.stable_seed("office", fid, variant)), changes)
    if fid == "2019":
        report = corpus.with_cells(report, {("T2", "admin_license", "yoy_change"): "+3"})
    return report


def _title(fid: str) -> str:
    return TITLE if fid == "2021" else TITLE.replace("2024", "2020")


@pytest.fixture(scope="module")
def converted(office, tmp_path_factory):
    """Every case as .docx, and LibreOffice's .doc and .pdf of it (two LibreOffice runs in all)."""
    folder = tmp_path_factory.mktemp("office")
    sources = [corpus.write(_report(fid, v), fid, "docx", folder / f"{fid}-{v}.docx", _title(fid)) for fid, v in CASES]
    corpus.office_convert(sources, "doc", folder)
    corpus.office_convert(sources, "pdf", folder)
    return folder


@pytest.mark.parametrize("kind", ["doc", "pdf"])
@pytest.mark.parametrize("fid,variant", CASES, ids=[f"{f}-{v}" for f, v in CASES])
def test_office_files_import_to_the_known_figures(converted, site_dir, capsys, kind, fid, variant):
    report = _report(fid, variant)
    code, out = run(capsys, "import", str(converted / f"{fid}-{variant}.{kind}"), "--root", str(site_dir))
    assert code == 0, out
    assert f"格式：{fid}" in out
    assert tables_of(imported(site_dir, "xinhe", 2024 if fid == "2021" else 2020)) == corpus.expected(report)
    for note in VARIANTS[variant][2]:
        assert note in out, (note, out)
    if kind == "pdf":
        # rows cut by page breaks with a line drawn at the cut were put back together, and said so
        assert "表格中被分页截断的一行" in out, out


def test_wps_file_imports_like_the_word_file(converted, site_dir, tmp_path, capsys):
    wps = tmp_path / "report.wps"
    shutil.copyfile(converted / "2021-plain.doc", wps)
    code, out = run(capsys, "import", str(wps), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(_report("2021", "plain"))


@pytest.mark.parametrize("content,message", [
    (bytes(range(256)) * 40, "LibreOffice 无法打开 notes.doc（文件损坏，或不是 Word/WPS 文档）"),
    ("会议纪要：本年度工作安排。".encode("utf-8"), "没有识别出任何统计表"),  # LibreOffice reads plain text
], ids=["binary", "text"])
def test_a_doc_that_is_not_a_report_fails_and_writes_nothing(office, site_dir, tmp_path, capsys, content, message):
    src = tmp_path / "notes.doc"
    src.write_bytes(content)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1 and message in out, out
    assert "Traceback" not in out and "javaldx" not in out
    assert not (site_dir / "content").exists() and sorted(p.name for p in (site_dir / "data").iterdir()) == ["units.yml"]


def test_a_report_from_before_2019_in_word_97_imports_as_printed(office, site_dir, tmp_path, capsys):
    """A report for 2016 as a Word 97 file (LibreOffice's conversion of the HTML one): the same
    tables as printed as from the HTML."""
    import yaml

    from .test_legacy import HTML

    html = tmp_path / "r2016.html"
    html.write_text(HTML, encoding="utf-8")
    (doc,) = corpus.office_convert([html], "doc", tmp_path)
    results = []
    for src in (html, doc):
        root = tmp_path / f"site-{src.suffix[1:]}"
        shutil.copytree(site_dir, root)
        code, out = run(capsys, "import", str(src), "--unit", "xinhe", "--root", str(root))
        assert code == 0, out
        results.append(yaml.safe_load((root / "data/xinhe/2016.yml").read_text(encoding="utf-8"))["tables"])
    assert results[1] == results[0] and results[0][0]["rows"][0] == ["一、主动公开情况"]


@pytest.mark.parametrize("suffix", ["xls", "et"])
def test_tables_from_an_excel_97_attachment(office, site_dir, tmp_path, capsys, suffix):
    """An .xls attachment (and the same file under WPS Spreadsheets' .et), converted by LibreOffice
    (Debian's libreoffice-calc-nogui), reads as the .xlsx it was made from."""
    import re

    if not os.path.exists("/usr/lib/libreoffice/program/libsclo.so") and not os.environ.get("CI"):
        pytest.skip("LibreOffice Calc not installed (apt-get install libreoffice-calc-nogui)")
    from nianbao.importers.html import read_html

    from .test_import import grids_to_xlsx

    report = _report("2021", "blanks")
    full = corpus.write(report, "2021", "html", tmp_path / "full.html", TITLE)
    xlsx = grids_to_xlsx([(f"表{n}", g) for n, g in zip("二三四", read_html(full, "x").tables)], tmp_path / "tables.xlsx")
    (xls,) = corpus.office_convert([xlsx], "xls", tmp_path / "out")
    src = xls.rename(xls.with_suffix(f".{suffix}"))
    page = tmp_path / "page.html"
    page.write_text(re.sub(r"(?s)<table.*?</table>", "", full.read_text(encoding="utf-8")), encoding="utf-8")
    code, out = run(capsys, "import", str(page), "--tables", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    # a file that is not a spreadsheet: LibreOffice's refusal, said plainly
    bad = tmp_path / f"bad.{suffix}"
    bad.write_bytes(b"\x00" * 64)
    code, out = run(capsys, "import", str(page), "--tables", str(bad), "--root", str(site_dir), "--force")
    assert code == 1 and "Traceback" not in out and ("无法打开 bad" in out or "没有表格" in out), out


def test_a_word_97_file_named_docx_is_converted(converted, site_dir, tmp_path, capsys):
    """A .doc renamed .docx (as mail and portals do): read by its content, through LibreOffice."""
    src = tmp_path / "renamed.docx"
    shutil.copy(converted / "2021-plain.doc", src)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert "文件扩展名为 .docx，内容是 Office 97 格式（.doc）：经 LibreOffice 转换读取" in out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(_report("2021", "plain"))

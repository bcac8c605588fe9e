"""nianbao import of OFD reports (GB/T 33190): the generated corpus printed to PDF by Chromium, then
converted to OFD in the two ways converters write it (``tests/ofd.py``: millimetre text lines with
``DeltaX`` and stroked rules, or one CTM-scaled object per character with filled bars for rules),
must import to exactly its figures and to the same narrative as the PDF it was made from.

Needs Debian's Chromium to make the PDFs (skipped locally without it, a failure in CI)."""

from __future__ import annotations

import re

import pytest

from nianbao.importers import plan_import, write_plan

from .. import corpus
from ..ofd import pdf_to_ofd
from ..test_import import REGISTRY, TITLE, run, site_dir  # noqa: F401 - site_dir is a fixture
from .test_import_pdf import PDF_VARIANTS, _narrative, _png, _title, check_corpus_import, check_running_header_removed

STYLES = ("mm", "pt")
# every variant once for each format, the two writers' styles taking turns
CASES = [(f, v, STYLES[(i + k) % 2]) for k, f in enumerate(("2021", "2019")) for i, v in enumerate(PDF_VARIANTS)]


@pytest.mark.parametrize("fid,variant,style", CASES, ids=[f"ofd-{f}-{v}-{s}" for f, v, s in CASES])
def test_corpus_ofd_imports_to_the_known_figures(browser, site_dir, tmp_path, capsys, fid, variant, style):
    check_corpus_import(browser, site_dir, tmp_path, capsys, fid, variant, "ofd", {"ofd_style": style})
    assert not (tmp_path / "report.pdf").exists()  # the PDF it was made from is not left beside it


@pytest.mark.parametrize("style", STYLES)
def test_ofd_gives_the_narrative_and_tables_of_the_pdf_it_was_made_from(browser, tmp_path, style):
    report = corpus.base_report("2021", seed=11)
    pdf = corpus.write(report, "2021", "pdf", tmp_path / "r.pdf", _title("2021"), browser=browser)
    ofd = pdf_to_ofd(pdf, tmp_path / "r.ofd", style)
    out, data = {}, {}
    for src in (pdf, ofd):
        root = tmp_path / src.suffix[1:]
        (root / "data").mkdir(parents=True)
        (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
        plan = plan_import(src, root)
        assert plan.error is None, plan.error
        write_plan(plan, root)
        out[src.suffix] = _narrative(root, 2024)
        data[src.suffix] = plan.data_text.replace(src.name, "SOURCE")
    assert out[".ofd"] == out[".pdf"]
    assert "## 五、存在的主要问题及改进情况" in out[".ofd"]
    assert data[".ofd"] == data[".pdf"]
    assert not re.search("[\u2e80-\u2fdf]", out[".ofd"])  # radical code points put back, as in a PDF


def test_running_header_in_a_template_page_and_repeated_table_header_are_removed(browser, site_dir, tmp_path, capsys):
    out = check_running_header_removed(browser, site_dir, tmp_path, capsys, "ofd", {"ofd_style": "mm"})
    assert re.search(r"OFD 的字体把 \d+ 处汉字映射成了形状相同的部首字符", out), out


@pytest.mark.parametrize("style", STYLES)
def test_scanned_ofd_fails_and_a_picture_page_is_named(browser, site_dir, tmp_path, capsys, style):
    scan = corpus.print_pdf(browser, f'<!DOCTYPE html><html><body><img src="{_png()}" alt=""></body></html>', tmp_path / "scan.pdf",
                            page_numbers=False)
    code, out = run(capsys, "import", str(pdf_to_ofd(scan, tmp_path / "scan.ofd", style)), "--root", str(site_dir))
    assert code == 1
    assert "OFD 中没有文字" in out and "OCR" in out
    assert not (site_dir / "content").exists() and not (site_dir / "data/xinhe").exists()

    report = corpus.base_report("2021", seed=5)
    body = corpus.to_html(report, "2021", TITLE, {"document": True})
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{corpus.PDF_STYLE}</style></head><body>{body}'
            f'<div style="break-before: page"><img src="{_png()}" alt=""></div></body></html>')
    pdf = corpus.print_pdf(browser, page, tmp_path / "r.pdf", page_numbers=False)
    code, out = run(capsys, "import", str(pdf_to_ofd(pdf, tmp_path / "r.ofd", style)), "--root", str(site_dir))
    assert code == 0, out
    assert re.search(r"第 \d 页只有图片、没有文字，其内容未能导入", out), out

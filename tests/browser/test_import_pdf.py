"""nianbao import of PDF reports: the generated corpus printed to PDF by Chromium (tables ruled,
table 3 broken across pages through its stub cell, page numbers in the footer) must import to
exactly its figures and the same narrative as the HTML it was printed from.

Needs Debian's Chromium to make the PDFs: the browser tests' session browser (skipped locally
without it, a failure in CI)."""

from __future__ import annotations

import base64
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings

from nianbao.importers import plan_import, write_plan

from .. import corpus
from ..test_import import REGISTRY, TITLE, VARIANTS, imported, reports, run, site_dir, tables_of  # noqa: F401 - site_dir is a fixture


@pytest.fixture
def chromium(browser):
    """The session's Chromium (one Playwright per process: a second one cannot start beside it)."""
    return browser


def _year(fid: str) -> int:
    return 2024 if fid == "2021" else 2020


def _title(fid: str) -> str:
    return TITLE.replace("2024", str(_year(fid)))


# glued cells: in a ruled PDF table the glued row shows an empty cell beside the glued one, so the
# row has all its cells and "0 0" cannot be split by count: the import fails (test below), as .docx
PDF_VARIANTS = [v for v in VARIANTS if v != "glued"]
CASES = [(f, v) for f in ("2021", "2019") for v in PDF_VARIANTS]


@pytest.mark.parametrize("fid,variant", CASES, ids=[f"pdf-{f}-{v}" for f, v in CASES])
def test_corpus_pdf_imports_to_the_known_figures(chromium, site_dir, tmp_path, capsys, fid, variant):
    check_corpus_import(chromium, site_dir, tmp_path, capsys, fid, variant, "pdf")


def check_corpus_import(browser, site_dir, tmp_path, capsys, fid: str, variant: str, kind: str, layout: dict | None = None) -> None:
    """The corpus report in ``variant``, printed by Chromium (``kind`` "pdf", or "ofd": then
    converted), imports to its known figures with the variant's notes."""
    changes, own, notes = VARIANTS[variant]
    report = corpus.with_cells(corpus.base_report(fid, seed=corpus.stable_seed(kind, fid, variant)), changes)
    if fid == "2019":
        report = corpus.with_cells(report, {("T2", "admin_license", "yoy_change"): "+3"})
        notes = notes + ["带正号"]
    src = corpus.write(report, fid, kind, tmp_path / f"report.{kind}", _title(fid), {**own, **(layout or {})}, browser=browser)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert f"格式：{fid}" in out
    assert tables_of(imported(site_dir, "xinhe", _year(fid))) == corpus.expected(report)
    for n in notes:
        assert n in out, (n, out)
    # the page numbers printed in the footer are not content, and the import says it removed them
    assert re.search(r"已删除：页眉页脚（页码等）\d+ 行：“— 1 —”", out), out
    if variant == "bad_totals":
        assert "错误 T3-3" in out and "错误 T3-2" in out


def test_glued_cell_beside_an_empty_one_fails_and_writes_nothing(chromium, site_dir, tmp_path, capsys):
    changes, layout, _notes = VARIANTS["glued"]
    report = corpus.with_cells(corpus.base_report("2021", seed=3), changes)
    src = corpus.write(report, "2021", "pdf", tmp_path / "r.pdf", TITLE, layout, browser=chromium)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1, out
    assert "是用空格隔开的几个数字" in out
    assert not (site_dir / "content").exists()


def _narrative(root, year: int) -> str:
    text = (root / f"content/xinhe/{year}.md").read_text(encoding="utf-8")
    return text.split("\n", 1)[1]  # less the first line, which names the source file


@pytest.mark.parametrize("fid", ["2021", "2019"])
def test_pdf_gives_the_narrative_of_the_page_it_was_printed_from(chromium, tmp_path, fid):
    report = corpus.base_report(fid, seed=11)
    out = {}
    for kind in ("html", "pdf"):
        root = tmp_path / kind
        (root / "data").mkdir(parents=True)
        (root / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
        src = corpus.write(report, fid, kind, tmp_path / f"r.{kind}", _title(fid), browser=chromium)
        plan = plan_import(src, root)
        assert plan.error is None, plan.error
        write_plan(plan, root)
        out[kind] = _narrative(root, _year(fid))
    assert out["pdf"] == out["html"]
    assert "## 五、存在的主要问题及改进情况" in out["pdf"] and "统计期限自2024年1月1日起至2024年12月31日止。" in out["pdf"]
    assert not re.search("[\u2e80-\u2fdf]", out["pdf"])  # no radical code points left


def test_running_header_and_repeated_table_header_are_removed_and_said(chromium, site_dir, tmp_path, capsys):
    check_running_header_removed(chromium, site_dir, tmp_path, capsys, "pdf")


def check_running_header_removed(browser, site_dir, tmp_path, capsys, kind: str, layout: dict | None = None) -> str:
    """A report with a running header on every page and its table's header repeated on the next
    page, printed by Chromium (``kind`` "pdf", or "ofd": then converted with ``layout``'s style),
    imports to its known figures without the header, and says what it removed. The output."""
    report = corpus.base_report("2021", seed=5)
    layout = {"running_header": "示例县人民政府信息公开专栏", "repeat_header": True, **(layout or {})}
    src = corpus.write(report, "2021", kind, tmp_path / f"r.{kind}", TITLE, layout, browser=browser)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert out.count("“示例县人民政府信息公开专栏”") >= 2, out
    assert re.search(r"第 \d 页：删除了续表重复的表头（3 行）", out), out
    assert "专栏" not in (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")
    return out


def test_radicals_are_put_back_and_counted(chromium, site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=5)
    src = corpus.write(report, "2021", "pdf", tmp_path / "r.pdf", TITLE, browser=chromium)
    raw = src.read_bytes()
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    m = re.search(r"PDF 的字体把 (\d+) 处汉字映射成了形状相同的部首字符（(.*?)）", out)
    # Chromium's Noto CJK maps e.g. 人 and 民 to radicals; if a future Chromium stops doing so the
    # note must go too (then this test says so rather than passing on nothing)
    assert m and int(m[1]) > 0, out
    assert "⺠→民" in m[2] or "⼈→人" in m[2]
    data = (site_dir / "data/xinhe/2024.yml").read_text(encoding="utf-8")
    assert "人民政府" in data and not re.search("[\u2e80-\u2fdf]", data)
    assert src.read_bytes() == raw  # the source is never touched


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 120), (40, 40, 40)).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_scanned_pdf_fails_and_writes_nothing(chromium, site_dir, tmp_path, capsys):
    src = corpus.print_pdf(chromium, f'<!DOCTYPE html><html><body><img src="{_png()}" alt=""></body></html>', tmp_path / "scan.pdf",
                           page_numbers=False)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 1
    assert "没有文字" in out and "OCR" in out
    assert not (site_dir / "content").exists() and not (site_dir / "data/xinhe").exists()


def test_a_page_that_is_only_an_image_is_named(chromium, site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=5)
    body = corpus.to_html(report, "2021", TITLE, {"document": True})
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{corpus.PDF_STYLE}</style></head><body>{body}'
            f'<div style="break-before: page"><img src="{_png()}" alt=""></div></body></html>')
    src = corpus.print_pdf(chromium, html, tmp_path / "r.pdf", page_numbers=False)
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert re.search(r"第 \d 页只有图片、没有文字，其内容未能导入", out), out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports())
def test_pdf_round_trip_property(chromium, tmp_path_factory, data):
    fid, report = data
    work = tmp_path_factory.mktemp("prop")
    (work / "data").mkdir()
    (work / "data/units.yml").write_text(REGISTRY, encoding="utf-8")
    src = corpus.write(report, fid, "pdf", work / "r.pdf", _title(fid), browser=chromium)
    plan = plan_import(src, work)
    assert plan.error is None, plan.error
    write_plan(plan, work)
    assert tables_of(imported(work, "xinhe", _year(fid))) == corpus.expected(report)

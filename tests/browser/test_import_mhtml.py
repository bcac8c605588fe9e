"""nianbao import of a page saved as one file by Chromium ("网页，单个文件", .mhtml: the page
captured by Blink, quoted-printable, with its pictures and styles as further parts)."""

from __future__ import annotations

from .. import corpus
from ..test_import import TITLE, imported, run, site_dir, tables_of  # noqa: F401 - site_dir is a fixture


def test_a_page_chromium_saved_as_one_file_imports_like_the_page(browser, site_dir, tmp_path, capsys):
    report = corpus.base_report("2021", seed=8)
    page = browser.new_page()
    try:
        page.set_content(corpus.to_html(report, "2021", TITLE, {}))
        snapshot = page.context.new_cdp_session(page).send("Page.captureSnapshot", {"format": "mhtml"})["data"]
    finally:
        page.close()
    src = tmp_path / "r.mhtml"
    src.write_bytes(snapshot.encode("utf-8"))  # Blink returns the file as text (ASCII: the parts are encoded)
    assert "Content-Type: multipart/related" in snapshot and "本年新收" not in snapshot
    code, out = run(capsys, "import", str(src), "--root", str(site_dir))
    assert code == 0, out
    assert tables_of(imported(site_dir, "xinhe", 2024)) == corpus.expected(report)
    assert "## 一、总体情况" in (site_dir / "content/xinhe/2024.md").read_text(encoding="utf-8")

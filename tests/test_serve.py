"""`mkdocs serve`: unchanged files are not parsed again, unchanged pages not rendered again, and what
is served after an edit is exactly what a clean `mkdocs build` of the edited portal gives."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from nianbao.loader import load_site
from nianbao.pages import Stash

from .conftest import mkdocs_build


# ------------------------------------------------------------------------------- the caches


def test_load_cache_reuses_unchanged_files_and_reads_changed_ones(site):
    s = site("sample")
    cache: dict = {}
    first = load_site(s.root, cache=cache).site
    assert len(cache) == len(first.reports) * 2  # every data file and every narrative
    s.edit("data/dongcheng/2023.yml", "admin_license:  14 ", "admin_license:  15 ")
    second = load_site(s.root, cache=cache).site
    assert second.reports[("dongcheng", 2023)] is not first.reports[("dongcheng", 2023)]
    assert second.reports[("dongcheng", 2023)].table("T2").cell("admin_license", "decisions").value == 15
    # the others are the very objects parsed before: their files were not read again
    assert second.reports[("dongcheng", 2022)].table("T2") is first.reports[("dongcheng", 2022)].table("T2")
    assert second.reports[("nanhu", 2023)].narrative is first.reports[("nanhu", 2023)].narrative
    # and without a cache nothing is shared
    assert load_site(s.root).site.reports[("nanhu", 2023)].narrative is not first.reports[("nanhu", 2023)].narrative


def test_stash_fingerprint_covers_blocks_and_deferred_keys():
    def digest(*blocks):
        st, h = Stash(), hashlib.sha256()
        for html, key in blocks:
            st.add(html, key)
        return h.hexdigest() if st.fingerprint(h) else None

    table = lambda: "<table></table>"  # noqa: E731
    base = digest(("<p>a</p>", None), (table, ("2021", 1)))
    assert base is not None
    assert digest(("<p>a</p>", None), (table, ("2021", 1))) == base
    assert digest(("<p>b</p>", None), (table, ("2021", 1))) != base
    assert digest(("<p>a</p>", None), (table, ("2021", 2))) != base
    # a deferred block without a key cannot be known without rendering it: no fingerprint
    assert digest(("<p>a</p>", None), (table, None)) is None


# ------------------------------------------------------------------------------- mkdocs serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait(fn, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


LIVERELOAD = re.compile(r"<script>\s*var livereload = function.*?</script>(?=\s*</body>)", re.S)  # mkdocs serve's

PAGES = ["", "dongcheng/2023/", "dongcheng/2022/", "dongcheng/", "nanhu/2023/", "years/2023/", "status/", "units/", "data/"]


@pytest.fixture
def served(site, tmp_path):
    s = site("sample")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    s.edit("mkdocs.yml", "docs_dir: content", f"site_url: {base}\ndocs_dir: content")
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(s.path("mkdocs.yml")), "-a", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        _wait(lambda: _get(base + "dongcheng/2023/"), "the first build")
        yield s, base, tmp_path / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _report_json(base: str):
    text = _get(base + "data/reports/dongcheng/2023.json")
    return json.loads(text) if text else None


def test_serve_shows_an_edit_and_serves_what_a_clean_build_makes(served, tmp_path):
    s, base, log = served
    # the open data and the search index come in the background after the first build
    _wait(lambda: _get(base + "pagefind/pagefind-entry.json"), "the search index")
    before = _wait(lambda: _report_json(base), "the open data")
    assert before["proactive"]["admin_license"]["decisions"] == 14

    s.edit("data/dongcheng/2023.yml", "admin_license:  14 ", "admin_license:  12345 ")
    s.edit("data/dongcheng/2023.yml", "title: 示例县东城街道办事处2023年政府信息公开工作年度报告",
           "title: 示例县东城街道办事处2023年政府信息公开工作年度报告（修订）")
    page = _wait(lambda: (p := _get(base + "dongcheng/2023/")) and ">12345<" in p and p, "the edited page")
    assert "年度报告（修订）" in page
    # the pages that name the report (its unit, the year index) changed too: nothing stale is served
    _wait(lambda: "年度报告（修订）" in (_get(base + "dongcheng/") or ""), "the unit page")
    # a second edit at once: the first edit's background work (open data, search index) is cancelled
    # and redone for the newer state
    s.edit("data/dongcheng/2023.yml", "admin_license:  12345 ", "admin_license:  12346 ")
    _wait(lambda: ">12346<" in (_get(base + "dongcheng/2023/") or ""), "the second edit")
    after = _wait(lambda: (j := _report_json(base)) and j["proactive"]["admin_license"]["decisions"] == 12346 and j,
                  "the open data of the last edit")
    assert after["meta"]["title"].endswith("（修订）")
    _wait(lambda: "数据下载和搜索索引已在后台更新" in log.read_text(encoding="utf-8").split("Detected file changes")[-1],
          "the background work of the rebuild")

    built = tmp_path / "built"
    r = mkdocs_build(s.root, built, strict=False)
    assert r.returncode == 0, r.stderr
    for url in PAGES:
        served_html = LIVERELOAD.sub("", _get(base + url))
        expected = (built / url / "index.html").read_text(encoding="utf-8")
        assert served_html == expected, f"/{url} served differs from a clean build"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text and "ERROR" not in text, text

"""Browser tests: Debian's Chromium driven by Playwright, against a built site served on localhost.

Locally they are skipped when /usr/bin/chromium is missing; in CI (CI=true) that is a failure,
since .ci/run installs it.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
from ..conftest import ROOT, mkdocs_build  # noqa: E402
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


def _require_browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    pytest.importorskip("playwright")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (ephemeral port); returns (base_url, shutdown)."""
    handler = functools.partial(_Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd.shutdown


def build_site(project: Path, out: Path) -> None:
    p = mkdocs_build(project, out)
    assert p.returncode == 0, p.stderr


# the original left the total of （一）予以公开 blank (spec §9.1.1): T3-2 and T3-3 fail, kept as published
KEPT_REPORT = "nanhu/2021.yml"
KEPT_EDIT = ("  granted:                 [2, 0, 0, 0, 0, 0, 2]", "  granted:                 [2, 0, 0, 0, 0, 0, ~]")
KEPT_ENTRIES = ("as_published:\n  T3-2: 原件“（一）予以公开”一行总计栏空白；已与 2022-03-10 发布的原件核对\n"
                "  T3-3: 原件“（一）予以公开”一行总计栏空白；已与 2022-03-10 发布的原件核对\n")


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def repo_url(tmp_path_factory):
    _require_browser()
    root = tmp_path_factory.mktemp("browser-repo")
    # served under a sub-path, as on a GitHub Pages project site
    build_site(ROOT, root / "nianbao")
    base, stop = serve(root)
    yield base + "/nianbao"
    stop()


@pytest.fixture(scope="session")
def sample_url(tmp_path_factory, browser):
    """The sample county, built (without --strict: it has a report with warnings on purpose) and served,
    with one report whose original's errors are kept as published (``KEPT_REPORT``: 原件错误 shown)."""
    root = tmp_path_factory.mktemp("sample-site")
    project = root / "sample"
    shutil.copytree(ROOT / "tests/sites/sample", project)
    kept = project / "data" / KEPT_REPORT
    text = kept.read_text(encoding="utf-8")
    assert KEPT_EDIT[0] in text
    kept.write_text(text.replace(*KEPT_EDIT).replace("\nmeta:\n", "\n" + KEPT_ENTRIES + "meta:\n", 1), encoding="utf-8")
    p = mkdocs_build(project, root / "site", strict=False)
    assert p.returncode == 0, p.stderr
    base, stop = serve(root / "site")
    yield base
    stop()


@pytest.fixture
def page_of(browser):
    """A fresh page that records every request it makes, and the responses that were errors."""
    opened = []

    def make(**kwargs):
        ctx = browser.new_context(**kwargs)
        pg = ctx.new_page()
        pg.requests = []  # type: ignore[attr-defined]
        pg.failed = []  # type: ignore[attr-defined]  # (status, url) of responses that were errors
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.on("response", lambda r: r.status >= 400 and pg.failed.append((r.status, r.url)))
        opened.append(ctx)
        return pg

    yield make
    for ctx in opened:
        ctx.close()


def screenshot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


__all__ = ["serve", "build_site", "screenshot", "shutil"]

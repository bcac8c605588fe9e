"""Search across shards in a real browser: one query page over both shards' Pagefind bundles."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import pytest

from ..test_shards import assembled  # noqa: F401 - the module fixture
from .conftest import screenshot, serve


@pytest.fixture(scope="module")
def national(assembled, browser):  # noqa: F811
    base, stop = serve(assembled.parent)
    yield base + "/" + assembled.name
    stop()


def results(pg, query):
    pg.fill(".pagefind-ui__search-input", query)
    pg.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    pg.wait_for_timeout(500)
    pg.wait_for_function("!document.querySelector('.pagefind-ui__results .pagefind-ui__loading')", timeout=15000)
    return [unquote(urlparse(h).path) for h in pg.eval_on_selector_all(
        ".pagefind-ui__result-title .pagefind-ui__result-link", "es => es.map(e => e.getAttribute('href'))")]


def test_search_finds_reports_in_either_shard(page_of, national):
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(national + "/search/")
    prefix = urlparse(national).path
    # terms found in one shard only: the best result comes from that shard (weaker partial matches may follow)
    assert results(pg, "疫情防控")[0] == prefix + "/basic/demo/2020/"
    only_sample = results(pg, "殡葬改革")
    assert only_sample[0].startswith(prefix + "/sample/"), only_sample
    # and a result link leads to the report inside the assembled tree
    pg.click(".pagefind-ui__result-title .pagefind-ui__result-link >> nth=0")
    pg.wait_for_load_state()
    assert "政府信息公开工作年度报告" in pg.title()


@pytest.mark.parametrize("path", ["/", "/rollup/2023/", "/search/?q=政务公开"])
def test_national_pages_pass_the_quality_gates(page_of, national, path):
    """The assembled site's own pages (home, national roll-up, search): every resource they ask for
    is there and on this host (the portal's stylesheets, from the first shard), axe (WCAG 2.1 A/AA
    and the table rules), and no page wider than a phone's screen."""
    from .test_quality import TABLE_RULES, WCAG, violations

    for ctx in ({"viewport": {"width": 1280, "height": 900}}, {"viewport": {"width": 360, "height": 780}}):
        pg = page_of(**ctx)
        pg.goto(national + path)
        if path.startswith("/search/"):
            pg.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        pg.wait_for_load_state("networkidle")
        assert pg.failed == [] and {urlparse(u).netloc for u in pg.requests} == {urlparse(national).netloc}, (path, pg.failed)
        assert any("/basic/assets/stylesheets/main." in u for u in pg.requests)
        assert violations(pg, WCAG) == [] and violations(pg, TABLE_RULES) == [], (path, ctx)
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, ctx)
    screenshot(pg, "national-" + (path.split("?")[0].strip("/").replace("/", "-") or "home") + "-phone")

"""Quality gates in a real browser, on every page type: accessibility (axe-core, WCAG 2.1 A/AA and
the table rules axe leaves off by default), keyboard use, zoom and phone width, screenshots, and
requests to the local server only."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from .conftest import screenshot

PAGES = {
    "home": "/",
    "report-2021": "/xishan/2023/",
    "report-2019": "/xishan/2020/",
    "report-legacy": "/xishan/2018/",
    "report-collapsed": "/beiling/2021/",
    "report-kept": "/nanhu/2021/",  # errors of the original kept as published: 原件错误 in the check box
    "unit": "/xishan/",
    "county": "/shili/",
    "units": "/units/",
    "year": "/years/2023/",
    "year-legacy": "/years/2018/",
    "years": "/years/",
    "not-found": "/404.html",
    "rollup": "/rollup/shili/2021/",
    "status": "/status/",
    "data": "/data/",
    "search": "/search/?q=政务公开",
}
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TABLE_RULES = {"runOnly": {"type": "rule", "values": ["td-headers-attr", "th-has-data-cells", "td-has-header"]}}


def open_page(page_of, base, path, **ctx):
    pg = page_of(**({"viewport": {"width": 1280, "height": 900}} | ctx))
    pg.goto(base + path)
    if path.startswith("/search/"):
        pg.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    pg.wait_for_load_state("networkidle")
    return pg


def violations(pg, options) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(pg, options=options)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:200]}"
            for v in result.response["violations"]]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(page_of, sample_url, name, scheme):
    pg = open_page(page_of, sample_url, PAGES[name], color_scheme=scheme)
    assert violations(pg, WCAG) == []
    assert violations(pg, TABLE_RULES) == []


@pytest.mark.parametrize("name", ["report-2021", "year", "home"])
def test_axe_in_care_mode(page_of, sample_url, name):
    pg = open_page(page_of, sample_url, PAGES[name])
    pg.click("[data-nb-care]")
    assert violations(pg, WCAG) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_and_200_percent_zoom(page_of, sample_url, name):
    for ctx in ({"viewport": {"width": 360, "height": 780}}, {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}):
        pg = open_page(page_of, sample_url, PAGES[name], **ctx)
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, ctx)
        # whatever is wider than the screen is a table in its own scroll box
        wide = pg.evaluate("""[...document.querySelectorAll('.md-content table')].filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
            .filter(t => !['auto', 'scroll'].includes(getComputedStyle(t.parentElement).overflowX)).length""")
        assert wide == 0, name
        clipped = pg.evaluate("""[...document.querySelectorAll('.md-content p, .md-content li, .md-content h1, .md-content h2, .md-content dd')]
            .filter(e => e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflowX !== 'visible').length""")
        assert clipped == 0, name
    screenshot(pg, f"{name}-zoom200")


@pytest.mark.parametrize("name", list(PAGES))
def test_screenshots_and_local_requests_only(page_of, sample_url, name):
    hosts, failed = set(), []
    for width, label in ((1280, "desktop"), (390, "phone")):
        pg = open_page(page_of, sample_url, PAGES[name], viewport={"width": width, "height": 900})
        screenshot(pg, f"{name}-{label}")
        hosts |= {urlparse(u).netloc for u in pg.requests if not u.startswith(("data:", "blob:"))}
        failed += pg.failed
    assert hosts == {urlparse(sample_url).netloc}
    assert failed == []  # nothing the page asks for is missing


def tab_until(pg, predicate_js: str, limit: int = 200) -> bool:
    for _ in range(limit):
        pg.keyboard.press("Tab")
        if pg.evaluate(predicate_js):
            return True
    return False


def test_keyboard_skip_link_search_and_navigation(page_of, sample_url):
    pg = open_page(page_of, sample_url, PAGES["report-2021"])
    pg.keyboard.press("Tab")
    first = pg.evaluate("document.activeElement.className + ' ' + document.activeElement.textContent.trim()")
    assert "md-skip" in first  # Material's skip link comes first
    pg.keyboard.press("Enter")
    assert pg.evaluate("location.hash") != ""
    pg.goto(sample_url + PAGES["report-2021"])
    assert tab_until(pg, "document.activeElement.id === 'nb-q'")  # the search box
    assert tab_until(pg, "document.activeElement.closest('.md-nav') !== null")  # the navigation
    # every table's scroll box is reachable by keyboard, with a visible focus outline
    boxes = pg.evaluate("document.querySelectorAll('.nb-table-scroll').length")
    reached = set()
    for _ in range(400):
        pg.keyboard.press("Tab")
        info = pg.evaluate("""(() => { const e = document.activeElement;
            if (!e.classList.contains('nb-table-scroll')) return null;
            const s = getComputedStyle(e); return [e.getAttribute('aria-labelledby'), s.outlineStyle, s.outlineWidth]; })()""")
        if info:
            reached.add(info[0])
            assert info[1] != "none" and info[2] != "0px", info
        if len(reached) == boxes:
            break
    assert len(reached) == boxes


def test_visible_focus_on_links_and_buttons(page_of, sample_url):
    pg = open_page(page_of, sample_url, PAGES["year"])
    checked = 0
    for _ in range(60):
        pg.keyboard.press("Tab")
        # a visually hidden radio (Material's colour-scheme toggle) shows its focus on the label right after it
        style = pg.evaluate("""(() => { let e = document.activeElement; if (!['A', 'BUTTON', 'INPUT'].includes(e.tagName)) return null;
            if (e.tagName === 'INPUT' && ['radio', 'checkbox'].includes(e.type) && e.nextElementSibling?.tagName === 'LABEL') e = e.nextElementSibling;
            const s = getComputedStyle(e); return [e.tagName, s.outlineStyle, s.outlineWidth, s.boxShadow]; })()""")
        if style:
            checked += 1
            assert style[1] != "none" or style[3] != "none", style
    assert checked > 10

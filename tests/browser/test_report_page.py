"""The report page in a real browser: phone width, zoom, 关怀版, print, and local requests only."""

from __future__ import annotations

from urllib.parse import urlparse

from .conftest import screenshot

REPORT = "/dazhangzhuang/2024/"


def no_page_overflow(pg) -> bool:
    return pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_width_tables_scroll_inside_their_container(page_of, repo_url):
    pg = page_of(viewport={"width": 360, "height": 800})
    pg.goto(repo_url + REPORT)
    assert no_page_overflow(pg)
    t3 = pg.evaluate("(() => { const t = document.getElementById('t3'); return [t.scrollWidth, t.parentElement.clientWidth, getComputedStyle(t.parentElement).overflowX]; })()")
    assert t3[0] > t3[1] and t3[2] == "auto"  # wider than the screen: it scrolls in its box
    # the scroll box takes keyboard focus, so keyboard users can scroll it
    pg.focus("#t3 >> xpath=..")
    assert pg.evaluate("document.activeElement === document.getElementById('t3').parentElement")
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_function("document.getElementById('t3').parentElement.scrollLeft > 0", timeout=5000)
    screenshot(pg, "report-phone")


def test_zoom_200_percent_nothing_cut_off(page_of, repo_url):
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport at twice the pixel density
    pg = page_of(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    pg.goto(repo_url + REPORT)
    assert no_page_overflow(pg)
    clipped = pg.evaluate(
        """[...document.querySelectorAll('.md-content p, .md-content h1, .md-content h2, .nb-meta dd')]
           .filter(e => e.scrollWidth > e.clientWidth + 1).length"""
    )
    assert clipped == 0


def test_desktop_tables_fit_without_scrolling(page_of, repo_url):
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(repo_url + REPORT)
    widths = pg.evaluate("['t2','t3','t4'].map(i => { const t = document.getElementById(i); return t.scrollWidth - t.parentElement.clientWidth; })")
    assert widths == [0, 0, 0]
    screenshot(pg, "report-desktop")


def test_care_mode_is_remembered_across_pages(page_of, repo_url):
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(repo_url + REPORT)
    base = pg.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    button = pg.locator("[data-nb-care]")
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    pg.keyboard.press("Enter")  # keyboard works
    assert button.get_attribute("aria-pressed") == "true"
    bigger = pg.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert bigger >= base * 1.35
    pg.goto(repo_url + "/units/")
    assert pg.evaluate("document.documentElement.classList.contains('nb-care')")
    assert pg.locator("[data-nb-care]").get_attribute("aria-pressed") == "true"
    screenshot(pg, "units-care-mode")
    pg.locator("[data-nb-care]").click()
    pg.goto(repo_url + REPORT)
    assert not pg.evaluate("document.documentElement.classList.contains('nb-care')")


def test_print_shows_the_document_not_the_portal(page_of, repo_url):
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(repo_url + REPORT)
    pg.emulate_media(media="print")
    hidden = pg.evaluate(
        """['.md-header', '.md-sidebar--primary', '.md-footer', '.nb-check', '.nb-crumbs']
           .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)"""
    )
    assert hidden and set(hidden) == {"none"}
    shown = pg.evaluate("['h1', '.nb-meta', '#t3'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert "none" not in shown
    pdf = pg.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000


def test_every_request_goes_to_the_local_server(page_of, repo_url):
    pg = page_of(viewport={"width": 1280, "height": 900})
    for path in ("/", "/units/", "/yiyuan/", "/dazhangzhuang/", REPORT, "/years/2024/", "/rollup/yiyuan/2024/", "/status/", "/data/",
                 "/search/?q=" + "政府信息"):
        pg.goto(repo_url + path)
        pg.wait_for_load_state("networkidle")
    hosts = {urlparse(u).netloc for u in pg.requests if not u.startswith("data:")}
    assert hosts == {urlparse(repo_url).netloc}
    assert pg.failed == []  # and nothing asked for is missing (a 404 is a broken page to a reader and noise in the logs)

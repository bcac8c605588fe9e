"""Search in a real browser: Pagefind over a portal holding the seed and other reports, served
under a sub-path on localhost."""

from __future__ import annotations

import json
import shutil
from urllib.parse import unquote, urlparse

import pytest

from ..conftest import set_plugin_options
from .conftest import ROOT, build_site, screenshot, serve

SEED = "/dazhangzhuang/2024/"


@pytest.fixture(scope="module", params=["one-bundle", "in-parts"])
def portal(request, tmp_path_factory, browser):
    """The repository's portal plus the fixture's 示例镇 reports (2019–2024), under /gongkai/; its
    search index in one bundle, or (as a province-sized site gets it) in parts of 3 pages each."""
    work = tmp_path_factory.mktemp(f"search-{request.param}")
    project = work / "project"
    for d in ("data", "content"):
        shutil.copytree(ROOT / d, project / d)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    if request.param == "in-parts":
        set_plugin_options(project / "mkdocs.yml", search_part_pages=3)
    basic = ROOT / "tests/sites/basic"
    reg = (project / "data/units.yml").read_text(encoding="utf-8")
    reg += "\n  demo:\n    name: 示例镇\n    full_name: 示例县示例镇人民政府\n    kind: 镇\n    parent: yiyuan\n"
    (project / "data/units.yml").write_text(reg, encoding="utf-8")
    shutil.copytree(basic / "data/demo", project / "data/demo")
    shutil.copytree(basic / "content/demo", project / "content/demo")
    build_site(project, work / "www" / "gongkai")
    base, stop = serve(work / "www")
    yield base + "/gongkai", work / "www" / "gongkai"
    stop()


# The count is shown before the results are: each result is a placeholder (.pagefind-ui__loading)
# until its fragment has loaded. Loaded: a result title, or the message that there is none, and no
# placeholder left.
LOADED = ("(document.querySelector('.pagefind-ui__result-link')"
          " || document.querySelector('.pagefind-ui__message').textContent.includes('没有找到'))"
          " && !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')")


def results(pg, query: str) -> list[str]:
    pg.fill(".pagefind-ui__search-input", query)
    pg.wait_for_selector(".pagefind-ui__message", timeout=10000)
    pg.wait_for_function("!document.querySelector('.pagefind-ui__message').textContent.includes('…')", timeout=10000)
    pg.wait_for_function(LOADED, timeout=15000)
    for _ in range(20):  # every result, not only the first page of them
        more = pg.locator("button.pagefind-ui__button")
        if not more.count():
            break
        more.first.click()
        pg.wait_for_timeout(300)
        pg.wait_for_function(LOADED, timeout=15000)
    links = pg.eval_on_selector_all(".pagefind-ui__result-title .pagefind-ui__result-link", "es => es.map(e => e.getAttribute('href'))")
    return [unquote(urlparse(h).path) for h in links]


@pytest.mark.parametrize("query", ["大喇叭", "微信群", "政策解读"])
def test_queries_from_the_seed_find_the_seed(page_of, portal, query):
    base, _ = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(base + "/search/")
    found = results(pg, query)
    assert "/gongkai" + SEED in found, found


def test_a_word_only_in_another_report_does_not_return_the_seed(page_of, portal):
    base, folder = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(base + "/search/")
    found = results(pg, "集约化迁移")  # only in 示例镇 2020
    assert found and found[0] == "/gongkai/demo/2020/", found
    # in parts, a part whose pages lack the word answers with Pagefind's looser matches, ranked below
    # the page that has it (above); one bundle has the word and gives that page only
    if "search-in-parts" not in str(folder):
        assert "/gongkai" + SEED not in found
        assert set(found) == {"/gongkai/demo/2020/"}


def test_year_filter_narrows_results(page_of, portal):
    base, _ = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(base + "/search/")
    every = results(pg, "政务公开")
    years = {p.split("/")[-2] for p in every if p.split("/")[-2].isdigit()}
    assert len(years) > 2
    pg.click("summary.pagefind-ui__filter-name:has-text('年份')")  # open the 年份 filter group
    pg.check("input.pagefind-ui__filter-checkbox[name='年份'][value='2024']")
    pg.wait_for_timeout(800)
    narrowed = pg.eval_on_selector_all(".pagefind-ui__result-title .pagefind-ui__result-link", "es => es.map(e => e.getAttribute('href'))")
    narrowed = [unquote(urlparse(h).path) for h in narrowed]
    assert narrowed and len(narrowed) < len(every)
    assert all("/2024/" in p or p.endswith("/years/2024/") for p in narrowed), narrowed
    screenshot(pg, "search-filtered")


def test_filters_look_like_pagefind_not_like_material_admonitions(page_of, portal):
    # Pagefind's filter groups are <details> in a <fieldset>: inside Material's content, its
    # admonition styles (frame, tinted summary, pencil icon) and the browser's grooved frame must not apply
    base, _ = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(base + "/search/")
    results(pg, "政务公开")
    look = pg.evaluate("""(() => {
        const css = (sel, pseudo) => getComputedStyle(document.querySelector(sel), pseudo || null);
        const d = css('details.pagefind-ui__filter-block'), s = css('summary.pagefind-ui__filter-name');
        return {panel: css('fieldset.pagefind-ui__filter-panel').borderTopWidth, top: d.borderTopWidth, left: d.borderLeftWidth,
                shadow: d.boxShadow, summary: s.backgroundColor, icon: css('summary.pagefind-ui__filter-name', '::before').content,
                chevron: css('summary.pagefind-ui__filter-name', '::after').maskImage};
    })()""")
    assert look == {"panel": "0px", "top": "0px", "left": "0px", "shadow": "none", "summary": "rgba(0, 0, 0, 0)",
                    "icon": "none", "chevron": "none"}, look


def test_keyboard_only_reaches_a_result(page_of, portal):
    base, _ = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(base + "/")
    # the search box in the toolbar, by keyboard
    pg.keyboard.press("Tab")
    for _ in range(10):
        if pg.evaluate("document.activeElement && document.activeElement.id") == "nb-q":
            break
        pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.id") == "nb-q"
    pg.keyboard.type("大喇叭")
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/search/?q=*")
    pg.wait_for_selector(".pagefind-ui__result-link", timeout=10000)
    # Tab from the search input to the first result link, then follow it
    pg.focus(".pagefind-ui__search-input")
    for _ in range(40):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
    assert pg.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')")
    pg.keyboard.press("Enter")
    pg.wait_for_url("**" + SEED + "**")
    assert "大张庄镇" in pg.title()


def test_search_page_opened_from_file_says_it_needs_a_server(page_of, portal):
    _, folder = portal
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto((folder / "search/index.html").as_uri())
    assert pg.locator(".nb-search-file").is_visible()
    assert "无法搜索" in pg.inner_text(".nb-search-file")


def test_only_report_content_is_indexed(portal):
    _, folder = portal
    report = (folder / "dazhangzhuang/2024/index.html").read_text(encoding="utf-8")
    assert report.count("data-pagefind-body") == 1
    assert 'data-pagefind-filter="单位:大张庄镇"' in report and 'data-pagefind-filter="年份:2024"' in report
    assert 'data-pagefind-filter="上级:沂源县"' in report
    for page in ("search/index.html", "status/index.html", "index.html"):
        assert "data-pagefind-body" not in (folder / page).read_text(encoding="utf-8"), page
    assert (folder / "pagefind/pagefind-entry.json").exists()


def test_a_large_index_is_built_in_parts(portal):
    _, folder = portal
    parts = json.loads((folder / "pagefind/nianbao-parts.json").read_text(encoding="utf-8"))
    if "in-parts" not in str(folder):
        assert parts == []
        return
    indexed = [p for p in folder.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert len(parts) == -(-len(indexed) // 3) - 1 >= 2  # the main bundle holds the first part
    for p in parts:
        entry = json.loads((folder / "pagefind" / p / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert 1 <= entry["languages"]["zh"]["page_count"] <= 3
    assert json.loads((folder / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh"]["page_count"] == 3

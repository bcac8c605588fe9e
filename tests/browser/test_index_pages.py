"""Index pages of the sample county in a real browser: sorting with and without JavaScript."""

from __future__ import annotations

from .conftest import screenshot


def first_column_values(pg, col: int) -> list[str]:
    return pg.eval_on_selector_all(
        "#nb-year tbody tr", f"rows => rows.map(r => r.cells[{col}].getAttribute('data-nb-value'))"
    )


def test_year_table_sorts_by_keyboard(page_of, sample_url):
    pg = page_of(viewport={"width": 1280, "height": 900})
    pg.goto(sample_url + "/years/2023/")
    names_before = pg.eval_on_selector_all("#nb-year tbody th", "ths => ths.map(t => t.textContent.trim())")
    button = pg.locator("#nb-year-new_received button")
    button.focus()
    pg.keyboard.press("Enter")
    th = pg.locator("#nb-year-new_received")
    assert th.get_attribute("aria-sort") == "descending"
    values = [float(v) for v in first_column_values(pg, 1)]
    assert values == sorted(values, reverse=True)
    pg.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "ascending"
    values = [float(v) for v in first_column_values(pg, 1)]
    assert values == sorted(values)
    names_after = pg.eval_on_selector_all("#nb-year tbody th", "ths => ths.map(t => t.textContent.trim())")
    assert sorted(names_after) == sorted(names_before)
    # the roll-up row stays at the bottom
    assert pg.locator("#nb-year tfoot th").inner_text().startswith("示例县所属单位合计")
    screenshot(pg, "year-sorted")


def test_year_table_without_javascript(page_of, sample_url):
    pg = page_of(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    pg.goto(sample_url + "/years/2023/")
    assert pg.locator("#nb-year button").count() == 0
    names = pg.eval_on_selector_all("#nb-year tbody th", "ths => ths.map(t => t.textContent.trim())")
    assert names == ["示例县", "东城街道", "西山镇", "南湖镇", "北岭乡", "示例县教育局"]
    assert pg.locator("#nb-year tfoot tr").count() == 1


def test_unit_page_chart_follows_dark_text_colour(page_of, sample_url):
    pg = page_of(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    pg.goto(sample_url + "/xishan/")
    svg_colour = pg.eval_on_selector("svg.nb-chart", "e => getComputedStyle(e).color")
    text_colour = pg.eval_on_selector("article.md-typeset", "e => getComputedStyle(e).color")
    assert svg_colour == text_colour
    screenshot(pg, "unit-chart")

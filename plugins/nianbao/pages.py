"""The pages a portal consists of, as plain objects holding Markdown (with HTML blocks).

Nothing here knows MkDocs: the plugin turns these into MkDocs files and pages. Links between pages
are made by a ``link(src_uri) -> url`` callable the caller provides (relative to the current page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import escape
from dataclasses import dataclass

from .charts import GROUP_COLOURS, applications_chart, outcomes_chart
from .figures import compare_figures, key_figures
from .indexes import REGION_AGGREGATE, all_years, column_value, comparable_columns, has_rollup, legacy_series, report_status, rollup, rollup_parents, status_matrix, unit_series, year_view
from .issues import ERROR, INFO, WARNING, Issue, sort_issues
from .formats import LEGACY_ID, T3_COLLAPSED, T3_COLLAPSED_LABEL
from .loader import split_front_matter
from .model import CellKind, LegacyTable, Report, Site, Unit
from .render import render, render_table, table_outline
from .render.tables import SR, cell_content
from .export.twins import rollup_base, rollup_files, trend_csv, trend_path, year_csv, year_path

Link = Callable[[str], str]

_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


class Stash:
    """Generated HTML kept out of Markdown: a placeholder paragraph stands in for each block and is
    replaced after conversion (Markdown's raw-HTML parsing of large tables dominated build time).

    A block may be a function that renders it: it is called only when the page is restored, so the
    large official tables of thousands of pages are never held in memory at the same time."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.keys: list = []
        self.probes: list = []

    def add(self, html, key=None, probe=None) -> str:
        """``html`` is a string or a function returning one; a function's ``key`` (any value with a
        stable repr that changes whenever its HTML would) lets :meth:`fingerprint` cover it unrendered,
        and its ``probe`` (a function returning HTML of the same elements without the data) tells
        whether the search index skips it without rendering it."""
        self.blocks.append(html)
        self.keys.append(key)
        self.probes.append(probe)
        return f"nianbaoblock{len(self.blocks) - 1}x"

    def fingerprint(self, digest) -> bool:
        """Feed every block (a deferred one by its key) to ``digest`` (a hashlib object); False when
        a deferred block has no key, i.e. the page's HTML cannot be known without rendering it."""
        for html, key in zip(self.blocks, self.keys):
            if callable(html):
                if key is None:
                    return False
                digest.update(repr(key).encode("utf-8"))
            else:
                digest.update(html.encode("utf-8"))
            digest.update(b"\0")
        return True

    def restore(self, html: str, indexed_only: bool = False) -> str:
        """``html`` with its blocks in. ``indexed_only``: leave out the blocks the search index skips
        whole (their root element is ``data-pagefind-ignore="all"``), for the page's search source;
        a deferred block is then rendered only if its probe does not show it skipped, and kept for
        the page itself."""
        if not self.blocks:
            return html

        def block(m):
            i = int(m[1])
            b = self.blocks[i]
            if callable(b):
                if indexed_only and self.probes[i] is not None and _probe_ignored(self.probes[i]()):
                    return ""
                b = self.blocks[i] = b()
            return "" if indexed_only and ignored_by_search(b) else b

        return _PLACEHOLDER.sub(block, html)


_PLACEHOLDER = re.compile(r"<p>nianbaoblock(\d+)x</p>")
_IGNORED_ROOT = re.compile(r'\s*<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-ignore="all"[^>]*>')


@lru_cache(maxsize=64)
def _probe_ignored(outline: str) -> bool:
    """:func:`ignored_by_search` of a deferred block's outline (the same few strings on every page)."""
    return ignored_by_search(outline)


def ignored_by_search(html: str) -> bool:
    """Whether all of ``html`` is one element marked ``data-pagefind-ignore="all"`` (so Pagefind
    takes nothing from it: not its text, filters, metadata or anchors). When unsure, False."""
    m = _IGNORED_ROOT.match(html)
    if m is None:
        return False
    name = m[1].lower()
    depth = 0
    for t in re.finditer(rf"<(/?){name}(?=[\s/>])[^>]*>", html, re.I):
        depth += -1 if t[1] else 1
        if depth == 0:
            return html[t.end():].strip() == ""
    return False


def _block(stash: Stash | None, html: str) -> str:
    return stash.add(html) if stash is not None else html


def _deferred(stash: Stash | None, render_fn, key=None, probe=None) -> str:
    """A block rendered when the page is restored (or now, without a stash)."""
    return stash.add(render_fn, key, probe) if stash is not None else render_fn()


def strip_comments(markdown: str) -> str:
    """Authoring notes (HTML comments) in the narrative are not published."""
    return _COMMENT.sub("", markdown)

RESERVED_IDS = frozenset({"units", "years", "data", "assets", "search", "rollup", "status", "index"})


@dataclass(frozen=True)
class PageSpec:
    src_uri: str
    kind: str  # home | units | unit | report
    title: str
    unit: str | None = None
    year: int | None = None


def report_uri(unit: str, year: int) -> str:
    return f"{unit}/{year}.md"


def unit_uri(unit: str) -> str:
    return f"{unit}/index.md"


UNITS_URI = "units/index.md"
HOME_URI = "index.md"
YEARS_URI = "years/index.md"
STATUS_URI = "status/index.md"
SEARCH_URI = "search/index.md"
DATA_URI = "data/index.md"
DEFAULT_LICENCE = "本站数据来自依法主动公开的政府信息，可以自由下载、复制、使用和传播；使用时请注明来源（发布机构和本网站）。"

# pages whose content goes into the search index (reports and the index pages that name units and years)
INDEXED_KINDS = ("report", "unit", "units", "years", "year")


def year_uri(year: int) -> str:
    return f"years/{year}.md"


def rollup_uri(parent: str, year: int) -> str:
    return f"rollup/{parent}/{year}.md"


def report_title(site: Site, report: Report) -> str:
    if report.meta.title:
        return report.meta.title
    unit = site.units.get(report.unit)
    name = unit.full_name if unit else report.unit
    return f"{name}{report.year}年政府信息公开工作年度报告"


def site_pages(site: Site, data: bool = True) -> list[PageSpec]:
    """Every page nianbao makes; ``data``: the open data is written, and the page offering it."""
    pages = [
        PageSpec(HOME_URI, "home", "首页"),
        PageSpec(UNITS_URI, "units", "单位一览"),
        PageSpec(YEARS_URI, "years", "年度对比"),
        PageSpec(STATUS_URI, "status", "发布情况"),
        PageSpec(SEARCH_URI, "search", "搜索"),
    ] + ([PageSpec(DATA_URI, "data", "数据下载")] if data else [])
    for u in site.units.values():
        pages.append(PageSpec(unit_uri(u.id), "unit", u.full_name, unit=u.id))
    for key in sorted(site.reports):
        r = site.reports[key]
        pages.append(PageSpec(report_uri(*key), "report", report_title(site, r), unit=key[0], year=key[1]))
    for y in all_years(site):
        pages.append(PageSpec(year_uri(y), "year", f"{y}年度各单位对比", year=y))
        for parent in rollup_parents(site):
            if has_rollup(site, parent.id, y):
                pages.append(PageSpec(rollup_uri(parent.id, y), "rollup", rollup_title(parent, y), unit=parent.id, year=y))
    return pages


def rollup_title(parent: Unit, year: int) -> str:
    return f"{parent.name}所属单位{year}年政府信息公开工作年度报告汇总"


def ancestors(site: Site, unit: Unit) -> list[Unit]:
    out, p, seen = [], unit.parent, {unit.id}
    while p and p in site.units and p not in seen:
        seen.add(p)
        out.append(site.units[p])
        p = site.units[p].parent
    return list(reversed(out))


def breadcrumbs(site: Site, unit: Unit | None, link: Link, tail: str | None = None, stash: Stash | None = None,
                user_dirs: tuple[str, ...] = ()) -> str:
    items = [("首页", link(HOME_URI))]
    if unit:
        for a in ancestors(site, unit):
            items.append((a.name, link(unit_uri(a.id))))
        items.append((unit.name, link(unit_uri(unit.id)) if tail else None))
    if tail:
        items.append((tail, None))
    return _block(stash, render("breadcrumbs.html", user_dirs, items=items))


# ----------------------------------------------------------------------------------------- report


def check_summary(issues: list[Issue]) -> dict:
    issues = sort_issues(issues)
    return {
        "errors": [i for i in issues if i.severity is ERROR],
        "warnings": [i for i in issues if i.severity is WARNING],
        "kept": [i for i in issues if i.kept],  # errors of the published original, kept as published
        "infos": [i for i in issues if i.severity is INFO and not i.kept],
    }


def report_markdown(
    site: Site, report: Report, issues: list[Issue], link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None,
    downloads: str | None = None,
) -> str:
    """The whole report page: title, 信息公开 block, 数据核验, key figures, then sections 一 to 六."""
    unit = site.units.get(report.unit)
    title = report_title(site, report)
    prev = site.report(report.unit, report.year - 1)
    if prev is not None and prev.format.id == LEGACY_ID:
        prev = None  # its tables have no figures to compare with
    parts: list[str] = [f"# {title}", ""]
    parts += [breadcrumbs(site, unit, link, f"{report.year}年", stash=stash, user_dirs=user_dirs), ""]
    parts += [
        _block(stash, render(
            "report_meta.html",
            user_dirs,
            meta=report.meta,
            unit=unit,
            year=report.year,
            format=report.format,
        )),
        "",
        _block(stash, render("report_check.html", user_dirs, check=check_summary(issues), data_path=report.data_path,
                            legacy=not report.format.tables)),
        "",
    ]
    if report.format.id == LEGACY_ID:
        return "\n".join(parts + _legacy_body(report, user_dirs, stash) + _report_end(site, report, link, user_dirs, stash, downloads))
    figures = key_figures(report)
    changes = compare_figures(report, prev) if prev else None
    parts += [
        _block(stash, render(
            "report_figures.html",
            user_dirs,
            figures=figures,
            changes=changes,
            year=report.year,
            prev_year=prev.year if prev else None,
            prev_url=link(report_uri(report.unit, prev.year)) if prev else None,
            chart=_outcomes_chart(report),
        )),
        "",
    ]
    n = report.narrative
    if n and strip_comments(n.preamble).strip():
        parts += [strip_comments(n.preamble).strip(), ""]
    for section in report.format.sections:
        if section.kind == "table":
            tdef = report.format.table(section.table)
            parts += [f"## {section.heading}", ""]
            t = report.table(section.table)
            if t is None:
                parts += [_block(stash, render("missing.html", user_dirs, what=f"统计表 {tdef.id}")), ""]
            else:
                parts += [_deferred(stash, lambda tdef=tdef, t=t: render_table(tdef, t, user_dirs=user_dirs),
                                    probe=lambda tdef=tdef: table_outline(tdef, user_dirs=user_dirs),
                                    key=(report.format.id, t, user_dirs)), ""]
                if tdef.id == "T3" and any(T3_COLLAPSED in cells for cells in t.rows.values()):
                    parts += [_block(stash, _collapsed_html(tdef, t, user_dirs)), ""]
            continue
        s = n.section(section.ordinal) if n else None
        parts += [f"## {s.heading if s else section.heading}", ""]
        body = strip_comments(s.body).strip() if s else ""
        if body:
            parts += [body, ""]
        else:
            parts += [_block(stash, render("missing.html", user_dirs, what="本部分正文")), ""]
    return "\n".join(parts + _report_end(site, report, link, user_dirs, stash, downloads))


@lru_cache(maxsize=1)
def _outcome_columns() -> tuple:
    cols = {c.key: c for c in comparable_columns()}
    return tuple(cols[key] for key, _colour in GROUP_COLOURS)


def _outcomes_chart(report: Report) -> str | None:
    """图解: the year's outcomes of applications (T3's groups （一）…（六）, total column)."""
    values = [(c, column_value(report, c).value) for c in _outcome_columns()]
    outcomes = [(c.key, c.label.split("）")[-1], None if v is None else float(v)) for c, v in values]
    return outcomes_chart(outcomes, "nb-chart-outcomes", f"{report.year}年政府信息公开申请的办理结果")


def _collapsed_html(tdef, t, user_dirs: tuple[str, ...]) -> str:
    """Table 3's 法人或其他组织 column as the source printed it, undivided (spec §9.2)."""
    rows = []
    for row in tdef.rows:
        c = t.rows.get(row.key, {}).get(T3_COLLAPSED)
        if c is None:
            continue
        text, _kind, sr = cell_content(c)
        rows.append((row.qualified, text, sr))
    return render("t3_collapsed.html", user_dirs, rows=rows, label=f"{tdef.title}：{T3_COLLAPSED_LABEL}")


def _report_end(site: Site, report: Report, link: Link, user_dirs: tuple[str, ...], stash: Stash | None,
                downloads: str | None) -> list[str]:
    """The report page after its sections: the downloads and the unit's other years."""
    unit = site.units.get(report.unit)
    years = site.years_of(report.unit)
    parts: list[str] = []
    if downloads is not None:
        root = link(HOME_URI)
        parts += [
            _block(stash, render("report_downloads.html", user_dirs, base=f"{root}data/reports/{report.unit}/{report.year}",
                                 csvs=_report_csvs(report), data_url=link(DATA_URI), licence=downloads)),
            "",
        ]
    others = [y for y in years if y != report.year]
    parts += [
        _block(stash, render(
            "report_years.html",
            user_dirs,
            unit=unit,
            unit_url=link(unit_uri(report.unit)),
            years=[(y, link(report_uri(report.unit, y)), y == report.year) for y in years],
            others=others,
        )),
        "",
    ]
    return parts


def _report_csvs(report: Report) -> list[tuple[str, str]]:
    """The report's tables as CSV files (export.report_files): file suffix and link text."""
    if report.format.tables:
        return [("T2", "表二"), ("T3", "表三"), ("T4", "表四")]
    n = len(report.legacy_tables)
    return [(f"L{i}", "统计表" if n == 1 else f"统计表 {i}") for i in range(1, n + 1)]


def legacy_table_html(t: LegacyTable, id_prefix: str, user_dirs: tuple[str, ...] = ()) -> str:
    """A table of a report for 2018 or before, as printed: real header cells; blanks and not-applicable
    marks said to screen readers as the official tables say them."""
    width = max([len(t.columns)] + [len(r) for r in t.rows])
    columns = list(t.columns) + [""] * (width - len(t.columns))
    groups: list[dict] = [{"heading": None, "rows": []}]
    for row in t.rows:
        if t.is_heading(row):
            groups.append({"heading": row[0], "rows": []})
            continue
        cells = []
        for c in row:
            if isinstance(c, str):
                cells.append({"text": c, "num": False, "sr": None})
            elif c.kind is CellKind.BLANK:
                cells.append({"text": "", "num": False, "sr": SR["blank"]})
            elif c.kind is CellKind.NA:
                cells.append({"text": c.raw or "/", "num": False, "sr": SR["na"]})
            else:
                cells.append({"text": c.raw.strip() if c.raw else c.display(), "num": True, "sr": None})
        groups[-1]["rows"].append(cells)
    groups = [g for g in groups if g["heading"] is not None or g["rows"]]
    return render("legacy_table.html", user_dirs, id=id_prefix, caption=t.title or "统计表", columns=columns, width=width,
                  groups=groups)


def _legacy_body(report: Report, user_dirs: tuple[str, ...], stash: Stash | None) -> list[str]:
    """A report for 2018 or before: its text as written (no prescribed parts), then its tables."""
    parts: list[str] = []
    n = report.narrative
    if n is not None:
        body = strip_comments(split_front_matter(n.source)[0]).strip()
        if body:
            parts += [body, ""]
    if n is None or not parts:
        parts += [_block(stash, render("missing.html", user_dirs, what="正文")), ""]
    parts += ["## 统计表", "", _block(stash, render("legacy_note.html", user_dirs, count=len(report.legacy_tables))), ""]
    for i, t in enumerate(report.legacy_tables, start=1):
        parts += [_block(stash, legacy_table_html(t, f"nb-legacy-{i}", user_dirs)), ""]
    return parts


# ----------------------------------------------------------------------------------------- indexes


def unit_markdown(
    site: Site, unit: Unit, link: Link, issues_by_report: dict | None = None, user_dirs: tuple[str, ...] = (), stash: Stash | None = None,
    twins: list | None = None,
) -> str:
    """A unit's page; ``twins`` as for :func:`year_markdown` (its figures by year)."""
    years = site.years_of(unit.id)
    rows = []
    for y in years:
        r = site.reports[(unit.id, y)]
        status = report_status(site, r, (issues_by_report or {}).get(r.key, []))
        rows.append({"year": y, "url": link(report_uri(unit.id, y)), "title": report_title(site, r), "format": r.format.id,
                     "status": status})
    kids = [{"unit": c, "url": link(unit_uri(c.id)), "years": site.years_of(c.id)} for c in site.children_of(unit.id)]
    parent = site.units.get(unit.parent) if unit.parent else None
    series = unit_series(site, unit.id) if years else None
    if series is not None and not series.years:
        series = None  # only reports for 2018 or before: no figures to line up
    page_data = None
    if twins is not None and series is not None:
        twins.append((trend_path(unit.id), trend_csv(series)))
        page_data = _page_data(link, [(trend_path(unit.id), "历年数据 CSV", "text/csv")], user_dirs)
    rollups = []
    if kids:
        for y in all_years(site):
            if has_rollup(site, unit.id, y):
                rollups.append((y, link(rollup_uri(unit.id, y))))
    return "\n".join(
        [
            f"# {unit.full_name}",
            "",
            breadcrumbs(site, unit, link, stash=stash, user_dirs=user_dirs),
            "",
            _block(stash, render(
                "unit.html",
                user_dirs,
                unit=unit,
                parent=parent,
                parent_url=link(unit_uri(parent.id)) if parent else None,
                reports=rows,
                children=kids,
                series=series,
                chart=applications_chart(series, "nb-chart-apps") if series else None,
                legacy=legacy_series(site, unit.id),
                rollups=rollups,
                formats={fid: f"{fid}年格式" for fid in ("2021", "2019")},
                page_data=page_data,
            )),
            "",
        ]
    )


def units_markdown(
    site: Site, link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None
) -> str:
    def tree(parent: str | None, depth: int) -> list[dict]:
        out = []
        for u in site.children_of(parent):
            out.append({"unit": u, "url": link(unit_uri(u.id)), "years": site.years_of(u.id), "depth": depth,
                        "children": tree(u.id, depth + 1)})
        return out

    return "\n".join(
        ["# 单位一览", "", _block(stash, render("units.html", user_dirs, tree=tree(None, 0))), ""]
    )


HOME_REPORTS = 30  # the home page lists the latest year's reports up to this many; past it, the latest published
HOME_ROLLUPS = 10  # and links each parent's roll-up up to this many parents; past it, the year page's totals do


def _latest_first(rows: list) -> list:
    """The year's reports for the home page: all of them in registry order (a county's dozen or so);
    more than :data:`HOME_REPORTS` (a city or a province), the most recently published, newest
    first (undated ones last; registry order among the same date)."""
    if len(rows) <= HOME_REPORTS:
        return rows
    dated = sorted((r for r in rows if r.report.meta.published_date), key=lambda r: r.report.meta.published_date, reverse=True)
    return (dated + [r for r in rows if not r.report.meta.published_date])[:HOME_REPORTS]


def home_markdown(
    site: Site, link: Link, intro: str = "", user_dirs: tuple[str, ...] = (), stash: Stash | None = None
) -> str:
    years = all_years(site)
    latest = years[-1] if years else None
    glance = None
    if latest:
        view = year_view(site, latest)
        keys = [c.key for c in view.columns]
        # none when the year's reports are all for 2018 or before (their tables have no such figure)
        # a region-wide report holds the figures of units below it: not counted again (indexes.AGGREGATE_REASON)
        received = [r.values[keys.index("new_received")] for r in view.rows
                    if r.report.meta.scope != REGION_AGGREGATE] if "new_received" in keys else []
        glance = {
            "year": latest,
            "reported": len(view.rows),
            "units": len(site.units),
            "received": sum(v.value for v in received if v.value is not None) if received else None,
            "received_complete": all(v.complete for v in received),
            "year_url": link(year_uri(latest)),
            "rollups": [(t.parent, link(rollup_uri(t.parent.id, latest))) for t in view.totals],
            "rollups_listed": len(view.totals) <= HOME_ROLLUPS,
            "reports": [
                {"title": report_title(site, r.report), "url": link(report_uri(r.unit.id, latest)),
                 "date": r.report.meta.published_date} for r in _latest_first(view.rows)
            ],
            "all_listed": len(view.rows) <= HOME_REPORTS,
        }
    return "\n".join(
        [
            intro.strip() if intro.strip() else "# 政府信息公开工作年度报告",
            "",
            _block(stash, render(
                "home.html",
                user_dirs,
                glance=glance,
                report_count=len(site.reports),
                unit_count=len(site.units),
                units_url=link(UNITS_URI),
                years_url=link(YEARS_URI),
                status_url=link(STATUS_URI),
            )),
            "",
        ]
    )


def years_markdown(
    site: Site, link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None
) -> str:
    items = []
    for y in reversed(all_years(site)):
        n = sum(1 for (_u, yy) in site.reports if yy == y)
        items.append({"year": y, "url": link(year_uri(y)), "count": n})
    return "\n".join(["# 年度对比", "", _block(stash, render("years.html", user_dirs, items=items, units=len(site.units))), ""])


def _page_data(link: Link, links: list[tuple[str, str, str]], user_dirs: tuple[str, ...]) -> str:
    """The links to an index page's twin files (``links``: path under data/, label, media type)."""
    data = link(HOME_URI) + "data/"
    return render("page_data.html", user_dirs, links=[(data + p, label, t) for p, label, t in links], data_url=link(DATA_URI))


def year_markdown(
    site: Site, year: int, link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None,
    twins: list | None = None,
) -> str:
    """The year's comparison page; ``twins``: a list to add its data file to ((path, bytes)), linked
    from the page (none: the site has no open data)."""
    view = year_view(site, year)
    page_data = ""
    if twins is not None and view.rows:  # a year of reports from before 2019 only: the list of them
        twins.append((year_path(year), year_csv(view)))
        page_data = _page_data(link, [(year_path(year), "本表 CSV", "text/csv")], user_dirs)
    rows = [{"row": r, "url": link(report_uri(r.unit.id, year)), "unit_url": link(unit_uri(r.unit.id))} for r in view.rows]
    totals = [{"total": t, "url": link(rollup_uri(t.parent.id, year))} for t in view.totals]
    groups: list[tuple[str, int]] = []
    for c in view.columns:
        if groups and groups[-1][0] == c.group:
            groups[-1] = (c.group, groups[-1][1] + 1)
        else:
            groups.append((c.group, 1))
    return "\n".join(
        [
            f"# {year}年度各单位年报对比",
            "",
            breadcrumbs(site, None, link, f"{year}年度", stash=stash, user_dirs=user_dirs),
            "",
            _block(stash, render(
                "year.html",
                user_dirs,
                view=view,
                rows=rows,
                totals=totals,
                groups=groups,
                missing=[{"unit": u, "url": link(unit_uri(u.id))} for u in view.missing],
                years=[(y, link(year_uri(y)), y == year) for y in all_years(site)],
            ) + page_data),
            "",
        ]
    )


def rollup_markdown(
    site: Site, parent_id: str, year: int, link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None,
    twins: list | None = None,
) -> str:
    """A roll-up page; ``twins`` as for :func:`year_markdown`."""
    ro = rollup(site, parent_id, year)
    parent = site.units[parent_id]
    page_data = ""
    if twins is not None:
        twins += rollup_files(ro)
        base = rollup_base(parent_id, year)
        page_data = _page_data(link, [(f"{base}.json", "JSON", "application/json")]
                               + [(f"{base}-{t}.csv", f"表{n} CSV", "text/csv") for t, n in (("T2", "二"), ("T3", "三"), ("T4", "四"))],
                               user_dirs)
    parts = [f"# {rollup_title(parent, year)}", "", breadcrumbs(site, parent, link, f"{year}年汇总", stash=stash, user_dirs=user_dirs), ""]
    parts += [
        _block(stash, render(
            "rollup.html",
            user_dirs,
            ro=ro,
            included=[{"unit": u, "url": link(report_uri(u.id, year))} for u in ro.included],
            missing=[{"unit": u, "url": link(unit_uri(u.id))} for u in ro.missing],
            excluded=[{"unit": u, "why": why, "url": link(report_uri(u.id, year))} for u, why in ro.excluded],
            kept=[{"unit": u, "url": link(report_uri(u.id, year))} for u in ro.kept],
            year_url=link(year_uri(year)),
        ) + page_data),
        "",
    ]
    for section in ro.format.sections:
        if section.kind == "table":
            tdef = ro.format.table(section.table)
            html = render_table(tdef, ro.tables[section.table], f"r{tdef.id.lower()}", f"{tdef.title}（汇总）", user_dirs)
            parts += [f"## {section.heading}", "", _block(stash, html), ""]
    return "\n".join(parts)


def status_markdown(
    site: Site, issues_by_report: dict, link: Link, user_dirs: tuple[str, ...] = (), stash: Stash | None = None,
    downloads: bool = False,
) -> str:
    """The status page; ``downloads``: the site has the open data, whose status and checks files it links."""
    m = status_matrix(site, issues_by_report)
    rows = []
    for unit, cells in m.rows:
        rows.append(
            {
                "unit": unit,
                "depth": len(ancestors(site, unit)),
                "url": link(unit_uri(unit.id)),
                "cells": [
                    {"s": s, "url": link(report_uri(unit.id, y)) if s.state != "missing" else None}
                    for y, s in zip(m.years, cells)
                ],
            }
        )
    return "\n".join(
        ["# 年报发布情况", "", breadcrumbs(site, None, link, "发布情况", stash=stash, user_dirs=user_dirs), "", _block(stash, render("status.html", user_dirs, m=m, rows=rows, data=link(HOME_URI) + "data/" if downloads else None)), ""]
    )


def notice_html(text: str, user_dirs: tuple[str, ...] = ()) -> str:
    return render("notice.html", user_dirs, text=text)


def search_markdown(root: str, user_dirs: tuple[str, ...] = (), stash: Stash | None = None) -> str:
    """The search page. ``root`` is the relative URL of the site root from this page."""
    return "\n".join(["# 搜索", "", _block(stash, render("search.html", user_dirs, root=root)), ""])


def _attr(v: str) -> str:
    # Pagefind's inline "key:value" form takes the rest of the attribute as the value
    return v.replace("\n", " ")


def search_attributes(site: Site, spec: PageSpec) -> dict[str, list[str]]:
    """Pagefind filters and metadata for an indexed page: 单位, 年份, 上级 and the official title."""
    filters: list[str] = []
    meta: list[str] = []
    unit = site.units.get(spec.unit) if spec.unit else None
    if unit:
        filters.append(f"单位:{unit.name}")
        parents = ancestors(site, unit)
        if parents:
            filters.append(f"上级:{parents[0].name}")
        meta.append(f"单位:{unit.name}")
    if spec.year:
        filters.append(f"年份:{spec.year}")
        meta.append(f"年份:{spec.year}")
    meta.append(f"title:{spec.title}")
    return {"filters": [_attr(f) for f in filters], "meta": [_attr(m) for m in meta]}


def search_source(content: str, stash: Stash | None, lang: str) -> str:
    """What the search index takes from a page, as a minimal HTML document: the page's language and
    its content less the blocks Pagefind skips whole (the official tables, the 信息公开 and 数据核验
    boxes …). ``content`` is the page's content with its blocks' placeholders."""
    body = stash.restore(content, indexed_only=True) if stash is not None else content
    return f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8"></head><body>{body}</body></html>\n'


_HTML_LANG = re.compile(r'<html\b[^>]*\blang="([^"]*)"', re.I)


def page_language(page_html: str) -> str | None:
    """The ``lang`` of a finished page's ``<html>`` tag."""
    m = _HTML_LANG.search(page_html, 0, 4096)
    return m[1] if m else None


def search_wrap(html: str, attrs: dict[str, list[str]]) -> str:
    """Mark a page's content for the index: its body, filters and metadata."""
    tags = "".join(f'<span data-pagefind-filter="{escape(f)}"></span>' for f in attrs["filters"])
    tags += "".join(f'<span data-pagefind-meta="{escape(m)}"></span>' for m in attrs["meta"])
    return f'<div data-pagefind-body>{tags}{html}</div>'


def data_markdown(
    site: Site, link: Link, files: list, licence: str, revisions: list[dict], user_dirs: tuple[str, ...] = (),
    stash: Stash | None = None,
) -> str:
    from .formats import FORMAT_IDS, get_format

    formats = []
    for fid in FORMAT_IDS:
        fmt = get_format(fid)
        tables = []
        for section in fmt.sections:
            if section.kind == "table":
                tdef = fmt.table(section.table)
                tables.append({"tdef": tdef, "rows": [(r, c) for r in tdef.rows for c in r.columns]})
        formats.append({"fmt": fmt, "tables": tables})
    shown = [{"path": path, "description": description} for path, description in files]
    revs = [{**r, "url": link(report_uri(r["unit"], r["year"]))} for r in revisions]
    return "\n".join(
        ["# 数据下载", "", breadcrumbs(site, None, link, "数据下载", stash=stash, user_dirs=user_dirs), "",
         _block(stash, render("data.html", user_dirs, root=link(HOME_URI), files=shown, formats=formats, revisions=revs,
                              licence=licence, report_count=len(site.reports))), ""]
    )


def size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(n / 1e3, 0.1):.1f} KB"


def fill_sizes(html: str, sizes: dict[str, int]) -> str:
    """The data page is written before the exports finish: its size cells are filled in afterwards."""
    return re.sub(r'<td class="nb-num" data-nb-size="([^"]+)"></td>',
                  lambda m: f'<td class="nb-num">{size_text(sizes[m[1]])}</td>' if m[1] in sizes else m[0], html)


def revisions(site: Site) -> list[dict]:
    """Reports whose figures were revised after first publication, from their revision notes."""
    out = []
    for key in sorted(site.reports):
        r = site.reports[key]
        for d, note in r.meta.revisions:
            out.append({"unit": r.unit, "year": r.year, "date": d.isoformat(), "note": note})
    return sorted(out, key=lambda x: (x["date"], x["unit"], x["year"]), reverse=True)


# What Markdown (with the toc, tables and attr_list extensions) produces; everything else is removed.
SAFE_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup", "code",
             "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "table", "thead", "tbody", "tfoot", "tr",
             "th", "td", "caption", "abbr", "span", "div", "del", "ins", "mark", "small"}
SAFE_ATTRIBUTES = {"*": {"id", "title", "lang"}, "a": {"href"}, "img": {"src", "alt", "width", "height"},
                   "th": {"colspan", "rowspan", "scope", "align"}, "td": {"colspan", "rowspan", "align"}, "ol": {"start"},
                   "abbr": {"title"}}


def sanitize(html: str) -> str:
    """The HTML that Markdown made from a narrative, without anything that could run code."""
    import nh3

    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel=None, strip_comments=True)

"""The pages a portal consists of, as plain objects holding Markdown (with HTML blocks).

Nothing here knows MkDocs: the plugin turns these into MkDocs files and pages. Links between pages
are made by a ``link(src_uri) -> url`` callable the caller provides (relative to the current page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .figures import compare_figures, key_figures
from .issues import ERROR, INFO, WARNING, Issue, sort_issues
from .model import Report, Site, Unit
from .render import build_table_view, render

Link = Callable[[str], str]

_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


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


def report_title(site: Site, report: Report) -> str:
    if report.meta.title:
        return report.meta.title
    unit = site.units.get(report.unit)
    name = unit.full_name if unit else report.unit
    return f"{name}{report.year}年政府信息公开工作年度报告"


def site_pages(site: Site) -> list[PageSpec]:
    pages = [PageSpec(HOME_URI, "home", "首页"), PageSpec(UNITS_URI, "units", "单位一览")]
    for u in site.units.values():
        pages.append(PageSpec(unit_uri(u.id), "unit", u.full_name, unit=u.id))
    for key in sorted(site.reports):
        r = site.reports[key]
        pages.append(PageSpec(report_uri(*key), "report", report_title(site, r), unit=key[0], year=key[1]))
    return pages


def ancestors(site: Site, unit: Unit) -> list[Unit]:
    out, p, seen = [], unit.parent, {unit.id}
    while p and p in site.units and p not in seen:
        seen.add(p)
        out.append(site.units[p])
        p = site.units[p].parent
    return list(reversed(out))


def breadcrumbs(site: Site, unit: Unit | None, link: Link, tail: str | None = None) -> str:
    items = [("首页", link(HOME_URI))]
    if unit:
        for a in ancestors(site, unit):
            items.append((a.name, link(unit_uri(a.id))))
        items.append((unit.name, link(unit_uri(unit.id)) if tail else None))
    if tail:
        items.append((tail, None))
    return render("breadcrumbs.html", items=items)


# ----------------------------------------------------------------------------------------- report


def check_summary(issues: list[Issue]) -> dict:
    issues = sort_issues(issues)
    return {
        "errors": [i for i in issues if i.severity is ERROR],
        "warnings": [i for i in issues if i.severity is WARNING],
        "infos": [i for i in issues if i.severity is INFO],
    }


def report_markdown(site: Site, report: Report, issues: list[Issue], link: Link, user_dirs: tuple[str, ...] = ()) -> str:
    """The whole report page: title, 信息公开 block, 数据核验, key figures, then sections 一 to 六."""
    unit = site.units.get(report.unit)
    title = report_title(site, report)
    prev = site.report(report.unit, report.year - 1)
    years = site.years_of(report.unit)
    parts: list[str] = [f"# {title}", ""]
    parts += [breadcrumbs(site, unit, link, f"{report.year}年"), ""]
    parts += [
        render(
            "report_meta.html",
            user_dirs,
            meta=report.meta,
            unit=unit,
            year=report.year,
            format=report.format,
        ),
        "",
        render("report_check.html", user_dirs, check=check_summary(issues), data_path=report.data_path),
        "",
    ]
    figures = key_figures(report)
    changes = compare_figures(report, prev) if prev else None
    parts += [
        render(
            "report_figures.html",
            user_dirs,
            figures=figures,
            changes=changes,
            year=report.year,
            prev_year=prev.year if prev else None,
            prev_url=link(report_uri(report.unit, prev.year)) if prev else None,
        ),
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
                parts += [render("missing.html", user_dirs, what=f"统计表 {tdef.id}"), ""]
            else:
                view = build_table_view(tdef, t)
                parts += [render("table.html", user_dirs, view=view), ""]
            continue
        s = n.section(section.ordinal) if n else None
        parts += [f"## {s.heading if s else section.heading}", ""]
        body = strip_comments(s.body).strip() if s else ""
        if body:
            parts += [body, ""]
        else:
            parts += [render("missing.html", user_dirs, what="本部分正文"), ""]
    others = [y for y in years if y != report.year]
    parts += [
        render(
            "report_years.html",
            user_dirs,
            unit=unit,
            unit_url=link(unit_uri(report.unit)),
            years=[(y, link(report_uri(report.unit, y)), y == report.year) for y in years],
            others=others,
        ),
        "",
    ]
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------- indexes


def unit_markdown(site: Site, unit: Unit, link: Link, user_dirs: tuple[str, ...] = ()) -> str:
    years = site.years_of(unit.id)
    children = site.children_of(unit.id)  # registry order: the order the county lists them in
    rows = []
    for y in years:
        r = site.reports[(unit.id, y)]
        rows.append({"year": y, "url": link(report_uri(unit.id, y)), "title": report_title(site, r), "format": r.format.id})
    kids = [
        {"unit": c, "url": link(unit_uri(c.id)), "years": site.years_of(c.id)}
        for c in children
    ]
    parent = site.units.get(unit.parent) if unit.parent else None
    return "\n".join(
        [
            f"# {unit.full_name}",
            "",
            breadcrumbs(site, unit, link),
            "",
            render(
                "unit.html",
                user_dirs,
                unit=unit,
                parent=parent,
                parent_url=link(unit_uri(parent.id)) if parent else None,
                reports=rows,
                children=kids,
            ),
            "",
        ]
    )


def units_markdown(site: Site, link: Link, user_dirs: tuple[str, ...] = ()) -> str:
    def tree(parent: str | None, depth: int) -> list[dict]:
        out = []
        for u in site.children_of(parent):
            out.append({"unit": u, "url": link(unit_uri(u.id)), "years": site.years_of(u.id), "depth": depth,
                        "children": tree(u.id, depth + 1)})
        return out

    return "\n".join(
        ["# 单位一览", "", render("units.html", user_dirs, tree=tree(None, 0)), ""]
    )


def home_markdown(site: Site, link: Link, intro: str = "", user_dirs: tuple[str, ...] = ()) -> str:
    latest = max((y for (_u, y) in site.reports), default=None)
    reports = sorted(k for k in site.reports if k[1] == latest) if latest else []
    return "\n".join(
        [
            intro.strip() if intro.strip() else "# 政府信息公开工作年度报告",
            "",
            render(
                "home.html",
                user_dirs,
                latest=latest,
                reports=[
                    {"title": report_title(site, site.reports[k]), "url": link(report_uri(*k)), "unit": site.units.get(k[0])}
                    for k in reports
                ],
                unit_count=len(site.units),
                report_count=len(site.reports),
                units_url=link(UNITS_URI),
            ),
            "",
        ]
    )

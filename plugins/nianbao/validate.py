"""Runs every rule over a loaded site. Never raises on bad data; returns the issues."""

from __future__ import annotations

import functools
from pathlib import Path

from .history import check_history
from .issues import ERROR, WARNING, Issue, sort_issues
from .loader import LoadResult, load_site
from .model import Site
from .rules import REPORT_RULES, UNIT_RULES, Context, unverified_issues


def _acknowledge(issues: list[Issue], acknowledged: dict[str, str], where, keepable: frozenset[str] = frozenset()) -> list[Issue]:
    """Acknowledged warnings become information; an acknowledged error stays and is said (with the
    way to keep it, for the checks in ``keepable``)."""
    out = []
    for i in issues:
        reason = acknowledged.get(i.check)
        if reason and i.severity is WARNING:
            out.append(i.acknowledge(reason))
        else:
            out.append(i)
    for check in acknowledged:
        if any(i.check == check and i.severity is ERROR for i in issues):
            hint = AS_PUBLISHED_HINT if check in keepable else ""
            out.append(Issue("L-ACK", WARNING, f"{check} 是错误，不能以 acknowledged 确认，须改正数据{hint}", where))
    return out


@functools.cache
def keepable_checks() -> frozenset[str]:
    """The checks whose errors a report may keep as its published original had them: the
    arithmetic and values of the statistics tables (spec §9.1.10: keep the data and flag it)."""
    return frozenset(r.id for r in REPORT_RULES if r.severity is ERROR and r.id[:2] in ("T2", "T3", "T4"))


AS_PUBLISHED_HINT = "；已发布年报的原件错误可以在 as_published 中写明理由，照原件保留"
AS_PUBLISHED_PLACEHOLDER = "写明核对的原件和日期"  # in the reason the import suggests, to be replaced


def _keep_as_published(issues: list[Issue], report) -> list[Issue]:
    """Errors of a published report's original that its data file keeps (``as_published``) become
    kept information; an entry that cannot apply is said where it is written."""
    if not report.as_published:
        return issues
    keepable = keepable_checks()
    published = report.meta.published_date is not None
    out: list[Issue] = []
    keep: dict[str, str] = {}
    for check, (reason, where) in report.as_published.items():
        if check not in keepable:
            out.append(Issue("L-ACK", ERROR, f"as_published 只能保留统计表数字核验（{'、'.join(sorted(keepable))}）的错误，不能保留 {check}",
                             where or report.location))
        elif not published:
            out.append(Issue("L-ACK", ERROR, f"{check}：没有发布日期（meta 中的 published_date）的年报不能照原件保留错误，须改正数据",
                             where or report.location))
        elif not any(i.check == check and i.severity is ERROR for i in issues):
            out.append(Issue("L-ACK", WARNING, f"as_published 中的 {check} 没有对应的错误（数据已改正？），请删除这一项",
                             where or report.location))
        else:
            keep[check] = reason
            if AS_PUBLISHED_PLACEHOLDER in reason:
                out.append(Issue("L-ACK", WARNING, f"as_published 中 {check} 的理由还是导入时给的示例文字，请写明核对的是哪一份原件（发布日期、"
                                 "网址或文号）以及原件中的情况", where or report.location))
    for i in issues:
        out.append(i.keep_as_published(keep[i.check]) if i.severity is ERROR and i.check in keep else i)
    return out


def validate_report(site: Site, key: tuple[str, int]) -> list[Issue]:
    """A report's own checks. They see the report, its unit and the unit's previous year only, so a
    process that has read the unit's reports can run them (loadpool)."""
    report = site.reports[key]
    ctx = Context(site, report, site.units.get(report.unit), site.reports.get((report.unit, report.year - 1)))
    found: list[Issue] = []
    for r in REPORT_RULES:
        found.extend(r.fn(ctx))
    found.extend(unverified_issues(ctx))
    found = _keep_as_published(found, report)
    return _acknowledge(found, report.acknowledged, report.location, keepable_checks() if report.meta.published_date else frozenset())


def validate_site(site: Site, checked: dict | None = None) -> list[Issue]:
    """Every rule's findings; a report in ``checked`` (checked while loading) is not checked again."""
    issues: list[Issue] = []
    for unit in site.units.values():
        found = [i for r in UNIT_RULES for i in r.fn(site, unit)]
        issues += _acknowledge(found, unit.acknowledged, unit.location)
    checked = checked or {}
    for key in sorted(site.reports):
        issues += checked[key] if key in checked else validate_report(site, key)
    return issues


def check_site(root: Path | str, data_dir: str = "data", content_dir: str = "content", cache: dict | None = None,
               after_load=None, processes: int = 1) -> tuple[LoadResult, list[Issue]]:
    """Load and validate: the loading issues and the rule findings, sorted, each once. ``after_load``
    is called with the loaded site before it is validated (the build starts its open-data worker);
    ``processes`` read the files (see :func:`load_site`). M-7 (changed after publication) is read
    from the repository's git history (:mod:`.history`)."""
    result = load_site(root, data_dir, content_dir, cache, processes, check_report=validate_report)
    if after_load is not None:
        after_load(result)
    issues = result.issues + validate_site(result.site, result.checked) + check_history(root, result.site, [data_dir, content_dir])
    return result, sort_issues(issues)


def report_files(site: Site) -> dict[str, tuple[str, int]]:
    """Each report's files (its data file and its narrative) and the report they belong to."""
    files: dict[str, tuple[str, int]] = {}
    for key, r in site.reports.items():
        files[r.data_path] = key
        if r.narrative:
            files[r.narrative.path] = key
    return files


def issues_by_report(issues: list[Issue], site: Site) -> dict[tuple[str, int], list[Issue]]:
    """Each report's own findings (its data file and its narrative), for the 数据核验 block."""
    files = report_files(site)
    out: dict[tuple[str, int], list[Issue]] = {k: [] for k in site.reports}
    for i in issues:
        k = files.get(i.file or "")
        if k:
            out[k].append(i)
    return out

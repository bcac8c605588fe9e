"""Runs every rule over a loaded site. Never raises on bad data; returns the issues."""

from __future__ import annotations

from pathlib import Path

from .history import check_history
from .issues import ERROR, WARNING, Issue, sort_issues
from .loader import LoadResult, load_site
from .model import Site
from .rules import REPORT_RULES, UNIT_RULES, Context, unverified_issues


def _acknowledge(issues: list[Issue], acknowledged: dict[str, str], where) -> list[Issue]:
    out = []
    for i in issues:
        reason = acknowledged.get(i.check)
        if reason and i.severity is WARNING:
            out.append(i.acknowledge(reason))
        else:
            out.append(i)
    for check in acknowledged:
        if any(i.check == check and i.severity is ERROR for i in issues):
            out.append(Issue("L-ACK", WARNING, f"{check} 是错误，不能以 acknowledged 确认，须改正数据", where))
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
    return _acknowledge(found, report.acknowledged, report.location)


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

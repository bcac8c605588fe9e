"""What the checks found, as open data for supervisors and evaluators (spec §8: completeness,
timeliness, consistency): the status page's matrix as a table (one row per unit and year, published
or not) and every finding of the checks (one row each). They depend on the checks, not only on the
data, so they are written apart from the other exports, where the checks' results are at hand.
Deterministic: the same repository gives the same bytes.
"""

from __future__ import annotations

from bisect import bisect_right

from ..indexes import status_matrix
from ..issues import Issue, sort_issues
from ..model import Site
from ..validate import report_files
from . import _csv

STATUS_FILE = "nianbao-status.csv"
CHECKS_FILE = "nianbao-checks.csv"
FILES = (
    (STATUS_FILE, "发布情况：每个单位每个年度一行（是否发布、发布日期、期限、逾期天数、核验的错误和警告数、发布后是否改动）"),
    (CHECKS_FILE, "核验结果：每项发现一行（单位、年度、核验项、级别、说明、文件和行号）"),
)
STATUS_COLUMNS = [
    "unit_id", "unit_name", "parent_id", "year", "status", "status_label", "published_date", "due_date", "days_late",
    "errors", "warnings", "changed_after_publication",
]
CHECKS_COLUMNS = ["unit_id", "year", "check", "severity", "severity_label", "message", "file", "line", "column"]


def status_csv(site: Site, issues_by_report: dict[tuple[str, int], list[Issue]]) -> bytes:
    """The status page as a table: every unit × every year of the portal, in the page's order."""
    m = status_matrix(site, issues_by_report)
    rows = []
    for unit, cells in m.rows:
        for year, s in zip(m.years, cells):
            missing = s.state == "missing"
            late = None if missing or not s.date else max((s.date - s.due).days, 0)
            rows.append([
                unit.id, unit.name, unit.parent, year, s.state, s.label,
                s.date.isoformat() if s.date else None, s.due.isoformat(), late,
                None if missing else s.errors, None if missing else s.warnings,
                None if missing else ("true" if s.changed else "false"),
            ])
    return _csv(rows, STATUS_COLUMNS)


def checks_csv(site: Site, issues: list[Issue]) -> bytes:
    """Every finding, in the order ``nianbao validate`` gives them; a finding in a report's data file
    or narrative names its unit and year."""
    files = report_files(site)
    # a finding in the unit registry belongs to the entry it is in: the last one starting at or above it
    entries = sorted((u.location.file, u.location.line, u.id) for u in site.units.values() if u.location and u.location.line)
    rows = []
    for i in sort_issues(issues):
        unit, year = files.get(i.file or "", (None, None))
        loc = i.location
        if unit is None and loc and loc.line:
            k = bisect_right(entries, (loc.file, loc.line, "\uffff"))
            if k and entries[k - 1][0] == loc.file:
                unit = entries[k - 1][2]
        rows.append([unit, year, i.check, i.severity.value, i.severity.label, i.message, i.file,
                     loc.line if loc and loc.line else None, loc.column if loc and loc.column else None])
    return _csv(rows, CHECKS_COLUMNS)

"""One function per invariant of spec §7, registered under its id.

A rule receives a :class:`Context` and yields issues; it never raises on bad data. Rows a loading
error left out are skipped (the loading error already says what is wrong).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ..issues import INFO, Issue, Severity, some_of
from ..model import Cell, CellKind, Number, Report, Site, Table, Unit

RuleFn = Callable[["Context"], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    scope: str  # report | unit
    fn: Callable


REPORT_RULES: list[Rule] = []
UNIT_RULES: list[Rule] = []


def rule(id: str, severity: Severity, title: str, scope: str = "report"):
    def wrap(fn):
        (REPORT_RULES if scope == "report" else UNIT_RULES).append(Rule(id, severity, title, scope, fn))
        return fn

    return wrap


@dataclass
class Context:
    site: Site  # for a report rule, holds the unit's own reports at least (not always the whole site)
    report: Report
    unit: Unit | None
    prev: Report | None  # the same unit's report for year - 1, when it exists
    unverified: dict[str, list[str]] = field(default_factory=dict)

    def table(self, tid: str) -> Table | None:
        return self.report.table(tid)

    def note_unverified(self, check: str, what: str) -> None:
        self.unverified.setdefault(check, []).append(what)


def total(cells: Iterable[Cell]) -> tuple[Number, bool]:
    """Σ of the cells as operands, and whether a blank or NA mark was counted as 0."""
    s: Number = 0
    blanks = False
    for c in cells:
        if c.kind is not CellKind.NUMBER:
            blanks = True
        s += c.as_operand()
    return s, blanks


def compare(
    ctx: Context,
    check: str,
    severity: Severity,
    left: list[Cell],
    right: list[Cell],
    where: Cell,
    describe: Callable[[Number, Number], str],
    scope_label: str,
) -> Iterator[Issue]:
    """``Σ left == Σ right``, run as spec §7 says: blanks count as 0 and the message says so."""
    a, ba = total(left)
    b, bb = total(right)
    blanks = ba or bb
    if a != b:
        msg = describe(a, b)
        if blanks:
            msg += "（空白或不适用单元格按 0 计）"
        yield Issue(check, severity, msg, where.location)
    elif blanks:
        ctx.note_unverified(check, scope_label)


def unverified_issues(ctx: Context) -> Iterator[Issue]:
    for check, whats in sorted(ctx.unverified.items()):
        shown = some_of(whats, 6, "处")
        yield Issue(
            check,
            INFO,
            f"{shown}含空白或不适用单元格：按 0 计算时成立，但无法完全核验",
            ctx.report.location,
        )


def fmt(v: Number) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def is_integer(v: Number) -> bool:
    return isinstance(v, int) or v == v.to_integral_value()


# importing the modules registers their rules
from . import content, meta, registry, t2, t3, t4, text  # noqa: E402,F401

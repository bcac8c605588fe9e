"""Reading a large site's data files in several processes.

Reading 10,000 reports (YAML composed with positions, a cell object per table cell) takes a core
about a dozen seconds, while nothing else can start: every later step needs the whole site. With
``processes`` > 1 the loader forks helpers before it starts; each reads its share of the files
(a run of whole units), checks its reports with the rules that need only the unit's own reports,
and sends both back as plain values (:mod:`marshal`: tuples, strings, numbers), from which the
parent rebuilds the objects in a third of the time reading them takes (pickling the objects costs
more than reading the files). The parent reads a larger share meanwhile and checks it afterwards,
while the open data is written beside it.

The result is the same as reading in one process, in the same order: a helper that fails or dies
only means the parent reads that share itself. Used where ``fork`` exists, for a site of
:data:`MIN_FILES` files or more.
"""

from __future__ import annotations

import datetime as dt
import marshal
import multiprocessing
import os
from dataclasses import fields
from decimal import Decimal

from .formats import get_format
from .issues import Issue, Severity
from .model import Cell, CellKind, LegacyTable, Location, Meta, Narrative, Report, Section, Table

MIN_FILES = 200  # below this, forking costs more than it saves

_KINDS = {k.value: k for k in CellKind}
_SEVERITIES = {s.value: s for s in Severity}
_DATE = "\0date"  # marks a date in the plain form of Meta's fields


def default_processes() -> int:
    """One per core this process may run on, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# measured per report (10,000 synthetic reports, 2 cores, both busy): reading ~0.95 ms, checking
# ~1.0 ms; they set the shares' sizes. (Rebuilding a helper's reports, ~0.45 ms each, can start only
# when it has sent them all.)
READ_COST, CHECK_COST = 0.95, 1.0


def load_all(jobs: list, load_one, processes: int, unit_of=None, check_share=None) -> tuple[list, dict]:
    """``[load_one(*job) for job in jobs]``, the jobs shared among ``processes`` processes.

    ``load_one`` returns ``(report or None, issues, narrative or None, narrative issues)``. Each
    helper takes a run of whole units (``unit_of(job)``) and, when ``check_share`` is given, calls
    it with its results: it returns ``{report key: issues}`` (the reports' own checks, which need
    only the unit's reports), sent back with them. Returns the results in the jobs' order and the
    helpers' checks (the parent checks its own share afterwards, beside the open-data worker)."""
    if processes < 2 or len(jobs) < MIN_FILES or not can_fork():
        return [load_one(*job) for job in jobs], {}
    shares = _shares(jobs, processes, unit_of or (lambda job: job), check_share is not None)
    helpers = []
    for lo, hi in shares[1:]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: its share, as plain values, then exit without running anything else
            os.close(read)
            code = 0
            try:
                results = [load_one(*job) for job in jobs[lo:hi]]
                checked = check_share(results) if check_share is not None else {}
                data = marshal.dumps(([_plain(*r) for r in results], {k: _issues(v) for k, v in checked.items()}))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:  # noqa: BLE001 - the parent reads this share itself
                code = 1
            os._exit(code)
        os.close(write)
        helpers.append((lo, hi, pid, read))
    lo, hi = shares[0]
    results: list = [load_one(*job) for job in jobs[lo:hi]]
    checked: dict = {}
    for lo, hi, pid, read in helpers:
        with os.fdopen(read, "rb") as src:
            data = src.read()
        _, status = os.waitpid(pid, 0)
        share = None
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                plain, plain_checked = marshal.loads(data)
                share = [_unplain(p) for p in plain]
                share_checked = {k: _unissues(v) for k, v in plain_checked.items()}
            except (EOFError, ValueError, TypeError):
                share = None
        if share is None or len(share) != hi - lo:
            share, share_checked = [load_one(*job) for job in jobs[lo:hi]], {}
        results += share
        checked.update(share_checked)
    return results, checked


def _shares(jobs: list, processes: int, unit_of, checking: bool) -> list[tuple[int, int]]:
    """Runs of whole units: the parent's first, then one per helper, sized so that the parent has
    read its share when the helpers have read and checked theirs."""
    helper = READ_COST + (CHECK_COST if checking else 0)
    parent = helper / ((processes - 1) * READ_COST + helper)
    n = len(jobs)
    cuts = [round(n * (parent + (1 - parent) * k / (processes - 1))) for k in range(processes - 1)]
    bounds = [0]
    for cut in cuts:  # move each cut forward to the start of the next unit
        cut = max(cut, bounds[-1])
        while 0 < cut < n and unit_of(jobs[cut]) == unit_of(jobs[cut - 1]):
            cut += 1
        bounds.append(cut)
    bounds.append(n)
    return [(bounds[i], bounds[i + 1]) for i in range(processes)]


# ------------------------------------------------------------------------------- plain values


def _loc(loc: Location | None, path: str):
    if loc is None:
        return None
    return (loc.line, loc.column) if loc.file == path else (loc.line, loc.column, loc.file)


def _unloc(v, path: str) -> Location | None:
    if v is None:
        return None
    return Location(path, v[0], v[1]) if len(v) == 2 else Location(v[2], v[0], v[1])


def _value(v):
    if isinstance(v, dt.date):
        return (_DATE, v.toordinal())
    if isinstance(v, tuple):
        return tuple(_value(x) for x in v)
    return v


def _unvalue(v):
    if isinstance(v, tuple):
        if len(v) == 2 and v[0] == _DATE:
            return dt.date.fromordinal(v[1])
        return tuple(_unvalue(x) for x in v)
    return v


def _cell(c: Cell, path: str):
    loc = c.location
    if (c.kind is CellKind.NUMBER and type(c.value) is int and c.raw is None and c.unit_raw is None
            and not c.inferred and loc is not None and loc.file == path):
        return (c.value, loc.line, loc.column)  # most cells: a plain count
    value = str(c.value) if isinstance(c.value, Decimal) else c.value
    return (c.kind.value, value, c.raw, c.unit_raw, _loc(loc, path), c.inferred, isinstance(c.value, Decimal))


def _uncell(v, path: str) -> Cell:
    if len(v) == 3:
        return Cell(CellKind.NUMBER, v[0], None, None, Location(path, v[1], v[2]))
    kind, value, raw, unit_raw, loc, inferred, decimal = v
    return Cell(_KINDS[kind], Decimal(value) if decimal else value, raw, unit_raw, _unloc(loc, path), inferred)


def _issues(issues: list[Issue]):
    return [(i.check, i.severity.value, i.message, None if i.location is None else (i.location.line, i.location.column, i.location.file),
             i.kept) for i in issues]


def _unissues(v) -> list[Issue]:
    return [Issue(c, _SEVERITIES[s], m, None if loc is None else Location(loc[2], loc[0], loc[1]), kept) for c, s, m, loc, kept in v]


def _report(r: Report | None):
    if r is None:
        return None
    p = r.data_path
    tables = {
        tid: (_loc(t.location, p), {rk: {ck: _cell(c, p) for ck, c in cols.items()} for rk, cols in t.rows.items()},
              {k: _loc(v, p) for k, v in t.row_locations.items()})
        for tid, t in r.tables.items()
    }
    meta = tuple(_value(getattr(r.meta, f.name)) for f in fields(Meta))
    legacy = tuple((t.title, t.columns, tuple(tuple(c if isinstance(c, str) else _cell(c, p) for c in row) for row in t.rows),
                    _loc(t.location, p), tuple(_loc(x, p) for x in t.row_locations)) for t in r.legacy_tables)
    return (r.unit, r.year, r.format.id, meta, tables, p, _loc(r.location, p),
            {k: _loc(v, p) for k, v in r.meta_locations.items()}, r.acknowledged, legacy,
            {k: _cell(c, p) for k, c in r.legacy_metrics.items()},
            {k: (reason, _loc(where, p)) for k, (reason, where) in r.as_published.items()})


def _unreport(v) -> Report | None:
    if v is None:
        return None
    unit, year, fid, meta, tables, p, loc, meta_locs, acknowledged, legacy, metrics, as_published = v
    return Report(
        unit=unit,
        year=year,
        format=get_format(fid),
        meta=Meta(*(_unvalue(x) for x in meta)),
        tables={
            tid: Table(tid, {rk: {ck: _uncell(c, p) for ck, c in cols.items()} for rk, cols in rows.items()}, _unloc(tl, p),
                       {k: _unloc(x, p) for k, x in rlocs.items()})
            for tid, (tl, rows, rlocs) in tables.items()
        },
        data_path=p,
        location=_unloc(loc, p),
        meta_locations={k: _unloc(x, p) for k, x in meta_locs.items()},
        acknowledged=acknowledged,
        legacy_tables=tuple(
            LegacyTable(title, columns, tuple(tuple(c if isinstance(c, str) else _uncell(c, p) for c in row) for row in rows),
                        _unloc(tl, p), tuple(_unloc(x, p) for x in rlocs))
            for title, columns, rows, tl, rlocs in legacy),
        legacy_metrics={k: _uncell(c, p) for k, c in metrics.items()},
        as_published={k: (reason, _unloc(where, p)) for k, (reason, where) in as_published.items()},
    )


def _narrative(n: Narrative | None):
    if n is None:
        return None
    return (n.path, n.preamble, tuple((s.ordinal, s.heading, s.body, s.line) for s in n.sections), n.source)


def _unnarrative(v) -> Narrative | None:
    if v is None:
        return None
    path, preamble, sections, source = v
    return Narrative(path, preamble, tuple(Section(*s) for s in sections), source)


def _plain(report, issues, narrative, n_issues):
    if report is not None and report.narrative is not None:  # the loader sets it in the parent
        raise ValueError("a report's narrative is sent on its own")
    return (_report(report), _issues(issues), _narrative(narrative), _issues(n_issues))


def _unplain(v):
    report, issues, narrative, n_issues = v
    return (_unreport(report), _unissues(issues), _unnarrative(narrative), _unissues(n_issues))

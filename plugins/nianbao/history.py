"""M-7: a report changed after it was published, found in the portal repository's git history.

Spec §7 describes M-7 as a published page whose content changed between two crawls. A nianbao
portal is a git repository, so its history says more than crawls could: what the report said when
it was published, and every change since. A change after publication is legitimate when the data
file says so (``revisions:``, shown on the report page and the data page); M-7 is a change that
does not.

- The *published version* of a file is its version in the newest commit made on or before the
  report's ``published_date`` (dates in China Standard Time); a file first committed later (a
  portal that imported its old reports) was published as that first commit.
- When the data file records revisions dated after publication, the reference is instead the
  first commit whose data file already carries the newest of them: the revision note and the
  change it describes come together, whatever the commit's date.
- The current files (uncommitted edits included, once the publication date has passed: they are
  what the build publishes) are compared
  with that version: the figures and the report information (not comments, not ``acknowledged``,
  ``as_published`` or ``revisions`` themselves), and the narrative's text (not its line breaks or spaces).

Only files with a commit after their reference, or with uncommitted edits, are compared; the whole
history costs one ``git log``. Where there is no history (not a git repository, git not installed,
a shallow clone as CI checks out by default) the check cannot be made, and one information item
says so. Nothing here depends on MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from .formats import T3_COLLAPSED, T3_COLLAPSED_LABEL
from .issues import INFO, Issue, some_of
from .model import Cell, CellKind, Location, Report, Site

CHECK = "M-7"
CST = dt.timezone(dt.timedelta(hours=8), "CST")
SHOWN = 3  # changed figures named in one message
TABLE_NAMES = {"T2": "表二", "T3": "表三", "T4": "表四"}
META_FIELDS = ("title", "publisher", "index_no", "doc_no", "written_date", "published_date", "period_start", "period_end",
               "scope", "category", "validity")


@dataclass(frozen=True)
class Commit:
    sha: str
    when: int  # committer time, seconds since the epoch

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.when, CST).date()


class NoHistory(Exception):
    """Why the history cannot be read (a message for people)."""


@dataclass
class History:
    """The commits that touched each file under the portal's data and content folders."""

    root: Path
    prefix: str  # the portal's folder inside the repository ("" at its top), with a trailing "/"
    commits: dict[str, list[Commit]] = field(default_factory=dict)  # path relative to root -> newest first
    edited: set[str] = field(default_factory=set)  # paths relative to root with uncommitted changes

    def show(self, commit: Commit, path: str) -> bytes | None:
        """A file as it was in ``commit`` (None if it was not there)."""
        return _git(self.root, "cat-file", "blob", f"{commit.sha}:{self.prefix}{path}", check=False)


def _git(root: Path, *args: str, check: bool = True) -> bytes | None:
    env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}  # a read, never a lock on the index
    try:
        # whatever the user's git configuration: no signature lines in the log, no colour
        p = subprocess.run(["git", "-C", str(root), "-c", "log.showSignature=false", "-c", "color.ui=false", *args],
                           capture_output=True, env=env, timeout=300)
    except FileNotFoundError:
        raise NoHistory("没有安装 git") from None
    except subprocess.TimeoutExpired:
        raise NoHistory("读取 git 历史超时") from None
    if p.returncode != 0:
        if check:
            raise NoHistory(p.stderr.decode("utf-8", "replace").strip().splitlines()[0] if p.stderr.strip() else f"git {args[0]} 失败")
        return None
    return p.stdout


def read_history(root: Path | str, folders: list[str]) -> History:
    """The history of ``folders`` (relative to ``root``); raises :class:`NoHistory` when there is none."""
    root = Path(root)
    try:
        info = _git(root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--show-prefix").decode("utf-8").split("\n")
    except NoHistory as e:
        raise NoHistory("不是 git 仓库" if "not a git repository" in str(e) else str(e)) from None
    if info[0] != "true":
        raise NoHistory("不是 git 仓库的工作目录")
    if info[1] == "true":
        raise NoHistory("仓库是浅克隆（shallow clone），没有完整的提交历史；GitHub Actions 中请给 actions/checkout 设 fetch-depth: 0")
    prefix = info[2]
    history = History(root, prefix)
    spec = ["--", *folders]
    out = _git(root, "-c", "core.quotePath=false", "log", "-z", "--no-renames", "--format=%x01%H %ct", "--name-only", *spec)
    for record in out.decode("utf-8", "surrogateescape").split("\x01")[1:]:
        head, _, names = record.partition("\0")
        sha, when = head.split(" ")
        commit = Commit(sha, int(when))
        for name in names.strip("\n").split("\0"):
            name = name.lstrip("\n")
            if name.startswith(prefix) and name:
                history.commits.setdefault(name[len(prefix):], []).append(commit)
    status = _git(root, "-c", "core.quotePath=false", "status", "--porcelain=v1", "-z", "--untracked-files=no", *spec)
    entries = status.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            i += 1  # a rename's source path follows
        # porcelain paths are relative to the repository's top
        if path.startswith(prefix):
            history.edited.add(path[len(prefix):])
    return history


# --------------------------------------------------------------------------------------------
# what changed


def _cell_value(c: Cell | None):
    if c is None:
        return None
    if c.kind is CellKind.NUMBER:
        return ("n", c.value)
    if c.kind is CellKind.NA:
        return ("na", (c.raw or "/").strip())
    return ("blank",)


def _cell_shown(c: Cell | None) -> str:
    if c is None:
        return "（无）"
    if c.kind is CellKind.BLANK:
        return "空白"
    return c.display()


def figure_changes(before: Report, now: Report) -> list[tuple[str, Location | None]]:
    """What differs between two versions of a report's data: report information and figures, each
    as (description, where it is written now)."""
    out: list[tuple[str, Location | None]] = []
    from .loader import META_LABELS

    for key in META_FIELDS:
        a, b = getattr(before.meta, key), getattr(now.meta, key)
        if a != b:
            label = {"period_start": "统计期限起", "period_end": "统计期限止", "scope": "范围"}.get(key) or META_LABELS.get(key, key)
            where = now.meta_locations.get("period" if key.startswith("period") else key, now.location)
            out.append((f"{label}“{a or '空'}”→“{b or '空'}”", where))
    if before.format.id != now.format.id:
        out.append((f"年报格式 {before.format.id} → {now.format.id}", now.location))
        return out
    if not now.format.tables:  # 2018 and before: tables as printed
        from .canonical import legacy_value

        seen = lambda t: (t.title, t.columns, [[legacy_value(c) for c in row] for row in t.rows])  # noqa: E731
        for i in range(max(len(before.legacy_tables), len(now.legacy_tables))):
            tb = before.legacy_tables[i] if i < len(before.legacy_tables) else None
            tn = now.legacy_tables[i] if i < len(now.legacy_tables) else None
            name = f"统计表 {i + 1}“{(tn or tb).title or ''}”"
            if tb is None or tn is None:
                out.append((f"{name}{'补上' if tb is None else '删去'}", (tn.location if tn else None) or now.location))
            elif seen(tb) != seen(tn):
                a, b = seen(tb), seen(tn)
                rows = [j for j in range(max(len(a[2]), len(b[2]))) if j >= len(a[2]) or j >= len(b[2]) or a[2][j] != b[2][j]]
                where = tn.row_locations[rows[0]] if rows and rows[0] < len(tn.row_locations) else tn.location
                out.append((f"{name}" + (f"第 {rows[0] + 1} 行起有改动" if rows else "的表题或表头有改动"), where))
        from .formats import LEGACY_METRICS

        for key, label, _unit in LEGACY_METRICS:
            a, b = before.legacy_metrics.get(key), now.legacy_metrics.get(key)
            if _cell_value(a) != _cell_value(b):
                out.append((f"约数“{label}” {_cell_shown(a)} → {_cell_shown(b)}", (b.location if b else None) or now.location))
        return out
    for tdef in now.format.tables.values():
        tb, tn = before.tables.get(tdef.id), now.tables.get(tdef.id)
        if tb is None and tn is None:
            continue
        if tb is None or tn is None:
            out.append((f"{tdef.title}{'补上' if tb is None else '删去'}", (tn.location if tn else None) or now.location))
            continue
        extra = (T3_COLLAPSED,) if tdef.id == "T3" else ()
        for row in tdef.rows:
            for col in row.columns + tuple(replace(row.columns[-1], key=k, short_label=T3_COLLAPSED_LABEL) for k in extra):
                cb = tb.rows.get(row.key, {}).get(col.key)
                cn = tn.rows.get(row.key, {}).get(col.key)
                if _cell_value(cb) != _cell_value(cn):
                    name = row.qualified
                    if len(row.columns) > 1:
                        name += f"·{col.short_label or col.label}"
                    where = (cn.location if cn is not None else None) or tn.row_locations.get(row.key) or tn.location
                    out.append((f"{TABLE_NAMES.get(tdef.id, tdef.id)}“{name}” {_cell_shown(cb)} → {_cell_shown(cn)}", where))
    return out


_SPACE = re.compile(r"\s+")


def narrative_change(before: str, now: str) -> int | None:
    """The line (1-based, in ``now``) where the narrative's text first differs, ignoring spaces
    and line breaks; None when it does not."""
    a = _SPACE.sub("", before)
    lines = now.splitlines() or [""]
    b = [_SPACE.sub("", line) for line in lines]
    if a == "".join(b):
        return None
    at = 0  # where the current line starts in the text without spaces
    for i, line in enumerate(b):
        if a[at : at + len(line)] != line:
            return i + 1
        at += len(line)
    return len(lines)  # the text was cut at its end


# --------------------------------------------------------------------------------------------
# the check


def _load_version(data: bytes, report: Report) -> Report | None:
    from .loader import load_report

    return load_report(Path(report.data_path), report.data_path, report.unit, report.year, data=data)[0]


def _reference(history: History, report: Report) -> tuple[Commit, str, int] | None:
    """The data file's reference commit, what it is (see the module's docstring), and the time up
    to which the narrative's commits belong to the same version."""
    commits = history.commits.get(report.data_path)
    published = report.meta.published_date
    if not commits or published is None:
        return None
    later = [r for r in report.meta.revisions if r[0] >= published]
    if later:
        newest = max(later)
        for c in reversed(commits):  # oldest first: the first version that records the newest revision
            data = history.show(c, report.data_path)
            old = _load_version(data, report) if data is not None else None
            if old is not None and newest in old.meta.revisions:
                return c, f"{newest[0].isoformat()} 修订后的版本", c.when
        # the newest revision is not committed yet: the edits it describes are what is published
        return None
    before = [c for c in commits if c.date <= published]
    if before:
        return before[0], f"{published.isoformat()} 发布时的版本", _day_end(published)
    return commits[-1], "首次发布的版本", commits[-1].when


def _message(what: str, commit: Commit, basis: str) -> str:
    return (f"发布后有改动，而数据文件没有相应的修订记录：与{basis}（提交 {commit.sha[:7]}，{commit.date.isoformat()}）相比，{what}。"
            "若是更正，请在数据文件的 revisions: 中写明修订日期和说明")


def check_report_history(history: History, report: Report, today: dt.date) -> list[Issue]:
    ref = _reference(history, report)
    if ref is None:
        return []
    # edits not yet committed count once the report is out (before, they are still the draft)
    edited = history.edited if today > report.meta.published_date else set()
    commit, basis, until = ref
    commits = history.commits[report.data_path]
    issues: list[Issue] = []
    data_changed = commits[0] != commit or report.data_path in edited
    if data_changed:
        data = history.show(commit, report.data_path)
        old = _load_version(data, report) if data is not None else None
        if old is None:
            now = Path(history.root, report.data_path).read_bytes()
            if data != now:
                issues.append(Issue(CHECK, INFO, _message("数据文件有改动（原来的版本无法读取，无法逐项比较）", commit, basis), report.location))
        else:
            changes = figure_changes(old, report)
            if changes:
                shown = some_of((c for c, _ in changes), SHOWN, "处", "；")
                issues.append(Issue(CHECK, INFO, _message(shown, commit, basis), changes[0][1] or report.location))
    narrative = report.narrative
    if narrative is not None and narrative.path in history.commits:
        ncommits = history.commits[narrative.path]
        # the narrative of the same version (or its first commit, when it was committed later)
        older = [c for c in ncommits if c.when <= until] or [ncommits[-1]]
        nref = older[0]
        if ncommits[0] != nref or narrative.path in edited:
            text = history.show(nref, narrative.path)
            if text is not None:
                line = narrative_change(text.decode("utf-8", "replace"), narrative.source)
                if line is not None:
                    issues.append(Issue(CHECK, INFO, _message(f"正文自第 {line} 行起有改动", nref, basis),
                                        Location(narrative.path, line)))
    return issues


def _day_end(d: dt.date) -> int:
    return int(dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), CST).timestamp()) - 1


def check_history(root: Path | str, site: Site, folders: list[str], today: dt.date | None = None) -> list[Issue]:
    """M-7 for every report of ``site``: one information item per changed file, or one saying why
    the check could not be made. ``today`` (China Standard Time by default) only decides whether
    uncommitted edits are made to a report already published."""
    today = today or dt.datetime.now(CST).date()
    try:
        history = read_history(root, folders)
    except NoHistory as e:
        return [Issue(CHECK, INFO, f"未核对发布后是否改动：{e}")]
    issues: list[Issue] = []
    for key in sorted(site.reports):
        report = site.reports[key]
        try:
            issues += check_report_history(history, report, today)
        except NoHistory as e:
            issues.append(Issue(CHECK, INFO, f"未核对发布后是否改动：{e}", report.location))
    return issues

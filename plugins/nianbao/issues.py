"""Validation findings: a stable check id, a severity, a location and a Chinese message.

All issues are collected before anything fails; formatters turn them into text, JSON or
GitHub Actions annotations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from .model import Location


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Issue:
    check: str
    severity: Severity
    message: str
    location: Location | None = None
    # an error of the published original, kept as it was (a report's ``as_published``): shown on
    # the report page with the errors, but it does not fail the build
    kept: bool = False

    @property
    def file(self) -> str | None:
        return self.location.file if self.location else None

    def acknowledge(self, reason: str) -> Issue:
        """A warning the data file has acknowledged becomes information, with the reason shown."""
        return replace(self, severity=INFO, message=f"{self.message}（已确认：{reason}）")

    def keep_as_published(self, reason: str) -> Issue:
        """An error the data file says is the published original's (``as_published``): information
        that still reads as the error it is, with the reason."""
        return replace(self, severity=INFO, kept=True, message=f"{self.message}（原件如此，照原件保留：{reason}）")

    def as_dict(self) -> dict:
        loc = self.location
        d = {
            "file": loc.file if loc else None,
            "line": loc.line if loc and loc.line else None,
            "column": loc.column if loc and loc.column else None,
            "severity": self.severity.value,
            "check": self.check,
            "message": self.message,
        }
        if self.kept:
            d["as_published"] = True
        return d

    def sort_key(self):
        loc = self.location or Location("", 0, 0)
        return (loc.file, loc.line, loc.column, self.severity.rank, self.check, self.message)

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity.label} {self.check} {self.message}"


def some_of(items, shown: int, measure: str, sep: str = "、") -> str:
    """The first ``shown`` of ``items`` joined by ``sep``, and when there are more, how many in all:
    ``some_of(["甲", "乙", "丙"], 2, "个")`` is "甲、乙 等 3 个"."""
    items = list(items)
    return sep.join(items[:shown]) + (f" 等 {len(items)} {measure}" if len(items) > shown else "")


def sort_issues(issues) -> list[Issue]:
    return sorted(set(issues), key=Issue.sort_key)


def count(issues, severity: Severity) -> int:
    return sum(1 for i in issues if i.severity is severity)


def has_errors(issues) -> bool:
    return any(i.severity is ERROR for i in issues)


class SourceLines:
    """Reads source lines on demand, to quote the offending line under a message."""

    def __init__(self, root: str | Path = "."):
        self.root = Path(root)
        self._cache: dict[str, list[str]] = {}

    def line(self, file: str, line: int) -> str | None:
        if file not in self._cache:
            p = Path(file) if Path(file).is_absolute() else self.root / file
            try:
                self._cache[file] = p.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._cache[file] = []
        lines = self._cache[file]
        return lines[line - 1] if 0 < line <= len(lines) else None


def format_text(issues, root: str | Path = ".", quote_source: bool = True) -> str:
    src = SourceLines(root)
    out = []
    for i in sort_issues(issues):
        out.append(i.format())
        loc = i.location
        if quote_source and loc and loc.line:
            text = src.line(loc.file, loc.line)
            if text is not None:
                out.append(f"    {text.rstrip()}")
                if loc.column:
                    # the caret sits under the column; wide (CJK) characters take two cells
                    pad = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[: loc.column - 1])
                    out.append("    " + " " * pad + "^")
    return "\n".join(out)


def format_json(issues) -> str:
    return json.dumps([i.as_dict() for i in sort_issues(issues)], ensure_ascii=False, indent=2)


def format_github(issues) -> str:
    """GitHub Actions workflow commands, so findings show up on the changed lines of a pull request."""
    kind = {ERROR: "error", WARNING: "warning", INFO: "notice"}
    out = []
    for i in sort_issues(issues):
        props = []
        if i.location:
            props.append(f"file={i.location.file}")
            if i.location.line:
                props.append(f"line={i.location.line}")
            if i.location.column:
                props.append(f"col={i.location.column}")
        props.append(f"title={i.check}")
        msg = i.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        out.append(f"::{kind[i.severity]} {','.join(props)}::{msg}")
    return "\n".join(out)


def summary(issues) -> str:
    return f"{count(issues, ERROR)} 个错误，{count(issues, WARNING)} 个警告，{count(issues, INFO)} 个提示"

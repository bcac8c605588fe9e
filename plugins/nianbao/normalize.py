"""Reading one table cell's text: shared by the data-file loader and the importers.

Nothing is coerced silently: every transformation leaves a note code the caller reports, and the
source text is kept whenever it was not a plain number (spec §9.1, §9.2).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .model import Cell, CellKind, Location, Number

# Marks that say "not applicable": kept as such, never read as 0 (spec §9.1 item 4).
NA_MARKS = frozenset(
    {"/", "-", "--", "—", "——", "–", "−", "－", "一", "无", "不适用", "n/a", "N/A", "NA", "na", "\\", "／", "---"}
)

UNITS = ("万元", "元", "件", "项", "个", "条", "次")

# Notes: what had to be interpreted to read the cell. The codes are stable (used by issue ids).
NOTE_LABELS = {
    "fullwidth": "全角数字或符号，已按半角读取",
    "thousands": "含千位分隔符，已去除",
    "unit": "单元格内写有单位",
    "plus_sign": "带“+”号",
    "minus_sign": "带负号",
    "na_mark": "不适用标记",
    "spaces": "含空格，已去除",
    "blank": "空白单元格",
    "spaced_digits": "是用空格隔开的几个数字，无法确定取值",
}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# digits with a space between them on one line: one number written in groups of three ("1 234"), or
# two cells' numbers run together ("0 0", "12 3"), which cannot be told apart from one number with a
# stray space, so the cell is not read. (A line break between digits is a long number wrapped in a
# narrow cell: joined.)
_SPACED_DIGITS = re.compile(r"\d[^\S\n]+[-+]?\d")
_DIGIT_GROUPS = re.compile(r"[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?\s*(?:" + "|".join(UNITS) + ")?")


@dataclass
class ParsedCell:
    kind: CellKind | None  # None: the text is not a number, blank or NA mark
    value: Number | None = None
    raw: str | None = None
    unit_raw: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_cell(self, location: Location | None = None) -> Cell:
        assert self.kind is not None
        return Cell(self.kind, self.value, self.raw, self.unit_raw, location)


def parse_cell(text: str | None) -> ParsedCell:
    """Read a cell's text. ``None`` (a YAML null or a missing cell) and whitespace are blank."""
    if text is None:
        return ParsedCell(CellKind.BLANK)
    if text.isascii() and text.isdigit():  # the common case: a plain count
        return ParsedCell(CellKind.NUMBER, int(text))
    raw = text
    s = text.strip()
    if not s:
        return ParsedCell(CellKind.BLANK, raw=raw or None, notes=["blank"] if raw else [])
    if s in NA_MARKS:
        return ParsedCell(CellKind.NA, raw=s, notes=["na_mark"])
    notes: list[str] = []
    n = unicodedata.normalize("NFKC", s)
    n = n.replace("\u2212", "-")  # minus sign
    if n != s:
        notes.append("fullwidth")
        if n in NA_MARKS:
            return ParsedCell(CellKind.NA, raw=s, notes=notes + ["na_mark"])
    if re.search(r"\s", n):
        if _SPACED_DIGITS.search(n) and not _DIGIT_GROUPS.fullmatch(n):
            return ParsedCell(None, raw=raw, notes=notes + ["spaced_digits"])
        n = re.sub(r"\s+", "", n)
        notes.append("spaces")
    unit = None
    for u in UNITS:
        if n.endswith(u) and len(n) > len(u):
            unit, n = u, n[: -len(u)]
            notes.append("unit")
            break
    if _THOUSANDS.match(n):
        n = n.replace(",", "")
        notes.append("thousands")
    if not _NUMBER.match(n):
        return ParsedCell(None, raw=raw, notes=notes)
    if n.startswith("+"):
        notes.append("plus_sign")
    elif n.startswith("-"):
        notes.append("minus_sign")
    try:
        value: Number = Decimal(n) if "." in n else int(n)
    except (ValueError, InvalidOperation):  # pragma: no cover - the regex admits only valid numbers
        return ParsedCell(None, raw=raw, notes=notes)
    plain = not notes or notes == ["minus_sign"]
    return ParsedCell(CellKind.NUMBER, value, raw=None if plain else raw, unit_raw=unit, notes=notes)


def normalize_label(text: str) -> str:
    """A label reduced for matching: NFKC, no whitespace, uniform quotes and numbering."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"\s+", "", s)
    s = s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    s = re.sub(r"^(\d+)[.、．]", r"\1.", s)
    return s

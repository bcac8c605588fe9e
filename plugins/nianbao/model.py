"""The report model: frozen dataclasses with no behaviour beyond simple derived values.

A cell is a number, a blank or a not-applicable mark ("/", "—", …); the three never merge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from enum import Enum

from .formats import FormatDef

Number = int | Decimal


@dataclass(frozen=True, order=True, slots=True)
class Location:
    file: str
    line: int  # 1-based; 0 when the whole file is meant
    column: int = 0  # 1-based; 0 when the whole line is meant

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}" if self.column else f"{self.file}:{self.line}"


class CellKind(str, Enum):
    NUMBER = "number"
    BLANK = "blank"
    NA = "na"


@dataclass(frozen=True, slots=True)
class Cell:
    kind: CellKind
    value: Number | None = None
    raw: str | None = None  # the source text whenever it was not a plain number
    unit_raw: str | None = None  # a unit written inside the cell ("元", "万元", "件")
    location: Location | None = None
    inferred: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind is CellKind.NUMBER

    def as_operand(self) -> Number:
        """The value for arithmetic: blanks and not-applicable marks count as 0 (callers say so)."""
        return self.value if self.kind is CellKind.NUMBER else 0

    def display(self) -> str:
        if self.kind is CellKind.NUMBER:
            return format_number(self.value)
        if self.kind is CellKind.NA:
            return self.raw or "/"
        return ""


def format_number(v: Number | None) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        s = format(v, "f")
        return s
    return str(v)


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    rows: dict[str, dict[str, Cell]]
    location: Location | None = None
    row_locations: dict[str, Location] = field(default_factory=dict)

    def cell(self, row: str, col: str) -> Cell:
        return self.rows[row][col]


@dataclass(frozen=True, slots=True)
class Contact:
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    office: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in ("office", "address", "postcode", "phone", "fax", "email")}


GOVERNMENT_KINDS = ("乡", "镇", "街道", "县", "区", "县级市", "市", "地级市", "自治州", "省", "自治区", "直辖市")
DEPARTMENT_KINDS = ("县级部门", "市级部门", "省级部门", "部门")
UNIT_KINDS = GOVERNMENT_KINDS + DEPARTMENT_KINDS
TOWNSHIP_KINDS = ("乡", "镇", "街道")


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    full_name: str
    kind: str
    parent: str | None = None
    credit_code: str | None = None
    contact: Contact = field(default_factory=Contact)
    location: Location | None = None
    acknowledged: dict[str, str] = field(default_factory=dict)
    field_locations: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def where(self, key: str) -> Location | None:
        """Where a field (``kind``, ``contact.postcode`` …) is written in the registry."""
        return self.field_locations.get(key, self.location)

    @property
    def is_department(self) -> bool:
        return self.kind in DEPARTMENT_KINDS

    @property
    def is_township(self) -> bool:
        return self.kind in TOWNSHIP_KINDS


@dataclass(frozen=True, slots=True)
class Meta:
    title: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    written_date: dt.date | None = None
    published_date: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    scope: str = "organ"  # organ | region_aggregate
    revisions: tuple[tuple[dt.date, str], ...] = ()
    category: str | None = None  # 分类 / 主题分类, as the publishing page has it (spec §8)
    validity: str | None = None  # 有效性

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "title": self.title,
            "publisher": self.publisher,
            "index_no": self.index_no,
            "doc_no": self.doc_no,
            "written_date": iso(self.written_date),
            "published_date": iso(self.published_date),
            "period": {"start": iso(self.period_start), "end": iso(self.period_end)},
            "scope": self.scope,
            "category": self.category,
            "validity": self.validity,
        }


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the Markdown narrative: a top-level heading (一、 … 六、) and its body."""

    ordinal: str | None  # None for the preamble
    heading: str | None
    body: str
    line: int


@dataclass(frozen=True, slots=True)
class Narrative:
    path: str
    preamble: str
    sections: tuple[Section, ...]
    source: str = field(default="", repr=False)  # the file as written, for checks that need its line numbers

    def section(self, ordinal: str) -> Section | None:
        for s in self.sections:
            if s.ordinal == ordinal:
                return s
        return None

    @property
    def text(self) -> str:
        return "\n".join([self.preamble] + [s.body for s in self.sections])


@dataclass(frozen=True, slots=True)
class LegacyTable:
    """A statistics table of a report for 2018 or before, as printed: its title, its column headers
    and its rows, each a list of cells. A cell is text (a label, a unit) or a :class:`Cell` (a
    number, a blank, a not-applicable mark). A row of one cell in a wider table heads the rows
    below it (一、主动公开情况)."""

    title: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple["str | Cell", ...], ...]
    location: Location | None = None
    row_locations: tuple[Location | None, ...] = ()

    def is_heading(self, row: tuple) -> bool:
        return len(row) == 1 and len(self.columns) > 1


@dataclass(frozen=True, slots=True)
class Report:
    unit: str
    year: int
    format: FormatDef
    meta: Meta
    tables: dict[str, Table]
    data_path: str
    narrative: Narrative | None = None
    location: Location | None = None
    meta_locations: dict[str, Location] = field(default_factory=dict)
    acknowledged: dict[str, str] = field(default_factory=dict)
    legacy_tables: tuple[LegacyTable, ...] = ()  # format "legacy" only
    legacy_metrics: dict[str, Cell] = field(default_factory=dict)  # format "legacy" only: formats.LEGACY_METRICS
    # errors of the published original kept as they were (spec §9.1.10): check id -> (reason, where written)
    as_published: dict[str, tuple[str, Location | None]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.unit, self.year)

    def table(self, table_id: str) -> Table | None:
        return self.tables.get(table_id)


@dataclass
class Site:
    """Units and reports. Lookups by unit are served from indexes built on first use: a site is
    complete once loaded (code that adds units or reports afterwards calls ``reindex``)."""

    root: str
    units: dict[str, Unit]
    reports: dict[tuple[str, int], Report]
    registry_path: str | None = None

    def report(self, unit: str, year: int) -> Report | None:
        return self.reports.get((unit, year))

    def years_of(self, unit: str) -> list[int]:
        return self._years.get(unit, [])

    def children_of(self, unit: str | None) -> list[Unit]:
        return self._children.get(unit, [])

    def reindex(self) -> None:
        self.__dict__.pop("_years", None)
        self.__dict__.pop("_children", None)

    @cached_property
    def _years(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for u, y in sorted(self.reports):
            out.setdefault(u, []).append(y)
        return out

    @cached_property
    def _children(self) -> dict[str | None, list[Unit]]:
        out: dict[str | None, list[Unit]] = {}
        for u in self.units.values():  # registry order
            out.setdefault(u.parent, []).append(u)
        return out

"""The data dictionary: official table structures read from ``v2021.yml`` and ``v2019.yml``.

Every label, key, unit and additivity flag lives in those files; this module only turns them into
immutable objects that the model, validator, renderer, exporters and importers share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

import yaml

FORMAT_IDS = ("2021", "2019")
TABLE_IDS = ("T2", "T3", "T4")


@dataclass(frozen=True)
class ColumnDef:
    key: str
    label: str
    type: str  # count | amount | signed
    unit: str | None
    additive: bool
    short_label: str
    group: str | None = None
    total: bool = False
    max_decimals: int | None = None


@dataclass(frozen=True)
class RowDef:
    key: str
    label: str
    columns: tuple[ColumnDef, ...]
    path: tuple[str, ...] = ()
    leaf: bool = False
    short: str | None = None
    short_label: str | None = None
    block: str | None = None
    spec_prefix: str | None = None

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def column(self, key: str) -> ColumnDef:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def display(self) -> str:
        """The label as printed, without the long parenthetical notes (for messages)."""
        return self.short_label or self.label

    @property
    def qualified(self) -> str:
        """:attr:`display`, after its group's label where it alone is ambiguous ("（三）不予公开 1.属于国家秘密")."""
        return f"{self.path[-1]} {self.display}" if self.path and self.display[:1].isdigit() else self.display


@dataclass(frozen=True)
class BlockDef:
    key: str
    caption: str
    columns: tuple[ColumnDef, ...]
    row_keys: tuple[str, ...]


@dataclass(frozen=True)
class TableDef:
    id: str
    json_key: str
    title: str
    layout: str  # blocks | matrix | wide
    rows: tuple[RowDef, ...]
    blocks: tuple[BlockDef, ...] = ()
    columns: tuple[ColumnDef, ...] = ()  # matrix and wide layouts: the shared column set
    stub_label: str | None = None
    corner_note: str | None = None
    column_header: str | None = None
    extras: tuple[RowDef, ...] = ()  # optional rows outside the official form (checked, not rendered)

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    def row(self, key: str) -> RowDef:
        return self._rows_by_key[key]

    @cached_property
    def _rows_by_key(self) -> dict[str, RowDef]:
        return {r.key: r for r in self.rows}

    @property
    def cell_count(self) -> int:
        return sum(len(r.columns) for r in self.rows)


@dataclass(frozen=True)
class SectionDef:
    key: str
    ordinal: str
    label: str
    kind: str  # narrative | table
    table: str | None = None

    @property
    def heading(self) -> str:
        return f"{self.ordinal}、{self.label}"


@dataclass(frozen=True)
class FormatDef:
    id: str
    name: str
    source: str
    year_from: int
    year_to: int | None
    sections: tuple[SectionDef, ...]
    tables: dict[str, TableDef] = field(hash=False)

    def table(self, table_id: str) -> TableDef:
        return self.tables[table_id]

    def applies_to(self, year: int) -> bool:
        return year >= self.year_from and (self.year_to is None or year <= self.year_to)


def _column(d: dict) -> ColumnDef:
    return ColumnDef(
        key=d["key"],
        label=d["label"],
        type=d["type"],
        unit=d.get("unit"),
        additive=bool(d.get("additive")),
        short_label=d.get("short_label", d["label"]),
        group=d.get("group"),
        total=bool(d.get("total")),
        max_decimals=d.get("max_decimals"),
    )


def _table(table_id: str, d: dict) -> TableDef:
    common = dict(id=table_id, json_key=d["json_key"], title=d["title"], layout=d["layout"])
    if d["layout"] == "blocks":
        blocks, rows = [], []
        for b in d["blocks"]:
            cols = tuple(_column(c) for c in b["columns"])
            blocks.append(BlockDef(b["key"], b["caption"], cols, tuple(r["key"] for r in b["rows"])))
            rows += [RowDef(r["key"], r["label"], cols, block=b["key"]) for r in b["rows"]]
        return TableDef(**common, rows=tuple(rows), blocks=tuple(blocks), stub_label=d.get("stub_label"))
    cols = tuple(_column(c) for c in d["columns"])
    rows = tuple(
        RowDef(
            r["key"],
            r["label"],
            cols,
            path=tuple(r.get("path", ())),
            leaf=bool(r.get("leaf")),
            short=r.get("short"),
            short_label=r.get("short_label"),
            spec_prefix=r.get("spec_prefix"),
        )
        for r in d["rows"]
    )
    by_key = {c.key: c for c in cols}
    extras = tuple(
        RowDef(e["key"], e["label"], tuple(by_key[k] for k in e["columns"])) for e in d.get("extras", ())
    )
    return TableDef(
        **common,
        rows=rows,
        columns=cols,
        extras=extras,
        corner_note=d.get("corner_note"),
        column_header=d.get("column_header"),
    )


# T3 whose five 法人或其他组织 columns were printed as one (spec §9.2): that one column's figures, per
# row, under this key in the row's cells (the five columns are then NA). Not an official column.
T3_COLLAPSED = "legal_or_other_org"
T3_COLLAPSED_LABEL = "法人或其他组织（原表未分列）"
T3_PARTS = ("commercial", "research", "public_interest", "legal_service", "other_org")


# Reports for 2018 and before (spec §6): no national template. Their statistics tables are kept as
# printed (model.LegacyTable), with no fixed rows, so no arithmetic and no comparison across units.
LEGACY_ID = "legacy"
LEGACY = FormatDef(
    id=LEGACY_ID,
    name="2018 年度及以前（无统一格式）",
    source="《政府信息公开条例》（2007 年）第三十二条；统计表照原报告录入",
    year_from=2008,
    year_to=2018,
    sections=(),
    tables={},
)


# Coarse figures a report for 2018 or before may state besides its tables (spec §6, "optional mapping
# to a small set of coarse canonical metrics"): whoever enters the report matches them to the original
# table's rows. Not the same definitions as the 2019 and 2021 tables: always shown as approximate.
LEGACY_METRICS: tuple[tuple[str, str, str], ...] = (
    ("applications_received", "收到申请", "件"),
    ("granted", "同意公开", "件"),
    ("partially_granted", "同意部分公开", "件"),
    ("refused_total", "不同意公开", "件"),
    ("not_held_or_nonexistent", "不属于本机关或信息不存在", "件"),
    ("reviews_total", "行政复议", "件"),
    ("lawsuits_total", "行政诉讼", "件"),
    ("applicant_fees_wan", "依申请公开收取的费用", "万元"),
)


@cache
def get_format(format_id: str) -> FormatDef:
    """The format definition for ``"2021"``, ``"2019"`` or ``"legacy"``; KeyError for anything else."""
    if format_id == LEGACY_ID:
        return LEGACY
    if format_id not in FORMAT_IDS:
        raise KeyError(format_id)
    text = resources.files(__package__).joinpath(f"v{format_id}.yml").read_text(encoding="utf-8")
    d = yaml.safe_load(text)  # package data, not user input
    return FormatDef(
        id=str(d["id"]),
        name=d["name"],
        source=d["source"],
        year_from=int(d["years"]["from"]),
        year_to=d["years"].get("to"),
        sections=tuple(SectionDef(**s) for s in d["sections"]),
        tables={tid: _table(tid, t) for tid, t in d["tables"].items()},
    )


def format_for_year(year: int) -> FormatDef | None:
    """The format the regulation prescribes for report year ``year`` (None before 2019)."""
    for fid in FORMAT_IDS:
        f = get_format(fid)
        if f.applies_to(year):
            return f
    return None

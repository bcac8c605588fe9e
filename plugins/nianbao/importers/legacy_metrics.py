"""The coarse figures of a report for 2018 or before (spec §6, ``metrics:``) proposed from its tables
as printed, by the rows' labels.

There was no national table before 2019; most reports after 2014 printed the national
《政府信息公开情况统计表》 (国办发〔2014〕32号) or a provincial copy of it, whose rows name these figures
(收到申请数, 同意公开答复数, 行政复议数量 …). A figure is proposed only when it is certain: one row
names it, the table shows which column is this year's, the cell is a number, and for the fees the
unit is 万元. Everything else is said in a note and left for the author; every proposed figure
names the table and row it comes from, in the data file and in the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..formats import LEGACY_METRICS
from ..model import Cell, CellKind, LegacyTable
from .recognize import Note

LABELS = {k: label for k, label, _unit in LEGACY_METRICS}
WHERE = "约数（metrics）"

# enumerators and 其中 before a label: "（二）", "二、", "1.", "1．", "1、", "其中：", "（1）"
_PREFIX = re.compile(r"^(?:其中[：:]?|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[.．、]\s*)+")
_CHANNELS = ("当面", "传真", "网络", "网上", "信函", "邮寄", "电子邮件", "电话", "其他形式", "其他方式")
_OUTCOMES = ("维持", "纠错", "纠正", "其他情形", "其他结果", "尚未", "审结")


def label_text(text: str) -> str:
    """A row label without spaces, enumerators or a leading 其中."""
    return _PREFIX.sub("", re.sub(r"\s", "", text))


def _not_held(s: str) -> bool:
    return "不属于本" in s or "非本" in s


def _nonexistent(s: str) -> bool:
    return "不存在" in s


# which rows name a figure; a row naming neither part of 不属于本机关或信息不存在 alone is matched by parts
MATCH = {
    "applications_received": lambda s: "收到" in s and "申请" in s and not any(w in s for w in _CHANNELS + ("复议", "诉讼")),
    "granted": lambda s: "同意公开" in s and "部分" not in s and "不同意" not in s,
    "partially_granted": lambda s: "部分公开" in s and "不同意" not in s and "不予" not in s,
    "refused_total": lambda s: ("不同意公开" in s or "不予公开" in s) and "部分" not in s,
    "not_held_or_nonexistent": lambda s: _not_held(s) and _nonexistent(s),
    "reviews_total": lambda s: "行政复议" in s and "诉讼" not in s and not any(w in s for w in _OUTCOMES),
    "lawsuits_total": lambda s: "行政诉讼" in s and "复议" not in s and not any(w in s for w in _OUTCOMES),
    "applicant_fees_wan": lambda s: "费" in s and ("收取" in s or "收费" in s) and "减免" not in s and "行政事业性" not in s,
}
PARTS = {"not_held": _not_held, "nonexistent": _nonexistent}


@dataclass
class Found:
    value: Decimal
    table: int  # 1, 2, … in the order printed
    label: str  # （二）收到申请数
    where: str = ""  # 第 1 张表“（二）收到申请数”

    def __post_init__(self):
        self.where = self.where or f"第 {self.table} 张表“{self.label}”"


def _unit_columns(t: LegacyTable) -> list[int]:
    return [j for j, c in enumerate(t.columns) if j and re.search(r"单位|计量", c)]


def _value_column(t: LegacyTable) -> tuple[int | None, str | None]:
    """This year's column of a table, or why there is none to be sure of."""
    units = _unit_columns(t)
    candidates = [j for j in range(1, len(t.columns)) if j not in units]
    numeric = [j for j in candidates if any(isinstance(r[j], Cell) and r[j].kind is CellKind.NUMBER
                                            for r in t.rows if len(r) > j)]
    if len(numeric) == 1:
        return numeric[0], None
    this_year = [j for j in numeric if re.search(r"本年|本期|当年|年度", t.columns[j]) and not re.search(r"累计|上年|去年|同比", t.columns[j])]
    if len(this_year) == 1:
        return this_year[0], None
    if not numeric:
        return None, None
    names = "、".join(f"“{t.columns[j]}”" for j in numeric)
    return None, f"有 {len(numeric)} 列数字（{names}），不能确定哪一列是本年数"


def _unit_of(t: LegacyTable, row: tuple, col: int, label: str) -> str | None:
    for j in _unit_columns(t):
        if len(row) > j and isinstance(row[j], str) and row[j].strip():
            return row[j].strip()
    for text in (label, t.columns[col]):
        m = re.search(r"[（(]([^（）()]*元)[)）]", text)
        if m:
            return m[1]
    return None


def propose_metrics(tables: tuple[LegacyTable, ...], notes: list[Note]) -> tuple[dict[str, Cell], dict[str, str]]:
    """The figures the tables name for certain, and where each comes from; what could not be
    taken is said in ``notes``."""
    found: dict[str, list[Found]] = {}
    parts: dict[str, list[Found]] = {}
    unsure: dict[str, str] = {}
    for n, t in enumerate(tables, 1):
        col, why = _value_column(t)
        if col is None:
            if why:
                notes.append(Note(WHERE, f"第 {n} 张表{why}，未从中提取约数"))
            continue
        for row in t.rows:
            if t.is_heading(row) or not row or not isinstance(row[0], str):
                continue
            s = label_text(row[0])
            keys = [k for k, match in MATCH.items() if match(s)]
            part_keys = [] if keys else [k for k, match in PARTS.items() if match(s)]
            if not keys and not part_keys:
                continue
            cell = row[col] if len(row) > col else None
            where = f"第 {n} 张表“{row[0].strip()}”"
            if not (isinstance(cell, Cell) and cell.kind is CellKind.NUMBER):
                continue  # a blank or a mark is no figure: if no row gives one, the figure is left out
            for k in keys:
                if k == "applicant_fees_wan":
                    unit = _unit_of(t, row, col, row[0])
                    if unit != "万元":
                        unsure[k] = (f"{where}的单位为“{unit}”，不是万元，未换算" if unit
                                     else f"{where}没有写明单位，未提取")
                        continue
                found.setdefault(k, []).append(Found(cell.value, n, row[0].strip()))
            for k in part_keys:
                parts.setdefault(k, []).append(Found(cell.value, n, row[0].strip()))
    if "not_held_or_nonexistent" not in found and parts:
        if len(parts.get("not_held", ())) == 1 and len(parts.get("nonexistent", ())) == 1:
            a, b = parts["not_held"][0], parts["nonexistent"][0]
            both = f"“{a.label}”与“{b.label}”" if a.table == b.table else f"“{a.label}”与第 {b.table} 张表“{b.label}”"
            found["not_held_or_nonexistent"] = [Found(a.value + b.value, a.table, "", f"第 {a.table} 张表{both}之和")]
        else:
            rows = "、".join(f.where for fs in parts.values() for f in fs)
            unsure["not_held_or_nonexistent"] = f"原表只有{rows}，未能得出两者之和"
    metrics: dict[str, Cell] = {}
    sources: dict[str, str] = {}
    for k, _label, _unit in LEGACY_METRICS:
        fs = found.get(k, [])
        values = {f.value for f in fs}
        if len(values) == 1:
            metrics[k] = Cell(CellKind.NUMBER, fs[0].value)
            sources[k] = fs[0].where
            notes.append(Note(WHERE, f"“{LABELS[k]}”取自{fs[0].where}：{fs[0].value}（按行名推断，请核对）"))
        elif len(values) > 1:
            said = "；".join(f"{f.where} {f.value}" for f in fs)
            notes.append(Note(WHERE, f"“{LABELS[k]}”有 {len(fs)} 行可对应且数字不同（{said}），未提取"))
        elif k in unsure:
            notes.append(Note(WHERE, f"“{LABELS[k]}”：{unsure[k]}"))
    return metrics, sources

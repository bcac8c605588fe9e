"""Key figures of a report and their change against another year: plain numbers, no HTML.

Every figure is a sum of cells defined here once, so report pages, indexes and exports agree.
A figure whose cells include a blank or NA mark is returned with ``complete=False``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .indexes import Column, both_formats, column_value
from .model import Number, Report

# The key figures of a report page: only T3 and T4, which are comparable across formats.
KEY_FIGURES: tuple[Column, ...] = (
    Column("new_received", "本年新收申请", "T3", both_formats((("new_received", "total"),)), ""),
    Column("granted", "予以公开", "T3", both_formats((("granted", "total"),)), ""),
    Column("review", "行政复议", "T4", both_formats((("review", "total"),)), ""),
    Column("litigation", "行政诉讼", "T4", both_formats((("suit_direct", "total"), ("suit_after_review", "total"))), ""),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Number | None  # None: no number at all (missing table, or every cell blank / NA)
    complete: bool  # False when a blank or NA cell was counted as 0


def key_figures(report: Report) -> list[Figure]:
    out = []
    for col in KEY_FIGURES:
        v = column_value(report, col)
        out.append(Figure(col.key, col.label, v.value, v.complete))
    return out


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    current: Number | None
    previous: Number | None
    delta: Number | None
    direction: str  # up | down | same | unknown
    text: str  # e.g. "增加 3", "减少 1", "持平", "无法比较"


def compare_figures(current: Report, previous: Report) -> list[Change]:
    prev = {f.key: f for f in key_figures(previous)}
    out = []
    for f in key_figures(current):
        p = prev[f.key]
        if f.value is None or p.value is None:
            out.append(Change(f.key, f.label, f.value, p.value, None, "unknown", "无法比较"))
            continue
        d = f.value - p.value
        if d > 0:
            out.append(Change(f.key, f.label, f.value, p.value, d, "up", f"增加 {d}"))
        elif d < 0:
            out.append(Change(f.key, f.label, f.value, p.value, d, "down", f"减少 {-d}"))
        else:
            out.append(Change(f.key, f.label, f.value, p.value, 0, "same", "持平"))
    return out

"""T4 政府信息公开行政复议、行政诉讼情况 (both formats), spec §7 T4-1 … T4-5."""

from __future__ import annotations

from ..issues import ERROR, Issue
from . import Context, compare, fmt, is_integer, rule

_GROUPS = {"T4-1": "review", "T4-2": "suit_direct", "T4-3": "suit_after_review"}


def _group_rule(check: str, row_key: str):
    def fn(ctx: Context):
        t = ctx.table("T4")
        if not t or row_key not in t.rows:
            return
        row = ctx.report.format.table("T4").row(row_key)
        cells = t.rows[row_key]
        name = f"{'行政诉讼' + '（' + row.label + '）' if row.path else row.label}"
        yield from compare(
            ctx,
            check,
            ERROR,
            [cells["total"]],
            [cells[k] for k in ("upheld", "corrected", "other", "pending")],
            cells["total"],
            lambda a, b: f"{name}：总计={fmt(a)}，结果维持+结果纠正+其他结果+尚未审结={fmt(b)}（应相等）",
            name,
        )

    return fn


for _check, _row in _GROUPS.items():
    rule(_check, ERROR, f"{_row}：总计等于四项结果之和")(_group_rule(_check, _row))


@rule("T4-4", ERROR, "15 个单元格均为不小于 0 的整数")
def t4_4(ctx: Context):
    t = ctx.table("T4")
    if not t:
        return
    for row in ctx.report.format.table("T4").rows:
        for col in row.columns:
            c = t.rows.get(row.key, {}).get(col.key)
            if c is None or not c.is_number:
                continue
            if not is_integer(c.value) or c.value < 0:
                yield Issue(
                    "T4-4",
                    ERROR,
                    f"“{row.label}”的“{col.label}”应为不小于 0 的整数，实为 {fmt(c.value)}",
                    c.location,
                )


@rule("T4-5", ERROR, "报告自加的行政诉讼合计等于两类起诉的总计之和")
def t4_5(ctx: Context):
    t = ctx.table("T4")
    if not t or "litigation_total" not in t.rows:
        return
    if not all(k in t.rows for k in ("suit_direct", "suit_after_review")):
        return
    extra = t.rows["litigation_total"]["total"]
    yield from compare(
        ctx,
        "T4-5",
        ERROR,
        [extra],
        [t.rows["suit_direct"]["total"], t.rows["suit_after_review"]["total"]],
        extra,
        lambda a, b: f"行政诉讼合计={fmt(a)}，未经复议直接起诉总计+复议后起诉总计={fmt(b)}（应相等）",
        "行政诉讼合计",
    )

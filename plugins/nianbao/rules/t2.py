"""T2 主动公开政府信息情况: 2021 format (T2-1 … T2-5) and 2019 format (T2b-1 … T2b-4), spec §7."""

from __future__ import annotations

from decimal import Decimal

from ..issues import ERROR, WARNING, Issue
from ..model import TOWNSHIP_KINDS
from . import Context, fmt, is_integer, rule

# Organs that may make 规章: State Council departments, provinces, 设区的市, 自治州 (spec T2-4).
CANNOT_MAKE_REGULATIONS = TOWNSHIP_KINDS + ("县", "区", "县级市", "县级部门")


def _t2(ctx: Context, fmt_id: str):
    t = ctx.table("T2")
    if not t or ctx.report.format.id != fmt_id:
        return None, None
    return t, ctx.report.format.table("T2")


def _cells(t, d):
    for row in d.rows:
        for col in row.columns:
            c = t.rows.get(row.key, {}).get(col.key)
            if c is not None:
                yield row, col, c


@rule("T2-1", ERROR, "件数为不小于 0 的整数；收费金额为不小于 0 的数，至多 4 位小数")
def t2_1(ctx: Context):
    t, d = _t2(ctx, "2021")
    if not t:
        return
    for row, col, c in _cells(t, d):
        if not c.is_number:
            continue
        where = f"“{row.label}”的“{col.short_label}”"
        if c.value < 0:
            yield Issue("T2-1", ERROR, f"{where}不能为负数，实为 {fmt(c.value)}", c.location)
        elif col.type == "count" and not is_integer(c.value):
            yield Issue("T2-1", ERROR, f"{where}应为整数，实为 {fmt(c.value)}", c.location)
        elif col.type == "amount" and isinstance(c.value, Decimal) and -c.value.as_tuple().exponent > (col.max_decimals or 4):
            yield Issue(
                "T2-1",
                ERROR,
                f"{where}至多 {col.max_decimals} 位小数（0.0001 万元即 1 元），实为 {fmt(c.value)}",
                c.location,
            )


@rule("T2-2", WARNING, "本年制发件数不大于现行有效件数与本年废止件数之和")
def t2_2(ctx: Context):
    t, d = _t2(ctx, "2021")
    if not t:
        return
    for key in ("regulations", "normative_docs"):
        r = t.rows.get(key)
        if not r or not all(r[k].is_number for k in ("issued", "repealed", "in_force")):
            continue
        if r["issued"].value > r["in_force"].value + r["repealed"].value:
            label = d.row(key).label
            yield Issue(
                "T2-2",
                WARNING,
                f"“{label}”：本年制发件数={fmt(r['issued'].value)}，大于现行有效件数+本年废止件数="
                f"{fmt(r['in_force'].value + r['repealed'].value)}",
                r["issued"].location,
            )


@rule("T2-3", WARNING, "跨年：现行有效件数的变化等于本年制发减本年废止")
def t2_3(ctx: Context):
    t, d = _t2(ctx, "2021")
    p = ctx.prev.table("T2") if ctx.prev and ctx.prev.format.id == "2021" else None
    if not t or not p:
        return
    for key in ("regulations", "normative_docs"):
        r, q = t.rows.get(key), p.rows.get(key)
        if not r or not q or not all(r[k].is_number for k in ("issued", "repealed", "in_force")):
            continue
        if not q["in_force"].is_number:
            continue
        delta = r["in_force"].value - q["in_force"].value
        net = r["issued"].value - r["repealed"].value
        if delta != net:
            yield Issue(
                "T2-3",
                WARNING,
                f"“{d.row(key).label}”：现行有效件数由 {ctx.prev.year} 年的 {fmt(q['in_force'].value)} 变为 "
                f"{fmt(r['in_force'].value)}（变化 {fmt(delta)}），而本年制发−本年废止={fmt(net)}",
                r["in_force"].location,
            )


@rule("T2-4", WARNING, "县级及以下机关不能制定规章")
def t2_4(ctx: Context):
    t, d = _t2(ctx, "2021")
    if not t or not ctx.unit or ctx.unit.kind not in CANNOT_MAKE_REGULATIONS:
        return
    r = t.rows.get("regulations")
    if not r:
        return
    for col in d.row("regulations").columns:
        c = r[col.key]
        if c.is_number and c.value != 0:
            yield Issue(
                "T2-4",
                WARNING,
                f"“规章”的“{col.label}”为 {fmt(c.value)}：{ctx.unit.kind}级机关不能制定规章，"
                "所填可能是执行的上级规章（应填 0 或 /）",
                c.location,
            )


@rule("T2-5", WARNING, "行政事业性收费金额的单位应为万元")
def t2_5(ctx: Context):
    t, d = _t2(ctx, "2021")
    if not t or "admin_fees" not in t.rows:
        return
    c = t.rows["admin_fees"]["fee_amount_wan"]
    if not c.is_number:
        return
    if c.unit_raw == "元":
        yield Issue(
            "T2-5",
            WARNING,
            f"“行政事业性收费”金额写作“{c.raw}”：表头单位为万元，疑似填了元（已保留原值，请核实）",
            c.location,
        )
    elif ctx.unit and ctx.unit.is_township and c.value > 10000:
        yield Issue(
            "T2-5",
            WARNING,
            f"“行政事业性收费”金额 {fmt(c.value)} 万元对乡镇（街道）而言过大，疑似填了元（请核实）",
            c.location,
        )


# ---------------------------------------------------------------------------------------- 2019


@rule("T2b-1", WARNING, "本年新公开数量不大于对外公开总数量")
def t2b_1(ctx: Context):
    t, d = _t2(ctx, "2019")
    if not t:
        return
    for key in ("regulations", "normative_docs"):
        r = t.rows.get(key)
        if not r or not (r["new_published"].is_number and r["total_published"].is_number):
            continue
        if r["new_published"].value > r["total_published"].value:
            yield Issue(
                "T2b-1",
                WARNING,
                f"“{d.row(key).label}”：本年新公开数量={fmt(r['new_published'].value)}，大于对外公开总数量="
                f"{fmt(r['total_published'].value)}",
                r["new_published"].location,
            )


@rule("T2b-2", ERROR, "本年增/减为整数（可为负）；其余为不小于 0 的整数")
def t2b_2(ctx: Context):
    t, d = _t2(ctx, "2019")
    if not t:
        return
    for row, col, c in _cells(t, d):
        if not c.is_number:
            continue
        where = f"“{row.label}”的“{col.label}”"
        if col.type == "amount":
            if c.value < 0:
                yield Issue("T2b-2", ERROR, f"{where}不能为负数，实为 {fmt(c.value)}", c.location)
        elif not is_integer(c.value):
            yield Issue("T2b-2", ERROR, f"{where}应为整数，实为 {fmt(c.value)}", c.location)
        elif col.type == "count" and c.value < 0:
            yield Issue("T2b-2", ERROR, f"{where}不能为负数，实为 {fmt(c.value)}", c.location)


@rule("T2b-3", WARNING, "跨年：本年“上一年项目数量”等于上年的上一年项目数量加本年增/减")
def t2b_3(ctx: Context):
    t, d = _t2(ctx, "2019")
    p = ctx.prev.table("T2") if ctx.prev and ctx.prev.format.id == "2019" else None
    if not t or not p:
        return
    for row in d.rows:
        if "prev_year_items" not in row.column_keys:
            continue
        r, q = t.rows.get(row.key), p.rows.get(row.key)
        if not r or not q:
            continue
        cur, before, change = r["prev_year_items"], q["prev_year_items"], q["yoy_change"]
        if cur.is_number and before.is_number and change.is_number and cur.value != before.value + change.value:
            yield Issue(
                "T2b-3",
                WARNING,
                f"“{row.label}”：上一年项目数量={fmt(cur.value)}，而 {ctx.prev.year} 年报告为 "
                f"{fmt(before.value)}，本年增/减 {fmt(change.value)}，应为 {fmt(before.value + change.value)}",
                cur.location,
            )


@rule("T2b-4", WARNING, "政府集中采购总金额须写明单位")
def t2b_4(ctx: Context):
    t, d = _t2(ctx, "2019")
    if not t or "gov_central_procurement" not in t.rows:
        return
    c = t.rows["gov_central_procurement"]["procurement_amount"]
    if c.is_number and not c.unit_raw and c.value != 0:
        yield Issue(
            "T2b-4",
            WARNING,
            f"“政府集中采购”的采购总金额 {fmt(c.value)} 未写单位：表头未规定单位，请写作“251000元”或“25.1万元”",
            c.location,
        )

"""T3 收到和处理政府信息公开申请情况 (both formats), spec §7 T3-1 … T3-7."""

from __future__ import annotations

from dataclasses import replace

from ..formats import T3_COLLAPSED, T3_COLLAPSED_LABEL, T3_PARTS
from ..issues import ERROR, WARNING, Issue
from . import Context, compare, fmt, is_integer, rule, total


def _t3(ctx: Context):
    t = ctx.table("T3")
    return (t, ctx.report.format.table("T3")) if t else (None, None)


def _columns(t, d):
    """The columns the per-column checks run over: the official ones, and the 法人或其他组织 column
    the source printed undivided (spec §9.2) when every row the check needs has it."""
    cols = list(d.columns)
    if any(T3_COLLAPSED in cells for cells in t.rows.values()):
        total_col = next(c for c in d.columns if c.key == "total")
        cols.append(replace(total_col, key=T3_COLLAPSED, label=T3_COLLAPSED_LABEL, total=False))
    return cols


def _has(t, rows, col) -> bool:
    return all(col.key in t.rows[r] for r in rows)


@rule("T3-1", ERROR, "每列：第一项加第二项之和，等于第三项加第四项之和")
def t3_1(ctx: Context):
    t, d = _t3(ctx)
    needed = ("new_received", "carried_in", "result_total", "carried_out")
    if not t or not all(k in t.rows for k in needed):
        return
    for col in _columns(t, d):
        if not _has(t, needed, col):
            continue
        cells = lambda r: t.rows[r][col.key]  # noqa: E731
        yield from compare(
            ctx,
            "T3-1",
            ERROR,
            [cells("new_received"), cells("carried_in")],
            [cells("result_total"), cells("carried_out")],
            cells("new_received"),
            lambda a, b: f"{col.label}列：一+二={fmt(a)}，三(七)+四={fmt(b)}（应相等）",
            f"{col.label}列",
        )


@rule("T3-2", ERROR, "每列：（七）总计等于各项办理结果之和")
def t3_2(ctx: Context):
    t, d = _t3(ctx)
    if not t or "result_total" not in t.rows:
        return
    leaves = [r.key for r in d.rows if r.leaf]
    if not all(k in t.rows for k in leaves):
        return
    for col in _columns(t, d):
        if not _has(t, leaves + ["result_total"], col):
            continue
        yield from compare(
            ctx,
            "T3-2",
            ERROR,
            [t.rows["result_total"][col.key]],
            [t.rows[k][col.key] for k in leaves],
            t.rows["result_total"][col.key],
            lambda a, b: f"{col.label}列：（七）总计={fmt(a)}，（一）至（六）各项之和={fmt(b)}（应相等）",
            f"{col.label}列",
        )


@rule("T3-3", ERROR, "每行：总计等于自然人与法人或其他组织各列之和")
def t3_3(ctx: Context):
    t, d = _t3(ctx)
    if not t:
        return
    parts = [c.key for c in d.columns if not c.total]
    for row in d.rows:
        cells = t.rows.get(row.key)
        if cells is None:
            continue
        # the source printed 法人或其他组织 undivided (spec §9.2): its one figure stands for the five
        mine = [k for k in parts if k not in T3_PARTS] + [T3_COLLAPSED] if T3_COLLAPSED in cells else parts
        yield from compare(
            ctx,
            "T3-3",
            ERROR,
            [cells["total"]],
            [cells[k] for k in mine],
            cells["total"],
            lambda a, b, row=row: f"“{row.display}”行：总计={fmt(a)}，自然人与法人或其他组织各列之和={fmt(b)}（应相等）",
            f"“{row.display}”行",
        )


@rule("T3-4", ERROR, "每个单元格为不小于 0 的整数")
def t3_4(ctx: Context):
    t, d = _t3(ctx)
    if not t:
        return
    for row in d.rows:
        for col in _columns(t, d):
            c = t.rows.get(row.key, {}).get(col.key)
            if c is None or not c.is_number:
                continue
            if not is_integer(c.value):
                yield Issue("T3-4", ERROR, f"“{row.display}”行“{col.label}”列应为整数，实为 {fmt(c.value)}", c.location)
            elif c.value < 0:
                yield Issue("T3-4", ERROR, f"“{row.display}”行“{col.label}”列不能为负数，实为 {fmt(c.value)}", c.location)


@rule("T3-5", ERROR, "每列：结转下年度继续办理不大于一与二之和")
def t3_5(ctx: Context):
    t, d = _t3(ctx)
    needed = ("new_received", "carried_in", "carried_out")
    if not t or not all(k in t.rows for k in needed):
        return
    for col in _columns(t, d):
        if not _has(t, needed, col):
            continue
        out = t.rows["carried_out"][col.key]
        avail, _ = total([t.rows["new_received"][col.key], t.rows["carried_in"][col.key]])
        if out.is_number and out.value > avail:
            yield Issue(
                "T3-5",
                ERROR,
                f"{col.label}列：四、结转下年度继续办理={fmt(out.value)}，大于一+二={fmt(avail)}",
                out.location,
            )


@rule("T3-6", WARNING, "跨年：本年“上年结转”等于上年“结转下年度继续办理”")
def t3_6(ctx: Context):
    t, d = _t3(ctx)
    p = ctx.prev.table("T3") if ctx.prev else None
    if not t or not p or "carried_in" not in t.rows or "carried_out" not in p.rows:
        return
    for col in d.columns:
        cur, before = t.rows["carried_in"][col.key], p.rows["carried_out"][col.key]
        if cur.is_number and before.is_number and cur.value != before.value:
            yield Issue(
                "T3-6",
                WARNING,
                f"{col.label}列：二、上年结转={fmt(cur.value)}，而 {ctx.prev.year} 年报告（{ctx.prev.data_path}）"
                f"四、结转下年度继续办理={fmt(before.value)}",
                cur.location,
            )


@rule("T3-7", ERROR, "本年新收为 0、上年结转为 0 时不应有办理结果")
def t3_7(ctx: Context):
    t, d = _t3(ctx)
    if not t or not all(k in t.rows for k in ("new_received", "carried_in")):
        return
    nr, ci = t.rows["new_received"]["total"], t.rows["carried_in"]["total"]
    if not (nr.is_number and nr.value == 0 and ci.is_number and ci.value == 0):
        return
    results = [r for r in d.rows if r.leaf or r.key == "result_total"]
    nonzero = [r.display for r in results if r.key in t.rows and t.rows[r.key]["total"].is_number and t.rows[r.key]["total"].value > 0]
    if nonzero:
        yield Issue(
            "T3-7",
            ERROR,
            f"本年新收与上年结转均为 0，但“{'、'.join(nonzero[:3])}”{'等' if len(nonzero) > 3 else ''}有办理结果",
            nr.location,
        )

"""The narrative against the tables, spec §7 T3-8 and T4-6: a count the text quotes ("共收到政府信息公开
申请 5 件", "予以公开 3 件", "行政复议 2 件", "未发生行政复议、行政诉讼") must be the table's.

Only plain statements are read, clause by clause (a clause ends at ，。； or a line break), so that a
mismatch is a real one: the verb or row name right beside its number and 件; nothing in a clause
that speaks of another year (去年, 上年, 同比, another year's number) or, for 行政复议/诉讼, of their
outcomes (纠错, 败诉 …). T3-8 reads 一、总体情况 (where the format puts these figures), T4-6 every
part of the narrative. Blank cells are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..issues import WARNING, Issue
from ..loader import narrative_lines
from ..model import CellKind, Location
from . import Context, rule

_NUM = r"(\d+|[零〇一二两三四五六七八九十百]+)"
_UNIT = r"\s*(?:件|个|份|起|宗)次?"
_CLAUSE = re.compile(r"[^，,。；;！!？?]+")
_OTHER_TIME = re.compile(r"去年|上年度?(?!结转)|上一年|前一年|同比|较|比上年|环比")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """"12" or a Chinese numeral below 1000 ("十二", "一百零五", "两") as an int."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return total + current


@lru_cache(maxsize=4)
def _lines(source: str) -> tuple[tuple[int, str | None, str], ...]:
    return tuple(narrative_lines(source))


def _clauses(ctx: Context, parts: tuple, words: tuple[str, ...]) -> Iterator[tuple[Location, str]]:
    """(where, clause) of the narrative's parts (ordinals; None is the preamble) whose lines hold one
    of ``words``, skipping clauses about another time than the report's year."""
    n = ctx.report.narrative
    if n is None:
        return
    year = ctx.report.year
    for line, ordinal, text in _lines(n.source):
        if ordinal not in parts or "<!--" in text or not any(w in text for w in words):
            continue
        for m in _CLAUSE.finditer(text):
            clause = m[0]
            if _OTHER_TIME.search(clause) or any(int(y) != year for y in re.findall(r"(?<!\d)(\d{4})\s*年", clause)):
                continue
            yield Location(n.path, line), clause


def _disagreements(check: str, said: list, where: Location, describe) -> Iterator[Issue]:
    """An issue for each (words, number said, table's number, table's label) whose numbers differ
    (not compared where either is unknown)."""
    for what, n, table, label in said:
        if n is not None and table is not None and n != table:
            yield Issue(check, WARNING, describe(what.strip(), label, table), where)


def _total(ctx: Context, tid: str, *rows: str) -> int | None:
    """Σ of the rows' 总计 cells, or None if a row is missing or a cell is not a number."""
    t = ctx.table(tid)
    if t is None:
        return None
    s = 0
    for r in rows:
        c = t.rows.get(r, {}).get("total")
        if c is None or c.kind is not CellKind.NUMBER:
            return None
        s += c.value
    return s


# T3-8 -------------------------------------------------------------------------------------

_RECEIVED = re.compile(r"(?:收到|受理|新收|接收|接到)[^，,。；;\d]{0,25}?" + _NUM + _UNIT)
_RECEIVED_NONE = re.compile(r"(?:未|没有)(?:收到|受理|接到|发生)[^，,。；;\d]{0,20}?申请|无(?:依申请公开|政府信息公开申请)")
_RESULTS = {  # what the text calls it: (T3 rows summed, label in messages)
    "予以公开": "granted", "部分公开": "partial", "不予公开": "deny_", "无法提供": "unable_", "不予处理": "noproc_",
    "其他处理": "other_",
}
_RESULT = re.compile(r"(?<!部分)(?<!不)(予以公开|部分公开|不予公开|无法提供|不予处理|其他处理)(?:的|类)?(?:申请)?\s*" + _NUM + _UNIT)
_CARRIED_OUT = re.compile(r"结转(?:至|到)?下(?:一)?年度?(?:继续办理)?(?:的)?(?:申请)?\s*" + _NUM + _UNIT)
_CARRIED_IN = re.compile(r"上(?:一)?年度?结转(?:的)?(?:申请)?\s*" + _NUM + _UNIT)


def _rows_named(ctx: Context, prefix: str) -> list[str]:
    t3 = ctx.report.format.table("T3")
    keys = [r.key for r in t3.rows if r.key == prefix or (prefix.endswith("_") and r.key.startswith(prefix))]
    if prefix == "other_" and not keys:
        keys = [r.key for r in t3.rows if r.key == "other_processing"]  # the 2019 format's single row
    return keys


def _t3_label(ctx: Context, key: str) -> str:
    return ctx.report.format.table("T3").row(key).label


@rule("T3-8", WARNING, "正文中的申请数与表三一致")
def t3_8(ctx: Context):
    if ctx.table("T3") is None:
        return
    received = _total(ctx, "T3", "new_received")
    carried_in = _total(ctx, "T3", "carried_in")
    for where, clause in _clauses(ctx, ("一",), ("申请", "件")):
        said: list[tuple[str, int, int | None, str]] = []  # (what, number said, table's, table's label)
        if "结转" in clause:
            for rx, row in ((_CARRIED_OUT, "carried_out"), (_CARRIED_IN, "carried_in")):
                for m in rx.finditer(clause):
                    said.append((m[0], cn_number(m[1]), _total(ctx, "T3", row), _t3_label(ctx, row)))
        elif "申请" in clause and "公开" in clause:
            m = _RECEIVED.search(clause)
            n = cn_number(m[1]) if m else 0 if _RECEIVED_NONE.search(clause) else None
            if n is not None and received is not None and n != received and (carried_in is None or n != received + carried_in):
                said.append((m[0] if m else clause.strip(), n, received, _t3_label(ctx, "new_received")))
        for m in _RESULT.finditer(clause):
            rows = _rows_named(ctx, _RESULTS[m[1]])
            if rows:
                label = _t3_label(ctx, rows[0]) if len(rows) == 1 else f"（{'一二三四五六'[list(_RESULTS).index(m[1])]}）{m[1]}"
                said.append((m[0], cn_number(m[1 + 1]), _total(ctx, "T3", *rows), label))
        yield from _disagreements("T3-8", said, where, lambda what, label, table: f"正文“{what}”与表三不一致：表三“{label}”总计为 {table} 件")


# T4-6 -------------------------------------------------------------------------------------

_REVIEW = re.compile(r"行政复议(?:案件|申请)?(?:的)?\s*" + _NUM + _UNIT + r"|" + _NUM + _UNIT + r"(?:政府信息公开)?(?:的)?行政复议")
_SUIT = re.compile(r"行政诉讼(?:案件)?(?:的)?\s*" + _NUM + _UNIT + r"|" + _NUM + _UNIT + r"(?:政府信息公开)?(?:的)?行政诉讼")
# "未发生…", "没有被申请…", "无…": none at all (not "申请人未申请行政复议", said of one case)
_NONE = re.compile(r"(?:(?:未|没有)(?:发生|出现|收到|有|涉及|被|因|产生)|无)[^，,。；;\d]{0,25}?(?=行政复议|行政诉讼)")
_OUTCOME = re.compile(r"纠错|纠正|败诉|胜诉|撤销|维持|确认违法")


@rule("T4-6", WARNING, "正文中的行政复议、行政诉讼件数与表四一致")
def t4_6(ctx: Context):
    if ctx.table("T4") is None:
        return
    review = _total(ctx, "T4", "review")
    suit = _total(ctx, "T4", "suit_direct", "suit_after_review")
    for where, clause in _clauses(ctx, (None, "一", "五", "六"), ("行政复议", "行政诉讼")):
        if _OUTCOME.search(clause):
            continue
        said: list[tuple[str, int, int | None, str]] = []
        for rx, table, label in ((_REVIEW, review, "行政复议总计"), (_SUIT, suit, "行政诉讼两类起诉总计之和")):
            for m in rx.finditer(clause):
                said.append((m[0], cn_number(m[1] or m[2]), table, label))
        none = _NONE.search(clause)
        if none and not re.search(r"\d", clause):
            rest = clause[none.start():]
            if "行政复议" in rest:
                said.append((rest, 0, review, "行政复议总计"))
            if "行政诉讼" in rest:
                said.append((rest, 0, suit, "行政诉讼两类起诉总计之和"))
        yield from _disagreements("T4-6", said, where, lambda what, label, table: f"正文“{what}”与表四不一致：表四{label}为 {table} 件")

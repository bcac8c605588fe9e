"""Report-level checks M-1 … M-5 (spec §7): period, deadline, template, completeness, art. 50(4)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..formats import LEGACY_ID, format_for_year
from ..issues import ERROR, INFO, WARNING, Issue
from ..model import Location
from . import Context, rule


def _meta_loc(ctx: Context, key: str) -> Location | None:
    return ctx.report.meta_locations.get(key, ctx.report.location)


@rule("M-1", WARNING, "统计期限为本年 1 月 1 日至 12 月 31 日，标题中的年度等于报告年度")
def m_1(ctx: Context):
    r, m = ctx.report, ctx.report.meta
    y = r.year
    if m.period_start is None and m.period_end is None:
        yield Issue("M-1", INFO, "未填写统计期限（meta.period），无法核验", _meta_loc(ctx, "period"))
    elif (m.period_start, m.period_end) != (dt.date(y, 1, 1), dt.date(y, 12, 31)):
        start = m.period_start.isoformat() if m.period_start else "?"
        end = m.period_end.isoformat() if m.period_end else "?"
        yield Issue("M-1", WARNING, f"统计期限为 {start} 至 {end}，应为 {y}-01-01 至 {y}-12-31", _meta_loc(ctx, "period"))
    if m.title:
        years = [int(x) for x in re.findall(r"(?<!\d)(\d{4})\s*年", m.title)]
        if years and y not in years:
            yield Issue("M-1", WARNING, f"标题中的年度 {years[0]} 与报告年度 {y} 不一致", _meta_loc(ctx, "title"))


def deadline(year: int, kind: str | None, is_department: bool) -> tuple[dt.date, str]:
    """The publication deadline (spec §1, M-2) and the rule it comes from."""
    if year <= 2018:
        return dt.date(year + 1, 3, 31), "2008 年《条例》第三十一条：3 月 31 日前"
    if is_department:
        return dt.date(year + 1, 1, 31), "《条例》第四十九条：政府部门 1 月 31 日前"
    if kind in ("乡", "镇", "街道"):
        return dt.date(year + 1, 1, 31), "乡镇（街道）按地方惯例 1 月 31 日前"
    return dt.date(year + 1, 3, 31), "《条例》第四十九条：本级政府 3 月 31 日前"


@rule("M-2", WARNING, "按期发布（以发布日期为准）")
def m_2(ctx: Context):
    r, m = ctx.report, ctx.report.meta
    if m.published_date is None:
        yield Issue("M-2", INFO, "未填写发布日期（meta.published_date），无法核验是否按期发布", _meta_loc(ctx, "published_date"))
        return
    due, why = deadline(r.year, ctx.unit.kind if ctx.unit else None, bool(ctx.unit and ctx.unit.is_department))
    if m.published_date > due:
        yield Issue(
            "M-2",
            WARNING,
            f"发布日期 {m.published_date.isoformat()} 晚于期限 {due.isoformat()}（{why}）",
            _meta_loc(ctx, "published_date"),
        )
    if m.published_date < dt.date(r.year, 1, 1) or (m.written_date and m.published_date < m.written_date):
        yield Issue(
            "M-2",
            WARNING,
            f"发布日期 {m.published_date.isoformat()} 早于报告年度或成文日期，请核实",
            _meta_loc(ctx, "published_date"),
        )


@rule("M-3", WARNING, "格式版本与报告年度相符")
def m_3(ctx: Context):
    r = ctx.report
    expected = format_for_year(r.year)
    if expected is None and r.format.id == LEGACY_ID:
        return
    if expected is None or expected.id != r.format.id:
        want = f"{expected.id} 年格式（{expected.source}）" if expected else f"2019 年以前无统一格式，应为 {LEGACY_ID}（统计表照原样录入）"
        yield Issue(
            "M-3",
            WARNING,
            f"{r.year} 年度报告使用了 {r.format.id} 年格式，按规定应为 {want}",
            r.location,
        )


@rule("M-4", ERROR, "六个部分齐全且顺序正确，三张统计表齐全")
def m_4(ctx: Context):
    r = ctx.report
    if r.format.id == LEGACY_ID:  # no prescribed sections or tables before 2019 (spec §6): only the text itself
        if r.narrative is None:
            yield Issue("M-4", WARNING, f"缺少正文文件 content/{r.unit}/{r.year}.md", r.location)
        return
    for tid in ("T2", "T3", "T4"):
        if tid not in r.tables:
            section = next(s for s in r.format.sections if s.table == tid)
            yield Issue("M-4", ERROR, f"缺少统计表 {tid}（{section.heading}）", r.location)
    n = r.narrative
    if n is None:
        yield Issue(
            "M-4",
            WARNING,
            f"缺少正文文件 content/{r.unit}/{r.year}.md（一、五、六部分）",
            r.location,
        )
        return
    seen = [s.ordinal for s in n.sections]
    order = "一二三四五六"
    for s in r.format.sections:
        if s.kind == "narrative" and s.ordinal not in seen:
            # said where it belongs: before the first later part written, or at the end
            after = next((x for x in n.sections if x.ordinal and order.index(x.ordinal) > order.index(s.ordinal)), None)
            if after is not None:
                yield Issue("M-4", WARNING, f"正文缺少“{s.heading}”部分（应写在第 {after.line} 行“{after.heading}”之前）",
                            Location(n.path, after.line, 1))
            else:
                end = max(1, n.source.count("\n") + (0 if n.source.endswith("\n") else 1))
                yield Issue("M-4", WARNING, f"正文缺少“{s.heading}”部分（应写在文末）", Location(n.path, end, 1))
    for s in n.sections:
        if s.ordinal in ("二", "三", "四"):
            yield Issue(
                "M-4",
                WARNING,
                f"正文中的“{s.heading}”将被忽略：二、三、四部分由数据文件 {r.data_path} 生成",
                Location(n.path, s.line, 1),
            )
    parts = [x for x in n.sections if x.ordinal in ("一", "五", "六")]
    narrative_order = [x.ordinal for x in parts]
    if narrative_order != sorted(narrative_order, key=order.index) or len(set(narrative_order)) != len(narrative_order):
        # at the first part that comes too late or a second time
        wrong = next(x for i, x in enumerate(parts) if i and order.index(x.ordinal) <= order.index(parts[i - 1].ordinal))
        yield Issue("M-4", WARNING, f"正文各部分的顺序或次数不对：{'、'.join(narrative_order)}", Location(n.path, wrong.line, 1))


@rule("M-5", WARNING, "人民政府的报告说明考核、社会评议和责任追究情况")
def m_5(ctx: Context):
    r = ctx.report
    if r.narrative is None or not ctx.unit or ctx.unit.is_department or r.format.id == LEGACY_ID:
        return  # 《条例》 as revised in 2019; reports under the old one (2018 and before) are not held to it
    text = r.narrative.text
    missing = [w for w in ("考核", "评议", "责任追究") if w not in text]
    if missing:
        # said at 一、总体情况, where reports give their supervision and assessment, when it is there
        one = r.narrative.section("一")
        where = f"（可在第 {one.line} 行“{one.heading}”中说明）" if one else ""
        yield Issue(
            "M-5",
            WARNING,
            f"正文未提及{'、'.join(missing)}：《条例》第五十条要求人民政府报告工作考核、社会评议和责任追究结果情况{where}",
            Location(r.narrative.path, one.line if one else 1, 1),
        )


# M-6 内容雷同: the narrative compared with the same unit's previous-year narrative.
SHINGLE = 5
SIMILARITY_THRESHOLD = 0.85
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=8)  # compared as this year's and as next year's: reports are checked unit by unit, year by year
def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """Character n-grams of the text with whitespace and punctuation removed and digits masked
    (a new year's dates and counts alone do not make a report new)."""
    t = _NOT_TEXT.sub("", re.sub(r"<!--.*?-->", "", text, flags=re.S))
    t = re.sub(r"\d", "0", t)
    return frozenset(t[i : i + n] for i in range(max(0, len(t) - n + 1)))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' shingle sets (0 … 1)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    common = len(sa & sb)
    return common / (len(sa) + len(sb) - common)  # |a ∪ b| without building the union


@rule("M-6", WARNING, "正文与上年报告雷同")
def m_6(ctx: Context):
    r, p = ctx.report, ctx.prev
    if r.narrative is None or p is None or p.narrative is None:
        return
    s = similarity(r.narrative.text, p.narrative.text)
    if s >= SIMILARITY_THRESHOLD:
        yield Issue(
            "M-6",
            WARNING,
            f"正文与 {p.year} 年报告的相似度为 {s:.0%}（达到 {SIMILARITY_THRESHOLD:.0%} 即视为雷同）："
            "年报格式把内容雷同列为问题，请如实反映本年度工作",
            Location(r.narrative.path, 0),
        )

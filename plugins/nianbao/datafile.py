"""Writes data and narrative files in the layout people type from a printed table.

One line per row, values in printed column order, the official label as a comment. Used by
``nianbao new`` (empty cells) and by the importers (read values), so both produce the same layout.
"""

from __future__ import annotations

import unicodedata

import yaml

from .formats import T3_COLLAPSED, FormatDef, TableDef
from .model import Cell, CellKind, Meta, Table, Unit, format_number


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def yaml_str(s: str | None, flow: bool = False) -> str:
    """A string as a YAML scalar: plain where that reads back as the same text, quoted otherwise.
    ``flow``: also inside a flow sequence (``[a, b]``), where a comma or bracket ends a plain scalar."""
    if s is None:
        return "~"
    if flow:
        return yaml.safe_dump([s], allow_unicode=True, default_flow_style=True, width=10**9).strip()[1:-1]
    out = yaml.safe_dump(s, allow_unicode=True, default_style=None, width=10**9).rstrip("\n")
    if out.endswith("\n..."):
        out = out[: -len("\n...")]
    return out


def cell_text(c: Cell | None) -> str:
    """How a cell is written in a data file: a number, ~ for blank, the NA mark, or its source text."""
    if c is None or c.kind is CellKind.BLANK:
        return "~"
    # written inside [ … ] rows too: quoted where a comma would split it ("1,234")
    if c.kind is CellKind.NA:
        return yaml_str(c.raw or "/", flow=True)
    if c.raw is not None:
        # keep source text that was not a plain number (full-width digits, "251000元", "+4")
        return yaml_str(c.raw.strip(), flow=True)
    if c.unit_raw:
        return yaml_str(f"{format_number(c.value)}{c.unit_raw}", flow=True)
    return format_number(c.value)


def _table_lines(tdef: TableDef, table: Table | None) -> list[str]:
    """The table's rows; with ``table`` given, a row it does not have (the source had no such row)
    is written commented out, so that it is missing (L-MISSING) rather than blank."""
    lines: list[str] = []
    keyw = max(len(r.key) for r in tdef.rows + tdef.extras) + 1

    def values(row) -> list[str]:
        cells = table.rows.get(row.key, {}) if table else {}
        return [cell_text(cells.get(c.key)) for c in row.columns]

    def absent(row) -> bool:
        return table is not None and row.key not in table.rows

    def out(row, line: str) -> str:
        return f"  # {line.lstrip()}  （原文没有这一行）" if absent(row) else line

    if tdef.layout == "blocks":
        for block in tdef.blocks:
            rows = [r for r in tdef.rows if r.block == block.key]
            cols = "，".join(c.label for c in block.columns)
            lines.append(f"  # {block.caption}：{cols}")
            for r in rows:
                vals = values(r)
                v = vals[0] if len(vals) == 1 else "[" + ", ".join(vals) + "]"
                lines.append(out(r, f"  {_pad(r.key + ':', keyw)} {_pad(v, 16)}  # {r.label}"))
        return lines
    # matrix and wide layouts share one column set: align the values under a header comment
    all_vals = {r.key: values(r) for r in tdef.rows}
    colw = [max([len(all_vals[r.key][i]) for r in tdef.rows] + [1]) for i in range(len(tdef.columns))]
    header = "，".join(c.label for c in tdef.columns)
    lines.append(f"  # {_pad('', keyw)} [{header}]")
    for r in tdef.rows:
        vals = ", ".join(v.rjust(w) for v, w in zip(all_vals[r.key], colw))
        label = (r.path[-1] + "：" if r.path and tdef.layout == "wide" else "") + r.label
        if r.path and tdef.layout == "matrix" and r.label.startswith(("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.")):
            label = r.path[-1] + " " + r.label
        lines.append(out(r, f"  {_pad(r.key + ':', keyw)} [{vals}]  # {label}"))
    for e in tdef.extras:
        cells = table.rows.get(e.key) if table else None
        if cells:
            lines.append(f"  {_pad(e.key + ':', keyw)} {cell_text(cells[e.columns[0].key])}  # {e.label}")
    collapsed = [(r, table.rows[r.key][T3_COLLAPSED]) for r in tdef.rows if table and T3_COLLAPSED in table.rows.get(r.key, {})]
    if collapsed:
        lines.append(f"  {T3_COLLAPSED}:  # 原表“法人或其他组织”未分列：各行该列的数（上面五列为 /）")
        lines += [f"    {_pad(r.key + ':', keyw)} {cell_text(c)}" for r, c in collapsed]
    return lines


def render_data_file(
    unit: Unit | None,
    unit_id: str,
    year: int,
    fmt: FormatDef,
    meta: Meta | None = None,
    tables: dict[str, Table] | None = None,
    header_note: str | None = None,
    absent: dict[str, str] | None = None,
    legacy_tables: tuple | None = None,
    legacy_metrics: dict | None = None,
    metric_sources: dict[str, str] | None = None,
) -> str:
    """The data file's text. ``tables``: the tables' cells (none: every cell blank, for a new
    report); ``absent``: tables the source did not have, with why: written commented out, with the
    reason, so that the report lacks them (M-4) until someone fills them in from the original,
    instead of holding a table of blanks nobody published. A report for 2018 or before (``fmt`` is
    the legacy format) has ``legacy_tables`` (model.LegacyTable) instead: written as printed."""
    title = (meta and meta.title) or (f"{unit.full_name}{year}年政府信息公开工作年度报告" if unit else None)
    publisher = (meta and meta.publisher) or (unit.full_name if unit else None)
    m = meta or Meta()
    period_start = m.period_start.isoformat() if m.period_start else f"{year}-01-01"
    period_end = m.period_end.isoformat() if m.period_end else f"{year}-12-31"
    iso = lambda d: d.isoformat() if d else "~"  # noqa: E731
    legacy = not fmt.tables
    out = [
        f"# {title or unit_id + ' ' + str(year)}：{'报告信息和统计表（照原表）' if legacy else '统计表（二、三、四部分）'}",
        "# 数字照原表填写；空白单元格写 ~，不适用写 /（不要写成 0）。",
    ]
    if header_note:
        out += [f"# {line}" for line in header_note.splitlines()]
    out += [
        f"unit: {unit_id}",
        f"year: {year}",
        f"format: {fmt.id}  # {fmt.name}" if legacy else f'format: "{fmt.id}"  # {fmt.source}',
        *([f"scope: {m.scope}"] if m.scope != "organ" else []),
        "meta:",
        f"  title: {yaml_str(title)}  # 标题",
        f"  publisher: {yaml_str(publisher)}  # 发布机构",
        f"  index_no: {yaml_str(m.index_no)}  # 索引号",
        f"  doc_no: {yaml_str(m.doc_no)}  # 文号",
        f"  written_date: {iso(m.written_date)}  # 成文日期",
        f"  published_date: {iso(m.published_date)}  # 发布日期",
        f"  period: [{period_start}, {period_end}]  # 统计期限",
        *([f"  category: {yaml_str(m.category)}  # 分类"] if m.category else []),
        *([f"  validity: {yaml_str(m.validity)}  # 有效性"] if m.validity else []),
    ]
    if m.revisions:
        out.append("revisions:  # 发布后的数据修订")
        out += [f"  - {{date: {d.isoformat()}, note: {yaml_str(n)}}}" for d, n in m.revisions]
    if legacy:
        return "\n".join(out + [""] + _legacy_lines(year, legacy_tables or ()) + [""] + _metric_lines(legacy_metrics or {}, metric_sources or {})) + "\n"
    for section in fmt.sections:
        if section.kind != "table":
            continue
        tdef = fmt.table(section.table)
        if absent and tdef.id in absent:
            out += ["", f"# {section.heading}", f"# {absent[tdef.id]}",
                    "# 照原表填写数字后，删去以下各行开头的“# ”：", f"# {tdef.id}:"]
            out += ["# " + line for line in _table_lines(tdef, None)]
            continue
        out += ["", f"# {section.heading}", f"{tdef.id}:"]
        out += _table_lines(tdef, (tables or {}).get(tdef.id))
    return "\n".join(out) + "\n"


def _legacy_lines(year: int, tables: tuple) -> list[str]:
    out = [
        "# 2018 年度及以前没有全国统一的格式：原报告的统计表照原样录入，每张表写表题（title）、表头各列（columns）",
        "# 和各行（rows：每行一个列表，行名在前，再依次是各列的值；只有一个值的行是分组标题）。例如：",
        f"#   - title: {year}年政府信息公开情况统计表",
        "#     columns: [统计指标, 单位, 统计数]",
        "#     rows:",
        "#       - [一、主动公开情况]",
        "#       - [主动公开政府信息数, 条, 120]",
        "# 原报告没有统计表的，保留 tables: []。",
    ]
    if not tables:
        return out + ["tables: []"]
    out.append("tables:")
    for t in tables:
        out.append(f"  - title: {yaml_str(t.title)}")
        out.append("    columns: [" + ", ".join(yaml_str(c, flow=True) for c in t.columns) + "]")
        out.append("    rows:")
        for row in t.rows:
            cells = [yaml_str(c, flow=True) if isinstance(c, str) else cell_text(c) for c in row]
            out.append("      - [" + ", ".join(cells) + "]")
    return out


def _metric_lines(metrics: dict, sources: dict[str, str]) -> list[str]:
    """``metrics:``; ``sources``: where the importer took a figure from (第 1 张表“…”), said beside it."""
    from .formats import LEGACY_METRICS

    out = ["# 可选：与 2019 年起主要数据大致对应的几项约数，按原表的相应行填写（原表没有的删去或写 ~）；",
           "# 统计口径与 2019 年起的格式不同，单位页的历年数据中单列并标为约数。"]
    if not metrics:
        return out + ["# metrics:"] + [f"#   {_pad(k + ':', 24)} ~   # {label}（{unit}）" for k, label, unit in LEGACY_METRICS]
    if sources:
        out.append("# 以下由导入按原表的行名推断（注明取自哪一行），请与原表核对；原表没有对应行的未列出。")
    out.append("metrics:")
    out += [f"  {_pad(k + ':', 24)} {cell_text(metrics[k])}   # {label}（{unit}）{'：取自' + sources[k] if k in sources else ''}"
            for k, label, unit in LEGACY_METRICS if k in metrics]
    return out


LEGACY_PARTS = ("概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                "因政府信息公开申请行政复议、提起行政诉讼情况", "存在的主要问题及改进措施", "其他需要报告的事项")


def render_narrative_skeleton(fmt: FormatDef, title: str | None, year: int) -> str:
    """A narrative file with the official section headings and prompts, for a new report."""
    if not fmt.tables:  # 2018 and before: the usual parts of the time (spec §6), to be matched to the original
        out = [f"<!-- {title or ''}：正文。2018 年度及以前没有统一格式：各部分的标题照原报告写，统计表写在数据文件中。 -->", ""]
        out += ["（前言：法律依据、统计期限、公开查阅的途径和联系方式。）", ""]
        for n, part in enumerate(LEGACY_PARTS):
            out += [f"## {'一二三四五六七'[n]}、{part}", "", "（待填写）", ""]
        return "\n".join(out).rstrip("\n") + "\n"
    out = [
        f"<!-- {title or ''}：正文。二、三、四部分（统计表）由数据文件生成，这里只写前言和一、五、六部分。 -->",
        "",
        f"根据《中华人民共和国政府信息公开条例》……现向社会公布{year}年政府信息公开工作年度报告。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        "（前言：法律依据、报告组成、统计期限和联系方式。）",
        "",
    ]
    prompts = {
        "一": ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障"],
        "五": ["（一）存在问题", "（二）改进措施"],
        "六": [],
    }
    for s in fmt.sections:
        if s.kind != "narrative":
            continue
        out += [f"## {s.heading}", ""]
        if s.ordinal == "六":
            out += ["（依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，落实上级年度政务公开工作要点情况，"
                    "人大代表建议和政协提案办理结果公开情况，年度工作创新情况等。）", ""]
        for sub in prompts[s.ordinal]:
            out += [f"### {sub}", "", "（待填写）", ""]
        if s.ordinal == "一":
            out += ["（一、总体情况还应说明工作考核、社会评议和责任追究结果情况。）", ""]
    return "\n".join(out).rstrip("\n") + "\n"

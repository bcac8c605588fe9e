"""Walks ``data/`` and ``content/``, builds the model and reports every loading problem as an issue.

The loader never raises on bad input: it returns what it could read and the issues it found.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .formats import FORMAT_IDS, LEGACY_ID, LEGACY_METRICS, T3_COLLAPSED, T3_COLLAPSED_LABEL, T3_PARTS, TABLE_IDS, TableDef, get_format
from .issues import ERROR, INFO, WARNING, Issue
from .loadpool import load_all
from .model import UNIT_KINDS, Cell, CellKind, Contact, LegacyTable, Location, Meta, Narrative, Report, Section, Site, Table, Unit
from .normalize import NOTE_LABELS, parse_cell
from .yamlio import MappingNode, ScalarNode, SequenceNode, check_keys, compose_bytes, compose_file, is_null, loc, mapping, scalar_text

REGISTRY_FILE = "units.yml"
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")

REPORT_KEYS = ("unit", "year", "format", "scope", "meta", "T2", "T3", "T4", "tables", "metrics", "acknowledged", "as_published",
               "revisions")
META_KEYS = ("title", "publisher", "index_no", "doc_no", "written_date", "published_date", "period", "category", "validity")
META_LABELS = {
    "title": "标题",
    "publisher": "发布机构",
    "index_no": "索引号",
    "doc_no": "文号",
    "written_date": "成文日期",
    "published_date": "发布日期",
    "period": "统计期限",
    "category": "分类",
    "validity": "有效性",
}
UNIT_KEYS = ("name", "full_name", "kind", "parent", "credit_code", "contact", "acknowledged")
CONTACT_KEYS = ("office", "address", "postcode", "phone", "fax", "email")
SECTION_ORDINALS = "一二三四五六"
_HEADING = re.compile(r"^(#{1,2})\s+(.*?)\s*#*\s*$")
_SECTION = re.compile(r"^([一二三四五六])\s*[、.．]\s*(.*)$")


@dataclass
class SitePaths:
    root: Path
    data_dir: Path
    content_dir: Path

    def rel(self, p: Path) -> str:
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()


@dataclass
class LoadResult:
    site: Site
    issues: list[Issue] = field(default_factory=list)
    checked: dict[tuple[str, int], list[Issue]] = field(default_factory=dict)  # reports checked while loading


# --------------------------------------------------------------------------------------------
# scalars


def _text(node, path, what, issues) -> str | None:
    if node is None or is_null(node):
        return None
    if not isinstance(node, ScalarNode):
        issues.append(Issue("L-TYPE", ERROR, f"{what}应为单个值", loc(path, node)))
        return None
    return node.value.strip() or None


_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$"),
)


def parse_date(text: str) -> dt.date | None:
    for rx in _DATE_FORMATS:
        m = rx.match(text.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _date(node, path, what, issues) -> dt.date | None:
    s = _text(node, path, what, issues)
    if s is None:
        return None
    d = parse_date(s)
    if d is None:
        issues.append(Issue("L-DATE", ERROR, f"{what}“{s}”不是有效日期，请写作 2025-01-20", loc(path, node)))
    return d


def _reasons(node, path, issues, key: str, label: str, example: str = "") -> dict[str, tuple[str, Location | None]]:
    """A mapping of check id -> reason (``acknowledged``, ``as_published``), each with where its id is
    written; an entry without a reason is an error."""
    entries = mapping(node, path, f"{key}（{label}）", issues) or {}
    out = {}
    for check, (k, v) in entries.items():
        reason = _text(v, path, f"{label} {check} 的说明", issues)
        if not reason:
            issues.append(Issue("L-MISSING", ERROR, f"{label} {check} 须写明理由{example}", loc(path, v)))
            continue
        out[check] = (reason, loc(path, k))
    return out


def _acknowledged(node, path, issues) -> dict[str, str]:
    return {check: reason for check, (reason, _where) in _reasons(node, path, issues, "acknowledged", "已确认的警告").items()}


def _as_published(node, path, issues) -> dict[str, tuple[str, Location | None]]:
    """``as_published``: check id -> why the published original's error is kept (validate decides
    which checks may be kept, and for which reports)."""
    return _reasons(node, path, issues, "as_published", "照原件保留的错误", "（如“2021-01-28 发布的原件总计列空白”）")


# --------------------------------------------------------------------------------------------
# registry


def load_registry(fs_path: Path, path: str) -> tuple[dict[str, Unit], list[Issue]]:
    doc, issues = compose_file(fs_path, path)
    units: dict[str, Unit] = {}
    if doc.root is None:
        if not issues:
            issues.append(Issue("L-MISSING", ERROR, "单位名录为空", Location(path, 0)))
        return units, issues
    top = mapping(doc.root, path, "单位名录", issues)
    if top is None:
        return units, issues
    check_keys(top, ("units",), path, "单位名录", issues)
    if "units" not in top:
        issues.append(Issue("L-MISSING", ERROR, "单位名录缺少 units:", loc(path, doc.root)))
        return units, issues
    entries = mapping(top["units"][1], path, "units", issues) or {}
    for uid, (knode, vnode) in entries.items():
        where = loc(path, knode)
        if not UNIT_ID.match(uid):
            issues.append(
                Issue("L-UNIT-ID", ERROR, f"单位标识“{uid}”须由小写英文字母、数字、- 或 _ 组成（用作网址）", where)
            )
            continue
        fields = mapping(vnode, path, f"单位 {uid}", issues)
        if fields is None:
            continue
        check_keys(fields, UNIT_KEYS, path, f"单位 {uid}", issues)
        get = lambda k, what: _text(fields[k][1], path, what, issues) if k in fields else None  # noqa: E731
        name = get("name", "名称")
        full_name = get("full_name", "全称")
        kind = get("kind", "类别")
        for key, value, label in (("name", name, "名称"), ("full_name", full_name, "全称"), ("kind", kind, "类别")):
            if value is None:
                issues.append(Issue("L-MISSING", ERROR, f"单位 {uid} 缺少{label}（{key}）", where))
        if kind and kind not in UNIT_KINDS:
            issues.append(
                Issue(
                    "L-UNIT-KIND",
                    ERROR,
                    f"单位 {uid} 的类别“{kind}”未知，可用：{'、'.join(UNIT_KINDS)}",
                    loc(path, fields["kind"][1]),
                )
            )
        contact = Contact()
        if "contact" in fields and not is_null(fields["contact"][1]):
            c = mapping(fields["contact"][1], path, f"单位 {uid} 的联系方式", issues) or {}
            check_keys(c, CONTACT_KEYS, path, f"单位 {uid} 的联系方式", issues)
            contact = Contact(**{k: _text(c[k][1], path, k, issues) for k in CONTACT_KEYS if k in c})
        locations = {k: loc(path, v) for k, (_kn, v) in fields.items()}
        if "contact" in fields and isinstance(fields["contact"][1], MappingNode):
            for k, v in fields["contact"][1].value:
                locations[f"contact.{k.value}"] = loc(path, v)
        units[uid] = Unit(
            id=uid,
            name=name or uid,
            full_name=full_name or name or uid,
            kind=kind or "",
            parent=get("parent", "上级单位"),
            credit_code=get("credit_code", "统一社会信用代码"),
            contact=contact,
            location=where,
            acknowledged=_acknowledged(fields["acknowledged"][1], path, issues) if "acknowledged" in fields else {},
            field_locations=locations,
        )
    return units, issues


# --------------------------------------------------------------------------------------------
# tables


def _cell(node, path, tdef: TableDef, row, col, issues) -> Cell | None:
    label = f"{tdef.id}“{row.display}”行“{col.short_label}”列"
    if not isinstance(node, ScalarNode):
        issues.append(Issue("L-TYPE", ERROR, f"{label}应为单个数值", loc(path, node)))
        return None
    where = loc(path, node)
    pc = parse_cell(scalar_text(node))
    if "spaced_digits" in pc.notes:
        issues.append(Issue("L-VALUE", ERROR, f"{label}的值“{node.value}”是用空格隔开的几个数字，无法确定取值"
                            "（可能是两个数粘在一起，或数字中多了空格）：请改为一个数字", where))
        return None
    if pc.kind is None:
        issues.append(
            Issue(
                "L-VALUE",
                ERROR,
                f"{label}的值“{node.value}”无法识别：应为数字，空白写 ~，不适用写 /",
                where,
            )
        )
        return None
    for note in pc.notes:
        if note == "fullwidth":
            issues.append(Issue("L-FULLWIDTH", WARNING, f"{label}“{node.value}”含全角字符，已按半角读取", where))
        elif note in ("thousands", "spaces") or (note == "plus_sign" and col.type != "signed") or (
            note == "unit" and col.type != "amount"
        ):
            issues.append(Issue("L-FORMAT", INFO, f"{label}“{node.value}”：{NOTE_LABELS[note]}", where))
    return pc.to_cell(where)


def _fast_cell(node, path, tdef: TableDef, row, col, issues) -> Cell | None:
    """:func:`_cell`, with the common case (a plain count such as ``12``, most cells of every
    report) read directly, without the general path's parsing (loading is ~10 % faster)."""
    if type(node) is ScalarNode:
        text = node.value
        if text.isascii() and text.isdigit():  # never a null: YAML's null is "", "~" or "null"
            mark = node.start_mark
            return Cell(CellKind.NUMBER, int(text), None, None, Location(path, mark.line + 1, mark.column + 1))
    return _cell(node, path, tdef, row, col, issues)


def _table(node, path, tdef: TableDef, issues) -> Table:
    rows: dict[str, dict[str, Cell]] = {}
    row_locs: dict[str, Location] = {}
    entries = mapping(node, path, f"{tdef.id}（{tdef.title}）", issues)
    if entries is None:
        return Table(tdef.id, rows, loc(path, node))
    collapsed = tdef.id == "T3"
    check_keys(entries, tdef.row_keys + tuple(e.key for e in tdef.extras) + ((T3_COLLAPSED,) if collapsed else ()), path,
               f"{tdef.id}（{tdef.title}）", issues)
    for row in tdef.rows + tdef.extras:
        if row.key not in entries and row in tdef.extras:
            continue
        if row.key not in entries:
            issues.append(
                Issue("L-MISSING", ERROR, f"{tdef.id} 缺少“{row.display}”行（{row.key}）", loc(path, node))
            )
            continue
        knode, vnode = entries[row.key]
        row_locs[row.key] = loc(path, knode)
        ncol = len(row.columns)
        labels = "、".join(c.short_label for c in row.columns)
        cells: dict[str, Cell] = {}
        if isinstance(vnode, SequenceNode):
            if len(vnode.value) != ncol:
                issues.append(
                    Issue(
                        "L-ROW-LENGTH",
                        ERROR,
                        f"{tdef.id}“{row.display}”行应有 {ncol} 个值（{labels}），实有 {len(vnode.value)} 个",
                        loc(path, vnode),
                    )
                )
                continue
            pairs = list(zip(row.columns, vnode.value))
        elif isinstance(vnode, MappingNode):
            sub = mapping(vnode, path, f"{tdef.id}“{row.display}”行", issues) or {}
            check_keys(sub, row.column_keys, path, f"{tdef.id}“{row.display}”行", issues)
            pairs = []
            for c in row.columns:
                if c.key not in sub:
                    issues.append(
                        Issue("L-MISSING", ERROR, f"{tdef.id}“{row.display}”行缺少“{c.short_label}”列（{c.key}）", loc(path, vnode))
                    )
                else:
                    pairs.append((c, sub[c.key][1]))
            if len(pairs) != ncol:
                continue
        elif isinstance(vnode, ScalarNode) and ncol == 1:
            pairs = [(row.columns[0], vnode)]
        else:
            issues.append(
                Issue(
                    "L-ROW-LENGTH",
                    ERROR,
                    f"{tdef.id}“{row.display}”行应写作 [{', '.join('…' for _ in row.columns)}]（{labels}）",
                    loc(path, vnode),
                )
            )
            continue
        for col, cnode in pairs:
            cell = _fast_cell(cnode, path, tdef, row, col, issues)
            if cell is not None:
                cells[col.key] = cell
        if len(cells) == ncol:
            rows[row.key] = cells
    if collapsed and T3_COLLAPSED in entries:
        _collapsed(entries[T3_COLLAPSED][1], path, tdef, rows, issues)
    return Table(tdef.id, rows, loc(path, node), row_locs)


def _collapsed(node, path, tdef: TableDef, rows: dict, issues) -> None:
    """T3's ``legal_or_other_org:`` (spec §9.2): the source printed the five 法人或其他组织 columns as
    one; its figure per row goes into the row's cells, and those rows' five columns must be NA."""
    what = f"T3 的 {T3_COLLAPSED}（{T3_COLLAPSED_LABEL}）"
    m = mapping(node, path, what, issues)
    if m is None:
        return
    check_keys(m, tdef.row_keys, path, what, issues)
    col = next(c for c in tdef.columns if c.key == "total")  # a count, as every T3 cell
    for row in tdef.rows:
        if row.key not in m or row.key not in rows:
            continue
        vnode = m[row.key][1]
        cell = _cell(vnode, path, tdef, row, replace(col, key=T3_COLLAPSED, short_label=T3_COLLAPSED_LABEL), issues)
        if cell is None:
            continue
        split = [rows[row.key][k] for k in T3_PARTS if rows[row.key][k].kind is CellKind.NUMBER]
        if split:
            issues.append(Issue("L-VALUE", ERROR, f"T3“{row.display}”行既分列写了法人或其他组织的数字，又写了未分列的 {T3_COLLAPSED}："
                                "原表未分列时，五列写 /", split[0].location))
            continue
        rows[row.key] = {**rows[row.key], T3_COLLAPSED: cell}


def _legacy_cell(node, path, where_text: str, issues, label: bool) -> "str | Cell | None":
    """A cell of a table as printed: text (always, in the first column), or a number, blank or
    not-applicable mark when it reads as one; anything else is kept as the text it is."""
    if not isinstance(node, ScalarNode):
        issues.append(Issue("L-TYPE", ERROR, f"{where_text}应为单个值（文字或数字）", loc(path, node)))
        return None
    text = scalar_text(node)
    if label:
        return (text or "").strip()
    pc = parse_cell(text)
    if pc.kind is None:
        return text.strip()
    return pc.to_cell(loc(path, node))


def _legacy_tables(node, path, issues) -> tuple[LegacyTable, ...]:
    """``tables:`` of a report for 2018 or before: a list of tables as printed."""
    example = "tables:\n  - title: 政府信息公开情况统计表\n    columns: [指标, 单位, 数量]\n    rows:\n      - [主动公开政府信息数, 条, 120]"
    if is_null(node):
        return ()
    if not isinstance(node, SequenceNode):
        issues.append(Issue("L-TYPE", ERROR, f"tables 应为表格的列表，例如：\n{example}", loc(path, node)))
        return ()
    out = []
    for n, tnode in enumerate(node.value, start=1):
        what = f"第 {n} 张原表"
        t = mapping(tnode, path, what, issues)
        if t is None:
            continue
        check_keys(t, ("title", "columns", "rows"), path, what, issues)
        title = _text(t["title"][1], path, f"{what}的标题", issues) if "title" in t else None
        columns: tuple[str, ...] = ()
        cnode = t["columns"][1] if "columns" in t else None
        if cnode is None or not isinstance(cnode, SequenceNode) or not cnode.value:
            issues.append(Issue("L-MISSING", ERROR, f"{what}须有 columns:（表头各列的名称，从左到右）",
                                loc(path, cnode) if cnode is not None else loc(path, tnode)))
        else:
            columns = tuple(_legacy_cell(c, path, f"{what}的列名", issues, label=True) or "" for c in cnode.value)
        rows, row_locs = [], []
        rnode = t["rows"][1] if "rows" in t else None
        if rnode is None or not isinstance(rnode, SequenceNode):
            issues.append(Issue("L-MISSING", ERROR, f"{what}须有 rows:（各行，每行一个列表）",
                                loc(path, rnode) if rnode is not None else loc(path, tnode)))
        else:
            for i, row in enumerate(rnode.value, start=1):
                where = loc(path, row)
                if not isinstance(row, SequenceNode) or not row.value:
                    issues.append(Issue("L-TYPE", ERROR, f"{what}第 {i} 行应为列表：[行名, 值, …]", where))
                    continue
                if columns and len(row.value) not in (1, len(columns)):
                    issues.append(Issue("L-ROW-LENGTH", ERROR, f"{what}第 {i} 行有 {len(row.value)} 个值，表头有 {len(columns)} 列"
                                        "（只有一个值的行是分组标题）", where))
                    continue
                cells = tuple(_legacy_cell(c, path, f"{what}第 {i} 行", issues, label=j == 0) for j, c in enumerate(row.value))
                if any(c is None for c in cells):
                    continue
                rows.append(cells)
                row_locs.append(where)
        out.append(LegacyTable(title, columns, tuple(rows), loc(path, tnode), tuple(row_locs)))
    return tuple(out)


def _legacy_metrics(node, path, issues) -> dict[str, Cell]:
    """``metrics:`` of a report for 2018 or before: the coarse figures, each a number, ~ or an NA mark."""
    if is_null(node):
        return {}
    m = mapping(node, path, "metrics（约数）", issues)
    if m is None:
        return {}
    labels = {k: label for k, label, _unit in LEGACY_METRICS}
    check_keys(m, tuple(labels), path, "metrics（约数）", issues)
    out = {}
    for key, _label, unit in LEGACY_METRICS:
        if key not in m:
            continue
        vnode = m[key][1]
        if not isinstance(vnode, ScalarNode):
            issues.append(Issue("L-TYPE", ERROR, f"metrics 的“{labels[key]}”应为单个数值", loc(path, vnode)))
            continue
        pc = parse_cell(scalar_text(vnode))
        if pc.kind is None or (pc.kind is CellKind.NUMBER and (pc.value < 0 or (unit == "件" and pc.value != int(pc.value)))):
            issues.append(Issue("L-VALUE", ERROR, f"metrics 的“{labels[key]}”的值“{vnode.value}”无法识别：应为不小于 0 的"
                                f"{'整数' if unit == '件' else '数'}，空白写 ~，不适用写 /", loc(path, vnode)))
            continue
        out[key] = pc.to_cell(loc(path, vnode))
    return out


# --------------------------------------------------------------------------------------------
# reports


def load_report(fs_path: Path, path: str, unit_id: str, year: int, data: bytes | None = None) -> tuple[Report | None, list[Issue]]:
    """The report in the data file ``fs_path`` (or in ``data``, its content: an earlier version)."""
    doc, issues = compose_file(fs_path, path) if data is None else compose_bytes(data, path)
    if doc.root is None:
        if not issues:
            issues.append(Issue("L-MISSING", ERROR, "数据文件为空", Location(path, 0)))
        return None, issues
    top = mapping(doc.root, path, "数据文件", issues)
    if top is None:
        return None, issues
    check_keys(top, REPORT_KEYS, path, "数据文件", issues)
    where = loc(path, doc.root)

    if "unit" in top:
        u = _text(top["unit"][1], path, "单位", issues)
        if u is not None and u != unit_id:
            issues.append(
                Issue("L-UNIT-MISMATCH", ERROR, f"文件中的单位“{u}”与所在目录“{unit_id}”不一致", loc(path, top["unit"][1]))
            )
    if "year" in top:
        y = _text(top["year"][1], path, "年度", issues)
        if y is not None and y != str(year):
            issues.append(
                Issue("L-YEAR", ERROR, f"文件中的年度“{y}”与文件名中的年度 {year} 不一致", loc(path, top["year"][1]))
            )

    fid = _text(top["format"][1], path, "格式", issues) if "format" in top else None
    if "format" not in top:
        issues.append(
            Issue("L-MISSING", ERROR, "缺少 format:（年报格式版本：2021 或 2019）", where)
        )
        return None, issues
    if fid not in FORMAT_IDS and fid != LEGACY_ID:
        issues.append(
            Issue("L-FORMAT-ID", ERROR, f"格式版本“{fid}”未知，可用：{'、'.join(FORMAT_IDS)}，2018 年度及以前用 {LEGACY_ID}",
                  loc(path, top["format"][1]))
        )
        return None, issues
    fmt = get_format(fid)

    meta_locs: dict[str, Location] = {}
    meta_kwargs: dict = {}
    if "meta" in top:
        m = mapping(top["meta"][1], path, "meta（报告信息）", issues) or {}
        check_keys(m, META_KEYS, path, "meta（报告信息）", issues)
        for key, (_k, v) in m.items():
            meta_locs[key] = loc(path, v)
        for key in ("title", "publisher", "index_no", "doc_no", "category", "validity"):
            if key in m:
                meta_kwargs[key] = _text(m[key][1], path, META_LABELS[key], issues)
        for key in ("written_date", "published_date"):
            if key in m:
                meta_kwargs[key] = _date(m[key][1], path, META_LABELS[key], issues)
        if "period" in m and not is_null(m["period"][1]):
            pnode = m["period"][1]
            if isinstance(pnode, SequenceNode) and len(pnode.value) == 2:
                meta_kwargs["period_start"] = _date(pnode.value[0], path, "统计期限起", issues)
                meta_kwargs["period_end"] = _date(pnode.value[1], path, "统计期限止", issues)
            else:
                issues.append(
                    Issue("L-TYPE", ERROR, "统计期限应写作 [2024-01-01, 2024-12-31]", loc(path, pnode))
                )
    else:
        issues.append(Issue("L-MISSING", WARNING, "缺少 meta:（标题、发布机构、索引号、成文日期、发布日期、统计期限）", where))
    if "scope" in top:
        scope = _text(top["scope"][1], path, "范围", issues)
        if scope not in ("organ", "region_aggregate"):
            issues.append(
                Issue("L-SCOPE", ERROR, f"scope 应为 organ（本机关）或 region_aggregate（本地区汇总），实为“{scope}”", loc(path, top["scope"][1]))
            )
        else:
            meta_kwargs["scope"] = scope
    revisions = []
    if "revisions" in top and not is_null(top["revisions"][1]):
        rnode = top["revisions"][1]
        if not isinstance(rnode, SequenceNode):
            issues.append(Issue("L-TYPE", ERROR, "revisions 应为列表：- {date: 2025-03-01, note: 修订说明}", loc(path, rnode)))
        else:
            for item in rnode.value:
                r = mapping(item, path, "修订记录", issues) or {}
                check_keys(r, ("date", "note"), path, "修订记录", issues)
                d = _date(r["date"][1], path, "修订日期", issues) if "date" in r else None
                note = _text(r["note"][1], path, "修订说明", issues) if "note" in r else None
                if d is None or not note:
                    issues.append(Issue("L-MISSING", ERROR, "修订记录须有日期（date）和说明（note）", loc(path, item)))
                else:
                    revisions.append((d, note))
    meta_kwargs["revisions"] = tuple(revisions)

    tables: dict[str, Table] = {}
    legacy: tuple[LegacyTable, ...] = ()
    metrics: dict[str, Cell] = {}
    if fid == LEGACY_ID:
        for tid in TABLE_IDS:
            if tid in top:
                issues.append(Issue("L-FORMAT-ID", ERROR, f"2018 年度及以前的报告（format: {LEGACY_ID}）没有官方统计表 {tid}："
                                    "原报告的统计表照原样写在 tables: 中", loc(path, top[tid][0])))
        if "tables" in top:
            legacy = _legacy_tables(top["tables"][1], path, issues)
        if "metrics" in top:
            metrics = _legacy_metrics(top["metrics"][1], path, issues)
    else:
        for key, what in (("tables", f"{fid} 年格式的统计表写在 T2、T3、T4 中"), ("metrics", "主要数据由 T3、T4 得出")):
            if key in top:
                issues.append(Issue("L-UNKNOWN-KEY", ERROR, f"{key}: 只用于 2018 年度及以前的报告（format: {LEGACY_ID}）；{what}",
                                    loc(path, top[key][0])))
        for tid in TABLE_IDS:
            if tid in top:
                tables[tid] = _table(top[tid][1], path, fmt.table(tid), issues)
    report = Report(
        unit=unit_id,
        year=year,
        format=fmt,
        meta=Meta(**meta_kwargs),
        tables=tables,
        data_path=path,
        location=where,
        meta_locations=meta_locs,
        acknowledged=_acknowledged(top["acknowledged"][1], path, issues) if "acknowledged" in top else {},
        as_published=_as_published(top["as_published"][1], path, issues) if "as_published" in top else {},
        legacy_tables=legacy,
        legacy_metrics=metrics,
    )
    return report, issues


# --------------------------------------------------------------------------------------------
# narrative


def split_front_matter(text: str) -> tuple[str, int]:
    """Drop a YAML front-matter block; returns the rest and how many lines were dropped."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            head = text[: end + 5]
            return text[end + 5 :], head.count("\n")
    return text, 0


def _walk_narrative(text: str) -> Iterator[tuple[int, str, bool, re.Match | None, re.Match | None]]:
    """Each line of a narrative file after its front matter: (line number, line, whether it is
    code (a fence or inside one), its heading match, its part heading match (一、 … 六、))."""
    body, offset = split_front_matter(text)
    in_fence = False
    for i, line in enumerate(body.splitlines(), start=offset + 1):
        fence = line.lstrip().startswith(("```", "~~~"))
        if fence:
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        yield i, line, fence or in_fence, m, _SECTION.match(m[2]) if m else None


def parse_narrative(text: str, path: str) -> Narrative:
    preamble: list[str] = []
    sections: list[Section] = []
    current: tuple[str, str, int, list[str]] | None = None
    for i, line, _code, _m, s in _walk_narrative(text):
        if s:
            if current:
                sections.append(Section(current[0], current[1], "\n".join(current[3]).strip("\n"), current[2]))
            current = (s[1], f"{s[1]}、{s[2].strip()}", i, [])
            continue
        (current[3] if current else preamble).append(line)
    if current:
        sections.append(Section(current[0], current[1], "\n".join(current[3]).strip("\n"), current[2]))
    return Narrative(path, "\n".join(preamble).strip("\n"), tuple(sections), text)


def narrative_lines(text: str) -> Iterator[tuple[int, str | None, str]]:
    """The lines of a narrative file's text (not its headings, code blocks or front matter) with
    their line numbers and the part they are in (一 … 六, None for the preamble), as
    :func:`parse_narrative` reads them: for checks that quote a line."""
    ordinal: str | None = None
    for i, line, code, m, s in _walk_narrative(text):
        if s:
            ordinal = s[1]
        elif not code and not m:
            yield i, ordinal, line


def load_narrative(fs_path: Path, path: str) -> tuple[Narrative | None, list[Issue]]:
    try:
        text = fs_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [Issue("L-ENCODING", ERROR, "文件不是 UTF-8 编码，请另存为 UTF-8", Location(path, 0))]
    except OSError as e:
        return None, [Issue("L-READ", ERROR, f"无法读取文件：{e.strerror}", Location(path, 0))]
    return parse_narrative(text, path), []


# --------------------------------------------------------------------------------------------
# the whole site


def find_site_root(start: Path, data_dir: str = "data") -> Path | None:
    """The nearest folder at or above ``start`` that holds ``data/units.yml``."""
    p = start.resolve()
    if p.is_file():
        p = p.parent
    for cand in (p, *p.parents):
        if (cand / data_dir / REGISTRY_FILE).is_file():
            return cand
    return None


def iter_data_files(data_dir: Path):
    """(unit id, year or None, path) for every file under data/<unit>/, in a stable order."""
    if not data_dir.is_dir():
        return
    for unit_dir in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for f in sorted(unit_dir.iterdir()):
            if f.name.startswith(".") or not f.is_file():
                continue
            m = YEAR_FILE.match(f.name)
            yield unit_dir.name, (int(m[1]) if m else None), f


def _cached(cache: dict | None, fs_path: Path, args: tuple, load):
    """``load(*args)``, or its earlier result when ``cache`` holds one for the same file unchanged
    (same size and modification time). Reports and narratives are frozen, so sharing them is safe."""
    if cache is None:
        return load(*args)
    try:
        st = fs_path.stat()
    except OSError:
        return load(*args)
    sig = (args, st.st_mtime_ns, st.st_size)
    hit = cache.get(str(fs_path))
    if hit is not None and hit[0] == sig:
        return hit[1]
    result = load(*args)
    cache[str(fs_path)] = (sig, result)
    return result


@contextlib.contextmanager
def _no_cycle_collection():
    """Loading makes millions of small objects and no reference cycles: Python's cycle collector,
    triggered by the allocations, would walk the growing heap again and again and find nothing
    (a third of the loading time at 10,000 reports). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_site(root: Path | str, data_dir: str = "data", content_dir: str = "content", cache: dict | None = None,
              processes: int = 1, check_report=None) -> LoadResult:
    """Every unit and report under ``root``. ``cache`` (a dict kept by the caller between loads, as
    ``mkdocs serve`` does) skips parsing the files that did not change since the previous load.
    Without a cache, ``processes`` > 1 reads the files in that many processes (:mod:`.loadpool`;
    the same result); each helper also runs ``check_report(site, key)`` (a report's own checks) on
    the reports it read, returned in ``LoadResult.checked``."""
    with _no_cycle_collection():
        return _load_site(root, data_dir, content_dir, cache, processes, check_report)


def _load_site(root: Path | str, data_dir: str, content_dir: str, cache: dict | None, processes: int,
               check_report) -> LoadResult:
    root = Path(root)
    sp = SitePaths(root, root / data_dir, root / content_dir)
    issues: list[Issue] = []
    reg_fs = sp.data_dir / REGISTRY_FILE
    reg_rel = sp.rel(reg_fs)
    if reg_fs.is_file():
        units, reg_issues = load_registry(reg_fs, reg_rel)
        issues += reg_issues
    else:
        units = {}
        issues.append(Issue("L-MISSING", ERROR, f"找不到单位名录 {reg_rel}", Location(reg_rel, 0)))
    site = Site(root=str(root), units=units, reports={}, registry_path=reg_rel)
    entries: list = []  # in file order: an issue about a path, or a report to read
    for unit_id, year, f in iter_data_files(sp.data_dir):
        rel = sp.rel(f)
        if f.suffix not in (".yml", ".yaml"):
            entries.append(Issue("L-PATH", WARNING, "data/ 的单位目录中只应有年度数据文件（如 2024.yml），此文件已忽略", Location(rel, 0)))
        elif year is None:
            entries.append(Issue("L-PATH", ERROR, "数据文件名应为四位年度，如 2024.yml", Location(rel, 0)))
        else:
            entries.append((f, rel, unit_id, year, sp.content_dir / unit_id / f"{year}.md"))

    def read(f: Path, rel: str, unit_id: str, year: int, md: Path):
        report, rep_issues = _cached(cache, f, (f, rel, unit_id, year), load_report)
        if report is None or not md.is_file():
            return report, rep_issues, None, []
        narrative, n_issues = _cached(cache, md, (md, sp.rel(md)), load_narrative)
        return report, rep_issues, narrative, n_issues

    def check_share(results: list) -> dict:  # in a helper: its reports' own checks
        reports = {}
        for report, _issues, narrative, _n_issues in results:
            if report is not None:
                reports[report.key] = report if narrative is None else replace(report, narrative=narrative)
        share = Site(root=str(root), units=units, reports=reports, registry_path=reg_rel)
        return {key: check_report(share, key) for key in sorted(reports)}

    jobs = [e for e in entries if not isinstance(e, Issue)]
    results, checked = load_all(jobs, read, processes if cache is None else 1,  # a cache lives in this process
                                unit_of=lambda job: job[2], check_share=check_share if check_report else None)
    loaded = iter(results)
    for entry in entries:
        if isinstance(entry, Issue):
            issues.append(entry)
            continue
        _f, rel, unit_id, year, _md = entry
        report, rep_issues, narrative, n_issues = next(loaded)
        issues += rep_issues
        if unit_id not in units and reg_fs.is_file():
            issues.append(
                Issue("L-UNIT", ERROR, f"单位“{unit_id}”不在单位名录 {reg_rel} 中", Location(rel, 1, 1))
            )
        if report is None:
            continue
        issues += n_issues
        if narrative is not None:
            report = replace(report, narrative=narrative)
        site.reports[(unit_id, year)] = report
    # narrative files with no data file
    if sp.content_dir.is_dir():
        for unit_dir in sorted(p for p in sp.content_dir.iterdir() if p.is_dir()):
            for md in sorted(unit_dir.glob("*.md")):
                m = re.match(r"^(\d{4})\.md$", md.name)
                if m and (unit_dir.name, int(m[1])) not in site.reports and not (sp.data_dir / unit_dir.name / f"{m[1]}.yml").exists():
                    issues.append(
                        Issue(
                            "M-4",
                            ERROR,
                            f"有正文而没有数据文件：应有 {sp.rel(sp.data_dir / unit_dir.name / (m[1] + '.yml'))}（二、三、四部分的统计表）",
                            Location(sp.rel(md), 0),
                        )
                    )
    site.reindex()
    return LoadResult(site, issues, checked)


def content_path(site_root: Path, unit: str, year: int, content_dir: str = "content") -> Path:
    return Path(site_root) / content_dir / unit / f"{year}.md"


def data_path(site_root: Path, unit: str, year: int, data_dir: str = "data") -> Path:
    return Path(site_root) / data_dir / unit / f"{year}.yml"


__all__ = ["load_site", "load_registry", "load_report", "parse_narrative", "find_site_root", "LoadResult"]

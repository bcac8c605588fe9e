"""From a document's tables to T2, T3 and T4 with the spec's keys, losing nothing silently.

Rows are found by their labels (normalised: whitespace, full-width forms, quotes, 1. / 1、 / 1．
numbering, abbreviations), columns by their header text — by geometry where the source has it
(HTML, DOCX), by header order in the Word text export. The format is detected from structure
(spec §9.3), never from the year. Every cell that was not a plain number, every extra subtotal
checked and every cell that had to be interpreted becomes a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..formats import T3_COLLAPSED, T3_PARTS, get_format
from ..model import Cell, CellKind, Table
from ..normalize import NOTE_LABELS, normalize_label, parse_cell
from .document import GCell, TableGrid


class ImportError_(Exception):
    """The source cannot be understood: nothing is written."""


@dataclass
class Note:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass
class Recognized:
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    t2_format: str | None = None
    t3_format: str | None = None
    evidence: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    source_text: dict[str, str] = field(default_factory=dict)  # e.g. the single （六） row of a hybrid
    at: str = ""  # the source row being read, said with a refusal ("第 123 行", "第 3 张表第 5 行")

    def reading(self, grid: TableGrid, row: list[GCell]) -> None:
        """Mark ``row`` of ``grid`` as the one being read."""
        first = next((c for c in row if c.where and c.text.strip()), None) or next((c for c in row if c.where), None)
        if first is not None:
            self.at = first.where
        elif row and grid.source:
            self.at = f"{grid.source}第 {row[0].row + 1} 行"
        else:
            self.at = ""

    @property
    def format(self) -> str:
        fmts = {f for f in (self.t2_format, self.t3_format) if f}
        if not fmts:
            raise ImportError_("找不到统计表：没有识别出“主动公开政府信息情况”或“收到和处理政府信息公开申请情况”表")
        return fmts.pop() if len(fmts) == 1 else "hybrid"


def norm(text: str) -> str:
    s = normalize_label(text)
    return s.replace("（", "(").replace("）", ")")


def is_number_text(text: str) -> bool:
    pc = parse_cell(text)
    return pc.kind is not None and (pc.kind is not CellKind.BLANK or not text.strip())


# ------------------------------------------------------------------------------------ classification


def classify(table: TableGrid) -> str | None:
    text = norm("".join(c.text for c in table.cells))
    if "本年新收" in text or "申请人情况" in text:
        return "T3"
    if "行政复议" in text and ("结果维持" in text or "维持" in text):
        return "T4"
    if "第二十条" in text or "信息内容" in text or "规范性文件" in text:
        return "T2"
    return None


# ------------------------------------------------------------------------------------ values


def read_value(text: str, where: str, notes: list[Note], column_type: str = "count") -> Cell:
    pc = parse_cell(text)
    if "spaced_digits" in pc.notes:
        raise ImportError_(f"{where}的内容“{text.strip()}”是用空格隔开的几个数字，无法确定取值（可能是两个单元格粘连，"
                           "或数字中多了空格）：请对照原表改正后重试")
    if pc.kind is None:
        raise ImportError_(f"{where}的内容“{text.strip()}”不是数字，无法导入（请改为数字、空白或“/”后重试）")
    for note in pc.notes:
        if note == "blank":
            continue
        if note == "plus_sign" and column_type == "signed":
            notes.append(Note(where, f"“{text.strip()}”带正号，照录"))
        elif note == "na_mark":
            notes.append(Note(where, f"不适用标记“{text.strip()}”，保存为不适用（不是 0）"))
        elif note == "unit":
            notes.append(Note(where, f"单元格内写有单位“{pc.unit_raw}”，照录原文“{text.strip()}”"))
        else:
            notes.append(Note(where, f"“{text.strip()}”{NOTE_LABELS[note]}"))
    if pc.kind is CellKind.BLANK:
        notes.append(Note(where, "空白单元格，保存为空白（~），不是 0"))
    return pc.to_cell()


def split_glued(cells: list[str], expected: int, where: str, notes: list[Note]) -> list[str]:
    """Cells Word or a CMS glued together ("0 0", "1　2") are split when that gives the expected count."""
    if len(cells) >= expected:
        return cells
    out: list[str] = []
    for c in cells:
        parts = c.split()
        if len(parts) > 1 and all(parse_cell(p).kind is CellKind.NUMBER for p in parts):
            notes.append(Note(where, f"单元格“{c}”含 {len(parts)} 个数字，按粘连的单元格拆分"))
            out += parts
        else:
            out.append(c)
    return out if len(out) == expected else cells


def split_label_value(label: str) -> tuple[str, list[str]]:
    """A label with numbers glued to its end: "（一）予以公开 1 0" -> ("（一）予以公开", ["1", "0"])."""
    m = re.match(r"^(.*?[^\d\s.．、])((?:\s+[-+]?\d+(?:\.\d+)?)+)\s*$", label)
    if not m:
        return label, []
    return m[1], m[2].split()


# ------------------------------------------------------------------------------------ T2

T2_BLOCK = re.compile(r"第二十条.*?第?[(]([一二三四五六七八九十]+)[)]项")
T2_ROWS = [  # (key, keywords): checked in order
    ("normative_docs", ("规范性文件",)),
    ("regulations", ("规章",)),
    ("other_external_services", ("其他对外管理服务",)),
    ("admin_license", ("行政许可",)),
    ("admin_penalty", ("行政处罚",)),
    ("admin_coercion", ("行政强制",)),
    ("admin_fees", ("行政事业性收费",)),
    ("gov_central_procurement", ("政府集中采购", "集中采购")),
]


def _t2_columns() -> dict[str, tuple[str, str, str]]:
    """normalised header label -> (format, column key, column type)."""
    out = {}
    for fid in ("2021", "2019"):
        for row in get_format(fid).table("T2").rows:
            for c in row.columns:
                for label in {c.label, c.short_label}:
                    out[norm(label)] = (fid, c.key, c.type)
    out[norm("处理决定数量")] = ("2019", "decisions", "count")
    out[norm("本年收费金额（万元）")] = ("2021", "fee_amount_wan", "amount")
    out[norm("本年增减")] = ("2019", "yoy_change", "signed")
    return out


def _match_t2_column(label: str, table: dict) -> tuple[str, str, str] | None:
    n = norm(label)
    if n in table:
        return table[n]
    for k, v in table.items():
        if k and (n.startswith(k) or k.startswith(n)) and len(n) >= 4:
            return v
    return None


def _t2_row(label: str) -> str | None:
    n = norm(label)
    for key, words in T2_ROWS:
        if any(w in n for w in words):
            return key
    return None


def recognize_t2(grids: list[TableGrid], rec: Recognized) -> None:
    rec.at = ""
    cols_by_label = _t2_columns()
    formats_seen: set[str] = set()
    rows: dict[str, dict[str, Cell]] = {}
    for grid in grids:
        header: list[tuple[int, int, tuple[str, str, str]]] = []  # (start, end, column)
        for r, row in enumerate(grid.rows()):
            rec.reading(grid, row)
            texts = [c.text for c in row]
            joined = norm("".join(texts))
            if not joined:
                continue
            if T2_BLOCK.search(joined) and len([t for t in texts if t.strip()]) == 1:
                header = []
                continue
            matched = [(c, _match_t2_column(c.text, cols_by_label)) for c in row]
            if any(m for _c, m in matched) and not any(_t2_row(c.text) for c in row):
                header = []
                for i, (c, m) in enumerate(matched):
                    if m:
                        formats_seen.add(m[0])
                        rec.evidence.append(c.text.replace("\n", "")) if c.text not in rec.evidence else None
                        header.append((c.col if grid.geometry else i, c.end if grid.geometry else i + 1, m))
                continue
            label_cell = next((c for c in row if c.text.strip() and not is_number_text(c.text)), None)
            key = _t2_row(label_cell.text) if label_cell else None
            if key is None:
                if label_cell is not None:
                    rec.notes.append(Note(f"表二{grid.source}第 {r + 1} 行", f"无法识别的行“{label_cell.text.strip()}”，未导入"))
                continue
            if not header:
                raise ImportError_(f"表二“{label_cell.text.strip()}”行之前没有可识别的列标题")
            values = [c for c in row if c is not label_cell]
            where_row = f"表二“{label_cell.text.strip()}”行"
            if grid.geometry:
                texts_v = [(c.col, c.text) for c in values]
            else:
                texts_v = list(enumerate(split_glued([c.text for c in values], len(header), where_row, rec.notes), start=1))
            cells: dict[str, Cell] = {}
            for pos, text in texts_v:
                col = next((h[2] for h in header if h[0] <= pos < h[1]), None)
                if col is None:
                    if text.strip():
                        rec.notes.append(Note(where_row, f"“{text.strip()}”不在任何列标题之下，未导入"))
                    continue
                _fid, ckey, ctype = col
                if ckey in cells:
                    continue
                cells[ckey] = read_value(text, f"{where_row}“{col_label(col)}”列", rec.notes, ctype)
            rows[key] = cells
    rec.at = ""
    if not rows:
        return
    if len(formats_seen) > 1:
        rec.notes.append(Note("表二", "列标题混用了 2019 年和 2021 年格式"))
    fid = "2019" if "2019" in formats_seen and "2021" not in formats_seen else "2021" if formats_seen == {"2021"} else "hybrid"
    rec.t2_format = fid if fid != "hybrid" else None
    if fid == "hybrid":
        raise ImportError_("表二的列标题混用了 2019 年和 2021 年格式，无法确定统计口径")
    rec.evidence.insert(0, f"表二为 {fid} 年格式")
    tdef = get_format(fid).table("T2")
    table: dict[str, dict[str, Cell]] = {}
    for row in tdef.rows:
        got = rows.get(row.key)
        if got is None:
            continue  # not in the source: missing, not blank (the data file writes it as a comment; plan_import says so)
        for c in row.columns:
            if c.key not in got:
                rec.notes.append(Note(f"表二“{row.label}”行“{c.short_label}”列", "原表没有这一格，保存为空白（~）"))
                got[c.key] = Cell(CellKind.BLANK)
        table[row.key] = {c.key: got[c.key] for c in row.columns}
    rec.tables["T2"] = table


def col_label(col: tuple[str, str, str]) -> str:
    fid, key, _t = col
    for row in get_format(fid).table("T2").rows:
        for c in row.columns:
            if c.key == key:
                return c.short_label
    return key


# ------------------------------------------------------------------------------------ T3

def _t3_column_label(key: str) -> str:
    """A T3 column as the table heads it (for messages)."""
    labels = {c.key: c.label for c in get_format("2021").table("T3").rows[0].columns}
    return labels.get(key) or {T3_COLLAPSED: "法人或其他组织", "subtotal": "小计"}.get(key, key)


T3_COLUMNS = [
    ("natural_person", ("自然人",)),
    ("commercial", ("商业企业",)),
    ("research", ("科研机构",)),
    ("public_interest", ("社会公益组织", "公益组织")),
    ("legal_service", ("法律服务机构",)),
    ("other_org", ("其他",)),
    ("total", ("总计", "合计")),
]
T3_GROUP = "法人或其他组织"
T3_SUBTOTAL = ("小计",)

T3_ROWS = [  # (key, keywords, group it must be under or None)
    ("new_received", ("本年新收",), None),
    ("carried_in", ("上年结转",), None),
    ("carried_out", ("结转下年",), None),
    ("partial", ("部分公开",), None),
    ("deny_state_secret", ("国家秘密",), None),
    ("deny_law_prohibited", ("法律行政法规禁止", "禁止公开"), None),
    ("deny_security_stability", ("三安全一稳定",), None),
    ("deny_third_party", ("第三方合法权益", "第三方"), None),
    ("deny_internal_affairs", ("内部事务",), None),
    ("deny_process_info", ("过程性信息",), None),
    ("deny_enforcement_file", ("行政执法案卷",), None),
    ("deny_admin_query", ("行政查询",), None),
    ("unable_not_held", ("不掌握",), None),
    ("unable_needs_creation", ("另行制作",), None),
    ("unable_still_unclear", ("仍不明确",), None),
    ("noproc_petition", ("信访",), None),
    ("noproc_repeat", ("重复申请",), None),
    ("noproc_publication", ("公开出版物",), None),
    ("noproc_excessive", ("大量反复",), None),
    ("noproc_confirm", ("确认或重新出具", "重新出具"), None),
    ("other_no_correction", ("不补正",), None),
    ("other_fee_unpaid", ("缴纳费用", "不缴费", "收费通知"), None),
    ("result_total", ("(七)总计", "七)总计"), None),
    ("other_other", ("其他",), "six"),
    ("granted", ("予以公开",), None),
]
T3_GROUPS = [  # group labels in the row stub
    ("three", ("本年度办理结果", "三、本年度")),
    ("deny", ("(三)不予公开",)),
    ("unable", ("(四)无法提供",)),
    ("noproc", ("(五)不予处理",)),
    ("six", ("(六)其他处理",)),
]
SUBTOTAL_OF = {
    "deny": "deny_", "unable": "unable_", "noproc": "noproc_", "six": "other_",
}


def _t3_group(label: str) -> str | None:
    n = norm(label)
    for key, words in T3_GROUPS:
        if any(n.startswith(w) or n == w for w in words):
            return key
    return None


def _t3_row(label: str, group: str | None) -> str | None:
    n = norm(label)
    n_plain = re.sub(r"^(\(\S\)|\d+\.|[一二三四五六七八九十]+、)", "", n)
    for key, words, need_group in T3_ROWS:
        if need_group and group != need_group:
            continue
        if key == "granted" and "不予" in n:
            continue
        if key == "other_other" and n_plain not in ("其他",):
            continue
        if any(w in n for w in words):
            return key
    if n_plain == "总计" and group in ("three", "deny", "unable", "noproc", "six"):
        return "result_total"
    return None


def _t3_column(label: str) -> str | None:
    n = norm(label)
    if not n:
        return None
    if any(w in n for w in T3_SUBTOTAL):
        return "subtotal"
    if T3_GROUP in n:
        return "group"
    for key, words in T3_COLUMNS:
        if any(n == w or (len(w) > 2 and w in n) for w in words):
            return key
    return None


def _is_label(text: str, group: str | None) -> bool:
    """A stub cell naming a row or group. Text that is neither a number nor a known label (e.g.
    "见附件") is not a label: it is read as a value, which then fails with a clear message."""
    if not text.strip() or is_number_text(text):
        return False
    return _t3_row(text, group) is not None or _t3_group(text) is not None or text.strip().endswith(("小计", "合计"))


def _t3_header_geometry(grid: TableGrid, first_data_row: int) -> dict[int, str]:
    """column index -> column key, from the lowest header cell covering each column."""
    ex = grid.expanded()
    out: dict[int, str] = {}
    for col in range(len(ex[0]) if ex else 0):
        for r in range(first_data_row - 1, -1, -1):
            cell = ex[r][col]
            key = _t3_column(cell.text) if cell else None
            if key and key != "group":
                out[col] = key
                break
            if key == "group":
                out[col] = "collapsed"
                break
    return out


def _t3_header_text(rows: list[list[GCell]]) -> list[str]:
    """Column keys in order, from header rows of the text export (no geometry)."""
    top: list[str] = []
    subs: list[str] = []
    for row in rows:
        keys = [_t3_column(c.text) for c in row]
        keys = [k for k in keys if k]
        if not top and ("natural_person" in keys or "group" in keys or "total" in keys):
            top = keys
        elif top and any(k in ("commercial", "research", "public_interest", "legal_service", "other_org", "subtotal") for k in keys):
            subs = keys
    if "group" in top:
        i = top.index("group")
        top = top[:i] + (subs or ["collapsed"]) + top[i + 1 :]
    return top


def recognize_t3(grid: TableGrid, rec: Recognized) -> None:
    rec.at = ""
    rows = grid.rows()
    first = next(
        (i for i, row in enumerate(rows) if any(_t3_row(c.text, None) == "new_received" for c in row)), None
    )
    if first is None:
        raise ImportError_("表三找不到“一、本年新收政府信息公开申请数量”行")
    if grid.geometry:
        colmap = _t3_header_geometry(grid, rows[first][0].row)
        order = [colmap[c] for c in sorted(colmap)]
    else:
        order = _t3_header_text(rows[:first])
        colmap = {}
    if "collapsed" in order:
        # spec §9.2: 法人或其他组织 printed as one column. Its figures are kept as that column; the five
        # official columns are not applicable ("/"), never divided up
        order = [T3_COLLAPSED if k == "collapsed" else k for k in order]
        colmap = {c: (T3_COLLAPSED if k == "collapsed" else k) for c, k in colmap.items()}
        rec.notes.append(Note("表三", "原表“法人或其他组织”没有分成五列：其数字写在 legal_or_other_org 中，五列写 /（不适用），不拆分"))
    missing_cols = [k for k, _w in T3_COLUMNS if k not in order and not (T3_COLLAPSED in order and k in T3_PARTS)]
    if missing_cols == ["total"]:
        # spec §9.2: a table without its 总计 column. Its cells stay blank: a total is never worked
        # out from the other columns (the checks then say they cannot fully verify the rows)
        rec.notes.append(Note("表三", "原表没有“总计”列：数据文件中总计列留空（~），不由各列相加推算"))
        missing_cols = []
    if missing_cols:
        raise ImportError_(f"表三的列标题中找不到：{'、'.join(map(_t3_column_label, missing_cols))}"
                           f"（识别到的列：{'、'.join(map(_t3_column_label, order)) or '无'}）")
    if order != [k for k, _w in T3_COLUMNS if k in order] + (["subtotal"] if "subtotal" in order else []):
        rec.notes.append(Note("表三", "列的顺序与官方格式不同，已按列标题对应"))
    ncols = len(order)
    group: str | None = None
    data: dict[str, dict[str, Cell]] = {}
    subtotals: list[tuple[str, str, dict[str, Cell]]] = []
    six_single: dict[str, Cell] | None = None
    for row in rows[first:]:
        rec.reading(grid, row)
        if grid.geometry:
            value_cells = [c for c in row if c.col in colmap]
            label_cells = [c for c in row if c.col not in colmap]
            labels = [c.text for c in label_cells if c.text.strip()]
            values = [c.text for c in value_cells]
            positions = [colmap[c.col] for c in value_cells]
        else:
            texts = [c.text for c in row]
            nlabels = len(texts) - ncols
            if nlabels >= 1 and _is_label(texts[nlabels - 1], group) and not _is_label(texts[nlabels], group):
                split = nlabels  # the last ncols cells are the values
            else:
                # a row one or more cells short (glued cells): labels are the leading non-numeric cells
                split = 0
                while split < len(texts) and (not texts[split].strip() or not is_number_text(texts[split])):
                    split += 1
                while split > 0 and not texts[split - 1].strip():
                    split -= 1  # trailing empty cells before the numbers are blank values
            labels = [t for t in texts[:split] if t.strip()]
            values = texts[split:]
            positions = list(order)
        if not labels and not any(v.strip() for v in values):
            continue
        if not labels:
            raise ImportError_(f"表三有一行没有行标题：{'、'.join(v for v in values if v.strip())}")
        # group cells in the stub, then the row's own label
        for lab in labels[:-1]:
            g = _t3_group(lab)
            if g:
                group = g if g != "three" or group is None or group == "three" else group
        label = labels[-1]
        at_label = next((c.where for c in row if c.where and c.text == label), "")
        if at_label:  # a text file: the line of the row's own label (not of a group label before it)
            rec.at = at_label
        g = _t3_group(label)
        if g is None and re.sub(r"\s", "", label).endswith(("小计", "合计")) and group in SUBTOTAL_OF:
            g = group  # a 小计 row inside a group: checked like a group row with numbers
        where = f"表三“{_shown(label)}”行"
        if len(values) != ncols:
            if label and not grid.geometry:
                lab2, glued = split_label_value(label)
                if glued and len(values) + len(glued) == ncols:
                    rec.notes.append(Note(where, f"行标题与数字粘连，拆分为“{lab2}”和 {' '.join(glued)}"))
                    label, values = lab2, glued + values
            values = split_glued(values, ncols, where, rec.notes)
            if len(values) != ncols:
                if g and not any(v.strip() for v in values):
                    group = g
                    continue
                raise ImportError_(f"{where}有 {len(values)} 个数值，应有 {ncols} 个（与列标题对应）")
            if grid.geometry:
                positions = list(order)
        if g and g != "three":
            group = g
            if any(v.strip() for v in values):
                cells = {k: read_value(v, f"{where}“{k}”列", [], "count") for k, v in zip(positions, values)}
                if g == "six":
                    six_single = cells
                else:
                    subtotals.append((g, label, cells))
            continue
        if g == "three":
            group = "three"
            continue
        key = _t3_row(label, group)
        if key is None:
            raise ImportError_(f"表三无法识别的行“{label.strip()}”")
        if key == "carried_out":
            group = None
        cells = {}
        for k, v in zip(positions, values):
            if k == "subtotal":
                continue
            cells[k] = read_value(v, f"{where}“{_col_label(k)}”列", rec.notes, "count")
        sub = [v for k, v in zip(positions, values) if k == "subtotal"]
        if sub:
            _check_subtotal_column(where, sub[0], cells, rec)
        if T3_COLLAPSED in cells:
            cells.update({k: Cell(CellKind.NA, raw="/") for k in T3_PARTS})
        if key in data:
            raise ImportError_(f"表三“{label.strip()}”行出现了两次")
        data[key] = cells
    rec.at = ""
    # format from structure: 3 sub-rows under （六） means 2021, a single （六） row 2019
    has_sub = any(k in data for k in ("other_no_correction", "other_fee_unpaid", "other_other"))
    if six_single is not None and not has_sub:
        rec.t3_format = "2019"
        rec.evidence.append("表三（六）其他处理为单行")
        data["other_processing"] = six_single
    elif has_sub:
        rec.t3_format = "2021"
        rec.evidence.append("表三（六）其他处理有 3 个子项")
        if six_single is not None:
            subtotals.append(("six", "（六）其他处理", six_single))
    else:
        raise ImportError_("表三找不到“（六）其他处理”行，无法判断格式")
    for g, label, cells in subtotals:
        prefix = SUBTOTAL_OF[g]
        parts = {k: v for k, v in data.items() if k.startswith(prefix)}
        for col in cells:
            got = sum(p[col].as_operand() for p in parts.values() if col in p)
            want = cells[col]
            if want.is_number and want.value != got:
                rec.notes.append(Note(f"表三“{label}”小计行“{_col_label(col)}”列", f"小计为 {want.value}，各子项之和为 {got}，不一致（小计行不导入）"))
        rec.notes.append(Note(f"表三“{label}”行", "官方格式中此行没有数字：作为小计核对后不导入"))
    rec.tables["T3"] = data


def _check_subtotal_column(where: str, text: str, cells: dict[str, Cell], rec: Recognized) -> None:
    sub = parse_cell(text)
    parts = sum(cells[k].as_operand() for k in ("commercial", "research", "public_interest", "legal_service", "other_org") if k in cells)
    if sub.kind is CellKind.NUMBER and sub.value != parts:
        rec.notes.append(Note(f"{where}“小计”列", f"小计为 {sub.value}，五类法人或其他组织之和为 {parts}，不一致（小计列不导入）"))
    else:
        rec.notes.append(Note(f"{where}“小计”列", "官方格式中没有此列：核对后不导入"))


def _shown(label: str) -> str:
    """A source's label in a message: the spaces a layout put between Chinese characters removed
    ("只计这一情\u00a0形" → "只计这一情形")."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", label.strip())


def _col_label(key: str) -> str:
    for c in get_format("2021").table("T3").columns:
        if c.key == key:
            return c.label
    return key


def finish_t3(rec: Recognized, fid: str) -> dict[str, dict[str, Cell]]:
    """T3 rows in the report's format; a hybrid's single （六） row is kept in 3.其他 and said so."""
    data = dict(rec.tables["T3"])
    tdef = get_format(fid).table("T3")
    if fid == "2021" and "other_processing" in data:
        single = data.pop("other_processing")
        data["other_other"] = single
        data["other_no_correction"] = {c: Cell(CellKind.BLANK) for c in single}
        data["other_fee_unpaid"] = {c: Cell(CellKind.BLANK) for c in single}
        rec.notes.append(Note("表三（六）其他处理", "原表为 2019 年格式的单行：数字记入“3.其他”，1、2 两项保存为空白（~）"))
    if fid == "2019" and "other_processing" not in data:
        from ..datafile import cell_text

        keys = [k for k in ("other_no_correction", "other_fee_unpaid", "other_other") if k in data]
        subs = [data.pop(k) for k in keys]
        merged: dict[str, Cell] = {}
        mixed: list[str] = []
        for c in subs[0]:
            cells = [s[c] for s in subs]
            numbers = [x.value for x in cells if x.kind is CellKind.NUMBER]
            if numbers:
                merged[c] = Cell(CellKind.NUMBER, sum(numbers))
                if len(numbers) < len(cells):
                    mixed.append(_col_label(c))
            elif all(x.kind is CellKind.BLANK for x in cells):
                merged[c] = Cell(CellKind.BLANK)  # blank stays blank: not a sum of 0
            else:
                merged[c] = next(x for x in cells if x.kind is CellKind.NA)
        data["other_processing"] = merged
        tdef21 = get_format("2021").table("T3")
        rec.source_text["other_processing"] = "表三（六）其他处理由原表（2021 年格式）的子项合计：" + "；".join(
            f"{tdef21.row(k).label} [{', '.join(cell_text(s[c]) for c in s)}]" for k, s in zip(keys, subs))
        rec.notes.append(Note("表三（六）其他处理", "原表为 2021 年格式的 3 个子项：按 2019 年格式合计为一行（子项数字见数据文件开头的注释）"
                              + (f"；{'、'.join(mixed)}列的子项中有空白或不适用，按 0 计入合计" if mixed else "")))
    # a row the source does not have is left out (the data file writes it as a comment: missing, not blank)
    return {row.key: {c.key: data[row.key].get(c.key, Cell(CellKind.BLANK)) for c in row.columns}
            | ({T3_COLLAPSED: data[row.key][T3_COLLAPSED]} if T3_COLLAPSED in data[row.key] else {})
            for row in tdef.rows if row.key in data}


# ------------------------------------------------------------------------------------ T4

T4_GROUPS = [("review", ("行政复议",)), ("suit_direct", ("未经复议直接起诉", "直接起诉")), ("suit_after_review", ("复议后起诉",))]
T4_COLS = [("upheld", ("结果维持", "维持")), ("corrected", ("结果纠正", "纠正", "纠错")), ("other", ("其他结果", "其他")), ("pending", ("尚未审结",)), ("total", ("总计", "合计"))]


def _t4_group(text: str) -> str | None:
    n = norm(text)
    for key, words in T4_GROUPS:
        if any(n == w or n.startswith(w) for w in words):
            return key
    return None


def _t4_col(text: str) -> str | None:
    n = norm(text)
    for key, words in T4_COLS:
        if any(n == w for w in words):
            return key
    return None


def recognize_t4(grid: TableGrid, rec: Recognized) -> None:
    rec.at = ""
    rows = grid.rows()
    data_rows = [r for r in rows if r and all(is_number_text(c.text) for c in r) and any(c.text.strip() for c in r)]
    if not data_rows:
        # the row of figures with something else in a cell ("见附件"): say what, and where
        def numbers(r):
            return sum(1 for c in r if c.text.strip() and is_number_text(c.text))
        near = max(rows, key=numbers, default=None)
        if near is not None and numbers(near) >= 8:
            rec.reading(grid, near)
            bad = "、".join(f"“{c.text.strip()}”" for c in near if c.text.strip() and not is_number_text(c.text))
            raise ImportError_(f"表四数字行中的 {bad} 不是数字，无法导入（请改为数字、空白或“/”后重试）")
        raise ImportError_("表四找不到数字行")
    data_row = data_rows[0]
    header_rows = rows[: rows.index(data_row)]
    order: list[tuple[str, str]] = []
    if grid.geometry:
        ex = grid.expanded()
        top = data_row[0].row
        for col in range(len(ex[0])):
            g = c = None
            for r in range(top - 1, -1, -1):
                cell = ex[r][col]
                if cell is None:
                    continue
                c = c or _t4_col(cell.text)
                gg = _t4_group(cell.text)
                if gg and g is None:
                    g = gg
            if g and c:
                order.append((g, c))
    else:
        groups = [g for row in header_rows for c in row if (g := _t4_group(c.text))]
        leaves = [k for row in header_rows for c in row if (k := _t4_col(c.text))]
        if len(groups) == 3 and len(leaves) == 15:
            # Word's text export: the five 行政复议 labels, then ten litigation labels, in group order
            order = [(groups[i // 5], leaves[i]) for i in range(15)]
    if len(order) != 15 or len(set(order)) != 15:
        raise ImportError_(f"表四的列标题无法与 15 个官方列对应（识别到 {len(order)} 列）")
    if [c for _g, c in order[:5]] != [k for k, _w in T4_COLS]:
        rec.notes.append(Note("表四", "列的顺序与官方格式不同，已按列标题对应"))
    rec.reading(grid, data_row)
    values = [c.text for c in data_row]
    values = split_glued(values, 15, "表四数字行", rec.notes)
    extra = None
    if len(values) == 16:
        extra = values.pop()  # a 行政诉讼 grand total some reports add
    if len(values) != 15:
        raise ImportError_(f"表四数字行有 {len(values)} 个数值，应有 15 个")
    data: dict[str, dict[str, Cell]] = {g: {} for g, _w in T4_GROUPS}
    glabel = {"review": "行政复议", "suit_direct": "行政诉讼（未经复议直接起诉）", "suit_after_review": "行政诉讼（复议后起诉）"}
    clabel = {k: w[0] for k, w in T4_COLS}
    for (g, c), v in zip(order, values):
        data[g][c] = read_value(v, f"表四“{glabel[g]}”“{clabel[c]}”", rec.notes, "count")
    if extra is not None:
        data["litigation_total"] = {"total": read_value(extra, "表四“行政诉讼合计”", rec.notes, "count")}
        rec.notes.append(Note("表四", "原表多一列行政诉讼合计（非官方格式）：保存为 litigation_total 并核对（T4-5）"))
    rec.tables["T4"] = data


# ------------------------------------------------------------------------------------ all tables


def recognize(tables: list[TableGrid]) -> Recognized:
    rec = Recognized()
    try:
        return _recognize(tables, rec)
    except ImportError_ as e:
        if rec.at:  # a refusal while reading a row says where the row is in the source
            raise ImportError_(f"{e}（原文{rec.at}）") from None
        raise


def _recognize(tables: list[TableGrid], rec: Recognized) -> Recognized:
    kinds: dict[str, list[TableGrid]] = {}
    for t in tables:
        k = classify(t)
        if k is None:
            rec.notes.append(Note(t.source, "不是统计表，未导入"))
            continue
        kinds.setdefault(k, []).append(t)
    if "T2" in kinds:
        recognize_t2(kinds["T2"], rec)
    if "T3" in kinds:
        if len(kinds["T3"]) > 1:
            rec.notes.append(Note("表三", f"有 {len(kinds['T3'])} 张表三，只导入第一张"))
        recognize_t3(kinds["T3"][0], rec)
    if "T4" in kinds:
        recognize_t4(kinds["T4"][0], rec)
    rec.at = ""
    if not rec.tables:
        raise ImportError_("没有识别出任何统计表（二、三、四部分）")
    return rec


def to_tables(rec: Recognized, fid: str) -> dict[str, Table]:
    out = {}
    if "T2" in rec.tables and rec.t2_format == fid:
        out["T2"] = Table("T2", rec.tables["T2"])
    elif "T2" in rec.tables:
        rec.notes.append(Note("表二", f"表二为 {rec.t2_format} 年格式，与报告格式 {fid} 不同：未导入，请人工处理"))
    if "T3" in rec.tables:
        out["T3"] = Table("T3", finish_t3(rec, fid))
    if "T4" in rec.tables:
        out["T4"] = Table("T4", rec.tables["T4"])
    return out


__all__ = ["recognize", "to_tables", "Recognized", "Note", "ImportError_"]

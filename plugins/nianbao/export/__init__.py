"""Open data: every report and the whole portal as JSON, CSV and XLSX, with JSON Schemas.

Everything here is deterministic (same input, same bytes) and exact (decimals are written from
their Decimal text, never through binary floating point). CSV files are UTF-8 with a BOM so Excel
on a Chinese Windows machine opens them with the Chinese headers intact; pandas and R read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..canonical import dumps, legacy_value, report_to_canonical
from ..formats import FORMAT_IDS, LEGACY_ID, LEGACY_METRICS, T3_COLLAPSED, T3_COLLAPSED_LABEL, TableDef, get_format
from ..model import CellKind, Report, Site, Table
from .schemas import canonical_schema, datafile_schema

BOM = "\ufeff"
TABLE_IDS = ("T2", "T3", "T4")
LONG_COLUMNS = [
    "unit_id", "unit_name", "parent_id", "parent_name", "year", "format", "table", "row_key", "row_label",
    "column_key", "column_label", "value", "unit_of_measure", "cell_kind",
]
# the workbook's long-format sheet: one row per cell. Beyond this (about 450 reports) it would be slow
# to write and, past ~5,000 reports, over Excel's 1,048,576-row limit: the sheet then points to the CSV
LONG_SHEET_MAX_ROWS = 100_000
LONG_HEADER_ZH = ["单位标识", "单位名称", "上级标识", "上级名称", "年度", "格式", "表", "行键", "行名", "列键", "列名", "值", "计量单位", "单元格类型"]


@dataclass(frozen=True)
class ExportFile:
    path: str  # relative to the export root, '/'-separated
    data: bytes
    description: str


def report_base(report: Report) -> str:
    return f"reports/{report.unit}/{report.year}"


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _csv(rows: list[list], header: list[str] | None = None) -> bytes:
    """CSV bytes; the csv module writes str and int as they are and None as empty, so only Decimals
    need converting (to their exact text)."""
    return (BOM + _csv_text(([header] if header else []) + list(rows))).encode("utf-8")


def _csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([_text(v) if isinstance(v, Decimal) else v for v in r] for r in rows)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ per report


def table_csv(tdef: TableDef, t: Table | None) -> bytes:
    """One table (a report's or a roll-up's) in its official layout, as printed (merged labels
    repeated on every row); None: the report has no such table, every cell empty."""
    cell = lambda row, col: (t.rows.get(row, {}).get(col) if t else None)  # noqa: E731

    def shown(c) -> str:
        if c is None or c.kind is CellKind.BLANK:
            return ""
        if c.kind is CellKind.NA:
            return c.raw or "/"
        return c.raw.strip() if c.raw else _text(c.value)

    rows: list[list] = []
    if tdef.layout == "blocks":
        width = 1 + max(len(b.columns) for b in tdef.blocks)
        for b in tdef.blocks:
            rows.append([b.caption] + [""] * (width - 1))
            rows.append([tdef.stub_label] + [c.label for c in b.columns] + [""] * (width - 1 - len(b.columns)))
            for rk in b.row_keys:
                rows.append([tdef.row(rk).label] + [shown(cell(rk, c.key)) for c in b.columns] + [""] * (width - 1 - len(b.columns)))
    elif tdef.layout == "matrix":
        cols = tdef.columns
        rows.append([tdef.corner_note, "", ""] + [tdef.column_header] + [""] * (len(cols) - 1))
        rows.append(["", "", ""] + [c.group or c.label for c in cols])
        rows.append(["", "", ""] + [c.label if c.group else "" for c in cols])
        for r in tdef.rows:
            stub = list(r.path) + [r.label]
            stub += [""] * (3 - len(stub))
            rows.append(stub + [shown(cell(r.key, c.key)) for c in cols])
    else:  # wide (T4)
        top, mid, low, vals = [], [], [], []
        for r in tdef.rows:
            for c in tdef.columns:
                top.append(r.path[0] if r.path else r.label)
                mid.append(r.label if r.path else c.label)
                low.append(c.label if r.path else "")
                vals.append(shown(cell(r.key, c.key)))
        rows = [top, mid, low, vals]
    return _csv(rows)


def report_files(site: Site, report: Report, canonical_text: str | None = None) -> list[ExportFile]:
    """The report's JSON and its tables as CSV. ``canonical_text``: its canonical JSON, if made already."""
    base = report_base(report)
    text = canonical_text if canonical_text is not None else dumps(report_to_canonical(report))
    out = [ExportFile(f"{base}.json", (text + "\n").encode("utf-8"), "规范 JSON")]
    for i, t in enumerate(report.legacy_tables, start=1):  # 2018 and before: the tables as printed
        rows = [list(t.columns)] + [[_text(legacy_value(c)) for c in row] for row in t.rows]
        out.append(ExportFile(f"{base}-L{i}.csv", _csv(rows), f"{t.title or f'原表 {i}'}（CSV，照原表）"))
    for tid in TABLE_IDS if report.format.tables else ():
        tdef = report.format.table(tid)
        out.append(ExportFile(f"{base}-{tid}.csv", table_csv(tdef, report.table(tid)), f"{tdef.title}（CSV，官方表格版式）"))
    return out


# ------------------------------------------------------------------------------------ long format


def long_rows(site: Site) -> list[list]:
    """One row per cell of every report (and its metadata), in a stable order."""
    return [row for key in sorted(site.reports) for row in report_long_rows(site, site.reports[key])]


def report_long_rows(site: Site, r: Report) -> list[list]:
    """The long-format rows of one report."""
    rows: list[list] = []
    unit = site.units.get(r.unit)
    parent = site.units.get(unit.parent) if unit and unit.parent else None
    head = [r.unit, unit.name if unit else "", parent.id if parent else "", parent.name if parent else "", r.year, r.format.id]
    for mkey, value in _meta_items(r):
        rows.append(head + ["meta", mkey, _META_LABELS.get(mkey, mkey), "", "", value, "", "blank" if value is None else "text"])
    for i, t in enumerate(r.legacy_tables, start=1):
        rows += _legacy_long_rows(head, f"L{i}", t)
    for key, label, unit_of in LEGACY_METRICS:
        c = r.legacy_metrics.get(key)
        if c is not None:
            value, kind = _long_cell(c)
            rows.append(head + ["metrics", key, label, "", "", value, unit_of, kind])
    for tid in TABLE_IDS if r.format.tables else ():
        tdef = r.format.table(tid)
        t = r.table(tid)
        if t is None:
            continue
        for row in tdef.rows + tdef.extras:
            if row.key not in t.rows:
                continue
            for col in row.columns:
                c = t.rows[row.key][col.key]
                value, kind = _long_cell(c)
                unit_of = c.unit_raw or col.unit or ""
                rows.append(head + [tid, row.key, row.label, col.key, col.label, value, unit_of, kind])
            c = t.rows[row.key].get(T3_COLLAPSED)
            if c is not None:  # the source's undivided 法人或其他组织 column (spec §9.2)
                value, kind = _long_cell(c)
                rows.append(head + [tid, row.key, row.label, T3_COLLAPSED, T3_COLLAPSED_LABEL, value, "件", kind])
    return rows


def _long_cell(c) -> tuple:
    """A cell's value and kind in the long CSV: number, na (its mark as written) or blank."""
    if c.kind is CellKind.NUMBER:
        return c.value, "number"
    if c.kind is CellKind.NA:
        return c.raw or "/", "na"
    return None, "blank"


def _long_value(kind: str, raw: str):
    """A long-CSV value read back: a number (exact), None for a blank, else the text as written."""
    if kind == "number":
        return Decimal(raw) if "." in raw else int(raw)
    return None if kind == "blank" else raw


def _legacy_long_rows(head: list, table: str, t) -> list[list]:
    """A table as printed, one row per cell: its title (row ``title``), its column headers (row
    ``header``), then each row ``r1``, ``r2`` … with its first cell as the row label; cells are
    ``c0`` (the label itself), ``c1`` … Kinds: number, blank, na, text."""
    out = [head + [table, "title", "标题", "", "", t.title, "", "blank" if t.title is None else "text"]]
    out += [head + [table, "header", "表头", f"c{j}", c, c, "", "text"] for j, c in enumerate(t.columns)]
    for n, row in enumerate(t.rows, start=1):
        label = row[0]
        for j, c in enumerate(row):
            v = legacy_value(c)
            # text, or a number written with its unit ("251000元"), kept as its text
            kind = "text" if isinstance(c, str) or (c.kind is CellKind.NUMBER and isinstance(v, str)) else _long_cell(c)[1]
            column = t.columns[j] if j < len(t.columns) else ""
            out.append(head + [table, f"r{n}", label, f"c{j}", column, v, "", kind])
    return out


_META_LABELS = {"title": "标题", "publisher": "发布机构", "index_no": "索引号", "doc_no": "文号", "written_date": "成文日期",
                "published_date": "发布日期", "period.start": "统计期限起", "period.end": "统计期限止", "scope": "范围",
                "category": "分类", "validity": "有效性"}


def _meta_items(r: Report):
    m = r.meta.as_dict()
    for k in ("title", "publisher", "index_no", "doc_no", "written_date", "published_date"):
        yield k, m[k]
    yield "period.start", m["period"]["start"]
    yield "period.end", m["period"]["end"]
    yield "scope", m["scope"]
    yield "category", m["category"]
    yield "validity", m["validity"]


def long_csv(site: Site, long: list[list] | None = None) -> bytes:
    if long is not None:
        return _csv(long, header=LONG_COLUMNS)
    buf = io.BytesIO()
    write_long_csv(site, buf)
    return buf.getvalue()


def write_long_csv(site: Site, fh) -> int:
    """The long CSV written to a binary file a report at a time (a province's is ~300 MB); returns
    the number of data rows."""
    writer = _CellsCsv(fh)
    for key in sorted(site.reports):
        writer.add(report_long_rows(site, site.reports[key]))
    return writer.rows


class _CellsCsv:
    """nianbao-cells.csv written a report at a time: the header, then each report's long rows."""

    def __init__(self, fh):
        self.fh, self.rows = fh, 0
        fh.write((BOM + _csv_text([LONG_COLUMNS])).encode("utf-8"))

    def add(self, rows: list[list]) -> None:
        self.fh.write(_csv_text(rows).encode("utf-8"))
        self.rows += len(rows)


def write_all_json(site: Site, fh) -> None:
    """``dumps(every canonical report) + "\\n"`` written a report at a time (the same bytes)."""
    writer = _AllJson(fh, len(site.reports))
    for key in sorted(site.reports):
        writer.add(dumps(report_to_canonical(site.reports[key])))
    writer.close()


class _AllJson:
    """nianbao-all.json written a report at a time: a JSON array of the canonical reports, indented
    as ``dumps`` indents the whole list."""

    def __init__(self, fh, count: int):
        self.fh, self.left, self.empty = fh, count, count == 0
        fh.write(b"[]\n" if self.empty else b"[\n")

    def add(self, text: str) -> None:
        self.left -= 1
        self.fh.write(("  " + text.replace("\n", "\n  ") + (",\n" if self.left else "\n")).encode("utf-8"))

    def close(self) -> None:
        if not self.empty:
            self.fh.write(b"]\n")


def canonical_from_long(csv_bytes: bytes) -> list[dict]:
    """Rebuild the canonical JSON of every report from the long CSV (the round trip the tests check)."""
    text = csv_bytes.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    reports: dict[tuple[str, int], dict] = {}
    json_keys = {fid: {tid: get_format(fid).table(tid).json_key for tid in TABLE_IDS} for fid in FORMAT_IDS}
    for row in reader:
        key = (row["unit_id"], int(row["year"]))
        rep = reports.setdefault(key, {"unit": key[0], "year": key[1], "format": row["format"], "meta": {"period": {}},
                                       **({"tables": []} if row["format"] == LEGACY_ID else {v: None for v in json_keys[row["format"]].values()})})
        kind, raw = row["cell_kind"], row["value"]
        if row["table"] == "meta":
            value = None if kind == "blank" else raw
            if row["row_key"].startswith("period."):
                rep["meta"]["period"][row["row_key"].split(".")[1]] = value
            else:
                rep["meta"][row["row_key"]] = value
            continue
        if row["table"] == "metrics":
            rep.setdefault("metrics", {})[row["row_key"]] = _long_value(kind, raw)
            continue
        if row["format"] == LEGACY_ID:
            _legacy_from_long(rep, row)
            continue
        if row["column_key"] == T3_COLLAPSED:
            rep.setdefault(T3_COLLAPSED, {})[row["row_key"]] = _long_value(kind, raw)
            continue
        jk = json_keys[row["format"]][row["table"]]
        tdef = get_format(row["format"]).table(row["table"])
        rdef = next((r for r in tdef.rows + tdef.extras if r.key == row["row_key"]), None)
        if rdef is None:
            raise ValueError(f"unknown row {row['row_key']} in {row['table']}")
        value = _long_value(kind, raw)
        if kind == "number" and row["unit_of_measure"] and row["unit_of_measure"] != (rdef.column(row["column_key"]).unit or ""):
            rep.setdefault("cell_units", {}).setdefault(jk, {})[f"{row['row_key']}.{row['column_key']}"] = row["unit_of_measure"]
        if rdef in tdef.extras:
            rep.setdefault("extras", {}).setdefault(jk, {})[row["row_key"]] = value
            continue
        if rep[jk] is None:
            rep[jk] = {}
        rep[jk].setdefault(row["row_key"], {})[row["column_key"]] = value
    out = []
    for key in sorted(reports):
        r = reports[key]
        for t in r.get("tables", ()):
            t["rows"] = [row for _n, row in sorted(t["rows"].items())]
        meta = r.pop("meta")
        ordered = {"unit": r.pop("unit"), "year": r.pop("year"), "format": r.pop("format"),
                   "meta": {k: meta.get(k) for k in ("title", "publisher", "index_no", "doc_no", "written_date", "published_date")}
                   | {"period": {"start": meta["period"].get("start"), "end": meta["period"].get("end")}, "scope": meta.get("scope"),
                      "category": meta.get("category"), "validity": meta.get("validity")}}
        units = r.pop("cell_units", None)
        extras = r.pop("extras", None)
        collapsed = r.pop(T3_COLLAPSED, None)
        ordered.update(r)
        if units:
            ordered["cell_units"] = units
        if extras:
            ordered["extras"] = extras
        if collapsed:
            ordered[T3_COLLAPSED] = collapsed
        out.append(ordered)
    return out


def _legacy_from_long(rep: dict, row: dict) -> None:
    """One long row of a table as printed, back into the report's ``tables``."""
    n = int(row["table"][1:])
    while len(rep["tables"]) < n:
        rep["tables"].append({"title": None, "columns": [], "rows": {}})
    t = rep["tables"][n - 1]
    value = _long_value(row["cell_kind"], row["value"])
    if row["row_key"] == "title":
        t["title"] = value
    elif row["row_key"] == "header":
        t["columns"].append(value)
    else:
        t["rows"].setdefault(int(row["row_key"][1:]), []).append(value)


# ------------------------------------------------------------------------------------ workbook


def workbook(site: Site, long: list[list] | None = None, long_count: int | None = None) -> bytes:
    """A sheet per table (a row per report, a column per cell, Chinese headers) and the long format
    (``long_count``, when given, is its number of rows: above the limit the rows are not needed)."""
    import tempfile

    import xlsxwriter

    if long is None and (long_count is None or long_count <= LONG_SHEET_MAX_ROWS):
        long = long_rows(site)
    count = len(long) if long is not None else long_count
    buf = io.BytesIO()
    tmp = tempfile.TemporaryDirectory()
    # constant_memory: rows are streamed to temporary files as they are written (low memory, faster)
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "tmpdir": tmp.name, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "政府信息公开工作年度报告数据", "created": dt.datetime(2000, 1, 1)})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    readme = wb.add_worksheet("说明")
    readme.set_column(0, 0, 100)
    for i, line in enumerate(README_LINES):
        readme.write(i, 0, line, bold if i == 0 else None)
    reports = [site.reports[k] for k in sorted(site.reports)]
    head = ["单位标识", "单位名称", "上级", "年度", "格式"]
    for fid in FORMAT_IDS:
        fmt = get_format(fid)
        mine = [r for r in reports if r.format.id == fid]
        if not mine:
            continue
        for tid in TABLE_IDS:
            tdef = fmt.table(tid)
            name = {"T2": "二、主动公开", "T3": "三、申请情况", "T4": "四、复议诉讼"}[tid] + f"（{fid}）"
            ws = wb.add_worksheet(name)
            cols = [(row, col) for row in tdef.rows for col in row.columns]
            labels = head + [_col_label(tdef, row, col) for row, col in cols]
            ws.write_row(0, 0, labels, bold)
            ws.freeze_panes(1, 2)
            for i, r in enumerate(mine, start=1):
                unit = site.units.get(r.unit)
                parent = site.units.get(unit.parent) if unit and unit.parent else None
                ws.write_row(i, 0, [r.unit, unit.name if unit else "", parent.name if parent else "", r.year, fid])
                t = r.table(tid)
                for j, (row, col) in enumerate(cols, start=len(head)):
                    c = t.rows.get(row.key, {}).get(col.key) if t else None
                    if c is None or c.kind is CellKind.BLANK:
                        continue
                    if c.kind is CellKind.NA:
                        ws.write_string(i, j, c.raw or "/")
                    else:
                        ws.write_number(i, j, float(c.value) if isinstance(c.value, Decimal) else c.value)
    ws = wb.add_worksheet("逐格数据")
    if count > LONG_SHEET_MAX_ROWS:
        ws.write(0, 0, f"逐格数据共 {count} 行，超过工作簿的合适规模（{LONG_SHEET_MAX_ROWS} 行），请使用 nianbao-cells.csv（内容相同）。", bold)
    else:
        ws.write_row(0, 0, LONG_HEADER_ZH, bold)
        for i, row in enumerate(long, start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                    ws.write_number(i, j, float(v) if isinstance(v, Decimal) else v)
                else:
                    ws.write_string(i, j, str(v))
    wb.close()
    tmp.cleanup()
    return buf.getvalue()


def _col_label(tdef: TableDef, row, col) -> str:
    stub = "".join(p.split("、")[-1] + "·" for p in row.path[1:]) + (row.short_label or row.label)
    if tdef.layout == "wide":
        stub = ("行政诉讼·" if row.path else "") + row.label
    return f"{stub}·{col.label}"


README_LINES = [
    "政府信息公开工作年度报告数据",
    "每张表一行一份年报、一列一个单元格；列名为官方表格的行名·列名。空单元格表示原表空白；“/”“—”等为原表的不适用标记，不是 0。",
    "“逐格数据”工作表与 nianbao-cells.csv 相同：每个单元格一行。",
    "2019 年格式（2019、2020 年度）与 2021 年格式的“二、主动公开”统计口径不同，分表存放。",
    "2018 年度及以前的年报没有统一格式（格式 legacy），其统计表照原表只在“逐格数据”中：表 L1、L2…，行 title 为表题、header 为表头、r1、r2…为各行（c0 为行名）。",
    "数据由 nianbao 根据各单位发布的年度报告生成。",
]


# ------------------------------------------------------------------------------------ the whole site


# the portal-wide files, known before they are made (the data page lists them while they are written)
SITE_FILES = (
    ("nianbao-all.json", "全部年报的规范 JSON（数组）"),
    ("nianbao-cells.csv", "逐格长表：每个单元格一行"),
    ("nianbao.xlsx", "Excel 工作簿：每表一个工作表，另附逐格长表（不超过 10 万行时）"),
    ("units.json", "单位名录：标识、名称、全称、类别、上级、联系方式"),
    ("schema/report.schema.json", "规范 JSON 的 JSON Schema"),
    ("schema/datafile.schema.json", "数据文件（data/<单位>/<年度>.yml）的 JSON Schema"),
)


def write_site_exports(root: str, data_dir: str, content_dir: str, out: str) -> dict[str, int]:
    """Load the site and write every export under ``out``: run in a worker process while MkDocs
    renders the pages. Returns the size of each portal-wide file."""
    from ..validate import check_site

    result, _issues = check_site(root, data_dir, content_dir)
    sizes = write_exports(result.site, Path(out))
    return {path: sizes[path] for path, _ in SITE_FILES}


def write_exports(site: Site, out: Path) -> dict[str, int]:
    """Every export written under ``out`` one file at a time, the big ones a report at a time, so a
    province's half gigabyte of open data is never in memory at once. The same bytes as
    :func:`site_files`. Returns the size of every file written."""
    sizes: dict[str, int] = {}

    def put(path: str, data: bytes) -> None:
        p = out / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        sizes[path] = len(data)

    out.mkdir(parents=True, exist_ok=True)
    # one pass over the reports: each one's canonical JSON is made once, for its own file and the whole
    with open(out / "nianbao-all.json", "wb") as all_json, open(out / "nianbao-cells.csv", "wb") as cells:
        everything, long = _AllJson(all_json, len(site.reports)), _CellsCsv(cells)
        for key in sorted(site.reports):
            report = site.reports[key]
            text = dumps(report_to_canonical(report))
            for f in report_files(site, report, text):
                put(f.path, f.data)
            everything.add(text)
            long.add(report_long_rows(site, report))
        everything.close()
    for path in ("nianbao-all.json", "nianbao-cells.csv"):
        sizes[path] = (out / path).stat().st_size
    put("nianbao.xlsx", workbook(site, long_count=long.rows))
    for f in _small_site_files(site):
        put(f.path, f.data)
    return sizes


def site_files(site: Site) -> list[ExportFile]:
    """Every export, in memory (for tests and small sites; the build uses :func:`write_exports`)."""
    files: list[ExportFile] = []
    for key in sorted(site.reports):
        files += report_files(site, site.reports[key])
    long = long_rows(site)
    everything = io.BytesIO()
    write_all_json(site, everything)
    desc = dict(SITE_FILES)
    files += [
        ExportFile("nianbao-all.json", everything.getvalue(), desc["nianbao-all.json"]),
        ExportFile("nianbao-cells.csv", long_csv(site, long), desc["nianbao-cells.csv"]),
        ExportFile("nianbao.xlsx", workbook(site, long), desc["nianbao.xlsx"]),
    ]
    return files + _small_site_files(site)


def _small_site_files(site: Site) -> list[ExportFile]:
    desc = dict(SITE_FILES)
    return [
        ExportFile("units.json", (json.dumps(units_list(site), ensure_ascii=False, indent=2) + "\n").encode("utf-8"), desc["units.json"]),
        ExportFile("schema/report.schema.json", (json.dumps(canonical_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                   desc["schema/report.schema.json"]),
        ExportFile("schema/datafile.schema.json", (json.dumps(datafile_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                   desc["schema/datafile.schema.json"]),
    ]


def units_list(site: Site) -> list[dict]:
    return [
        {"id": u.id, "name": u.name, "full_name": u.full_name, "kind": u.kind, "parent": u.parent,
         "credit_code": u.credit_code, "contact": u.contact.as_dict()}
        for u in site.units.values()
    ]

"""JSON Schemas (draft 2020-12) generated from the format dictionaries: one for the canonical JSON,
one for the data files as a YAML loader reads them. A label or key lives only in formats/*.yml."""

from __future__ import annotations

from ..formats import FORMAT_IDS, LEGACY_ID, LEGACY_METRICS, T3_COLLAPSED, T3_COLLAPSED_LABEL, ColumnDef, RowDef, get_format

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NA = {"type": "string", "minLength": 1, "description": "原表的不适用标记，如 “/”、“—”"}


def _value(col: ColumnDef, blank_is_null: bool = True) -> dict:
    if col.type == "count":
        number = {"type": "integer", "minimum": 0}
    elif col.type == "signed":
        number = {"type": "integer"}
    else:
        number = {"type": "number", "minimum": 0}
    return {"anyOf": [number, {"type": "null", "description": "空白单元格"}, NA], "title": col.label,
            **({"description": f"单位：{col.unit}"} if col.unit else {})}


def _row_object(row: RowDef) -> dict:
    return {
        "type": "object",
        "title": row.label,
        "properties": {c.key: _value(c) for c in row.columns},
        "required": [c.key for c in row.columns],
        "additionalProperties": False,
    }


def _table(fid: str, tid: str) -> dict:
    tdef = get_format(fid).table(tid)
    return {
        "type": "object",
        "title": tdef.title,
        "properties": {r.key: _row_object(r) for r in tdef.rows},
        "additionalProperties": False,
    }


def _legacy_tables(cell: dict) -> dict:
    return {
        "type": "array",
        "title": "统计表（2018 年度及以前，照原表）",
        "items": {
            "type": "object",
            "required": ["columns", "rows"],
            "properties": {
                "title": {"type": ["string", "null"], "description": "表题"},
                "columns": {"type": "array", "items": {"type": ["string", "null"]}, "minItems": 1, "description": "表头各列，从左到右"},
                "rows": {"type": "array", "description": "各行；只有一个单元格的行是分组标题",
                         "items": {"type": "array", "items": cell, "minItems": 1}},
            },
            "additionalProperties": False,
        },
    }


def _metrics(value: dict) -> dict:
    return {"type": "object", "title": "约数：与 2019 年起主要数据大致对应的几项（录入者按原表对应）",
            "properties": {k: {**value, "title": f"{label}（{unit}）"} for k, label, unit in LEGACY_METRICS},
            "additionalProperties": False}


def canonical_schema() -> dict:
    variants = []
    for fid in FORMAT_IDS:
        fmt = get_format(fid)
        keys = [fmt.table(t).json_key for t in ("T2", "T3", "T4")]
        variants.append(
            {
                "properties": {
                    "format": {"const": fid},
                    **{fmt.table(t).json_key: {"anyOf": [_table(fid, t), {"type": "null"}]} for t in ("T2", "T3", "T4")},
                },
                "required": keys,
                "not": {"anyOf": [{"required": ["tables"]}, {"required": ["metrics"]}]},
            }
        )
    cell = {"anyOf": [{"type": "number"}, {"type": "string", "description": "文字、不适用标记或带单位的数字，照原表"},
                      {"type": "null", "description": "空白单元格"}]}
    metric = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null", "description": "空白"}, NA]}
    variants.append({"properties": {"format": {"const": LEGACY_ID}, "tables": _legacy_tables(cell), "metrics": _metrics(metric)},
                     "required": ["tables"],
                     "not": {"anyOf": [{"required": [k]} for k in ("proactive", "applications", "review_litigation")]}})
    date = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
    text = {"type": ["string", "null"]}
    return {
        "$schema": DRAFT,
        "$id": "report.schema.json",
        "title": "政府信息公开工作年度报告：规范 JSON",
        "type": "object",
        "required": ["unit", "year", "format", "meta"],
        "properties": {
            "unit": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
            "year": {"type": "integer", "minimum": 2008},
            "format": {"enum": [*FORMAT_IDS, LEGACY_ID]},
            "meta": {
                "type": "object",
                "properties": {
                    "title": text, "publisher": text, "index_no": text, "doc_no": text,
                    "written_date": date, "published_date": date,
                    "period": {"type": "object", "properties": {"start": date, "end": date}},
                    "scope": {"enum": ["organ", "region_aggregate"]},
                    "category": text, "validity": text,
                },
                "additionalProperties": False,
            },
            "cell_units": {"type": "object"},
            "extras": {"type": "object"},
            T3_COLLAPSED: {"type": "object", "title": f"表三：{T3_COLLAPSED_LABEL}（规格 §9.2），各行的数；五列法人为不适用",
                           "additionalProperties": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}, NA]}},
        },
        "oneOf": variants,
    }


def datafile_schema() -> dict:
    """The data file as a YAML loader without type guessing would hand it over (dates as text)."""
    scalar = {"type": ["integer", "number", "string", "null"]}
    date = {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$"}, {"type": "null"}]}
    variants = []
    for fid in FORMAT_IDS:
        fmt = get_format(fid)
        tables = {}
        for tid in ("T2", "T3", "T4"):
            tdef = fmt.table(tid)
            props = {}
            for r in tdef.rows + tdef.extras:
                n = len(r.columns)
                forms = [
                    {"type": "array", "items": scalar, "minItems": n, "maxItems": n, "description": "、".join(c.label for c in r.columns)},
                    {"type": "object", "properties": {c.key: scalar for c in r.columns}, "required": [c.key for c in r.columns],
                     "additionalProperties": False},
                ]
                if n == 1:
                    forms.append(scalar)
                props[r.key] = {"title": r.label, "anyOf": forms}
            if tid == "T3":
                props[T3_COLLAPSED] = {"title": T3_COLLAPSED_LABEL, "type": "object", "additionalProperties": scalar}
            tables[tid] = {"type": "object", "title": tdef.title, "properties": props,
                           "required": list(tdef.row_keys), "additionalProperties": False}
        variants.append({"properties": {"format": {"const": fid}, **tables}, "not": {"anyOf": [{"required": ["tables"]}, {"required": ["metrics"]}]}})
    variants.append({"properties": {"format": {"const": LEGACY_ID}, "tables": _legacy_tables(scalar), "metrics": _metrics(scalar)},
                     "not": {"anyOf": [{"required": [t]} for t in ("T2", "T3", "T4")]}})
    return {
        "$schema": DRAFT,
        "$id": "datafile.schema.json",
        "title": "nianbao 数据文件 data/<单位>/<年度>.yml",
        "type": "object",
        "required": ["format"],
        "properties": {
            "unit": {"type": "string"},
            "year": {"type": ["integer", "string"]},
            "format": {"enum": [*FORMAT_IDS, LEGACY_ID]},
            "scope": {"enum": ["organ", "region_aggregate"]},
            "meta": {
                "type": "object",
                "properties": {
                    "title": {"type": ["string", "null"]}, "publisher": {"type": ["string", "null"]},
                    "index_no": {"type": ["string", "null"]}, "doc_no": {"type": ["string", "null"]},
                    "written_date": date, "published_date": date,
                    "period": {"type": "array", "items": date, "minItems": 2, "maxItems": 2},
                    "category": {"type": ["string", "null"]}, "validity": {"type": ["string", "null"]},
                },
                "additionalProperties": False,
            },
            "acknowledged": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
            "as_published": {"type": "object", "title": "照原件保留的错误：核验编号 → 理由",
                             "propertyNames": {"pattern": "^T"}, "additionalProperties": {"type": "string", "minLength": 1}},
            "revisions": {"type": "array", "items": {"type": "object", "required": ["date", "note"],
                                                      "properties": {"date": date, "note": {"type": "string"}}}},
            "T2": {"type": "object"}, "T3": {"type": "object"}, "T4": {"type": "object"},
            "tables": {"type": "array"},
            "metrics": {"type": "object"},
        },
        "additionalProperties": False,
        "oneOf": variants,
    }

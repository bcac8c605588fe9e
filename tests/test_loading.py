"""Loading errors are issues with file, line, column and a Chinese message; nothing raises."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.canonical import report_to_canonical
from nianbao.issues import ERROR, INFO, WARNING
from nianbao.model import CellKind
from nianbao.normalize import parse_cell
from nianbao.validate import check_site

from .conftest import found

D24 = "data/demo/2024.yml"


def test_yaml_syntax_error_names_line_and_column(site):
    s = site()
    line = s.edit(D24, "[ 1, 0, 0, 0, 0, 0,  1]  # （二）部分公开", "[ 1, 0, 0, 0, 0, 0,  1  # （二）部分公开")
    [hit] = found(s.check(), "L-YAML", ERROR)
    assert hit.file == D24 and hit.location.line in (line, line + 1) and hit.location.column > 0
    assert "YAML 语法错误" in hit.message


# hand-editing accidents: (what is replaced, by what, a phrase of the Chinese message, line offset)
YAML_ACCIDENTS = [
    ("  admin_license:  12", "  admin_license: 12 件: 3", "不能再有“: ”", 0),
    ("  admin_license:  12", "\tadmin_license:  12", "制表符（Tab）", 0),
    ("  admin_license:  12", "   admin_license:  12", "缩进不对", 0),
    ("[ 1, 0, 0, 0, 0, 0,  1]  # （二）部分公开", "[ 1, 0, , 0, 0, 0,  1]  # （二）部分公开", "空白单元格请写 ~", 0),
    ("[ 1, 0, 0, 0, 0, 0,  1]  # （二）部分公开", "[ 1, 0, 0, 0, 0, 0,  1  # （二）部分公开", "缺少“,”或“]”", 1),
    ("  doc_no: ~", "  doc_no: `2025`", "值不能以“`”开头", 0),
    ("  doc_no: ~", "  doc_no: *x1", "没有定义的锚点", 0),
    ("  doc_no: ~", "  doc_no: &", "后面应为名称", 0),
    ("  doc_no: ~", "  doc_no: \"示例〔2025\\x〕1号\"", "不是有效的转义", 0),
    ("  doc_no: ~", "  doc_no: \"示例〔2025〕1号", "有引号或括号没有闭合", None),
    ("  doc_no: ~", "  doc_no: 示例\x00", "控制字符 U+0000", 0),
]


@pytest.mark.parametrize("old,new,phrase,offset", YAML_ACCIDENTS, ids=[a[2] for a in YAML_ACCIDENTS])
def test_yaml_syntax_errors_are_said_in_chinese_at_their_line(site, old, new, phrase, offset):
    s = site()
    line = s.edit(D24, old, new)
    [hit] = found(s.check(), "L-YAML", ERROR)
    assert phrase in hit.message, hit.message
    assert hit.location.line >= 1 and hit.location.column >= 1
    if offset is not None:
        assert hit.location.line in (line, line + offset), (hit.location, line)


def test_duplicate_key(site):
    s = site()
    line = s.edit(D24, "  carried_out:", "  granted:                 [ 5, 1, 0, 0, 0, 0,  6]\n  carried_out:")
    [hit] = found(s.check(), "L-DUPKEY", ERROR)
    assert hit.location.line == line and "granted" in hit.message and "重复" in hit.message


def test_unknown_key_lists_allowed_keys(site):
    s = site()
    line = s.edit(D24, "  granted:", "  grantd:")
    hits = found(s.check(), "L-UNKNOWN-KEY", ERROR)
    assert hits[0].location.line == line
    assert "grantd" in hits[0].message and "granted" in hits[0].message and "new_received" in hits[0].message
    # and the row is then missing
    assert any("（一）予以公开" in h.message for h in found(s.check(), "L-MISSING", ERROR))


def test_unknown_top_level_and_meta_keys(site):
    s = site()
    s.edit(D24, "meta:\n", "colour: red\nmeta:\n  author: x\n")
    msgs = [h.message for h in found(s.check(), "L-UNKNOWN-KEY")]
    assert any("colour" in m and "meta" in m for m in msgs)
    assert any("author" in m and "published_date" in m for m in msgs)


def test_row_with_wrong_number_of_values(site):
    s = site()
    line = s.set_row(D24, "granted", "[5, 1, 0, 0, 0, 6]")
    [hit] = found(s.check(), "L-ROW-LENGTH", ERROR)
    assert hit.location.line == line and "应有 7 个值" in hit.message and "实有 6 个" in hit.message


@pytest.mark.parametrize("value,check", [("-1", "T3-4"), ("1.5", "T3-4")])
def test_negative_or_fractional_count(site, value, check):
    s = site()
    line = s.set_row(D24, "noproc_repeat", f"[{value}, 0, 0, 0, 0, 0, {value}]")
    hits = found(s.check(), check, ERROR)
    assert hits and hits[0].location.line == line and value in hits[0].message


def test_full_width_digits_are_accepted_with_a_warning(site):
    s = site()
    line = s.set_row(D24, "granted", "[５, 1, 0, 0, 0, 0, ６]")
    issues = s.check()
    hits = found(issues, "L-FULLWIDTH", WARNING)
    assert len(hits) == 2 and {h.location.line for h in hits} == {line}
    assert not found(issues, "T3-3") and not found(issues, "T3-2", ERROR)  # read as 5 and 6


def test_text_that_is_not_a_number(site):
    s = site()
    line = s.set_row(D24, "granted", "[5, 1, 0, 0, 0, 0, 六]")
    [hit] = found(s.check(), "L-VALUE", ERROR)
    assert hit.location.line == line and "六" in hit.message


def test_digits_separated_by_a_space_are_not_joined(site):
    # "1 2" is two numbers run together or a stray space: read as 12 it would invent a value
    s = site()
    line = s.set_row(D24, "granted", "[1 2, 1, 0, 0, 0, 0, 1 234]")
    issues = s.check()
    [hit] = found(issues, "L-VALUE", ERROR)
    assert hit.location.line == line and "“1 2”是用空格隔开的几个数字" in hit.message
    [fmt] = found(issues, "L-FORMAT", INFO)  # "1 234": digits in groups of three, one number
    assert fmt.location.line == line and "1 234" in fmt.message


def test_year_disagreeing_with_file_name(site):
    s = site()
    line = s.edit(D24, "year: 2024", "year: 2025")
    [hit] = found(s.check(), "L-YEAR", ERROR)
    assert hit.location.line == line and "2025" in hit.message and "2024" in hit.message


def test_unit_missing_from_registry(site):
    s = site()
    s.write("data/ghost/2024.yml", s.read(D24).replace("unit: demo", "unit: ghost"))
    [hit] = found(s.check(), "L-UNIT", ERROR)
    assert hit.file == "data/ghost/2024.yml" and "ghost" in hit.message


def test_unit_in_file_disagreeing_with_folder(site):
    s = site()
    s.edit(D24, "unit: demo", "unit: dept")
    assert found(s.check(), "L-UNIT-MISMATCH", ERROR)


def test_unknown_format_and_bad_date(site):
    s = site()
    s.edit(D24, 'format: "2021"', 'format: "2022"')
    s.edit("data/demo/2023.yml", "published_date: 2024-01-26", "published_date: 2024-02-30")
    issues = s.check()
    assert found(issues, "L-FORMAT-ID", ERROR)[0].file == D24
    assert found(issues, "L-DATE", ERROR)[0].file == "data/demo/2023.yml"


def test_bad_file_name_and_encoding(site):
    s = site()
    s.write("data/demo/draft.yml", "unit: demo\n")
    s.path("data/demo/2022.yml").write_bytes("unit: 示例\n".encode("gbk"))
    issues = s.check()
    assert found(issues, "L-PATH", ERROR)[0].file == "data/demo/draft.yml"
    assert found(issues, "L-ENCODING", ERROR)[0].file == "data/demo/2022.yml"


def test_missing_registry_is_an_issue_not_a_crash(site):
    s = site()
    s.path("data/units.yml").unlink()
    assert found(s.check(), "L-MISSING", ERROR)


def test_rows_accept_mapping_form(site):
    s = site()
    s.set_row(D24, "review", "{upheld: 1, corrected: 0, other: 0, pending: 1, total: 2}")
    assert not [i for i in s.check() if i.severity is ERROR]


def test_blank_na_and_zero_stay_distinct(site):
    s = site()
    s.set_row(D24, "admin_license", "~")
    s.set_row(D24, "admin_penalty", "/")
    s.set_row(D24, "admin_coercion", "—")
    result, _ = check_site(s.root)
    data = report_to_canonical(result.site.report("demo", 2024))
    p = data["proactive"]
    assert p["admin_license"]["decisions"] is None
    assert p["admin_penalty"]["decisions"] == "/"
    assert p["admin_coercion"]["decisions"] == "—"
    assert p["admin_fees"]["fee_amount_wan"] == Decimal("1.5")


@pytest.mark.parametrize(
    "text,kind,value,notes",
    [
        ("0", CellKind.NUMBER, 0, []),
        (None, CellKind.BLANK, None, []),
        ("  ", CellKind.BLANK, None, ["blank"]),
        ("/", CellKind.NA, None, ["na_mark"]),
        ("不适用", CellKind.NA, None, ["na_mark"]),
        ("－", CellKind.NA, None, ["na_mark"]),
        ("／", CellKind.NA, None, ["na_mark"]),
        ("１２", CellKind.NUMBER, 12, ["fullwidth"]),
        ("1,234", CellKind.NUMBER, 1234, ["thousands"]),
        ("+4", CellKind.NUMBER, 4, ["plus_sign"]),
        ("−3", CellKind.NUMBER, -3, ["fullwidth", "minus_sign"]),
        ("251000元", CellKind.NUMBER, 251000, ["unit"]),
        ("9.63211", CellKind.NUMBER, Decimal("9.63211"), []),
        ("12 件", CellKind.NUMBER, 12, ["spaces", "unit"]),
        ("1 234", CellKind.NUMBER, 1234, ["spaces"]),
        ("１\n２", CellKind.NUMBER, 12, ["fullwidth", "spaces"]),  # wrapped in a narrow cell
        ("1 2", None, None, ["spaced_digits"]),
        ("1\u30002", None, None, ["fullwidth", "spaced_digits"]),
        ("abc", None, None, []),
    ],
)
def test_parse_cell(text, kind, value, notes):
    pc = parse_cell(text)
    assert pc.kind is kind
    assert pc.value == value and type(pc.value) is type(value)
    assert pc.notes == notes
    if notes and kind is CellKind.NUMBER:
        assert pc.raw == text  # the source text is kept whenever it was not a plain number


def test_writer_round_trips_every_kind_of_cell(tmp_path):
    """render_data_file then load: numbers, blanks, NA marks, units and source text come back."""
    from nianbao.datafile import render_data_file
    from nianbao.formats import get_format
    from nianbao.loader import load_report
    from nianbao.model import Cell, Table

    fmt = get_format("2019")
    cells = {
        "regulations": [Cell(CellKind.NUMBER, 0), Cell(CellKind.BLANK), Cell(CellKind.NA, raw="—")],
        "admin_license": [Cell(CellKind.NUMBER, 40), Cell(CellKind.NUMBER, 3, raw="+3"), Cell(CellKind.NUMBER, 12, raw="１２")],
        "gov_central_procurement": [Cell(CellKind.NUMBER, 2), Cell(CellKind.NUMBER, Decimal("85.7"), unit_raw="万元")],
    }
    t2 = Table("T2", {k: dict(zip((c.key for c in fmt.table("T2").row(k).columns), v)) for k, v in cells.items()})
    p = tmp_path / "2019.yml"
    p.write_text(render_data_file(None, "x", 2019, fmt, tables={"T2": t2}), encoding="utf-8")
    report, _issues = load_report(p, "x/2019.yml", "x", 2019)
    back = report_to_canonical(report)["proactive"]
    assert back["regulations"] == {"new_made": 0, "new_published": None, "total_published": "—"}
    assert back["admin_license"] == {"prev_year_items": 40, "yoy_change": 3, "decisions": 12}
    assert back["gov_central_procurement"] == {"procurement_items": 2, "procurement_amount": Decimal("85.7")}
    assert report.table("T2").rows["gov_central_procurement"]["procurement_amount"].unit_raw == "万元"


def test_fast_path_for_plain_counts_gives_the_cells_of_the_general_path():
    import yaml

    from nianbao.formats import get_format
    from nianbao.loader import _cell, _fast_cell
    from nianbao.yamlio import _Loader

    tdef = get_format("2021").table("T3")
    row = tdef.rows[0]
    col = row.columns[0]
    values = ["0", "7", "007", "12345", '"12"', "'3'", "1.5", "~", "/", "１２", "1,234", "-3", "+2", "", "null", "12件"]
    for v in values:
        node = yaml.compose(f"x: {v}", Loader=_Loader).value[0][1]
        general, fast = [], []
        assert _fast_cell(node, "f.yml", tdef, row, col, fast) == _cell(node, "f.yml", tdef, row, col, general), v
        assert fast == general, v

"""Open data: the files, their exactness, determinism, round trip, schemas, and the built site."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from lxml import html as lxml_html

from nianbao.canonical import dumps, report_to_canonical
from nianbao.cli import main
from nianbao.export import LONG_COLUMNS, LONG_SHEET_MAX_ROWS, canonical_from_long, long_csv, site_files, workbook, write_exports
from nianbao.model import Site
from nianbao.export.schemas import canonical_schema, datafile_schema
from nianbao.validate import check_site

from .conftest import ROOT, SITES, mkdocs_build

SITES_TO_CHECK = [ROOT, SITES / "basic", SITES / "sample"]


def files_of(root: Path) -> dict[str, bytes]:
    return {f.path: f.data for f in site_files(check_site(root)[0].site)}


@pytest.mark.parametrize("root", SITES_TO_CHECK, ids=["repo", "basic", "sample"])
def test_streamed_exports_are_the_same_bytes_as_in_memory(root, tmp_path):
    """The build writes the open data a report at a time; the files equal those made whole in memory."""
    site = check_site(root)[0].site
    sizes = write_exports(site, tmp_path)
    files = site_files(site)
    assert sorted(sizes) == sorted(f.path for f in files)
    for f in files:
        assert (tmp_path / f.path).read_bytes() == f.data, f.path
        assert sizes[f.path] == len(f.data)
    everything = [report_to_canonical(site.reports[k]) for k in sorted(site.reports)]
    assert (tmp_path / "nianbao-all.json").read_text(encoding="utf-8") == dumps(everything) + "\n"
    empty = tmp_path / "empty"
    write_exports(Site(root="", units={}, reports={}), empty)
    assert (empty / "nianbao-all.json").read_text(encoding="utf-8") == dumps([]) + "\n"


def test_workbook_long_sheet_from_a_count_alone():
    import openpyxl

    site = check_site(SITES / "basic")[0].site
    wb = openpyxl.load_workbook(io.BytesIO(workbook(site, long_count=LONG_SHEET_MAX_ROWS + 1)))
    assert f"共 {LONG_SHEET_MAX_ROWS + 1} 行" in wb["逐格数据"]["A1"].value
    assert workbook(site, long_count=5) == workbook(site)  # under the limit the rows are written as before


def json_ready(o):
    """What a YAML loader hands over, as JSON types (dates as text)."""
    if isinstance(o, dict):
        return {str(k): json_ready(v) for k, v in o.items()}
    if isinstance(o, list):
        return [json_ready(v) for v in o]
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return o


def test_cli_export_writes_every_file(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), "--root", str(SITES / "sample")]) == 0
    site = check_site(SITES / "sample")[0].site
    legacy = 0
    for (unit, year), r in site.reports.items():
        csvs = ("-T2.csv", "-T3.csv", "-T4.csv") if r.format.tables else tuple(f"-L{i}.csv" for i in range(1, len(r.legacy_tables) + 1))
        legacy += not r.format.tables
        for suffix in (".json", *csvs):
            assert (out / "reports" / unit / f"{year}{suffix}").exists()
    assert legacy == 1  # 西山镇 2018
    for name in ("nianbao-all.json", "nianbao-cells.csv", "nianbao.xlsx", "schema/report.schema.json", "schema/datafile.schema.json"):
        assert (out / name).exists(), name


def test_export_refuses_data_with_errors(tmp_path, capsys):
    work = tmp_path / "s"
    shutil.copytree(SITES / "sample", work)
    shutil.copytree(SITES / "sample-errors" / "data", work / "data", dirs_exist_ok=True)
    assert main(["export", "--out", str(tmp_path / "out"), "--root", str(work)]) == 2
    assert "未导出" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_exports_are_deterministic():
    assert files_of(SITES / "sample") == files_of(SITES / "sample")


@pytest.mark.parametrize("root", SITES_TO_CHECK, ids=["repo", "basic", "sample"])
def test_long_csv_round_trips_to_the_canonical_json(root):
    site = check_site(root)[0].site
    want = [report_to_canonical(site.reports[k]) for k in sorted(site.reports)]
    assert canonical_from_long(long_csv(site)) == want


def test_page_fields_round_trip_and_validate(site):
    """分类 and 有效性 (optional raw strings, spec §8) through the long CSV and the schemas."""
    s = site("basic")
    s.edit("data/demo/2024.yml", "  period:", "  category: 综合政务\n  validity: 有效\n  period:")
    site_ = check_site(s.root)[0].site
    docs = [report_to_canonical(site_.reports[k]) for k in sorted(site_.reports)]
    assert canonical_from_long(long_csv(site_)) == docs
    doc = next(d for d in docs if (d["unit"], d["year"]) == ("demo", 2024))
    assert (doc["meta"]["category"], doc["meta"]["validity"]) == ("综合政务", "有效")
    jsonschema.validate(json.loads(dumps(doc)), canonical_schema(), cls=jsonschema.Draft202012Validator)
    jsonschema.validate(json_ready(yaml.safe_load(s.read("data/demo/2024.yml"))), datafile_schema(), cls=jsonschema.Draft202012Validator)


def test_decimals_stay_exact_and_blanks_stay_blank(site):
    s = site()
    s.set_row("data/demo/2024.yml", "admin_fees", "9.63211")
    s.set_row("data/demo/2024.yml", "admin_license", "~")
    f = files_of(s.root)
    assert '"fee_amount_wan": 9.63211' in f["reports/demo/2024.json"].decode()
    assert '"decisions": null' in f["reports/demo/2024.json"].decode()
    rows = list(csv.DictReader(io.StringIO(f["nianbao-cells.csv"].decode("utf-8-sig"))))
    fee = next(r for r in rows if r["unit_id"] == "demo" and r["year"] == "2024" and r["column_key"] == "fee_amount_wan")
    assert (fee["value"], fee["cell_kind"], fee["unit_of_measure"]) == ("9.63211", "number", "万元")
    lic = next(r for r in rows if r["unit_id"] == "demo" and r["year"] == "2024" and r["row_key"] == "admin_license")
    assert (lic["value"], lic["cell_kind"]) == ("", "blank")
    na = next(r for r in rows if r["unit_id"] == "dept" and r["row_key"] == "admin_penalty")
    assert (na["value"], na["cell_kind"]) == ("/", "na")
    t2 = f["reports/demo/2024-T2.csv"].decode("utf-8-sig").splitlines()
    assert "行政事业性收费,9.63211,," in t2 and "行政许可,,," in t2
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(f["nianbao.xlsx"]))
    ws = wb["二、主动公开（2021）"]
    header = [c.value for c in ws[1]]
    col = header.index("行政事业性收费·本年收费金额（单位：万元）")
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "demo" and r[3] == 2024)
    assert row[col] == 9.63211 and Decimal(repr(row[col])) == Decimal("9.63211")
    assert row[header.index("行政许可·本年处理决定数量")] is None


def test_csv_opens_in_excel_with_chinese_headers():
    f = files_of(ROOT)
    for name in ("nianbao-cells.csv", "reports/dazhangzhuang/2024-T3.csv"):
        data = f[name]
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Chinese Windows reads UTF-8
        text = data.decode("utf-8-sig")
        assert "\r\n" in text
    t3 = f["reports/dazhangzhuang/2024-T3.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(t3)))
    assert rows[0][3] == "申请人情况" and rows[1][3:6] == ["自然人", "法人或其他组织", "法人或其他组织"]
    assert rows[2][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "", "", "1", "0", "0", "0", "0", "0", "1"]
    assert rows[7][:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    header = list(csv.reader(io.StringIO(f["nianbao-cells.csv"].decode("utf-8-sig"))))[0]
    assert header == LONG_COLUMNS


def test_workbook_sheets_and_headers():
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(files_of(SITES / "sample")["nianbao.xlsx"]))
    assert wb.sheetnames == ["说明", "二、主动公开（2021）", "三、申请情况（2021）", "四、复议诉讼（2021）",
                             "二、主动公开（2019）", "三、申请情况（2019）", "四、复议诉讼（2019）", "逐格数据"]
    t3 = wb["三、申请情况（2021）"]
    assert [c.value for c in t3[1]][:6] == ["单位标识", "单位名称", "上级", "年度", "格式", "一、本年新收政府信息公开申请数量·自然人"]
    long = wb["逐格数据"]
    assert long.max_row - 1 == sum(1 for _ in csv.reader(io.StringIO(long_csv(check_site(SITES / "sample")[0].site).decode("utf-8-sig")))) - 1


@pytest.mark.parametrize("root", SITES_TO_CHECK, ids=["repo", "basic", "sample"])
def test_canonical_json_validates_against_the_schema(root):
    schema = canonical_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for doc in json.loads(files_of(root)["nianbao-all.json"]):
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_what_the_validator_rejects():
    doc = json.loads(files_of(ROOT)["reports/dazhangzhuang/2024.json"])
    doc["applications"]["granted"]["total"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, canonical_schema(), cls=jsonschema.Draft202012Validator)
    doc = json.loads(files_of(ROOT)["reports/dazhangzhuang/2024.json"])
    doc["proactive"]["regulations"]["new_made"] = 0  # a 2019 key in a 2021 report
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, canonical_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("root", SITES_TO_CHECK, ids=["repo", "basic", "sample"])
def test_data_files_validate_against_their_schema(root):
    schema = datafile_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    files = sorted((root / "data").glob("*/*.yml"))
    assert files
    for f in files:
        jsonschema.validate(json_ready(yaml.safe_load(f.read_text(encoding="utf-8"))), schema, cls=jsonschema.Draft202012Validator)


def test_datafile_schema_takes_the_keys_the_loader_takes(site):
    """An editor checking a data file against the schema accepts what nianbao reads: every report key
    (as_published included) and nothing else."""
    from nianbao.loader import REPORT_KEYS

    schema = datafile_schema()
    assert set(schema["properties"]) == set(REPORT_KEYS)
    s = site()
    s.edit("data/demo/2024.yml", "unit: demo\n", "unit: demo\nas_published:\n  T3-3: 原件如此\n")
    jsonschema.validate(json_ready(yaml.safe_load(s.read("data/demo/2024.yml"))), schema, cls=jsonschema.Draft202012Validator)
    s.edit("data/demo/2024.yml", "  T3-3: 原件如此\n", "  M-4: 原件如此\n")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json_ready(yaml.safe_load(s.read("data/demo/2024.yml"))), schema, cls=jsonschema.Draft202012Validator)


def test_datafile_schema_rejects_a_short_row(site):
    s = site()
    s.set_row("data/demo/2024.yml", "granted", "[5, 1, 0]")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json_ready(yaml.safe_load(s.read("data/demo/2024.yml"))), datafile_schema(), cls=jsonschema.Draft202012Validator)


# ------------------------------------------------------------------------------------ in the built site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("export-site") / "site"
    p = mkdocs_build(SITES / "basic", out)
    assert p.returncode == 0, p.stderr
    return out


def test_built_site_has_the_same_files_as_the_cli(built):
    for path, data in files_of(SITES / "basic").items():
        assert (built / "data" / path).read_bytes() == data, path


def test_report_page_links_its_data(built):
    page = built / "demo/2024/index.html"
    doc = lxml_html.fromstring(page.read_bytes())
    [alt] = doc.xpath("//*[@rel='alternate'][@type='application/json']")
    assert alt.tag == "a"  # not <link>: Material would fetch a sitemap.xml beside it (see report_downloads.html)
    assert (page.parent / alt.get("href")).resolve() == (built / "data/reports/demo/2024.json").resolve()
    box = doc.find_class("nb-downloads")[0]
    hrefs = [a.get("href") for a in box.iter("a")]
    for h in hrefs:
        target = (page.parent / h).resolve()
        assert target.exists() or (target / "index.html").exists(), h
    assert "注明来源" in box.text_content()


def test_data_page_documents_files_dictionary_licence_and_revisions(built):
    page = built / "data/index.html"
    doc = lxml_html.fromstring(page.read_bytes())
    text = doc.text_content()
    for name in ("nianbao-all.json", "nianbao-cells.csv", "nianbao.xlsx", "report.schema.json"):
        assert name in text
    for a in doc.get_element_by_id("nb-files-table").iter("a"):
        assert (page.parent / a.get("href")).resolve().exists()
    from nianbao.formats import get_format

    for fid in ("2021", "2019"):
        for tid in ("T2", "T3", "T4"):
            for row in get_format(fid).table(tid).rows:
                assert row.key in text and row.label in text
    assert "注明来源" in text
    # the index pages' data files: the columns and keys that are not figures are explained
    for key in ("row", "incomplete", "as_published", "included", "missing", "excluded", "kept_as_published"):
        assert re.search(rf"\b{key}\b", text), key
    assert "2024-03-05 更正表三“予以公开”自然人数（原为 3，误）" in text


def test_without_open_data_nothing_is_offered_for_download(site, tmp_path):
    from .conftest import set_plugin_options

    s = site("basic")
    set_plugin_options(s.root / "mkdocs.yml", export_enabled="false")
    out = tmp_path / "out"
    p = mkdocs_build(s.root, out, strict=False)
    assert p.returncode == 0, p.stderr
    assert not (out / "data").exists()
    status = lxml_html.fromstring((out / "status/index.html").read_bytes())
    assert status.xpath("//a[@download]") == [] and status.get_element_by_id("nb-status") is not None
    # nor a page or a link offering what is not there
    assert "数据下载" not in status.text_content()
    report = lxml_html.fromstring((out / "demo/2024/index.html").read_bytes())
    assert not [a for a in report.iter("a") if "data/" in (a.get("href") or "")]

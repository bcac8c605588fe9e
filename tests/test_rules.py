"""Every check id: the clean fixture passes it, one targeted edit makes it fire at the edited line."""

from __future__ import annotations

import pytest

from nianbao.issues import ERROR, INFO, WARNING

from .conftest import found, serious

D24, D23, D20, D19 = "data/demo/2024.yml", "data/demo/2023.yml", "data/demo/2020.yml", "data/demo/2019.yml"
UNITS = "data/units.yml"


def test_fixture_site_is_clean(site):
    issues = site().check()
    assert serious(issues) == []


# (check id, severity, file to edit, how: ("row", key, values) or ("edit", old, new), file the issue is in)
CASES = [
    ("T3-1", ERROR, D24, ("row", "carried_out", "[2, 0, 0, 0, 0, 0, 2]"), D24),
    ("T3-2", ERROR, D24, ("row", "granted", "[6, 1, 0, 0, 0, 0, 7]"), D24),
    ("T3-3", ERROR, D24, ("row", "partial", "[1, 0, 0, 0, 0, 0, 2]"), D24),
    ("T3-4", ERROR, D24, ("row", "deny_third_party", "[1.5, 0, 0, 0, 0, 0, 1.5]"), D24),
    ("T3-5", ERROR, D24, ("row", "carried_out", "[20, 0, 0, 0, 0, 0, 20]"), D24),
    ("T3-6", WARNING, D24, ("row", "carried_in", "[0, 0, 0, 0, 0, 0, 0]"), D24),
    ("T3-7", ERROR, D23, ("row", "new_received", "[0, 0, 0, 0, 0, 0, 0]"), D23),
    ("T4-1", ERROR, D24, ("row", "review", "[1, 0, 0, 1, 3]"), D24),
    ("T4-2", ERROR, D24, ("row", "suit_direct", "[0, 1, 0, 0, 2]"), D24),
    ("T4-3", ERROR, D24, ("row", "suit_after_review", "[0, 0, 0, 0, 1]"), D24),
    ("T4-4", ERROR, D24, ("row", "review", "[-1, 0, 0, 1, 0]"), D24),
    ("T4-5", ERROR, D24, ("edit", "  suit_after_review: [0, 0, 0, 0, 0]", "  suit_after_review: [0, 0, 0, 0, 0]\n  litigation_total: 5"), D24),
    ("T2-1", ERROR, D24, ("row", "admin_fees", "1.23456"), D24),
    ("T2-2", WARNING, D24, ("row", "normative_docs", "[9, 1, 5]"), D24),
    ("T2-3", WARNING, D23, ("row", "normative_docs", "[1, 0, 3]"), D24),
    ("T2-4", WARNING, D24, ("row", "regulations", "[1, 0, 1]"), D24),
    ("T2-5", WARNING, D24, ("row", "admin_fees", "15000元"), D24),
    ("T2b-1", WARNING, D20, ("row", "normative_docs", "[1, 40, 31]"), D20),
    ("T2b-2", ERROR, D20, ("row", "admin_license", "[42, 1.5, 50]"), D20),
    ("T2b-3", WARNING, D20, ("row", "admin_license", "[41, '+3', 50]"), D20),
    ("T2b-4", WARNING, D19, ("row", "gov_central_procurement", "[2, 251000]"), D19),
    ("M-1", WARNING, D24, ("edit", "period: [2024-01-01, 2024-12-31]", "period: [2024-01-01, 2024-06-30]"), D24),
    ("M-2", WARNING, D24, ("edit", "published_date: 2025-01-20", "published_date: 2025-03-15"), D24),
    ("M-3", WARNING, D20, ("edit", 'format: "2019"', 'format: "2019"'), None),  # see test_m3 below
    ("M-4", ERROR, D24, ("edit", "\nT4:\n", "\nT4_removed:\n"), D24),
    ("U-PARENT", ERROR, UNITS, ("edit", "    parent: county\n    credit_code", "    parent: nowhere\n    credit_code"), UNITS),
    ("U-POSTCODE", WARNING, UNITS, ("edit", 'postcode: "256100"', 'postcode: "2561001"'), UNITS),
    ("U-EMAIL", WARNING, UNITS, ("edit", "email: demo@example.gov.cn", "email: demo@example"), UNITS),
    ("U-CREDIT", WARNING, UNITS, ("edit", "credit_code: 11370323MB1234567X", "credit_code: 12345"), UNITS),
]


# where a finding points when the edit was elsewhere among the cells it involves
POINTS_AT = {"T3-1": "new_received", "T3-2": "result_total", "T4-5": "litigation_total"}


@pytest.mark.parametrize("check,severity,rel,how,where", [c for c in CASES if c[0] != "M-3"], ids=[c[0] for c in CASES if c[0] != "M-3"])
def test_check_fires_on_the_edited_line(site, check, severity, rel, how, where):
    s = site()
    assert not found(serious(s.check()), check), "fixture must pass this check before the edit"
    if how[0] == "row":
        line = s.set_row(rel, how[1], how[2])
    else:
        line = s.edit(rel, how[1], how[2])
    hits = found(s.check(), check, severity)
    assert hits, f"{check} did not fire"
    assert all(h.file == where for h in hits)
    if check in POINTS_AT:
        text = s.read(where).splitlines()
        line = next(n for n, t in enumerate(text, 1) if t.lstrip().startswith(POINTS_AT[check] + ":"))
    if rel == where and check != "M-4":
        assert line in {h.location.line for h in hits}, [str(h.location) for h in hits]
    for h in hits:
        assert h.message and not h.message.isascii()  # a Chinese message for content authors


def test_t3_1_message_names_column_and_both_sides(site):
    s = site()
    line = s.set_row(D24, "new_received", "[11, 2, 0, 1, 0, 1, 15]")
    [hit] = [h for h in found(s.check(), "T3-1") if "自然人" in h.message]
    assert hit.message.startswith("自然人列：一+二=12，三(七)+四=11")
    assert hit.location.line == line


def test_t3_7_also_breaks_t3_1(site):
    s = site()
    s.set_row(D23, "new_received", "[0, 0, 0, 0, 0, 0, 0]")
    issues = s.check()
    assert found(issues, "T3-7", ERROR) and found(issues, "T3-1", ERROR)


def test_m3_template_not_matching_year(site):
    s = site()
    # a 2021-format table filed for 2018 (before any national template), and a 2019-format one for 2024
    s.write("data/demo/2018.yml", s.read(D23).replace("year: 2023", "year: 2018").replace("2023年", "2018年").replace("2023-", "2018-").replace("2024-01-26", "2019-01-26"))
    hits = found(s.check(), "M-3", WARNING)
    assert [h.file for h in hits] == ["data/demo/2018.yml"]
    assert "2018" in hits[0].message


def test_m4_missing_narrative_and_section(site):
    s = site()
    s.path("content/demo/2023.md").unlink()
    s.edit("content/demo/2024.md", "## 五、存在的主要问题及改进情况", "五、存在的主要问题及改进情况")
    issues = s.check()
    files = {h.file for h in found(issues, "M-4", WARNING)}
    assert {D23, "content/demo/2024.md"} <= files


def test_m4_table_sections_in_narrative_are_flagged(site):
    s = site()
    s.edit("content/demo/2024.md", "## 五、", "## 二、主动公开政府信息情况\n\n手写表格\n\n## 五、")
    [hit] = found(s.check(), "M-4", WARNING)
    assert hit.file == "content/demo/2024.md" and "二、主动公开政府信息情况" in hit.message


def test_m5_missing_assessment_words(site):
    s = site()
    s.edit("content/demo/2024.md", "建立健全工作考核、社会评议和责任追究制度。", "")
    [hit] = found(s.check(), "M-5", WARNING)
    assert "考核" in hit.message and hit.file == "content/demo/2024.md"
    lines = s.read("content/demo/2024.md").splitlines()
    assert lines[hit.location.line - 1] == "## 一、总体情况" and f"第 {hit.location.line} 行" in hit.message  # where to say it


def test_m5_not_asked_of_departments(site):
    s = site()
    s.edit("content/dept/2024.md", "建立健全工作考核、社会评议和责任追究制度。", "")
    assert not found(s.check(), "M-5")


def test_m2_deadline_depends_on_kind(site):
    s = site()
    # 2025-02-20 is late for a township (31 Jan) …
    s.edit(D24, "published_date: 2025-01-20", "published_date: 2025-02-20")
    assert found(s.check(), "M-2", WARNING)
    # … but in time for a county government's own report (31 Mar)
    s.write("data/county/2024.yml", s.read(D24).replace("unit: demo", "unit: county"))
    assert not [h for h in found(s.check(), "M-2", WARNING) if h.file == "data/county/2024.yml"]


def test_m2_missing_date_is_information_only(site):
    s = site()
    s.edit(D24, "published_date: 2025-01-20", "published_date: ~")
    hits = found(s.check(), "M-2")
    assert [h.severity for h in hits] == [INFO]


def test_t2_4_regulations_allowed_for_a_city(site):
    s = site()
    s.edit(UNITS, "    kind: 镇\n", "    kind: 地级市\n")
    s.set_row(D24, "regulations", "[1, 0, 1]")
    assert not found(s.check(), "T2-4")


def test_t2_5_implausible_magnitude_for_a_township(site):
    s = site()
    s.set_row(D24, "admin_fees", "25000")
    [hit] = found(s.check(), "T2-5", WARNING)
    assert "25000" in hit.message


def test_cross_year_checks_skip_across_format_change(site):
    # 2020 (2019 format) → 2021 format: T2 columns are different concepts and are never compared
    s = site()
    s.write("data/demo/2021.yml", s.read(D23).replace("year: 2023", "year: 2021").replace("2023", "2021").replace("2024-01-26", "2022-01-26"))
    issues = s.check()
    assert not [h for h in found(issues, "T2-3") + found(issues, "T2b-3") if h.file == "data/demo/2021.yml"]


def test_blank_cells_count_as_zero_and_say_so(site):
    s = site()
    s.set_row(D24, "new_received", "[~, 2, 0, 1, 0, 1, 14]")
    [hit] = [h for h in found(s.check(), "T3-1", ERROR) if "自然人" in h.message]
    assert "按 0 计" in hit.message


def test_blank_cells_that_close_are_reported_as_unverifiable(site):
    s = site()
    s.set_row(D24, "deny_state_secret", "[~, ~, ~, ~, ~, ~, ~]")
    issues = s.check()
    assert not found(issues, "T3-2", ERROR) and not found(issues, "T3-3", ERROR)
    info = found(issues, "T3-3", INFO)
    assert info and "无法完全核验" in info[0].message


def test_na_marks_are_not_errors_for_township_powers(site):
    s = site()
    for key in ("admin_license", "admin_penalty", "admin_coercion"):
        s.set_row(D24, key, "/")
    assert serious(s.check()) == []


def test_acknowledged_warning_becomes_information(site):
    s = site()
    s.edit(UNITS, 'postcode: "256100"', 'postcode: "2561001"\n    acknowledged:\n      U-POSTCODE: 原文如此')
    # the acknowledged mapping sits under contact: move it to the unit level
    s.edit(UNITS, '      postcode: "2561001"\n    acknowledged:\n      U-POSTCODE: 原文如此\n', '      postcode: "2561001"\n')
    s.edit(UNITS, "  dept:\n", "  dept:\n")
    s.edit(UNITS, "    credit_code: 11370323MB1234567X\n", "    credit_code: 11370323MB1234567X\n    acknowledged:\n      U-POSTCODE: 原文如此\n")
    [hit] = found(s.check(), "U-POSTCODE")
    assert hit.severity is INFO and "已确认：原文如此" in hit.message


def test_errors_cannot_be_acknowledged(site):
    s = site()
    s.set_row(D24, "partial", "[1, 0, 0, 0, 0, 0, 2]")
    s.edit(D24, "unit: demo\n", "unit: demo\nacknowledged:\n  T3-3: 不想改\n")
    issues = s.check()
    assert found(issues, "T3-3", ERROR) and found(issues, "L-ACK", WARNING)


def test_m6_narrative_copied_from_previous_year(site):
    s = site()
    assert not found(s.check(), "M-6")
    # copying last year's narrative and changing only the year is what the format calls 雷同
    s.write("content/demo/2024.md", s.read("content/demo/2023.md").replace("2023", "2024"))
    [hit] = found(s.check(), "M-6", WARNING)
    assert hit.file == "content/demo/2024.md" and "2023 年" in hit.message and "100%" in hit.message


def test_m6_similarity_measure():
    from nianbao.rules.meta import similarity

    a = "大张庄镇严格遵循条例第二十条的规定，主动公开了安全生产、民生事业等方面的工作信息，累计达15条次。"
    assert similarity(a, a.replace("15", "27")) == 1.0  # digits are masked
    assert similarity(a, "今年重点推进政务公开标准化规范化建设，新建村级公开栏三十处，培训业务骨干。") < 0.1
    half = a[: len(a) // 2] + "今年重点推进政务公开标准化规范化建设，新建村级公开栏三十处。"
    assert 0.1 < similarity(a, half) < 0.85


@pytest.mark.parametrize(
    "snippet",
    ["<script>alert(1)</script>", '<img src="x" onerror="alert(1)">', "[点我](javascript:alert(1))",
     '<a href="javascript:alert(1)">点我</a>', "<iframe src=\"https://example.com\"></iframe>"],
)
def test_script_in_narrative_is_refused(site, snippet):
    s = site()
    line = s.edit("content/demo/2024.md", "本年度未收取信息处理费。", f"本年度未收取信息处理费。\n\n{snippet}\n")
    hits = found(s.check(), "C-HTML-UNSAFE", ERROR)
    assert hits and hits[0].file == "content/demo/2024.md" and hits[0].location.line == line + 2


def test_other_raw_html_is_a_warning_and_code_is_not_html(site):
    s = site()
    s.edit("content/demo/2024.md", "本年度未收取信息处理费。",
           '本年度未收取<span style="color:red">信息处理费</span>。\n\n`<script>` 是代码示例，不是 HTML。')
    issues = s.check()
    assert [h.message[:20] for h in found(issues, "C-HTML", WARNING)] and not found(issues, "C-HTML-UNSAFE")


def test_sanitize_keeps_markdown_output_and_drops_the_rest():
    from nianbao.pages import sanitize

    html = ('<h2 id="一总体情况">一、总体情况</h2><p>文字<span style="color:red" onclick="x()">红</span>'
            '<a href="https://example.gov.cn/">链接</a><a href="javascript:alert(1)">坏</a></p><script>alert(1)</script>'
            '<p>nianbaoblock0x</p>')
    out = sanitize(html)
    assert '<h2 id="一总体情况">' in out and "<span>红</span>" in out and 'href="https://example.gov.cn/"' in out
    assert "script" not in out and "onclick" not in out and "javascript" not in out and "style" not in out
    assert "<p>nianbaoblock0x</p>" in out  # nianbao's own blocks are restored after sanitising


# ------------------------------------------------------------------------------------ T3-8 / T4-6: text against tables

N24 = "content/demo/2024.md"
SAYS = "2024年，示例镇扎实推进政务公开工作。"  # the first sentence of 一、总体情况 in the fixture


def test_text_quoting_the_tables_right_is_not_flagged(site):
    # the fixture's 2024 figures: 14 new, 1 carried in, 6 granted, 1 partial, 1 denied, 4 unable,
    # 1 not processed, 1 other, 1 carried out; 行政复议 2, 行政诉讼 1 (+ 0 after review)
    s = site()
    s.edit(N24, SAYS, SAYS + "全年共收到政府信息公开申请十四件，上年结转1件；予以公开6件，部分公开1件，不予公开1件，"
           "无法提供4件，不予处理1件，其他处理1件，结转下年度继续办理1件。被申请行政复议2件，提起行政诉讼1件。"
           "去年收到申请20件，较上年增加3件；部分予以公开2件。共受理政府信息公开申请15件。"  # 15: new and carried in
           "申请人对答复满意，未申请行政复议。无行政复议纠错情况。")
    issues = s.check()
    assert not found(issues, "T3-8") and not found(issues, "T4-6")


@pytest.mark.parametrize("text,quoted,label,table", [
    ("全年共收到政府信息公开申请16件", "收到政府信息公开申请16件", "一、本年新收政府信息公开申请数量", 14),
    ("本年度未收到政府信息公开申请", "本年度未收到政府信息公开申请", "一、本年新收政府信息公开申请数量", 14),
    ("其中无法提供3件", "无法提供3件", "（四）无法提供", 4),
    ("不予公开两件", "不予公开两件", "（三）不予公开", 1),
    ("结转下年度继续办理2件", "结转下年度继续办理2件", "四、结转下年度继续办理", 1),
])
def test_t3_8_text_disagreeing_with_table_3(site, text, quoted, label, table):
    s = site()
    line = s.edit(N24, SAYS, SAYS + text + "。")
    [hit] = found(s.check(), "T3-8", WARNING)
    assert hit.file == N24 and hit.location.line == line
    assert hit.message == f"正文“{quoted}”与表三不一致：表三“{label}”总计为 {table} 件"


def test_t4_6_text_disagreeing_with_table_4(site):
    s = site()
    line = s.edit(N24, SAYS, SAYS + "本年度被申请行政复议3件，行政诉讼1件。")
    [hit] = found(s.check(), "T4-6", WARNING)
    assert hit.location.line == line and "行政复议3件" in hit.message and "表四行政复议总计为 2 件" in hit.message


def test_t4_6_none_said_but_the_table_has_some(site):
    s = site()
    s.edit(N24, SAYS, SAYS + "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。无行政复议纠错情况。")
    hits = found(s.check(), "T4-6", WARNING)
    assert sorted(h.message.split("：")[-1] for h in hits) == ["表四行政复议总计为 2 件", "表四行政诉讼两类起诉总计之和为 1 件"]


def test_text_against_blank_cells_is_not_compared(site):
    s = site()
    s.set_row(D24, "new_received", "[10, 2, 0, 1, 0, 1, ~]")
    s.edit(N24, SAYS, SAYS + "全年共收到政府信息公开申请15件。")
    assert not found(s.check(), "T3-8")


def test_t3_8_reads_the_seed_report(repo_site):
    # the seed says "共收到1件次的依申请公开政府信息申请" and its table 3 says 1
    assert not found(repo_site.check(), "T3-8")
    line = repo_site.edit("content/dazhangzhuang/2024.md", "共收到1件次", "共收到2件次")
    [hit] = found(repo_site.check(), "T3-8", WARNING)
    assert hit.location.line == line and "收到2件次" in hit.message and "总计为 1 件" in hit.message


# spec §9.1.10: totals that do not add up in a published report are kept as published and flagged
KEPT = "原件总计栏如此（已与 2025-01-20 发布的原件核对）"


def _keep(s, rel: str, checks: str) -> int:
    return s.edit(rel, "unit: demo\n", f"unit: demo\nas_published:\n{checks}") + 2


@pytest.mark.parametrize("check,rel,how", [(c, r, h) for c, sev, r, h, _w in CASES if sev is ERROR and c[0] == "T"],
                         ids=[c for c, sev, *_ in CASES if sev is ERROR and c[0] == "T"])
def test_a_published_originals_table_error_can_be_kept(site, check, rel, how):
    s = site()
    if how[0] == "row":
        s.set_row(rel, how[1], how[2])
    else:
        s.edit(rel, how[1], how[2])
    s.edit(rel, "unit: demo\n", f"unit: demo\nas_published:\n  {check}: {KEPT}\n")
    issues = s.check()
    assert not found(issues, check, ERROR) and not found(issues, "L-ACK")
    hits = found(issues, check, INFO)
    assert hits and all(h.kept and h.message.endswith(f"（原件如此，照原件保留：{KEPT}）") for h in hits)


def test_only_the_named_check_is_kept(site):
    s = site()
    s.set_row(D24, "partial", "[1, 0, 0, 0, 0, 0, 2]")  # T3-3, and T3-2 in the total column
    _keep(s, D24, "  T3-3: 原件如此\n")
    issues = s.check()
    assert found(issues, "T3-2", ERROR) and not found(issues, "T3-3", ERROR)
    assert all(i.kept for i in found(issues, "T3-3"))
    s.edit(D24, "  T3-3: 原件如此\n", "  T3-3: 原件如此\n  T3-2: 原件如此\n")
    assert serious(s.check()) == []  # the build goes on


def test_a_report_without_a_publication_date_cannot_keep_errors(site):
    s = site()
    s.set_row(D24, "partial", "[1, 0, 0, 0, 0, 0, 2]")
    s.edit(D24, "  published_date: 2025-01-20  # 发布日期\n", "")
    line = _keep(s, D24, "  T3-3: 原件如此\n")
    issues = s.check()
    assert found(issues, "T3-3", ERROR)
    [ack] = found(issues, "L-ACK", ERROR)
    assert ack.location.line == line and "发布日期" in ack.message


def test_only_table_checks_can_be_kept(site):
    s = site()
    s.edit(D24, "\nT4:\n", "\nT4_removed:\n")  # M-4: a table missing is not the original's arithmetic
    line = _keep(s, D24, "  M-4: 原件没有表四\n")
    issues = s.check()
    assert found(issues, "M-4", ERROR)
    [ack] = found(issues, "L-ACK", ERROR)
    assert ack.location.line == line and "M-4" in ack.message and "T3-3" in ack.message


def test_a_kept_error_that_is_no_longer_there_is_said(site):
    s = site()
    line = _keep(s, D24, "  T3-1: 原件如此\n")
    [ack] = found(s.check(), "L-ACK", WARNING)
    assert ack.location.line == line and "T3-1" in ack.message and "删除" in ack.message


def test_a_kept_error_needs_its_reason(site):
    s = site()
    s.set_row(D24, "partial", "[1, 0, 0, 0, 0, 0, 2]")
    line = _keep(s, D24, "  T3-3: ~\n")
    issues = s.check()
    assert found(issues, "T3-3", ERROR)
    assert line in {i.location.line for i in found(issues, "L-MISSING", ERROR)}


def test_acknowledging_an_error_points_to_as_published(site):
    s = site()
    s.set_row(D24, "partial", "[1, 0, 0, 0, 0, 0, 2]")
    s.edit(D24, "unit: demo\n", "unit: demo\nacknowledged:\n  T3-3: 原件如此\n")
    [ack] = found(s.check(), "L-ACK", WARNING)
    assert "as_published" in ack.message


MD24 = "content/demo/2024.md"


def test_a_missing_part_is_said_where_it_belongs(site):
    s = site()
    text = s.read(MD24)
    start, end = text.index("## 五、"), text.index("## 六、")
    s.write(MD24, text[:start] + text[end:])  # 五 removed: it belongs before 六
    six = s.read(MD24).splitlines().index(next(ln for ln in s.read(MD24).splitlines() if ln.startswith("## 六、"))) + 1
    [hit] = [i for i in found(s.check(), "M-4") if "缺少" in i.message]
    assert (hit.file, hit.location.line) == (MD24, six) and f"第 {six} 行" in hit.message
    s.write(MD24, text[:end])  # 六 removed: it belongs at the end
    [hit] = [i for i in found(s.check(), "M-4") if "缺少" in i.message]
    assert hit.location.line == len(text[:end].splitlines()) and "文末" in hit.message


def test_parts_out_of_order_are_said_at_the_first_one_too_late(site):
    s = site()
    text = s.read(MD24)
    one, five, six = text.index("## 一、"), text.index("## 五、"), text.index("## 六、")
    s.write(MD24, text[:one] + text[five:six] + text[one:five] + text[six:])  # 五 before 一
    lines = s.read(MD24).splitlines()
    [hit] = [i for i in found(s.check(), "M-4") if "顺序" in i.message]
    assert lines[hit.location.line - 1].startswith("## 一、")


def test_some_of_names_the_first_few_and_counts_all():
    from nianbao.issues import some_of

    assert some_of(["甲", "乙"], 2, "个") == "甲、乙"
    assert some_of(iter(["甲", "乙", "丙"]), 2, "个") == "甲、乙 等 3 个"
    assert some_of(["甲", "乙", "丙"], 1, "处", "；") == "甲 等 3 处"
    assert some_of([], 3, "行") == ""

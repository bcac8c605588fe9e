"""M-7: a report changed after publication without a revision note, read from the git history."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

from nianbao.issues import INFO

from .conftest import found

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DATA = "data/demo/2024.yml"  # published 2025-01-20
TEXT = "content/demo/2024.md"


def git(root, *args, date: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    p = subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main",
                        *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return p.stdout.strip()


def commit(root, date: str, message: str = "改动") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "--short=7", "HEAD")


@pytest.fixture
def repo(site):
    s = site("basic")
    git(s.root, "init", "-q")
    return s


def m7(s):
    return found(s.check(), "M-7")


def test_without_history_the_check_says_it_was_not_made(site):
    s = site("basic")  # a temporary folder, not a repository
    issues = m7(s)
    assert [(i.severity, i.location) for i in issues] == [(INFO, None)]
    assert "不是 git 仓库" in issues[0].message


def test_no_change_after_publication_says_nothing(repo):
    commit(repo.root, "2025-01-10", "草稿")
    repo.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    commit(repo.root, "2025-01-20", "发布前改定")  # still on the day of publication
    assert m7(repo) == []


def test_figure_changed_after_publication_is_reported_at_the_cell(repo):
    published = commit(repo.root, "2025-01-15", "发布")
    line = repo.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    commit(repo.root, "2025-03-02", "改了数字")
    (issue,) = m7(repo)
    assert issue.severity is INFO
    assert (issue.location.file, issue.location.line) == (DATA, line)
    assert f"提交 {published}，2025-01-15" in issue.message and "2025-01-20 发布时的版本" in issue.message
    assert "表三“（一）予以公开·自然人” 5 → 6" in issue.message
    assert "表三“（一）予以公开·总计” 6 → 7" in issue.message
    assert "revisions" in issue.message


def test_uncommitted_edit_is_what_gets_published(repo):
    commit(repo.root, "2025-01-15")
    repo.edit(DATA, "index_no: ", "index_no: X")
    (issue,) = m7(repo)
    assert "索引号" in issue.message and issue.location.file == DATA


def test_uncommitted_edit_before_publication_is_the_draft(repo):
    from nianbao.history import check_history
    from nianbao.loader import load_site

    commit(repo.root, "2025-01-10", "草稿")
    repo.edit(DATA, "index_no: ", "index_no: X")
    site = load_site(repo.root).site
    assert check_history(repo.root, site, ["data", "content"], today=dt.date(2025, 1, 20)) == []
    (issue,) = check_history(repo.root, site, ["data", "content"], today=dt.date(2025, 1, 21))
    assert "索引号" in issue.message


def test_comments_and_layout_are_not_changes(repo):
    commit(repo.root, "2025-01-15")
    repo.edit(DATA, "# （一）予以公开", "# 予以公开（注释改了）")
    repo.edit(DATA, "[ 5, 1, 0, 0, 0, 0,  6]", "[5, 1, 0, 0, 0, 0, 6]")
    commit(repo.root, "2025-04-01")
    assert m7(repo) == []


def test_keeping_the_originals_errors_later_is_not_a_change(repo):
    """A portal that imported a report whose totals do not add up keeps them as published later
    (as_published): the figures are the same, so the publication is unchanged."""
    repo.set_row(DATA, "partial", "[1, 0, 0, 0, 0, 0, 2]")
    commit(repo.root, "2025-01-15")
    repo.edit(DATA, "unit: demo\n", "unit: demo\nas_published:\n  T3-3: 原件如此\n  T3-2: 原件如此\n")
    commit(repo.root, "2025-04-01")
    issues = repo.check()
    assert not found(issues, "M-7") and {i.check for i in issues if i.kept} == {"T3-2", "T3-3"}
    repo.set_row(DATA, "partial", "[1, 0, 0, 0, 0, 0, 3]")  # while a figure changed is one
    assert found(repo.check(), "M-7")


def test_a_blank_made_zero_is_a_change(repo):
    commit(repo.root, "2025-01-15")
    line = repo.set_row(DATA, "admin_license", "~")
    commit(repo.root, "2025-04-01")
    (issue,) = m7(repo)
    assert "空白" in issue.message and issue.location.line == line


def test_revision_note_covers_the_change_it_came_with_but_not_later_ones(repo):
    commit(repo.root, "2025-01-15")
    repo.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    repo.edit(DATA, "\n# 二、", "\nrevisions:\n  - {date: 2025-03-01, note: 更正予以公开数}\n\n# 二、")
    revised = commit(repo.root, "2025-03-04", "更正并注明")  # committed days after the note's date
    assert m7(repo) == []
    repo.set_row(DATA, "granted", "[7, 1, 0, 0, 0, 0, 8]")
    commit(repo.root, "2025-05-01", "又改了")
    (issue,) = m7(repo)
    assert "2025-03-01 修订后的版本" in issue.message and f"提交 {revised}" in issue.message
    assert "6 → 7" in issue.message


def test_report_imported_after_publication_is_compared_with_its_first_commit(repo):
    first = commit(repo.root, "2026-06-01", "导入旧年报")
    assert m7(repo) == []
    repo.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    commit(repo.root, "2026-07-01")
    (issue,) = m7(repo)
    assert "首次发布的版本" in issue.message and f"提交 {first}" in issue.message


def test_narrative_changes_are_reported_at_their_line_but_not_reflowing(repo):
    commit(repo.root, "2025-01-15")
    text = repo.read(TEXT)
    repo.write(TEXT, text.replace("扎实推进政务公开工作。", "扎实推进政务公开工作。\n"))  # a line break only
    commit(repo.root, "2025-02-01")
    assert m7(repo) == []
    line = repo.edit(TEXT, "本年度未收取信息处理费。", "本年度收取信息处理费 20 元。")
    (issue,) = m7(repo)
    assert (issue.location.file, issue.location.line) == (TEXT, line)
    assert f"正文自第 {line} 行起有改动" in issue.message


def test_shallow_clone_says_the_history_is_missing(repo, tmp_path):
    commit(repo.root, "2025-01-15")
    repo.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    commit(repo.root, "2025-03-02")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    from .conftest import SiteCopy

    (issue,) = found(SiteCopy(clone).check(), "M-7")
    assert issue.location is None and "浅克隆" in issue.message and "fetch-depth: 0" in issue.message


def test_portal_in_a_subfolder_of_the_repository(site, tmp_path):
    s = site("basic")
    top = s.root.parent
    git(top, "init", "-q")
    commit(top, "2025-01-15")
    s.set_row(DATA, "granted", "[6, 1, 0, 0, 0, 0, 7]")
    commit(top, "2025-03-02")
    (issue,) = m7(s)
    assert issue.location.file == DATA and "5 → 6" in issue.message


def test_report_and_status_pages_show_the_change(repo, tmp_path):
    """The public sees it on the report page, under 说明 of the 数据核验 box; evaluators on the
    status page, in the report's cell."""
    from .conftest import mkdocs_build

    commit(repo.root, "2025-01-15")
    repo.set_row(DATA, "admin_license", "13")
    commit(repo.root, "2025-03-02")
    out = tmp_path / "out"
    p = mkdocs_build(repo.root, out, strict=False)
    assert p.returncode == 0, p.stderr
    page = (out / "demo" / "2024" / "index.html").read_text(encoding="utf-8")
    box = page[page.index('id="nb-check-h"'):]
    box = box[: box.index("</section>")]
    assert "表二“行政许可” 12 → 13" in box and "（M-7）" in box
    status = (out / "status" / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="nb-st[^"]*">(.*?)</td>', status)
    changed = [c for c in cells if "发布后改动" in c]
    assert len(changed) == 1 and "demo/2024/" in changed[0]
    assert "其中发布后改动 1。" in status and "没有注明修订（M-7）" in status


def test_workflows_that_build_check_out_the_whole_history():
    """CI checks out one commit unless told otherwise: the build would only say M-7 was not checked."""
    import yaml

    from .conftest import ROOT

    building = 0
    for wf in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for name, job in yaml.safe_load(wf.read_text(encoding="utf-8"))["jobs"].items():
            steps = job.get("steps", [])
            if any("mkdocs build" in (s.get("run") or "") or "nianbao validate" in (s.get("run") or "") for s in steps):
                building += 1
                checkout = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
                assert checkout and checkout[0].get("with", {}).get("fetch-depth") == 0, f"{wf.name}: {name}"
    assert building >= 2


def test_a_table_as_printed_changed_after_publication(repo):
    """Reports for 2018 and before: the tables as printed are compared row by row."""
    from .test_legacy import DATA, TEXT

    repo.write("data/demo/2017.yml", DATA)
    repo.write("content/demo/2017.md", TEXT)
    commit(repo.root, "2018-03-01")
    line = repo.edit("data/demo/2017.yml", "[（一）收到申请数, 件, 5]", "[（一）收到申请数, 件, 6]")
    commit(repo.root, "2019-05-01")
    (issue,) = [i for i in m7(repo) if "2017" in i.file]
    assert "统计表 1“2017年政府信息公开情况统计表”第 5 行起有改动" in issue.message
    assert issue.location.line == line


def test_coarse_figures_changed_after_publication(repo):
    from .test_legacy import DATA, TEXT

    repo.write("data/demo/2017.yml", DATA)
    repo.write("content/demo/2017.md", TEXT)
    commit(repo.root, "2018-03-01")
    line = repo.edit("data/demo/2017.yml", "applications_received: 5", "applications_received: 6")
    (issue,) = [i for i in found(repo.check(), "M-7") if i.file and "2017" in i.file]  # uncommitted, long after publication
    assert "约数“收到申请” 5 → 6" in issue.message and issue.location.line == line


def test_the_users_git_configuration_does_not_change_the_reading(repo, tmp_path, monkeypatch):
    commit(repo.root, "2025-01-15")
    repo.set_row(DATA, "admin_license", "13")
    commit(repo.root, "2025-03-02")
    config = tmp_path / "gitconfig"
    config.write_text("[log]\n\tshowSignature = true\n\tdecorate = full\n[color]\n\tui = always\n[core]\n\tquotePath = true\n",
                      encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    (issue,) = m7(repo)
    assert "表二“行政许可” 12 → 13" in issue.message

"""Pages rendered in several processes (mkdocs_plugin/parallel.py): the same site as MkDocs's own
loop, byte for byte; a helper's warnings counted by --strict; a helper's failure fails the build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SITES, mkdocs_build, set_plugin_options


def build_verbose(project: Path, out: Path, strict: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-v", *(["--strict"] if strict else []), "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def tree(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_sample(tmp_path: Path, name: str, processes: int) -> Path:
    project = tmp_path / name
    shutil.copytree(SITES / "sample", project)
    set_plugin_options(project / "mkdocs.yml", render_processes=processes)
    return project


def test_pages_rendered_in_three_processes_equal_mkdocs_own_loop(tmp_path):
    """The whole site (pages, search index, open data) is the same, and no page is reported as skipped."""
    serial, parallel = copy_sample(tmp_path, "serial", 1), copy_sample(tmp_path, "parallel", 3)
    p1 = build_verbose(serial, tmp_path / "s1")
    p3 = build_verbose(parallel, tmp_path / "s3")
    assert p1.returncode == 0 and p3.returncode == 0, p1.stderr[-2000:] + p3.stderr[-2000:]
    assert "页面在一个进程中生成：render_processes 为 1" in p1.stderr
    assert "页面在 3 个进程中生成" in p3.stderr
    assert "Page skipped" not in p3.stderr
    a, b = tree(tmp_path / "s1"), tree(tmp_path / "s3")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    # the validation warnings of the sample county are logged once, whichever process renders the page
    warnings = [ln for ln in p1.stderr.splitlines() if ln.startswith("WARNING")]
    assert warnings and sorted(warnings) == sorted(ln for ln in p3.stderr.splitlines() if ln.startswith("WARNING"))


@pytest.mark.parametrize("broken", [0, 1])
def test_a_warning_while_a_helper_renders_a_page_fails_a_strict_build(tmp_path, broken):
    """A broken link in a narrative is MkDocs's warning, logged while the page is rendered: in the
    parent or in a helper (two adjacent pages: one of each), --strict counts it and publishes nothing."""
    work = tmp_path / "basic"
    shutil.copytree(SITES / "basic", work)
    set_plugin_options(work / "mkdocs.yml", render_processes=2)
    page = ["demo/2019.md", "demo/2020.md"][broken]
    md = work / "content" / page
    md.write_text(md.read_text(encoding="utf-8") + "\n见[另一份报告](../nowhere/2024.md)。\n", encoding="utf-8")
    out = tmp_path / "site"
    p = mkdocs_build(work, out, strict=True)
    assert p.returncode != 0
    assert sum("nowhere/2024.md" in ln for ln in p.stderr.splitlines()) == 1, p.stderr
    assert "Traceback" not in p.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("site.nianbao-*")) and not list(tmp_path.glob(".nianbao-*"))
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode == 0 and sum("nowhere/2024.md" in ln for ln in p.stderr.splitlines()) == 1


@pytest.mark.parametrize("year", [2019, 2020])
def test_a_page_that_cannot_be_rendered_fails_the_build_in_whichever_process(tmp_path, year):
    """A template that fails for one report page: the build fails with MkDocs's message naming the
    page, whether the parent or a helper renders it, and nothing is published."""
    work = tmp_path / "basic"
    shutil.copytree(SITES / "basic", work)
    set_plugin_options(work / "mkdocs.yml", render_processes=2, templates_dir="my-templates")
    (work / "my-templates").mkdir()
    original = (Path(__file__).resolve().parent.parent / "plugins/nianbao/templates/report_years.html").read_text(encoding="utf-8")
    (work / "my-templates/report_years.html").write_text(
        f"{{% if unit.id == 'demo' and years|selectattr(2)|map(attribute=0)|first == {year} %}}{{{{ no_such_value }}}}{{% endif %}}" + original,
        encoding="utf-8")
    out = tmp_path / "site"
    p = mkdocs_build(work, out, strict=False)
    assert p.returncode != 0
    assert f"Error reading page 'demo/{year}.md'" in p.stderr and "no_such_value" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and "Page skipped" not in p.stderr
    assert sum("Error reading page" in ln for ln in p.stderr.splitlines()) == 1  # no other page blamed
    assert not out.exists()
    assert not list(tmp_path.glob("site.nianbao-*")) and not list(tmp_path.glob(".nianbao-*"))


def test_another_plugin_with_page_events_keeps_mkdocs_own_loop():
    from types import SimpleNamespace

    from mkdocs.plugins import BasePlugin

    from nianbao.mkdocs_plugin.parallel import why_serial
    from nianbao.mkdocs_plugin.plugin import NianbaoPlugin

    class Collects(BasePlugin):
        def on_page_content(self, html, *, page, config, files):
            return html

    class Quiet(BasePlugin):
        def on_post_build(self, *, config):
            pass

    me = NianbaoPlugin()
    config = SimpleNamespace(plugins={"nianbao": me, "quiet": Quiet()})  # what why_serial reads of the config
    assert why_serial(config, me, True, "build", False, 10, 2) is None
    assert why_serial(config, me, True, "serve", False, 10, 2) is not None
    assert why_serial(config, me, True, "build", True, 10, 2) is not None  # --dirty
    assert why_serial(config, me, False, "build", False, 10, 2) is not None  # a hand-written nav
    assert why_serial(config, me, True, "build", False, 10, 1) is not None
    config.plugins["collects"] = Collects()
    assert "collects" in why_serial(config, me, True, "build", False, 10, 2)


def test_a_helper_that_dies_is_a_clear_failure_not_a_hang():
    """A helper killed (out of memory, a signal) before it reports: the parent says so and goes on
    to fail the build instead of waiting for it."""
    from types import SimpleNamespace

    from nianbao.mkdocs_plugin.parallel import HelperFailed, Helpers

    files = SimpleNamespace(documentation_pages=lambda inclusion=None: [])
    helpers = Helpers(None, files, None, {}, 2, lambda page: None, lambda conn: os._exit(9))
    with pytest.raises(HelperFailed, match="意外退出（退出码 9"):
        helpers.drain(wait=True)
    helpers.terminate()

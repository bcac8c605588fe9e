"""Glue only: load and validate through the core, add the generated pages, fill them in.

- ``on_pre_build`` validates before MkDocs writes anything; errors abort the build with the CLI's
  messages (whether or not ``--strict`` is given), warnings go to the plugin logger.
- With ``build_atomic`` the site is built into a sibling staging folder that replaces ``site_dir``
  only after the whole build (including ``--strict``'s warning count) succeeded.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import shutil
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from .. import pages as P
from ..issues import ERROR, INFO, WARNING, format_text, summary
from ..export import SITE_FILES, write_site_exports
from ..searchindex import SearchIndexError, run_pagefind
from ..validate import check_site, issues_by_report
from .config import NianbaoConfig

log = get_plugin_logger(__name__)

ASSETS = ("nianbao/nianbao.css", "nianbao/nianbao.js")  # on every page
PAGE_ASSETS = ("nianbao/search.js",)  # copied; loaded by the pages that need them


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


class NianbaoPlugin(BasePlugin[NianbaoConfig]):
    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        self.command = None
        self.site = None
        self.issues = []
        self.by_report = {}
        self.specs: dict[str, P.PageSpec] = {}
        self._stashes: dict[str, P.Stash] = {}  # generated HTML per page, restored after Markdown
        self._exports = None  # the worker's result: sizes of the open-data files it wrote
        self._pool = None
        self._export_dir = None
        self._real_site_dir = None
        self._counter = None

    # ------------------------------------------------------------------------------- config

    def on_startup(self, *, command, dirty):
        self.command = command

    def on_config(self, config):
        if not self.config.enabled:
            return
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self.data_dir = (root / self.config.data_dir).resolve()
        self.docs_dir = Path(config.docs_dir).resolve()
        self.user_dirs = (str((root / self.config.templates_dir).resolve()),) if self.config.templates_dir else ()
        # nianbao's theme folder (关怀版 toggle) comes after the portal's custom_dir, before Material
        theme_dir = str(Path(__file__).resolve().parent.parent / "theme")
        if theme_dir not in config.theme.dirs:
            custom = config.theme.custom_dir
            config.theme.dirs.insert(1 if custom else 0, theme_dir)
        for asset in ASSETS:
            if asset.endswith(".css") and asset not in config.extra_css:
                config.extra_css.append(asset)
            if asset.endswith(".js") and asset not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(asset)
        if self.config.nav_generate and not config.nav:
            config.nav = [
                {"首页": P.HOME_URI},
                {"单位一览": P.UNITS_URI},
                {"年度对比": P.YEARS_URI},
                {"发布情况": P.STATUS_URI},
                {"数据下载": P.DATA_URI},
            ]
            # reports are reached from index pages, not listed in the nav: say so quietly
            config.validation.nav.omitted_files = logging.DEBUG
        if self.config.build_atomic and self.command in ("build", "gh-deploy"):
            real = Path(config.site_dir)
            staging = real.with_name(real.name + ".nianbao-staging")
            shutil.rmtree(staging, ignore_errors=True)
            self._real_site_dir = real
            config.site_dir = str(staging)
            self._counter = _Counter()
            logging.getLogger("mkdocs").addHandler(self._counter)
        return config

    # ------------------------------------------------------------------------------- validation

    def on_pre_build(self, *, config):
        if not self.config.enabled:
            return
        content_rel = self.docs_dir.relative_to(self.root) if self.docs_dir.is_relative_to(self.root) else self.docs_dir
        data_rel = self.data_dir.relative_to(self.root) if self.data_dir.is_relative_to(self.root) else self.data_dir
        result, issues = check_site(self.root, str(data_rel), str(content_rel))
        self.site, self.issues = result.site, issues
        self.by_report = issues_by_report(issues, result.site)
        self._data_rel, self._content_rel = str(data_rel), str(content_rel)
        fail = [i for i in issues if i.severity is ERROR or (self.config.validation_fail_on == "warning" and i.severity is WARNING)]
        for i in issues:
            if i.severity is WARNING and i not in fail:
                log.warning(i.format())
            elif i.severity is INFO and self.config.validation_log_info:
                log.info(i.format())
        if not fail and self.config.export_enabled:
            self._start_exports(config)
        if fail:
            raise PluginError(
                "年报数据核验未通过，网站未生成：\n"
                + format_text(fail, self.root)
                + f"\n（{summary(issues)}；运行 nianbao validate 查看全部）"
            )

    # ------------------------------------------------------------------------------- files & pages

    def on_files(self, files: Files, *, config):
        if not self.config.enabled or self.site is None:
            return files
        self.specs = {}
        for spec in P.site_pages(self.site):
            self.specs[spec.src_uri] = spec
            if files.get_file_from_path(spec.src_uri) is None:
                files.append(File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.INCLUDED))
        pkg_assets = Path(__file__).resolve().parent.parent / "assets"
        for asset in ASSETS + PAGE_ASSETS:
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(pkg_assets / Path(asset).name)))
        return files

    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            return markdown

        def link(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            return target.url_relative_to(page.file) if target else "#"

        site, ud = self.site, self.user_dirs
        stash = self._stashes[page.file.src_uri] = P.Stash()
        if spec.kind == "report":
            report = site.reports[(spec.unit, spec.year)]
            licence = (self.config.export_licence or P.DEFAULT_LICENCE) if self.config.export_enabled else None
            md = P.report_markdown(site, report, self.by_report.get(report.key, []), link, ud, stash, downloads=licence)
            if licence is not None:
                page.meta["nianbao_alternate"] = f"{link(P.HOME_URI)}data/reports/{report.unit}/{report.year}.json"
        elif spec.kind == "unit":
            md = P.unit_markdown(site, site.units[spec.unit], link, self.by_report, ud, stash)
        elif spec.kind == "units":
            md = P.units_markdown(site, link, ud, stash)
        elif spec.kind == "years":
            md = P.years_markdown(site, link, ud, stash)
        elif spec.kind == "year":
            md = P.year_markdown(site, spec.year, link, ud, stash)
        elif spec.kind == "rollup":
            md = P.rollup_markdown(site, spec.unit, spec.year, link, ud, stash)
        elif spec.kind == "status":
            md = P.status_markdown(site, self.by_report, link, ud, stash)
        elif spec.kind == "home":
            md = P.home_markdown(site, link, markdown, ud, stash)
        elif spec.kind == "data":
            md = P.data_markdown(site, link, SITE_FILES, self.config.export_licence or P.DEFAULT_LICENCE,
                                 P.revisions(site), ud, stash)
        elif spec.kind == "search":
            md = P.search_markdown(link(P.HOME_URI), ud, stash)
        else:  # pragma: no cover - every kind is handled above
            md = markdown
        return md

    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled:
            return html
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            # what authors wrote is sanitised; nianbao's own HTML is restored in on_post_page, untouched
            html = P.sanitize(html)
        if self.config.search_enabled and spec is not None and spec.kind in P.INDEXED_KINDS:
            html = P.search_wrap(html, P.search_attributes(self.site, spec))
        if self.config.notice:
            html = P.notice_html(self.config.notice, self.user_dirs) + html
        return html

    def on_post_page(self, output, *, page, config):
        """nianbao's generated HTML goes in as each page is written (MkDocs renders the Markdown of
        every page before writing any: the big tables are made here, one page at a time)."""
        stash = self._stashes.pop(page.file.src_uri, None)
        return stash.restore(output) if stash is not None else output

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            server.watch(str(self.data_dir))
        return server

    # ------------------------------------------------------------------------------- search index

    def _start_exports(self, config) -> None:
        """The open-data files are made in a worker process on another core while MkDocs renders."""
        self._export_dir = tempfile.mkdtemp(prefix="nianbao-export-")
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._exports = self._pool.submit(write_site_exports, str(self.root), self._data_rel, self._content_rel, self._export_dir)

    def _stop_exports(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._export_dir:
            shutil.rmtree(self._export_dir, ignore_errors=True)
            self._export_dir = None
        self._exports = None

    @event_priority(10)
    def _write_exports(self, *, config):
        if self._exports is None:
            return
        try:
            sizes = self._exports.result()
            target = Path(config.site_dir) / "data"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copytree(self._export_dir, target, dirs_exist_ok=True)
            page = target / "index.html"
            if page.exists():
                page.write_text(P.fill_sizes(page.read_text(encoding="utf-8"), sizes), encoding="utf-8")
        finally:
            self._stop_exports()

    @event_priority(0)
    def _index_search(self, *, config):
        """Pagefind indexes the (staged) site; a failure fails the build, so nothing is published."""
        if not self.config.enabled or not self.config.search_enabled:
            return
        try:
            run_pagefind(config.site_dir)
        except SearchIndexError as e:
            raise PluginError(f"Pagefind 建立搜索索引失败：{e}") from None

    # ------------------------------------------------------------------------------- atomic output

    @event_priority(-100)  # after every other plugin (and the search index) has written its files
    def _swap_in(self, *, config):
        if self._real_site_dir is None:
            return
        staging, real = Path(config.site_dir), self._real_site_dir
        logging.getLogger("mkdocs").removeHandler(self._counter)
        config.site_dir = str(real)
        self._real_site_dir = None
        if config.strict and self._counter.count:
            # MkDocs is about to abort for warnings in strict mode: publish nothing
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = real.with_name(real.name + ".nianbao-old")
        shutil.rmtree(old, ignore_errors=True)
        if real.exists():
            real.rename(old)
        staging.rename(real)
        shutil.rmtree(old, ignore_errors=True)

    # index first, swap the finished site in last
    on_post_build = CombinedEvent(_write_exports, _index_search, _swap_in)

    def on_build_error(self, *, error):
        self._stop_exports()
        if self._real_site_dir is not None:
            staging = self._real_site_dir.with_name(self._real_site_dir.name + ".nianbao-staging")
            shutil.rmtree(staging, ignore_errors=True)
            if self._counter:
                logging.getLogger("mkdocs").removeHandler(self._counter)
            self._real_site_dir = None

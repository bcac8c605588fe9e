"""Glue only: load and validate through the core, add the generated pages, fill them in.

- ``on_pre_build`` validates before MkDocs writes anything; errors abort the build with the CLI's
  messages (whether or not ``--strict`` is given), warnings go to the plugin logger.
- With ``build_atomic`` the site is built into a sibling staging folder that replaces ``site_dir``
  only after the whole build (including ``--strict``'s warning count) succeeded.
- Under ``mkdocs serve`` an edit must show at once: files that did not change are not parsed again,
  pages whose inputs did not change are not rendered again (MkDocs keeps a plugin that has
  ``on_startup`` across the rebuilds of one ``serve``, so these caches live on it), and the open-data files and the search index are refreshed in the background after the
  pages are written (a newer edit cancels that work).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import multiprocessing
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from .. import pages as P
from ..issues import ERROR, INFO, WARNING, format_text, summary
from ..export import SITE_FILES, write_exports, write_site_exports
from ..export.checks import CHECKS_FILE, STATUS_FILE, checks_csv, status_csv
from ..export.checks import FILES as CHECK_FILES
from .. import __version__
from ..loadpool import can_fork, default_processes
from ..searchindex import PartIndexer, SearchIndexCancelled, SearchIndexError, run_pagefind
from ..validate import check_site, issues_by_report
from ..workdir import staging_dir, swap_in, work_dir_beside
from .config import NianbaoConfig
from .parallel import HelperFailed, Helpers, SkipFilter, why_serial

log = get_plugin_logger(__name__)

ASSETS = ("nianbao/nianbao.css", "nianbao/nianbao.js")  # on every page
PAGE_ASSETS = ("nianbao/search.js",)  # copied; loaded by the pages that need them


# renders nothing: on_post_page puts the cached page in (serve), or the page is another process's
CACHED_TEMPLATE = "nianbao_cached.html"


class _ServeState:
    """What ``mkdocs serve`` keeps between rebuilds."""

    def __init__(self):
        self.loads: dict = {}  # loader cache: file -> (signature, parsed result)
        self.pages: dict[str, tuple[str, str, str | None]] = {}  # src_uri -> (key, html, title)
        self.job: _BackgroundJob | None = None

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


class _BackgroundJob:
    """The open-data files and the search index of a served build, made after its pages are up."""

    def __init__(self, plugin: "NianbaoPlugin", site_dir: str):
        self.cancelled = threading.Event()
        self.plugin = plugin
        self.site_dir = site_dir
        self.thread = threading.Thread(target=self._run, name="nianbao-serve-background", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.plugin._write_exports_into(self.site_dir)
            if self.cancelled.is_set():
                return
            if self.plugin.config.search_enabled:
                run_pagefind(self.site_dir, cancel=self.cancelled, chunk_pages=self.plugin.config.search_part_pages)
            log.info("数据下载和搜索索引已在后台更新")
        except SearchIndexCancelled:
            pass
        except Exception as e:  # noqa: BLE001 - the preview stays up; say what failed
            if not self.cancelled.is_set():
                log.error(f"后台更新数据下载或搜索索引失败：{e}")
        finally:
            self.plugin._stop_exports()

    def cancel(self):
        self.cancelled.set()
        self.plugin._terminate_exports()
        self.thread.join()


class _ExportFailed(Exception):
    pass


def _export_child(source, out: str) -> None:
    """The worker: ``source`` is the loaded site (forked) or (root, data_dir, content_dir) to load."""
    try:
        if isinstance(source, tuple):
            write_site_exports(*source, out)
        else:
            write_exports(source, Path(out))
    except Exception as e:  # noqa: BLE001 - a message, not a traceback; the parent fails the build
        sys.stderr.write(f"nianbao: 写出开放数据文件失败：{e}\n")
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)  # nothing of the parent's (MkDocs's exit handlers, log handlers) runs in a forked copy


class _ExportWorker:
    """The process that writes the open-data files into ``out`` while MkDocs renders the pages."""

    def __init__(self, method: str, source, out: str):
        self.out = out
        self.proc = multiprocessing.get_context(method).Process(target=_export_child, args=(source, out), daemon=True)
        self.proc.start()

    def result(self) -> dict[str, int]:
        self.proc.join()
        if self.proc.exitcode != 0:
            raise _ExportFailed(self.proc.exitcode)
        return {path: (Path(self.out) / path).stat().st_size for path, _ in SITE_FILES}

    def terminate(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()


def _theme_language(config) -> str:
    """What Material writes in every page's ``<html lang>``: its translation of theme.language."""
    try:
        return config.theme.get_env().from_string(
            '{% import "partials/language.html" as lang with context %}{{ lang.t("language") }}').render(config=config).strip()
    except jinja2.TemplateError:
        return str(config.theme["language"] or "")


@contextlib.contextmanager
def _template_errors():
    """A template that fails (a portal's own, from templates_dir) is the build's error, not a traceback."""
    try:
        yield
    except jinja2.TemplateError as e:
        where = f"（{e.filename or e.name}，第 {e.lineno} 行）" if isinstance(e, jinja2.TemplateSyntaxError) else ""
        raise PluginError(f"模板出错{where}：{e.message or e}") from None


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
        self._exports: _ExportWorker | None = None  # writes the open-data files while the pages are rendered
        self._check_files: dict[str, bytes] = {}  # nianbao-status.csv, nianbao-checks.csv
        self._export_dir = None
        self._real_site_dir = None
        self._counter = None
        self._serving = False
        self._page_sig = None  # serve: what every page depends on; None = no page cache
        self._page_keys: dict[str, str] = {}
        self._page_hits: dict[str, str] = {}
        self._serve = _ServeState()
        self._indexer: PartIndexer | None = None  # a large site's search index, made while pages are written
        self._lang = ""  # the pages' <html lang>, for their search sources
        self._helper_conn = None  # in a helper process (only there): the pipe to the parent
        self._dirty = False
        self._helpers: Helpers | None = None  # processes rendering a share of the pages (parallel.py)
        self._skip: set[str] = set()  # pages a helper renders
        self._last_uri: str | None = None  # the last page, always this process's
        self._failed: str | None = None  # a helper's error: the build fails
        self._skip_filter: SkipFilter | None = None

    # ------------------------------------------------------------------------------- config

    def on_startup(self, *, command, dirty):
        self.command = command
        self._dirty = dirty

    def on_config(self, config):
        if not self.config.enabled:
            return
        if self.config.search_part_pages < 1:
            raise PluginError("nianbao 插件配置 search_part_pages 须为正整数（每部分搜索索引的页面数）")
        if self.config.render_processes < 0:
            raise PluginError("nianbao 插件配置 render_processes 须为 0（按处理器核数）或正整数")
        # a plugin with on_startup is kept by MkDocs across the rebuilds of one `mkdocs serve`
        self._serving = self.command == "serve"
        self._stashes, self._page_keys, self._page_hits, self._page_sig = {}, {}, {}, None
        self._indexer = None
        self._helpers, self._skip, self._last_uri, self._failed = None, set(), None, None
        if self._serving:
            self._serve.cancel_job()  # the previous build's background work writes into the folder about to be rebuilt
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
        self._generated_nav = self.config.nav_generate and not config.nav
        if self._generated_nav:
            config.nav = [
                {"首页": P.HOME_URI},
                {"单位一览": P.UNITS_URI},
                {"年度对比": P.YEARS_URI},
                {"发布情况": P.STATUS_URI},
            ] + ([{"数据下载": P.DATA_URI}] if self.config.export_enabled else [])
            # reports are reached from index pages, not listed in the nav: say so quietly
            config.validation.nav.omitted_files = logging.DEBUG
        if self.config.build_atomic and self.command in ("build", "gh-deploy"):
            real = Path(config.site_dir)
            staging = staging_dir(real)
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
        started = time.monotonic()
        self._data_rel, self._content_rel = str(data_rel), str(content_rel)

        def after_load(loaded):
            if not self._serving:
                # the site lives until the build ends: the cycle collector need not walk it (each full
                # collection while the pages are made would), nor write to it in forked processes
                gc.freeze()
            # the open data depends on the data only: its worker starts before the validation, on
            # the other core; it is stopped if the build fails
            if self.config.export_enabled and not any(i.severity is ERROR for i in loaded.issues):
                self.site = loaded.site
                self._start_exports(config)

        collecting = gc.isenabled()
        if not self._serving:
            gc.disable()  # until the loaded site is frozen (the loader turns it on again when it ends)
        try:
            result, issues = check_site(self.root, str(data_rel), str(content_rel), cache=self._serve.loads if self._serving else None,
                                        after_load=after_load, processes=self.config.render_processes or default_processes())
        finally:
            if collecting:
                gc.enable()
        log.debug(f"读取并核验 {len(result.site.reports)} 份报告：{time.monotonic() - started:.1f} 秒")
        self.site, self.issues = result.site, issues
        self.by_report = issues_by_report(issues, result.site)
        fail = [i for i in issues if i.severity is ERROR or (self.config.validation_fail_on == "warning" and i.severity is WARNING)]
        for i in issues:
            if i.severity is WARNING and i not in fail:
                log.warning(i.format())
            elif i.severity is INFO and self.config.validation_log_info:
                log.info(i.format())
        if fail:
            self._stop_exports()
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
        for spec in P.site_pages(self.site, data=self.config.export_enabled):
            self.specs[spec.src_uri] = spec
            if files.get_file_from_path(spec.src_uri) is None:
                files.append(File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.INCLUDED))
        self._check_files = {}
        if self.config.export_enabled:
            # what the checks found, for evaluators: written with the pages (the export worker
            # does not have the checks' results)
            self._check_files = {STATUS_FILE: status_csv(self.site, self.by_report), CHECKS_FILE: checks_csv(self.site, self.issues)}
            for name, data in self._check_files.items():
                if files.get_file_from_path(f"data/{name}") is None:
                    files.append(File.generated(config, f"data/{name}", content=data))
        pkg_assets = Path(__file__).resolve().parent.parent / "assets"
        for asset in ASSETS + PAGE_ASSETS:
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(pkg_assets / Path(asset).name)))
        if self._serving:
            self._page_sig = self._page_signature(config, files)
        return files

    @event_priority(-100)  # after the other plugins' on_nav: the helpers start from the final nav
    def on_nav(self, nav, *, config, files):
        if not self.config.enabled or self.site is None:
            return nav
        doc_files = files.documentation_pages()
        if self.config.search_enabled and not self._serving:
            # the indexed pages in the order they are built: the search index's parts
            indexed = [f.dest_uri for f in doc_files if f.src_uri in self.specs and self.specs[f.src_uri].kind in P.INDEXED_KINDS]
            self._indexer = PartIndexer(config.site_dir, indexed, self.config.search_part_pages)
            self._lang = _theme_language(config)
        count = self.config.render_processes or default_processes()
        reason = why_serial(config, self, self._generated_nav, self.command, self._dirty, len(doc_files), count)
        if reason is not None:
            log.debug(f"页面在一个进程中生成：{reason}")
            return nav
        count = min(count, len(doc_files))
        owners = {f.src_uri: i % count for i, f in enumerate(doc_files)}
        self._last_uri = doc_files[-1].src_uri
        owners[self._last_uri] = 0
        self._helpers = Helpers(config, files, nav, owners, count, self._helper_indexed, self._become_helper)
        self._skip = {uri for uri, w in owners.items() if w != 0}
        self._skip_filter = SkipFilter(self._elsewhere)
        log.debug(f"页面在 {count} 个进程中生成")
        return nav

    def _become_helper(self, conn) -> None:
        """Run first in a helper process: it renders and writes its pages; the parent does the rest."""
        self._helper_conn = conn

    def _helper_indexed(self, dest_uri: str) -> None:
        if self._indexer is not None:
            self._indexer.source_written(dest_uri)

    def _drain_helpers(self, finish: bool = False) -> None:
        """Take in what the helpers sent. A helper that failed fails the build: the rest of the pages
        are passed over and the error is raised after them (on_env or post_build), not from a page
        hook, which MkDocs would report as that page's error."""
        helpers = self._helpers
        try:
            if finish:
                self._helpers = None
                helpers.finish()
            else:
                helpers.drain()
        except HelperFailed as e:
            helpers.terminate()
            self._helpers, self._failed = None, str(e)

    def _elsewhere(self, uri: str) -> bool:
        """Whether this process passes over the page (a helper renders it, or a helper failed)."""
        return uri in self._skip or self._failed is not None

    def _raise_if_failed(self) -> None:
        if self._failed is not None:
            raise PluginError(f"页面生成失败：{self._failed}")

    def on_env(self, env, *, config, files):
        self._raise_if_failed()
        return env

    def _page_signature(self, config, files: Files) -> str | None:
        """What every page's HTML depends on besides its own inputs: the configuration, the set of
        pages (links, the nav) and the templates. None (no page cache) when a hand-written nav could
        show other pages' titles."""
        if not self._generated_nav:
            return None
        h = hashlib.sha256(__version__.encode())
        if config.config_file_path and os.path.isfile(config.config_file_path):
            h.update(Path(config.config_file_path).read_bytes())
        h.update("\n".join(sorted(f.src_uri for f in files)).encode("utf-8"))
        package = Path(__file__).resolve().parent.parent
        for d in [config.theme.custom_dir, *self.user_dirs, str(package / "templates"), str(package / "theme")]:
            for f in sorted(Path(d).rglob("*")) if d and os.path.isdir(d) else ():
                st = f.stat()
                h.update(f"{f}:{st.st_mtime_ns}:{st.st_size}\n".encode("utf-8"))
        return h.hexdigest()

    def on_page_read_source(self, *, page, config):
        if self._elsewhere(page.file.src_uri):
            return ""  # another process renders it
        return None

    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        if self._elsewhere(page.file.src_uri):
            page.meta["template"] = CACHED_TEMPLATE
            return ""
        with _template_errors():
            return self._page_markdown(markdown, page, files, config.site_dir)

    def _page_markdown(self, markdown, page, files, site_dir: str):
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            return markdown

        def link(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            return target.url_relative_to(page.file) if target else "#"

        site, ud = self.site, self.user_dirs
        stash = self._stashes[page.file.src_uri] = P.Stash()
        twins: list[tuple[str, bytes]] | None = [] if self.config.export_enabled else None
        if spec.kind == "report":
            report = site.reports[(spec.unit, spec.year)]
            licence = (self.config.export_licence or P.DEFAULT_LICENCE) if self.config.export_enabled else None
            md = P.report_markdown(site, report, self.by_report.get(report.key, []), link, ud, stash, downloads=licence)
        elif spec.kind == "unit":
            md = P.unit_markdown(site, site.units[spec.unit], link, self.by_report, ud, stash, twins=twins)
        elif spec.kind == "units":
            md = P.units_markdown(site, link, ud, stash)
        elif spec.kind == "years":
            md = P.years_markdown(site, link, ud, stash)
        elif spec.kind == "year":
            md = P.year_markdown(site, spec.year, link, ud, stash, twins=twins)
        elif spec.kind == "rollup":
            md = P.rollup_markdown(site, spec.unit, spec.year, link, ud, stash, twins=twins)
        elif spec.kind == "status":
            md = P.status_markdown(site, self.by_report, link, ud, stash, downloads=self.config.export_enabled)
        elif spec.kind == "home":
            md = P.home_markdown(site, link, markdown, ud, stash)
        elif spec.kind == "data":
            md = P.data_markdown(site, link, SITE_FILES + CHECK_FILES, self.config.export_licence or P.DEFAULT_LICENCE,
                                 P.revisions(site), ud, stash)
        elif spec.kind == "search":
            md = P.search_markdown(link(P.HOME_URI), ud, stash)
        else:  # pragma: no cover - every kind is handled above
            md = markdown
        for path, data in twins or ():
            # an index page's data, made with it (in whichever process makes the page)
            target = Path(site_dir) / "data" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if self._page_sig is not None:
            return self._from_cache(md, page, spec, stash)
        return md

    def _from_cache(self, md: str, page, spec: P.PageSpec, stash: P.Stash) -> str:
        """serve: a page whose inputs are those it was last rendered from is not rendered again."""
        h = hashlib.sha256(self._page_sig.encode())
        for part in (page.file.src_uri, repr(sorted(page.meta.items())), md):
            h.update(part.encode("utf-8") + b"\0")
        if self.config.search_enabled and spec.kind in P.INDEXED_KINDS:
            h.update(repr(P.search_attributes(self.site, spec)).encode("utf-8"))
        if not stash.fingerprint(h):
            return md
        key = h.hexdigest()
        cached = self._serve.pages.get(page.file.src_uri)
        if cached is not None and cached[0] == key:
            self._page_hits[page.file.src_uri] = cached[1]
            del self._stashes[page.file.src_uri]
            page.meta["template"] = CACHED_TEMPLATE
            if cached[2] is not None and "title" not in page.meta:
                page.meta["title"] = cached[2]  # other pages' nav and links show it
            return ""
        self._page_keys[page.file.src_uri] = key
        return md

    def on_page_content(self, html, *, page, config, files):
        if self._helpers is not None:
            self._drain_helpers()
        if not self.config.enabled or page.file.src_uri in self._page_hits or self._elsewhere(page.file.src_uri):
            return html
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            # what authors wrote is sanitised; nianbao's own HTML is restored in on_post_page, untouched
            html = P.sanitize(html)
        indexed = self.config.search_enabled and spec is not None and spec.kind in P.INDEXED_KINDS
        if indexed:
            html = P.search_wrap(html, P.search_attributes(self.site, spec))
        if self.config.notice:
            html = P.notice_html(self.config.notice, self.user_dirs) + html
        if indexed and self._indexer is not None:
            # the page's search source now, not when the page is written: the index's parts are made
            # while MkDocs is still reading the later pages
            with _template_errors():
                source = P.search_source(html, self._stashes.get(page.file.src_uri), self._lang)
            self._write_source(page.file.dest_uri, source)
            if self._helper_conn is not None:
                self._helper_conn.send(("indexed", page.file.dest_uri))
            else:
                self._indexer.source_written(page.file.dest_uri)
        return html

    def on_post_page(self, output, *, page, config):
        """nianbao's generated HTML goes in as each page is written (MkDocs renders the Markdown of
        every page before writing any: the big tables are made here, one page at a time)."""
        uri = page.file.src_uri
        if self._helpers is not None:
            self._drain_helpers(finish=uri == self._last_uri)
        if self._elsewhere(uri):
            return ""  # another process writes it (MkDocs's "Page skipped" note is filtered out)
        if uri in self._page_hits:
            return self._page_hits.pop(uri)
        stash = self._stashes.pop(uri, None)
        with _template_errors():
            output = stash.restore(output) if stash is not None else output
        if self._indexer is not None:
            self._check_indexed(page, output)
        if uri in self.specs:
            page.content = None  # written: at 10,000 reports the pages' HTML would hold ~0.3 GB until the end
        key = self._page_keys.pop(uri, None)
        if key is not None:
            self._serve.pages[uri] = (key, output, page.title)
        return output

    def _write_source(self, dest_uri: str, html: str) -> None:
        try:
            self._indexer.write_source(dest_uri, html)
        except SearchIndexError as e:
            raise PluginError(f"Pagefind 建立搜索索引失败：{e}") from None

    def _check_indexed(self, page, output: str) -> None:
        spec = self.specs.get(page.file.src_uri)
        if spec is not None and spec.kind in P.INDEXED_KINDS:
            lang = P.page_language(output)
            if lang != self._lang:  # the search page would look for another language's index
                raise PluginError(f"页面的 <html lang=\"{lang}\"> 与主题语言“{self._lang}”不一致（主题模板被改过？），搜索索引无法对应")
        elif "data-pagefind-body" in output:  # a page of the portal's own that asks to be indexed: in the last part
            self._write_source(page.file.dest_uri, output)

    def on_shutdown(self):
        self._serve.cancel_job()  # `mkdocs serve` stopped: no Pagefind or export worker left behind
        # the process ends: the collector need not walk a province's site once more on the way out
        gc.freeze()

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            server.watch(str(self.data_dir))
        return server

    # ------------------------------------------------------------------------------- open data

    def _start_exports(self, config) -> None:
        """The open-data files are made in a worker process on another core while the site is
        validated and rendered. ``mkdocs build`` forks it from this process, so it starts from the
        site already loaded; under ``serve`` (threads running) and where there is no fork, a fresh interpreter
        loads the site itself."""
        self._export_dir = str(work_dir_beside(config.site_dir, "export"))  # its files are moved in, not copied
        if not self._serving and can_fork():
            self._exports = _ExportWorker("fork", self.site, self._export_dir)
        else:
            self._exports = _ExportWorker("spawn", (str(self.root), self._data_rel, self._content_rel), self._export_dir)

    def _stop_exports(self) -> None:
        if self._exports is not None:
            self._exports.terminate()
        if self._export_dir:
            shutil.rmtree(self._export_dir, ignore_errors=True)
            self._export_dir = None
        self._exports = None

    def _terminate_exports(self) -> None:
        """Stop the worker now (serve: a newer edit supersedes its work; called from another thread)."""
        worker = self._exports
        if worker is not None:
            worker.terminate()

    def _write_exports_into(self, site_dir: str) -> None:
        """Wait for the worker, move its files into <site>/data/ and fill in the data page's sizes."""
        if self._exports is None:
            return
        try:
            started = time.monotonic()
            sizes = self._exports.result()
            log.debug(f"等待开放数据文件：{time.monotonic() - started:.1f} 秒")
        except _ExportFailed:
            raise PluginError("生成开放数据文件的子进程失败（见上方信息；或内存不足），网站未生成") from None
        target = Path(site_dir) / "data"
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(Path(self._export_dir).iterdir()):
            if (target / entry.name).exists():  # merge with what the site already has there
                if entry.is_dir():
                    shutil.copytree(entry, target / entry.name, dirs_exist_ok=True)
                else:
                    shutil.copyfile(entry, target / entry.name)
            else:  # ~40,000 files at province scale: one rename each top-level entry
                shutil.move(str(entry), str(target / entry.name))
        page = target / "index.html"
        if page.exists():
            sizes = {**sizes, **{name: len(data) for name, data in self._check_files.items()}}
            page.write_text(P.fill_sizes(page.read_text(encoding="utf-8"), sizes), encoding="utf-8")

    def _drop_skip_filter(self) -> None:
        """Stop filtering out MkDocs's "Page skipped" notes for the pages the helpers wrote."""
        if self._skip_filter is not None:
            self._skip_filter.remove()
            self._skip_filter = None

    @event_priority(10)
    def _write_exports(self, *, config):
        self._drop_skip_filter()  # every page is written (or passed over after a failure)
        self._raise_if_failed()
        if self._serving and self.config.enabled:
            # the pages are up: the open data and the search index follow in the background
            self._serve.job = _BackgroundJob(self, config.site_dir)
            return
        try:
            self._write_exports_into(config.site_dir)
        finally:
            self._stop_exports()

    # ------------------------------------------------------------------------------- search index

    @event_priority(0)
    def _index_search(self, *, config):
        """The search index's last parts (the first were indexed while the pages were written); a
        failure fails the build, so nothing is published."""
        if self._indexer is None:
            return
        try:
            started = time.monotonic()
            indexer, self._indexer = self._indexer, None
            indexer.finish()
            log.debug(f"Pagefind 搜索索引（生成结束后）：{time.monotonic() - started:.1f} 秒")
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
        swap_in(staging, real)

    # index first, swap the finished site in last
    on_post_build = CombinedEvent(_write_exports, _index_search, _swap_in)

    def on_build_error(self, *, error):
        if self._helpers is not None:
            self._helpers.terminate()
            self._helpers = None
        self._drop_skip_filter()
        self._stop_exports()
        if self._indexer is not None:
            self._indexer.abort()
            self._indexer = None
        if self._real_site_dir is not None:
            shutil.rmtree(staging_dir(self._real_site_dir), ignore_errors=True)
            if self._counter:
                logging.getLogger("mkdocs").removeHandler(self._counter)
            self._real_site_dir = None

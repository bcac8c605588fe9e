"""Rendering the pages of one ``mkdocs build`` in several processes.

MkDocs renders page after page in one process; a province's portal has tens of thousands of pages
and the machine has more than one core. After the navigation is made (``on_nav``), the plugin forks
helpers: each renders its share of the pages (Markdown, the theme, nianbao's blocks, the search
source) exactly as MkDocs would, writes them and exits; the parent renders the rest in MkDocs's own
loop, where the helpers' pages are passed over cheaply (no source read, empty Markdown, an empty
template, no output written).

The parent stays MkDocs's build: a helper sends back, through a pipe, its log records (re-logged in
the parent, so ``--strict`` counts them and they print once), each page whose search source it has
written (for the search index's parts), its pages' anchors (MkDocs checks links to anchors after all pages are
built) and how it ended. A helper's failure fails the build.

Used only where the result cannot differ from MkDocs's own loop: a plain ``build`` (not ``serve``,
not ``--dirty``), on a system with ``fork``, with nianbao's generated navigation (a page never shows
the title of a page rendered elsewhere) and no other plugin that hooks page events (such a plugin
could collect something across pages). Tests compare the output with the serial build byte for byte.

This calls MkDocs's ``_populate_page`` and ``_build_page`` (the two steps of its page loop, private
API of MkDocs 1.x, which ``pyproject.toml`` pins); :func:`render_pages` mirrors ``mkdocs.commands.
build.build`` for one process's pages.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os

from mkdocs.commands import build as mkdocs_build
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from ..loadpool import can_fork

PAGE_EVENTS = ("on_pre_page", "on_page_read_source", "on_page_markdown", "on_page_content", "on_page_context", "on_post_page")
SKIPPED_MESSAGE = "Page skipped: '"  # what MkDocs logs (INFO) for a page whose output is empty


class HelperFailed(Exception):
    pass


def why_serial(config, me: BasePlugin, generated_nav: bool, command: str | None, dirty: bool, pages: int, processes: int) -> str | None:
    """Why the pages must be rendered in one process, or None."""
    if processes < 2:
        return "render_processes 为 1"
    if command not in ("build", "gh-deploy") or dirty:
        return "只在完整的 mkdocs build 中使用"
    if not can_fork():
        return "系统不支持 fork"
    if not generated_nav:
        return "使用了自定义导航（nav）"
    if pages < 2:
        return "页面太少"
    for name, plugin in config.plugins.items():
        if plugin is me:
            continue
        hooked = [e for e in PAGE_EVENTS if getattr(type(plugin), e, None) is not getattr(BasePlugin, e, None)]
        if hooked:
            return f"插件 {name} 处理页面事件（{', '.join(hooked)}）"
    return None


class _PipeLog(logging.Handler):
    """In a helper: every record of MkDocs's loggers goes to the parent, which logs it."""

    def __init__(self, conn):
        super().__init__(logging.NOTSET)
        self.conn = conn

    def emit(self, record):
        self.conn.send(("log", record.name, record.levelno, record.getMessage()))


class SkipFilter(logging.Filter):
    """In the parent: MkDocs's note for each page it passes over ("Page skipped …": another process
    renders it) is not news. ``elsewhere(src_uri)`` says which pages those are."""

    LOGGER = "mkdocs.commands.build"

    def __init__(self, elsewhere):
        super().__init__()
        self.elsewhere = elsewhere
        logging.getLogger(self.LOGGER).addFilter(self)

    def filter(self, record):
        msg = record.getMessage()
        if msg.startswith(SKIPPED_MESSAGE):
            return not self.elsewhere(msg[len(SKIPPED_MESSAGE):].split("'", 1)[0])
        return True

    def remove(self) -> None:
        logging.getLogger(self.LOGGER).removeFilter(self)


def render_pages(config, files, nav, mine: list, conn) -> None:
    """A helper's work: MkDocs's page loop (``mkdocs.commands.build.build``) for ``mine`` only, each
    page read and written in turn. (MkDocs reads every page before writing any, so that a page can
    show another's title; here no page shows the title of a page that is not in the generated nav,
    and a page's HTML is let go as soon as it is written instead of all being held until the end.)"""
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
    env = config.theme.get_env()
    env = config.plugins.on_env(env, config=config, files=files)
    for file in mine:
        mkdocs_build._populate_page(file.page, config, files, False)
        mkdocs_build._build_page(file.page, config, doc_files, nav, env, False, excluded=file.inclusion.is_excluded())
    conn.send(("anchors", [(f.src_uri, f.page.present_anchor_ids,
                            {to.src_uri: links for to, links in (f.page.links_to_anchors or {}).items()}) for f in mine]))


def _helper_main(conn, config, files, nav, mine, setup) -> None:
    setup(conn)
    mkdocs_logger = logging.getLogger("mkdocs")
    for h in list(mkdocs_logger.handlers):
        mkdocs_logger.removeHandler(h)
    mkdocs_logger.addHandler(_PipeLog(conn))
    try:
        render_pages(config, files, nav, mine, conn)
        conn.send(("done", None))
        code = 0
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which fails the build
        try:
            conn.send(("failed", str(e) or type(e).__name__))
        except Exception:  # noqa: BLE001
            pass
        code = 1
    conn.close()
    os._exit(code)  # nothing of the parent's (MkDocs's exit, its handlers) runs in the copy


class Helpers:
    """The parent's side: the helpers it forked and what they send."""

    def __init__(self, config, files, nav, owners: dict[str, int], count: int, on_indexed, setup):
        """Fork ``count - 1`` helpers; helper ``w`` renders the pages ``owners`` gives to ``w`` (0 is
        this process) after calling ``setup(conn)`` in its process (``conn.send(("indexed", page))``
        there reaches ``on_indexed(page)`` here)."""
        self.on_indexed = on_indexed
        self.files = files
        self.anchors: list = []
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        ctx = multiprocessing.get_context("fork")
        self.procs: list = []
        gc.freeze()  # what the helpers share with this process: the collector need not touch (copy) it
        try:
            for w in range(1, count):
                mine = [f for f in doc_files if owners[f.src_uri] == w]
                recv, send = ctx.Pipe(duplex=False)
                p = ctx.Process(target=_helper_main, args=(send, config, files, nav, mine, setup), daemon=True,
                                name=f"nianbao-render-{w}")
                p.start()
                send.close()
                self.procs.append([p, recv, False])  # process, pipe, finished
        except BaseException:
            self.terminate()
            raise

    def drain(self, wait: bool = False) -> None:
        """Handle what the helpers sent; ``wait``: until each has finished."""
        for entry in self.procs:
            p, conn, finished = entry
            while not finished and (wait or conn.poll()):
                try:
                    kind, value, *rest = conn.recv()
                except EOFError:
                    p.join()
                    raise HelperFailed(f"页面生成子进程意外退出（退出码 {p.exitcode}；可能是内存不足）") from None
                if kind == "log":
                    name, levelno, msg = value, *rest
                    logging.getLogger(name).handle(logging.makeLogRecord(
                        {"name": name, "levelno": levelno, "levelname": logging.getLevelName(levelno), "msg": msg}))
                elif kind == "indexed":
                    self.on_indexed(value)
                elif kind == "anchors":
                    self.anchors += value
                elif kind == "failed":
                    entry[2] = finished = True
                    p.join()
                    raise HelperFailed(value)
                elif kind == "done":
                    entry[2] = finished = True
                    p.join()

    def finish(self) -> None:
        """Wait for the helpers; give their pages' anchors to the parent's copies (MkDocs checks
        links to anchors once every page is built)."""
        self.drain(wait=True)
        for src_uri, present, links in self.anchors:
            page = self.files.get_file_from_path(src_uri).page
            page.present_anchor_ids = present
            page.links_to_anchors = {self.files.get_file_from_path(to): v for to, v in links.items()}

    def terminate(self) -> None:
        for p, conn, _ in self.procs:
            if p.is_alive():
                p.terminate()
            p.join()
            conn.close()
        self.procs = []

"""Plugin options, in Material's style: ``enabled`` first, then grouped by prefix."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class NianbaoConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # where the data lives (relative to mkdocs.yml); the narrative lives in docs_dir
    data_dir = c.Type(str, default="data")

    # validation: errors always fail the build; "warning" makes warnings fail it too.
    # Warnings are logged at WARNING level, so `mkdocs build --strict` counts them.
    validation_fail_on = c.Choice(("error", "warning"), default="error")
    validation_log_info = c.Type(bool, default=False)

    # a notice shown at the top of every page, e.g. "示例数据：……" for a demonstration portal
    notice = c.Optional(c.Type(str))

    # navigation: a small, fixed nav of index pages (reports are reached from them)
    nav_generate = c.Type(bool, default=True)

    # search: Pagefind (Chinese segmentation) indexes the built site at the end of every build
    search_enabled = c.Type(bool, default=True)
    # a site of more pages than this is indexed in parts, one after another (Pagefind holds ~0.4 MB
    # per page in memory while indexing); the search page searches all parts at once
    search_part_pages = c.Type(int, default=2500)

    # open data: JSON, CSV and XLSX written into <site>/data/ on every build
    export_enabled = c.Type(bool, default=True)
    export_licence = c.Optional(c.Type(str))

    # templates: a folder searched before the package's own templates (override by path)
    templates_dir = c.Optional(c.Type(str))

    # build: the data files are read and the pages rendered in this many processes (0: one per core, at
    # most 4; 1: one process, MkDocs's own loop). Used only where the output cannot differ (see
    # loadpool.py and mkdocs_plugin/parallel.py)
    render_processes = c.Type(int, default=0)

    # build: write into a staging folder and swap it in only when the whole build succeeded
    build_atomic = c.Type(bool, default=True)

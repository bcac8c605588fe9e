"""HTML rendering: view models (plain data) and Jinja templates that only loop and branch.

Templates are looked up in the user's folders first (``templates_dirs``), then in the package, so a
portal can override any of them by path.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import jinja2
from markupsafe import escape

from ..formats import TableDef
from ..model import Table
from .tables import Cell, TableView, build_table_view, data_content  # noqa: F401


@lru_cache(maxsize=8)
def environment(user_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(list(user_dirs))] if user_dirs else []
    loaders.append(jinja2.PackageLoader("nianbao", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["zip"] = zip
    return env


def render(template: str, user_dirs: tuple[str, ...] = (), **context) -> str:
    return environment(tuple(user_dirs)).get_template(template).render(**context)


# An official table's structure (headers, stub, every id/headers attribute) is the same for every
# report of a format: the template is rendered once into a skeleton whose data cells hold slots, and
# each report only fills the slots (from the (row, column) each slot shows, without building the view
# again). Same output as rendering the template for every report.
_SLOT = re.compile("\ue000([KV])(\\d+)\ue001")
_skeletons: dict[tuple, tuple[list[str], list[tuple[str, int]], list, str]] = {}


def _data_cells(view: TableView) -> list[Cell]:
    return [c for rows in (view.head, *view.bodies) for row in rows for c in row if not c.header]


def _inner(text: str, sr_text: str | None) -> str:
    text = str(escape(text))
    if sr_text:
        shown = f'<span aria-hidden="true">{text}</span>' if text else ""
        return f'{shown}<span class="nb-sr">{escape(sr_text)}</span>'
    return text


def _skeleton(tdef: TableDef, id_prefix: str | None, caption: str | None, user_dirs: tuple[str, ...]):
    """(static text pieces, slots as (K|V, cell index), the (row key, column) of each data cell, the
    outline: the pieces joined, i.e. the table with its data cells empty)."""
    key = (id(tdef), id_prefix, caption, user_dirs)
    found = _skeletons.get(key)
    if found is None:
        view = build_table_view(tdef, None, id_prefix)
        if caption:
            view.caption = caption
        cells = _data_cells(view)
        sources = [c.source for c in cells]
        for i, c in enumerate(cells):
            c.text, c.kind, c.sr_text = f"\ue000V{i}\ue001", f"\ue000K{i}\ue001", None
        pieces = _SLOT.split(render("table.html", user_dirs, view=view))
        # split gives text, K|V, index, text, …
        texts = pieces[0::3]
        found = _skeletons[key] = (texts, [(k, int(i)) for k, i in zip(pieces[1::3], pieces[2::3])], sources, "".join(texts))
    return found


def table_outline(tdef: TableDef, id_prefix: str | None = None, caption: str | None = None, user_dirs: tuple[str, ...] = ()) -> str:
    """The table's HTML with its data cells empty: the elements of every table of the format (the
    same string object each time)."""
    return _skeleton(tdef, id_prefix, caption, tuple(user_dirs))[3]


def render_table(
    tdef: TableDef, table: Table | None, id_prefix: str | None = None, caption: str | None = None,
    user_dirs: tuple[str, ...] = (),
) -> str:
    texts, slots, sources, _outline = _skeleton(tdef, id_prefix, caption, tuple(user_dirs))
    content = [data_content(table, row_key, col) for row_key, col in sources]
    out = [texts[0]]
    for (kind, i), text in zip(slots, texts[1:]):
        text_i, kind_i, sr_i = content[i]
        # a number's text is digits, sign and point: nothing to escape
        out.append(kind_i if kind == "K" else text_i if kind_i == "number" else _inner(text_i, sr_i))
        out.append(text)
    return "".join(out)


__all__ = ["render", "render_table", "table_outline", "build_table_view", "environment", "replace"]

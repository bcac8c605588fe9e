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
from .tables import Cell, TableView, build_table_view  # noqa: F401


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
# each report only fills the slots. Same output as rendering the template for every report.
_SLOT = re.compile("\ue000([KV])(\\d+)\ue001")
_skeletons: dict[tuple, str] = {}


def _data_cells(view: TableView) -> list[Cell]:
    return [c for rows in (view.head, *view.bodies) for row in rows for c in row if not c.header]


def cell_inner(c: Cell) -> str:
    """A data cell's content: the number, or what a screen reader announces for blank / NA cells."""
    text = str(escape(c.text))
    if c.sr_text:
        shown = f'<span aria-hidden="true">{text}</span>' if c.text else ""
        return f'{shown}<span class="nb-sr">{escape(c.sr_text)}</span>'
    return text


def render_table(
    tdef: TableDef, table: Table | None, id_prefix: str | None = None, caption: str | None = None,
    user_dirs: tuple[str, ...] = (),
) -> str:
    view = build_table_view(tdef, table, id_prefix)
    if caption:
        view.caption = caption
    data = _data_cells(view)
    key = (id(tdef), view.id, view.caption, tuple(user_dirs))
    skeleton = _skeletons.get(key)
    if skeleton is None:
        slots = build_table_view(tdef, None, id_prefix)
        slots.caption = view.caption
        for i, c in enumerate(_data_cells(slots)):
            c.text, c.kind, c.sr_text = f"\ue000V{i}\ue001", f"\ue000K{i}\ue001", None
        skeleton = _skeletons[key] = render("table.html", user_dirs, view=slots)
    return _SLOT.sub(lambda m: data[int(m[2])].kind if m[1] == "K" else cell_inner(data[int(m[2])]), skeleton)


__all__ = ["render", "render_table", "build_table_view", "environment", "replace"]

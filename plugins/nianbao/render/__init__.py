"""HTML rendering: view models (plain data) and Jinja templates that only loop and branch.

Templates are looked up in the user's folders first (``templates_dirs``), then in the package, so a
portal can override any of them by path.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

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
    return env


def render(template: str, user_dirs: tuple[str, ...] = (), **context) -> str:
    return environment(tuple(user_dirs)).get_template(template).render(**context)

"""A national portal from shards: each shard (a province or a city) is an ordinary nianbao portal,
built by its own ``mkdocs build`` (in parallel, e.g. a GitHub Actions matrix); ``assemble`` puts
them into one site tree with national roll-ups computed from the shards' exported data and one
search page over every shard's Pagefind bundle (Pagefind's multisite ``mergeIndex``).

    nianbao assemble --out site  beijing=shards/beijing  shanxi=shards/shanxi  …
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .canonical import report_from_canonical
from .indexes import comparable_columns, column_value, rollup
from .model import Contact, Site, Unit
from .render import render, render_table
from .searchindex import PARTS_FILE

SHARD_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ROOT_ID = "national"


class AssembleError(Exception):
    pass


@dataclass
class Shard:
    name: str
    site_dir: Path
    title: str
    reports: int
    bundles: tuple[str, ...] = ("pagefind/",)  # the shard's search bundles, relative to its folder


def _title(site_dir: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", (site_dir / "index.html").read_text(encoding="utf-8"), re.S)
    return re.sub(r"\s+", " ", m[1]).split(" - ")[-1].strip() if m else site_dir.name


def combined_site(shards: list[tuple[str, Path]], title: str) -> Site:
    """The shards' exported data as one model: a national root above each shard's top-level units."""
    units: dict[str, Unit] = {ROOT_ID: Unit(ROOT_ID, title, title, "直辖市")}
    site = Site(root="", units=units, reports={})
    for name, d in shards:
        for u in json.loads((d / "data/units.json").read_text(encoding="utf-8")):
            uid = f"{name}--{u['id']}"
            parent = f"{name}--{u['parent']}" if u["parent"] else ROOT_ID
            units[uid] = Unit(uid, u["name"], u["full_name"], u["kind"], parent, u.get("credit_code"), Contact(**u["contact"]))
        for doc in json.loads((d / "data/nianbao-all.json").read_text(encoding="utf-8"), parse_float=Decimal):
            r = report_from_canonical(doc, unit=f"{name}--{doc['unit']}")
            site.reports[(r.unit, r.year)] = r
    site.reindex()
    return site


def _css(site_dir: Path) -> list[str]:
    found = sorted((site_dir / "assets/stylesheets").glob("main.*.min.css")) + sorted((site_dir / "assets/stylesheets").glob("palette.*.min.css"))
    return [p.relative_to(site_dir).as_posix() for p in found] + ["nianbao/nianbao.css"]


def assemble(out: Path, shards: list[tuple[str, Path]], title: str = "政府信息公开工作年度报告（全国汇总）") -> list[Shard]:
    if not shards:
        raise AssembleError("没有分站")
    names = [n for n, _ in shards]
    for n, d in shards:
        if not SHARD_NAME.match(n):
            raise AssembleError(f"分站名“{n}”须由小写英文字母、数字、- 或 _ 组成（用作网址）")
        for need in ("index.html", "data/nianbao-all.json", "data/units.json", "pagefind/pagefind-entry.json"):
            if not (d / need).exists():
                raise AssembleError(f"分站 {n}（{d}）缺少 {need}：请先用 nianbao 插件完整生成该分站")
    if len(set(names)) != len(names):
        raise AssembleError("分站名重复")
    shards = sorted(shards)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    info = []
    for n, d in shards:
        shutil.copytree(d, out / n)
        parts_file = d / "pagefind" / PARTS_FILE
        parts = json.loads(parts_file.read_text(encoding="utf-8")) if parts_file.exists() else []
        info.append(Shard(n, out / n, _title(d), len(json.loads((d / "data/nianbao-all.json").read_text(encoding="utf-8"))),
                          ("pagefind/", *(f"pagefind/{p}" for p in parts))))
    site = combined_site([(n, out / n) for n, _ in shards], title)
    first = shards[0][0]
    css = [f"{first}/{p}" for p in _css(out / first)]
    years = sorted({y for (_u, y) in site.reports})
    cols = comparable_columns()

    def page(path: str, heading: str, body: str) -> None:
        depth = path.count("/")
        root = "../" * depth
        html = render("assembled_page.html", title=title, heading=heading, body=body, root=root, css=[root + c for c in css])
        p = out / path / "index.html" if path else out / "index.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")

    per_year = []
    for y in years:
        ro = rollup(site, ROOT_ID, y)
        breakdown = []
        for s in info:
            mine = [r for (u, yy), r in site.reports.items() if yy == y and u.startswith(f"{s.name}--")]
            values = []
            for c in cols:
                vs = [column_value(r, c) for r in mine]
                nums = [v.value for v in vs if v.value is not None]
                values.append(sum(nums) if nums else None)
            breakdown.append({"shard": s, "reports": len(mine), "figures": values})
        tables = [render_table(ro.format.table(t), ro.tables[t], f"n{t.lower()}", f"{ro.format.table(t).title}（全国汇总）")
                  for t in ("T2", "T3", "T4")]
        body = render("assembled_rollup.html", ro=ro, year=y, tables=tables, sections=[s for s in ro.format.sections if s.kind == "table"],
                      breakdown=breakdown, columns=cols, root="../../")
        page(f"rollup/{y}", f"{y}年度全国汇总", body)
        per_year.append({"year": y, "reports": len(ro.included), "units": ro.total_units})
    page("", title, render("assembled_home.html", shards=info, years=per_year, total=len(site.reports)))
    page("search", "搜索全部分站", render("assembled_search.html", shards=info, root="../"))
    (out / "data").mkdir(exist_ok=True)
    (out / "data/shards.json").write_text(
        json.dumps([{"name": s.name, "title": s.title, "reports": s.reports} for s in info], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    return info

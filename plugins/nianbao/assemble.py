"""A national portal from shards: each shard (a province or a city) is an ordinary nianbao portal,
built by its own ``mkdocs build`` (in parallel, e.g. a GitHub Actions matrix); ``assemble`` puts
them into one site tree with national roll-ups computed from the shards' exported data and one
search page over every shard's Pagefind bundle (Pagefind's multisite ``mergeIndex``).

    nianbao assemble --out site  beijing=shards/beijing  shanxi=shards/shanxi  …
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .canonical import report_from_canonical
from .export.checks import FILES as CHECK_FILES
from .export.checks import STATUS_FILE
from .indexes import LEGACY_REASON, REGION_AGGREGATE, Rollup, RollupSums, comparable_columns, column_value, descendants, make_rollup, rollup_format, why_not_summed
from .model import Contact, Site, Unit
from .render import render, render_table
from .searchindex import PARTS_FILE
from .workdir import staging_dir, swap_in

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


_SPACE = re.compile(r"[ \t\n\r]*")


def _json_array(path: Path):
    """The items of the JSON array in ``path``, one at a time (a shard's nianbao-all.json holds every
    report: parsed whole, a province's would take gigabytes), numbers exact (Decimal)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AssembleError(f"无法读取 {path}：{e}") from None
    decoder = json.JSONDecoder(parse_float=Decimal)

    def error(i: int, msg: str) -> AssembleError:
        return AssembleError(f"{path} 第 {text.count(chr(10), 0, i) + 1} 行：{msg}")

    i = _SPACE.match(text).end()
    if text[i : i + 1] != "[":
        raise error(i, "应为 JSON 数组")
    i = _SPACE.match(text, i + 1).end()
    if text[i : i + 1] == "]":
        i += 1
    else:
        while True:
            try:
                item, i = decoder.raw_decode(text, i)
            except json.JSONDecodeError as e:
                raise error(e.pos, f"JSON 格式错误：{e.msg}") from None
            yield item
            i = _SPACE.match(text, i).end()
            if text[i : i + 1] == ",":
                i = _SPACE.match(text, i + 1).end()
            elif text[i : i + 1] == "]":
                i += 1
                break
            else:
                raise error(i, "JSON 格式错误：数组中应为“,”或“]”")
    if _SPACE.match(text, i).end() != len(text):
        raise error(i, "JSON 格式错误：数组之后还有内容")


def _shard_units(name: str, d: Path) -> list[Unit]:
    path = d / "data/units.json"
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
        return [Unit(f"{name}--{u['id']}", u["name"], u["full_name"], u["kind"],
                     f"{name}--{u['parent']}" if u["parent"] else ROOT_ID, u.get("credit_code"), Contact(**u["contact"]))
                for u in listed]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise AssembleError(f"无法读取分站 {name} 的单位名录 {path}：{e}") from None


@dataclass
class National:
    """What the national pages need, gathered a shard at a time: every unit (a national root above
    each shard's top-level units), the roll-up sums and, per shard and year, the report count and
    main figures. No report is kept: memory does not grow with the number of shards."""

    site: Site  # units only
    columns: list  # the main figures (indexes.comparable_columns) in the per-shard table
    sums: dict[int, RollupSums] = field(default_factory=dict)
    reasons: dict[int, dict[str, str | None]] = field(default_factory=dict)  # year -> unit -> None (summed) or why not
    figures: dict[tuple[str, int], list] = field(default_factory=dict)  # (shard, year) -> [reports, [sum or None per column]]
    reports: dict[str, int] = field(default_factory=dict)  # shard -> reports

    @property
    def years(self) -> list[int]:
        return sorted(self.reasons)

    def rollup(self, year: int) -> Rollup:
        sums = self.sums.get(year) or RollupSums(rollup_format(year))
        return make_rollup(self.site.units[ROOT_ID], year, descendants(self.site, ROOT_ID), self.reasons.get(year, {}), sums)

    def breakdown(self, shard: str, year: int) -> tuple[int, list]:
        return tuple(self.figures.get((shard, year), [0, [None] * len(self.columns)]))


def gather(shards: list[tuple[str, Path]], title: str) -> National:
    """Read each shard's exported data (data/units.json, data/nianbao-all.json) in turn."""
    units: dict[str, Unit] = {ROOT_ID: Unit(ROOT_ID, title, title, "直辖市")}
    nat = National(Site(root="", units=units, reports={}), comparable_columns())
    cols = nat.columns
    for name, d in shards:
        mine = _shard_units(name, d)
        units.update((u.id, u) for u in mine)
        for u in mine:
            if u.parent not in units:
                raise AssembleError(f"分站 {name} 的单位名录中，{u.name}（{u.id.split('--', 1)[1]}）的上级不在名录中")
        path = d / "data/nianbao-all.json"
        count = 0
        for count, doc in enumerate(_json_array(path), start=1):
            try:
                r = report_from_canonical(doc, unit=f"{name}--{doc['unit']}")
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                raise AssembleError(f"{path}：第 {count} 份年报的数据无法读取（{type(e).__name__}: {e}）") from None
            if r.unit not in units:
                raise AssembleError(f"{path}：{r.year} 年度年报的单位“{doc['unit']}”不在分站 {name} 的单位名录中")
            fmt = rollup_format(r.year)
            why = why_not_summed(r, fmt)
            nat.reasons.setdefault(r.year, {})[r.unit] = why
            if why is None:
                nat.sums.setdefault(r.year, RollupSums(fmt)).add(r)
            fig = nat.figures.setdefault((name, r.year), [0, [None] * len(cols)])
            fig[0] += 1
            if r.meta.scope == REGION_AGGREGATE:
                continue  # its units' own reports are in the shard's figures (indexes.AGGREGATE_REASON)
            for i, c in enumerate(cols):
                v = column_value(r, c).value
                if v is not None:
                    fig[1][i] = v if fig[1][i] is None else fig[1][i] + v
        nat.reports[name] = count
    nat.site.reindex()
    return nat


def _css(site_dir: Path) -> list[str]:
    found = sorted((site_dir / "assets/stylesheets").glob("main.*.min.css")) + sorted((site_dir / "assets/stylesheets").glob("palette.*.min.css"))
    return [p.relative_to(site_dir).as_posix() for p in found] + ["nianbao/nianbao.css"]


def assemble(out: Path, shards: list[tuple[str, Path]], title: str = "政府信息公开工作年度报告（全国汇总）",
             link: bool = False) -> list[Shard]:
    """Assemble the built ``shards`` ((name, folder), …) into ``out``. With ``link`` the shards' files are
    hard-linked into ``out`` where they are on the same disk (no second copy of hundreds of gigabytes;
    the shard folders must then not be changed in place), copied otherwise."""
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
    out = Path(out).resolve()
    for n, d in shards:
        d = d.resolve()
        if d == out or d.is_relative_to(out) or out.is_relative_to(d):
            raise AssembleError(f"输出目录 {out} 不能是分站 {n} 的目录（{d}），也不能包含它或在它里面")
    shards = sorted(shards)
    nat = gather(shards, title)  # first: a shard with bad data fails before anything is copied
    staging = staging_dir(out)  # swapped in only when complete
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        info = _write_site(staging, shards, nat, title, link)
        swap_in(staging, out)
    except OSError as e:
        raise AssembleError(f"无法写出合成的网站 {out}：{e}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [Shard(s.name, out / s.name, s.title, s.reports, s.bundles) for s in info]


@dataclass
class Completeness:
    """Per shard and year (from the shards' status CSVs): units, reports published, of which late."""
    years: list[int]
    rows: list[tuple[str, str, list[tuple[int, int, int] | None]]]  # (shard, title, per year (units, published, late))


def _completeness(info: list[Shard], counts: dict[tuple[str, int], list[int]]) -> Completeness | None:
    years = sorted({y for _s, y in counts})
    if not years:
        return None
    rows = [(s.name, s.title, [tuple(counts[(s.name, y)]) if (s.name, y) in counts else None for y in years])
            for s in info if any((s.name, y) in counts for y in years)]
    return Completeness(years, rows)


def _count_status(counts: dict[tuple[str, int], list[int]], header: list[str], shard: str, row: list[str]) -> None:
    rec = dict(zip(header, row))
    try:
        c = counts.setdefault((shard, int(rec["year"])), [0, 0, 0])
    except (KeyError, ValueError):
        return
    c[0] += 1
    if rec.get("status") != "missing":
        c[1] += 1
    if rec.get("status") == "late":
        c[2] += 1


def _concat_csv(path: Path, shards: list[tuple[str, Path]], name: str, on_row=None) -> list[str]:
    """A shard's status or checks CSV (export.checks), every shard's in one, a row at a time, each
    row led by its shard's name; ``on_row(header, shard, row)`` sees each row. Returns the shards
    without the file (built by an older nianbao)."""
    lacking, header = [], None
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        for n, d in shards:
            src = d / "data" / name
            if not src.exists():
                lacking.append(n)
                continue
            with open(src, encoding="utf-8-sig", newline="") as rf:
                rows = csv.reader(rf)
                first = next(rows, None)
                if header is None:
                    header = first
                    writer.writerow(["shard", *(first or ())])
                elif first != header:
                    raise AssembleError(f"分站 {n} 的 data/{name} 的列与其他分站不同（由另一版本的 nianbao 生成？）：请用同一版本重新生成各分站")
                for row in rows:
                    writer.writerow([n, *row])
                    if on_row is not None:
                        on_row(header, n, row)
    if header is None:
        path.unlink()
    return lacking


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another disk, or a file system without hard links
        shutil.copy2(src, dst)


def _write_site(out: Path, shards: list[tuple[str, Path]], nat: National, title: str, link: bool) -> list[Shard]:
    info = []
    for n, d in shards:
        shutil.copytree(d, out / n, copy_function=_link_or_copy if link else shutil.copy2)
        parts_file = d / "pagefind" / PARTS_FILE
        parts = json.loads(parts_file.read_text(encoding="utf-8")) if parts_file.exists() else []
        info.append(Shard(n, out / n, _title(d), nat.reports[n], ("pagefind/", *(f"pagefind/{p}" for p in parts))))
    first = shards[0][0]
    css = [f"{first}/{p}" for p in _css(out / first)]
    icon = f"{first}/assets/images/favicon.png" if (out / first / "assets/images/favicon.png").exists() else None

    def page(path: str, heading: str, body: str) -> None:
        depth = path.count("/") + 1 if path else 0  # "rollup/2023" is rollup/2023/index.html: two levels down
        root = "../" * depth
        html = render("assembled_page.html", title=title, heading=heading, body=body, root=root, css=[root + c for c in css],
                      icon=root + icon if icon else None)
        p = out / path / "index.html" if path else out / "index.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")

    per_year = []
    for y in nat.years:
        if all(why == LEGACY_REASON for why in nat.reasons[y].values()):
            continue  # only reports for 2018 or before: nothing to sum (as a portal's own roll-ups)
        ro = nat.rollup(y)
        breakdown = []
        for s in info:
            count, values = nat.breakdown(s.name, y)
            has_page = (out / s.name / "years" / str(y) / "index.html").exists()  # a shard without reports that year has none
            breakdown.append({"shard": s, "reports": count, "figures": values, "year_page": has_page})
        tables = [render_table(ro.format.table(t), ro.tables[t], f"n{t.lower()}", f"{ro.format.table(t).title}（全国汇总）")
                  for t in ("T2", "T3", "T4")]
        body = render("assembled_rollup.html", ro=ro, year=y, tables=tables, sections=[s for s in ro.format.sections if s.kind == "table"],
                      breakdown=breakdown, columns=nat.columns, root="../../")
        page(f"rollup/{y}", f"{y}年度全国汇总", body)
        per_year.append({"year": y, "reports": len(ro.included), "units": ro.total_units})
    (out / "data").mkdir(exist_ok=True)
    counts: dict[tuple[str, int], list[int]] = {}
    checks = {name: _concat_csv(out / "data" / name, shards, name,
                                (lambda h, n, r: _count_status(counts, h, n, r)) if name == STATUS_FILE else None)
              for name, _d in CHECK_FILES}
    page("", title, render("assembled_home.html", shards=info, years=per_year, total=sum(nat.reports.values()),
                           completeness=_completeness(info, counts),
                           checks=[{"path": name, "description": d, "lacking": checks[name]} for name, d in CHECK_FILES]))
    page("search", "搜索全部分站", render("assembled_search.html", shards=info, root="../"))
    (out / "data/shards.json").write_text(
        json.dumps([{"name": s.name, "title": s.title, "reports": s.reports} for s in info], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    return info

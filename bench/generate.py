"""Synthetic, clearly fictitious corpus for the benchmark: N reports = units × years under counties.

    python bench/generate.py OUT --reports 1000 [--years 4] [--seed 1] [--chars 3000]

Writes a complete nianbao portal (mkdocs.yml, data/, content/) plus, for the baselines, the same
narratives as plain Markdown pages (OUT-plain/). Deterministic from the seed.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from nianbao.model import Unit  # noqa: E402
from nianbao.synth import UnitState, generate_report  # noqa: E402

NOTICE = "基准测试数据：全部单位和数字均为虚构"
SYLLABLES = "安宝北长城大东方丰福高广海河红华黄吉江金康乐林龙梅明南平青清泉瑞山顺松泰天田王文西祥新兴阳永玉中".replace("", " ").split()


def county_name(i: int) -> str:
    return f"虚构{SYLLABLES[i % len(SYLLABLES)]}{SYLLABLES[(i // len(SYLLABLES)) % len(SYLLABLES)]}县"


def town_name(i: int) -> str:
    a, b, c = SYLLABLES[i % 47], SYLLABLES[(i // 47) % 47], SYLLABLES[(i // 2209) % 47]
    return f"{a}{b}{c}镇"


MKDOCS = """site_name: 基准测试门户（虚构数据）
docs_dir: content
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
extra:
  generator: false
plugins:
  - nianbao:
      notice: {notice}
markdown_extensions:
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify {{kwds: {{case: lower}}}}
  - attr_list
"""


def generate(out: Path, reports: int, years: int = 4, seed: int = 1, chars: int = 3000, per_county: int = 15) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    plain = out.with_name(out.name + "-plain")
    shutil.rmtree(plain, ignore_errors=True)
    (out / "data").mkdir(parents=True)
    (out / "content").mkdir()
    (plain / "docs").mkdir(parents=True)
    units_n = math.ceil(reports / years)
    counties = math.ceil(units_n / per_county)
    first_year = 2024 - years + 1
    reg = ["# 基准测试数据：全部单位均为虚构", "units:"]
    units: list[Unit] = []
    for c in range(counties):
        cid = f"c{c:04d}"
        reg += [f"  {cid}:", f"    name: {county_name(c)}", f"    full_name: {county_name(c)}人民政府", "    kind: 县", "    parent: ~"]
    for t in range(units_n):
        cid = f"c{t // per_county:04d}"
        uid = f"t{t:05d}"
        name = town_name(t)
        u = Unit(uid, name, f"{county_name(t // per_county)}{name}人民政府", "镇", cid)
        units.append(u)
        reg += [f"  {uid}:", f"    name: {name}", f"    full_name: {u.full_name}", "    kind: 镇", f"    parent: {cid}"]
    (out / "data/units.yml").write_text("\n".join(reg) + "\n", encoding="utf-8")
    rng = random.Random(seed)
    written = 0
    for u in units:
        state = UnitState()
        (out / "data" / u.id).mkdir()
        (out / "content" / u.id).mkdir()
        for y in range(first_year, first_year + years):
            if written >= reports:
                break
            g = generate_report(rng, u, y, state, narrative_length=chars)
            (out / "data" / u.id / f"{y}.yml").write_text(g.data, encoding="utf-8")
            (out / "content" / u.id / f"{y}.md").write_text(g.content, encoding="utf-8")
            (plain / "docs" / f"{u.id}-{y}.md").write_text(f"# {u.full_name}{y}年政府信息公开工作年度报告\n\n{g.content}", encoding="utf-8")
            written += 1
    (out / "mkdocs.yml").write_text(MKDOCS.format(notice=NOTICE), encoding="utf-8")
    (plain / "docs/index.md").write_text("# 基准测试（虚构数据）\n", encoding="utf-8")
    return {"reports": written, "units": units_n, "counties": counties, "site": out, "plain": plain}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chars", type=int, default=3000)
    a = ap.parse_args(argv)
    info = generate(a.out, a.reports, a.years, a.seed, a.chars)
    print(f"{info['reports']} 份报告，{info['units']} 个乡镇，{info['counties']} 个县：{a.out}")


if __name__ == "__main__":
    main()

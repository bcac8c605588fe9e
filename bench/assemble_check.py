"""What `nianbao assemble` costs: one built shard of N reports assembled as K shards, for each K.

    python bench/assemble_check.py [--reports 10000] [--shards 1,2,4] [--site DIR] [--link] [--out bench/out] [--work DIR]
        ->  a Markdown table (and OUT/assemble.json): shards, reports, wall time, CPU time, peak memory,
            assembled site size, and time per 10,000 reports

The shard is generated (bench/generate.py) and built once, or taken from --site (a site built by
the nianbao plugin); assembling the same shard under K names costs what K different shards of the
same size cost (each is copied, or with --link hard-linked, its exported data read and summed, its
search bundles listed).
Peak memory should not grow with K: the assembly reads one shard's data at a time and keeps none
of its reports. Sites go where bench/run.py puts them (a RAM disk when OUT is ext4 without a
journal, see run.work_dir_for); K shards of 10,000 reports need about K × 1.3 GB there.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import build, dir_size, measure, work_dir_for  # noqa: E402


def assemble_costs(site: Path, counts: list[int], work: Path, link: bool = False) -> list[dict]:
    reports = len(json.loads((site / "data/nianbao-all.json").read_text(encoding="utf-8")))
    rows = []
    for k in counts:
        out = work / f"national-{k}"
        shutil.rmtree(out, ignore_errors=True)
        r = measure("-m", "nianbao.cli", "assemble", *(["--link"] if link else []), "--out", str(out),
                    *(f"s{i}={site}" for i in range(1, k + 1)))
        if r["returncode"] != 0:
            raise SystemExit(f"nianbao assemble failed:\n{r['stderr']}")
        rows.append({"shards": k, "link": link, "reports": k * reports, "seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
                     "peak_tree_mb": r["peak_tree_mb"], "size": dir_size(out)})
        shutil.rmtree(out, ignore_errors=True)
        print(f"  {k} shards: {r['seconds']} s, {r['peak_tree_mb']:.0f} MB", flush=True)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| 分站数 | 分站文件 | 年报总数 | 合成用时 | CPU | 峰值内存 | 合成网站大小 | 每 1 万份年报 |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['shards']} | {'硬链接' if r.get('link') else '复制'} | {r['reports']} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s | {r['peak_tree_mb']:.0f} MB | "
                     f"{r['size'] / 1e9:.1f} GB | {r['seconds'] / r['reports'] * 10000:.1f} s |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--shards", default="1,2,4")
    ap.add_argument("--site", type=Path, default=None, help="a built shard to assemble (default: generate and build one)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--link", action="store_true", help="assemble with --link (hard links instead of copies)")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    work = a.work or work_dir_for(a.out)
    work.mkdir(parents=True, exist_ok=True)
    site = a.site
    if site is None:
        info = generate(work / f"shard{a.reports}", a.reports)
        site = work / f"shard{a.reports}-site"
        build(info["site"] / "mkdocs.yml", site)
        shutil.rmtree(info["site"], ignore_errors=True)
        shutil.rmtree(info["plain"], ignore_errors=True)
    rows = assemble_costs(site.resolve(), [int(k) for k in a.shards.split(",")], work, a.link)
    (a.out / "assemble.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()

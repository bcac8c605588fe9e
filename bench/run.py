"""The benchmark: nianbao against bare Material for MkDocs on the same pages, at several sizes.

    python bench/run.py [--sizes 500,1000,2000,10000] [--b-max 2000] [--c-max N] [--out bench/out] [--query 政策解读] [--merge]
                        [--repeat N] [--work DIR]

For each N (reports): generates the synthetic corpus (bench/generate.py), then builds and measures
  nianbao      the full build: validation, report pages, indexes, roll-ups, Pagefind search
  (a) floor    bare Material, the same N pages as plain Markdown, nav = home only, no search; then
               Pagefind (Chinese) over its pages: what indexing the same text costs at the least
  (b) user     bare Material, auto nav with navigation.prune and `search: lang: zh` (N <= --b-max)
  (c) search   the floor plus Material's `search: lang: zh` (to isolate the cost of its search; N <= --c-max)
recording wall time, peak memory, output size, one report page's HTML size, the search index size
and the bytes a browser downloads for one query (Chromium, when /usr/bin/chromium exists).
Writes OUT/results.json, bench/results.md and bench/plot.svg. Each build runs in a fresh process,
after a sync; corpora and sites are written under OUT, or on a RAM disk where OUT's disk is ext4
without a journal (see work_dir_for; --work DIR to choose);
with --parts, the same rounds also build nianbao without the search index (search_enabled: false)
and without it and the open-data files (export_enabled: false too), to show what each part costs;
with --repeat N, nianbao and (a) are built in N rounds, alternately (nianbao, (a), nianbao, (a), …, so
that the two meet the same state of the machine, whose speed drifts), and the fastest run of each is
kept, with the highest peak memory of the N; the table also gives each round's ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PLAIN_CONFIGS = {
    "a": "site_name: 基准（虚构）\ntheme:\n  name: material\n  language: zh\n  font: false\nnav:\n  - index.md\nplugins: []\nvalidation:\n  nav:\n    omitted_files: ignore\n",
    "b": "site_name: 基准（虚构）\ntheme:\n  name: material\n  language: zh\n  font: false\n  features:\n    - navigation.prune\nplugins:\n  - search:\n      lang: zh\n",
    "c": "site_name: 基准（虚构）\ntheme:\n  name: material\n  language: zh\n  font: false\nnav:\n  - index.md\nplugins:\n  - search:\n      lang: zh\nvalidation:\n  nav:\n    omitted_files: ignore\n",
}


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.exists() else 0


RAM_DISK = Path("/dev/shm")
RAM_DISK_NEEDED = 4 * 1024**3  # 10,000 reports: the corpus, nianbao's site (1.2 GB) and a floor site at once


def work_dir_for(out: Path) -> Path:
    """Where the corpora and the sites are written: beside the results, except on ext4 without a
    journal (this benchmark machine's disk), where they go to a RAM disk when there is one.

    That file system, when it allocates an inode, passes over every inode freed in the last 60 s
    (360 s while its inode table block is unwritten; ``recently_deleted`` in fs/ext4/ialloc.c),
    one by one. A benchmark deletes tens of thousands of files between builds, so the next builds
    spend a varying and growing share of their time in that scan: 1,000 reports built seven times in
    a row, each after deleting the previous site, took 11.6, 11.5, 12.6, 13.4, 16.3, 16.0 and 18.7 s,
    system time rising from 2 to 9 s; waiting a minute between builds did not bring it back (13.6 s);
    on a RAM disk, 9.7 s every time. A CI runner's fresh, journalled disk has no such cost; the RAM
    disk is the nearer stand-in."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
        journals = [j.name for j in Path("/proc/fs/jbd2").iterdir()] if Path("/proc/fs/jbd2").is_dir() else []
    except OSError:
        return out
    if journal_less_ext4(str(out.resolve()), mounts, journals) and mount_type(str(RAM_DISK), mounts) == "tmpfs":
        st = os.statvfs(RAM_DISK)
        if st.f_bavail * st.f_frsize >= RAM_DISK_NEEDED:
            return RAM_DISK / "nianbao-bench"
    return out


def _mount_of(target: str, mounts: list[str]) -> tuple[str, str, str] | None:
    best = None
    for line in mounts:
        dev, mnt, fstype = line.split()[:3]
        if (target == mnt or target.startswith(mnt.rstrip("/") + "/")) and (best is None or len(mnt) > len(best[1])):
            best = (dev, mnt, fstype)
    return best


def mount_type(target: str, mounts: list[str]) -> str | None:
    m = _mount_of(target, mounts)
    return m[2] if m else None


def journal_less_ext4(target: str, mounts: list[str], journals: list[str]) -> bool:
    """Whether the absolute path ``target`` is on ext4 without a journal, given /proc/mounts's lines
    and the names in /proc/fs/jbd2 (one per journal, ``<device>-<inode>``)."""
    m = _mount_of(target, mounts)
    if m is None or m[2] != "ext4":
        return False
    name = Path(m[0]).name
    return not any(j.rsplit("-", 1)[0] == name for j in journals)


def measure(*args: str) -> dict:
    """``python ARGS`` under bench/measure.py: its times, peak memory, return code and output."""
    os.sync()  # the previous run's written files are not flushed during this one
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    p = subprocess.run([sys.executable, str(HERE / "measure.py"), "--", sys.executable, *args], capture_output=True, text=True, env=env)
    return json.loads(p.stdout)


def build(config: Path, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    r = measure("-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out))
    if r["returncode"] != 0:
        raise SystemExit(f"build failed: {config}\n{r['stderr']}")
    return r


def build_best(config: Path, out: Path, repeat: int) -> dict:
    """``build`` ``repeat`` times: the fastest run's times (the least disturbed by the machine),
    the highest peak memory of all, and every run's wall time in ``runs``."""
    return build_rounds([(config, out)], repeat)[0]


def build_rounds(jobs: list[tuple[Path, Path]], repeat: int) -> list[dict]:
    """Each ``(config, out)`` built once per round, ``repeat`` rounds, the builds of a round one after
    another: the builds compared with each other meet the same state of the machine (its speed drifts
    over minutes, and differently for one busy core than for two). For each job, as ``build_best``."""
    rounds = [[build(config, out) for config, out in jobs] for _ in range(max(1, repeat))]
    out = []
    for i in range(len(jobs)):
        rs = [r[i] for r in rounds]
        best = dict(min(rs, key=lambda r: r["seconds"]))
        for k in ("peak_rss_mb", "peak_tree_mb"):
            best[k] = max(r[k] for r in rs)
        best["runs"] = [r["seconds"] for r in rs]
        out.append(best)
    return out


def query_bytes(site: Path, kind: str, query: str) -> int | None:
    """Bytes the browser downloads from opening the search to the first results."""
    if not Path("/usr/bin/chromium").exists():
        return None
    if kind == "material" and (site / "search/search_index.json").stat().st_size > 20_000_000:
        # Material's search loads its whole index before the first result: above ~20 MB the browser
        # page is not worth risking; the bytes are those files
        return (site / "search/search_index.json").stat().st_size + sum(
            f.stat().st_size for f in (site / "assets/javascripts/workers").glob("search*.js"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    total = 0
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                   args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            pg = b.new_page(viewport={"width": 1280, "height": 900})
            if kind == "pagefind":
                pg.goto(base + "/search/")
                sizes = []
                pg.on("response", lambda r: sizes.append((r.url, _size_of(r))))
                pg.wait_for_selector(".pagefind-ui__search-input")
                pg.fill(".pagefind-ui__search-input", query)
                pg.wait_for_selector(".pagefind-ui__result-link", timeout=60000)
                pg.wait_for_load_state("networkidle")
                # the search bundle itself is loaded with the page: count it too
                base_files = [base + "/pagefind/pagefind-ui.js", base + "/pagefind/pagefind-ui.css"]
                total = sum(s for u, s in sizes if "/pagefind/" in u) + sum((site / u[len(base) + 1:]).stat().st_size for u in base_files)
            else:
                sizes = []
                pg.on("response", lambda r: sizes.append((r.url, _size_of(r))))
                pg.goto(base + "/")
                pg.wait_for_load_state("networkidle")
                before = {u for u, _ in sizes}
                pg.fill("input.md-search__input", query)  # visible in the header at desktop width
                try:
                    pg.wait_for_selector(".md-search-result__item", timeout=180000)
                    pg.wait_for_load_state("networkidle")
                    total = sum(s for u, s in sizes if u not in before or "search" in u or "lunr" in u)
                except Exception:  # noqa: BLE001 - a huge index may not finish in the browser: count what it must load
                    total = (site / "search/search_index.json").stat().st_size + sum(
                        f.stat().st_size for f in (site / "assets/javascripts/workers").glob("search*.js"))
            b.close()
    finally:
        httpd.shutdown()
    return total


def _size_of(r) -> int:
    try:
        return len(r.body()) if r.ok else 0
    except Exception:  # noqa: BLE001 - a response that went away is not counted
        return 0


# nianbao with parts of its build turned off (--parts): plugin options added to the corpus's config
PARTS = {"nosearch": ("search_enabled: false",), "neither": ("search_enabled: false", "export_enabled: false")}


def part_config(config: Path, part: str) -> Path:
    """``config`` (the corpus's mkdocs.yml) with ``part``'s options set on the nianbao plugin."""
    text = config.read_text(encoding="utf-8")
    options = "".join(f"      {o}\n" for o in PARTS[part])
    assert "  - nianbao:\n" in text, "the corpus config lists the nianbao plugin with options"
    out = config.with_name(f"mkdocs-{part}.yml")
    out.write_text(text.replace("  - nianbao:\n", "  - nianbao:\n" + options, 1), encoding="utf-8")
    return out


def run(sizes: list[int], b_max: int, out: Path, query: str, merge: bool = False, c_max: int | None = None,
        repeat: int = 1, work: Path | None = None, parts: bool = False) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    work = work or out
    work.mkdir(parents=True, exist_ok=True)
    if work != out:
        print(f"corpora and sites in {work} (see work_dir_for)", flush=True)
    previous = {r["reports"]: r for r in json.loads((out / "results.json").read_text())} if merge and (out / "results.json").exists() else {}
    results = []
    for n in sizes:
        print(f"== {n} reports", flush=True)
        info = generate(work / f"n{n}", n)
        row: dict = {"reports": n}
        site_out = work / f"n{n}-site"
        floor_cfg = info["plain"] / "mkdocs-a.yml"
        floor_cfg.write_text(PLAIN_CONFIGS["a"], encoding="utf-8")
        # nianbao and the floor in rounds (nianbao, floor, nianbao, floor, …): the ratio compares builds
        # made minutes apart, not one series made a quarter of an hour after the other
        jobs = [(info["site"] / "mkdocs.yml", site_out), (floor_cfg, work / f"n{n}-a")]
        if parts:
            jobs += [(part_config(info["site"] / "mkdocs.yml", part), work / f"n{n}-{part}") for part in PARTS]
        r, floor, *without = build_rounds(jobs, repeat)
        for _cfg, dest in jobs[2:]:
            shutil.rmtree(dest, ignore_errors=True)
        row["nianbao"] = {**r, "rounds": True, "size": dir_size(site_out), "page": (site_out / "t00000/2021/index.html").stat().st_size,
                          "index": dir_size(site_out / "pagefind"), "query_bytes": query_bytes(site_out, "pagefind", query)}
        # the search index alone, as the build makes it (in parts above 2,500 pages)
        pf = measure("-c", "import sys; from nianbao.searchindex import run_pagefind; run_pagefind(sys.argv[1], 'pagefind-bench')",
                     str(site_out))
        if parts:
            row["nianbao"]["parts"] = {part: {k: w[k] for k in ("seconds", "cpu_seconds", "peak_tree_mb", "runs")} for part, w in zip(PARTS, without)}
        row["nianbao"]["pagefind_seconds"] = pf["seconds"]
        row["nianbao"]["pagefind_peak_mb"] = pf["peak_tree_mb"]
        shutil.rmtree(site_out / "pagefind-bench", ignore_errors=True)
        print("  nianbao", row["nianbao"]["seconds"], "s; pagefind", row["nianbao"]["pagefind_seconds"], "s", flush=True)
        shutil.rmtree(info["site"], ignore_errors=True)
        for key in ("a", "b", "c"):
            if (key == "b" and n > b_max) or (key == "c" and c_max is not None and n > c_max):
                continue
            dest = work / f"n{n}-{key}"
            if key == "a":
                r = floor  # built above, in rounds with nianbao
            else:
                cfg = info["plain"] / f"mkdocs-{key}.yml"
                cfg.write_text(PLAIN_CONFIGS[key], encoding="utf-8")
                r = build_best(cfg, dest, 1)
            page = dest / "t00000-2021/index.html"
            entry = {**r, "size": dir_size(dest), "page": page.stat().st_size if page.exists() else None}
            if key in ("b", "c"):
                entry["index"] = (dest / "search/search_index.json").stat().st_size
                entry["query_bytes"] = query_bytes(dest, "material", query) if key == "c" else None
            if key == "a":
                # the least any Chinese-searchable build of these pages must also do: Pagefind's
                # Chinese segmentation and indexing of the same text (the floor's finished pages)
                m = measure("-m", "pagefind", "--site", str(dest), "--output-subdir", "pagefind-floor", "--quiet")
                if m["returncode"] != 0:
                    raise SystemExit(f"Pagefind over the floor site failed:\n{m['stderr']}")
                entry["pagefind"] = {k: m[k] for k in ("seconds", "cpu_seconds")}
            row[key] = entry
            print(f"  ({key})", r["seconds"], "s", flush=True)
            shutil.rmtree(dest, ignore_errors=True)
        shutil.rmtree(site_out, ignore_errors=True)
        shutil.rmtree(info["plain"], ignore_errors=True)
        for key in ("b", "c"):
            if key not in row and key in previous.get(n, {}):
                row[key] = previous[n][key]  # bare Material does not depend on nianbao: keep the earlier measurement
        previous[n] = row
        results = [previous[k] for k in sorted(previous)]
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def mb(b) -> str:
    return "—" if b is None else f"{b / 1e6:.1f} MB"


def kb(b) -> str:
    return "—" if b is None else f"{b / 1e3:.0f} KB"


def runs(entry: dict) -> str:
    """Every run's wall time (with --repeat N the table shows the fastest)."""
    return "、".join(f"{t:.1f}" for t in entry.get("runs", [entry["seconds"]])) + " s"


def round_ratios(n: dict, a: dict) -> str:
    """nianbao ÷ floor for each round (the two built one after the other), or — for older results."""
    rn, ra = n.get("runs", []), a.get("runs", [])
    if not rn or len(rn) != len(ra) or not n.get("rounds"):
        return "—"
    return "、".join(f"{x / y:.2f}" for x, y in zip(rn, ra))


def table(results: list[dict]) -> str:
    lines = [
        "| 报告数 | nianbao 完整生成 | 每份报告 | 峰值内存（进程树） | 网站大小 | 报告页 HTML | (a) 底线 | nianbao/(a) | (b) 常规配置 | nianbao/(b) | (b) 报告页 | 各次（nianbao；(a)） | 各轮 nianbao/(a) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        n, a, b = r["nianbao"], r["a"], r.get("b")
        lines.append(
            f"| {r['reports']} | {n['seconds']:.1f} s | {n['seconds'] / r['reports'] * 1000:.1f} ms | {n.get('peak_tree_mb', n['peak_rss_mb']):.0f} MB | {mb(n['size'])} | "
            f"{kb(n['page'])} | {a['seconds']:.1f} s | {n['seconds'] / a['seconds']:.2f} | "
            + (f"{b['seconds']:.1f} s | {n['seconds'] / b['seconds']:.2f} | {kb(b['page'])} |" if b else "— | — | — |")
            + f" {runs(n)}；{runs(a)} | {round_ratios(n, a)} |"
        )
    lines += [
        "",
        "| 报告数 | Pagefind 建索引 | Pagefind 峰值内存 | Pagefind 索引大小 | Pagefind 一次查询下载 | Material zh 搜索建索引 | Material 索引大小 | Material 一次查询下载 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        n, c, a = r["nianbao"], r.get("c"), r["a"]  # (c) is not run beyond --c-max
        pf_time = n.get("pagefind_seconds")
        lines.append(
            f"| {r['reports']} | {('%.1f s' % pf_time) if pf_time else '见注'} | "
            f"{('%.0f MB' % n['pagefind_peak_mb']) if n.get('pagefind_peak_mb') else '—'} | {mb(n['index'])} | {kb(n['query_bytes'])} | "
            + (f"{max(c['seconds'] - a['seconds'], 0):.1f} s | {mb(c['index'])} | {kb(c['query_bytes'])} |" if c else "— | — | — |")
        )
    if any("pagefind" in r["a"] for r in results):
        lines += [
            "",
            "| 报告数 | (a) 底线 CPU | 同样文字的 Pagefind 中文索引 CPU | 只渲染加索引的下限（两者之和 ÷ 2 核） | 2 × (a) | nianbao CPU | nianbao 完整生成 |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            n, a = r["nianbao"], r["a"]
            if "pagefind" not in a:
                continue
            pf = a["pagefind"]["cpu_seconds"]
            lines.append(
                f"| {r['reports']} | {a['cpu_seconds']:.1f} s | {pf:.1f} s | {(a['cpu_seconds'] + pf) / 2:.1f} s | {2 * a['seconds']:.1f} s | "
                f"{n['cpu_seconds']:.1f} s | {n['seconds']:.1f} s |"
            )
    if any("parts" in r["nianbao"] for r in results):
        lines += [
            "",
            "| 报告数 | nianbao 完整生成 | 不建搜索索引 | 也不写开放数据 | (a) 底线 | 三者 ÷ (a) | 三者 CPU |",
            "|---:|---:|---:|---:|---:|---|---|",
        ]
        for r in results:
            n, a = r["nianbao"], r["a"]
            if "parts" not in n:
                continue
            ns, ne = n["parts"]["nosearch"], n["parts"]["neither"]
            lines.append(
                f"| {r['reports']} | {n['seconds']:.1f} s | {ns['seconds']:.1f} s | {ne['seconds']:.1f} s | {a['seconds']:.1f} s | "
                f"{n['seconds'] / a['seconds']:.2f}、{ns['seconds'] / a['seconds']:.2f}、{ne['seconds'] / a['seconds']:.2f} | "
                f"{n['cpu_seconds']:.0f}、{ns['cpu_seconds']:.0f}、{ne['cpu_seconds']:.0f} s |"
            )
    return "\n".join(lines)


def plot(results: list[dict]) -> str:
    """Time and site size against N, as a small static SVG."""
    W, H, L, B, T, R = 640, 300, 56, 40, 20, 150
    xs = [r["reports"] for r in results]
    series = {"nianbao": "#0072B2", "a": "#009E73", "b": "#D55E00"}
    names = {"nianbao": "nianbao 完整生成", "a": "(a) Material 底线", "b": "(b) Material 常规配置"}
    ymax = max(max(r[k]["seconds"] for k in series if k in r) for r in results) * 1.1
    xmax = max(xs) * 1.05
    X = lambda v: L + (W - L - R) * v / xmax  # noqa: E731
    Y = lambda v: T + (H - T - B) * (1 - v / ymax)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" font-size="12" role="img" aria-labelledby="t d">',
           '<title id="t">生成时间与报告数</title>',
           '<desc id="d">' + "；".join(f"{r['reports']} 份：nianbao {r['nianbao']['seconds']:.0f} 秒，底线 {r['a']['seconds']:.0f} 秒" for r in results) + "</desc>",
           f'<rect width="{W}" height="{H}" fill="#fff"/>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="#000"/><line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#000"/>',
           f'<text x="{(W - R + L) / 2}" y="{H - 8}" text-anchor="middle">报告数</text>',
           f'<text x="14" y="{T + 10}">秒</text>']
    for v in xs:
        out.append(f'<text x="{X(v):.0f}" y="{H - B + 16}" text-anchor="middle">{v}</text>')
    for k in range(5):
        v = ymax * k / 4
        out.append(f'<text x="{L - 6}" y="{Y(v) + 4:.0f}" text-anchor="end">{v:.0f}</text>')
    for i, (key, colour) in enumerate(series.items()):
        pts = [(X(r["reports"]), Y(r[key]["seconds"])) for r in results if key in r]
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        out.append(f'<rect x="{W - R + 10}" y="{T + 20 * i}" width="12" height="12" fill="{colour}"/><text x="{W - R + 28}" y="{T + 20 * i + 11}">{names[key]}</text>')
    out.append("</svg>")
    return "\n".join(out)


def needs_jieba(sizes: list[int], b_max: int, c_max: int | None) -> bool:
    """Whether (b) or (c), the builds with Material's Chinese search, run at any of ``sizes``."""
    return any(n <= b_max or c_max is None or n <= c_max for n in sizes)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="500,1000,2000,10000")
    ap.add_argument("--b-max", type=int, default=2000)
    ap.add_argument("--c-max", type=int, default=None, help="run (c) only up to this N (with --merge, earlier (c) rows are kept)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--query", default="政策解读")
    ap.add_argument("--repeat", type=int, default=1, help="build nianbao and (a) this many times each and keep the fastest run")
    ap.add_argument("--merge", action="store_true", help="keep the rows of other sizes (and earlier (b) rows) in OUT/results.json")
    ap.add_argument("--report-only", action="store_true", help="only write bench/results.md and plot.svg from OUT/results.json")
    ap.add_argument("--parts", action="store_true",
                    help="also build nianbao without the search index, and without it and the open data, in the same rounds")
    ap.add_argument("--work", type=Path, default=None,
                    help="where corpora and sites are written (default: OUT, or a RAM disk when OUT is on ext4 without a journal)")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",")]
    if not a.report_only and needs_jieba(sizes, a.b_max, a.c_max) and importlib.util.find_spec("jieba") is None:
        # without it Material's `lang: zh` search does not segment Chinese: (b) and (c) would be
        # measured cheaper than what a user gets, without a word of warning
        ap.exit(2, "bench/run.py: (b)(c) 用 Material 的中文搜索，需要 jieba：.venv/bin/pip install jieba"
                   "（或用 --b-max 0 --c-max 0 不测 (b)(c)）\n")
    if a.report_only:
        results = json.loads((a.out / "results.json").read_text(encoding="utf-8"))
    else:
        results = run(sizes, a.b_max, a.out, a.query, a.merge, a.c_max, a.repeat,
                      a.work or work_dir_for(a.out), a.parts)
    (HERE / "results.md").write_text(table(results) + "\n", encoding="utf-8")
    (HERE / "plot.svg").write_text(plot(results), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()

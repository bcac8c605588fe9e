"""``nianbao``: validate, scaffold and show reports. Thin: parses arguments, calls the core,
formats issues and sets the exit code (0 fine, 1 errors in the data, 2 usage or setup problems)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .canonical import dumps, report_to_canonical
from .datafile import render_data_file, render_narrative_skeleton
from .formats import FORMAT_IDS, LEGACY_ID, format_for_year, get_format
from .issues import format_github, format_text, has_errors, summary
from .loader import REGISTRY_FILE, UNIT_ID, content_path, data_path, find_site_root, load_registry
from .loadpool import default_processes
from .validate import AS_PUBLISHED_PLACEHOLDER, check_site, keepable_checks


class CliError(Exception):
    """A problem with the command line or the site layout: printed without a traceback, exit 2."""


def _site_root(given: str | None, data_dir: str) -> Path:
    start = Path(given) if given else Path.cwd()
    root = find_site_root(start, data_dir)
    if root is None:
        raise CliError(f"找不到站点：{start} 及其上级目录中没有 {data_dir}/units.yml（用 --root 指定站点目录）")
    return root


def cmd_validate(args) -> int:
    targets = args.paths or [args.root or "."]
    exit_code = 0
    outputs_json: list[dict] = []
    for target in targets:
        p = Path(target)
        if not p.exists():
            raise CliError(f"路径不存在：{target}")
        root = _site_root(str(p), args.data_dir)
        _result, issues = check_site(root, args.data_dir, args.content_dir, processes=default_processes())
        if p.resolve() != root.resolve():
            # a file or folder inside the site: the whole site is checked (cross-year checks need it),
            # only the findings under that path are shown
            sel = p.resolve()
            issues = [
                i for i in issues if i.file and (root / i.file).resolve().is_relative_to(sel)
            ]
        if has_errors(issues):
            exit_code = 1
        if args.format == "json":
            outputs_json += [i.as_dict() for i in issues]
        elif args.format == "github":
            if issues:
                print(format_github(issues))
        else:
            shown = [i for i in issues if args.verbose or i.severity.value != "info"]
            if shown:
                print(format_text(shown, root))
            rel = target if target != "." else str(root)
            print(f"{rel}：{summary(issues)}", file=sys.stderr if args.quiet else sys.stdout)
    if args.format == "json":
        print(json.dumps(outputs_json, ensure_ascii=False, indent=2))
    return exit_code


def cmd_new(args) -> int:
    root = _site_root(args.root, args.data_dir)
    if not UNIT_ID.match(args.unit):
        raise CliError(f"单位标识“{args.unit}”须由小写英文字母、数字、- 或 _ 组成")
    units, _ = load_registry(root / args.data_dir / REGISTRY_FILE, f"{args.data_dir}/{REGISTRY_FILE}")
    unit = units.get(args.unit)
    if unit is None:
        raise CliError(f"单位“{args.unit}”不在 {args.data_dir}/{REGISTRY_FILE} 中，请先在名录中添加")
    fmt = get_format(args.format_id) if args.format_id else format_for_year(args.year) or get_format(LEGACY_ID)
    dpath = data_path(root, args.unit, args.year, args.data_dir)
    cpath = content_path(root, args.unit, args.year, args.content_dir)
    existing = [p for p in (dpath, cpath) if p.exists()]
    if existing and not args.force:
        raise CliError("文件已存在，未改动（加 --force 覆盖）：" + "、".join(str(p.relative_to(root)) for p in existing))
    dpath.parent.mkdir(parents=True, exist_ok=True)
    cpath.parent.mkdir(parents=True, exist_ok=True)
    note = _carried_note(root, args)
    dpath.write_text(render_data_file(unit, args.unit, args.year, fmt, header_note=note), encoding="utf-8")
    title = f"{unit.full_name}{args.year}年政府信息公开工作年度报告"
    cpath.write_text(render_narrative_skeleton(fmt, title, args.year), encoding="utf-8")
    print(f"已创建 {dpath.relative_to(root)} 和 {cpath.relative_to(root)}（{fmt.name if not fmt.tables else fmt.id + ' 年格式'}）")
    return 0


def _carried_note(root: Path, args) -> str | None:
    """What the previous year's report carried over (T3 结转下年度继续办理), for the new file's
    header: this year's 上年结转 must equal it (T3-6). A comment, not values: a file of blanks
    passes the checks, and one row filled in while the rest is blank would not."""
    from .datafile import cell_text
    from .loader import load_report

    prev = data_path(root, args.unit, args.year - 1, args.data_dir)
    if not prev.exists():
        return None
    report, _ = load_report(prev, prev.relative_to(root).as_posix(), args.unit, args.year - 1)
    t3 = report.tables.get("T3") if report else None
    cells = t3.rows.get("carried_out") if t3 else None
    if not cells:
        return None
    values = ", ".join(cell_text(c) for c in cells.values())
    return (f"{args.year - 1} 年报表三“四、结转下年度继续办理”为 [{values}]：\n"
            f"本年表三 carried_in（二、上年结转政府信息公开申请数量）应与之相同（核验 T3-6）。")


def cmd_show(args) -> int:
    root = _site_root(args.root, args.data_dir)
    result, issues = check_site(root, args.data_dir, args.content_dir, processes=default_processes())
    report = result.site.report(args.unit, args.year)
    if report is None:
        mine = [i for i in issues if i.file and i.file.startswith(f"{args.data_dir}/{args.unit}/{args.year}.")]
        if mine:
            print(format_text(mine, root), file=sys.stderr)
        raise CliError(f"没有可读取的报告：{args.data_dir}/{args.unit}/{args.year}.yml")
    if args.format == "json":
        print(dumps(report_to_canonical(report)))
    else:
        data = report_to_canonical(report)
        if not report.format.tables:  # 2018 and before: the tables as printed
            print(f"{report.meta.title or report.unit} （{report.format.name}）")
            for t in data["tables"]:
                print(f"[{t['title'] or '统计表'}]")
                print("  " + " | ".join(t["columns"]))
                for row in t["rows"]:
                    print("  " + " | ".join("" if v is None else str(v) for v in row))
            return 0
        print(f"{report.meta.title or report.unit} （{report.format.id} 年格式）")
        for key in ("proactive", "applications", "review_litigation"):
            print(f"[{key}]")
            for row, cols in (data[key] or {}).items():
                print(f"  {row}: " + ", ".join(f"{k}={'' if v is None else v}" for k, v in cols.items()))
    return 0


def cmd_import(args) -> int:
    from .importers import opened_sources

    root = _site_root(args.root, args.data_dir)
    skipped: list[str] = []
    with opened_sources(args.sources, skipped) as sources:
        for s in skipped:
            print(f"跳过 {s}")
        return _import(args, root, sources)


def _import(args, root: Path, sources: list[tuple[Path, str, str | None]]) -> int:
    from .importers import Plan, iter_plans, write_plan

    if not sources:
        raise CliError("没有可导入的文件（.txt、.docx、.html、.mht、.pdf、.ofd 等）")
    if (args.unit or args.year or args.tables) and len(sources) > 1:
        raise CliError("--unit、--year 和 --tables 只能用于单个文件")
    tables = Path(args.tables) if args.tables else None
    if tables is not None and not tables.is_file():
        raise CliError(f"--tables 指定的文件不存在：{tables}")
    failed = 0
    written = []

    def reports(src: Path, shown: str, refused: str | None):
        """(heading, plan) for each report in ``src``, each planned after the one before is written."""
        if refused is not None or not src.is_file():
            yield shown, Plan(src.name, error=refused or "文件不存在")
            return
        for k, count, plan in iter_plans(src, root, args.unit, args.year, display=src.name, tables=tables):
            yield shown + (f"（第 {k} 份，共 {count} 份）" if count > 1 else ""), plan

    for title, plan in (item for source in sources for item in reports(*source)):
        print(f"导入 {title}")
        if plan.error is None and not args.dry_run:
            write_plan(plan, root, args.force)
        if plan.error:
            print(f"  无法导入：{plan.error}")
            for n in plan.notes:
                print(f"    - {n}")
            failed += 1
            continue
        print(f"  识别：{'；'.join(plan.guesses) or f'单位 {plan.unit_id}，年度 {plan.year}'}")
        shown = (f"混合（按 {plan.format} 年格式保存）" if plan.detected == "hybrid"
                 else f"{get_format(LEGACY_ID).name}，统计表照原表" if plan.detected == LEGACY_ID else plan.detected)
        print(f"  格式：{shown}" + (f"（依据：{'、'.join(plan.evidence)}）" if plan.evidence else ""))
        if plan.notes:
            print(f"  说明（{len(plan.notes)} 项）：")
            for n in plan.notes:
                print(f"    - {n}")
        for d in plan.dropped:
            print(f"  已删除：{d}")
        rel = lambda p: p.relative_to(root).as_posix()  # noqa: E731
        verb = "将写入" if args.dry_run else "已写入"
        print(f"  {verb}：{rel(plan.data_path)}、{rel(plan.content_path)}" + ((f"；新单位{'将' if args.dry_run else '已'}加入 data/units.yml") if plan.registry_text else ""))
        if args.dry_run:
            continue
        written.append((rel(plan.data_path), rel(plan.content_path)))
    if written:
        _result, issues = check_site(root, args.data_dir, args.content_dir, processes=default_processes())
        for data_rel, content_rel in written:
            mine = [i for i in issues if i.file in (data_rel, content_rel)]
            print(f"核验 {data_rel}：{summary(mine)}")
            shown_issues = [i for i in mine if i.severity.value != "info"]
            if shown_issues:
                print(format_text(shown_issues, root))
            kept = sorted({i.check for i in mine if i.severity.value == "error" and i.check in keepable_checks()})
            if kept:
                print(f"  若与原件核对后确是原件如此（录入无误），可在 {data_rel} 中写明理由照原件保留，报告页会注明“原件错误”"
                      f"（须有发布日期）：\n    as_published:\n" + "".join(f"      {c}: 原件如此（{AS_PUBLISHED_PLACEHOLDER}）\n" for c in kept), end="")
    if failed:
        print(f"{failed} 份未能导入", file=sys.stderr)
    return 1 if failed else 0


def cmd_export(args) -> int:
    from .export import write_exports
    from .export.checks import CHECKS_FILE, STATUS_FILE, checks_csv, status_csv
    from .export.twins import index_twins
    from .issues import has_errors
    from .validate import issues_by_report

    root = _site_root(args.root, args.data_dir)
    result, issues = check_site(root, args.data_dir, args.content_dir, processes=default_processes())
    if has_errors(issues):
        print(format_text([i for i in issues if i.severity.value == "error"], root), file=sys.stderr)
        raise CliError("数据有错误，未导出（先运行 nianbao validate 改正）")
    out = Path(args.out)
    sizes = write_exports(result.site, out)
    checks = {STATUS_FILE: status_csv(result.site, issues_by_report(issues, result.site)), CHECKS_FILE: checks_csv(result.site, issues)}
    for name, data in checks.items():
        (out / name).write_bytes(data)
    twins = 0
    for path, data in index_twins(result.site):  # what the unit, year and roll-up pages offer
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
        twins += 1
    print(f"已导出 {len(sizes) + len(checks) + twins} 个文件到 {out}")
    return 0


def cmd_assemble(args) -> int:
    from .assemble import AssembleError, assemble

    shards = []
    for spec in args.shards:
        name, sep, path = spec.partition("=")
        if not sep:
            path, name = spec, Path(spec).name
        shards.append((name, Path(path)))
    try:
        info = assemble(Path(args.out), shards, args.title, link=args.link)
    except AssembleError as e:
        raise CliError(str(e)) from None
    print(f"已把 {len(info)} 个分站（{sum(s.reports for s in info)} 份年报）合成到 {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告：校验、新建、查看")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", help="站点目录（含 data/units.yml）；默认从当前目录向上查找")
    common.add_argument("--data-dir", default="data", help="数据目录（默认 data）")
    common.add_argument("--content-dir", default="content", help="正文目录（默认 content）")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", parents=[common], help="校验数据文件，有错误时退出码为 1")
    v.add_argument("paths", nargs="*", metavar="PATH", help="站点目录、单位目录或数据文件（默认当前站点）")
    v.add_argument("--format", choices=("text", "json", "github"), default="text", help="输出格式")
    v.add_argument("-v", "--verbose", action="store_true", help="同时显示提示（info）")
    v.add_argument("-q", "--quiet", action="store_true", help="汇总行写到标准错误")
    v.set_defaults(func=cmd_validate)

    n = sub.add_parser("new", parents=[common], help="新建一份年报的数据文件和正文文件")
    n.add_argument("unit", help="单位标识，如 dazhangzhuang")
    n.add_argument("year", type=int, help="报告年度，如 2025")
    n.add_argument("--template", dest="format_id", choices=[*FORMAT_IDS, LEGACY_ID],
                   help=f"格式版本（默认按年度；2018 年度及以前为 {LEGACY_ID}，统计表照原表录入）")
    n.add_argument("--force", action="store_true", help="覆盖已有文件")
    n.set_defaults(func=cmd_new)

    im = sub.add_parser("import", parents=[common], help="导入已有的年报（.txt、.docx、.html、.mht、.pdf、.ofd 等）")
    im.add_argument("sources", nargs="+", metavar="SOURCE", help="文件或目录")
    im.add_argument("--unit", help="单位标识（默认由标题推断）")
    im.add_argument("--year", type=int, help="报告年度（默认由标题推断）")
    im.add_argument("--force", action="store_true", help="覆盖已有文件")
    im.add_argument("--dry-run", action="store_true", help="只显示识别结果，不写文件")
    im.add_argument("--tables", metavar="FILE",
                    help="统计表在附件中时：附件文件（.xlsx，装有 LibreOffice 时 .xls、.et；或 .docx、.html、.pdf 等），正文取自 SOURCE")
    im.set_defaults(func=cmd_import)

    ex = sub.add_parser("export", parents=[common], help="导出开放数据（JSON、CSV、XLSX、JSON Schema）")
    ex.add_argument("--out", required=True, help="输出目录")
    ex.set_defaults(func=cmd_export)

    asm = sub.add_parser("assemble", help="把分别生成的分站合成为一个网站（全国汇总、跨分站搜索）")
    asm.add_argument("shards", nargs="+", metavar="NAME=SITE", help="分站名=已生成的分站目录（site_dir）")
    asm.add_argument("--out", required=True, help="输出目录")
    asm.add_argument("--title", default="政府信息公开工作年度报告（全国汇总）")
    asm.add_argument("--link", action="store_true",
                     help="把分站的文件硬链接到输出目录而不复制（须在同一磁盘上；之后不要再原地改动分站目录）")
    asm.set_defaults(func=cmd_assemble)

    s = sub.add_parser("show", parents=[common], help="显示一份年报的数据")
    s.add_argument("unit")
    s.add_argument("year", type=int)
    s.add_argument("--format", choices=("json", "text"), default="text")
    s.set_defaults(func=cmd_show)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as e:
        print(f"nianbao: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # the output went to a reader that stopped (nianbao show … | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes on exit
        return 141
    except OSError as e:  # the file system refused (no such folder, no permission, disk full): its words, no traceback
        where = f"{e.filename}：" if e.filename else ""
        print(f"nianbao: 无法读写文件：{where}{e.strerror or e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

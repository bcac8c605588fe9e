"""``nianbao import``: existing reports (.txt, .docx, .html, .mht, .pdf, .ofd) into data and narrative files.

``iter_plans`` reads and recognises one source and gives, for each report in it (usually one),
what would be written, with every note; it writes nothing. ``write_plan`` writes a plan that has no error. An input that cannot be
understood gives a plan with ``error`` set, and nothing is written for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..canonical import legacy_cell
from ..datafile import render_data_file, yaml_str
from ..formats import LEGACY, LEGACY_ID, get_format
from ..issues import some_of
from ..loader import REGISTRY_FILE, load_registry, parse_date
from ..model import Cell, CellKind, LegacyTable, Meta, Unit
from ..normalize import parse_cell
from . import narrative as N
from .artefacts import strip_artefacts
from .document import Document, GCell, Para, TableGrid
from .legacy_metrics import propose_metrics
from .recognize import ImportError_, Note, classify, recognize, to_tables

SUFFIXES = (".txt", ".docx", ".html", ".htm", ".mht", ".mhtml", ".pdf", ".ofd", ".doc", ".wps")
SPREADSHEETS = ("xlsx", "xls", "et")  # --tables: an attachment may be a spreadsheet
GOV_SUFFIX = re.compile(r"(人民政府|政府|办事处)$")
REGION_NAME = re.compile(r"(省|市|县|区|自治州|自治县|旗|盟)$")  # a title naming a region, not an organ
KINDS = (("街道", "街道"), ("镇", "镇"), ("乡", "乡"), ("县", "县"), ("区", "区"), ("市", "市"))


@dataclass
class Plan:
    source: str
    unit_id: str | None = None
    unit: Unit | None = None
    new_unit: bool = False
    year: int | None = None
    format: str | None = None
    detected: str | None = None  # 2019 | 2021 | hybrid
    evidence: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    data_text: str | None = None
    content_text: str | None = None
    registry_text: str | None = None
    data_path: Path | None = None
    content_path: Path | None = None
    error: str | None = None


def read_document(path: Path, display: str) -> Document:
    suffix = path.suffix.lower()
    if path.is_file() and path.stat().st_size == 0:
        raise ImportError_("文件是空的（0 字节）")
    inside = _inside(path) if suffix in OFFICE else None
    if inside in ("html", "mhtml"):
        return _read_web_page(path, display, inside)
    if inside == "ole" and suffix in (".docx", ".xlsx"):  # an Office 97 file under the newer name
        doc = _read_via_libreoffice(path, display, suffix[1:])
        doc.notes.append(f"文件扩展名为 {suffix}，内容是 Office 97 格式（.{'doc' if suffix == '.docx' else 'xls'}）：经 LibreOffice 转换读取")
        return doc
    if suffix == ".txt":
        from .txt import read_txt

        return read_txt(path, display)
    if suffix == ".docx":
        from .docx import read_docx

        try:
            return read_docx(path, display)
        except Exception as e:  # noqa: BLE001 - python-docx and lxml have no common error base: a message, not a traceback
            raise ImportError_(f"无法读取 Word 文件 {path.name}（文件损坏，或不是 .docx）：{type(e).__name__}") from None
    if suffix in (".html", ".htm"):
        from .html import read_html

        return read_html(path, display)
    if suffix in (".mht", ".mhtml"):
        from .html import read_mhtml

        return read_mhtml(path, display)
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, display)
    if suffix == ".ofd":
        from .ofd import read_ofd

        return read_ofd(path, display)
    if suffix in (".doc", ".wps"):
        return _read_via_libreoffice(path, display)
    if suffix == ".xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(path, display)
    if suffix in (".xls", ".et"):
        return _read_via_libreoffice(path, display, "xlsx")
    raise ImportError_(f"不支持的文件类型 {suffix}：可导入 .txt（Word 另存为纯文本）、.docx、.html（及单个文件的网页 .mht、.mhtml）、.pdf、.ofd（有文字层的），以及装有 LibreOffice 时的 .doc、.wps"
                       "（统计表附件另可为 .xlsx，装有 LibreOffice 时 .xls、.et）")


_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S)
_MIME_START = re.compile(rb"^(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?(?:mime-version:|content-type:\s*multipart/related)", re.I)


OFFICE = (".docx", ".xlsx", ".doc", ".wps", ".xls", ".et")  # suffixes whose files may be something else inside


def _inside(path: Path) -> str | None:
    """What a file under an Office suffix is, by its first 4 KB: "ole" (an Office 97 compound
    file), "zip" (OOXML), "mhtml" or "html" (a web page: what many portals' "下载 Word 版"/"导出 Excel"
    give, and what Word writes for "网页" saved under a .doc name), or None (unknown: left to the
    suffix's reader)."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if _MIME_START.match(head.replace(b"\r\n", b"\n")):
        return "mhtml"
    if _HTML_START.match(head):
        return "html"
    return None


def _read_web_page(path: Path, display: str, inside: str) -> Document:
    """A web page under an Office suffix, read as the page (.mht if it is one file with its
    pictures), with no LibreOffice needed."""
    from .html import read_mhtml, read_page

    doc = read_mhtml(path, display) if inside == "mhtml" else read_page(path.read_bytes(), display, "html")
    doc.kind = path.suffix.lstrip(".").lower()
    doc.notes.append(f"文件扩展名为 {path.suffix}，内容是网页：按网页读取")
    return doc


def _read_via_libreoffice(path: Path, display: str, to: str = "docx") -> Document:
    """.doc / .wps: converted to .docx by LibreOffice's converter when it is installed (.xls / .et
    spreadsheets: to .xlsx).

    LibreOffice runs with a profile of its own in a temporary folder: with the user's profile, a
    LibreOffice already open (or another conversion) would take the job and the command would end
    without a file, and a CI machine's home may not be writable. It picks the import filter by the
    file's content, so a .wps that is a Word 97 file inside (as WPS Office writes it) reads as one."""
    import shutil
    import subprocess
    import tempfile

    office = shutil.which("soffice") or shutil.which("libreoffice")
    what = "Excel/WPS 表格" if to == "xlsx" else "Word/WPS"
    if office is None:
        raise ImportError_(f"{path.suffix} 文件需要 LibreOffice 转换（未安装）：请安装 LibreOffice，或在 {what} 中另存为 .{to}")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        cmd = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", to,
               "--outdir", tmp, str(path.resolve())]
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            raise ImportError_(f"LibreOffice 转换 {path.name} 超过 3 分钟仍未完成：请在 {what} 中另存为 .{to} 后导入") from None
        out = Path(tmp) / (path.stem + "." + to)
        if p.returncode != 0 or not out.exists():
            said = [ln.strip() for ln in (p.stderr + p.stdout).decode(errors="replace").splitlines() if ln.startswith("Error")]
            raise ImportError_(f"LibreOffice 无法打开 {path.name}（文件损坏，或不是 {what} 文档）" + (f"：{said[0][:200]}" if said else ""))
        if to == "xlsx":
            from .xlsx import read_xlsx

            doc = read_xlsx(out, display)
        else:
            from .docx import read_docx

            doc = read_docx(out, display)
    doc.kind = path.suffix.lstrip(".").lower()
    return doc


def expand_sources(sources: list[str], skipped: list[str] | None = None) -> list[Path]:
    """The files to import: each file named, and the importable files in each folder named, except
    those in the folder a browser or Word saves beside a page ("报告_files", "报告.files" next to
    "报告.html": the page's frames, scripts and pictures, not reports), which are put in ``skipped``."""
    out: list[Path] = []
    for s in sources:
        p = Path(s)
        if not p.is_dir():
            out.append(p)
            continue
        aside: dict[Path, int] = {}
        for f in sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES):
            page_folder = next((d for d in f.relative_to(p).parents if _beside_a_page(p / d)), None)
            if page_folder is not None:
                aside[p / page_folder] = aside.get(p / page_folder, 0) + 1
            else:
                out.append(f)
        if skipped is not None:
            skipped += [f"{d}（网页的附属文件夹，{n} 个文件）" for d, n in aside.items()]
    return out


ZIP_LIMIT = 2 * 2**30  # bytes: the most a .zip of reports may unpack to


@contextmanager
def opened_sources(sources: list[str], skipped: list[str] | None = None) -> Iterator[list[tuple[Path, str, str | None]]]:
    """(file to read, name to show, refusal or None) for each file to import: as
    :func:`expand_sources`, and the files in each .zip named (a county's reports as they are handed
    on, 打包下载), unpacked for the while into a temporary folder and shown as "包.zip/成员"."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nianbao-zip-") as tmp:
        out: list[tuple[Path, str, str | None]] = []
        for i, s in enumerate(sources):
            p = Path(s)
            if not (p.is_file() and p.suffix.lower() == ".zip"):
                out += [(f, str(f), None) for f in expand_sources([s], skipped)]
                continue
            folder = Path(tmp) / str(i)
            try:
                others = _unpack_zip(p, folder)
            except ImportError_ as e:
                out.append((p, str(p), str(e)))
                continue
            mine: list[str] = []
            out += [(f, f"{p}/{f.relative_to(folder).as_posix()}", None) for f in expand_sources([str(folder)], mine)]
            if skipped is not None:
                skipped += [m.replace(str(folder), str(p)) for m in mine]
                if others:
                    skipped.append(f"{p} 中不是年报格式的 {len(others)} 个文件：" + "、".join(others[:5]) + ("等" if len(others) > 5 else ""))
        yield out


def _unpack_zip(path: Path, folder: Path) -> list[str]:
    """The importable files of the archive into ``folder`` (names as written: a name without the
    UTF-8 flag is GBK, as Windows' zip tools write Chinese names; no member outside ``folder``).
    The names of the other files are returned."""
    import shutil
    import zipfile
    from pathlib import PurePosixPath

    others: list[str] = []
    total = 0
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename
                if not info.flag_bits & 0x800:
                    try:
                        name = name.encode("cp437").decode("gb18030")
                    except (UnicodeEncodeError, UnicodeDecodeError):
                        pass
                parts = [x for x in PurePosixPath(name.replace("\\", "/")).parts if x not in ("/", ".", "..")]
                if not parts:
                    continue
                if PurePosixPath(parts[-1]).suffix.lower() not in SUFFIXES:
                    others.append("/".join(parts))
                    continue
                total += info.file_size
                if total > ZIP_LIMIT:
                    raise ImportError_(f"压缩包 {path.name} 解压后超过 {ZIP_LIMIT // 2**30} GB：请解压后导入其中的文件")
                target = folder.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile as e:
        raise ImportError_(f"无法读取压缩包 {path.name}（文件损坏或不是 .zip）：{e}") from None
    except RuntimeError as e:  # an encrypted member
        raise ImportError_(f"压缩包 {path.name} 有密码保护，无法读取：请解压后导入其中的文件（{e}）") from None
    except NotImplementedError as e:  # a compression zipfile cannot undo
        raise ImportError_(f"压缩包 {path.name} 使用了不支持的压缩方法：请解压后导入其中的文件（{e}）") from None
    return others


def _beside_a_page(folder: Path) -> bool:
    name = folder.name
    for tail in ("_files", ".files"):
        if name.endswith(tail) and len(name) > len(tail):
            stem = name[: -len(tail)]
            return any((folder.parent / f"{stem}{suf}").is_file() for suf in (".html", ".htm", ".mht", ".mhtml"))
    return False


def _pinyin_id(name: str) -> str:
    from pypinyin import lazy_pinyin

    s = "".join(lazy_pinyin(name))
    s = re.sub(r"[^a-z0-9]+", "", s.lower())
    return s or "unit"


def resolve_unit(name: str, units: dict[str, Unit]) -> tuple[Unit | None, Unit | None]:
    """(existing unit, or None) and, for a new one, the unit the registry would get."""
    for u in units.values():
        if name in (u.full_name, u.name) or name == GOV_SUFFIX.sub("", u.full_name):
            return u, None
    short = GOV_SUFFIX.sub("", name)
    parent = None
    for u in sorted(units.values(), key=lambda u: -len(u.name)):
        if short.startswith(u.name) and len(short) > len(u.name):
            parent, short = u, short[len(u.name) :]
            break
    kind = next((k for suf, k in KINDS if short.endswith(suf)), "县级部门" if parent else "县")
    base = _pinyin_id(short[: -len(kind)] if short.endswith(kind) and len(short) > len(kind) else short)
    uid, n = base, 2
    while uid in units:
        uid, n = f"{base}{n}", n + 1
    return None, Unit(uid, short, name, kind, parent.id if parent else None)


def registry_entry(unit: Unit, contact: dict[str, str], office: str | None) -> str:
    lines = [
        f"  {unit.id}:  # 由 nianbao import 添加",
        f"    name: {yaml_str(unit.name)}",
        f"    full_name: {yaml_str(unit.full_name)}",
        f"    kind: {unit.kind}",
        f"    parent: {unit.parent or '~'}",
    ]
    fields = {"office": office, **contact}
    if any(fields.values()):
        lines.append("    contact:")
        for k in ("office", "address", "postcode", "phone", "fax", "email"):
            if fields.get(k):
                lines.append(f"      {k}: {yaml_str(str(fields[k]))}")
    return "\n".join(lines) + "\n"


def split_reports(doc: Document) -> list[Document]:
    """The reports in one source: usually one. A page or file that holds several (a county's
    departments' reports published on one page, spec §9.2) has a title paragraph for each
    ("××县××局2024年政府信息公开工作年度报告", the whole paragraph) followed by its tables: one
    document per such title. The page's metadata goes with each only for its dates (an 索引号 or
    发布机构 is the page's, not one report's)."""
    starts = [i for i, b in enumerate(doc.blocks) if isinstance(b, Para) and _is_title(b.text)]
    starts = [s for k, s in enumerate(starts)  # a title with a statistics table before the next title starts a report
              if any(isinstance(b, TableGrid) and classify(b) for b in doc.blocks[s:(starts[k + 1] if k + 1 < len(starts) else None)])]
    if len(starts) < 2:
        return [doc]
    before = [b.text for b in doc.blocks[: starts[0]] if isinstance(b, Para)]  # the page's own heading, lines about the page
    meta = {k: v for k, v in doc.meta.items() if k in ("written_date", "published_date")}
    left_out = [k for k in doc.meta if k not in meta and k != "title"]
    parts = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(doc.blocks)
        part = Document(doc.path, doc.kind, doc.blocks[start:end], dict(meta), list(doc.dropped), list(doc.notes),
                        list(doc.images))
        part.notes.append(f"原文有 {len(starts)} 份年报，这是第 {k + 1} 份"
                          + (f"；页面的{'、'.join(META_NAMES.get(m, m) for m in left_out)}属于整个页面，未用于单份年报" if left_out else ""))
        if before:
            part.dropped.append(f"第一份年报之前、不属于任何一份年报的 {len(before)} 段：" + "、".join(f"“{t[:30]}”" for t in before[:3]))
        parts.append(part)
    return parts


META_NAMES = {"index_no": "索引号", "publisher": "发布机构", "doc_no": "文号"}
TABLE_NAMES = {"T2": "表二", "T3": "表三", "T4": "表四"}


def _is_title(text: str) -> bool:
    m = N.TITLE.search(text.strip())
    return m is not None and m.start() == 0 and len(text.strip()) - m.end() <= 2


def with_tables(doc: Document, tables: Document, name: str) -> Document:
    """The report's text from ``doc`` with the statistics tables of an attachment (``tables``: a
    spreadsheet, or a Word, HTML or PDF file): the attachment's lines stay beside its tables (a
    table's title) but are not the report's text; tables in ``doc`` itself are not used, and said so."""
    own = len(doc.tables)
    blocks = [b for b in doc.blocks if not isinstance(b, TableGrid)]
    blocks += [Para(b.text, b.heading_level, aside=True) if isinstance(b, Para) else b for b in tables.blocks]
    out = Document(doc.path, doc.kind, blocks, dict(doc.meta), doc.dropped + tables.dropped,
                   doc.notes + [f"附件 {name}：{n}" for n in tables.notes], doc.images)
    out.notes.append(f"统计表取自附件 {name}（{len(tables.tables)} 张）" + (f"；原文自己的 {own} 张表未使用" if own else ""))
    return out


def iter_plans(path: Path, root: Path, unit_id: str | None = None, year: int | None = None,
               display: str | None = None, tables: Path | None = None) -> Iterator[tuple[int, int, Plan]]:
    """(k, count, plan) for each report in the source (see :func:`split_reports`), each planned only
    when asked for: ``nianbao import`` writes a plan before it asks for the next, so that a unit the
    first adds to the registry is known to the next. A source that cannot be read gives one plan
    with the error. ``tables``: an attachment holding the report's statistics tables (see
    :func:`with_tables`; the source must then hold one report)."""
    display = display or str(path)
    try:
        doc = read_document(path, display)
        if doc.kind in SPREADSHEETS:  # tables only (their lines are titles, read as such)
            doc.notes.append("电子表格只有统计表，没有报告正文：正文各部分留空，请照原报告填写；"
                             "或用 nianbao import 报告正文的文件 --tables 此表格，一并导入")
        parts = split_reports(doc)
        if tables is not None and len(parts) == 1:
            tdoc = read_document(tables, tables.name)
            if not tdoc.tables:
                raise ImportError_(f"附件 {tables.name} 中没有表格")
            parts = [with_tables(parts[0], tdoc, tables.name)]
    except ImportError_ as e:
        yield 1, 1, Plan(display, error=str(e))
        return
    except (OSError, ValueError) as e:
        yield 1, 1, Plan(display, error=f"无法读取：{e}")
        return
    except Exception as e:  # noqa: BLE001 - the last resort, as below
        yield 1, 1, Plan(display, error=f"读取时出错（{type(e).__name__}: {e}）：文件可能损坏；若它能正常打开，这是 nianbao 的缺陷，请连同文件报告")
        return
    if len(parts) > 1 and (unit_id or year or tables):
        yield 1, 1, Plan(display, error=f"原文有 {len(parts)} 份年报：--unit、--year、--tables 只能用于只有一份年报的文件")
        return
    for k, part in enumerate(parts, 1):
        shown = display if len(parts) == 1 else f"{display}（第 {k} 份）"
        try:
            plan = plan_document(part, root, unit_id, year, shown)
        except Exception as e:  # noqa: BLE001 - the last resort: one source's fault stops neither the run nor shows a traceback
            plan = Plan(shown, error=f"导入时出错（{type(e).__name__}: {e}）：若原文件能正常打开，这是 nianbao 的缺陷，请连同文件报告")
        yield k, len(parts), plan


def plan_import(path: Path, root: Path, unit_id: str | None = None, year: int | None = None, display: str | None = None,
                tables: Path | None = None) -> Plan:
    """The plan for a source that holds one report (one that holds several gives a plan with an error)."""
    plans = [plan for _k, _n, plan in iter_plans(path, root, unit_id, year, display, tables)]
    if len(plans) > 1:
        return Plan(display or str(path), error=f"原文有 {len(plans)} 份年报，请逐份导入（iter_plans）")
    return plans[0]


def plan_document(doc: Document, root: Path, unit_id: str | None, year: int | None, display: str) -> Plan:
    plan = Plan(display)
    try:
        for grid in doc.tables:  # table cells too: a zero-width space makes a blank cell look like text
            for c in grid.cells:
                c.text = strip_artefacts(c.text, doc.dropped, c.where or f"{grid.source}第 {c.row + 1} 行")
        plan.dropped = doc.dropped
        plan.notes += [Note(doc.kind.upper() if doc.kind in ("pdf", "ofd") else "原文", n) for n in doc.notes]
        if not doc.tables and doc.attachments:
            shown = some_of(doc.attachments, 5, "个")
            raise ImportError_(f"页面上没有统计表，只有附件：{shown}。年报可能在附件中：请下载附件后导入附件；"
                               "附件只有统计表时，用 --tables 附件 与本页一并导入")
        if not doc.tables and doc.images:
            shown = some_of(doc.images, 3, "张")
            raise ImportError_(f"没有找到表格，只有图片（{shown}）：统计表可能是贴成图片的，nianbao 不做文字识别（OCR），"
                               "无法读取其中的数字。请使用原 Word 文件，或用 nianbao new 新建数据文件后照原表填写")
        probe = N.parse(doc.paragraphs, [])
        if probe.title is None and doc.meta.get("title"):
            m = N.TITLE.search(doc.meta["title"])
            probe.year = int(m["year"]) if m else None
        legacy = (year or probe.year or 9999) <= LEGACY.year_to  # no national format: tables as printed
        if legacy:
            rec = None
            legacy_tables = _legacy_tables(doc, plan.notes)
            plan.detected = LEGACY_ID
        else:
            try:
                rec = recognize(doc.tables)
            except ImportError_ as e:
                if year is None and probe.year is None and doc.tables:
                    # no title with a year: this may be a report from before the national format
                    raise ImportError_(f"{e}；标题中也没有年度。若是 2018 年度及以前的年报（没有统一格式），"
                                       "请用 --year 指定年度，统计表将照原表导入") from None
                raise
            plan.notes += rec.notes
            said = len(rec.notes)
            missing = [name for t, name in TABLE_NAMES.items() if t not in rec.tables]
            pictures = (f"；原文中有 {len(doc.images)} 张图片（{'、'.join(doc.images[:3])}），缺少的表可能是贴成图片的，"
                        "nianbao 不做文字识别") if doc.images else ""
            if missing:
                plan.notes.append(Note("原文", f"没有找到{'、'.join(missing)}{pictures}：数据文件中这些表留作注释，照原表填写后才能发布"))
            plan.detected = rec.format
            plan.evidence = list(dict.fromkeys(rec.evidence))
        text = N.parse(doc.paragraphs, plan.notes, N.LEGACY_SECTION if legacy else N.SECTION)
        title = text.title or doc.meta.get("title")
        if text.title is None and title:
            m = N.TITLE.search(title)
            text.unit_name, text.year = (m["name"], int(m["year"])) if m else (None, None)
        units, reg_issues = load_registry(root / "data" / REGISTRY_FILE, f"data/{REGISTRY_FILE}")
        if reg_issues and any(i.severity.value == "error" for i in reg_issues):
            raise ImportError_("单位名录 data/units.yml 有错误，请先运行 nianbao validate 改正")
        # year
        if year is None:
            if text.year is None:
                raise ImportError_("标题中没有年度，请用 --year 指定")
            year = text.year
            plan.guesses.append(f"年度 {year}（由标题推断）")
        elif text.year and text.year != year:
            plan.notes.append(Note("标题", f"标题中的年度为 {text.year}，按 --year 导入为 {year}"))
        plan.year = year
        # unit
        if unit_id:
            unit = units.get(unit_id)
            if unit is None:
                if not text.unit_name:
                    raise ImportError_(f"单位“{unit_id}”不在名录中，标题里也没有单位名称")
                _none, unit = resolve_unit(text.unit_name, units)
                unit = Unit(unit_id, unit.name, unit.full_name, unit.kind, unit.parent)
                plan.new_unit = True
        else:
            if not text.unit_name:
                raise ImportError_("标题中没有单位名称，请用 --unit 指定")
            unit, new = resolve_unit(text.unit_name, units)
            if unit is None:
                unit, plan.new_unit = new, True
                plan.guesses.append(f"单位“{new.full_name}”不在名录中，将添加为 {new.id}（{new.kind}，上级 {new.parent or '无'}）")
            else:
                plan.guesses.append(f"单位 {unit.id}（{unit.full_name}，由标题推断）")
        plan.unit, plan.unit_id = unit, unit.id
        meta = _meta(doc, text, title, plan)
        if text.unit_name and REGION_NAME.search(text.unit_name):
            # spec §1: "上海市政府信息公开工作年度报告" (the city) beside "上海市人民政府办公厅…" (the organ)
            plan.notes.append(Note("范围", f"标题以地区名“{text.unit_name}”而不是机关名（××人民政府、××局）开头，可能是本地区汇总的年报"
                                   "（含所属部门和下级政府的数字）：如是，请在数据文件中加一行 scope: region_aggregate，汇总时就不会重复计入"))
        if legacy:
            plan.format = LEGACY_ID
            header = (f"由 nianbao import 从 {display} 导入；2018 年度及以前没有统一格式，统计表照原表写在 tables: 中"
                      f"（{len(legacy_tables)} 张）。\n原文未载明的信息（索引号、日期等）留空（~），不作推测。")
            metrics, sources = propose_metrics(legacy_tables, plan.notes)
            plan.data_text = render_data_file(unit, unit.id, year, LEGACY, meta, header_note=header, legacy_tables=legacy_tables,
                                              legacy_metrics=metrics, metric_sources=sources)
            plan.content_text = N.to_markdown(text, display, plan.notes, legacy=True)
            _finish(plan, root, unit, year, text)
            return plan
        # format
        if rec.format == "hybrid":
            fid = rec.t2_format or rec.t3_format
            plan.notes.append(Note("格式", f"混合格式：表二为 {rec.t2_format} 年格式，表三为 {rec.t3_format} 年格式；按 {fid} 年格式保存"))
        else:
            fid = rec.format
        plan.format = fid
        fmt = get_format(fid)
        tables = to_tables(rec, fid)
        plan.notes += rec.notes[said:]  # what fitting the tables to the format said
        header = (
            f"由 nianbao import 从 {display} 导入；识别为"
            + (f"混合格式，按 {fid} 年格式保存" if rec.format == "hybrid" else f" {rec.format} 年格式")
            + (f"（{'；'.join(plan.evidence)}）" if plan.evidence else "")
            + "。\n原文未载明的信息（索引号、日期等）留空（~），不作推测。"
            + "".join(f"\n{text}" for text in rec.source_text.values())
        )
        for tid, table in tables.items():
            lacking = [r.label for r in fmt.table(tid).rows if r.key not in table.rows]
            if lacking:
                shown = some_of((f"“{x}”" for x in lacking), 4, "行")
                plan.notes.append(Note(TABLE_NAMES[tid], f"原文缺少{shown}：数据文件中这些行写成注释（不是空白），照原表填写后才能发布"))
        absent = {t: (f"原文的此表为 {rec.t2_format} 年格式，与报告格式 {fid} 不同，未导入" if t in rec.tables
                      else f"原文中没有找到此表{'（可能是贴成图片的）' if doc.images else ''}，未导入")
                  for t in TABLE_NAMES if t not in tables}
        plan.data_text = render_data_file(unit, unit.id, year, fmt, meta, tables, header_note=header, absent=absent)
        plan.content_text = N.to_markdown(text, display, plan.notes)
        _finish(plan, root, unit, year, text)
    except ImportError_ as e:
        plan.error = str(e)
    except (OSError, ValueError) as e:
        plan.error = f"无法读取：{e}"
    return plan


def _meta(doc: Document, text: N.Narrative, title: str | None, plan: Plan) -> Meta:
    """The report information: from the page's metadata and the text, nothing guessed."""
    meta_src = doc.meta
    publisher = meta_src.get("publisher")
    if not publisher and text.unit_name:
        publisher = text.unit_name
        plan.notes.append(Note("发布机构", f"原文未单列发布机构，取标题中的“{publisher}”"))
    dates = {}
    for key in ("written_date", "published_date"):
        if meta_src.get(key):
            d = parse_date(meta_src[key][:10].replace("/", "-")) or parse_date(meta_src[key])
            if d is None:
                plan.notes.append(Note("页面信息", f"{key}“{meta_src[key]}”不是日期，未导入"))
            dates[key] = d
    if text.period is None:
        plan.notes.append(Note("前言", "没有找到统计期限，按全年（1 月 1 日至 12 月 31 日）填写"))
    return Meta(
        title=title,
        publisher=publisher,
        index_no=meta_src.get("index_no"),
        doc_no=meta_src.get("doc_no"),
        category=meta_src.get("category"),
        validity=meta_src.get("validity"),
        written_date=dates.get("written_date"),
        published_date=dates.get("published_date"),
        period_start=text.period[0] if text.period else None,
        period_end=text.period[1] if text.period else None,
    )


def _finish(plan: Plan, root: Path, unit: Unit, year: int, text: N.Narrative) -> None:
    if plan.new_unit:
        plan.registry_text = registry_entry(unit, text.contact, text.office)
    plan.data_path = root / "data" / unit.id / f"{year}.yml"
    plan.content_path = root / "content" / unit.id / f"{year}.md"


def _legacy_tables(doc: Document, notes: list[Note]) -> tuple[LegacyTable, ...]:
    """A report for 2018 or before: every table as printed. Merged cells: a row spanned by one cell
    heads the rows below it; a cell spanning rows is repeated on each (its label applies to each);
    a cell spanning columns is written in its first column, the others left blank (said in a note).
    The title is the table's own first row when one cell spans it, else the short paragraph just
    before the table that names it (…统计表), if any; the header is the next row."""
    out = []
    last_para: str | None = None
    for block in doc.blocks:
        if isinstance(block, Para):
            last_para = block.text.strip()
            continue
        n = len(out) + 1
        if not block.geometry:
            notes.append(Note(f"第 {n} 张表", "纯文本导出的表格没有行列信息，2018 年度及以前的表格无法还原，未导入："
                              "请照原表在数据文件的 tables: 中录入"))
            last_para = None
            continue
        grid = block.expanded()
        if not grid:
            continue
        title = last_para if last_para and "表" in last_para and len(last_para) <= 40 else None
        last_para = None
        rows: list[list[GCell | None]] = []
        for slots in grid:
            origins = list({id(c): c for c in slots if c is not None}.values())
            if len(origins) == 1 and len(slots) > 1 and origins[0].colspan == len(slots):
                rows.append([origins[0]])  # one cell across the table: a heading (or the title, first)
            else:
                rows.append(slots)
        first = rows[0] if rows else []
        if len(first) > 1 and first[0] is not None and first[0].text.strip() \
                and all(c is None or c is first[0] or not c.text.strip() for c in first[1:]):
            rows[0] = [first[0]]  # a title written in the first column only (a spreadsheet's unmerged A1)
        if rows and len(rows[0]) == 1 and len(grid[0]) > 1:
            # the table's title inside it: its own (a paragraph before it stays in the text anyway)
            title = rows.pop(0)[0].text.strip()
        if not rows:
            continue
        header = rows.pop(0)
        width = len(header)
        columns = [c.text.strip() if c is not None else "" for c in header]
        # a second header row under cells spanning columns (数量 › 本年, 累计): joined into the column names
        while rows and len(rows[0]) == width and any(a is b for a, b in zip(rows[0], header) if a is not None) \
                and not any(c is not None and parse_cell(c.text).kind is CellKind.NUMBER for c in rows[0]):
            sub = rows.pop(0)
            columns = [top if b is None or b is a else (f"{top}·{b.text.strip()}" if top else b.text.strip())
                       for top, a, b in zip(columns, header, sub)]
            header = sub
        columns = tuple(columns)
        merged = False
        cells_rows = []
        for slots in rows:
            if len(slots) == 1:
                cells_rows.append((slots[0].text.strip(),))
                continue
            seen: set[int] = set()
            cells: list = []
            for j, c in enumerate(slots):
                if c is None:
                    cells.append("" if j == 0 else Cell(CellKind.BLANK))
                    continue
                if id(c) in seen:  # the same cell again in this row: it spans columns
                    merged = True
                    cells.append(Cell(CellKind.BLANK))
                    continue
                seen.add(id(c))
                cells.append(legacy_cell(c.text.strip(), j == 0))
            cells_rows.append(tuple(cells[:width]) + tuple(Cell(CellKind.BLANK) for _ in range(width - len(cells))))
        if merged:
            notes.append(Note(f"第 {n} 张表", "有横向合并的单元格：合并格的内容写在它的第一列，其余列留空（~）"))
        out.append(LegacyTable(title, columns, tuple(cells_rows)))
    if not out:
        notes.append(Note("原文", "没有找到统计表：数据文件中 tables: 为空；原报告有统计表的，请照原表录入"))
    return tuple(out)


def write_plan(plan: Plan, root: Path, force: bool = False) -> None:
    assert plan.error is None and plan.data_path and plan.content_path
    existing = [p for p in (plan.data_path, plan.content_path) if p.exists()]
    if existing and not force:
        plan.error = "文件已存在，未改动（加 --force 覆盖）：" + "、".join(str(p.relative_to(root)) for p in existing)
        return
    plan.data_path.parent.mkdir(parents=True, exist_ok=True)
    plan.content_path.parent.mkdir(parents=True, exist_ok=True)
    plan.data_path.write_text(plan.data_text, encoding="utf-8")
    plan.content_path.write_text(plan.content_text, encoding="utf-8")
    if plan.registry_text:
        reg = root / "data" / REGISTRY_FILE
        text = reg.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        reg.write_text(text + "\n" + plan.registry_text, encoding="utf-8")


__all__ = ["plan_import", "iter_plans", "plan_document", "split_reports", "write_plan", "expand_sources", "Plan"]

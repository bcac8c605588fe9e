"""The search index: Pagefind over a built site, made byte-for-byte reproducible.

Pagefind 1.5's output depends on more than the pages: it numbers the pages in the order it finds
their files (the order a folder is listed in, which differs between file systems and, as the build
writes pages from several processes, between runs), and writes a filter's values in hash-map order
(upstream issue Pagefind/pagefind#638). After Pagefind runs, :func:`make_deterministic` renumbers
the pages in URL order, sorts the filter values, names each rewritten file by a hash of its content
and rewrites the references to them (the .pf_meta file and pagefind-entry.json, which the browser
follows by name). The format handled here is Pagefind 1.5's; the version is pinned in
pyproject.toml, and tests index the same pages written in different orders and compare bytes.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

from .workdir import work_dir_beside

SIGNATURE = b"pagefind_dcd"


class SearchIndexError(Exception):
    pass


class SearchIndexCancelled(SearchIndexError):
    pass


PARTS_FILE = "nianbao-parts.json"  # in the main bundle: the further bundles of a large site
CHUNK_PAGES = 2500  # Pagefind holds ~0.4 MB per page while indexing: ~1 GB per part


def run_pagefind(site_dir: Path | str, output_subdir: str = "pagefind", cancel: threading.Event | None = None,
                 chunk_pages: int = CHUNK_PAGES) -> Path:
    """Index ``site_dir`` into ``site_dir/output_subdir``.

    Pagefind keeps the whole index in memory while it builds it (about 4 GB for 10,000 reports), so
    a site of more than ``chunk_pages`` pages is indexed in parts, one after another: the first part
    is the main bundle, the others go to ``part-2/``, ``part-3/`` … inside it, listed in
    ``nianbao-parts.json``; the search page merges them (Pagefind's ``mergeIndex``). Pages are
    split in path order, so the parts do not depend on anything but the site.

    Setting ``cancel`` (from another thread) stops Pagefind and raises :class:`SearchIndexCancelled`."""
    site = Path(site_dir)
    bundle = site / output_subdir
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html") if not p.is_relative_to(bundle))
    if len(pages) > chunk_pages:
        # Pagefind skips pages without data-pagefind-body once it has seen one: in parts, that holds
        # only within each part, so the parts get the marked pages only (if there are any)
        pages = [rel for rel in pages if b"data-pagefind-body" in (site / rel).read_bytes()] or pages
    if len(pages) <= chunk_pages:
        _index_folder(site, bundle, cancel)
        write_parts_manifest(bundle, 1)
        return bundle
    chunks = [pages[i : i + chunk_pages] for i in range(0, len(pages), chunk_pages)]
    for i, chunk in enumerate(chunks, start=1):
        index_part(site, chunk, i, output_subdir, cancel)
    write_parts_manifest(bundle, len(chunks))
    return bundle


def part_dir(site: Path, number: int, output_subdir: str = "pagefind") -> Path:
    """Where part ``number`` (1-based) goes: the first is the main bundle."""
    return site / output_subdir if number == 1 else site / output_subdir / f"part-{number}"


def index_part(site: Path, pages: list, number: int, output_subdir: str = "pagefind", cancel: threading.Event | None = None) -> None:
    """Index ``pages`` (paths relative to ``site``) as part ``number`` of the site's search index."""
    view = work_dir_beside(site, "pagefind")  # beside the site, the pages can be hard-linked; else they are copied
    try:
        try:
            for rel in pages:  # the part's pages at their own paths, so Pagefind gives them their own URLs
                (view / rel).parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(site / rel, view / rel)
                except OSError:
                    shutil.copyfile(site / rel, view / rel)
        except OSError as e:
            raise SearchIndexError(f"无法准备第 {number} 部分搜索索引的页面：{e}") from None
        _index_folder(view, part_dir(site, number, output_subdir), cancel)
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _index_folder(folder: Path, out: Path, cancel: threading.Event | None) -> None:
    """Pagefind over ``folder``'s pages into the bundle ``out``, made reproducible."""
    _pagefind(["--site", str(folder), "--output-path", str(out)], cancel)
    _make_deterministic_apart(out, cancel)


def write_parts_manifest(bundle: Path, count: int) -> None:
    (bundle / PARTS_FILE).write_text(json.dumps([f"part-{i}/" for i in range(2, count + 1)]) + "\n", encoding="utf-8")


def _pagefind(args: list[str], cancel: threading.Event | None) -> None:
    _run([sys.executable, "-m", "pagefind", *args, "--quiet"], cancel)


def _make_deterministic_apart(bundle: Path, cancel: threading.Event | None) -> None:
    """:func:`make_deterministic` in a process of its own: it is pure Python (seconds per part of a
    large site) and runs beside the build's rendering, whose process it would otherwise hold up
    (one interpreter lock)."""
    here = str(Path(__file__).resolve().parent.parent)  # where the nianbao package is imported from
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    _run([sys.executable, "-c", "import sys; from nianbao.searchindex import main; sys.exit(main(sys.argv[1:]))", str(bundle)],
         cancel, env)


def main(argv: list[str]) -> int:
    """``make_deterministic`` on the bundle folder given (see :func:`_make_deterministic_apart`)."""
    gc.disable()  # millions of small lists and no cycles: the collector would only scan them again and again
    try:
        make_deterministic(Path(argv[0]))
    except SearchIndexError as e:
        print(f"{argv[0]}：{e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - another Pagefind format, a disk error: a message, not a traceback
        print(f"{argv[0]}：无法改写 Pagefind 的索引（{type(e).__name__}: {e}）", file=sys.stderr)
        return 1
    return 0


def _run(cmd: list[str], cancel: threading.Event | None, env: dict | None = None) -> None:
    """Run ``cmd``; its output is the error's message if it fails. Setting ``cancel`` kills it."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        while True:
            try:
                p.wait(timeout=0.1 if cancel is not None else None)
                break
            except subprocess.TimeoutExpired:
                if cancel.is_set():
                    p.kill()
                    p.wait()
                    raise SearchIndexCancelled("已取消") from None
        if p.returncode != 0:
            out.seek(0)
            raise SearchIndexError(out.read().decode("utf-8", "replace").strip()[-2000:])


def _read(path: Path):
    import cbor2

    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{path.name}：不是 Pagefind 1.5 的索引文件格式")
    return cbor2.loads(raw[len(SIGNATURE) :])


def _write(obj) -> bytes:
    import cbor2

    return SIGNATURE + cbor2.dumps(obj)


def _gzip(data: bytes, level: int = 9) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


class _Names:
    """Content-hash names for one kind of index file, unique within the bundle: a name already given
    to other content is lengthened (as Pagefind does), in the order the files are named."""

    def __init__(self, lang: str, length: int):
        self.lang, self.length, self.given = lang, length, {}

    def __call__(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        for n in range(self.length, len(digest) + 1):
            name = f"{self.lang}_{digest[:n]}"
            if self.given.setdefault(name, digest) == digest:
                return name
        raise SearchIndexError("搜索索引文件名冲突")  # pragma: no cover - two contents with one SHA-256


_FRAGMENT_URL = re.compile(rb'pagefind_dcd\{"url":("(?:[^"\\]|\\.)*")')


def _fragment_url(path: Path) -> str:
    """A page's URL, from the start of its fragment (Pagefind 1.5 writes it first)."""
    head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(path.read_bytes(), 4096)
    m = _FRAGMENT_URL.match(head)
    if m is None:
        raise SearchIndexError(f"{path.name}：不是 Pagefind 1.5 的页面片段格式")
    return json.loads(m[1])


def _renumber(pages: list, new_of: list[int]) -> None:
    """A word's pages ([page number, locations, metadata locations], numbers delta-coded in ascending
    order) renumbered with ``new_of`` (old number → new), re-sorted and delta-coded again."""
    number, moved = 0, []
    for page in pages:
        number += page[0]
        moved.append((new_of[number], page))
    moved.sort(key=lambda m: m[0])
    last = 0
    for number, page in moved:
        page[0], last = number - last, number
    pages[:] = [page for _, page in moved]


def make_deterministic(bundle: Path) -> None:
    """Rewrite the bundle so that it depends only on the indexed pages.

    Pagefind numbers pages in the order it finds their files, which is the order the file system
    lists a folder in: the order the files were written on some file systems (the build's helpers
    write them in no fixed order), a hash order with a per-disk seed on others. The pages are
    renumbered in URL order: the page list, each word's pages in every index chunk (delta-coded),
    each filter value's pages and any sort's pages. Filter values are sorted (their order is a hash
    map's, upstream Pagefind/pagefind#638), and every rewritten file is named by a hash of its
    content. A page fragment whose name Pagefind lengthened after a collision of short names (which
    of the colliding pages keeps the short one depends on the order) is renamed by its content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        pages, chunks, filters, sorts = meta[1], meta[2], meta[3], meta[4]  # [[fragment, word count]], [[from, to, index]], [[filter, file]], [[sort, pages]]
        _rename_collided_fragments(bundle, lang, pages)
        urls = [_fragment_url(bundle / "fragment" / f"{p[0]}.pf_fragment") for p in pages]
        order = sorted(range(len(pages)), key=lambda i: (urls[i], pages[i][0]))
        new_of = [0] * len(order)
        for new, old in enumerate(order):
            new_of[old] = new
        meta[1] = [pages[old] for old in order]
        written: dict[Path, bytes] = {}
        old_files = []
        index_names = _Names(lang, 7)
        for chunk in chunks:
            path = bundle / "index" / f"{chunk[2]}.pf_index"
            words = _read(path)
            for word in words[0]:  # [word, pages, [[variant, pages]]]
                _renumber(word[1], new_of)
                for variant in word[2]:
                    _renumber(variant[1], new_of)
            data = _write(words)
            chunk[2] = index_names(data)
            old_files.append(path)
            written[bundle / "index" / f"{chunk[2]}.pf_index"] = _gzip(data, 6)  # level 6: 2 × faster than 9, 1 % larger
        filter_names = _Names(lang, 7)
        for item in filters:
            path = bundle / "filter" / f"{item[1]}.pf_filter"
            name, values = _read(path)
            values = sorted(([value, sorted(new_of[p] for p in numbers)] for value, numbers in values), key=lambda v: v[0])
            data = _write([name, values])
            item[1] = filter_names(data)
            old_files.append(path)
            written[bundle / "filter" / f"{item[1]}.pf_filter"] = _gzip(data)
        filters.sort(key=lambda f: f[0])
        for item in sorts:  # nianbao sets no sort; kept right for a portal's own pages that do
            item[1] = [new_of[p] for p in item[1]]
        for path in old_files:
            path.unlink()
        for path, data in written.items():
            path.write_bytes(data)
        data = _write(meta)
        new_meta = _Names(lang, 10)(data)
        meta_path.unlink()
        (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(_gzip(data))
        info["hash"] = new_meta
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _rename_collided_fragments(bundle: Path, lang: str, pages: list) -> None:
    """Pagefind names a fragment ``<lang>_`` and 7 hex digits of its hash, lengthened when taken by
    another page: which page keeps the short name depends on the order. Every page of such a
    collision gets a name from its content instead (longer than any short name, so never taken)."""
    short = len(lang) + 8
    collided = {p[0][:short] for p in pages if len(p[0]) > short}
    if not collided:
        return
    renamed: dict[str, str] = {}
    for page in pages:
        old = page[0]
        if old[:short] not in collided:
            continue
        if old not in renamed:
            path = bundle / "fragment" / f"{old}.pf_fragment"
            raw = path.read_bytes()
            new = f"{old[:short]}{hashlib.sha256(gzip.decompress(raw)).hexdigest()[:16]}"
            path.rename(bundle / "fragment" / f"{new}.pf_fragment")
            renamed[old] = new
        page[0] = renamed[old]


class PartIndexer:
    """The search index of a build, made from search sources written as the pages are rendered.

    Pagefind reads only what a page gives the index (``data-pagefind-body``, less the parts marked
    ``data-pagefind-ignore="all"``): the rendering writes that, in a minimal HTML document, for each
    indexed page (:meth:`write_source`, from any process) instead of Pagefind parsing the whole page
    with its tables, navigation and scripts (a third of its time). ``pages`` are the indexed pages
    (paths relative to the site) in build order; they make parts of ``part_pages`` pages (other
    pages with a search body go into the last part). The parent process calls :meth:`source_written`
    for each source written (by itself or a helper): a complete part goes to Pagefind in a background
    thread at once, so the indexing overlaps the rendering; :meth:`finish` indexes the rest and
    writes the manifest."""

    def __init__(self, site_dir: Path | str, pages: list[str], part_pages: int, output_subdir: str = "pagefind"):
        import concurrent.futures

        self.site = Path(site_dir)
        self.output_subdir = output_subdir
        self.count = max(1, -(-len(pages) // part_pages))
        self.part_of = {rel: i // part_pages + 1 for i, rel in enumerate(pages)}
        self.left = [0] * (self.count + 1)
        for n in self.part_of.values():
            self.left[n] += 1
        self.submitted: set[int] = set()
        self.work = work_dir_beside(self.site, "pagefind")
        self.cancel = threading.Event()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-pagefind")
        self.futures: list = []

    def _sources(self, n: int) -> Path:
        """Where part ``n``'s search sources are written."""
        return self.work / f"part-{n}"

    def write_source(self, rel: str, html: str) -> None:
        path = self._sources(self.part_of.get(rel, self.count)) / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        except OSError as e:
            raise SearchIndexError(f"无法写出搜索索引的页面 {rel}：{e}") from None

    def source_written(self, rel: str) -> None:
        n = self.part_of.get(rel)
        if n is None:
            return
        self.left[n] -= 1
        if self.left[n] == 0 and n < self.count:  # the last part also takes the other pages: at the end
            self._submit(n)

    def _submit(self, n: int) -> None:
        self.submitted.add(n)
        self.futures.append(self.pool.submit(self._index, n))

    def _index(self, n: int) -> None:
        src = self._sources(n)
        if not src.is_dir():
            raise SearchIndexError(f"第 {n} 部分搜索索引没有页面")
        try:
            _index_folder(src, part_dir(self.site, n, self.output_subdir), self.cancel)
        except SearchIndexCancelled:
            raise
        except SearchIndexError as e:
            raise SearchIndexError(f"第 {n} 部分：{e}") from None

    def finish(self) -> Path:
        done = False
        try:
            for n in range(1, self.count + 1):
                if n not in self.submitted:
                    self._submit(n)
            for f in self.futures:
                f.result()
            done = True
        finally:
            if not done:
                self.cancel.set()  # one part failed: stop the others
            self.pool.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(self.work, ignore_errors=True)
        bundle = self.site / self.output_subdir
        write_parts_manifest(bundle, self.count)
        return bundle

    def abort(self) -> None:
        self.cancel.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.work, ignore_errors=True)

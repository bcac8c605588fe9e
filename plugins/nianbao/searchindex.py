"""The search index: Pagefind over a built site, made byte-for-byte reproducible.

Pagefind 1.5 writes its filter indexes with the values of a filter in hash-map order, so two runs
over the same site differ (upstream issue Pagefind/pagefind#638: fragments are stable since 1.3,
"filter/metadata indexes will still change"). After Pagefind runs, each filter file is rewritten
with its values sorted, named by a hash of its content, and the references to it (the .pf_meta
file and pagefind-entry.json, which the browser follows by name) are rewritten to match.
The format handled here is Pagefind 1.5's; the version is pinned in pyproject.toml and a test
builds twice and compares bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

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
    chunks = [pages[i : i + chunk_pages] for i in range(0, len(pages), chunk_pages)] or [[]]
    if len(chunks) == 1:
        _pagefind(["--site", str(site), "--output-subdir", output_subdir], cancel)
        make_deterministic(bundle)
        (bundle / PARTS_FILE).write_text("[]\n", encoding="utf-8")
        return bundle
    # Pagefind skips pages without data-pagefind-body once it has seen one: in parts, that holds
    # only within each part, so the parts get the marked pages only (if there are any)
    marked = [rel for rel in pages if b"data-pagefind-body" in (site / rel).read_bytes()]
    if marked and len(marked) < len(pages):
        pages = marked
        chunks = [pages[i : i + chunk_pages] for i in range(0, len(pages), chunk_pages)]
        if len(chunks) == 1:
            return run_pagefind(site_dir, output_subdir, cancel, len(pages))
    parts = []
    for i, chunk in enumerate(chunks, start=1):
        out = bundle if i == 1 else bundle / f"part-{i}"
        view = Path(tempfile.mkdtemp(prefix=".nianbao-pagefind-", dir=site.parent))
        try:
            for rel in chunk:  # the part's pages at their own paths, so Pagefind gives them their own URLs
                (view / rel).parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(site / rel, view / rel)
                except OSError:
                    shutil.copyfile(site / rel, view / rel)
            _pagefind(["--site", str(view), "--output-path", str(out)], cancel)
        finally:
            shutil.rmtree(view, ignore_errors=True)
        make_deterministic(out)
        if i > 1:
            parts.append(f"part-{i}/")
    (bundle / PARTS_FILE).write_text(json.dumps(parts) + "\n", encoding="utf-8")
    return bundle


def _pagefind(args: list[str], cancel: threading.Event | None) -> None:
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([sys.executable, "-m", "pagefind", *args, "--quiet"], stdout=out, stderr=subprocess.STDOUT)
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


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _name(lang: str, data: bytes, length: int) -> str:
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:length]}"


def make_deterministic(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = meta[3]  # [[filter name, file hash], …]
        for item in filters:
            fpath = bundle / "filter" / f"{item[1]}.pf_filter"
            name, values = _read(fpath)
            values = sorted(values, key=lambda v: (v[0], v[1]))
            data = _write([name, values])
            new = _name(lang, data, 7)
            fpath.unlink()
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(_gzip(data))
            item[1] = new
        filters.sort(key=lambda f: f[0])
        data = _write(meta)
        new_meta = _name(lang, data, 10)
        meta_path.unlink()
        (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(_gzip(data))
        info["hash"] = new_meta
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

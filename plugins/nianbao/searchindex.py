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


def run_pagefind(site_dir: Path | str, output_subdir: str = "pagefind", cancel: threading.Event | None = None) -> Path:
    """Index ``site_dir`` into ``site_dir/output_subdir``. Setting ``cancel`` (from another thread)
    stops Pagefind and raises :class:`SearchIndexCancelled`."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", output_subdir, "--quiet"],
            stdout=out, stderr=subprocess.STDOUT,
        )
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
    bundle = Path(site_dir) / output_subdir
    make_deterministic(bundle)
    return bundle


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

"""The search index depends only on the pages: Pagefind numbers pages in the order it finds their
files, which the file system decides (and, in a parallel build, the order the helpers wrote them)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.searchindex import _make_deterministic_apart, _read, _rename_collided_fragments, _write, make_deterministic

UNITS = ["东里镇", "南麻街道", "历山街道", "鲁村镇", "张家坡镇", "西里镇", "燕崖镇"]
YEARS = [2021, 2022, 2023, 2024]
TOPICS = ["政策解读", "依申请公开", "行政复议", "政务新媒体", "政府网站", "培训", "考核", "信息公开"]


def pages() -> dict[str, str]:
    """Small report-like pages with shared and own words, two filters and metadata."""
    out = {}
    for i, unit in enumerate(UNITS):
        for j, year in enumerate(YEARS):
            topics = "，".join(TOPICS[(i + j + k) % len(TOPICS)] for k in range(3))
            out[f"u{i}/{year}/index.html"] = (
                f'<html lang="zh"><head><title>{unit}{year}年报</title></head><body data-pagefind-body>'
                f'<h1 data-pagefind-meta="title">{unit}{year}年政府信息公开工作年度报告</h1>'
                f'<span data-pagefind-filter="单位">{unit}</span><span data-pagefind-filter="年份">{year}</span>'
                f"<p>{unit}本年度围绕{topics}开展工作，第{i * 10 + j}号举措。</p></body></html>")
    return out


def write(folder: Path, files: dict[str, str], order: list[str]) -> None:
    for rel in order:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(files[rel], encoding="utf-8")


def pagefind(site: Path, out: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out), "--quiet"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def files_of(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}


def meta_of(bundle: Path) -> list:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return _read(bundle / f"pagefind.{entry['languages']['zh']['hash']}.pf_meta")


def urls_of(bundle: Path) -> list[str]:
    return [json.loads(gzip.decompress((bundle / "fragment" / f"{h}.pf_fragment").read_bytes())[len(b"pagefind_dcd"):])["url"]
            for h, _count in meta_of(bundle)[1]]


def postings(bundle: Path) -> dict:
    """Every word's pages as URLs with their locations, and every filter value's URLs: what the index
    says, independent of how the pages are numbered."""
    meta, urls = meta_of(bundle), urls_of(bundle)
    words = {}
    for _from, _to, name in meta[2]:
        for word, pages, variants in _read(bundle / "index" / f"{name}.pf_index")[0]:
            for form, plist in [(word, pages)] + [(v[0], v[1]) for v in variants]:
                number, got = 0, []
                for p in plist:
                    number += p[0]  # delta-coded
                    got.append((urls[number], tuple(p[1]), tuple(p[2])))
                words[(word, form)] = sorted(got)
    filters = {}
    for _name, file in meta[3]:
        fname, values = _read(bundle / "filter" / f"{file}.pf_filter")
        for value, numbers in values:
            filters[(fname, value)] = sorted(urls[n] for n in numbers)
    return {"words": words, "filters": filters, "pages": sorted(urls)}


def scramble(bundle: Path, seed: int) -> None:
    """Number the bundle's pages in another order, as Pagefind does when it finds the files in
    another order (the order a folder is listed in depends on the file system)."""
    import random

    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta_path = bundle / f"pagefind.{entry['languages']['zh']['hash']}.pf_meta"
    meta = _read(meta_path)
    order = list(range(len(meta[1])))
    random.Random(seed).shuffle(order)
    new_of = {old: new for new, old in enumerate(order)}
    meta[1] = [meta[1][old] for old in order]

    def renumbered(plist):
        number, moved = 0, []
        for p in plist:
            number += p[0]
            moved.append([new_of[number], p[1], p[2]])
        moved.sort()
        last = 0
        for p in moved:
            p[0], last = p[0] - last, p[0]
        return moved

    for _from, _to, name in meta[2]:
        path = bundle / "index" / f"{name}.pf_index"
        words = _read(path)
        words[0] = [[w, renumbered(pages), [[v[0], renumbered(v[1])] for v in variants]] for w, pages, variants in words[0]]
        path.write_bytes(gzip.compress(_write(words), mtime=0))
    for _name, file in meta[3]:
        path = bundle / "filter" / f"{file}.pf_filter"
        fname, values = _read(path)
        path.write_bytes(gzip.compress(_write([fname, [[v, sorted(new_of[n] for n in ns)] for v, ns in values[::-1]]]), mtime=0))
    meta_path.write_bytes(gzip.compress(_write(meta), mtime=0))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The same pages indexed by Pagefind, as found in two orders ('raw'), and each made deterministic ('fixed')."""
    files = pages()
    work = tmp_path_factory.mktemp("index")
    write(work / "site", files, sorted(files))
    pagefind(work / "site", work / "forward/raw")
    shutil.copytree(work / "forward/raw", work / "backward/raw")
    scramble(work / "backward/raw", 7)
    out = {}
    for key in ("forward", "backward"):
        shutil.copytree(work / key / "raw", work / key / "fixed")
        make_deterministic(work / key / "fixed")
        out[key] = work / key
    return out


def test_pages_found_in_another_order_are_numbered_otherwise(indexed):
    """What make_deterministic undoes (checks the test's own scrambling)."""
    assert urls_of(indexed["forward"] / "raw") != urls_of(indexed["backward"] / "raw")
    assert postings(indexed["forward"] / "raw") == postings(indexed["backward"] / "raw")


def test_the_index_is_the_same_whatever_order_the_pages_were_found_in(indexed):
    assert files_of(indexed["forward"] / "fixed") == files_of(indexed["backward"] / "fixed")
    urls = urls_of(indexed["forward"] / "fixed")
    assert urls == sorted(urls) and len(urls) == len(UNITS) * len(YEARS)


def test_pages_written_in_another_order_give_the_same_index(tmp_path):
    """The build's case: the same pages written in another order (on a disk that lists a folder in
    the order it was written, such as tmpfs, Pagefind then numbers them otherwise)."""
    files = pages()
    bundles = []
    for key, order in (("a", sorted(files)), ("b", sorted(files)[::-1])):
        write(tmp_path / key, files, order)
        pagefind(tmp_path / key, tmp_path / f"{key}-index")
        make_deterministic(tmp_path / f"{key}-index")
        bundles.append(files_of(tmp_path / f"{key}-index"))
    assert bundles[0] == bundles[1]


@pytest.mark.parametrize("key", ["forward", "backward"])
def test_renumbering_keeps_every_word_and_filter_on_the_same_pages(indexed, key):
    raw, fixed = postings(indexed[key] / "raw"), postings(indexed[key] / "fixed")
    assert raw == fixed
    assert len(raw["words"]) > 50 and ("年份", "2023") in raw["filters"]
    assert raw["filters"][("单位", "东里镇")] == [f"/u0/{y}/" for y in YEARS]


def test_fragment_names_after_a_collision_do_not_depend_on_which_page_came_first(tmp_path):
    """Pagefind lengthens a fragment's short name when another page took it: which page keeps the
    short name depends on the order. Such pages are renamed by their content."""
    contents = {"a": b'pagefind_dcd{"url":"/a/"}', "b": b'pagefind_dcd{"url":"/b/"}', "c": b'pagefind_dcd{"url":"/c/"}'}
    results = []
    for first, second in (("a", "b"), ("b", "a")):
        bundle = tmp_path / f"{first}{second}"
        (bundle / "fragment").mkdir(parents=True)
        names = {first: "zh_1234567", second: "zh_12345678", "c": "zh_7654321"}  # 'c' collided with nobody
        for key, name in names.items():
            (bundle / "fragment" / f"{name}.pf_fragment").write_bytes(gzip.compress(contents[key], mtime=0))
        page_list = [[names[k], 1] for k in ("a", "b", "c")]
        _rename_collided_fragments(bundle, "zh", page_list)
        results.append((page_list, sorted(p.name for p in (bundle / "fragment").iterdir())))
    assert results[0] == results[1]
    page_list, files = results[0]
    assert page_list[2][0] == "zh_7654321"
    assert len({p[0] for p in page_list}) == 3 and all(p[0].startswith("zh_1234567") for p in page_list[:2])
    assert files == sorted(f"{p[0]}.pf_fragment" for p in page_list)


def test_a_file_that_is_not_pagefinds_format_is_a_clear_error(tmp_path):
    from nianbao.searchindex import SearchIndexError

    files = pages()
    write(tmp_path / "site", files, sorted(files))
    pagefind(tmp_path / "site", tmp_path / "b")
    first = meta_of(tmp_path / "b")[1][0][0]
    (tmp_path / "b/fragment" / f"{first}.pf_fragment").write_bytes(gzip.compress(b'{"not": "pagefind"}'))
    with pytest.raises(SearchIndexError, match="不是 Pagefind 1.5 的页面片段格式"):
        make_deterministic(tmp_path / "b")
    with pytest.raises(SearchIndexError, match="不是 Pagefind 1.5 的页面片段格式"):  # as the build runs it: in a process of its own
        _make_deterministic_apart(tmp_path / "b", None)


def test_an_index_in_another_format_is_a_message_not_a_traceback(tmp_path):
    """What the build shows if Pagefind's format changed under nianbao (the index rewritten apart)."""
    from nianbao.searchindex import SearchIndexError

    files = pages()
    write(tmp_path / "site", files, sorted(files))
    pagefind(tmp_path / "site", tmp_path / "b")
    meta = meta_of(tmp_path / "b")
    first = meta[2][0][2]
    words = [[["词", [["not a number", [], []]], []]]]  # a page number that is not one
    (tmp_path / "b/index" / f"{first}.pf_index").write_bytes(gzip.compress(_write(words), mtime=0))
    with pytest.raises(SearchIndexError) as e:
        _make_deterministic_apart(tmp_path / "b", None)
    assert "无法改写 Pagefind 的索引（TypeError" in str(e.value) and "Traceback" not in str(e.value)

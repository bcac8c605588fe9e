"""The benchmark harness (bench/run.py): where it writes its sites (a RAM disk instead of a
journal-less ext4 disk), what it needs before it measures."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from run import dir_size, journal_less_ext4, mount_type  # noqa: E402

MOUNTS = [
    "/dev/vda / ext4 rw,relatime,discard 0 0",
    "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0",
    "/dev/vdb /data ext4 rw,relatime 0 0",
    "proc /proc proc rw 0 0",
]


def test_ext4_without_a_journal():
    assert journal_less_ext4("/work/bench/out", MOUNTS, journals=["vdb-8"])


def test_ext4_with_a_journal():
    assert not journal_less_ext4("/data/out", MOUNTS, journals=["vdb-8"])
    assert not journal_less_ext4("/work/bench/out", MOUNTS, journals=["vda-8", "vdb-8"])


def test_the_innermost_mount_decides():
    assert not journal_less_ext4("/dev/shm/out", MOUNTS, journals=[])
    assert journal_less_ext4("/", MOUNTS, journals=[])
    assert journal_less_ext4("/database", MOUNTS, journals=["vdb-8"])  # not under /data
    assert mount_type("/dev/shm", MOUNTS) == "tmpfs"
    assert mount_type("/dev/shmem", MOUNTS) == "ext4"


def test_the_assembly_harness_measures_k_copies_of_a_shard(tmp_path):
    """bench/assemble_check.py: one built shard assembled as 1 and 2 shards, measured."""
    from assemble_check import assemble_costs, table

    from .conftest import SITES, mkdocs_build

    site = tmp_path / "shard"
    p = mkdocs_build(SITES / "sample", site, strict=False)
    assert p.returncode == 0, p.stderr
    rows = assemble_costs(site, [1, 2], tmp_path / "work")
    one = len(json.loads((site / "data/nianbao-all.json").read_text(encoding="utf-8")))
    assert [(r["shards"], r["reports"]) for r in rows] == [(1, one), (2, 2 * one)]
    assert all(r["seconds"] > 0 and r["peak_tree_mb"] > 0 for r in rows)
    assert rows[1]["size"] > 1.9 * dir_size(site)  # both copies of the shard were in the assembled site
    assert not list((tmp_path / "work").iterdir())  # the assembled sites are removed after measuring
    md = table(rows).splitlines()
    assert md[0].startswith("| 分站数 |") and md[3].startswith(f"| 2 | 复制 | {2 * one} |")
    linked = assemble_costs(site, [2], tmp_path / "work", link=True)
    assert linked[0]["link"] and linked[0]["reports"] == 2 * one


def test_nianbao_and_the_floor_are_built_in_alternating_rounds(tmp_path, monkeypatch):
    """--repeat builds nianbao and (a) in rounds (n, a, n, a), so a ratio compares builds made
    minutes apart; each job keeps its fastest run, its highest peak memory and every run."""
    import run

    calls, times = [], iter([10.0, 3.0, 9.0, 3.5])

    def fake_build(config, out):
        calls.append(config.name)
        return {"seconds": next(times), "cpu_seconds": 1.0, "peak_rss_mb": 100.0 + len(calls), "peak_tree_mb": 200.0 + len(calls)}

    monkeypatch.setattr(run, "build", fake_build)
    n, a = run.build_rounds([(tmp_path / "n.yml", tmp_path / "n"), (tmp_path / "a.yml", tmp_path / "a")], 2)
    assert calls == ["n.yml", "a.yml", "n.yml", "a.yml"]
    assert (n["seconds"], n["runs"], n["peak_tree_mb"]) == (9.0, [10.0, 9.0], 203.0)
    assert (a["seconds"], a["runs"], a["peak_tree_mb"]) == (3.0, [3.0, 3.5], 204.0)
    assert run.round_ratios({**n, "rounds": True}, a) == "3.33、2.57"
    assert run.round_ratios(n, a) == "—"  # results measured before rounds: no pairing to show


def test_parts_turn_off_search_and_open_data_in_the_corpus_config(tmp_path):
    """--parts builds the same corpus with the plugin's search, then search and export, turned off;
    the table gives each against the floor."""
    import run

    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: x\nplugins:\n  - nianbao:\n      notice: 虚构\nmarkdown_extensions: []\n", encoding="utf-8")
    import yaml

    for part, off in (("nosearch", {"search_enabled"}), ("neither", {"search_enabled", "export_enabled"})):
        conf = yaml.safe_load(run.part_config(cfg, part).read_text(encoding="utf-8"))
        options = conf["plugins"][0]["nianbao"]
        assert options == {"notice": "虚构", **{k: False for k in off}}
    row = {"reports": 10, "nianbao": {"seconds": 8.0, "cpu_seconds": 12.0, "peak_rss_mb": 1, "size": 1, "page": 1, "index": 1, "query_bytes": 1,
                                      "parts": {"nosearch": {"seconds": 5.0, "cpu_seconds": 8.0}, "neither": {"seconds": 4.2, "cpu_seconds": 6.0}}},
           "a": {"seconds": 2.0, "cpu_seconds": 2.0, "peak_rss_mb": 1, "page": 1}}
    md = run.table([row]).splitlines()
    assert "| 10 | 8.0 s | 5.0 s | 4.2 s | 2.0 s | 4.00、2.50、2.10 | 12、8、6 s |" in md


def test_the_runs_with_materials_chinese_search_need_jieba(monkeypatch, capsys):
    import run

    assert run.needs_jieba([1000, 10000], 2000, None)  # (c) at every size
    assert run.needs_jieba([1000, 10000], 2000, 0)  # (b) at 1000
    assert not run.needs_jieba([1000, 10000], 0, 0)
    assert not run.needs_jieba([10000], 2000, 2000)
    real = run.importlib.util.find_spec
    monkeypatch.setattr(run.importlib.util, "find_spec", lambda name, *a: None if name == "jieba" else real(name, *a))
    monkeypatch.setattr(run, "run", lambda *a, **k: pytest.fail("measured without jieba"))
    with pytest.raises(SystemExit) as e:
        run.main(["--sizes", "1000", "--b-max", "1000"])
    assert e.value.code == 2 and "pip install jieba" in capsys.readouterr().err

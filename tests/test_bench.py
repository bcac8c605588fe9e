"""The benchmark harness's wait before each measured run (bench/run.py settle_for)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from run import settle_for  # noqa: E402

MOUNTS = [
    "/dev/vda / ext4 rw,relatime,discard 0 0",
    "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0",
    "/dev/vdb /data ext4 rw,relatime 0 0",
    "proc /proc proc rw 0 0",
]


def test_journal_less_ext4_waits():
    assert settle_for("/work/bench/out", MOUNTS, journals=["vdb-8"]) == 61.0


def test_journalled_ext4_does_not_wait():
    assert settle_for("/data/out", MOUNTS, journals=["vdb-8"]) == 0.0
    assert settle_for("/work/bench/out", MOUNTS, journals=["vda-8", "vdb-8"]) == 0.0


def test_the_innermost_mount_decides():
    assert settle_for("/dev/shm/out", MOUNTS, journals=[]) == 0.0
    assert settle_for("/", MOUNTS, journals=[]) == 61.0
    assert settle_for("/database", MOUNTS, journals=["vdb-8"]) == 61.0  # not under /data

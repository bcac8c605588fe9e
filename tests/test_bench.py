"""Where the benchmark harness writes its sites (bench/run.py): a RAM disk instead of a
journal-less ext4 disk."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from run import journal_less_ext4, mount_type  # noqa: E402

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

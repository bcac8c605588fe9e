"""Runs one command and prints its wall time and its peak memory.

    python bench/measure.py -- CMD ARGS…
        ->  {"seconds": …, "cpu_seconds": …, "peak_rss_mb": …, "peak_tree_mb": …, "returncode": …}

cpu_seconds   user + system time of the command and every process it waited for

peak_rss_mb   the largest resident set of any single process of the run (getrusage of the children)
peak_tree_mb  the peak of the whole process tree's memory at once: the command and every process it
              started (worker processes, Pagefind), summed as PSS (shared pages divided among the
              processes sharing them, so forked workers are not counted twice), sampled every 0.1 s
              or, for a large tree, as often as costs the build at most a tenth of a core.
              This is the number the memory target is checked against.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(root: int) -> float:
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo += kids.get(pid, [])
    return total / 1024


def main() -> int:
    argv = sys.argv[sys.argv.index("--") + 1 :]
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    done = threading.Event()

    def sample():
        # reading a large process's PSS walks its page tables (~10 ms per GB): the pause after each
        # sample is nine times its cost, so the sampling takes at most a tenth of one core away
        # from the build it measures (at 0.1 s flat it took almost half a core at 10,000 reports)
        wait = 0.1
        while not done.wait(wait):
            t = time.monotonic()
            peak[0] = max(peak[0], tree_pss_mb(p.pid))
            wait = max(0.1, 9 * (time.monotonic() - t))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = p.communicate()
    seconds = time.monotonic() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
                      "peak_rss_mb": round(rss, 1), "peak_tree_mb": round(peak[0], 1),
                      "returncode": p.returncode, "stderr": err.decode(errors="replace")[-2000:] if p.returncode else ""}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs one command and prints its wall time and the peak resident memory of it and its children.

    python bench/measure.py -- CMD ARGS…    ->  {"seconds": …, "peak_rss_mb": …, "returncode": …}
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    argv = sys.argv[sys.argv.index("--") + 1 :]
    start = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(peak, 1), "returncode": p.returncode,
                      "stderr": p.stderr.decode(errors="replace")[-2000:] if p.returncode else ""}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

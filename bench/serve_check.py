"""How long `mkdocs serve` takes to show an edited data file: a 300-report portal, one figure changed.

    python bench/serve_check.py [--reports 300] [--out bench/out]
        ->  seconds from saving an edited data file to the new page being served (median of three edits)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except Exception:  # noqa: BLE001 - not up yet, or rebuilding
        return None


def measure(reports: int, out: Path) -> dict:
    info = generate(out / f"serve{reports}", reports)
    site = info["site"]
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(site / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    url = f"http://127.0.0.1:{port}/t00000/2021/"
    try:
        deadline = time.monotonic() + 600
        while (page := fetch(url)) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert page is not None, "mkdocs serve did not come up"
        data = site / "data/t00000/2021.yml"
        times = []
        for i in range(3):  # three edits in a row: the first and the later rebuilds of one serve
            text = data.read_text(encoding="utf-8")
            m = re.search(r"\n  admin_license: +(\d+)", text)
            new = int(m[1]) + 12345
            time.sleep(3)  # let the watcher (and the previous background work) settle
            start = time.monotonic()
            data.write_text(text[: m.start(1)] + str(new) + text[m.end(1):], encoding="utf-8")
            marker = f">{new}<"
            while time.monotonic() - start < 300:
                page = fetch(url)
                if page and marker in page:
                    break
                time.sleep(0.1)
            times.append(round(time.monotonic() - start, 2))
        seconds = sorted(times)[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"reports": reports, "serve_update_seconds": seconds, "edits": times}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    a = ap.parse_args()
    r = measure(a.reports, a.out)
    (a.out / "serve.json").write_text(json.dumps(r), encoding="utf-8")
    print(json.dumps(r))


if __name__ == "__main__":
    main()

"""Working folders for a build's intermediate files."""

from __future__ import annotations

import tempfile
from pathlib import Path


def work_dir_beside(path: Path | str, name: str) -> Path:
    """A new working folder named ``.nianbao-<name>-…`` beside ``path`` (on the same disk, so its
    files can be hard-linked or moved into the site instead of copied), or in the system's temporary
    folder if one cannot be made there."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".nianbao-{name}-", dir=Path(path).resolve().parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"nianbao-{name}-"))

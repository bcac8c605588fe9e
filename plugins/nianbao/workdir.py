"""Working folders for a build's intermediate files."""

from __future__ import annotations

import shutil
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


def staging_dir(target: Path) -> Path:
    """Where a site is written before it replaces ``target``: beside it (same disk, so a rename swaps it in)."""
    return target.with_name(target.name + ".nianbao-staging")


def swap_in(staging: Path, target: Path) -> None:
    """Put the finished site ``staging`` at ``target``, replacing what was there; if that fails, the
    previous site is put back where it was and the error raised."""
    old = target.with_name(target.name + ".nianbao-old")
    shutil.rmtree(old, ignore_errors=True)
    had_old = target.exists()
    if had_old:
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if had_old:
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)

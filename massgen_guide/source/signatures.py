"""Signatures of folders for the disk caches: every file's path, size and modification time, walked in order.

Within one site build (between `start_build` and `end_build`, which the MkDocs hooks call) a folder is walked
once: the claims index is looked up for every page and the generated-Markdown cache for every directive, and the
files do not change in between. Outside a build every call walks the folder afresh.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

_memo: dict[str, str] | None = None


def start_build() -> None:
    global _memo
    _memo = {}


def end_build() -> None:
    global _memo
    _memo = None


def add_folder(digest: Any, folder: Path) -> None:
    """Feed `folder`'s files (not following symlinked folders, `__pycache__` skipped) into a hashlib digest."""
    digest.update(folder_signature(folder).encode())


def folder_signature(folder: Path) -> str:
    """A digest of `folder`'s file paths, sizes and modification times (memoized during a build)."""
    key = os.path.abspath(folder)
    if _memo is not None and key in _memo:
        return _memo[key]
    digest = hashlib.sha1()
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            try:
                stat = os.stat(os.path.join(here, name))
            except OSError:
                continue
            digest.update(f"{here}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    signature = digest.hexdigest()
    if _memo is not None:
        _memo[key] = signature
    return signature

"""Signatures of folders for the disk caches: every file's path, size and modification time, walked in order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def add_folder(digest: Any, folder: Path) -> None:
    """Feed `folder`'s files (not following symlinked folders, `__pycache__` skipped) into a hashlib digest."""
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            try:
                stat = os.stat(os.path.join(here, name))
            except OSError:
                continue
            digest.update(f"{here}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())

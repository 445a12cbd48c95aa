"""Reading and writing the files of the guide's disk caches (claims index, facts load, generated Markdown).

A cache file is written whole under a temporary name and then renamed, so a process reading it (a parallel
build, a test worker) sees the old file or the new one, never half of one. A cache that cannot be read or
written only costs speed: both functions report failure instead of raising.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file; False when the cache folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        return False
    return True


def read_pickle(path: Path, kind: type) -> Any | None:
    """The object pickled in `path` if it is a `kind`; None when the file is missing, unreadable, or stale (from
    an older version of the guide's classes)."""
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return loaded if isinstance(loaded, kind) else None

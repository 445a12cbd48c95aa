"""The per-file cache of indexed modules (keyed by path and content hash), kept on disk between builds."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from massgen_guide.checks.claims.indexing import FileResult
from massgen_guide.checks.claims.package_index import INDEX_FORMAT
from massgen_guide.source.cache_files import read_pickle, write_atomically
from massgen_guide.source.selection import cache_dir

# Per-file results (pickled, so no two indexes share objects), keyed by the file's path and content hash: a copy
# of MassGen with a few files changed re-parses only those files. Kept in memory and in the guide's cache folder.
_FILE_CACHE: dict[str, bytes] = {}
_FILE_CACHE_NEW: dict[str, bytes] = {}
_FILE_CACHE_LIMIT = 20000
_FILE_STATS = {"hits": 0, "misses": 0}


def file_key(rel: str, data: bytes) -> str:
    return hashlib.sha1(f"{INDEX_FORMAT}\0{rel}\0".encode() + data).hexdigest()


def _file_cache_path() -> Path:
    return cache_dir() / "claims-index" / f"files-{INDEX_FORMAT}.pickle"


_FILE_CACHE_SEEN: list[int | None] = [None]  # the disk file's mtime when last read


def load_file_cache() -> None:
    """Read the disk cache if it changed since this process last read it (another process may have added to it)."""
    path = _file_cache_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return
    if mtime == _FILE_CACHE_SEEN[0]:
        return
    _FILE_CACHE_SEEN[0] = mtime
    for key, value in (read_pickle(path, dict) or {}).items():
        _FILE_CACHE.setdefault(key, value)


def cached_file(key: str | None) -> FileResult | None:
    if key is None:
        return None
    data = _FILE_CACHE.get(key)
    if data is not None:
        try:
            result = pickle.loads(data)
        except (pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
            result = None
        if isinstance(result, FileResult):
            _FILE_STATS["hits"] += 1
            return result
    _FILE_STATS["misses"] += 1
    return None


def store_file(key: str | None, result: FileResult) -> None:
    if key is None:
        return
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    _FILE_CACHE[key] = data
    _FILE_CACHE_NEW[key] = data


def save_file_cache() -> None:
    """Write new per-file results to disk (merged with what other processes wrote meanwhile)."""
    if not _FILE_CACHE_NEW:
        return
    path = _file_cache_path()
    merged: dict[str, bytes] = dict(read_pickle(path, dict) or {})
    merged.update(_FILE_CACHE_NEW)
    _FILE_CACHE_NEW.clear()
    if len(merged) > _FILE_CACHE_LIMIT:  # keep the newest entries
        merged = dict(list(merged.items())[-_FILE_CACHE_LIMIT:])
    if not write_atomically(path, pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL)):
        return
    try:
        _FILE_CACHE_SEEN[0] = path.stat().st_mtime_ns
    except OSError:
        return
    for key, value in merged.items():  # what other processes added
        _FILE_CACHE.setdefault(key, value)


def file_cache_stats() -> dict[str, int]:
    """How many files' results came from the per-file cache (hits) or were parsed (misses) in this process."""
    return dict(_FILE_STATS)

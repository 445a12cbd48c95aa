"""Memoise whole-package text scans (chunk constructions, hook registrations) on the package's file mtimes, so
`properdocs serve` rebuilds do not rescan an unchanged MassGen (stat-ing every file is ~10 ms; scanning is ~0.5 s)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def package_stamp(package_dir: Path) -> tuple[tuple[str, int], ...]:
    stamp = []
    for path in sorted(package_dir.rglob("*.py")):
        try:
            stamp.append((str(path), path.stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(stamp)


def cached_scan(function: Callable[[Path], T]) -> Callable[[Path], T]:
    """Cache `function(package_dir)` until a `.py` file under `package_dir` is added, removed or modified."""
    cache: dict[Path, tuple[tuple[tuple[str, int], ...], T]] = {}

    @functools.wraps(function)
    def wrapper(package_dir: Path) -> T:
        key = Path(package_dir).resolve()
        stamp = package_stamp(key)
        hit = cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = function(package_dir)
        cache[key] = (stamp, result)
        return result

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper

"""A static index of a MassGen package, built with `ast` (nothing is imported).

One pass over every `.py` file under the package records modules, classes (bases, methods, attributes, enum
members), functions, module-level names, string literals, the chunk types MassGen yields, hook registrations and
native hook adapters. The index is cached in memory per package folder and on disk (pickle, keyed by the files'
sizes and modification times) under the guide's cache folder. A file that fails to parse is recorded in
`parse_errors` and the rest of the package is still indexed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

from massgen_guide.checks.claims.index_cache import (
    cached_file,
    file_key,
    load_file_cache,
    save_file_cache,
    store_file,
)
from massgen_guide.checks.claims.indexing import YAML_KEY_RE, FileResult, count_lines, index_files, merge_file
from massgen_guide.checks.claims.package_index import INDEX_FORMAT, HookRegistration, PackageIndex
from massgen_guide.facts.collector import collector_off
from massgen_guide.source.cache_files import read_pickle, write_atomically
from massgen_guide.source.selection import MassGenSource, cache_dir
from massgen_guide.source.signatures import add_folder


def build_index(package_dir: Path, version: str = "unknown", include=None, *, use_cache: bool = True) -> PackageIndex:
    """Index the package folder `package_dir` (named `massgen`); `include(rel_path)` may narrow the files.

    With `use_cache`, each file's parse result is reused from earlier indexes of a file with the same path and
    content (the index is the same either way; tests compare both).
    """
    package_dir = Path(package_dir)
    with collector_off():  # parsing makes millions of acyclic AST nodes: the cyclic collector only slows it down
        return _build_index(package_dir, version, include, use_cache)


def _build_index(package_dir: Path, version: str, include, use_cache: bool) -> PackageIndex:
    index = PackageIndex(str(package_dir), version)
    top = package_dir.name
    hooks: list = []
    all_attr_calls: dict[str, list[str]] = {}
    if use_cache:
        load_file_cache()
    python_files: list[tuple[str, bool, bytes, str | None, FileResult | None]] = []
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        rel_dir = Path(dirpath).relative_to(package_dir.parent).as_posix()
        index.dirs.add(rel_dir)
        for filename in sorted(filenames):
            if filename.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / filename
            rel = f"{rel_dir}/{filename}"
            if include is not None and not include(rel):
                continue
            index.files[rel] = count_lines(path)
            if filename.endswith((".yaml", ".yml")) and f"{top}/configs/" in rel:
                try:
                    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                        match = YAML_KEY_RE.match(line)
                        if match:
                            index.yaml_keys.setdefault(match.group(1), (rel, number))
                except OSError:
                    pass
            if not filename.endswith(".py"):
                continue
            data = path.read_bytes()
            key = file_key(rel, data) if use_cache else None
            python_files.append((rel, filename == "__init__.py", data, key, cached_file(key)))
    # files the cache did not hold are indexed now (in several processes when there are many), then all are merged
    # in file order, exactly as if each had been indexed in place
    misses = [(rel, is_package, data) for rel, is_package, data, _, cached in python_files if cached is None]
    fresh = iter(index_files(misses))
    for rel, _, _, key, result in python_files:
        if result is None:
            result, error = next(fresh)
            if error:
                index.parse_errors[rel] = error
                continue
            store_file(key, result)
        merge_file(index, result, all_attr_calls, hooks)
        index.modules[result.module.name].lines = index.files[rel]
    # ChunkType-style enums also declare chunk types
    for cls in index.classes.get("ChunkType", []):
        for member, value in cls.enum_values.items():
            index.chunk_types.setdefault(value, (cls.file, cls.attributes.get(member, cls.line)))
    # hook registrations, resolved to hook classes
    for hook_type, names, attr, rel, line in hooks:
        value = None
        for cls in index.classes.get("HookType", []):
            value = cls.enum_values.get(hook_type) or value
        if names is None:  # `x.attr`: the classes assigned to `.attr` anywhere in the package
            names = sorted(set(all_attr_calls.get(attr, [])))
        for hook_class in names:
            index.hook_registrations.append(HookRegistration(hook_class, value or hook_type, rel, line))
    if use_cache:
        save_file_cache()
    return index


def _signature(package_dir: Path) -> str:
    digest = hashlib.sha1(f"{INDEX_FORMAT}:{package_dir.resolve()}".encode())
    add_folder(digest, package_dir)
    return digest.hexdigest()


def _load_index(cache: Path) -> PackageIndex | None:
    return read_pickle(cache, PackageIndex)


class _BuildLock:
    """An exclusive lock on the index cache folder while an index is built, so that processes started together
    (a test run's workers, its builds) build the same index once instead of each on its own (POSIX only)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.handle = None

    def __enter__(self) -> "_BuildLock":
        try:
            import fcntl

            self.folder.mkdir(parents=True, exist_ok=True)
            self.handle = (self.folder / ".build.lock").open("a")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        except (ImportError, OSError):
            if self.handle is not None:
                self.handle.close()
            self.handle = None
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()  # releases the lock


@lru_cache(maxsize=16)
def _index_for(package_dir: str, version: str, signature: str) -> PackageIndex:
    cache = cache_dir() / "claims-index" / f"{signature}.pickle"
    loaded = _load_index(cache)
    if loaded is not None:
        return loaded
    with _BuildLock(cache.parent):
        loaded = _load_index(cache)  # another process may have built it while this one waited
        if loaded is not None:
            return loaded
        return _build_and_store(package_dir, version, cache)


def _build_and_store(package_dir: str, version: str, cache: Path) -> PackageIndex:
    index = build_index(Path(package_dir), version)
    write_atomically(cache, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    return index


def index_for(source: MassGenSource) -> PackageIndex:
    """The (cached) index of a MassGen source."""
    package_dir = Path(source.package_dir)
    return _index_for(str(package_dir), source.version, _signature(package_dir))

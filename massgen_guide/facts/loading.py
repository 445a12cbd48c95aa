"""One static griffe load of the MassGen modules the site needs, shared by the facts and mkdocstrings.

Loading the whole `massgen` package with griffe takes seconds (hundreds of modules); the site needs a few
dozen. `load_massgen` loads the top package without submodules, then each needed module (and the package
`__init__` modules on its way), resolves aliases among them, and keeps the result in-process, keyed on the
source folder and the modification times of the files read: `properdocs serve` rebuilds reuse it, and an edit
to one of those MassGen files triggers a reload.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import pickle
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import griffe

from massgen_guide.errors import GuideError
from massgen_guide.facts.collector import collector_paused
from massgen_guide.source.cache_files import read_pickle, write_atomically
from massgen_guide.source.selection import MassGenSource, cache_dir, current_source
from massgen_guide.source.signatures import folder_signature

SITE_MODULE_GLOBS: tuple[str, ...] = (
    "backend/*.py",
    "formatter/*.py",
    "api_params_handler/*.py",
    "stream_chunk/base.py",
    "mcp_tools/hooks.py",
    "mcp_tools/native_hook_adapters/base.py",
    "mcp_tools/custom_tools_server.py",
    "cli/backends.py",
    "system_prompt_sections.py",
)
"""The files (relative to the `massgen` package folder) the site reads. Package `__init__` files on the way
are loaded too."""

DOCSTRING_STYLE = "google"
DOCSTRING_OPTIONS = {"warnings": False}
"""As in `mkdocs.yml`: MassGen's docstrings are not ours to fix, so griffe's docstring warnings are off."""


@dataclass
class LoadedMassGen:
    """The result of one load: griffe's collections plus where they came from."""

    source: MassGenSource
    loader: griffe.GriffeLoader
    package: griffe.Module
    files: tuple[Path, ...]
    """Every file read (for the cache key)."""
    seconds: float
    """How long the load took."""
    stamp: tuple[tuple[str, int], ...] = field(default=())

    @property
    def modules_collection(self) -> griffe.ModulesCollection:
        return self.loader.modules_collection

    @property
    def lines_collection(self) -> griffe.LinesCollection:
        return self.loader.lines_collection

    def get(self, path: str) -> griffe.Object | griffe.Alias:
        """The griffe object at a dotted path, or a one-line GuideError naming it."""
        try:
            return self.modules_collection.get_member(path)
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            raise GuideError(f"MassGen ({self.source.label}) has no {path}") from None

    def find(self, path: str) -> griffe.Object | griffe.Alias | None:
        try:
            return self.modules_collection.get_member(path)
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None

    def relative(self, filepath: Path | str) -> str:
        """A file as a repository path: `massgen/backend/base.py`."""
        return Path(filepath).resolve().relative_to(self.source.search_path.resolve()).as_posix()


def site_files(package_dir: Path) -> list[Path]:
    """The module files the site reads, sorted (the package `__init__` files are added while loading)."""
    found: set[Path] = set()
    for pattern in SITE_MODULE_GLOBS:
        found.update(p for p in package_dir.glob(pattern) if p.name != "__init__.py")
    return sorted(found)


def _stamp(files: list[Path] | tuple[Path, ...]) -> tuple[tuple[str, int], ...]:
    stamp = []
    for path in files:
        try:
            stamp.append((str(path), path.stat().st_mtime_ns))
        except OSError:
            stamp.append((str(path), -1))
    return tuple(stamp)


def _module_file(folder: Path, name: str) -> Path:
    return folder / name / "__init__.py" if (folder / name).is_dir() else folder / f"{name}.py"


def load_subset(source: MassGenSource, files: list[Path]) -> LoadedMassGen:
    """Load `massgen` (its `__init__` only) and then each file in `files` as a module, statically."""
    start = time.perf_counter()
    loader = griffe.GriffeLoader(
        search_paths=[str(source.search_path)],
        docstring_parser=griffe.Parser(DOCSTRING_STYLE),
        docstring_options=dict(DOCSTRING_OPTIONS),
        allow_inspection=False,
        store_source=True,
    )
    try:
        top = loader.load("massgen", submodules=False, try_relative_path=False)
    except (ImportError, griffe.LoadingError) as exc:
        raise GuideError(f"MASSGEN_SOURCE={source.label}: griffe cannot load massgen ({exc})") from None
    assert isinstance(top, griffe.Module)
    read = [source.package_dir / "__init__.py"]
    for path in files:
        parts = path.relative_to(source.package_dir).with_suffix("").parts
        parent, folder = top, source.package_dir
        for part in parts:
            member = parent.members.get(part)
            if member is None or not member.is_module:
                module_file = _module_file(folder, part)
                try:
                    member = loader._load_module(part, module_file, submodules=False, parent=parent)  # noqa: SLF001
                except griffe.LoadingError as exc:
                    rel = module_file.relative_to(source.search_path)
                    raise GuideError(f"MASSGEN_SOURCE={source.label}: cannot read {rel} ({exc})") from None
                parent.set_member(part, member)
                read.append(module_file)
            parent, folder = member, folder / part  # type: ignore[assignment]
    loader.expand_exports(top)
    loader.expand_wildcards(top, external=False)
    loader.resolve_aliases(implicit=False, external=False)
    return LoadedMassGen(source, loader, top, tuple(read), time.perf_counter() - start, _stamp(read))


_CACHE: dict[Path, LoadedMassGen] = {}
_DISK_FORMAT = 1


def load_massgen(source: MassGenSource | None = None) -> LoadedMassGen:
    """The site's griffe load of MassGen, reused while none of the files read has changed.

    In-process (`properdocs serve` rebuilds) the load itself is kept; across processes (each `properdocs build`) a
    pickled copy in the guide's cache folder is, keyed by every file of the MassGen package (path, size,
    modification time), this module's code and griffe's version: unpickling takes a sixth of the load.
    """
    source = source or current_source()
    key = source.package_dir.resolve()
    cached = _CACHE.get(key)
    if cached is not None and _stamp(cached.files) == cached.stamp and \
            [str(p) for p in site_files(source.package_dir)] == [str(p) for p in cached.files if p.name != "__init__.py"]:
        return _as_from(cached, source)
    if cached is not None:  # a stale load: let the collector free it (it was frozen with everything before it)
        del _CACHE[key]
        gc.unfreeze()
    disk = _disk_path(source)
    with collector_paused():
        loaded = _read_pickle(disk, source)
        if loaded is None:
            loaded = load_subset(source, site_files(source.package_dir))
            _write_pickle(disk, loaded)
    _CACHE[key] = loaded
    return _as_from(loaded, source)


def _as_from(loaded: LoadedMassGen, source: MassGenSource) -> LoadedMassGen:
    """The load as read from `source`: the same files may be asked for as another kind of source (an installed
    package given as a checkout path) or under another label, which decide links and messages."""
    return loaded if loaded.source == source else replace(loaded, source=source)


def _disk_path(source: MassGenSource) -> Path:
    digest = hashlib.sha256()
    digest.update(f"{_DISK_FORMAT}:{sys.version}:{importlib.metadata.version('griffe')}:"
                  f"{source.package_dir.resolve()}:{SITE_MODULE_GLOBS}:{DOCSTRING_STYLE}:{DOCSTRING_OPTIONS}".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(folder_signature(source.package_dir).encode())
    return cache_dir() / "facts-load" / f"{digest.hexdigest()}.pickle"


def _read_pickle(path: Path, source: MassGenSource) -> LoadedMassGen | None:
    loaded = read_pickle(path, LoadedMassGen)
    return loaded if loaded is not None and loaded.source.package_dir == source.package_dir else None


_DISK_KEEP = 8
"""Pickled loads kept (the newest): each edit to a MassGen checkout makes a new one."""


def _write_pickle(path: Path, loaded: LoadedMassGen) -> None:
    try:
        data = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PickleError, TypeError, AttributeError, RecursionError):
        return  # a load griffe cannot pickle is simply not cached
    if not write_atomically(path, data):
        return
    try:
        older = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)[_DISK_KEEP:]
        for old in older:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def load_whole_package(source: MassGenSource | None = None) -> float:
    """Seconds to load all of `massgen` with griffe (the benchmark's reference figure)."""
    source = source or current_source()
    start = time.perf_counter()
    loader = griffe.GriffeLoader(search_paths=[str(source.search_path)], docstring_parser=griffe.Parser(DOCSTRING_STYLE),
                                 allow_inspection=False)
    loader.load("massgen", try_relative_path=False)
    loader.resolve_aliases(implicit=False, external=False)
    return time.perf_counter() - start


def clear_cache() -> None:
    _CACHE.clear()

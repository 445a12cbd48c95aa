"""A static index of a MassGen package, built with `ast` (nothing is imported).

One pass over every `.py` file under the package records modules, classes (bases, methods, attributes, enum
members), functions, module-level names, string literals, the chunk types MassGen yields, hook registrations and
native hook adapters. The index is cached in memory per package folder and on disk (pickle, keyed by the files'
sizes and modification times) under the guide's cache folder. A file that fails to parse is recorded in
`parse_errors` and the rest of the package is still indexed.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import multiprocessing
import os
import pickle
import re
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from massgen_guide.source.cache_files import read_pickle, write_atomically
from massgen_guide.source.selection import MassGenSource, cache_dir
from massgen_guide.source.signatures import add_folder

INDEX_FORMAT = 7
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,80}$")
Loc = tuple[str, int]  # (file relative to the search path, e.g. "massgen/backend/base.py", 1-based line)


@dataclass
class ClassInfo:
    name: str
    module: str
    file: str
    line: int
    bases: list[str]
    """Base class expressions as written (`LLMBackend`, `base.LLMBackend`)."""
    methods: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, int] = field(default_factory=dict)
    """Class-level assignments (incl. dataclass fields and enum members) and `self.x = ...` in methods."""
    enum_values: dict[str, str] = field(default_factory=dict)
    """For classes with enum-like string members: member name -> value."""
    native_adapter: tuple[str, int] | None = None
    """The adapter class path passed to `_init_native_hook_adapter` (or assigned), and its line."""

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass
class ModuleInfo:
    name: str
    file: str
    lines: int
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> dotted target (`LLMBackend` -> `massgen.backend.base.LLMBackend`)."""
    names: dict[str, int] = field(default_factory=dict)
    """Top-level names defined in the module (classes, functions, assignments) -> line."""
    functions: dict[str, int] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)


@dataclass
class HookRegistration:
    hook_class: str
    hook_type: str
    """The HookType member's value (`PreToolUse`, `PostToolUse`, `pre_call`, ...) or its member name."""
    file: str
    line: int


@dataclass
class PackageIndex:
    package_dir: str
    version: str
    files: dict[str, int] = field(default_factory=dict)
    """Every file under the package (`massgen/...`) -> its line count (text files; 0 for binary)."""
    dirs: set[str] = field(default_factory=set)
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    classes: dict[str, list[ClassInfo]] = field(default_factory=dict)
    functions: dict[str, list[Loc]] = field(default_factory=dict)
    """Every `def` (module-level or method) by simple name."""
    attributes: dict[str, list[Loc]] = field(default_factory=dict)
    strings: dict[str, Loc] = field(default_factory=dict)
    """Identifier-like string literals (config keys, env var names, ...) -> first location (tests excluded)."""
    yaml_keys: dict[str, Loc] = field(default_factory=dict)
    keywords: dict[str, Loc] = field(default_factory=dict)
    """Keyword argument names used in calls (also in MassGen's tests) -> first location."""
    parameters: dict[str, Loc] = field(default_factory=dict)
    """Function parameter names -> the function's location."""
    chunk_types: dict[str, Loc] = field(default_factory=dict)
    hook_registrations: list[HookRegistration] = field(default_factory=list)
    enum_values: dict[str, Loc] = field(default_factory=dict)
    """String values of enum members (`PreToolUse`) -> location."""
    config_gets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    """`x.get("key", default)` and `x.pop("key", default)` calls outside tests: key -> [(default as written,
    `None` if absent, file, line)]."""
    parse_errors: dict[str, str] = field(default_factory=dict)

    # -- look-ups ---------------------------------------------------------------------------------------------
    def find_classes(self, name: str) -> list[ClassInfo]:
        """Classes by simple name or dotted qualified name."""
        if "." in name:
            module, _, simple = name.rpartition(".")
            return [c for c in self.classes.get(simple, []) if c.module == module or c.qualname == name]
        return list(self.classes.get(name, []))

    def resolve_base(self, cls: ClassInfo, base: str) -> ClassInfo | None:
        module = self.modules.get(cls.module)
        head, _, rest = base.partition(".")
        target = None
        if module is not None and head in module.imports:
            target = module.imports[head] + ("." + rest if rest else "")
        elif module is not None and head in module.names and not rest:
            target = f"{cls.module}.{head}"
        if target:
            simple = target.rsplit(".", 1)[-1]
            candidates = self.classes.get(simple, [])
            exact = [c for c in candidates if c.qualname == target]
            if exact:
                return exact[0]
            # re-exported through a package __init__: trust a unique simple name
            if len(candidates) == 1:
                return candidates[0]
        simple = base.rsplit(".", 1)[-1]
        candidates = self.classes.get(simple, [])
        return candidates[0] if len(candidates) == 1 else None

    def ancestors(self, cls: ClassInfo) -> list[ClassInfo | str]:
        """The class's ancestors in depth-first order (unresolved bases appear as their written name)."""
        seen: set[str] = set()
        out: list[ClassInfo | str] = []

        def visit(current: ClassInfo) -> None:
            for base in current.bases:
                resolved = self.resolve_base(current, base)
                if resolved is None:
                    if base not in seen:
                        seen.add(base)
                        out.append(base)
                    continue
                if resolved.qualname in seen or resolved is current:
                    continue
                seen.add(resolved.qualname)
                out.append(resolved)
                visit(resolved)

        visit(cls)
        return out

    def mro(self, cls: ClassInfo) -> list[ClassInfo]:
        return [cls] + [a for a in self.ancestors(cls) if isinstance(a, ClassInfo)]

    def member(self, cls: ClassInfo, name: str) -> tuple[ClassInfo, int] | None:
        """Where `name` is defined for `cls` (searching its resolvable MRO): (owner class, line)."""
        for owner in self.mro(cls):
            if name in owner.methods:
                return owner, owner.methods[name]
            if name in owner.attributes:
                return owner, owner.attributes[name]
        return None

    def members(self, cls: ClassInfo) -> set[str]:
        names: set[str] = set()
        for owner in self.mro(cls):
            names.update(owner.methods)
            names.update(owner.attributes)
        return names

    def all_class_names(self) -> list[str]:
        return sorted(self.classes)

    def path_lines(self, relative: str) -> int | None:
        return self.files.get(relative)

    def read_text(self, relative: str) -> str:
        return (Path(self.package_dir).parent / relative).read_text(encoding="utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------------------------
_NOT_NODES = frozenset({"ctx", "id", "attr", "name", "asname", "arg", "module", "level", "kind", "type_comment",
                        "conversion", "is_async"})
"""Fields that never hold a node the indexer looks at: names, flags, and `ctx` (the Load/Store/Del markers)."""
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in cls._fields if f not in _NOT_NODES and not (cls is ast.Constant and f == "value"))
        _CHILD_FIELDS[cls] = fields
    return fields


def _walk(node: ast.AST):
    """`ast.walk`'s nodes in its order, minus the `ctx` markers, without its per-node generator overhead."""
    AST = ast.AST
    todo = deque([node])
    pop, append = todo.popleft, todo.append
    fields_of = _CHILD_FIELDS.get
    while todo:
        node = pop()
        cls = type(node)
        fields = fields_of(cls)
        if fields is None:
            fields = _child_fields(cls)
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        append(item)
            elif isinstance(value, AST):
                append(value)
        yield node


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    if isinstance(node, ast.Subscript):  # Generic[T]
        return _dotted(node.value)
    return None


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        return name.rsplit(".", 1)[-1] if name else None
    return None


def _module_name(rel: str) -> str:
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


_ANY_NODE_TYPES = frozenset({ast.ImportFrom, ast.Import, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.Constant, ast.Attribute, ast.Call, ast.Assign})


class _Indexer:
    def __init__(self, index: PackageIndex, rel: str, module: str, is_package: bool, tree: ast.Module) -> None:
        self.index = index
        self.rel = rel
        self.module_name = module
        self.is_package = is_package
        self.tree = tree
        self.is_test = "/tests/" in rel or rel.rsplit("/", 1)[-1].startswith("test_")
        self.info = ModuleInfo(module, rel, 0)
        # identifier-like strings in order: (is a string constant, value, location); only the first constant and
        # the first pytest marker of each value can change `index.strings` (see `_merge_file`)
        self.string_events: list[tuple[bool, str, Loc]] = []
        self._seen_strings: set[tuple[bool, str]] = set()
        # attribute assignments `x.attr = Class(...)` (for hook registrations through attributes)
        self.attr_calls: dict[str, list[str]] = {}

    def loc(self, node: ast.AST) -> Loc:
        return (self.rel, getattr(node, "lineno", 1))

    def run(self) -> ModuleInfo:
        for node in self.tree.body:
            self.top_level(node)
        # `any_node` does something for these node types only; looking the type up skips the rest (most nodes)
        wanted = _ANY_NODE_TYPES
        any_node = self.any_node
        for node in _walk(self.tree):
            if type(node) in wanted:
                any_node(node)
        return self.info

    def top_level(self, node: ast.stmt) -> None:
        info = self.info
        if isinstance(node, ast.ClassDef):
            info.names[node.name] = node.lineno
            info.classes.append(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.names[node.name] = node.lineno
            info.functions[node.name] = node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        info.names.setdefault(sub.id, node.lineno)
        elif isinstance(node, (ast.If, ast.Try)):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.top_level(child)
            for handler in getattr(node, "handlers", []):
                for child in handler.body:
                    self.top_level(child)

    def any_node(self, node: ast.AST) -> None:
        index = self.index
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(self.module_name, self.is_package, node.level, node.module)
            else:
                base = node.module or ""
            for alias in node.names:
                if alias.name != "*":
                    self.info.imports.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
                    self.info.names.setdefault(alias.asname or alias.name, node.lineno) if node.col_offset == 0 else None
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.info.imports.setdefault(alias.asname or alias.name.split(".")[0],
                                             alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ClassDef):
            self.class_def(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            index.functions.setdefault(node.name, []).append(self.loc(node))
            args = node.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]:
                if arg.arg not in {"self", "cls"}:
                    index.parameters.setdefault(arg.arg, self.loc(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if _IDENT_RE.match(value) and (True, value) not in self._seen_strings:
                self._seen_strings.add((True, value))
                self.string_events.append((True, value, self.loc(node)))
        elif isinstance(node, ast.Attribute) and _dotted(node.value) == "pytest.mark":
            if (False, node.attr) not in self._seen_strings:  # pytest markers MassGen's tests use
                self._seen_strings.add((False, node.attr))
                self.string_events.append((False, node.attr, self.loc(node)))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg:
                    index.keywords.setdefault(keyword.arg, self.loc(node))
            if not self.is_test:
                self.call(node)
        elif isinstance(node, ast.Assign) and not self.is_test:
            name = _call_name(node.value)
            if name:
                for target in node.targets:
                    if isinstance(target, ast.Attribute):
                        self.attr_calls.setdefault(target.attr, []).append(name)

    def class_def(self, node: ast.ClassDef) -> None:
        index = self.index
        bases = [b for b in (_dotted(base) for base in node.bases) if b]
        cls = ClassInfo(node.name, self.module_name, self.rel, node.lineno, bases)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.methods.setdefault(item.name, item.lineno)
            elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        cls.attributes.setdefault(target.id, item.lineno)
                        index.attributes.setdefault(target.id, []).append(self.loc(item))
                        value = item.value
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            cls.enum_values[target.id] = value.value
        if any(b.rsplit(".", 1)[-1] in {"Enum", "StrEnum", "IntEnum"} for b in bases):
            for value in cls.enum_values.values():
                index.enum_values.setdefault(value, (self.rel, node.lineno))
        else:
            cls.enum_values = {}
        for sub in _walk(node):
            if isinstance(sub, (ast.Assign, ast.AnnAssign)):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                            and target.value.id == "self":
                        cls.attributes.setdefault(target.attr, sub.lineno)
                        index.attributes.setdefault(target.attr, []).append(self.loc(sub))
                        if target.attr == "_native_hook_adapter" and isinstance(sub.value, ast.Call):
                            name = _call_name(sub.value)
                            if name and name != "adapter_cls" and cls.native_adapter is None:
                                cls.native_adapter = (name, sub.lineno)
            elif isinstance(sub, ast.Call):
                name = _dotted(sub.func)
                if name and name.endswith("_init_native_hook_adapter") and sub.args \
                        and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str):
                    cls.native_adapter = (sub.args[0].value, sub.lineno)
        index.classes.setdefault(node.name, []).append(cls)

    def call(self, node: ast.Call) -> None:
        index = self.index
        name = _call_name(node)
        if name in ("get", "pop") and isinstance(node.func, ast.Attribute) and 1 <= len(node.args) <= 2 \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            default = ast.unparse(node.args[1]) if len(node.args) == 2 else "None"
            index.config_gets.setdefault(node.args[0].value, []).append((default, self.rel, node.lineno))
        if name and name.endswith("Chunk"):
            for keyword in node.keywords:
                if keyword.arg == "type" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    index.chunk_types.setdefault(keyword.value.value, self.loc(node))
        if name in {"register_global_hook", "register_agent_hook", "register_hook"}:
            hook_type = None
            hook_expr = None
            for pos, arg in enumerate(node.args):
                dotted = _dotted(arg) or ""
                if dotted.startswith("HookType."):
                    hook_type = dotted.split(".", 1)[1]
                    hook_expr = node.args[pos + 1] if pos + 1 < len(node.args) else None
                    break
            if hook_type and hook_expr is not None:
                self.pending_hooks.append((hook_type, hook_expr, node))

    pending_hooks: list


def _resolve_hook_expr(expr: ast.AST, scopes: list[ast.AST], attr_calls: dict[str, list[str]]) -> list[str]:
    name = _call_name(expr)
    if name:
        return [name]
    if isinstance(expr, ast.Name):
        for scope in scopes:
            found = []
            for sub in ast.walk(scope):
                if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id
                                                       for t in sub.targets):
                    called = _call_name(sub.value)
                    if called:
                        found.append(called)
            if found:
                return found
        return []
    if isinstance(expr, ast.Attribute):
        return sorted(set(attr_calls.get(expr.attr, [])))
    return []


def _enclosing_scopes(tree: ast.Module) -> dict[int, list[ast.AST]]:
    """Map id(call node) -> enclosing function nodes, innermost first."""
    out: dict[int, list[ast.AST]] = {}

    def visit(node: ast.AST, stack: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, [child] + stack)
            else:
                if isinstance(child, ast.Call):
                    out[id(child)] = stack
                visit(child, stack)

    visit(tree, [tree])
    return out


def _count_lines(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    if b"\0" in data[:4096]:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


_YAML_KEY_RE = re.compile(r"^\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")


@dataclass
class _FileResult:
    """What one `.py` file contributes to an index (it depends only on the file's path and content)."""
    module: ModuleInfo
    local: PackageIndex
    """The file's own functions, parameters, keywords, attributes, classes, enum values and chunk types."""
    is_test: bool
    string_events: list[tuple[bool, str, Loc]]
    attr_calls: dict[str, list[str]]
    hooks: list[tuple[str, list[str] | None, str | None, str, int]]
    """(HookType member, hook class names or None when given as `x.attr`, that attr, file, line)."""


def _index_file(rel: str, is_package: bool, data: bytes) -> _FileResult:
    tree = ast.parse(data, filename=rel)
    local = PackageIndex("", "")
    indexer = _Indexer(local, rel, _module_name(rel), is_package, tree)
    indexer.pending_hooks = []
    info = indexer.run()
    hooks = []
    if indexer.pending_hooks:
        scopes = _enclosing_scopes(tree)
        for hook_type, expr, call in indexer.pending_hooks:
            if isinstance(expr, ast.Attribute):  # resolved against every file's `x.attr = Class(...)` later
                hooks.append((hook_type, None, expr.attr, rel, call.lineno))
            else:
                hooks.append((hook_type, _resolve_hook_expr(expr, scopes.get(id(call), []), {}), None, rel,
                              call.lineno))
    return _FileResult(info, local, indexer.is_test, indexer.string_events, indexer.attr_calls, hooks)


def _index_one(job: tuple[str, bool, bytes]) -> tuple[_FileResult | None, str]:
    """One file's result, or its parse error as the index reports it."""
    rel, is_package, data = job
    try:
        return _index_file(rel, is_package, data), ""
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return None, f"{rel}:{line or '?'}: {type(exc).__name__}: {getattr(exc, 'msg', exc)}"


_PARALLEL_FROM = 200
"""From this many files to index, the work is shared by one forked process per core (at most 4), when the process
has no other thread."""


def _index_files(jobs: list[tuple[str, bool, bytes]]) -> list[tuple[_FileResult | None, str]]:
    workers = min(os.cpu_count() or 1, 4)
    # forking is safe only where no other thread can hold a lock the children need (e.g. `properdocs serve` once
    # its server runs, a test worker): there the files are indexed here, one after the other
    if len(jobs) < _PARALLEL_FROM or workers < 2 or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [_index_one(job) for job in jobs]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_index_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    except (OSError, BrokenProcessPool):  # no processes to be had: index here
        return [_index_one(job) for job in jobs]


def _merge_file(index: PackageIndex, result: _FileResult, all_attr_calls: dict[str, list[str]],
                hooks: list) -> None:
    """Add one file's contribution, exactly as if the file had been indexed in place (files come in order)."""
    local = result.local
    index.modules[result.module.name] = result.module
    for target, source in ((index.functions, local.functions), (index.attributes, local.attributes),
                           (index.classes, local.classes), (index.config_gets, local.config_gets)):
        for name, items in source.items():
            target.setdefault(name, []).extend(items)
    for target, source in ((index.parameters, local.parameters), (index.keywords, local.keywords),
                           (index.enum_values, local.enum_values), (index.chunk_types, local.chunk_types)):
        for name, loc in source.items():
            target.setdefault(name, loc)
    strings = index.strings
    for is_constant, value, loc in result.string_events:
        if not is_constant:
            strings.setdefault(value, loc)
        elif value not in strings or (not result.is_test and "/tests/" in strings[value][0]):
            strings[value] = loc  # a string from MassGen's code wins over one from its tests
    for attr, names in result.attr_calls.items():
        all_attr_calls.setdefault(attr, []).extend(names)
    hooks.extend(result.hooks)


# Per-file results (pickled, so no two indexes share objects), keyed by the file's path and content hash: a copy
# of MassGen with a few files changed re-parses only those files. Kept in memory and in the guide's cache folder.
_FILE_CACHE: dict[str, bytes] = {}
_FILE_CACHE_NEW: dict[str, bytes] = {}
_FILE_CACHE_LIMIT = 20000
_FILE_STATS = {"hits": 0, "misses": 0}


def _file_key(rel: str, data: bytes) -> str:
    return hashlib.sha1(f"{INDEX_FORMAT}\0{rel}\0".encode() + data).hexdigest()


def _file_cache_path() -> Path:
    return cache_dir() / "claims-index" / f"files-{INDEX_FORMAT}.pickle"


_FILE_CACHE_SEEN: list[int | None] = [None]  # the disk file's mtime when last read


def _load_file_cache() -> None:
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


def _cached_file(key: str | None) -> _FileResult | None:
    if key is None:
        return None
    data = _FILE_CACHE.get(key)
    if data is not None:
        try:
            result = pickle.loads(data)
        except (pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
            result = None
        if isinstance(result, _FileResult):
            _FILE_STATS["hits"] += 1
            return result
    _FILE_STATS["misses"] += 1
    return None


def _store_file(key: str | None, result: _FileResult) -> None:
    if key is None:
        return
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    _FILE_CACHE[key] = data
    _FILE_CACHE_NEW[key] = data


def _save_file_cache() -> None:
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


def build_index(package_dir: Path, version: str = "unknown", include=None, *, use_cache: bool = True) -> PackageIndex:
    """Index the package folder `package_dir` (named `massgen`); `include(rel_path)` may narrow the files.

    With `use_cache`, each file's parse result is reused from earlier indexes of a file with the same path and
    content (the index is the same either way; tests compare both).
    """
    package_dir = Path(package_dir)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # parsing makes millions of short-lived, acyclic AST nodes: the cyclic collector only slows it down
    try:
        return _build_index(package_dir, version, include, use_cache)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_index(package_dir: Path, version: str, include, use_cache: bool) -> PackageIndex:
    index = PackageIndex(str(package_dir), version)
    top = package_dir.name
    hooks: list = []
    all_attr_calls: dict[str, list[str]] = {}
    if use_cache:
        _load_file_cache()
    python_files: list[tuple[str, bool, bytes, str | None, _FileResult | None]] = []
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
            index.files[rel] = _count_lines(path)
            if filename.endswith((".yaml", ".yml")) and f"{top}/configs/" in rel:
                try:
                    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                        match = _YAML_KEY_RE.match(line)
                        if match:
                            index.yaml_keys.setdefault(match.group(1), (rel, number))
                except OSError:
                    pass
            if not filename.endswith(".py"):
                continue
            data = path.read_bytes()
            key = _file_key(rel, data) if use_cache else None
            python_files.append((rel, filename == "__init__.py", data, key, _cached_file(key)))
    # files the cache did not hold are indexed now (in several processes when there are many), then all are merged
    # in file order, exactly as if each had been indexed in place
    misses = [(rel, is_package, data) for rel, is_package, data, _, cached in python_files if cached is None]
    fresh = iter(_index_files(misses))
    for rel, _, _, key, result in python_files:
        if result is None:
            result, error = next(fresh)
            if error:
                index.parse_errors[rel] = error
                continue
            _store_file(key, result)
        _merge_file(index, result, all_attr_calls, hooks)
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
        _save_file_cache()
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

"""Reading one MassGen module into the index: a single walk of its syntax tree collects classes, imports,
calls, attributes and hook registrations; files are read in parallel when there are many."""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from massgen_guide.checks.claims.package_index import IDENT_RE, ClassInfo, Loc, ModuleInfo, PackageIndex

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
        # the first pytest marker of each value can change `index.strings` (see `merge_file`)
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
            if IDENT_RE.match(value) and (True, value) not in self._seen_strings:
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


def count_lines(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    if b"\0" in data[:4096]:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


YAML_KEY_RE = re.compile(r"^\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")


@dataclass
class FileResult:
    """What one `.py` file contributes to an index (it depends only on the file's path and content)."""
    module: ModuleInfo
    local: PackageIndex
    """The file's own functions, parameters, keywords, attributes, classes, enum values and chunk types."""
    is_test: bool
    string_events: list[tuple[bool, str, Loc]]
    attr_calls: dict[str, list[str]]
    hooks: list[tuple[str, list[str] | None, str | None, str, int]]
    """(HookType member, hook class names or None when given as `x.attr`, that attr, file, line)."""


def _index_file(rel: str, is_package: bool, data: bytes) -> FileResult:
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
    return FileResult(info, local, indexer.is_test, indexer.string_events, indexer.attr_calls, hooks)


def _index_one(job: tuple[str, bool, bytes]) -> tuple[FileResult | None, str]:
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


def index_files(jobs: list[tuple[str, bool, bytes]]) -> list[tuple[FileResult | None, str]]:
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


def merge_file(index: PackageIndex, result: FileResult, all_attr_calls: dict[str, list[str]],
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

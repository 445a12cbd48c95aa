"""Reading one function of MassGen statically: where it is, and the code it reaches.

The behaviour claims (`behaviour.py`) look inside functions: which chunk types they build, what they call,
what they raise, their parameters' defaults. `find_function` locates `Class.method` (through the class's
statically resolvable bases, so an inherited method is found where it is defined), a module-level `function`,
or `massgen.module.function`. `reach` follows the calls a function makes on `self`/`cls` (resolved from the
class the claim names, so overrides count), on `super()`, and to module-level functions of its own module or
imported from MassGen, up to `MAX_DEPTH` calls deep. Files are parsed on demand (nothing is imported).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from massgen_guide.checks.claims.package_index import ClassInfo, PackageIndex

MAX_DEPTH = 4
"""How many calls deep `reach` follows a function's own helpers."""
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@lru_cache(maxsize=512)
def _parse(path: str, mtime: float) -> ast.Module | None:
    try:
        return parse_text(Path(path).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


@lru_cache(maxsize=512)
def parse_text(text: str) -> ast.Module | None:
    """Parsed once per text (parsing is most of the claims check's time): a copy of MassGen (a mutated one in the
    tests, a release beside the installed one) shares the trees of the files it did not change. Nothing that
    reads these trees changes them."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def parse_file(index: PackageIndex, rel: str) -> ast.Module | None:
    path = Path(index.package_dir).parent / rel
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _parse(str(path), mtime)


@dataclass
class Located:
    """A function found in MassGen: its node, file, module, and the class it belongs to (if a method)."""
    name: str
    """As the claim wrote it (`ChatCompletionsBackend.stream_with_tools`)."""
    node: FunctionNode
    file: str
    module: str
    owner: ClassInfo | None = None
    """The class that defines the method."""
    start: ClassInfo | None = None
    """The class the claim named (`self.x` calls resolve from here)."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.node.lineno}"

    @property
    def label(self) -> str:
        return f"{self.owner.name}.{self.node.name}" if self.owner else self.node.name


def _method_node(index: PackageIndex, owner: ClassInfo, method: str) -> FunctionNode | None:
    tree = parse_file(index, owner.file)
    if tree is None:
        return None
    return _methods_by_class(tree).get((owner.name, owner.line), {}).get(method)


@lru_cache(maxsize=512)
def _methods_by_class(tree: ast.Module) -> dict[tuple[str, int], dict[str, FunctionNode]]:
    """(class name, line) -> method name -> its first definition in the class body (a property's getter, not its
    setter), for every class of a parsed file: one walk of the tree instead of one per method looked up. Trees
    are shared and never changed (`parse_text`), so a tree is its own key."""
    classes: dict[tuple[str, int], dict[str, FunctionNode]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            methods = classes.setdefault((node.name, node.lineno), {})
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.setdefault(item.name, item)
    return classes


def method_of(index: PackageIndex, cls: ClassInfo, method: str, after: ClassInfo | None = None) -> Located | None:
    """`method` as `cls` sees it (its MRO, statically); with `after`, the next definition past that class."""
    mro = index.mro(cls)
    if after is not None:
        names = [c.qualname for c in mro]
        mro = mro[names.index(after.qualname) + 1:] if after.qualname in names else []
    for owner in mro:
        if method in owner.methods:
            node = _method_node(index, owner, method)
            if node is not None:
                return Located(f"{cls.name}.{method}", node, owner.file, owner.module, owner, cls)
    return None


def _module_function(index: PackageIndex, module: str, name: str) -> Located | None:
    info = index.modules.get(module)
    if info is None:
        return None
    if name in info.functions:
        tree = parse_file(index, info.file)
        for node in (tree.body if tree else []):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return Located(name, node, info.file, module)
    target = info.imports.get(name)
    if target and target.startswith("massgen.") and target != f"{module}.{name}":
        mod, _, attr = target.rpartition(".")
        if mod in index.modules and mod != module:
            return _module_function(index, mod, attr)
    return None


def _sorted_classes(index: PackageIndex, name: str) -> list[ClassInfo]:
    return sorted(index.find_classes(name), key=lambda c: ("/tests/" in c.file, c.file))


def find_function(index: PackageIndex, name: str) -> Located | None:
    """`Class.method`, `function` or `massgen.module.function` (`()` allowed), as MassGen defines it."""
    name = name.strip("`").removesuffix("()")
    parts = name.split(".")
    if len(parts) >= 2:
        for cls in _sorted_classes(index, ".".join(parts[:-1])) or _sorted_classes(index, parts[-2]):
            found = method_of(index, cls, parts[-1])
            if found is not None:
                return found
        return _module_function(index, ".".join(parts[:-1]), parts[-1])
    modules = sorted({loc[0] for loc in index.functions.get(name, [])}, key=lambda f: ("/tests/" in f, f))
    for file in modules:
        module = next((m for m in index.modules.values() if m.file == file), None)
        if module is not None and name in module.functions:
            return _module_function(index, module.name, name)
    return None


def describe_missing(index: PackageIndex, name: str) -> str:
    """Why `find_function` found nothing: the class lacks the method, or there is no such function."""
    parts = name.removesuffix("()").split(".")
    if len(parts) >= 2 and _sorted_classes(index, parts[-2]):
        cls = _sorted_classes(index, parts[-2])[0]
        return f"{cls.name} ({cls.file}:{cls.line}) has no method {parts[-1]}"
    return f"no function {name} in massgen {index.version}"


@dataclass
class Reached:
    """A function reached from the start, and the chain of calls that led there."""
    located: Located
    via: list[str] = field(default_factory=list)

    def path(self) -> str:
        return " -> ".join(self.via + [self.located.label])


@lru_cache(maxsize=8192)
def _own_calls(node: FunctionNode) -> tuple[tuple[str, str], ...]:
    """(kind, name) of the calls a function makes: `self` (self./cls.), `super`, `plain` (a bare name). Once per
    function node (the trees are shared and never changed, `parse_text`)."""
    out = []
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        if isinstance(func, ast.Attribute):
            value = func.value
            if isinstance(value, ast.Name) and value.id in {"self", "cls"}:
                out.append(("self", func.attr))
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
                out.append(("super", func.attr))
        elif isinstance(func, ast.Name):
            out.append(("plain", func.id))
    return tuple(out)


def reach(index: PackageIndex, start: Located, depth: int = MAX_DEPTH) -> list[Reached]:
    """The start function and every function it reaches through its own calls (breadth first)."""
    seen = {(start.file, start.node.lineno)}
    out = [Reached(start)]
    frontier = [out[0]]
    for _ in range(depth):
        following = []
        for item in frontier:
            here = item.located
            for kind, name in _own_calls(here.node):
                found = None
                if kind == "self" and here.start is not None:
                    found = method_of(index, here.start, name)
                elif kind == "super" and here.start is not None and here.owner is not None:
                    found = method_of(index, here.start, name, after=here.owner)
                elif kind == "plain":
                    found = _module_function(index, here.module, name)
                if found is None or (found.file, found.node.lineno) in seen:
                    continue
                seen.add((found.file, found.node.lineno))
                reached = Reached(found, item.via + [here.label])
                out.append(reached)
                following.append(reached)
        frontier = following
    return out

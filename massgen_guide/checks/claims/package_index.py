"""The index of a MassGen package that the claims are checked against: its classes, modules, functions,
attributes, hook registrations and enum values, with the look-ups the relations use (bases, MRO, members)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INDEX_FORMAT = 7
IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,80}$")
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

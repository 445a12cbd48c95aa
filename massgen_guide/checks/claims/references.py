"""Verifying one reference against the index: a status, what is wrong, a suggestion, and evidence."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from massgen_guide.checks.claims.classify import REPO_ONLY_ROOTS, Reference
from massgen_guide.checks.claims.package_index import ClassInfo, PackageIndex
from massgen_guide.source.selection import MassGenSource

VERIFIED = "verified"
FAILED = "failed"
UNCHECKABLE = "cannot check"


class Later:
    """A suggestion worked out when it is first read. Finding the closest of thousands of names is the slow part
    of a check, and most failures are never shown: the guide's own names fail against MassGen first and are then
    found in the guide's snippets."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make: Callable[[], str] | None = make
        self._value = ""

    def value(self) -> str:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


@dataclass
class Outcome:
    status: str
    message: str = ""
    _suggestion: str | Later = ""
    evidence: str = ""
    """`massgen/file.py:line` where the thing (or the suggestion) is defined."""

    @property
    def suggestion(self) -> str:
        value = self._suggestion
        return value.value() if isinstance(value, Later) else value

    @suggestion.setter
    def suggestion(self, value: str) -> None:
        self._suggestion = value


def _loc(loc: tuple[str, int] | None) -> str:
    return f"{loc[0]}:{loc[1]}" if loc else ""


def _closest(word: str, candidates, n: int = 1) -> list[str]:
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)


def _best(locs: list[tuple[str, int]]) -> tuple[str, int]:
    """The most telling definition: outside tests, in a base or mixin module if there is one."""
    def rank(loc):
        name = loc[0].rsplit("/", 1)[-1]
        return ("/tests/" in loc[0], not loc[0].startswith("massgen/backend/"),
                not ("base" in name or "mixin" in name), loc[0])
    return sorted(locs, key=rank)[0]


def _where_defined(index: PackageIndex, name: str) -> str:
    classes = index.classes.get(name)
    if classes:
        best = _best([(c.file, c.line) for c in classes])
        return _loc(best)
    for pool in (index.functions, index.attributes):
        if name in pool:
            return _loc(_best(pool[name]))
    for module in index.modules.values():
        if name in module.names and name not in module.imports:
            return f"{module.file}:{module.names[name]}"
    return ""


def check_path(index: PackageIndex, source: MassGenSource | None, target: str) -> Outcome:
    root = target.split("/", 1)[0]
    if root in REPO_ONLY_ROOTS:
        repo = source.repo_root if source is not None else None
        if repo is None:
            return Outcome(UNCHECKABLE, f"{root}/ exists only in a MassGen checkout, not in the package")
        exists = (repo / target).exists()
        if exists:
            return Outcome(VERIFIED, evidence=target)
        return Outcome(FAILED, f"no such path in the checkout", _suggest_path(index, target, repo))
    wants_dir = target.endswith("/")
    clean = target.rstrip("/")
    if "*" in clean or "?" in clean:
        matches = sorted(f for f in list(index.files) + sorted(index.dirs) if fnmatch.fnmatchcase(f, clean))
        if matches:
            return Outcome(VERIFIED, f"{len(matches)} match(es)", evidence=f"{matches[0]}:1")
        return Outcome(FAILED, f"nothing matches {clean} in massgen {index.version}",
                       _suggest_path(index, clean.split("*")[0].rsplit("/", 1)[0]))
    if clean in index.dirs:
        return Outcome(VERIFIED, evidence=clean + "/")
    if not wants_dir and clean in index.files:
        return Outcome(VERIFIED, evidence=f"{clean}:1")
    if wants_dir and clean in index.files:
        return Outcome(FAILED, "is a file, not a folder", clean)
    what = "folder" if wants_dir else "file or folder"
    return Outcome(FAILED, f"no such {what} in massgen {index.version}", _suggest_path(index, clean))


def _suggest_path(index: PackageIndex, target: str, repo: Path | None = None) -> str:
    clean = target.rstrip("/")
    # a module that became a package, or a package folder that is a module
    if clean.endswith(".py") and clean[:-3] in index.dirs:
        return clean[:-3] + "/"
    if clean + ".py" in index.files:
        return clean + ".py"
    name = clean.rsplit("/", 1)[-1]
    parent = clean.rsplit("/", 1)[0]
    similar = sorted(f for f in index.files if f.rsplit("/", 1)[0] == parent and f.rsplit("/", 1)[-1] != name
                     and f.endswith(name))
    if similar:
        return similar[0]
    same_name = sorted(f for f in list(index.files) + sorted(index.dirs) if f.rsplit("/", 1)[-1] == name)
    same_name = [f for f in same_name if "/tests/" not in f] or same_name
    if same_name:
        return same_name[0]
    siblings = [f for f in list(index.files) + sorted(index.dirs) if f.rsplit("/", 1)[0] == parent]
    match = _closest(clean, siblings)
    if match:
        return match[0]
    match = _closest(clean, [f for f in index.files if "/tests/" not in f] + sorted(index.dirs))
    return match[0] if match else ""


def check_file_name(index: PackageIndex, target: str) -> Outcome:
    hits = sorted(f for f in index.files if f.rsplit("/", 1)[-1] == target)
    if hits:
        preferred = [h for h in hits if "/tests/" not in h] or hits
        return Outcome(VERIFIED, evidence=f"{preferred[0]}:1")
    folders = sorted(d for d in index.dirs if d.rsplit("/", 1)[-1] == target[:-3])
    if folders:
        return Outcome(FAILED, f"{target} is now the package folder {folders[0]}/", folders[0] + "/")
    names = {f.rsplit("/", 1)[-1] for f in index.files if f.endswith(".py")}
    match = _closest(target, names)
    suggestion = ""
    if match:
        path = sorted(f for f in index.files if f.endswith("/" + match[0]))[0]
        suggestion = path
    return Outcome(FAILED, f"no module file named {target} in massgen {index.version}", suggestion)


def resolve_dotted(index: PackageIndex, dotted: str) -> Outcome:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        module = index.modules.get(module_name)
        if module is None:
            continue
        rest = parts[cut:]
        if not rest:
            return Outcome(VERIFIED, evidence=f"{module.file}:1")
        name = rest[0]
        if name not in module.names and name not in module.imports:
            sub = f"{module_name}.{name}"
            return Outcome(FAILED, f"module {module_name} defines no {name}",
                           _closest_join(module_name, name, list(module.names)))
        if len(rest) == 1:
            line = module.names.get(name, 1)
            return Outcome(VERIFIED, evidence=f"{module.file}:{line}")
        target = module.imports.get(name)
        classes = [c for c in index.classes.get(name, []) if c.module == module_name] or \
            ([c for c in index.classes.get(name, []) if c.qualname == target] if target else [])
        if not classes:
            if target and target != dotted:
                return resolve_dotted(index, ".".join([target] + rest[1:]))
            return Outcome(FAILED, f"{module_name}.{name} is not a class", "")
        return check_member(index, classes, rest[1], f"{module_name}.{name}") if len(rest) == 2 else \
            Outcome(FAILED, f"cannot resolve {'.'.join(rest[1:])} on {name}")
    top = parts[0]
    return Outcome(FAILED, f"no module {dotted} in massgen {index.version}",
                   Later(lambda: (_closest(dotted, sorted(index.modules)) or [""])[0]))


def _closest_join(prefix: str, name: str, names: list[str]) -> str:
    match = _closest(name, names)
    return f"{prefix}.{match[0]}" if match else ""


def check_member(index: PackageIndex, classes: list[ClassInfo], member: str, label: str) -> Outcome:
    for cls in classes:
        found = index.member(cls, member)
        if found:
            owner, line = found
            return Outcome(VERIFIED, evidence=f"{owner.file}:{line}")
    def suggest() -> str:
        members: set[str] = set()
        for cls in classes:
            members |= index.members(cls)
        match = _closest(member, members)
        if not match:
            return ""
        found = index.member(classes[0], match[0]) or next(
            (index.member(c, match[0]) for c in classes if index.member(c, match[0])), None)
        suggestion = f"{label.rsplit('.', 1)[-1]}.{match[0]}"
        return suggestion + (f" ({found[0].file}:{found[1]})" if found else "")

    return Outcome(FAILED, f"{label} has no member {member}", Later(suggest))


def check_class_like(index: PackageIndex, name: str) -> Outcome:
    classes = index.classes.get(name)
    if classes:
        preferred = sorted(classes, key=lambda c: "/tests/" in c.file)[0]
        return Outcome(VERIFIED, evidence=f"{preferred.file}:{preferred.line}")
    if name in index.enum_values:
        return Outcome(VERIFIED, evidence=_loc(index.enum_values[name]))
    where = _where_defined(index, name)
    if where:
        return Outcome(VERIFIED, evidence=where)
    if name in index.strings:  # a tool or event name MassGen uses as a string ("Bash", "PreToolUse")
        return Outcome(VERIFIED, "a string MassGen uses", evidence=_loc(index.strings[name]))
    def suggest() -> str:
        match = _closest(name, list(index.classes) + list(index.enum_values))
        if not match:
            return ""
        where = _where_defined(index, match[0]) or _loc(index.enum_values.get(match[0]))
        return match[0] + (f" ({where})" if where else "")

    return Outcome(FAILED, f"no class or name {name} in massgen {index.version}", Later(suggest))


def _with_where(index: PackageIndex, name: str) -> str:
    where = _where_defined(index, name)
    return f"{name} ({where})" if where else name


def _closest_with_where(index: PackageIndex, name: str, candidates) -> str:
    match = _closest(name, candidates)
    return _with_where(index, match[0]) if match else ""


def check_function(index: PackageIndex, name: str) -> Outcome:
    if name in index.functions:
        return Outcome(VERIFIED, evidence=_loc(_best(index.functions[name])))
    if name in index.classes:
        return check_class_like(index, name)
    return Outcome(FAILED, f"no function or method {name} in massgen {index.version}",
                   Later(lambda: _closest_with_where(index, name, index.functions)))


def check_name(index: PackageIndex, name: str) -> Outcome:
    for pool in (index.functions, index.attributes):
        if name in pool:
            return Outcome(VERIFIED, evidence=_loc(_best(pool[name])))
    where = _where_defined(index, name)
    if where:
        return Outcome(VERIFIED, evidence=where)
    if name in index.parameters:
        return Outcome(VERIFIED, "a parameter", evidence=_loc(index.parameters[name]))
    if name in index.keywords:
        return Outcome(VERIFIED, "a keyword argument", evidence=_loc(index.keywords[name]))
    modules = sorted((m for m in index.modules.values() if m.name.rsplit(".", 1)[-1] == name), key=lambda m: m.name)
    if modules:
        return Outcome(VERIFIED, "a module", evidence=f"{modules[0].file}:1")
    if name in index.strings:
        return Outcome(VERIFIED, evidence=_loc(index.strings[name]))
    if name in index.yaml_keys:
        return Outcome(VERIFIED, evidence=_loc(index.yaml_keys[name]))
    return Outcome(FAILED, f"no function, method, attribute or config key {name} in massgen {index.version}",
                   Later(lambda: _closest_with_where(index, name, list(index.functions) + list(index.attributes))))


def check_constant(index: PackageIndex, name: str) -> Outcome:
    where = _where_defined(index, name)
    if where:
        return Outcome(VERIFIED, evidence=where)
    if name in index.strings:
        return Outcome(VERIFIED, evidence=_loc(index.strings[name]))
    def pool() -> list[str]:
        return [n for n in index.strings if n.isupper()] + [n for n in index.attributes if n.isupper()] + \
            [n for m in index.modules.values() for n in m.names if n.isupper()]

    return Outcome(FAILED, f"no constant, enum member or environment variable {name} in massgen {index.version}",
                   Later(lambda: _closest_with_where(index, name, pool())))


def check_config_key(index: PackageIndex, key: str) -> Outcome:
    if key in index.strings:
        return Outcome(VERIFIED, evidence=_loc(index.strings[key]))
    if key in index.keywords:
        return Outcome(VERIFIED, evidence=_loc(index.keywords[key]))
    if key in index.yaml_keys:
        return Outcome(VERIFIED, evidence=_loc(index.yaml_keys[key]))
    return Outcome(FAILED, f"MassGen {index.version} never reads a config key {key}",
                   Later(lambda: (_closest(key, list(index.yaml_keys) + [s for s in index.strings if s.islower()])
                                  or [""])[0]))


def check_chunk_type(index: PackageIndex, value: str) -> Outcome:
    if value in index.chunk_types:
        return Outcome(VERIFIED, evidence=_loc(index.chunk_types[value]))
    def suggest() -> str:
        match = _closest(value, index.chunk_types)
        return f"\"{match[0]}\" ({_loc(index.chunk_types[match[0]])})" if match else ""

    return Outcome(FAILED, f"MassGen {index.version} yields no chunk type \"{value}\"", Later(suggest))


_VERIFIED_CACHE: dict[tuple[int, int, str, str], tuple[PackageIndex, Outcome]] = {}


def verify_reference(index: PackageIndex, source: MassGenSource | None, ref: Reference) -> Outcome:
    """The outcome for one reference; the same reference against the same index is looked up once."""
    key = (id(index), id(source), ref.kind, ref.target)
    cached = _VERIFIED_CACHE.get(key)
    if cached is not None and cached[0] is index:
        return replace(cached[1])  # a copy: callers may adjust the status for the line's context
    outcome = _verify_reference(index, source, ref)
    _VERIFIED_CACHE[key] = (index, replace(outcome))
    return outcome


def _verify_reference(index: PackageIndex, source: MassGenSource | None, ref: Reference) -> Outcome:
    kind, target = ref.kind, ref.target
    if kind == "path":
        return check_path(index, source, target)
    if kind == "file name":
        return check_file_name(index, target)
    if kind == "module":
        return resolve_dotted(index, target)
    if kind == "member":
        head, _, member = target.partition(".")
        if "." in member:  # Class.attr.more: check the first step only
            member = member.split(".", 1)[0]
        classes = index.classes.get(head)
        if not classes:
            outcome = check_class_like(index, head)
            if outcome.status == VERIFIED:  # a module-level name that is not a class (an instance, a dict)
                return Outcome(UNCHECKABLE, f"{head} is not a class; its members are not resolved statically")
            return Outcome(FAILED, f"no class {head} in massgen {index.version}", outcome._suggestion)
        if member.startswith("__") and member.endswith("__"):  # Python's own class attributes
            return check_class_like(index, head)
        return check_member(index, classes, member, head)
    if kind == "class":
        return check_class_like(index, target)
    if kind == "function":
        return check_function(index, target)
    if kind == "constant":
        return check_constant(index, target)
    if kind == "config key":
        return check_config_key(index, target)
    if kind == "chunk type":
        return check_chunk_type(index, target)
    return check_name(index, target)

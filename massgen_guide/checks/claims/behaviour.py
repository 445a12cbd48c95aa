"""Verifying behaviour claims: what a function yields, calls and raises, its parameters' and config keys'
defaults, and which methods a class overrides. Read statically from MassGen's source (see `code_reach`).

- `yields`: a `...Chunk(type="T")` (or a `ChunkType` member with value T) is built in F or in a function F
  reaches through its own calls; `never yields` is the opposite over the same reach.
- `calls`: F, or a function it reaches, calls something named G (the last part of G's dotted name).
- `raises`: F, or a function it reaches, has `raise E` or `raise E(...)` (or raises a subclass of E). The
  "when ..." part of the statement is free text, for the reader: it is not checked.
- `default`: the default written in F's signature for parameter P equals V (as a Python literal, or as written).
- `config-default`: every `x.get("K", D)` or `x.pop("K", D)` outside MassGen's tests (in F, if the claim names
  one) has D == V (a `get("K")` without a default counts as `None`).
- `overrides`: C's own body defines M (`does not override`: it inherits M, or nobody defines it).
"""

from __future__ import annotations

import ast
from functools import lru_cache

from massgen_guide.checks.claims.code_reach import MAX_DEPTH, Located, Reached, describe_missing, find_function, reach
from massgen_guide.checks.claims.package_index import PackageIndex
from massgen_guide.checks.claims.references import FAILED, VERIFIED, Outcome, _closest
from massgen_guide.checks.claims.syntax import Claim
from massgen_guide.facts.ast_reading import own_returns


def _missing(index: PackageIndex, name: str) -> Outcome:
    parts = name.removesuffix("()").split(".")
    match = _closest(parts[-1], index.functions)
    return Outcome(FAILED, describe_missing(index, name), match[0] if match else "")


def _chunk_types(index: PackageIndex, node: ast.AST) -> list[tuple[str, int]]:
    """(chunk type, line) for each chunk a function body builds."""
    enum = {}
    for cls in index.classes.get("ChunkType", []):
        enum.update(cls.enum_values)
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name.endswith("Chunk"):
                for keyword in sub.keywords:
                    value = keyword.value
                    if keyword.arg == "type" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                        out.append((value.value, sub.lineno))
                    elif keyword.arg == "type" and isinstance(value, ast.Attribute) and value.attr in enum:
                        out.append((enum[value.attr], sub.lineno))
    return out


def _reach(index: PackageIndex, name: str) -> tuple[Located | None, list[Reached]]:
    start = find_function(index, name)
    return start, (reach(index, start) if start is not None else [])


def _via(item: Reached) -> str:
    return f" (via {' -> '.join(item.via[1:] + [item.located.label])})" if item.via else ""


def verify_yields(index: PackageIndex, claim: Claim) -> Outcome:
    f, wanted = claim.args["f"], claim.args["t"]
    start, reached = _reach(index, f)
    if start is None:
        return _missing(index, f)
    found: dict[str, tuple[Reached, int]] = {}
    for item in reached:
        for chunk_type, line in _chunk_types(index, item.located.node):
            found.setdefault(chunk_type, (item, line))
    if wanted in found:
        item, line = found[wanted]
        where = f"{item.located.file}:{line}"
        if claim.negated:
            return Outcome(FAILED, f"{f} yields \"{wanted}\": a chunk of that type is built at {where}{_via(item)}",
                           evidence=where)
        return Outcome(VERIFIED, f"{f} builds a \"{wanted}\" chunk{_via(item)}", evidence=where)
    listed = ", ".join(f'"{t}"' for t in sorted(found)) or "none"
    scope = f"{f} ({start.where}) and the {len(reached) - 1} function(s) it calls on itself, up to {MAX_DEPTH} deep"
    if claim.negated:
        return Outcome(VERIFIED, f"no \"{wanted}\" chunk in {scope}; they build {listed}", evidence=start.where)
    return Outcome(FAILED, f"no \"{wanted}\" chunk is built in {scope}; they build {listed}", evidence=start.where)


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _class_reach(index: PackageIndex, name: str) -> tuple[Located | None, list[Reached]]:
    """For a class: every method it has (own and inherited, statically), each with what it reaches."""
    from massgen_guide.checks.claims.code_reach import method_of

    classes = sorted(index.find_classes(name), key=lambda c: ("/tests/" in c.file, c.file))
    if not classes:
        return None, []
    cls = classes[0]
    names = sorted({m for owner in index.mro(cls) for m in owner.methods})
    starts = [m for m in (method_of(index, cls, n) for n in names) if m is not None]
    reached: list[Reached] = []
    for start in starts:
        reached.extend(reach(index, start, depth=1))
    return (starts[0] if starts else None), reached


def verify_calls(index: PackageIndex, claim: Claim) -> Outcome:
    f, g = claim.args["f"], claim.args["g"]
    simple = g.removesuffix("()").rsplit(".", 1)[-1]
    start, reached = _reach(index, f)
    if start is None and index.find_classes(f):  # a class: one of its methods calls G
        start, reached = _class_reach(index, f)
    if start is None:
        return _missing(index, f)
    called: set[str] = set()
    for item in reached:
        module = index.modules.get(item.located.module)
        aliases = module.imports if module is not None else {}
        for sub in ast.walk(item.located.node):
            if isinstance(sub, ast.Call):
                name = _call_name(sub)
                called.add(name)
                if isinstance(sub.func, ast.Name) and name in aliases:  # `from .base import f as _f`
                    name = aliases[name].rsplit(".", 1)[-1]
                if name == simple:
                    where = f"{item.located.file}:{sub.lineno}"
                    if claim.negated:
                        return Outcome(FAILED, f"{f} calls {simple} at {where}{_via(item)}", evidence=where)
                    cls = item.located.start
                    func = sub.func
                    if cls is not None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                            and func.value.id == "self" and index.member(cls, simple) is None:
                        near = _closest(simple, index.members(cls))
                        return Outcome(FAILED, f"{f} calls self.{simple} at {where}, but {cls.name} (and its bases) "
                                               f"define no {simple}", near[0] if near else "", evidence=where)
                    return Outcome(VERIFIED, f"{f} calls {simple}{_via(item)}", evidence=where)
    scope = f"{f} ({start.where}) and the {len(reached) - 1} function(s) it calls on itself, up to {MAX_DEPTH} deep"
    if claim.negated:
        return Outcome(VERIFIED, f"no call to {simple} in {scope}", evidence=start.where)
    match = _closest(simple, called)
    return Outcome(FAILED, f"no call to {simple} in {scope}", match[0] if match else "", evidence=start.where)


def _raised(index: PackageIndex, node: ast.AST) -> list[tuple[str, int]]:
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            name = exc.attr if isinstance(exc, ast.Attribute) else exc.id if isinstance(exc, ast.Name) else ""
            if name and name[0].isupper():
                out.append((name, sub.lineno))
    return out


def _is_a(index: PackageIndex, name: str, wanted: str) -> bool:
    if name == wanted:
        return True
    for cls in index.classes.get(name, []):
        names = [a.name if not isinstance(a, str) else a.rsplit(".", 1)[-1] for a in index.ancestors(cls)]
        if wanted in names:
            return True
    return False


def verify_raises(index: PackageIndex, claim: Claim) -> Outcome:
    f, wanted = claim.args["f"], claim.args["e"]
    start, reached = _reach(index, f)
    if start is None:
        return _missing(index, f)
    seen: set[str] = set()
    for item in reached:
        for name, line in _raised(index, item.located.node):
            seen.add(name)
            if _is_a(index, name, wanted):
                where = f"{item.located.file}:{line}"
                if claim.negated:
                    return Outcome(FAILED, f"{f} raises {name} at {where}{_via(item)}", evidence=where)
                return Outcome(VERIFIED, f"{f} raises {name}{_via(item)}", evidence=where)
    scope = f"{f} ({start.where}) and the {len(reached) - 1} function(s) it calls on itself, up to {MAX_DEPTH} deep"
    listed = ", ".join(sorted(seen)) or "nothing"
    if claim.negated:
        return Outcome(VERIFIED, f"no raise {wanted} in {scope}; they raise {listed}", evidence=start.where)
    return Outcome(FAILED, f"no raise {wanted} in {scope}; they raise {listed}", evidence=start.where)


def _same_value(written: str, wanted: str) -> bool:
    """Equal as Python literals (`2` and `2.0` are equal numbers; `True` is not `1`), else as written."""
    wanted = wanted.strip().strip("`")
    try:
        a, b = ast.literal_eval(written), ast.literal_eval(wanted)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and bool not in (type(a), type(b)):
            return a == b
        return a == b and type(a) is type(b)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return ast.unparse(ast.parse(wanted, mode="eval")) == written
    except SyntaxError:
        return wanted == written


def _defaults(node: ast.AST) -> dict[str, str | None]:
    """Parameter -> its default as written (None: no default)."""
    args = node.args
    positional = args.posonlyargs + args.args
    out: dict[str, str | None] = {a.arg: None for a in positional}
    for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
        out[arg.arg] = ast.unparse(default)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        out[arg.arg] = ast.unparse(default) if default is not None else None
    out.pop("self", None)
    out.pop("cls", None)
    return out


def _field_defaults(index: PackageIndex, name: str) -> tuple[str, dict[str, str | None], str] | None:
    """For a class (a dataclass, a config class): its annotated fields' defaults, its label and location."""
    from massgen_guide.checks.claims.code_reach import parse_file
    from massgen_guide.checks.claims.relations import _classes

    for cls in _classes(index, name):
        tree = parse_file(index, cls.file)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.ClassDef) and node.name == cls.name and node.lineno == cls.line:
                fields = {item.target.id: ast.unparse(item.value) if item.value is not None else None
                          for item in node.body if isinstance(item, ast.AnnAssign)
                          and isinstance(item.target, ast.Name)}
                return cls.name, fields, f"{cls.file}:{cls.line}"
    return None


def verify_default(index: PackageIndex, claim: Claim) -> Outcome:
    f, p, wanted = claim.args["f"], claim.args["p"], claim.args["v"]
    start = find_function(index, f)
    if start is None:
        fields = _field_defaults(index, f)
        if fields is None:
            return _missing(index, f)
        label, defaults, where = fields
    else:
        label, defaults, where = start.label, _defaults(start.node), start.where
    return _check_default(label, defaults, where, p, wanted)


def _check_default(label: str, defaults: dict[str, str | None], where: str, p: str, wanted: str) -> Outcome:
    if p not in defaults:
        match = _closest(p, defaults)
        return Outcome(FAILED, f"{label} ({where}) has no parameter or field {p}; it has: "
                               f"{', '.join(defaults) or 'none'}", match[0] if match else "", evidence=where)
    written = defaults[p]
    if written is None:
        return Outcome(FAILED, f"{p} of {label} has no default (it is required)", evidence=where)
    if _same_value(written, wanted):
        return Outcome(VERIFIED, f"{label}({p}={written})", evidence=where)
    return Outcome(FAILED, f"the default of {p} in {label} is {written}, not {wanted}", evidence=where)


def verify_config_default(index: PackageIndex, claim: Claim) -> Outcome:
    key, wanted, scope = claim.args["k"], claim.args["v"], claim.args.get("f")
    reads = [r for r in index.config_gets.get(key, []) if "/tests/" not in r[1]]
    label = "MassGen"
    if scope:
        start = find_function(index, scope)
        if start is None:
            return _missing(index, scope)
        end = getattr(start.node, "end_lineno", start.node.lineno)
        reads = [r for r in reads if r[1] == start.file and start.node.lineno <= r[2] <= end]
        label = start.label
    if not reads:
        return Outcome(FAILED, f"{label} never reads config key {key} with .get/.pop(\"{key}\", ...) in massgen "
                               f"{index.version}")
    wrong = [r for r in reads if not _same_value(r[0], wanted)]
    if not wrong:
        return Outcome(VERIFIED, f"{len(reads)} read(s) of {key}, all defaulting to {reads[0][0]}",
                       evidence=f"{reads[0][1]}:{reads[0][2]}")
    shown = "; ".join(f"{d} at {file}:{line}" for d, file, line in wrong[:4])
    return Outcome(FAILED, f"{label} reads {key} with default {shown}" +
                   (f" (and {len(wrong) - 4} more)" if len(wrong) > 4 else ""), evidence=f"{wrong[0][1]}:{wrong[0][2]}")


def verify_overrides(index: PackageIndex, claim: Claim) -> Outcome:
    from massgen_guide.checks.claims.relations import _classes, _no_class

    c, m = claim.args["c"], claim.args["m"].removesuffix("()")
    classes = _classes(index, c)
    if not classes:
        return _no_class(index, c)
    cls = classes[0]
    if m in cls.methods:
        where = f"{cls.file}:{cls.methods[m]}"
        if claim.negated:
            return Outcome(FAILED, f"{c} defines {m} itself at {where}", evidence=where)
        return Outcome(VERIFIED, f"{c} defines {m}", evidence=where)
    inherited = index.member(cls, m)
    said = f"it inherits {m} from {inherited[0].name} ({inherited[0].file}:{inherited[1]})" if inherited else \
        f"no class in its bases defines {m}"
    if claim.negated:
        return Outcome(VERIFIED, f"{c} does not define {m}; {said}", evidence=f"{cls.file}:{cls.line}")
    return Outcome(FAILED, f"{c} does not define {m}; {said}", evidence=f"{cls.file}:{cls.line}")


def _is_abstract(node: ast.AST) -> bool:
    return any((d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")) == "abstractmethod"
               for d in node.decorator_list)


def verify_abstract(index: PackageIndex, claim: Claim) -> Outcome:
    """`C.m is abstract`: m carries @abstractmethod where C (statically) gets it; `m is abstract`: on some class."""
    from massgen_guide.checks.claims.code_reach import method_of

    name = claim.args["m"].removesuffix("()")
    cls_name, _, method = name.rpartition(".")
    candidates = [c for c in index.find_classes(cls_name)] if cls_name else \
        [c for group in index.classes.values() for c in group if method in c.methods and "/tests/" not in c.file]
    if not candidates:
        return _missing(index, name)
    found = [m for m in (method_of(index, c, method) for c in candidates) if m is not None]
    if not found:
        return _missing(index, name)
    abstract = [m for m in found if _is_abstract(m.node)]
    if claim.negated:
        if abstract:
            return Outcome(FAILED, f"{abstract[0].label} is abstract (@abstractmethod)", evidence=abstract[0].where)
        return Outcome(VERIFIED, f"{found[0].label} is a plain method", evidence=found[0].where)
    if abstract:
        return Outcome(VERIFIED, f"{abstract[0].label} is decorated @abstractmethod", evidence=abstract[0].where)
    return Outcome(FAILED, f"{found[0].label} is a plain method, not @abstractmethod", evidence=found[0].where)


@lru_cache(maxsize=512)
def _chunk_constructions(tree: ast.Module) -> tuple[tuple[ast.expr | None, frozenset[str], int], ...]:
    """Every `...Chunk(...)` call of a parsed file, in walk order: its `type=` value, its keyword names and its line.
    One walk per file instead of one per claim; trees are shared and never changed (`code_reach.parse_text`), so a
    tree is its own key."""
    found = []
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Call) and _call_name(sub).endswith("Chunk"):
            keywords = {k.arg: k.value for k in sub.keywords if k.arg}
            found.append((keywords.get("type"), frozenset(keywords), sub.lineno))
    return tuple(found)


def verify_chunk_field(index: PackageIndex, claim: Claim) -> Outcome:
    """`chunk type T carries F`: some `...Chunk(type="T", F=...)` outside MassGen's tests sets F."""
    from massgen_guide.checks.claims.code_reach import parse_file

    wanted, field_name = claim.args["t"], claim.args["x"]
    members = {m for cls in index.classes.get("ChunkType", []) for m, v in cls.enum_values.items() if v == wanted}
    needles = [f'type="{wanted}"'] + [f"ChunkType.{m}" for m in members]
    seen: list[str] = []
    for rel in sorted(index.files):
        if not rel.endswith(".py") or "/tests/" in rel:
            continue
        text = index.read_text(rel)
        if not any(needle in text for needle in needles):
            continue
        tree = parse_file(index, rel)
        for value, keywords, line in _chunk_constructions(tree) if tree else ():
            if (isinstance(value, ast.Constant) and value.value == wanted) or \
                    (isinstance(value, ast.Attribute) and value.attr in members):
                seen.append(f"{rel}:{line}")
                if field_name in keywords:
                    where = f"{rel}:{line}"
                    return Outcome(VERIFIED, f"a \"{wanted}\" chunk is built with {field_name}= at {where}",
                                   evidence=where)
    if not seen:
        return Outcome(FAILED, f"MassGen {index.version} builds no \"{wanted}\" chunk")
    return Outcome(FAILED, f"none of the {len(seen)} \"{wanted}\" chunk(s) MassGen builds sets {field_name} "
                           f"(first: {seen[0]})", evidence=seen[0])


def verify_returns(index: PackageIndex, claim: Claim) -> Outcome:
    """`F returns V`: every return statement in F's own body returns V (as a literal, or as written)."""
    f, wanted = claim.args["f"], claim.args["v"]
    start = find_function(index, f)
    if start is None:
        return _missing(index, f)
    returns = own_returns(start.node)
    written = [ast.unparse(r.value) if r.value is not None else "None" for r in returns]
    if not returns:
        return Outcome(FAILED, f"{start.label} ({start.where}) has no return statement", evidence=start.where)
    wrong = [(w, r.lineno) for w, r in zip(written, returns) if not _same_value(w, wanted)]
    if not wrong:
        return Outcome(VERIFIED, f"{start.label} returns {written[0]}", evidence=f"{start.file}:{returns[0].lineno}")
    shown = "; ".join(f"{w} at {start.file}:{line}" for w, line in wrong[:3])
    return Outcome(FAILED, f"{start.label} returns {shown}", evidence=f"{start.file}:{wrong[0][1]}")


def verify_reads(index: PackageIndex, claim: Claim) -> Outcome:
    """`F reads K`: the string K (a config key: `.get("K")`, `["K"]`), or a name or attribute K (a module constant,
    `self.K`), appears in F or a function it reaches."""
    f, key = claim.args["f"], claim.args["k"]
    start, reached = _reach(index, f)
    if start is None and index.find_classes(f):  # a class: one of its methods reads K
        start, reached = _class_reach(index, f)
    if start is None:
        return _missing(index, f)
    for item in reached:
        for sub in ast.walk(item.located.node):
            if (isinstance(sub, ast.Constant) and sub.value == key) or \
                    (isinstance(sub, ast.Name) and sub.id == key) or (isinstance(sub, ast.Attribute) and sub.attr == key):
                where = f"{item.located.file}:{sub.lineno}"
                return Outcome(VERIFIED, f"{f} reads \"{key}\"{_via(item)}", evidence=where)
    return Outcome(FAILED, f"\"{key}\" appears nowhere in {f} ({start.where}) or the {len(reached) - 1} "
                           f"function(s) it calls on itself, up to {MAX_DEPTH} deep", evidence=start.where)


VERIFIERS = {
    "returns": verify_returns,
    "reads": verify_reads,
    "abstract": verify_abstract,
    "chunk-field": verify_chunk_field,
    "yields": verify_yields,
    "calls": verify_calls,
    "raises": verify_raises,
    "default": verify_default,
    "config-default": verify_config_default,
    "overrides": verify_overrides,
}

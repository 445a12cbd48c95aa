"""Verifying a claim (see `syntax.py`) against the static index of MassGen."""

from __future__ import annotations

import ast
import re

from massgen_guide.checks.claims.code_reach import parse_text
from massgen_guide.checks.claims.package_index import ClassInfo, PackageIndex
from massgen_guide.checks.claims.references import (
    FAILED,
    VERIFIED,
    Outcome,
    _closest,
    check_class_like,
    check_path,
    resolve_dotted,
)
from massgen_guide.checks.claims.syntax import Claim

NEW_HOOK_TYPES = {"PreToolUse", "PostToolUse"}


def _classes(index: PackageIndex, name: str) -> list[ClassInfo]:
    found = index.find_classes(name)
    return sorted(found, key=lambda c: ("/tests/" in c.file, c.file))


def _no_class(index: PackageIndex, name: str) -> Outcome:
    outcome = check_class_like(index, name.rsplit(".", 1)[-1])
    suggestion = outcome.suggestion if outcome.status == FAILED else ""
    return Outcome(FAILED, f"no class {name} in massgen {index.version}", suggestion)


def verify_subclasses(index: PackageIndex, claim: Claim) -> Outcome:
    x, y = claim.args["x"], claim.args["y"]
    classes = _classes(index, x)
    if not classes:
        return _no_class(index, x)
    y_simple = y.rsplit(".", 1)[-1]
    if claim.extra.get("direct"):
        for cls in classes:
            own = [b.rsplit(".", 1)[-1] for b in cls.bases]
            if y_simple in own:
                return Outcome(VERIFIED, f"class {x}({', '.join(cls.bases)})", evidence=f"{cls.file}:{cls.line}")
        cls = classes[0]
        return Outcome(FAILED, f"{y} is not a direct base: class {x}({', '.join(cls.bases) or 'object'})",
                       evidence=f"{cls.file}:{cls.line}")
    for cls in classes:
        ancestors = index.ancestors(cls)
        names = [a.name if isinstance(a, ClassInfo) else a.rsplit(".", 1)[-1] for a in ancestors]
        if y_simple in names:
            hit = ancestors[names.index(y_simple)]
            via = f" (defined at {hit.file}:{hit.line})" if isinstance(hit, ClassInfo) else ""
            if claim.negated:
                return Outcome(FAILED, f"{x} does subclass {y}{via}", evidence=f"{cls.file}:{cls.line}")
            return Outcome(VERIFIED, f"{x} -> {' -> '.join(names[:names.index(y_simple) + 1])}",
                           evidence=f"{cls.file}:{cls.line}")
    cls = classes[0]
    bases = ", ".join(cls.bases) or "object"
    if claim.negated:
        return Outcome(VERIFIED, f"{x}({bases}) does not subclass {y}", evidence=f"{cls.file}:{cls.line}")
    return Outcome(FAILED, f"{x} does not subclass {y}: class {x}({bases})", evidence=f"{cls.file}:{cls.line}")


def verify_hook_type(index: PackageIndex, claim: Claim) -> Outcome:
    x, wanted = claim.args["x"], claim.args["t"]
    if not _classes(index, x):
        return _no_class(index, x)
    regs = [r for r in index.hook_registrations if r.hook_class == x.rsplit(".", 1)[-1]]
    general = [r for r in regs if r.hook_type in NEW_HOOK_TYPES]
    if not general:
        return Outcome(FAILED, f"no register_global_hook/register_agent_hook call registers {x} as PreToolUse or "
                               f"PostToolUse in massgen {index.version}")
    types = sorted({r.hook_type for r in general})
    wrong = [r for r in general if r.hook_type != wanted]
    if wrong:
        first = wrong[0]
        return Outcome(FAILED, f"{x} is registered as {', '.join(types)}",
                       evidence=f"{first.file}:{first.line}")
    first = general[0]
    return Outcome(VERIFIED, f"{x} is registered as {wanted} ({len(general)} registration(s))",
                   evidence=f"{first.file}:{first.line}")


def verify_native_adapter(index: PackageIndex, claim: Claim) -> Outcome:
    x = claim.args["x"]
    classes = _classes(index, x)
    if not classes:
        return _no_class(index, x)
    for cls in classes:
        for owner in index.mro(cls):
            if owner.native_adapter and owner.name != "NativeToolBackendMixin":
                path, line = owner.native_adapter
                adapter = path.rsplit(".", 1)[-1]
                exists = bool(index.classes.get(adapter))
                evidence = f"{owner.file}:{line}"
                if claim.negated:
                    return Outcome(FAILED, f"{x} initialises native hook adapter {adapter}", evidence=evidence)
                if not exists:
                    return Outcome(FAILED, f"{x} names adapter {adapter}, which massgen {index.version} does not "
                                           "define", evidence=evidence)
                if "." in path and resolve_dotted(index, path).status != VERIFIED:
                    return Outcome(FAILED, f"{x} loads its adapter from {path}, which does not resolve (the "
                                           "module neither defines nor imports it)", evidence=evidence)
                wanted = claim.args.get("a")
                if wanted and wanted.rsplit(".", 1)[-1] != adapter:
                    return Outcome(FAILED, f"{x}'s native hook adapter is {adapter}", evidence=evidence)
                return Outcome(VERIFIED, f"{x} initialises {adapter}", evidence=evidence)
    cls = classes[0]
    if claim.negated:
        return Outcome(VERIFIED, f"{x} initialises no native hook adapter", evidence=f"{cls.file}:{cls.line}")
    return Outcome(FAILED, f"{x} initialises no native hook adapter (no _init_native_hook_adapter call or "
                           "_native_hook_adapter assignment)", evidence=f"{cls.file}:{cls.line}")


def _resolve_file(index: PackageIndex, path: str) -> str | None:
    if path in index.files:
        return path
    if "/" not in path:
        hits = sorted(f for f in index.files if f.rsplit("/", 1)[-1] == path and "/tests/" not in f)
        if len(hits) == 1:
            return hits[0]
    return None


def verify_lines(index: PackageIndex, claim: Claim) -> Outcome:
    path = claim.args["f"]
    resolved = _resolve_file(index, path)
    if resolved is None:
        outcome = check_path(index, None, path)
        return Outcome(FAILED, f"no file {path} in massgen {index.version}", outcome._suggestion)
    actual = index.files[resolved]
    claimed = int(claim.args["n"])
    tolerance = int(claim.extra.get("tolerance", 15))
    low, high = claimed * (100 - tolerance) / 100, claimed * (100 + tolerance) / 100
    if low <= actual <= high:
        return Outcome(VERIFIED, f"{resolved} has {actual} lines", evidence=f"{resolved}:{actual}")
    ratio = actual / claimed if claimed else float("inf")
    return Outcome(FAILED, f"{resolved} has {actual} lines ({ratio:.1f}x the claimed {claimed}; "
                           f"tolerance ±{tolerance}%)", evidence=f"{resolved}:{actual}")


def _find_function(index: PackageIndex, name: str) -> tuple[str, str, ast.AST] | None:
    """(module, file, function node) for `Class.method`, `function` or `massgen.mod.function`."""
    parts = name.split(".")
    candidates: list[tuple[str, str, str | None]] = []  # (module, file, class)
    if len(parts) >= 2 and parts[-2] in index.classes:
        for cls in index.classes[parts[-2]]:
            found = index.member(cls, parts[-1])
            if found:
                candidates.append((found[0].module, found[0].file, found[0].name))
    elif len(parts) >= 2 and ".".join(parts[:-1]) in index.modules:
        module = index.modules[".".join(parts[:-1])]
        candidates.append((module.name, module.file, None))
    else:
        for loc in index.functions.get(parts[-1], []):
            module = next((m for m in index.modules.values() if m.file == loc[0]), None)
            if module is not None:
                candidates.append((module.name, module.file, None))
    for module, file, cls in candidates:
        try:
            tree = parse_text(index.read_text(file))
        except OSError:
            continue
        if tree is None:
            continue
        scope: ast.AST = tree
        if cls:
            scope = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), tree)
        for node in ast.walk(scope):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == parts[-1]:
                return module, file, node
    return None


def _definitions_used(index: PackageIndex, module: str, node: ast.AST) -> dict[str, str]:
    """Module-level names a function body reads, resolved to `module.NAME` -> `file:line` of the definition."""
    info = index.modules.get(module)
    out: dict[str, str] = {}
    if info is None:
        return out
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            name = sub.id
            if name in info.imports:
                target = info.imports[name]
                mod, _, attr = target.rpartition(".")
                target_info = index.modules.get(mod)
                if target_info is not None and attr in target_info.names:
                    out[target] = f"{target_info.file}:{target_info.names[attr]}"
            elif name in info.names and name not in info.functions and name not in info.classes:
                out[f"{module}.{name}"] = f"{info.file}:{info.names[name]}"
    return out


def _calls(node: ast.AST) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Attribute):
                names.add(func.attr)
            elif isinstance(func, ast.Name):
                names.add(func.id)
    return names


def verify_derived(index: PackageIndex, claim: Claim) -> Outcome:
    a, b = claim.args["a"], claim.args["b"]
    found_a, found_b = _find_function(index, a), _find_function(index, b)
    for name, found in ((a, found_a), (b, found_b)):
        if found is None:
            short = name.rsplit(".", 1)[-1]
            match = _closest(short, index.functions)
            return Outcome(FAILED, f"no function {name} in massgen {index.version}", match[0] if match else "")
    mod_a, file_a, node_a = found_a
    mod_b, file_b, node_b = found_b
    shared = set(_definitions_used(index, mod_a, node_a)) & set(_definitions_used(index, mod_b, node_b))
    defs = _definitions_used(index, mod_a, node_a)
    derived = False
    message = ""
    evidence = f"{file_a}:{node_a.lineno}"
    if shared:
        name = sorted(shared)[0]
        derived = True
        message = f"both read {name}"
        evidence = defs[name]
    elif b.rsplit(".", 1)[-1] in _calls(node_a) or a.rsplit(".", 1)[-1] in _calls(node_b):
        derived = True
        message = "one calls the other"
    if claim.negated:
        if derived:
            return Outcome(FAILED, f"{a} and {b} are not separate: {message}", evidence=evidence)
        return Outcome(VERIFIED, f"{a} and {b} share no definition", evidence=evidence)
    if derived:
        return Outcome(VERIFIED, message, evidence=evidence)
    return Outcome(FAILED, f"{a} ({file_a}:{node_a.lineno}) and {b} ({file_b}:{node_b.lineno}) share no "
                           "module-level definition and do not call each other", evidence=evidence)


def _definition_sites(index: PackageIndex, name: str) -> list[str]:
    parts = name.split(".")
    if name.startswith("massgen.") and len(parts) >= 2:
        for cut in range(len(parts), 0, -1):
            module = index.modules.get(".".join(parts[:cut]))
            if module is not None:
                rest = parts[cut:]
                if len(rest) == 1 and rest[0] in module.names and rest[0] not in module.imports:
                    return [module.file]
                if len(rest) >= 1:
                    return _definition_sites(index, ".".join(rest))
                return [module.file]
    if len(parts) == 2 and parts[0] in index.classes:
        sites = []
        for cls in index.classes[parts[0]]:
            found = index.member(cls, parts[1])
            if found:
                sites.append(found[0].file)
        return sites
    sites = [c.file for c in index.classes.get(name, [])]
    sites += [loc[0] for loc in index.functions.get(name, [])]
    for module in index.modules.values():
        if name in module.names and name not in module.imports:
            sites.append(module.file)
    return sorted(set(sites), key=lambda f: ("/tests/" in f, f))


def verify_defined_in(index: PackageIndex, claim: Claim) -> Outcome:
    x, path = claim.args["x"], claim.args["f"]
    sites = _definition_sites(index, x)
    if not sites:
        outcome = check_class_like(index, x.rsplit(".", 1)[-1])
        return Outcome(FAILED, f"no definition of {x} in massgen {index.version}", outcome._suggestion)
    resolved = _resolve_file(index, path) or path
    if resolved in sites or (path.endswith("/") and any(s.startswith(path) for s in sites)):
        short = x.rsplit(".", 1)[-1]
        lines = [loc[1] for loc in index.functions.get(short, []) + index.attributes.get(short, []) if loc[0] == resolved]
        lines += [c.line for c in index.classes.get(short, []) if c.file == resolved]
        module = next((m for m in index.modules.values() if m.file == resolved), None)
        if module is not None and short in module.names:
            lines.append(module.names[short])
        return Outcome(VERIFIED, f"{x} is defined in {resolved}", evidence=f"{resolved}:{min(lines) if lines else 1}")
    return Outcome(FAILED, f"{x} is defined in {', '.join(s for s in sites if '/tests/' not in s) or sites[0]}, "
                           f"not {path}", sites[0], evidence=sites[0])


def verify_writes_instructions(index: PackageIndex, claim: Claim) -> Outcome:
    x, path = claim.args["x"], claim.args["p"]
    classes = _classes(index, x)
    if classes:
        file = classes[0].file
    else:
        file = _resolve_file(index, x if x.endswith(".py") else f"{x}.py") or \
            _resolve_file(index, x.replace(".", "/") + ".py")
        if file is None:
            return _no_class(index, x)
    text = index.read_text(file)
    segments = [s for s in path.strip("/").split("/") if s]
    tree = parse_text(text)
    literals: dict[str, int] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in segments:
            literals.setdefault(node.value, node.lineno)
    last = segments[-1] if segments else path
    if all(s in literals for s in segments):
        return Outcome(VERIFIED, f"{file} builds the path from literals {', '.join(segments)}",
                       evidence=f"{file}:{literals[last]}")
    if path in text:
        line = text[: text.index(path)].count("\n") + 1
        return Outcome(VERIFIED, f"{file} names {path}", evidence=f"{file}:{line}")
    missing = [s for s in segments if s not in literals]
    near = [m.group(0) for m in re.finditer(r"[\w.\-]+\.md\b", text)]
    hint = f"; it mentions {', '.join(sorted(set(near))[:3])}" if near else ""
    return Outcome(FAILED, f"{file} never names {path} (missing {', '.join(missing)}){hint}", evidence=f"{file}:1")


def verify_absent(index: PackageIndex, claim: Claim) -> Outcome:
    from massgen_guide.checks.claims.classify import Reference, classify
    from massgen_guide.checks.claims.references import verify_reference

    x = claim.args["x"]
    refs = [r for r in classify(f"{x}") if isinstance(r, Reference)]
    if not refs:
        return Outcome(FAILED, f"{x} is not something the checker can look up")
    outcome = verify_reference(index, None, refs[0])
    if outcome.status == VERIFIED:
        return Outcome(FAILED, f"{x} exists in massgen {index.version}", evidence=outcome.evidence)
    if outcome.status == FAILED:
        note = f"; the closest is {outcome.suggestion}" if outcome.suggestion else ""
        return Outcome(VERIFIED, f"{x} does not exist{note}", evidence=outcome.suggestion.split(" ")[0])
    return outcome


VERIFIERS = {
    "absent": verify_absent,
    "subclasses": verify_subclasses,
    "hook-type": verify_hook_type,
    "native-adapter": verify_native_adapter,
    "lines": verify_lines,
    "derived": verify_derived,
    "defined-in": verify_defined_in,
    "writes-instructions": verify_writes_instructions,
}


def verify_claim(index: PackageIndex, claim: Claim) -> Outcome:
    from massgen_guide.checks.claims.behaviour import VERIFIERS as BEHAVIOUR

    return {**VERIFIERS, **BEHAVIOUR}[claim.relation](index, claim)

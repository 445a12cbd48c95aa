"""The checks of a backend's own code: its class, methods, mixins and exports, its `create_backend` branch,
capabilities entry and config-validator rule."""

from __future__ import annotations

import ast
from typing import Any

from massgen_guide.audit.code_reading import literal_ok
from massgen_guide.audit.results import Context, Outcome, memo, unreadable
from massgen_guide.facts.ast_reading import code_strings, compared_types
from massgen_guide.facts.checklist import Check
from massgen_guide.facts.tree import Evidence, Tree


# ---------------------------------------------------------------------------------------------- checks
def check_backend_class(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    info = ctx.info
    own = info.path == f"massgen/backend/{ctx.backend_type}.py"
    note = f"class {info.name}" + ("" if own else " (shared)")
    return Outcome(True, [Evidence(info.path, info.line, note)])


def check_methods_defined(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    found, missing = [], []
    for method in check.param("methods"):
        ev = ctx.auditor.find_method(ctx.info, method, tuple(check.param("not_in", [])))
        (found.append(ev) if ev else missing.append(method))
    if missing:
        return Outcome(False, found, f"{ctx.info.name} does not define {', '.join(missing)}")
    return Outcome(True, found)


def check_mentions_any(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    names = check.param("names")
    found = ctx.auditor.find_mentions(ctx.info, names)
    if found:
        return Outcome(True, [next(iter(found.values()))])
    return Outcome(False, [], f"none of {', '.join(names)} in {', '.join(ctx.auditor.own_modules(ctx.info))}")


def check_mentions_all(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    names = check.param("names")
    found = ctx.auditor.find_mentions(ctx.info, names)
    missing = [n for n in names if n not in found]
    if missing:
        return Outcome(False, list(found.values()), f"no call to {', '.join(missing)}")
    return Outcome(True, list(found.values()))


def check_inherits(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    base = check.param("class")
    ev = ctx.auditor.inherits(ctx.info, base)
    if ev is None:
        return Outcome(False, [Evidence(ctx.info.path, ctx.info.line, f"class {ctx.info.name}({', '.join(ctx.info.bases)})")],
                       f"{ctx.info.name} does not inherit {base}")
    evidence = [ev]
    also = check.param("also_mentions") or []
    if also:
        found = ctx.auditor.find_mentions(ctx.info, also)
        missing = [n for n in also if n not in found]
        evidence += list(found.values())
        if missing:
            return Outcome(False, evidence, f"inherits {base} but never calls {', '.join(missing)}")
    return Outcome(True, evidence)


def check_export(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/backend/__init__.py"
    module = ctx.tree.module(rel)
    if module is None:
        return unreadable(ctx, rel)
    if ctx.info is None:
        return ctx.class_unknown()
    name = ctx.info.name
    imported = listed = None
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and imported is None:
            if any((alias.asname or alias.name) == name for alias in node.names):
                imported = node.lineno
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and listed is None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
                for elt in ast.walk(node.value):
                    if isinstance(elt, ast.Constant) and elt.value == name:
                        listed = elt.lineno
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"append", "extend"}
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "__all__" and listed is None):
            value = ast.literal_eval(node.args[0]) if node.args and literal_ok(node.args[0]) else None
            if (node.func.attr == "append" and value == name) or (node.func.attr == "extend" and isinstance(value, (list, tuple)) and name in value):
                listed = node.lineno
    evidence = []
    if imported:
        evidence.append(Evidence(rel, imported, f"imports {name}"))
    if listed:
        evidence.append(Evidence(rel, listed, f"{name} in __all__"))
    if imported and listed:
        return Outcome(True, evidence)
    missing = ([] if imported else ["not imported"]) + ([] if listed else ["not in __all__"])
    return Outcome(False, evidence, f"{name}: {' and '.join(missing)} in {rel}")


def check_create_backend(ctx: Context, check: Check) -> Outcome:
    tree = ctx.tree
    rel, func = tree.create_backend
    if func is None:
        broken = [r for r in ("massgen/cli/backends.py", "massgen/cli.py") if r in tree.broken]
        if broken:
            return Outcome(None, [], f"{broken[0]} has a syntax error")
        return Outcome(False, [], "no create_backend function found (looked in massgen/cli/backends.py, massgen/cli.py)")
    branch = tree.create_backend_branches.get(ctx.backend_type)
    if branch is not None:
        built = tree.branch_class(branch[1])
        note = f'branch "{ctx.backend_type}"' + (f" builds {built[0]}" if built else "")
        return Outcome(True, [Evidence(rel, branch[0], note)])
    if ctx.backend_type in tree.adapter_types and tree.adapter_branch is not None:
        return Outcome(True, [Evidence(rel, tree.adapter_branch, "adapter_registry branch"),
                              Evidence("massgen/adapters/__init__.py", tree.adapter_types[ctx.backend_type],
                                       f'adapter_registry["{ctx.backend_type}"]')])
    return Outcome(False, [Evidence(rel, func.lineno, "create_backend")],
                   f'create_backend has no branch for "{ctx.backend_type}" (it raises "Unsupported backend type")')


def check_capabilities_entry(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/backend/capabilities.py"
    if rel in ctx.tree.broken:
        return Outcome(None, [], f"{rel} has a syntax error")
    caps = ctx.caps
    if caps is None:
        return Outcome(False, [], f'no "{ctx.backend_type}" key in BACKEND_CAPABILITIES ({rel})')
    evidence = [Evidence(rel, caps["_line"], f'BACKEND_CAPABILITIES["{ctx.backend_type}"]')]
    declared = caps.get("backend_type")
    if declared != ctx.backend_type:
        return Outcome(False, evidence, f"its backend_type is {declared!r}, not {ctx.backend_type!r}")
    absent = [f for f in ("provider_name", "models", "default_model", "filesystem_support") if f not in caps]
    if absent:
        return Outcome(False, evidence, f"the entry lacks {', '.join(absent)}")
    return Outcome(True, evidence)


def check_config_validator(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/config_validator.py"
    module = ctx.tree.module(rel)
    if module is None:
        return unreadable(ctx, rel)
    func, gate, ifs = memo(ctx, ("validator",), lambda: _validator_parts(module))
    if func is None:
        return Outcome(False, [], f"no _validate_backend in {rel}")
    evidence = []
    if gate is not None:
        evidence.append(Evidence(rel, gate.lineno, "_validate_backend accepts only BACKEND_CAPABILITIES types"))
    rules = [line for line, types in ifs if ctx.backend_type in types]
    evidence += [Evidence(rel, line, f'rule for "{ctx.backend_type}"') for line in sorted(rules)]
    if gate is not None and ctx.caps is None:
        return Outcome(False, evidence, f'the validator rejects "{ctx.backend_type}": it is not in BACKEND_CAPABILITIES')
    return Outcome(True, evidence)


def _validator_parts(module: ast.Module) -> tuple[Any, Any, list[tuple[int, list[str]]]]:
    func = next((n for n in ast.walk(module) if isinstance(n, ast.FunctionDef) and n.name == "_validate_backend"), None)
    if func is None:
        return None, None, []
    nodes = list(ast.walk(func))
    gate = next((n for n in nodes if isinstance(n, ast.Compare)
                 and any(isinstance(c, ast.Name) and c.id == "BACKEND_CAPABILITIES" for c in n.comparators)), None)
    ifs = [(n.lineno, compared_types(n.test)) for n in nodes if isinstance(n, ast.If)]
    return func, gate, [(line, types) for line, types in ifs if types]


def check_docker_network_rule(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/config_validator.py"
    module = ctx.tree.module(rel)
    if module is None:
        return unreadable(ctx, rel, "unavailable", "unavailable")
    for types, if_line, rule_line in memo(ctx, ("network-rules",), lambda: _network_rules(ctx.tree, rel, module)):
        if ctx.backend_type in types:
            return Outcome(True, [Evidence(rel, if_line, f'rule for "{ctx.backend_type}"'),
                                  Evidence(rel, rule_line, "requires command_line_docker_network_mode")])
    return Outcome(False, [], f'no `backend_type == "{ctx.backend_type}"` rule requiring command_line_docker_network_mode in {rel}')


def _network_rules(tree: Tree, rel: str, module: ast.Module) -> list[tuple[list[str], int, int]]:
    """`if backend_type == "x":` blocks of the validator whose code reads command_line_docker_network_mode (the
    config key as a string in an expression; a docstring, a bare string statement or a comment does not count)."""
    rules = []
    for node in ast.walk(module):
        if isinstance(node, ast.If):
            types = compared_types(node.test)
            if not types:
                continue
            lines = code_strings(node, "command_line_docker_network_mode")
            if lines:
                rules.append((types, node.lineno, min(lines)))
    return rules

"""Reading a backend's code for the conditions and checks: its methods, its hook-adapter call, its API-params
handler and exclusion lists, literal values and docstrings. Only code counts as evidence, never a comment,
docstring or string literal."""

from __future__ import annotations

import ast

from massgen_guide.audit.results import Context, Outcome, memo
from massgen_guide.facts.ast_reading import call_name, statements
from massgen_guide.facts.checklist import Check
from massgen_guide.facts.tree import ClassInfo, Evidence, Tree


def method_node(ctx: Context, ev: Evidence) -> ast.AST | None:
    for cls in ctx.tree.mro(ctx.info.name) if ctx.info else []:
        for node in cls.methods().values():
            if cls.path == ev.path and node.lineno == ev.line:
                return node
    return None


def check_assigns_attr(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    return memo(ctx, ("assigns", ctx.info.name, check.param("attr")), lambda: _assigns_attr(ctx, check))


def _assigns_attr(ctx: Context, check: Check) -> Outcome:
    assert ctx.info is not None
    attr, folder = check.param("attr"), check.param("folder")
    index = ctx.tree.formatter_classes if attr == "formatter" else ctx.tree.handler_classes
    for cls in ctx.tree.mro(ctx.info.name):
        if cls.name == "LLMBackend":
            continue
        if f"self.{attr}" not in (ctx.tree.text(cls.path) or ""):
            continue
        sites = sorted((node.lineno, call_name(node.value)) for node in statements(cls.node)
                       if _assigns_self_attr(node, attr) and call_name(node.value))
        if sites:
            number, name = sites[0]
            evidence = [Evidence(cls.path, number, f"self.{attr} = {name}(...)")]
            target = index.get(name)
            if target is not None:
                evidence.append(Evidence(target.path, target.line, f"class {name}"))
            return Outcome(True, evidence)
    return Outcome(False, [], f"no `self.{attr} = ...` in {ctx.info.name} or its bases (see {folder}/)")


def _assigns_self_attr(node: ast.AST, attr: str) -> bool:
    """`self.<attr> = ...` (or annotated) as a statement: code, never a comment or a string."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return False
    return any(isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == "self"
               for t in targets)


def literal_ok(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, SyntaxError, TypeError):
        return False


def function(tree: Tree, rel: str, name: str) -> ast.FunctionDef | None:
    module = tree.module(rel)
    if module is None:
        return None
    return next((n for n in ast.walk(module) if isinstance(n, ast.FunctionDef) and n.name == name), None)


def module_string(module: ast.Module, name: str) -> tuple[str, int] | None:
    """The string literal a module binds `name` to at its top level (`PROVIDER = "Quill"`), with its line; None when
    the name is bound there other than once, or to anything but a string literal."""
    bound = []
    for node in module.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:
            continue
        if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
            bound.append(node)
    if len(bound) == 1 and isinstance(bound[0], (ast.Assign, ast.AnnAssign)) and \
            isinstance(bound[0].value, ast.Constant) and isinstance(bound[0].value.value, str):
        return bound[0].value.value, bound[0].lineno
    return None


def strings_in(fn: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(fn) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and not (isinstance(n, ast.Constant) and n is docstring(fn))]


def docstring(fn: ast.AST) -> ast.AST | None:
    body = getattr(fn, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].value
    return None


def handler_class(ctx: Context) -> ClassInfo | None:
    outcome = check_assigns_attr(ctx, Check("assigns_attr", {"attr": "api_params_handler", "folder": ""}))
    if outcome.ok and len(outcome.evidence) > 1:
        name = outcome.evidence[1].note.removeprefix("class ")
        return ctx.tree.handler_classes.get(name)
    return None


def exclusion_sites(ctx: Context) -> list[tuple[Evidence, bool]]:
    """Where the backend or its handler builds its own exclusions, and whether each builds on the base set."""
    return memo(ctx, ("exclusions", ctx.info.name if ctx.info else None), lambda: find_exclusion_sites(ctx))


def find_exclusion_sites(ctx: Context) -> list[tuple[Evidence, bool]]:
    sites: list[tuple[Evidence, bool]] = []
    handler = handler_class(ctx)
    if handler is not None:
        for cls in ctx.tree.mro(handler.name, ctx.tree.handler_classes):
            if cls.name == "APIParamsHandlerBase":
                continue
            method = cls.methods().get("get_excluded_params")
            if method is not None:
                names = {n.attr for n in ast.walk(method) if isinstance(n, ast.Attribute)}
                ok = "get_base_excluded_params" in names or "get_excluded_params" in names
                sites.append((Evidence(cls.path, method.lineno, f"{cls.name}.get_excluded_params"), ok))
                break
    for rel in ctx.auditor.own_modules(ctx.info):
        if rel == "massgen/backend/base_with_custom_tool_and_mcp.py":
            continue
        if "excluded" not in (ctx.tree.text(rel) or ""):
            continue
        module = ctx.tree.module(rel)
        if module is None:
            continue
        site = memo(ctx, ("exclusion-assignment", rel), lambda: first_exclusion_assignment(module))
        if site is not None:
            node, ok = site
            text = ctx.tree.lines(rel)[node.lineno - 1].strip()[:60]
            sites.append((Evidence(rel, node.lineno, text), ok))
    return sites


EXCLUSION_TARGETS = frozenset({"excluded", "excluded_params", "excluded_config_params"})
BASE_EXCLUSION_CALLS = frozenset({"get_base_excluded_config_params", "get_base_excluded_params"})


def first_exclusion_assignment(module: ast.Module) -> tuple[ast.stmt, bool] | None:
    """The first `excluded[_params|_config_params] = <a set>` statement of a module, and whether the set starts
    from the base exclusions. Delegating to `get_excluded_params()` is not a set of its own."""
    found = []
    for node in statements(module):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any((isinstance(t, ast.Name) and t.id in EXCLUSION_TARGETS)
                   or (isinstance(t, ast.Attribute) and t.attr in EXCLUSION_TARGETS) for t in targets):
            continue
        calls = {call_name(n) for n in ast.walk(node.value) if isinstance(n, ast.Call)}
        if "get_excluded_params" in calls:
            continue
        ok = bool(calls & BASE_EXCLUSION_CALLS)
        is_set = "set" in calls or "frozenset" in calls or any(
            isinstance(n, (ast.Set, ast.SetComp, ast.Dict)) for n in ast.walk(node.value))
        if ok or is_set:
            found.append((node.lineno, node, ok))
    if not found:
        return None
    _line, node, ok = min(found, key=lambda item: item[0])
    return node, ok


def adapter_call(ctx: Context) -> tuple[str, ast.Call] | None:
    """The first `_init_native_hook_adapter("dotted.path")` call in the class's own modules, with its module."""
    if ctx.info is None:
        return None
    return memo(ctx, ("adapter-call", ctx.info.name), lambda: find_adapter_call(ctx))


def find_adapter_call(ctx: Context) -> tuple[str, ast.Call] | None:
    for rel in ctx.auditor.own_modules(ctx.info):
        if not ctx.tree.code_line(rel, "_init_native_hook_adapter"):
            continue
        module = ctx.tree.module(rel)
        calls = sorted((node.lineno, id(node), node) for node in ast.walk(module) if isinstance(node, ast.Call)
                       and call_name(node) == "_init_native_hook_adapter" and node.args
                       and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
        if calls:
            return rel, calls[0][2]
    return None

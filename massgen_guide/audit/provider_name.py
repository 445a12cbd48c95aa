"""The name a backend's get_provider_name returns, read statically, and the check that it normalizes to the type.

MassGen turns that name back into a type (`normalize_backend_type`) where it needs one; the pricing check looks
it up in the price table. The name is read from the method: one string every `return` gives, or, for a method that
picks the name by base URL (ChatCompletionsBackend's), the branch that the type's default base URL takes.
"""

from __future__ import annotations

import ast

from massgen_guide.audit.code_reading import literal_ok, method_node, module_string
from massgen_guide.audit.results import Context, Outcome, memo, unreadable
from massgen_guide.facts.ast_reading import assignment, own_returns
from massgen_guide.facts.checklist import Check
from massgen_guide.facts.tree import Evidence

CAPABILITIES = "massgen/backend/capabilities.py"
DISPLAY_NAMES = "_DISPLAY_NAME_TO_BACKEND_TYPE"


def provider_name(ctx: Context) -> tuple[str | None, Evidence | None, str]:
    """(name, evidence, why not) for the name the backend's get_provider_name returns:

    - the one string every `return` of it gives (a literal, or a module constant);
    - for a method that picks by base URL, the name its chain gives the type's default base URL (the one its
      `create_backend` branch sets), with no `provider` in the config;
    - for a class without the method, its capabilities entry's provider_name.

    None, with the reason, when the name is decided at run time in another way."""
    ev = ctx.auditor.find_method(ctx.info, "get_provider_name")
    node = method_node(ctx, ev) if ev else None
    if ev is not None and node is not None:
        named = [_returned_string(ctx, node, ev.path, ret) for ret in own_returns(node)]
        if named and all(named) and len({found[0] for found in named if found}) == 1:
            name, evidence = named[0]  # type: ignore[misc]
            return name, evidence, ""
        url = default_base_url(ctx)
        picked = _picked_by_base_url(node, url[0]) if url and isinstance(node, ast.FunctionDef) else None
        if url and picked:
            name, line = picked
            return name, Evidence(ev.path, line, f"{ev.note} gives {name!r} for the base URL {url[0]!r} "
                                                 f"({url[1].location})"), ""
        reason = "returns several names or computes one"
        if not url and _reads_base_url(node):
            reason = "picks the name by base URL, and the type's create_backend branch sets no default base URL"
        return None, ev, f"the provider name cannot be read statically: {ev.note} ({ev.location}) {reason}"
    caps = ctx.caps or {}
    if isinstance(caps.get("provider_name"), str):
        return caps["provider_name"], Evidence(CAPABILITIES, caps["_fields"].get("provider_name"),
                                               "capabilities provider_name"), ""
    return None, None, "the provider name cannot be read statically"


def _returned_string(ctx: Context, method: ast.AST, rel: str, ret: ast.Return) -> tuple[str, Evidence] | None:
    if isinstance(ret.value, ast.Constant) and isinstance(ret.value.value, str):
        return ret.value.value, Evidence(rel, ret.lineno, f"get_provider_name returns {ret.value.value!r}")
    if isinstance(ret.value, ast.Name) and not _binds(method, ret.value.id):
        module = ctx.tree.module(rel)  # `return PROVIDER`, a module-level constant
        bound = module_string(module, ret.value.id) if module is not None else None
        if bound is not None:
            return bound[0], Evidence(rel, bound[1], f"get_provider_name returns {ret.value.id} = {bound[0]!r}")
    return None


def _binds(fn: ast.AST, name: str) -> bool:
    """Whether the function binds `name` itself (an argument or a local), so it is not the module's."""
    return any((isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load))
               or (isinstance(n, ast.arg) and n.arg == name) for n in ast.walk(fn))


# ---------------------------------------------------------------------------------------------- by base URL
def default_base_url(ctx: Context) -> tuple[str, Evidence] | None:
    """The base URL the type's create_backend branch sets when the config has none (`kwargs["base_url"] = "..."`
    or `kwargs.setdefault("base_url", "...")`)."""
    branch = ctx.tree.create_backend_branches.get(ctx.backend_type)
    if branch is None:
        return None
    path = ctx.tree.create_backend[0]
    for statement in branch[1].body:  # the branch's own statements, not the `elif`s after it
        for node in ast.walk(statement):
            url = _base_url_default(node)
            if url is not None:
                return url, Evidence(path, node.lineno, f"create_backend sets base_url {url!r}")
    return None


def _base_url_default(node: ast.AST) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                and target.slice.value == "base_url" and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            return node.value.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
            and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and node.args[0].value == "base_url"
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
        return node.args[1].value
    return None


def _reads_base_url(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == "base_url" for n in ast.walk(node))


class _Undecided(Exception):
    pass


def _picked_by_base_url(method: ast.FunctionDef, url: str) -> tuple[str, int] | None:
    """Run the method's body on a config with only `base_url` set: `name in self.config` tests are false, a local
    bound to `self.config.get("base_url", ...)` is the URL, `"part" in base_url` tests (joined by `or`/`and`) are
    decided, and the first `return "Name"` reached is the answer. Anything else: None."""
    try:
        return _run(method.body, {}, url)
    except _Undecided:
        return None


def _run(statements: list[ast.stmt], local: dict[str, str], url: str) -> tuple[str, int] | None:
    for statement in statements:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if isinstance(statement, ast.Return):
            if isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
                return statement.value.value, statement.lineno
            raise _Undecided
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                isinstance(statement.targets[0], ast.Name) and _is_config_get(statement.value, "base_url"):
            local[statement.targets[0].id] = url
            continue
        if isinstance(statement, ast.If):
            found = _run(statement.body if _test(statement.test, local) else statement.orelse, local, url)
            if found is not None:
                return found
            continue
        raise _Undecided
    return None


def _is_config_get(node: ast.expr, key: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and _is_self_config(node.func.value) and bool(node.args) and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == key)


def _is_self_config(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config" and isinstance(node.value, ast.Name)
            and node.value.id == "self")


def _test(test: ast.expr, local: dict[str, str]) -> bool:
    if isinstance(test, ast.BoolOp):
        values = [_test(value, local) for value in test.values]
        return any(values) if isinstance(test.op, ast.Or) else all(values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In) and \
            isinstance(test.left, ast.Constant) and isinstance(test.left.value, str):
        container = test.comparators[0]
        if _is_self_config(container) and test.left.value in {"provider", "provider_name"}:
            return False  # nothing puts a provider name in the config unless the user does
        if _is_self_config(container) and test.left.value == "base_url":
            return True
        if isinstance(container, ast.Name) and container.id in local:
            return test.left.value in local[container.id]
    raise _Undecided


# ---------------------------------------------------------------------------------------------- the check
KEY, TABLE, UNDERSCORED, NO_RULE = "key", "table", "underscored", "no rule"


def normalized_type(name: str, types: set[str] | dict, table: dict[str, str]) -> tuple[str, str]:
    """(type, rule) as normalize_backend_type gives them, its rules in its order: the lower-cased name is a type
    (KEY); it is a key of _DISPLAY_NAME_TO_BACKEND_TYPE (TABLE); with spaces and hyphens as underscores it is a type
    (UNDERSCORED); else the lower-cased name (NO_RULE)."""
    lowered = name.strip().lower()
    underscored = lowered.replace(" ", "_").replace("-", "_")
    if lowered in types:
        return lowered, KEY
    if lowered in table:
        return table[lowered], TABLE
    if underscored in types:
        return underscored, UNDERSCORED
    return lowered, NO_RULE


def check_provider_name_normalizes(ctx: Context, check: Check) -> Outcome:
    """normalize_backend_type(get_provider_name()) is the backend's type: the tool execution context that
    CustomToolAndMCPBackend.stream_with_tools (and ClaudeCodeBackend) builds carries that name, and the multimodal
    tools look the agent's own capabilities up by it. The rules are normalize_backend_type's own, in its order."""
    module = ctx.tree.module(CAPABILITIES)
    if module is None:
        return unreadable(ctx, CAPABILITIES)
    if ctx.info is None:
        return Outcome(None, [], "no backend class to read get_provider_name from")
    provider, prov_ev, why = provider_name(ctx)
    if provider is None:
        return Outcome(None, [prov_ev] if prov_ev else [], why)
    display = memo(ctx, ("display names",), lambda: display_names(module))
    if display is None:
        return Outcome(None, [prov_ev] if prov_ev else [], f"{CAPABILITIES} binds no {DISPLAY_NAMES} dict literal")
    names, line = display
    evidence = [prov_ev] if prov_ev else []
    lowered = provider.strip().lower()
    normalized, rule = normalized_type(provider, ctx.tree.capabilities, names)
    how = {KEY: "lower-cased, a BACKEND_CAPABILITIES key", TABLE: f"{DISPLAY_NAMES}[{lowered!r}]",
           UNDERSCORED: "lower-cased with spaces and hyphens as underscores, a BACKEND_CAPABILITIES key",
           NO_RULE: "lower-cased; no rule of normalize_backend_type matches"}[rule]
    if rule == TABLE:
        evidence.append(Evidence(CAPABILITIES, line, f"{DISPLAY_NAMES}[{lowered!r}] = {normalized!r}"))
    if normalized == ctx.backend_type:
        return Outcome(True, evidence, f"{provider!r} normalizes to {normalized!r} ({how})")
    fix = {KEY: f"{lowered!r} is another type's own key; return another name (or {ctx.backend_type!r} itself)",
           TABLE: f"{DISPLAY_NAMES} maps {lowered!r} to {normalized!r} ({CAPABILITIES}:{line})",
           # a table entry would take that type's own name away from it
           UNDERSCORED: f"{normalized!r} is another type's key; return another name (or {ctx.backend_type!r} itself)",
           NO_RULE: f"add {lowered!r}: {ctx.backend_type!r} to {DISPLAY_NAMES} ({CAPABILITIES}:{line})"}[rule]
    return Outcome(False, evidence, f"normalize_backend_type({provider!r}) gives {normalized!r} ({how}), not "
                   f"{ctx.backend_type!r}: {fix}")


def check_provider_name_lowers_to_type(ctx: Context, check: Check) -> Outcome:
    """get_provider_name().lower() is the backend's type: context-compression recovery builds its summarizing backend
    with create_backend(backend.get_provider_name().lower(), ...) (massgen/backend/_compression_utils.py)."""
    if ctx.info is None:
        return Outcome(None, [], "no backend class to read get_provider_name from")
    provider, prov_ev, why = provider_name(ctx)
    if provider is None:
        return Outcome(None, [prov_ev] if prov_ev else [], why)
    evidence = [prov_ev] if prov_ev else []
    if provider.lower() == ctx.backend_type:
        return Outcome(True, evidence, f"{provider!r} lower-cased is {ctx.backend_type!r}")
    other = provider.lower() in ctx.tree.create_backend_branches
    return Outcome(False, evidence, f"{provider!r} lower-cased is {provider.lower()!r}, "
                   + ("another type: compression recovery would summarize with that type's backend"
                      if other else "which create_backend does not know: compression recovery writes no summary"))


def display_names(module: ast.Module) -> tuple[dict[str, str], int] | None:
    for node in module.body:
        target, value = assignment(DISPLAY_NAMES, node)
        if target and isinstance(value, ast.Dict) and literal_ok(value):
            names = ast.literal_eval(value)
            if all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
                return names, node.lineno
    return None

"""The checks of the places beyond the backend's module: pricing, excluded parameters, the API-key variable,
the hook adapter, the agent-framework set, tests, configs, docs and every listing site."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from massgen_guide.audit.code_reading import (
    adapter_call,
    check_assigns_attr,
    exclusion_sites,
    function,
    literal_ok,
    method_node,
    strings_in,
)
from massgen_guide.audit.provider_name import provider_name
from massgen_guide.audit.results import Context, Outcome, memo, unreadable
from massgen_guide.facts.ast_reading import statements
from massgen_guide.facts.checklist import Check
from massgen_guide.facts.tree import Evidence, Tree


def check_pricing(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/token_manager/token_manager.py"
    module = ctx.tree.module(rel)
    if module is None:
        return unreadable(ctx, rel, "unavailable", "unavailable")
    keys, normalize, prefixes = memo(ctx, ("pricing",), lambda: _pricing_tables(module))
    model = (ctx.caps or {}).get("default_model")
    prefix = model.split("/", 1)[0].lower() if isinstance(model, str) and "/" in model else None
    if prefix in prefixes:  # get_model_pricing prices a vendor-prefixed model under the vendor, whatever the provider
        lookup, how = prefixes[prefix], f"the default model {model!r} has the prefix {prefix!r}, priced as {prefixes[prefix]!r} by get_model_pricing"
        evidence = []
    else:
        provider, prov_ev, why = provider_name(ctx)
        if provider is None:
            return Outcome(None, [prov_ev] if prov_ev else [], why)
        lookup, how = normalize.get(provider.lower(), provider), f"provider name {provider!r}, normalized by _normalize_provider"
        evidence = [prov_ev] if prov_ev else []
    if lookup in keys:
        return Outcome(True, [*evidence, Evidence(rel, keys[lookup], f'PROVIDER_PRICING["{lookup}"]')])
    return Outcome(False, evidence, f"PROVIDER_PRICING has no {lookup!r} key ({how})")


def _pricing_tables(module: ast.Module) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """PROVIDER_PRICING's keys (with lines), _normalize_provider's mapping, and get_model_pricing's
    prefix_to_provider (a model's vendor prefix -> the key it is priced under)."""
    keys: dict[str, int] = {}
    normalize: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for node in ast.walk(module):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "PROVIDER_PRICING" for t in targets) and isinstance(node.value, ast.Dict):
                for key in node.value.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        keys[key.value] = key.lineno
        if isinstance(node, ast.FunctionDef) and node.name == "_normalize_provider":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Dict) and literal_ok(sub):
                    normalize.update(ast.literal_eval(sub))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "prefix_to_provider"
                                                for t in node.targets) and literal_ok(node.value):
            prefixes.update(ast.literal_eval(node.value))
    return keys, normalize, prefixes


def check_excluded_params_shared(ctx: Context, check: Check) -> Outcome:
    return ctx.auditor.tree_level("excluded_params_shared", lambda: _excluded_shared(ctx.tree))


def _excluded_shared(tree: Tree) -> Outcome:
    base_rel, handler_rel, shared_rel = ("massgen/backend/base.py", "massgen/api_params_handler/_api_params_handler_base.py",
                                         "massgen/backend/_excluded_params.py")
    for rel in (base_rel, handler_rel, shared_rel):
        if rel in tree.broken:
            return Outcome(None, [], f"{rel} has a syntax error")
    base_fn = function(tree, base_rel, "get_base_excluded_config_params")
    handler_fn = function(tree, handler_rel, "get_base_excluded_params")
    if base_fn is None or handler_fn is None:
        return Outcome(False, [], "get_base_excluded_config_params (base.py) or get_base_excluded_params (handler base) is missing")
    shared_line = tree.code_line(shared_rel, "BASE_EXCLUDED_CONFIG_PARAMS")
    if shared_line:
        uses = [(rel, fn) for rel, fn in ((base_rel, base_fn), (handler_rel, handler_fn))
                if any(isinstance(n, ast.Name) and n.id == "BASE_EXCLUDED_CONFIG_PARAMS" for n in ast.walk(fn))]
        evidence = [Evidence(shared_rel, shared_line, "BASE_EXCLUDED_CONFIG_PARAMS")]
        evidence += [Evidence(rel, fn.lineno, f"{fn.name} returns it") for rel, fn in uses]
        if len(uses) == 2:
            return Outcome(True, evidence)
        return Outcome(False, evidence, "one base exclusion method does not read BASE_EXCLUDED_CONFIG_PARAMS")
    # older MassGen: two hand-kept lists that must agree
    base_set = set(s for s in strings_in(base_fn) if re.fullmatch(r"[a-z_0-9]+", s))
    handler_set = set(s for s in strings_in(handler_fn) if re.fullmatch(r"[a-z_0-9]+", s)) - {"upload_files"}
    evidence = [Evidence(base_rel, base_fn.lineno, base_fn.name), Evidence(handler_rel, handler_fn.lineno, handler_fn.name)]
    if base_set == handler_set:
        return Outcome(True, evidence, "two literal lists, in sync")
    only = sorted(base_set ^ handler_set)
    return Outcome(False, evidence, f"the two exclusion lists differ: {', '.join(only[:6])}{' ...' if len(only) > 6 else ''}")


def check_excluded_params_backend(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    sites = exclusion_sites(ctx)
    bad = [e for e, ok in sites if not ok]
    if bad:
        return Outcome(False, [e for e, _ in sites], f"{', '.join(e.location for e in bad)} does not start from the base set")
    return Outcome(True, [e for e, _ in sites])


def check_env_var_agrees(ctx: Context, check: Check) -> Outcome:
    branch = ctx.tree.create_backend_branches.get(ctx.backend_type)
    keys, line = ctx.tree.branch_env_keys(branch[1]) if branch else ([], None)
    rel, _ = ctx.tree.create_backend
    caps = ctx.caps
    evidence = [Evidence(rel, line, f"reads {', '.join(keys)}")] if line else []
    if caps is None:
        return Outcome(False, evidence, "no capabilities entry to hold env_var")
    env_var = caps.get("env_var")
    evidence.append(Evidence("massgen/backend/capabilities.py", caps["_fields"].get("env_var", caps["_line"]), f"env_var={env_var!r}"))
    if env_var in keys:
        return Outcome(True, evidence)
    return Outcome(False, evidence, f"capabilities env_var is {env_var!r}, create_backend reads {', '.join(keys)}")


def check_native_hook_adapter(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    found = adapter_call(ctx)
    if found is None:
        return Outcome(False, [], f"{ctx.info.name} never calls _init_native_hook_adapter")
    rel, node = found
    name = node.args[0].value.rsplit(".", 1)[-1]
    evidence = [Evidence(rel, node.lineno, f"_init_native_hook_adapter({name})")]
    adapter = ctx.tree.hook_adapter_classes.get(name)
    if adapter is None:
        return Outcome(False, evidence, f"{name} is not defined in massgen/mcp_tools/native_hook_adapters/")
    chain = {n for c in ctx.tree.mro(adapter.name, ctx.tree.hook_adapter_classes) for n in [c.name, *c.bases]}
    if "NativeHookAdapter" not in chain:
        return Outcome(False, evidence, f"{name} does not subclass NativeHookAdapter")
    evidence.append(Evidence(adapter.path, adapter.line, f"class {adapter.name}({', '.join(adapter.bases)})"))
    return Outcome(True, evidence)


def check_agent_framework(ctx: Context, check: Check) -> Outcome:
    """The type is in AGENT_FRAMEWORK_BACKENDS, and in the set MassGen's capabilities test pins it against."""
    rel = "massgen/backend/capabilities.py"
    if rel in ctx.tree.broken:
        return Outcome(None, [], f"{rel} has a syntax error")
    listed = ctx.tree.agent_framework_backends
    evidence = []
    if ctx.backend_type in listed:
        evidence.append(Evidence(rel, listed[ctx.backend_type], f'"{ctx.backend_type}" in AGENT_FRAMEWORK_BACKENDS'))
    test_rel = check.param("test")
    pinned = memo(ctx, ("pinned-framework-set", test_rel), lambda: pinned_framework_set(ctx.tree, test_rel))
    missing = [] if evidence else [f"not in AGENT_FRAMEWORK_BACKENDS ({rel})"]
    if pinned is not None:
        line, values = pinned
        if ctx.backend_type in values:
            evidence.append(Evidence(test_rel, line, f"the test pins AGENT_FRAMEWORK_BACKENDS with \"{ctx.backend_type}\""))
        else:
            missing.append(f"not in the set {test_rel}:{line} pins AGENT_FRAMEWORK_BACKENDS to")
    if missing:
        return Outcome(False, evidence, f"{ctx.backend_type}: " + " and ".join(missing))
    note = "" if pinned is not None else f"{test_rel} does not pin the set"
    return Outcome(True, evidence, note)


def pinned_framework_set(tree: Tree, rel: str) -> tuple[int, set[str]] | None:
    """`assert AGENT_FRAMEWORK_BACKENDS == <set>` in a test module: the line and the set's strings (a name is
    resolved to a set literal assigned earlier in the same function), or None when no test pins the set."""
    module = tree.module(rel)
    pin = framework_pin_in(module) if module is not None else None
    return (pin.line, pin.values) if pin is not None else None


@dataclass(frozen=True)
class FrameworkPin:
    """Where a test module pins AGENT_FRAMEWORK_BACKENDS: the assert's line, the pinned strings, and the set
    literal holding them (None when the other side is not a literal: a call, or a name not assigned in the test)."""

    line: int
    values: set[str]
    literal: ast.Set | ast.List | ast.Tuple | None


def framework_pin_in(module: ast.Module) -> FrameworkPin | None:
    """The first `assert AGENT_FRAMEWORK_BACKENDS == <set>` (either side) in a test function of `module`, with a
    name resolved to its latest assignment above the assert in the same function (MassGen's test says
    `expected_frameworks = {...}`), and `set(...)`/`frozenset(...)` around a literal looked through; None when no
    test function pins the set. The audit reads the strings, the scaffolder adds a new wrapper's type to the
    literal."""
    pins: list[FrameworkPin] = []
    for func in statements(module):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = statements(func)
        for stmt in body:
            if not (isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1
                    and isinstance(stmt.test.ops[0], ast.Eq)):
                continue
            sides = [stmt.test.left, stmt.test.comparators[0]]
            names = [isinstance(side, ast.Name) and side.id == "AGENT_FRAMEWORK_BACKENDS" for side in sides]
            if not any(names):
                continue
            other = sides[1] if names[0] else sides[0]
            if isinstance(other, ast.Name):
                other = _assigned_before(body, other.id, stmt.lineno) or other
            if (isinstance(other, ast.Call) and isinstance(other.func, ast.Name) and other.func.id in ("set", "frozenset")
                    and len(other.args) == 1 and isinstance(other.args[0], (ast.Set, ast.List, ast.Tuple))):
                other = other.args[0]
            values = {n.value for n in ast.walk(other) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            literal = other if isinstance(other, (ast.Set, ast.List, ast.Tuple)) else None
            pins.append(FrameworkPin(stmt.lineno, values, literal))
    return min(pins, key=lambda pin: pin.line) if pins else None


def _assigned_before(body: list[ast.stmt], name: str, line: int) -> ast.expr | None:
    """The value of the last assignment to `name` (plain or annotated) above `line` in a function's statements."""
    found = [(stmt.lineno, stmt.value) for stmt in body if stmt.lineno < line and (
        (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
         and stmt.targets[0].id == name)
        or (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name
            and stmt.value is not None))]
    return max(found, key=lambda item: item[0])[1] if found else None


def check_tests(ctx: Context, check: Check) -> Outcome:
    tree = ctx.tree
    if not tree.test_files:
        return Outcome(False, [], "no massgen/tests/test_*.py files")
    prefix = f"test_{ctx.backend_type}"
    for rel in tree.test_files:
        name = rel.rsplit("/", 1)[-1]
        if name == prefix + ".py" or name.startswith(prefix + "_"):
            return Outcome(True, [Evidence(rel, None, "named after the type")])
    wanted = frozenset(ctx.auditor.registered_types()) | frozenset(tree.adapter_types) | {ctx.backend_type}
    hit = tree.quoted_in_tests(wanted).get(ctx.backend_type)
    if hit:
        return Outcome(True, [Evidence(hit[0], hit[1], f'mentions "{ctx.backend_type}"')])
    return Outcome(False, [], f'no massgen/tests/test_*.py names or quotes "{ctx.backend_type}"')


def check_script_entry(ctx: Context, check: Check) -> Outcome:
    rel, name = check.param("path"), check.param("name")
    module = ctx.tree.module(rel)
    if module is None:
        if rel in ctx.tree.broken:
            return Outcome(None, [], f"{rel} has a syntax error")
        return Outcome(False, [], f"{rel} does not exist")
    for node in module.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(node.value, ast.Dict):
            for key, value in zip(node.value.keys, node.value.values):
                if isinstance(key, ast.Constant) and key.value == ctx.backend_type:
                    return Outcome(True, [Evidence(rel, key.lineno, f'{name}["{ctx.backend_type}"]')])
                if isinstance(value, ast.Dict):
                    for k, v in zip(value.keys, value.values):
                        if isinstance(k, ast.Constant) and k.value == "type" and isinstance(v, ast.Constant) and v.value == ctx.backend_type:
                            return Outcome(True, [Evidence(rel, v.lineno, f'{name}[{key.value!r}] has type "{ctx.backend_type}"')])
            return Outcome(False, [Evidence(rel, node.lineno, name)], f'{name} has no "{ctx.backend_type}" entry')
    return Outcome(False, [], f"{rel} defines no {name}")


def check_example_configs(ctx: Context, check: Check) -> Outcome:
    folder, fallback = check.param("folder"), check.param("fallback")
    hits = ctx.tree.config_types.get(ctx.backend_type, [])
    preferred = [h for h in hits if h[0].startswith(folder + "/")]
    if preferred:
        return Outcome(True, [Evidence(p, line, f"type: {ctx.backend_type}") for p, line in preferred[:3]])
    if fallback and hits:
        return Outcome(True, [Evidence(p, line, f"type: {ctx.backend_type}") for p, line in hits[:3]],
                       f"none under {folder}/")
    return Outcome(False, [], f"no YAML under {fallback or folder}/ uses type: {ctx.backend_type}")


def _word(backend_type: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(backend_type)}(?![A-Za-z0-9_])")


def check_repo_text(ctx: Context, check: Check) -> Outcome:
    rel = check.param("path")
    if ctx.tree.text(rel) is None:
        return Outcome(False, [], f"{rel} does not exist")
    line = ctx.tree.line_of(rel, _word(ctx.backend_type))
    if line:
        return Outcome(True, [Evidence(rel, line, f"mentions {ctx.backend_type}")])
    return Outcome(False, [], f"{rel} never mentions {ctx.backend_type}")


def check_generated_tables(ctx: Context, check: Check) -> Outcome:
    script, output = check.param("script"), check.param("output")
    if ctx.tree.text(script) is None:
        return Outcome(False, [], f"{script} does not exist")
    if ctx.tree.text(output) is None:
        return Outcome(None, [Evidence(script)], f"{output} is not generated in this checkout; run {script}")
    line = ctx.tree.line_of(output, f"`{ctx.backend_type}`")
    if line:
        return Outcome(True, [Evidence(output, line, f"row for {ctx.backend_type}")])
    return Outcome(False, [Evidence(script)], f"{output} has no row for {ctx.backend_type}; run {script}")


def check_class_listed(ctx: Context, check: Check) -> Outcome:
    """The class the backend assigns to `self.<attr>` is named in the list `name` of the module `path`
    (`__all__` of a package, or a list of classes in one of MassGen's tests)."""
    if ctx.info is None:
        return ctx.class_unknown()
    attr, rel, list_name = check.param("attr"), check.param("path"), check.param("name")
    assigned = check_assigns_attr(ctx, Check("assigns_attr", {"attr": attr, "folder": ""}))
    if not assigned.ok:
        return Outcome(None, [], f"{ctx.info.name} assigns no self.{attr}, so there is no class to look for",
                       applies=False)
    match = re.search(r"= (\w+)\(", assigned.evidence[0].note)
    cls = match.group(1) if match else ""
    module = ctx.tree.module(rel)
    if module is None:
        return unreadable(ctx, rel, "does not exist")
    for node in module.body:
        target, value = _listed_assignment(node, list_name)
        if not target or value is None:
            continue
        for element in getattr(value, "elts", []):
            named = element.value if isinstance(element, ast.Constant) else element.id if isinstance(element, ast.Name) else None
            if named == cls:
                return Outcome(True, [assigned.evidence[0], Evidence(rel, element.lineno, f"{cls} in {list_name}")])
        return Outcome(False, [assigned.evidence[0], Evidence(rel, node.lineno, list_name)],
                       f"{cls} is not in {list_name} ({rel}:{node.lineno})")
    return Outcome(False, [assigned.evidence[0]], f"{rel} defines no {list_name}")


def _listed_assignment(node: ast.stmt, name: str) -> tuple[bool, ast.expr | None]:
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
        return True, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
        return True, node.value
    return False, None


PEERS_SHOWN = 4


def check_listing_sites(ctx: Context, check: Check) -> Outcome:
    """The type appears in every listing site whose explanation `requires` what the point names (a site that serves
    one capability, only when the backend's capabilities entry declares it)."""
    from massgen_guide.facts.listing_data import discover_in_tree, explained_sites, listing_data

    requires = check.param("requires")
    discovery = discover_in_tree(ctx.tree)
    data = listing_data()
    explained = [e for e in explained_sites(discovery, data) if e.requires == requires]
    served = sorted({e.explanation.capability for e in explained if e.explanation.capability})
    if served and not ctx.caps:
        return Outcome(None, [], "no BACKEND_CAPABILITIES entry to read the declared capabilities from")
    if served and not isinstance(ctx.caps.get("supported_capabilities", ()), (set, list, tuple, frozenset)):
        return Outcome(None, [], "the capabilities entry's supported_capabilities cannot be read statically")
    declared = set((ctx.caps or {}).get("supported_capabilities") or ())
    sites = [e.site for e in explained if not e.explanation.capability or e.explanation.capability in declared]
    unread = sorted({line for key, e in data.sites.items() if e.requires == requires
                     for line in [discovery.skipped_path(key.split("::", 1)[0])] if line})
    if not sites and unread:
        return Outcome(None, [], "; ".join(unread))
    if not sites and served:
        return Outcome(None, [], f"the capabilities entry declares none of {', '.join(served)}, the capabilities "
                       "that route a backend to these sites", applies=False)
    if not sites:
        return Outcome(None, [], f"no listing site of this tree requires {requires!r}", applies=False)
    vocabulary = discovery.vocabulary
    present, absent = [], []
    for site in sites:
        mention = site.mention_of(ctx.backend_type, vocabulary)
        if mention:
            how, line = mention
            present.append(Evidence(site.path, line, f"{_site_name(site)} ({how})"))
        else:
            absent.append(site)
    if not absent:
        if unread:  # the readable sites all name the type; the others cannot be judged
            return Outcome(None, present, "; ".join(unread))
        return Outcome(True, present)
    missing = []
    for site in absent:
        peers = sorted(site.types) or sorted(site.types_via_names(vocabulary)) or sorted(site.types_via_keys(vocabulary))
        shown = ", ".join(peers[:PEERS_SHOWN]) + (f" and {len(peers) - PEERS_SHOWN} more" if len(peers) > PEERS_SHOWN else "")
        missing.append(Evidence(site.path, site.line, f"{_site_name(site)} lists {shown}"))
    detail = f'"{ctx.backend_type}" is missing from ' + "; ".join(f"{e.location} ({e.note})" for e in missing)
    return Outcome(False, missing + present, "; ".join([detail, *unread]))


def _site_name(site: Any) -> str:
    what = site.key.rsplit("::", 1)[-1]
    return what if site.scope == "<module>" else f"{site.scope}: {what}"

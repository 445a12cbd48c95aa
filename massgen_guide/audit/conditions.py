"""The checklist's conditions: when a point applies to a backend (an API backend, native tools, a stateful
backend, hooks it can run, ...). Each returns (holds, why); None when it cannot be decided."""

from __future__ import annotations

import ast
from typing import Callable

from massgen_guide.audit.code_reading import adapter_call, exclusion_sites, method_node
from massgen_guide.audit.results import Context
from massgen_guide.facts.checklist import Check
from massgen_guide.facts.tree import Evidence


# ---------------------------------------------------------------------------------------------- conditions
def cond_api_backend(ctx: Context, check: Check) -> tuple[bool | None, str]:
    if ctx.info is None:
        return None, "the backend class is unknown"
    ev = ctx.auditor.inherits(ctx.info, "CustomToolAndMCPBackend")
    if ev:
        return True, f"an API backend ({ev.note})"
    return False, f"{ctx.info.name} is not a CustomToolAndMCPBackend subclass"


def cond_native_tools(ctx: Context, check: Check) -> tuple[bool | None, str]:
    caps = ctx.caps or {}
    reasons = []
    if caps.get("filesystem_support") == "native":
        reasons.append('capabilities filesystem_support is "native"')
    if ctx.info is not None and "NativeToolBackendMixin" in ctx.tree.mro_names(ctx.info.name):
        reasons.append("the class uses NativeToolBackendMixin")
    if reasons:
        return True, "native tools: " + ", ".join(reasons)
    if ctx.info is None and not caps:
        return None, "neither the class nor a capabilities entry is known"
    return False, "no native tools (filesystem_support is not \"native\", no NativeToolBackendMixin)"


def cond_wrapper(ctx: Context, check: Check) -> tuple[bool | None, str]:
    """A CLI or SDK wrapper: the backend class is not a CustomToolAndMCPBackend subclass (the wrapped program runs
    the tool loop, not MassGen) and it keeps a session (is_stateful returns True) or brings native tools. An API
    backend built straight on LLMBackend, like AzureOpenAIBackend, is neither."""
    api, why = cond_api_backend(ctx, check)
    if api is not False:
        return (False if api else None), why
    stateful, stateful_why = cond_stateful(ctx, check)
    if stateful is True:
        return True, f"a CLI or SDK wrapper ({why}; {stateful_why})"
    native, native_why = cond_native_tools(ctx, check)
    if native is True:
        return True, f"a CLI or SDK wrapper ({why}; {native_why})"
    if stateful is None:
        return None, stateful_why
    return False, f"{why}, but neither stateful nor bringing native tools (an API backend on LLMBackend)"


def _method_returns_true(ctx: Context, method: str) -> tuple[bool | None, Evidence | None]:
    """Whether the class's own `method` (not LLMBackend's) returns the constant True: True, False (not defined,
    or every return is False), None (decided at run time)."""
    ev = ctx.auditor.find_method(ctx.info, method)
    if ev is None:
        return False, None
    node = method_node(ctx, ev)
    returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)] if node else []
    if any(isinstance(v, ast.Constant) and v.value is True for v in returns):
        return True, ev
    if returns and all(isinstance(v, ast.Constant) and v.value is False for v in returns):
        return False, ev
    return None, ev


def _returns_true_condition(ctx: Context, method: str, when_absent: str) -> tuple[bool | None, str]:
    """A condition that holds when the class's own `method` returns True (see `_method_returns_true`)."""
    if ctx.info is None:
        return None, "the backend class is unknown"
    holds, ev = _method_returns_true(ctx, method)
    if ev is None:
        return False, when_absent
    if holds is True:
        return True, f"{method} returns True ({ev.location})"
    if holds is False:
        return False, f"{method} returns False ({ev.location})"
    return None, f"{method} is decided at run time ({ev.location})"


def cond_stateful(ctx: Context, check: Check) -> tuple[bool | None, str]:
    return _returns_true_condition(ctx, "is_stateful", "is_stateful is inherited from LLMBackend (returns False)")


def cond_mcp_server_hooks(ctx: Context, check: Check) -> tuple[bool | None, str]:
    """The backend takes MassGen's MCP-server hook route: its supports_mcp_server_hooks() returns True."""
    return _returns_true_condition(ctx, "supports_mcp_server_hooks",
                                   "no supports_mcp_server_hooks (not on the MCP-server hook route)")


def cond_runs_hooks(ctx: Context, check: Check) -> tuple[bool | None, str]:
    """The external tool can run hooks, so MassGen's hooks must reach it through a native hook adapter.

    Decided statically. Only a backend that brings native tools runs tools MassGen cannot see. Among those, a
    backend that loads an adapter declares that its tool runs hooks; one that loads none but takes the
    MCP-server hook route (supports_mcp_server_hooks returns True) is a hookless CLI, for which an adapter would
    be wrong: the orchestrator picks the native route whenever supports_native_hooks() is true, so the adapter
    would take the agent off the MCP-server route. A native-tools backend with neither gets no hooks at all:
    the point applies, and the detail names the other route."""
    native, why = cond_native_tools(ctx, check)
    if native is not True:
        return native, why
    if adapter_call(ctx) is not None:
        return True, "the backend loads a native hook adapter (its tool runs hooks)"
    mcp_route, mcp_why = cond_mcp_server_hooks(ctx, check)
    if mcp_route is True:
        return False, f"a hookless tool on the MCP-server hook route ({mcp_why})"
    return True, ("native tools and no hook route: without an adapter, or supports_mcp_server_hooks for a tool "
                  "that cannot run hooks, no MassGen hook fires")


DOCKER_NAMES = ("_docker_execution", "exec_create", "exec_run")
"""Code names that show a backend running its CLI/SDK inside MassGen's Docker container."""


def cond_docker_execution(ctx: Context, check: Check) -> tuple[bool | None, str]:
    if ctx.info is None:
        return None, "the backend class is unknown"
    for rel in ctx.auditor.own_modules(ctx.info):
        if rel == "massgen/backend/base_with_custom_tool_and_mcp.py":
            continue
        lines = [line for name in DOCKER_NAMES if (line := ctx.tree.code_line(rel, name))]
        if lines:
            return True, f"runs its CLI/SDK in Docker mode ({rel}:{min(lines)})"
    return False, "the backend does not run its CLI/SDK in Docker (no _docker_execution / exec_create / exec_run)"


def cond_not_in_litellm(ctx: Context, check: Check) -> tuple[bool | None, str]:
    caps = ctx.caps
    if not caps:
        return None, "no capabilities entry to read the default model from"
    model = caps.get("default_model")
    if not isinstance(model, str) or not model or model == "custom":
        return False, "no fixed default model (the user names it)"
    litellm = ctx.tree.litellm_models
    if litellm is None:
        return None, "LiteLLM's price map cannot be read (neither beside the tree nor the guide's copy)"
    models, name = litellm
    if model in models or any(m.endswith("/" + model) for m in models):
        return False, f"LiteLLM prices {model!r} ({name})"
    return True, f"{model!r} is not in LiteLLM's price map ({name})"


def cond_own_exclusions(ctx: Context, check: Check) -> tuple[bool | None, str]:
    if ctx.info is None:
        return None, "the backend class is unknown"
    sites = exclusion_sites(ctx)
    if sites:
        return True, "filters config keys itself: " + ", ".join(e.location for e, _ in sites)
    return False, "no own exclusions (neither the backend nor its handler defines any)"


def cond_reads_env_key(ctx: Context, check: Check) -> tuple[bool | None, str]:
    branch = ctx.tree.create_backend_branches.get(ctx.backend_type)
    if branch is None:
        return False, "no create_backend branch reads an API key"
    keys, line = ctx.tree.branch_env_keys(branch[1])
    if keys:
        return True, f"create_backend reads {', '.join(keys)}"
    return False, "the create_backend branch reads no API key from the environment"


def cond_capabilities_field_in(ctx: Context, check: Check) -> tuple[bool | None, str]:
    caps = ctx.caps
    field_name = check.param("field")
    if not caps or field_name not in caps:
        return None, f"no capabilities {field_name} to read"
    value = caps[field_name]
    values = check.param("values") or []
    return (value in values), f"capabilities {field_name} is {value!r}"


def cond_declares_capability(ctx: Context, check: Check) -> tuple[bool | None, str]:
    """The capabilities entry's supported_capabilities names one of `names`."""
    names = check.param("names") or []
    caps = ctx.caps
    if not caps:  # has_capability is False for every capability of a type without an entry
        return False, "no capabilities entry, so no capability is declared"
    declared = caps.get("supported_capabilities")
    if not isinstance(declared, (set, list, tuple, frozenset)):
        return None, "the capabilities entry's supported_capabilities cannot be read statically"
    found = [name for name in names if name in declared]
    if found:
        return True, f"the capabilities entry declares {', '.join(found)}"
    return False, f"the capabilities entry declares none of {', '.join(names)}"


def cond_inherits_method(ctx: Context, check: Check) -> tuple[bool | None, str]:
    """The backend's class is `class`, or a subclass of it that takes `method` from it (does not override it)."""
    base, method = check.param("class"), check.param("method")
    if ctx.info is None:
        return None, "the backend class is unknown"
    if base not in ctx.tree.mro_names(ctx.info.name):
        return False, f"{ctx.info.name} is not {base} or a subclass of it"
    owner = next((cls.name for cls in ctx.tree.mro(ctx.info.name) if method in cls.methods()), None)
    if owner == base:
        return True, f"{ctx.info.name} takes {method} from {base}"
    return False, f"{owner}.{method} overrides {base}.{method}"


CONDITIONS: dict[str, Callable[[Context, Check], tuple[bool | None, str]]] = {
    "api_backend": cond_api_backend,
    "native_tools": cond_native_tools,
    "wrapper": cond_wrapper,
    "stateful": cond_stateful,
    "docker_execution": cond_docker_execution,
    "not_in_litellm": cond_not_in_litellm,
    "own_exclusions": cond_own_exclusions,
    "reads_env_key": cond_reads_env_key,
    "capabilities_field_in": cond_capabilities_field_in,
    "declares_capability": cond_declares_capability,
    "inherits_method": cond_inherits_method,
    "runs_hooks": cond_runs_hooks,
    "mcp_server_hooks": cond_mcp_server_hooks,
}

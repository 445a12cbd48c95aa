"""`massgen-guide audit`: check a MassGen tree for one backend type's integration points.

    massgen-guide audit BACKEND_TYPE [--massgen PATH] [--format text|markdown|json]
    massgen-guide audit --all [--massgen PATH] [--format text|markdown|json]

Every point of the checklist (`massgen_guide/data/checklist.yaml`) is reported as pass, missing, not applicable
or cannot check, with evidence (file:line) and a link to the guide page that explains it. Static analysis only:
the tree is read with `ast` and text search, never imported, never written.

Exit codes: 0 when no required point is missing (a point that cannot be checked, e.g. `docs/` in an installed
package, does not fail the audit), 1 when a required point (or a conditional point whose condition holds) is
missing, 2 on bad input.

`--all` audits every backend type MassGen registers: the union of the `create_backend` branches
(`backend_type == "..."`) and the `BACKEND_CAPABILITIES` keys. Types reached only through
`massgen.adapters.adapter_registry` (e.g. the `autogen` alias) can be audited by name but are not rows.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from massgen_guide import md_text, site_urls
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import Check, Checklist, Point, load_checklist
from massgen_guide.facts.tree import (
    BASE_MODULES,
    FRAMEWORK_MODULES,
    ClassInfo,
    Evidence,
    Tree,
    call_name,
    code_strings,
    compared_types,
    statements,
)
from massgen_guide.source.selection import MassGenSource, add_massgen_option, chosen_source, current_source
from massgen_guide.source.tree_version import checked_release, newer_tree_warning

SOURCE_URL = "https://github.com/massgen/MassGen/blob/v{version}/{path}"
"""Evidence links for a released MassGen (installed or a release): the file at the version's tag."""

PASS, MISSING, NOT_APPLICABLE, CANNOT_CHECK = "pass", "missing", "not applicable", "cannot check"
STATUSES = (PASS, MISSING, NOT_APPLICABLE, CANNOT_CHECK)
TEXT_LABEL = {PASS: "PASS", MISSING: "MISSING", NOT_APPLICABLE: "N/A", CANNOT_CHECK: "CANNOT CHECK"}
MATRIX_SYMBOL = {PASS: "+", MISSING: "X", NOT_APPLICABLE: ".", CANNOT_CHECK: "?"}
MATRIX_SYMBOL_ADVISORY_MISSING = "x"
REPO_ONLY = "{folder}/ is not in this tree (only a full MassGen git checkout has it); point --massgen at one"


def page_url(point: Point, base: str | None = None) -> str:
    """The published URL of a point's guide page (MkDocs directory URLs)."""
    return site_urls.page_url(base or site_urls.guide_url(), point.page, point.anchor or "")


def evidence_url(tree_or_source: Tree | MassGenSource, evidence: Evidence) -> str | None:
    """A link to the evidence: GitHub at the version tag for a released MassGen; a file URL for a checkout."""
    source = tree_or_source.source if isinstance(tree_or_source, Tree) else tree_or_source
    if source.kind in {"installed", "release"}:
        url = SOURCE_URL.format(version=source.version, path=evidence.path)
        return url + (f"#L{evidence.line}" if evidence.line else "")
    return None


# ---------------------------------------------------------------------------------------------- results
@dataclass
class Result:
    point: Point
    status: str
    required: bool
    """True when a missing status fails the audit (a required point, or a condition that holds)."""
    evidence: list[Evidence] = field(default_factory=list)
    detail: str = ""

    def as_dict(self, tree: Tree | None = None) -> dict[str, Any]:
        return {
            "id": self.point.id, "phase": self.point.phase, "title": self.point.title, "status": self.status,
            "required": self.required, "advisory": self.point.advisory, "detail": self.detail,
            "evidence": [dict(e.as_dict(), url=evidence_url(tree, e) if tree else None) for e in self.evidence],
            "page": self.point.page_target(), "url": page_url(self.point),
        }


@dataclass
class BackendReport:
    backend_type: str
    backend_class: str | None
    results: list[Result]

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if r.required and r.status == MISSING]

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for result in self.results:
            counts[result.status] += 1
        return counts


@dataclass
class Outcome:
    """What a checker returns."""

    ok: bool | None
    """True pass, False missing, None cannot check."""
    evidence: list[Evidence] = field(default_factory=list)
    detail: str = ""
    applies: bool = True
    """False: there is nothing of this kind in the tree to check (reported as not applicable)."""


# ---------------------------------------------------------------------------------------------- context
class Auditor:
    """Runs the checklist against one tree; per-run caches live on the `Tree`."""

    def __init__(self, tree: Tree, checklist: Checklist | None = None) -> None:
        self.tree = tree
        self.checklist = checklist or load_checklist()
        self._tree_level: dict[str, Outcome] = {}
        self._registered: list[str] | None = None

    # -------------------------------------------------------------------------------- backend types
    def registered_types(self) -> list[str]:
        """The rows of `--all`: create_backend branches and BACKEND_CAPABILITIES keys."""
        if self._registered is None:
            self._registered = sorted(set(self.tree.create_backend_branches) | set(self.tree.capabilities))
        return self._registered

    def known_types(self) -> list[str]:
        """Everything `audit` accepts: the registered types, adapter types, and backend modules not yet registered."""
        known = set(self.registered_types()) | set(self.tree.adapter_types)
        used_modules = {self.resolve_class(t)[0].path for t in self.registered_types() if self.resolve_class(t)[0]}
        for rel in self.tree.list_dir("massgen/backend"):
            stem = rel.rsplit("/", 1)[-1][:-3]
            if rel in BASE_MODULES or stem.startswith("_") or rel in used_modules:
                continue
            module = self.tree.module(rel)
            if module is None:
                if rel in self.tree.broken:
                    known.add(stem)
                continue
            if any(isinstance(n, ast.ClassDef) and self.tree.is_backend_class(n.name) for n in module.body):
                known.add(stem)
        return sorted(known)

    def check_type(self, backend_type: str) -> None:
        known = self.known_types()
        if backend_type in known:
            return
        close = difflib.get_close_matches(backend_type, known, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known types: {', '.join(known)}"
        raise GuideError(f"unknown backend type {backend_type!r} in MassGen {self.tree.version}{hint}")

    @lru_cache(maxsize=None)
    def resolve_class(self, backend_type: str) -> tuple[ClassInfo | None, Evidence | None, str]:
        """The class a type is built as: (class, evidence, how) — from create_backend, the adapter registry,
        or a module named after the type."""
        tree = self.tree
        rel, _func = tree.create_backend
        branch = tree.create_backend_branches.get(backend_type)
        if branch is not None:
            built = tree.branch_class(branch[1])
            if built is not None:
                info = tree.backend_classes.get(built[0])
                return info, Evidence(rel, built[1], f"create_backend builds {built[0]}"), built[0]
        if backend_type in tree.adapter_types and tree.adapter_branch is not None:
            for candidate in tree.backend_classes.values():
                if candidate.name == "ExternalAgentBackend":
                    return candidate, Evidence(rel, tree.adapter_branch, "adapter_registry branch"), candidate.name
        module_rel = f"massgen/backend/{backend_type}.py"
        module = tree.module(module_rel)
        if module is not None:
            for node in module.body:
                if isinstance(node, ast.ClassDef) and tree.is_backend_class(node.name):
                    info = tree.backend_classes.get(node.name)
                    return info, Evidence(module_rel, node.lineno, "module named after the type"), node.name
        return None, None, ""

    def own_modules(self, info: ClassInfo | None) -> list[str]:
        """The modules of the class and its bases, minus the framework's own (base.py and the mixins)."""
        if info is None:
            return []
        seen: list[str] = []
        for cls in self.tree.mro(info.name):
            if cls.path not in FRAMEWORK_MODULES and cls.path not in seen:
                seen.append(cls.path)
        return seen

    def find_mentions(self, info: ClassInfo | None, names: list[str]) -> dict[str, Evidence]:
        """For each name, the first module of the class's own modules that uses it as code (a call, an attribute
        access or assignment, a definition, an import; never a comment, docstring or string literal)."""
        found: dict[str, Evidence] = {}
        for rel in self.own_modules(info):
            for name in names:
                if name in found:
                    continue
                line = self.tree.code_line(rel, name)
                if line:
                    found[name] = Evidence(rel, line, name)
        return found

    def find_method(self, info: ClassInfo | None, method: str, skip: tuple[str, ...] = ()) -> Evidence | None:
        if info is None:
            return None
        for cls in self.tree.mro(info.name):
            if cls.name == "LLMBackend" or cls.name in skip:
                continue
            node = cls.methods().get(method)
            if node is not None:
                return Evidence(cls.path, node.lineno, f"{cls.name}.{method}")
        return None

    def inherits(self, info: ClassInfo | None, base: str) -> Evidence | None:
        if info is None:
            return None
        for cls in self.tree.mro(info.name):
            if base in cls.bases:
                return Evidence(cls.path, cls.line, f"class {cls.name}({', '.join(cls.bases)})")
        return None

    # -------------------------------------------------------------------------------- the run
    def audit(self, backend_type: str) -> BackendReport:
        info, _ev, built = self.resolve_class(backend_type)
        ctx = Context(self, backend_type, info, built)
        results = [self.evaluate(point, ctx) for point in self.checklist.points]
        return BackendReport(backend_type, built or None, results)

    def evaluate(self, point: Point, ctx: "Context") -> Result:
        required = point.required
        condition_note = ""
        undecided = False
        if point.condition is not None and point.condition.check is not None:
            holds, why = CONDITIONS[point.condition.check.kind](ctx, point.condition.check)
            if holds is False:
                return Result(point, NOT_APPLICABLE, False, [], why)
            if holds is True:
                required = not point.condition.recommended
                condition_note = why
            else:
                undecided = True
                condition_note = why or "the condition could not be decided"
        folder = point.repo_folder
        if folder and not self.tree.has_repo_folder(folder):
            return Result(point, CANNOT_CHECK, required, [], REPO_ONLY.format(folder=folder))
        outcome = CHECKS[point.check.kind](ctx, point.check)
        detail = "; ".join(t for t in (outcome.detail, condition_note) if t)
        if not outcome.applies:
            return Result(point, NOT_APPLICABLE, False, outcome.evidence, detail)
        if undecided:
            # the condition could not be decided: a pass still counts, a miss cannot be judged
            if outcome.ok is True:
                return Result(point, PASS, False, outcome.evidence, detail)
            return Result(point, CANNOT_CHECK, False, outcome.evidence, detail)
        status = PASS if outcome.ok is True else MISSING if outcome.ok is False else CANNOT_CHECK
        return Result(point, status, required, outcome.evidence, detail)

    def tree_level(self, key: str, compute: Callable[[], Outcome]) -> Outcome:
        if key not in self._tree_level:
            self._tree_level[key] = compute()
        return self._tree_level[key]


@dataclass
class Context:
    auditor: Auditor
    backend_type: str
    info: ClassInfo | None
    built: str

    @property
    def tree(self) -> Tree:
        return self.auditor.tree

    @property
    def caps(self) -> dict[str, Any] | None:
        return self.tree.capabilities.get(self.backend_type)

    def class_unknown(self) -> Outcome:
        module = f"massgen/backend/{self.backend_type}.py"
        if module in self.tree.broken:
            return Outcome(None, [], f"{module} has a syntax error")
        if self.built and self.info is None:
            return Outcome(None, [], f"create_backend builds {self.built}, which is not defined in massgen/backend/")
        return Outcome(False, [], "no backend class found for this type")


def memo(ctx_or_tree: "Context | Tree", key: tuple, compute: Callable[[], Any]) -> Any:
    tree = ctx_or_tree.tree if isinstance(ctx_or_tree, Context) else ctx_or_tree
    if key not in tree.memo:
        tree.memo[key] = compute()
    return tree.memo[key]


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
    if ctx.backend_type in ctx.tree.agent_framework_backends:
        reasons.append("listed in AGENT_FRAMEWORK_BACKENDS")
    if ctx.info is not None and "NativeToolBackendMixin" in ctx.tree.mro_names(ctx.info.name):
        reasons.append("the class uses NativeToolBackendMixin")
    if reasons:
        return True, "native tools: " + ", ".join(reasons)
    if ctx.info is None and not caps:
        return None, "neither the class nor a capabilities entry is known"
    return False, "no native tools (filesystem_support is not \"native\", not an agent-framework backend)"


def _method_returns_true(ctx: Context, method: str) -> tuple[bool | None, Evidence | None]:
    """Whether the class's own `method` (not LLMBackend's) returns the constant True: True, False (not defined,
    or every return is False), None (decided at run time)."""
    ev = ctx.auditor.find_method(ctx.info, method)
    if ev is None:
        return False, None
    node = _method_node(ctx, ev)
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
    if _adapter_call(ctx) is not None:
        return True, "the backend loads a native hook adapter (its tool runs hooks)"
    mcp_route, mcp_why = cond_mcp_server_hooks(ctx, check)
    if mcp_route is True:
        return False, f"a hookless tool on the MCP-server hook route ({mcp_why})"
    return True, ("native tools and no hook route: without an adapter, or supports_mcp_server_hooks for a tool "
                  "that cannot run hooks, no MassGen hook fires")


def _method_node(ctx: Context, ev: Evidence) -> ast.AST | None:
    for cls in ctx.tree.mro(ctx.info.name) if ctx.info else []:
        for node in cls.methods().values():
            if cls.path == ev.path and node.lineno == ev.line:
                return node
    return None


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
    sites = _exclusion_sites(ctx)
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
    "stateful": cond_stateful,
    "docker_execution": cond_docker_execution,
    "not_in_litellm": cond_not_in_litellm,
    "own_exclusions": cond_own_exclusions,
    "reads_env_key": cond_reads_env_key,
    "capabilities_field_in": cond_capabilities_field_in,
    "inherits_method": cond_inherits_method,
    "runs_hooks": cond_runs_hooks,
    "mcp_server_hooks": cond_mcp_server_hooks,
}


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


def check_export(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/backend/__init__.py"
    module = ctx.tree.module(rel)
    if module is None:
        return Outcome(None if rel in ctx.tree.broken else False, [], f"{rel} " + ("has a syntax error" if rel in ctx.tree.broken else "is missing"))
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
            value = ast.literal_eval(node.args[0]) if node.args and _literal_ok(node.args[0]) else None
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


def _literal_ok(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, SyntaxError, TypeError):
        return False


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
        return Outcome(None if rel in ctx.tree.broken else False, [],
                       f"{rel} " + ("has a syntax error" if rel in ctx.tree.broken else "is missing"))
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
        return Outcome(None if rel in ctx.tree.broken else False, [], f"{rel} unavailable")
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


def _provider_name(ctx: Context) -> tuple[str | None, Evidence | None]:
    ev = ctx.auditor.find_method(ctx.info, "get_provider_name")
    node = _method_node(ctx, ev) if ev else None
    if node is not None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Constant) and isinstance(sub.value.value, str):
                return sub.value.value, Evidence(ev.path, sub.lineno, f"get_provider_name returns {sub.value.value!r}")
    caps = ctx.caps or {}
    if isinstance(caps.get("provider_name"), str):
        return caps["provider_name"], Evidence("massgen/backend/capabilities.py", caps["_fields"].get("provider_name"),
                                               "capabilities provider_name")
    return None, None


def check_pricing(ctx: Context, check: Check) -> Outcome:
    rel = "massgen/token_manager/token_manager.py"
    module = ctx.tree.module(rel)
    if module is None:
        return Outcome(None if rel in ctx.tree.broken else False, [], f"{rel} unavailable")
    keys, normalize = memo(ctx, ("pricing",), lambda: _pricing_tables(module))
    provider, prov_ev = _provider_name(ctx)
    if provider is None:
        return Outcome(None, [], "the provider name cannot be read statically")
    lookup = normalize.get(provider.lower(), provider)
    if lookup in keys:
        return Outcome(True, [prov_ev, Evidence(rel, keys[lookup], f'PROVIDER_PRICING["{lookup}"]')])
    return Outcome(False, [prov_ev] if prov_ev else [],
                   f"PROVIDER_PRICING has no {lookup!r} key (provider name {provider!r}, normalized by _normalize_provider)")


def _pricing_tables(module: ast.Module) -> tuple[dict[str, int], dict[str, str]]:
    keys: dict[str, int] = {}
    normalize: dict[str, str] = {}
    for node in ast.walk(module):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "PROVIDER_PRICING" for t in targets) and isinstance(node.value, ast.Dict):
                for key in node.value.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        keys[key.value] = key.lineno
        if isinstance(node, ast.FunctionDef) and node.name == "_normalize_provider":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Dict) and _literal_ok(sub):
                    normalize.update(ast.literal_eval(sub))
    return keys, normalize


def check_excluded_params_shared(ctx: Context, check: Check) -> Outcome:
    return ctx.auditor.tree_level("excluded_params_shared", lambda: _excluded_shared(ctx.tree))


def _function(tree: Tree, rel: str, name: str) -> ast.FunctionDef | None:
    module = tree.module(rel)
    if module is None:
        return None
    return next((n for n in ast.walk(module) if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _excluded_shared(tree: Tree) -> Outcome:
    base_rel, handler_rel, shared_rel = ("massgen/backend/base.py", "massgen/api_params_handler/_api_params_handler_base.py",
                                         "massgen/backend/_excluded_params.py")
    for rel in (base_rel, handler_rel, shared_rel):
        if rel in tree.broken:
            return Outcome(None, [], f"{rel} has a syntax error")
    base_fn = _function(tree, base_rel, "get_base_excluded_config_params")
    handler_fn = _function(tree, handler_rel, "get_base_excluded_params")
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
    base_set = set(s for s in _strings_in(base_fn) if re.fullmatch(r"[a-z_0-9]+", s))
    handler_set = set(s for s in _strings_in(handler_fn) if re.fullmatch(r"[a-z_0-9]+", s)) - {"upload_files"}
    evidence = [Evidence(base_rel, base_fn.lineno, base_fn.name), Evidence(handler_rel, handler_fn.lineno, handler_fn.name)]
    if base_set == handler_set:
        return Outcome(True, evidence, "two literal lists, in sync")
    only = sorted(base_set ^ handler_set)
    return Outcome(False, evidence, f"the two exclusion lists differ: {', '.join(only[:6])}{' ...' if len(only) > 6 else ''}")


def _strings_in(fn: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(fn) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and not (isinstance(n, ast.Constant) and n is _docstring(fn))]


def _docstring(fn: ast.AST) -> ast.AST | None:
    body = getattr(fn, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].value
    return None


def _handler_class(ctx: Context) -> ClassInfo | None:
    outcome = check_assigns_attr(ctx, Check("assigns_attr", {"attr": "api_params_handler", "folder": ""}))
    if outcome.ok and len(outcome.evidence) > 1:
        name = outcome.evidence[1].note.removeprefix("class ")
        return ctx.tree.handler_classes.get(name)
    return None


def _exclusion_sites(ctx: Context) -> list[tuple[Evidence, bool]]:
    """Where the backend or its handler builds its own exclusions, and whether each builds on the base set."""
    return memo(ctx, ("exclusions", ctx.info.name if ctx.info else None), lambda: _find_exclusion_sites(ctx))


def _find_exclusion_sites(ctx: Context) -> list[tuple[Evidence, bool]]:
    sites: list[tuple[Evidence, bool]] = []
    handler = _handler_class(ctx)
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
        site = memo(ctx, ("exclusion-assignment", rel), lambda: _first_exclusion_assignment(module))
        if site is not None:
            node, ok = site
            text = ctx.tree.lines(rel)[node.lineno - 1].strip()[:60]
            sites.append((Evidence(rel, node.lineno, text), ok))
    return sites


EXCLUSION_TARGETS = frozenset({"excluded", "excluded_params", "excluded_config_params"})
BASE_EXCLUSION_CALLS = frozenset({"get_base_excluded_config_params", "get_base_excluded_params"})


def _first_exclusion_assignment(module: ast.Module) -> tuple[ast.stmt, bool] | None:
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


def check_excluded_params_backend(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    sites = _exclusion_sites(ctx)
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


def _adapter_call(ctx: Context) -> tuple[str, ast.Call] | None:
    """The first `_init_native_hook_adapter("dotted.path")` call in the class's own modules, with its module."""
    if ctx.info is None:
        return None
    return memo(ctx, ("adapter-call", ctx.info.name), lambda: _find_adapter_call(ctx))


def _find_adapter_call(ctx: Context) -> tuple[str, ast.Call] | None:
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


def check_native_hook_adapter(ctx: Context, check: Check) -> Outcome:
    if ctx.info is None:
        return ctx.class_unknown()
    found = _adapter_call(ctx)
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
    if module is None:
        return None
    for func in statements(module):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        assigned: dict[str, ast.expr] = {}
        for stmt in statements(func):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                assigned[stmt.targets[0].id] = stmt.value
            if not (isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1
                    and isinstance(stmt.test.ops[0], ast.Eq)):
                continue
            sides = [stmt.test.left, stmt.test.comparators[0]]
            names = [isinstance(side, ast.Name) and side.id == "AGENT_FRAMEWORK_BACKENDS" for side in sides]
            if not any(names):
                continue
            other = sides[1] if names[0] else sides[0]
            if isinstance(other, ast.Name):
                other = assigned.get(other.id, other)
            values = {n.value for n in ast.walk(other) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            return stmt.lineno, values
    return None


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
        return Outcome(None if rel in ctx.tree.broken else False, [],
                       f"{rel} " + ("has a syntax error" if rel in ctx.tree.broken else "does not exist"))
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
    """The type appears in every listing site whose explanation `requires` what the point names."""
    from massgen_guide.facts.listing_data import discover_in_tree, explained_sites, listing_data

    requires = check.param("requires")
    discovery = discover_in_tree(ctx.tree)
    data = listing_data()
    sites = [e.site for e in explained_sites(discovery, data) if e.requires == requires]
    unread = sorted({line for key, e in data.sites.items() if e.requires == requires
                     for line in [discovery.skipped_path(key.split("::", 1)[0])] if line})
    if not sites and unread:
        return Outcome(None, [], "; ".join(unread))
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


CHECKS: dict[str, Callable[[Context, Check], Outcome]] = {
    "backend_class": check_backend_class,
    "methods_defined": check_methods_defined,
    "mentions_any": check_mentions_any,
    "mentions_all": check_mentions_all,
    "inherits": check_inherits,
    "assigns_attr": check_assigns_attr,
    "export": check_export,
    "create_backend": check_create_backend,
    "capabilities_entry": check_capabilities_entry,
    "config_validator": check_config_validator,
    "docker_network_rule": check_docker_network_rule,
    "pricing": check_pricing,
    "excluded_params_shared": check_excluded_params_shared,
    "excluded_params_backend": check_excluded_params_backend,
    "env_var_agrees": check_env_var_agrees,
    "native_hook_adapter": check_native_hook_adapter,
    "agent_framework": check_agent_framework,
    "tests": check_tests,
    "script_entry": check_script_entry,
    "example_configs": check_example_configs,
    "repo_text": check_repo_text,
    "generated_tables": check_generated_tables,
    "listing_sites": check_listing_sites,
    "class_listed": check_class_listed,
}


# ---------------------------------------------------------------------------------------------- entry points
@dataclass
class AuditRun:
    tree: Tree
    checklist: Checklist
    reports: list[BackendReport]

    @property
    def exit_code(self) -> int:
        return 1 if any(report.failures for report in self.reports) else 0


def source_for(massgen: str | None) -> MassGenSource:
    """`--massgen PATH`, `MASSGEN_SOURCE`, the current directory when it is a MassGen checkout, or the installed
    package (`massgen_guide.source.selection.chosen_source`)."""
    return chosen_source(massgen)


def run_audit(source: MassGenSource, backend_type: str | None, all_types: bool = False,
              checklist: Checklist | None = None) -> AuditRun:
    """Audit one type (or every registered type) of a MassGen tree."""
    tree = Tree(source)
    auditor = Auditor(tree, checklist)
    if all_types:
        types = auditor.registered_types()
        if not types:
            raise GuideError(f"{source.package_dir}: no backend types found (no create_backend branches, no BACKEND_CAPABILITIES)")
    else:
        assert backend_type is not None
        auditor.check_type(backend_type)
        types = [backend_type]
    reports = [auditor.audit(t) for t in types]
    return AuditRun(tree, auditor.checklist, reports)


@lru_cache(maxsize=4)
def cached_all(package_dir: str, kind: str, label: str) -> AuditRun:
    """`--all` over a source, once per process (the site build reads it for several pages)."""
    return run_audit(MassGenSource(Path(package_dir), kind, label), None, all_types=True)


def audit_all_for_site(source: MassGenSource | None = None) -> AuditRun:
    source = source or current_source()
    return cached_all(str(source.package_dir), source.kind, source.label)


def bench_audit_all(repeat: int = 3, source: MassGenSource | None = None) -> dict[str, Any]:
    """Time `audit --all` on the chosen MassGen (fresh tree each time, no cache): for scripts/benchmark.py."""
    source = source or current_source()
    timings, cpu = [], []
    run = None
    for _ in range(max(1, repeat)):
        start, start_cpu = time.perf_counter(), time.process_time()
        run = run_audit(source, None, all_types=True)
        render(run, "text")
        timings.append(round(time.perf_counter() - start, 3))
        cpu.append(round(time.process_time() - start_cpu, 3))
    assert run is not None
    return {"name": "audit --all", "seconds": min(timings), "runs": timings, "cpu_seconds": min(cpu),
            "backend_types": len(run.reports), "points": len(run.checklist.points), "limit_seconds": 3.0,
            "massgen": source.version}


# ---------------------------------------------------------------------------------------------- rendering
def _evidence_text(result: Result) -> str:
    return ", ".join(str(e) for e in result.evidence)


def render_text(run: AuditRun) -> str:
    tree = run.tree
    head = f"MassGen {tree.version} ({tree.source.kind}: {tree.package_dir})"
    if len(run.reports) == 1:
        report = run.reports[0]
        lines = [f"audit of backend type {report.backend_type!r}" + (f" (class {report.backend_class})" if report.backend_class else "")
                 + f" in {head}", ""]
        width = max(len(p.id) for p in run.checklist.points)
        for result in report.results:
            tag = TEXT_LABEL[result.status]
            if result.status == MISSING:
                tag += " (required)" if result.required else " (advisory)"
            lines.append(f"{tag:<20} {result.point.id:<{width}}  {result.point.title}")
            if result.evidence:
                lines.append(f"{'':<20} {'':<{width}}  evidence: {_evidence_text(result)}")
            if result.detail:
                lines.append(f"{'':<20} {'':<{width}}  {result.detail}")
            lines.append(f"{'':<20} {'':<{width}}  guide: {page_url(result.point)}")
        counts = report.counts()
        lines += ["", "summary: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
                  + f"; {len(report.failures)} required point(s) missing"]
        return "\n".join(lines) + "\n"
    points = run.checklist.points
    width = max(len(r.backend_type) for r in run.reports)
    lines = [f"coverage matrix, {len(run.reports)} backend types x {len(points)} points, {head}",
             "legend: + pass, X missing (required), x missing (advisory), . not applicable, ? cannot check", ""]
    numbers = "".join(f"{i % 100:>3}" for i in range(1, len(points) + 1))
    lines.append(f"{'':<{width}} {numbers}   missing required")
    for report in run.reports:
        cells = "".join(f"{_symbol(r):>3}" for r in report.results)
        failed = ", ".join(r.point.id for r in report.failures) or "-"
        lines.append(f"{report.backend_type:<{width}} {cells}   {failed}")
    lines += ["", "points:"]
    for number, point in enumerate(points, start=1):
        lines.append(f"{number:>3}  {point.id:<26} {'required' if point.required else 'conditional'}  {page_url(point)}")
    return "\n".join(lines) + "\n"


def _symbol(result: Result) -> str:
    if result.status == MISSING and not result.required:
        return MATRIX_SYMBOL_ADVISORY_MISSING
    return MATRIX_SYMBOL[result.status]


def render_markdown(run: AuditRun, link: Callable[[Point], str] | None = None) -> str:
    link = link or page_url
    tree = run.tree
    if len(run.reports) == 1:
        report = run.reports[0]
        lines = [f"**Audit of `{report.backend_type}`** in MassGen {tree.version}"
                 + (f" (class `{report.backend_class}`)" if report.backend_class else ""), "",
                 "| Status | Point | Evidence | Guide |", "|---|---|---|---|"]
        for r in report.results:
            status = r.status + (" (required)" if r.status == MISSING and r.required else "")
            evidence = "<br>".join(f"{md_text.code(e.location)} {md_text.text(e.note)}".strip() for e in r.evidence)
            if r.detail:
                evidence = (evidence + "<br>" if evidence else "") + md_text.text(r.detail)
            lines.append(f"| {status} | `{r.point.id}`: {md_text.text(r.point.title)} | {evidence} | "
                         f"[guide]({link(r.point)}) |")
        counts = report.counts()
        lines += ["", ", ".join(f"{counts[s]} {s}" for s in STATUSES) + f"; {len(report.failures)} required point(s) missing."]
        return "\n".join(lines) + "\n"
    points = run.checklist.points
    header = "| Backend type | " + " | ".join(f"[{i}]({link(p)} \"{p.id}\")" for i, p in enumerate(points, start=1)) + " |"
    lines = [header, "|---" * (len(points) + 1) + "|"]
    for report in run.reports:
        lines.append(f"| `{report.backend_type}` | " + " | ".join(_symbol(r) for r in report.results) + " |")
    return "\n".join(lines) + "\n"


def render_json(run: AuditRun) -> str:
    tree = run.tree
    data = {
        "massgen": {"version": tree.version, "version_from": tree.source.found_version.origin,
                    "checked_against": checked_release(), "kind": tree.source.kind,
                    "package_dir": str(tree.package_dir), "repo_root": str(tree.repo_root) if tree.repo_root else None},
        "exit_code": run.exit_code,
        "warnings": [*version_warnings(tree), *tree.warnings],
        "backends": [{
            "backend_type": report.backend_type, "backend_class": report.backend_class, "counts": report.counts(),
            "missing_required": [r.point.id for r in report.failures],
            "results": [r.as_dict(tree) for r in report.results],
        } for report in run.reports],
    }
    return json.dumps(data, indent=2) + "\n"


def render(run: AuditRun, fmt: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](run)


# ---------------------------------------------------------------------------------------------- CLI
def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit", help="check a MassGen tree for one backend type's integration points",
        description="Check a MassGen tree (static analysis only) for the integration points of a backend type. "
        "Exit 0 when no required point is missing, 1 when one is, 2 on bad input.")
    parser.add_argument("backend_type", nargs="?", metavar="BACKEND_TYPE", help="the YAML backend type, e.g. claude")
    add_massgen_option(parser)
    parser.add_argument("--all", action="store_true", dest="all_types",
                        help="audit every backend type MassGen registers and print the matrix")
    parser.add_argument("--changed", nargs="*", metavar="FILE",
                        help="audit the backend types these changed files touch (the pre-commit hook's entry): "
                        "a massgen/backend/<name>.py, or a type added to or changed in create_backend or "
                        "BACKEND_CAPABILITIES (compared with --base)")
    parser.add_argument("--base", default="HEAD", metavar="REV",
                        help="with --changed: the git revision the registries are compared with (default: HEAD)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(run=main)


def version_warnings(tree: Tree) -> list[str]:
    """The one-line warning when the tree is newer than the release the guide was checked against."""
    warning = newer_tree_warning(tree.version)
    return [warning] if warning else []


def main(args: argparse.Namespace) -> int:
    if args.changed is not None:
        from massgen_guide.audit.changed import audit_changed

        if args.all_types or args.backend_type:
            raise GuideError("give --changed FILE... alone, without BACKEND_TYPE or --all")
        return audit_changed(source_for(args.massgen), args.changed, args.base, args.format)
    if args.all_types and args.backend_type:
        raise GuideError("give either BACKEND_TYPE or --all, not both")
    if not args.all_types and not args.backend_type:
        raise GuideError("give a BACKEND_TYPE (e.g. claude) or --all")
    source = source_for(args.massgen)
    run = run_audit(source, args.backend_type, all_types=args.all_types)
    print_warnings(run.tree)
    sys.stdout.write(render(run, args.format))
    return run.exit_code


def print_warnings(tree: Tree) -> None:
    for warning in [*version_warnings(tree), *tree.warnings]:
        print(f"massgen-guide: warning: {warning}", file=sys.stderr)

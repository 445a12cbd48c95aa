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

import ast
import difflib
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from massgen_guide.audit.class_checks import (
    check_backend_class,
    check_capabilities_entry,
    check_config_validator,
    check_create_backend,
    check_docker_network_rule,
    check_export,
    check_inherits,
    check_mentions_all,
    check_mentions_any,
    check_methods_defined,
)
from massgen_guide.audit.code_reading import check_assigns_attr
from massgen_guide.audit.conditions import CONDITIONS
from massgen_guide.audit.provider_name import check_provider_name_lowers_to_type, check_provider_name_normalizes
from massgen_guide.audit.registry_checks import (
    check_agent_framework,
    check_class_listed,
    check_env_var_agrees,
    check_example_configs,
    check_excluded_params_backend,
    check_excluded_params_shared,
    check_generated_tables,
    check_listing_sites,
    check_native_hook_adapter,
    check_pricing,
    check_repo_text,
    check_script_entry,
    check_tests,
)
from massgen_guide.audit.report import render
from massgen_guide.audit.results import (
    CANNOT_CHECK,
    MISSING,
    NOT_APPLICABLE,
    PASS,
    REPO_ONLY,
    BackendReport,
    Context,
    Outcome,
    Result,
)
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import Check, Checklist, Point, load_checklist
from massgen_guide.facts.collector import collector_off
from massgen_guide.facts.tree import BASE_MODULES, FRAMEWORK_MODULES, ClassInfo, Evidence, Tree
from massgen_guide.progress import progress
from massgen_guide.source.selection import MassGenSource, chosen_source, current_source


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
    "provider_name_normalizes": check_provider_name_normalizes,
    "provider_name_lowers_to_type": check_provider_name_lowers_to_type,
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
              checklist: Checklist | None = None, *, quiet: bool = True) -> AuditRun:
    """Audit one type (or every registered type) of a MassGen tree; `quiet=False` shows progress on stderr. The
    cyclic collector is off meanwhile: the parsed modules it would walk again and again are half the run's time."""
    with collector_off():
        return _run_audit(source, backend_type, all_types, checklist, quiet=quiet)


def _run_audit(source: MassGenSource, backend_type: str | None, all_types: bool, checklist: Checklist | None, *,
               quiet: bool) -> AuditRun:
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
    reports = []
    with progress(len(types), "auditing", quiet=quiet or len(types) == 1) as step:
        for backend in types:
            step(backend)
            reports.append(auditor.audit(backend))
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

"""`massgen-guide audit --changed FILE...`: audit the backend types a change touches (the pre-commit hook's entry).

A change touches a backend type when it changes:

- `massgen/backend/<name>.py`, the module defining the class the type is built as (or a module named after it);
- the type's branch in `create_backend` (`massgen/cli/backends.py`) or its `BACKEND_CAPABILITIES` entry
  (`massgen/backend/capabilities.py`): a type added, removed or edited there, compared with a git revision
  (`--base`, default `HEAD`: what pre-commit compares staged files with).

Framework modules (`base.py`, the mixins) touch no single type and are not audited. Each touched type's text
report is printed; the exit code is 1 when one of them misses a required point.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path, PurePosixPath

from massgen_guide.audit.auditor import Auditor, AuditRun
from massgen_guide.audit.command import print_warnings
from massgen_guide.audit.report import render, render_text
from massgen_guide.facts.ast_reading import compared_types
from massgen_guide.facts.tree import BASE_MODULES, CREATE_BACKEND_FILES, Tree
from massgen_guide.source.selection import MassGenSource

CAPABILITIES_FILE = "massgen/backend/capabilities.py"
REGISTRY_FILES = (*CREATE_BACKEND_FILES, CAPABILITIES_FILE)


def repository_path(changed: str, source: MassGenSource) -> str:
    """A changed file as a repository-style path (`massgen/backend/x.py`), relative to the checkout's root."""
    path = Path(changed)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(source.search_path.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
    return PurePosixPath(path.as_posix()).as_posix().removeprefix("./")


def create_backend_entries(text: str) -> dict[str, str]:
    """Backend type -> the source of its `create_backend` branch (test and body)."""
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    entries: dict[str, str] = {}
    for func in module.body:
        if isinstance(func, ast.FunctionDef) and func.name == "create_backend":
            for node in ast.walk(func):
                if isinstance(node, ast.If):
                    body = "\n".join(ast.get_source_segment(text, stmt) or "" for stmt in node.body)
                    for backend_type in compared_types(node.test):
                        entries.setdefault(backend_type, f"{ast.get_source_segment(text, node.test)}\n{body}")
    return entries


def capabilities_entries(text: str) -> dict[str, str]:
    """Backend type -> the source of its `BACKEND_CAPABILITIES` entry."""
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    entries: dict[str, str] = {}
    for node in module.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        named = any(isinstance(t, ast.Name) and t.id == "BACKEND_CAPABILITIES" for t in targets)
        if named and isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    entries[key.value] = ast.get_source_segment(text, item) or ""
    return entries


def registry_entries(rel: str, text: str) -> dict[str, str]:
    return capabilities_entries(text) if rel == CAPABILITIES_FILE else create_backend_entries(text)


def git_text_at(folder: Path, base: str, rel: str) -> str | None:
    """The file's text at revision `base` ('' when it did not exist there); None when git cannot tell."""
    def git(*args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None

    known = git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if known is None or known.returncode != 0:
        return None
    shown = git("show", f"{base}:./{rel}")
    if shown is None:
        return None
    return shown.stdout if shown.returncode == 0 else ""


def types_changed_in_registry(tree: Tree, rel: str, base: str, notes: list[str]) -> set[str]:
    """Types whose registry entry differs between `base` and the working tree."""
    before = git_text_at(tree.source.search_path, base, rel)
    if before is None:
        notes.append(f"{rel}: cannot compare it with {base} (not a git checkout, or no such revision); "
                     "audit the types it registers by name")
        return set()
    now, then = registry_entries(rel, tree.text(rel) or ""), registry_entries(rel, before)
    return {t for t in set(now) | set(then) if now.get(t) != then.get(t)}


def types_defined_in(auditor: Auditor, rel: str) -> set[str]:
    """Types built from a class defined in this backend module, or named after it."""
    stem = PurePosixPath(rel).stem
    known = auditor.known_types()
    touched = {stem} if stem in known else set()
    for backend_type in known:
        info = auditor.resolve_class(backend_type)[0]
        if info is not None and info.path == rel:
            touched.add(backend_type)
    return touched


def is_backend_module(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return len(parts) == 3 and parts[:2] == ("massgen", "backend") and rel.endswith(".py")


def touched_types(auditor: Auditor, changed: list[str], base: str, notes: list[str]) -> list[str]:
    """The backend types the changed files touch, sorted."""
    touched: set[str] = set()
    for rel in changed:
        if rel in REGISTRY_FILES:
            touched |= types_changed_in_registry(auditor.tree, rel, base, notes)
        if not is_backend_module(rel) or rel == CAPABILITIES_FILE:
            continue
        if rel in BASE_MODULES:
            notes.append(f"{rel}: framework code, no single backend type to audit")
            continue
        touched |= types_defined_in(auditor, rel)
    return sorted(touched)


def audit_changed(source: MassGenSource, changed: list[str], base: str = "HEAD", fmt: str = "text") -> int:
    """Audit each touched type; print the reports and one summary line; 1 when a required point is missing."""
    tree = Tree(source)
    auditor = Auditor(tree)
    notes: list[str] = []
    candidates = touched_types(auditor, [repository_path(c, source) for c in changed], base, notes)
    known = set(auditor.known_types())
    for gone in (t for t in candidates if t not in known):
        notes.append(f"{gone!r} is no longer registered anywhere: not audited")
    types = [t for t in candidates if t in known]
    for note in notes:
        print(f"massgen-guide: note: {note}", file=sys.stderr)
    if not types:
        print("massgen-guide: no backend type is touched by the changed files")
        return 0
    run = AuditRun(tree, auditor.checklist, [auditor.audit(t) for t in types])
    print_warnings(tree)
    if fmt == "text":
        sys.stdout.write("\n".join(render_text(AuditRun(tree, run.checklist, [r])) for r in run.reports))
    else:
        sys.stdout.write(render(run, fmt))
    failing = [f"{r.backend_type} ({', '.join(x.point.id for x in r.failures)})" for r in run.reports if r.failures]
    summary = (f"missing required points: {'; '.join(failing)}" if failing else "no required point missing")
    print(f"massgen-guide: audited {', '.join(types)}: {summary}", file=sys.stderr)
    return run.exit_code

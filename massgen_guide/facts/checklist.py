"""The integration checklist as typed data, loaded from `massgen_guide/data/checklist.yaml`.

`load_checklist()` returns a `Checklist` of `Phase`s and `Point`s. Bad data (a missing key, an unknown phase,
a duplicate id, an unknown check or condition kind, a page outside `docs/`) raises a one-line `GuideError`
naming the file and the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from massgen_guide.errors import GuideError
from massgen_guide.facts.data_files import load_yaml
from massgen_guide.paths import DATA_DIR, DOCS_DIR

DATA_FILE = DATA_DIR / "checklist.yaml"

# The checker kinds `massgen_guide.audit.auditor` implements, with their required parameters.
CHECK_KINDS: dict[str, tuple[str, ...]] = {
    "backend_class": (),
    "methods_defined": ("methods",),
    "mentions_any": ("names",),
    "mentions_all": ("names",),
    "inherits": ("class",),
    "assigns_attr": ("attr", "folder"),
    "export": (),
    "create_backend": (),
    "capabilities_entry": (),
    "config_validator": (),
    "docker_network_rule": (),
    "pricing": (),
    "excluded_params_shared": (),
    "excluded_params_backend": (),
    "env_var_agrees": (),
    "native_hook_adapter": (),
    "agent_framework": ("test",),
    "tests": (),
    "script_entry": ("path", "name"),
    "example_configs": ("folder",),
    "repo_text": ("path",),
    "generated_tables": ("script", "output"),
    "listing_sites": ("requires",),
    "class_listed": ("attr", "path", "name"),
    "provider_name_normalizes": (),
    "provider_name_lowers_to_type": (),
}

# The machine-checkable conditions `massgen_guide.audit.auditor` evaluates.
CONDITION_KINDS: dict[str, tuple[str, ...]] = {
    "api_backend": (),
    "native_tools": (),
    "wrapper": (),
    "stateful": (),
    "docker_execution": (),
    "not_in_litellm": (),
    "own_exclusions": (),
    "reads_env_key": (),
    "capabilities_field_in": ("field", "values"),
    "inherits_method": ("class", "method"),
    "runs_hooks": (),
    "mcp_server_hooks": (),
    "declares_capability": ("names",),
}

REPO_CHECK_KINDS = frozenset({"repo_text", "generated_tables", "script_entry"})
"""The checks that read a checkout's `docs/` or `scripts/` (never in an installed package)."""

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Check:
    """How a point (or a condition) is checked: a kind and its parameters."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class Condition:
    """When a conditional point applies."""

    text: str
    check: Check | None = None
    """A machine-checkable predicate; None makes the point advisory (reported, never failing the audit)."""
    recommended: bool = False
    """True: even where the predicate holds, a miss is reported but does not fail the audit (a convention)."""


@dataclass(frozen=True)
class Phase:
    id: str
    number: str
    title: str

    @property
    def label(self) -> str:
        """As the navigation writes it: "2. Registration", "1.1 The backend class"."""
        return f"{self.number} {self.title}" if "." in self.number else f"{self.number}. {self.title}"


@dataclass(frozen=True)
class Point:
    id: str
    phase: str
    title: str
    file: str
    purpose: str
    check: Check
    page: str
    required: bool = False
    condition: Condition | None = None
    summary: bool = False
    anchor: str | None = None
    note: str | None = None

    @property
    def requirement_text(self) -> str:
        """`Required` or `If <condition>` (for tables and the checklist page)."""
        if self.required:
            return "Required"
        assert self.condition is not None
        return f"If {self.condition.text}"

    @property
    def advisory(self) -> bool:
        """A conditional point whose condition cannot be checked by machine."""
        return not self.required and (self.condition is None or self.condition.check is None
                                      or self.condition.recommended)

    @property
    def repo_only(self) -> bool:
        """The point reads a file that exists only in a MassGen git checkout (docs/ or scripts/)."""
        return self.check.kind in REPO_CHECK_KINDS

    @property
    def repo_folder(self) -> str | None:
        """The checkout folder (`docs` or `scripts`) a repository-only point reads, else None."""
        if not self.repo_only:
            return None
        path = str(self.check.param("path") or self.check.param("script") or "")
        return path.split("/", 1)[0] or None

    def page_target(self) -> str:
        return self.page + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Checklist:
    version: int
    phases: tuple[Phase, ...]
    points: tuple[Point, ...]
    source: Path

    def phase(self, phase_id: str) -> Phase:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def point(self, point_id: str) -> Point:
        for point in self.points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    def by_phase(self) -> list[tuple[Phase, list[Point]]]:
        return [(phase, [p for p in self.points if p.phase == phase.id]) for phase in self.phases]

    def summary_files(self) -> list[tuple[str, list[Point]]]:
        """The file summary: each file once (first appearance order), with the points that touch it."""
        order: dict[str, list[Point]] = {}
        for point in self.points:
            if point.summary:
                order.setdefault(point.file, [])
        for point in self.points:
            if point.file in order:
                order[point.file].append(point)
        return list(order.items())


def _fail(source: Path, where: str, message: str) -> GuideError:
    return GuideError(f"{source.name}: {where}: {message}")


def _parse_check(raw: Any, source: Path, where: str, kinds: dict[str, tuple[str, ...]], what: str) -> Check:
    if not isinstance(raw, dict) or "kind" not in raw:
        raise _fail(source, where, f"{what} must be a mapping with a 'kind'")
    kind = raw["kind"]
    if kind not in kinds:
        raise _fail(source, where, f"unknown {what} kind {kind!r} (known: {', '.join(sorted(kinds))})")
    params = {k: v for k, v in raw.items() if k != "kind"}
    for needed in kinds[kind]:
        if needed not in params:
            raise _fail(source, where, f"{what} kind {kind!r} needs the parameter {needed!r}")
    return Check(kind, params)


def parse_checklist(data: Any, source: Path, docs_dir: Path | None = DOCS_DIR) -> Checklist:
    """Validate raw YAML data into a `Checklist` (raises `GuideError` naming the file and point)."""
    if not isinstance(data, dict):
        raise _fail(source, "top level", "expected a mapping with 'phases' and 'points'")
    phases_raw = data.get("phases")
    points_raw = data.get("points")
    if not isinstance(phases_raw, list) or not phases_raw:
        raise _fail(source, "phases", "expected a non-empty list")
    if not isinstance(points_raw, list) or not points_raw:
        raise _fail(source, "points", "expected a non-empty list")
    phases = []
    for index, raw in enumerate(phases_raw, start=1):
        if not isinstance(raw, dict) or not all(k in raw for k in ("id", "number", "title")):
            raise _fail(source, f"phase #{index}", "needs id, number and title")
        phases.append(Phase(str(raw["id"]), str(raw["number"]), str(raw["title"])))
    phase_ids = {p.id for p in phases}
    points: list[Point] = []
    seen: set[str] = set()
    for index, raw in enumerate(points_raw, start=1):
        if not isinstance(raw, dict):
            raise _fail(source, f"point #{index}", "expected a mapping")
        pid = raw.get("id")
        where = f"point {pid!r}" if pid else f"point #{index}"
        if not isinstance(pid, str) or not _ID_RE.match(pid):
            raise _fail(source, where, "needs an 'id' in kebab-case")
        if pid in seen:
            raise _fail(source, where, "duplicate id")
        seen.add(pid)
        for key in ("phase", "title", "file", "purpose", "check", "page"):
            if key not in raw or raw[key] in (None, ""):
                raise _fail(source, where, f"missing {key!r}")
        unknown = set(raw) - {"id", "phase", "title", "file", "purpose", "check", "page", "required", "condition",
                              "summary", "anchor", "note"}
        if unknown:
            raise _fail(source, where, f"unknown key(s) {', '.join(sorted(unknown))}")
        if raw["phase"] not in phase_ids:
            raise _fail(source, where, f"unknown phase {raw['phase']!r}")
        required = raw.get("required", False)
        if not isinstance(required, bool):
            raise _fail(source, where, "'required' must be true or false")
        condition = None
        if "condition" in raw:
            if required:
                raise _fail(source, where, "a point is either required or has a condition, not both")
            cond = raw["condition"]
            if not isinstance(cond, dict) or not isinstance(cond.get("text"), str) or not cond["text"].strip():
                raise _fail(source, where, "condition needs a 'text'")
            ccheck = None
            if "check" in cond:
                ccheck = _parse_check(cond["check"], source, where, CONDITION_KINDS, "condition check")
            if not isinstance(cond.get("recommended", False), bool):
                raise _fail(source, where, "condition 'recommended' must be true or false")
            condition = Condition(cond["text"].strip(), ccheck, bool(cond.get("recommended", False)))
        elif not required:
            raise _fail(source, where, "needs 'required: true' or a 'condition'")
        check = _parse_check(raw["check"], source, where, CHECK_KINDS, "check")
        repo_path = str(check.params.get("path") or check.params.get("script") or "")
        if check.kind in REPO_CHECK_KINDS and not repo_path.startswith(("docs/", "scripts/")):
            raise _fail(source, where, f"a {check.kind} check reads docs/ or scripts/ of a checkout, not {repo_path!r}")
        page = str(raw["page"])
        if not page.endswith(".md") or page.startswith("/") or ".." in page.split("/"):
            raise _fail(source, where, f"page {page!r} must be a docs/ path ending in .md")
        if docs_dir is not None and not (docs_dir / page).is_file():
            raise _fail(source, where, f"page {page!r} does not exist under docs/")
        points.append(Point(
            id=pid, phase=raw["phase"], title=str(raw["title"]), file=str(raw["file"]),
            purpose=str(raw["purpose"]), check=check, page=page, required=required, condition=condition,
            summary=bool(raw.get("summary", False)), anchor=raw.get("anchor"),
            note=(str(raw["note"]).strip() if raw.get("note") else None),
        ))
    order = [p.id for p in phases]
    for before, after in zip(points, points[1:]):
        if order.index(after.phase) < order.index(before.phase):
            raise _fail(source, f"point {after.id!r}", f"phase {after.phase!r} comes before {before.phase!r} in "
                        "'phases': keep the points in phase order")
    return Checklist(int(data.get("version", 1)), tuple(phases), tuple(points), source)


def guide_docs_dir() -> Path | None:
    """The guide's pages, to check the checklist's links against; None in an installed package, which ships
    without them (its links were checked when it was built and tested)."""
    return DOCS_DIR if DOCS_DIR.is_dir() else None


def load_checklist(path: Path | None = None) -> Checklist:
    """Load and validate the checklist (the packaged one by default; cached)."""
    return _load(str(path or DATA_FILE))


@lru_cache(maxsize=4)
def _load(path_text: str) -> Checklist:
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError(f"{path}: cannot read the checklist ({exc.strerror or exc})") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise GuideError(f"{path.name}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return parse_checklist(data, path, guide_docs_dir())

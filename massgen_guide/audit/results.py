"""What an audit finds: the statuses, a point's result with its evidence, the per-backend report, and
the context the conditions and checks read (one tree, one backend type)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from massgen_guide import site_urls
from massgen_guide.facts.checklist import Point
from massgen_guide.facts.tree import ClassInfo, Evidence, Tree
from massgen_guide.source.selection import MassGenSource

if TYPE_CHECKING:
    from massgen_guide.audit.auditor import Auditor

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


def unreadable(ctx: Context, rel: str, missing: str = "is missing", broken: str = "has a syntax error") -> Outcome:
    """The outcome of a check whose module `rel` cannot be read: cannot check (None) when it has a syntax error,
    missing (False) when it is absent."""
    if rel in ctx.tree.broken:
        return Outcome(None, [], f"{rel} {broken}")
    return Outcome(False, [], f"{rel} {missing}")


def memo(ctx_or_tree: "Context | Tree", key: tuple, compute: Callable[[], Any]) -> Any:
    tree = ctx_or_tree.tree if isinstance(ctx_or_tree, Context) else ctx_or_tree
    if key not in tree.memo:
        tree.memo[key] = compute()
    return tree.memo[key]

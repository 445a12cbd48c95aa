"""The upstream skill file MassGen ships (`massgen/skills/backend-integrator/SKILL.md`), checked like a page."""

from __future__ import annotations

from pathlib import Path

from massgen_guide.checks.claims.check import PageReport, check_markdown
from massgen_guide.checks.claims.fence_refs import check_fences
from massgen_guide.checks.claims.implicit import chunk_table_completeness, implicit_claims
from massgen_guide.checks.claims.index import index_for
from massgen_guide.checks.claims.package_index import PackageIndex
from massgen_guide.errors import GuideError
from massgen_guide.source.selection import MassGenSource

SKILL_PATH = "massgen/skills/backend-integrator/SKILL.md"


def check_upstream(source: MassGenSource, index: PackageIndex | None = None, path: Path | None = None) -> PageReport:
    """Every reference in the skill file, the names its code fences use, and the relations it states in tables
    and sentences."""
    path = path or source.path_of(SKILL_PATH)
    if not path.is_file():
        raise GuideError(f"massgen {source.version} ({source.label}) ships no {SKILL_PATH}")
    index = index or index_for(source)
    text = path.read_text(encoding="utf-8")
    report = check_markdown(text, SKILL_PATH, index, source, extra_claims=implicit_claims(text, index))
    report.findings.extend(chunk_table_completeness(text, SKILL_PATH, index))
    report.findings.extend(check_fences(text, SKILL_PATH, index, source))
    report.findings.sort(key=lambda f: (f.line, f.what != "claim"))
    return report

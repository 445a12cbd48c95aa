"""The audit's report as text, Markdown or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

from massgen_guide import tables
from massgen_guide.audit.results import (
    MATRIX_SYMBOL,
    MATRIX_SYMBOL_ADVISORY_MISSING,
    MISSING,
    STATUSES,
    TEXT_LABEL,
    Result,
    page_url,
)
from massgen_guide.facts.checklist import Point
from massgen_guide.facts.tree import Tree
from massgen_guide.source.tree_version import checked_release, newer_tree_warning

# ---------------------------------------------------------------------------------------------- rendering

if TYPE_CHECKING:
    from massgen_guide.audit.auditor import AuditRun

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


def markdown_table(run: AuditRun, link: Callable[[Point], str] | None = None) -> tables.Table:
    """The audit as a table model: one backend's points (status, point, evidence, guide link), or with several
    backends the matrix (a column per point, numbered, each number linking to its guide page)."""
    link = link or page_url
    if len(run.reports) == 1:
        report = run.reports[0]
        model = tables.table(["Status", "Point", "Evidence", "Guide"], name=f"audit of {report.backend_type}")
        for r in report.results:
            status = r.status + (" (required)" if r.status == MISSING and r.required else "")
            evidence: list = [[tables.code(e.location), f" {e.note}" if e.note else ""] for e in r.evidence]
            if r.detail:
                evidence.append(r.detail)
            model.add(tables.text(status), [tables.code(r.point.id), f": {r.point.title}"],
                      tables.join(evidence, tables.Break()), tables.link(tables.text("guide"), link(r.point)))
        return model
    points = run.checklist.points
    model = tables.table(["Backend type", *(tables.link(tables.text(str(i)), link(p), p.id)
                                            for i, p in enumerate(points, start=1))], name="audit matrix")
    for report in run.reports:
        model.add(tables.code(report.backend_type), *(tables.text(_symbol(r)) for r in report.results))
    return model


def render_markdown(run: AuditRun, link: Callable[[Point], str] | None = None, page: str | None = None) -> str:
    """Markdown for the command line; with `page` (the site), the table in both renderings (`tables.embed`)."""
    model = markdown_table(run, link)
    body = tables.embed(model, page) if page else model.markdown()
    if len(run.reports) == 1:
        report = run.reports[0]
        counts = report.counts()
        head = (f"**Audit of `{report.backend_type}`** in MassGen {run.tree.version}"
                + (f" (class `{report.backend_class}`)" if report.backend_class else ""))
        tail = ", ".join(f"{counts[s]} {s}" for s in STATUSES) + f"; {len(report.failures)} required point(s) missing."
        return f"{head}\n\n{body.strip(chr(10))}\n\n{tail}\n"
    return body


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


def version_warnings(tree: Tree) -> list[str]:
    """The one-line warning when the tree is newer than the release the guide was checked against."""
    warning = newer_tree_warning(tree.version)
    return [warning] if warning else []

"""Page generators for the checklist area, all reading `massgen_guide/data/checklist.yaml`.

- `guide:checklist`: every point as a task list, grouped by phase, each linked to the page that explains it.
- `guide:file-summary`: the files a backend touches, with the points that touch each one.
- `guide:coverage-matrix`: `massgen-guide audit --all` on the MassGen the site documents, one row per backend type.
- `guide:audit-example backend=TYPE format=text|markdown|json`: real audit output, produced at build time.
- `guide:checklist-counts`: one sentence with the point counts.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections import Counter

from ..audit import (CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS, AuditRun, Result, audit_all_for_site,
                     evidence_url, render_markdown, render_text, run_audit)
from ..checklist import Point, load_checklist
from ..directives import DirectiveCall, generator
from ..errors import GuideError
from ..source import current_source

SITE_SYMBOL = {PASS: "✓", MISSING: "✗", NOT_APPLICABLE: "–", CANNOT_CHECK: "?"}
SITE_SYMBOL_ADVISORY_MISSING = "⚠"
GUIDE_MARK = "§"


def rel_link(from_page: str, point: Point) -> str:
    """A relative link from one docs page to a point's guide page (MkDocs checks it in strict builds)."""
    target = posixpath.relpath(point.page, posixpath.dirname(from_page) or ".")
    return target + (f"#{point.anchor}" if point.anchor else "")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------------------------- checklist
@generator("checklist")
def checklist_page(call: DirectiveCall) -> str:
    checklist = load_checklist()
    out: list[str] = []
    for phase, points in checklist.by_phase():
        if not points:
            continue
        out += [f"## {phase.number}. {phase.title}", ""]
        for point in points:
            link = rel_link(call.page, point)
            if point.required:
                when = "**required**"
            elif point.advisory:
                when = f"*recommended*: {point.condition.text}"  # type: ignore[union-attr]
            else:
                when = f"*if* {point.condition.text}"  # type: ignore[union-attr]
            out.append(f"- [ ] **{point.title}** ({when}). File: `{point.file}`. "
                       f"Audit point `{point.id}`. [How to do it]({link})")
            if point.note:
                out.append(f"    <br>*Checked in the source:* {point.note}")
        out.append("")
    return "\n".join(out)


@generator("checklist-point")
def checklist_point(call: DirectiveCall) -> str:
    """One point of the checklist as a note box: its title, when it applies, what the source shows, and the audit
    point's id. Pages that must state a point's fact (e.g. both the registration and the testing page) render it
    from the data instead of restating it."""
    checklist = load_checklist()
    wanted = call.arg("id")
    point = next((p for p in checklist.points if p.id == wanted), None)
    if point is None:
        raise GuideError(f"id={wanted!r}: no such checklist point")
    when = "Required for every backend." if point.required else f"Applies when {point.condition.text}."  # type: ignore[union-attr]
    lines = [f'!!! note "Checklist: {point.title}"', f"    {when} File: `{point.file}`.", ""]
    if point.note:
        lines += [f"    {point.note}", ""]
    lines.append(f"    Audit point `{point.id}` (`massgen-guide audit TYPE` reports it).")
    return "\n".join(lines) + "\n"


@generator("checklist-counts")
def checklist_counts(call: DirectiveCall) -> str:
    checklist = load_checklist()
    required = sum(p.required for p in checklist.points)
    machine = sum(1 for p in checklist.points if not p.required and not p.advisory)
    advisory = sum(1 for p in checklist.points if p.advisory)
    repo = sum(1 for p in checklist.points if p.repo_only)
    return (f"The checklist has **{len(checklist.points)} points** in {len(checklist.phases)} phases: "
            f"{required} required for every backend, {machine} that apply when a condition the audit can "
            f"check holds, and {advisory} recommended (reported, never failing the audit). "
            f"{repo} of them read `docs/` or `scripts/`, which only a MassGen git checkout has.\n")


# ---------------------------------------------------------------------------------------------- file summary
@generator("file-summary")
def file_summary_page(call: DirectiveCall) -> str:
    checklist = load_checklist()
    rows = ["| # | File | Required? | Purpose | Checklist points | Explained in |", "|---|---|---|---|---|---|"]
    for number, (path, points) in enumerate(checklist.summary_files(), start=1):
        head = next(p for p in points if p.summary)
        required = "Yes" if any(p.required for p in points) else _md(head.requirement_text)
        ids = ", ".join(f"`{p.id}`" for p in points)
        pages = []
        for p in points:
            link = f"[{p.page.removesuffix('.md').rsplit('/', 1)[-1]}]({rel_link(call.page, p)})"
            if link not in pages:
                pages.append(link)
        rows.append(f"| {number} | `{path}` | {required} | {_md(head.purpose)} | {ids} | {', '.join(pages)} |")
    notes = [p for p in checklist.points if p.summary and p.note]
    out = rows + [""]
    if notes:
        out += ['!!! note "Where the upstream skill\'s file list is out of date"', ""]
        for point in notes:
            out.append(f"    - `{point.file}`: {point.note}")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- coverage
def _site_run() -> AuditRun:
    return audit_all_for_site(current_source())


def _cell(run: AuditRun, result: Result, page: str) -> str:
    symbol = SITE_SYMBOL_ADVISORY_MISSING if result.status == MISSING and not result.required else SITE_SYMBOL[result.status]
    guide = rel_link(page, result.point)
    title = result.status + (" (required)" if result.status == MISSING and result.required else "")
    if result.evidence:
        title += ": " + ", ".join(e.location for e in result.evidence[:2])
    elif result.detail:
        title += ": " + result.detail
    title = title.replace('"', "'").replace("|", "/")
    url = evidence_url(run.tree, result.evidence[0]) if result.evidence else None
    if url:
        return f'[{symbol}]({url} "{title}") [{GUIDE_MARK}]({guide} "{_md(result.point.title)}")'
    return f'[{symbol}]({guide} "{title}")'


@generator("coverage-matrix")
def coverage_matrix(call: DirectiveCall) -> str:
    run = _site_run()
    points = run.checklist.points
    page = call.page
    counts = Counter(r.status for report in run.reports for r in report.results)
    clean = [r.backend_type for r in run.reports if not r.failures]
    out = [
        f"MassGen **{run.tree.version}**: **{len(run.reports)} backend types** × **{len(points)} points**, "
        f"audited while this site was built ({counts[PASS]} pass, {counts[MISSING]} missing, "
        f"{counts[NOT_APPLICABLE]} not applicable, {counts[CANNOT_CHECK]} cannot check).",
        "",
        f"{len(clean)} types have no required point missing: {', '.join(f'`{t}`' for t in clean) or 'none'}.",
        "",
        "Legend: ✓ pass · ✗ missing (required, or its condition holds) · ⚠ missing (recommended only) · "
        "– not applicable · ? cannot check (the installed package has no `docs/` or `scripts/`). "
        "A symbol links to its evidence in MassGen's source (or, without evidence, to the guide page); "
        f"{GUIDE_MARK} links to the guide page that explains the point. Hover a symbol for the file and line.",
        "",
        "| # | Point | Required? |",
        "|---|---|---|",
    ]
    for number, point in enumerate(points, start=1):
        req = "required" if point.required else ("recommended" if point.advisory else "conditional")
        out.append(f"| {number} | [`{point.id}`]({rel_link(page, point)}): {_md(point.title)} | {req} |")
    out += ["", "| Backend type | " + " | ".join(f"[{i}]({rel_link(page, p)} \"{p.id}\")" for i, p in enumerate(points, start=1)) + " |",
            "|---" * (len(points) + 1) + "|"]
    for report in run.reports:
        cells = " | ".join(_cell(run, r, page) for r in report.results)
        out.append(f"| `{report.backend_type}` | {cells} |")
    out += ["", "## Missing points by backend type", ""]
    for report in run.reports:
        missing = [r for r in report.results if r.status == MISSING]
        if not missing:
            continue
        built = f" (class `{report.backend_class}`)" if report.backend_class else ""
        out.append(f"- **`{report.backend_type}`**{built}:")
        for r in missing:
            kind = "required" if r.required else "recommended"
            out.append(f"    - [`{r.point.id}`]({rel_link(page, r.point)}) ({kind}): {_md(r.detail) or _md(r.point.title)}")
    out.append("")
    if run.tree.warnings:
        out += ['!!! warning "The audit could not read everything"', ""]
        out += [f"    - {w}" for w in run.tree.warnings]
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- audit examples
@generator("audit-example")
def audit_example(call: DirectiveCall) -> str:
    backend = call.arg("backend")
    fmt = call.arg("format", "text")
    source = current_source()
    run = audit_all_for_site(source)  # one --all run per build, shared with the coverage matrix
    if backend != "all":
        reports = [report for report in run.reports if report.backend_type == backend]
        run = AuditRun(run.tree, run.checklist, reports) if reports else run_audit(source, backend)
    if fmt == "markdown":
        return render_markdown(run, link=lambda p: rel_link(call.page, p))
    if fmt == "text":
        text = render_text(run).replace(str(run.tree.package_dir), ".../site-packages/massgen")
        return f'<pre class="guide-output"><code>{html.escape(text.rstrip())}</code></pre>\n'
    if fmt == "json":
        limit = int(call.arg("results", "2"))
        from ..audit import render_json

        data = json.loads(render_json(run))
        data["massgen"]["package_dir"] = ".../site-packages/massgen"
        for backend_data in data["backends"]:
            backend_data["results"] = backend_data["results"][:limit]
        text = json.dumps(data, indent=2)
        return f'<pre class="guide-output"><code>{html.escape(text)}</code></pre>\n'
    raise GuideError(f"format={fmt!r}: expected text, markdown or json")

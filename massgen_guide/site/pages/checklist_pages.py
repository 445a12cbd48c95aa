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

from massgen_guide import tables
from massgen_guide.audit.auditor import AuditRun, audit_all_for_site, run_audit
from massgen_guide.audit.report import render_markdown, render_text
from massgen_guide.audit.results import CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS, Result, evidence_url
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import Point, load_checklist
from massgen_guide.md_text import text as _md
from massgen_guide.site.directives import DirectiveCall, generator
from massgen_guide.source.selection import current_source
from massgen_guide.tables import Cell, Panel, Span, code, header_cell, join, link
from massgen_guide.tables import text as plain

SITE_SYMBOL = {PASS: "✓", MISSING: "✗", NOT_APPLICABLE: "–", CANNOT_CHECK: "?"}
SITE_SYMBOL_ADVISORY_MISSING = "⚠"
GUIDE_MARK = "§"


def rel_link(from_page: str, point: Point) -> str:
    """A relative link from one docs page to a point's guide page (MkDocs checks it in strict builds)."""
    target = posixpath.relpath(point.page, posixpath.dirname(from_page) or ".")
    return target + (f"#{point.anchor}" if point.anchor else "")


# ---------------------------------------------------------------------------------------------- checklist
@generator("checklist")
def checklist_page(call: DirectiveCall) -> str:
    checklist = load_checklist()
    out: list[str] = []
    for phase, points in checklist.by_phase():
        if not points:
            continue
        out += [f"## {phase.label}", ""]
        for point in points:
            link = rel_link(call.page, point)
            if point.required:
                when = "**required**"
            elif point.advisory:
                when = f"*recommended*: {_md(point.condition.text)}"  # type: ignore[union-attr]
            else:
                when = f"*if* {_md(point.condition.text)}"  # type: ignore[union-attr]
            out.append(f"- [ ] **{_md(point.title)}** ({when})<br>"
                       f'<span class="guide-checklist-point-meta">File: `{point.file}` · '
                       f"Audit point `{point.id}` · [How to do it]({link})</span>")
            if point.note:
                out.append(f"    <br>*Checked in the source:* {_md(point.note)}")
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
    model = tables.table(["#", "File", "Required?", "Purpose", "Checklist points", "Explained in"], name=call.name)
    for number, (path, points) in enumerate(checklist.summary_files(), start=1):
        head = next(p for p in points if p.summary)
        required = "Yes" if any(p.required for p in points) else head.requirement_text
        pages = []
        for p in points:
            page_link = link(plain(p.page.removesuffix(".md").rsplit("/", 1)[-1]), rel_link(call.page, p))
            if page_link not in pages:
                pages.append(page_link)
        model.add(plain(number), code(path), required, head.purpose, join([code(p.id) for p in points]),
                  join(pages))
    notes = [p for p in checklist.points if p.summary and p.note]
    out = [tables.embed(model, call.page)]
    if notes:
        out += ['!!! note "Checked in the source (often where the upstream skill is out of date)"', ""]
        for point in notes:
            out.append(f"    - `{point.file}`: {_md(point.note)}")
        out.append("")
    return "\n".join(out)


@generator("files-at-a-glance")
def files_at_a_glance(call: DirectiveCall) -> str:
    """The file summary in short (landing page): each file, when a backend needs it, and its phase."""
    checklist = load_checklist()
    model = tables.table(["File", "When", "Phase"], name=call.name)
    for path, points in checklist.summary_files():
        head = next(p for p in points if p.summary)
        when = "always" if any(p.required for p in points) else head.condition.text  # type: ignore[union-attr]
        phase = checklist.phase(head.phase)
        model.add(code(path), when, link([plain(f"{phase.number}. "), *tables.inline(phase.title)],
                                         rel_link(call.page, head)))
    return tables.embed(model, call.page)


# ---------------------------------------------------------------------------------------------- coverage
def _site_run() -> AuditRun:
    return audit_all_for_site(current_source())


_STATUS_CLASS = {PASS: "pass", MISSING: "missing", NOT_APPLICABLE: "na", CANNOT_CHECK: "unknown"}


def _status_class(result: Result) -> str:
    if result.status == MISSING and not result.required:
        return "advisory"
    return _STATUS_CLASS[result.status]


def _status_text(result: Result) -> str:
    if result.status == MISSING:
        return "missing (required)" if result.required else "missing (recommended only)"
    return result.status


def _matrix_cell(run: AuditRun, result: Result, page: str, backend_type: str, first: bool) -> Cell:
    """One cell: its symbol opens (tap or click) a small panel with the status, the evidence and the guide link;
    the same text is the symbol's hover title. The Markdown rendering keeps the symbol."""
    symbol = SITE_SYMBOL_ADVISORY_MISSING if result.status == MISSING and not result.required else SITE_SYMBOL[result.status]
    point = result.point
    where = [e.location for e in result.evidence[:2]]
    summary_text = f"{backend_type} × {point.id}: {_status_text(result)}" + (f" ({', '.join(where)})" if where else "")
    lines: list = [tables.Strong((plain(_status_text(result)),))]
    for evidence in result.evidence[:2]:
        url = evidence_url(run.tree, evidence)
        lines.append(link(code(evidence.location), url) if url else code(evidence.location))
    if result.detail:
        lines.append(plain(result.detail))
    lines.append(link(plain(f"How: {point.title}"), rel_link(page, point)))
    panel = Panel((plain(symbol),), tuple(join(lines, tables.Break())), summary_text, "guide-cell-detail")
    css = ("guide-matrix-group-start " if first else "") + f"guide-cell guide-cell--{_status_class(result)}"
    return Cell((panel,), css=css)


LEGEND = [("pass", "✓", "pass"), ("missing", "✗", "missing (required, or its condition holds)"),
          ("advisory", SITE_SYMBOL_ADVISORY_MISSING, "missing (recommended only)"), ("na", "–", "not applicable"),
          ("unknown", "?", "cannot check (the installed package has no docs/ or scripts/)")]


def matrix_table(run: AuditRun, page: str) -> tables.Table:
    """The coverage matrix: a row per backend type, a column per checklist point, the columns grouped under their
    phases (whatever points and phases the checklist has); on the site a sticky header row and first column, the
    legend and a "show only missing" switch beside it, cell details on tap or hover."""
    checklist = run.checklist
    groups = [(phase, points) for phase, points in checklist.by_phase() if points]
    order = [point.id for _, points in groups for point in points]
    legend = " ".join(f'<span class="guide-legend-item"><span class="guide-cell--{css}">{symbol}</span> '
                      f"{html.escape(text)}</span>" for css, symbol, text in LEGEND)
    opening = "\n".join([
        '<div class="guide-matrix">',
        f'<p class="guide-matrix-legend"><strong>Legend:</strong> {legend}. Tap or click a symbol for its '
        "evidence and the guide page that explains the point.</p>",
        '<p class="guide-matrix-controls"><label><input type="checkbox" class="guide-matrix-only-missing"> '
        "Show only backend types with a missing point</label></p>",
        '<div class="guide-matrix-scroll" role="region" tabindex="0" '
        'aria-label="Coverage matrix: backend types by checklist points">'])
    headers: list[Cell] = [Cell((plain("Backend type"),))]
    for _, points in groups:
        for index, point in enumerate(points):
            kind = "required" if point.required else ("recommended" if point.advisory else "conditional")
            first = " guide-matrix-group-start" if index == 0 else ""
            headers.append(header_cell(link(Span((plain(point.id),)), rel_link(page, point)),
                                       css=f"guide-matrix-point{first}", title=f"{point.title} ({kind})"))
    model = tables.Table(headers, name="coverage-matrix", css="guide-matrix-table", corner="guide-matrix-corner",
                         groups=[tables.Group(phase.label, len(points), "guide-matrix-phase")
                                 for phase, points in groups],
                         head_css=("guide-matrix-phases", "guide-matrix-points"), wrapper=(opening, "</div>\n</div>"),
                         note="Legend: " + ", ".join(f"{symbol} {text}" for _, symbol, text in LEGEND) + ".")
    starts = {points[0].id for _, points in groups}
    for report in run.reports:
        by_id = {r.point.id: r for r in report.results}
        missing = any(r.status == MISSING for r in report.results)
        row_class = "guide-matrix-row--missing" if missing else "guide-matrix-row--complete"
        model.add(header_cell(code(report.backend_type)),
                  *[_matrix_cell(run, by_id[point_id], page, report.backend_type, point_id in starts)
                    for point_id in order], css=row_class)
    return model


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
        tables.embed(matrix_table(run, page), page),
    ]
    out += ["", "## Missing points by backend type", ""]
    by_type = tables.BulletList(name="missing points by backend type")
    for report in run.reports:
        missing = [r for r in report.results if r.status == MISSING]
        if not missing:
            continue
        built = [" (class ", code(report.backend_class), ")"] if report.backend_class else []
        entry = by_type.add([tables.Strong((code(report.backend_type),)), *built, ":"])
        for r in missing:
            kind = "required" if r.required else "recommended"
            what = r.detail or r.point.title
            entry.add([link(code(r.point.id), rel_link(page, r.point)), plain(f" ({kind}): "), *tables.inline(what)])
    if by_type.items:
        out.append(tables.embed(by_type, page))
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
        return render_markdown(run, link=lambda p: rel_link(call.page, p), page=call.page)
    if fmt == "text":
        text = render_text(run).replace(str(run.tree.package_dir), ".../site-packages/massgen")
        return f'<pre class="guide-output"><code>{html.escape(text.rstrip())}</code></pre>\n'
    if fmt == "json":
        limit = int(call.arg("results", "2"))
        from massgen_guide.audit.report import render_json

        data = json.loads(render_json(run))
        data["massgen"]["package_dir"] = ".../site-packages/massgen"
        for backend_data in data["backends"]:
            backend_data["results"] = backend_data["results"][:limit]
        text = json.dumps(data, indent=2)
        return f'<pre class="guide-output"><code>{html.escape(text)}</code></pre>\n'
    raise GuideError(f"format={fmt!r}: expected text, markdown or json")

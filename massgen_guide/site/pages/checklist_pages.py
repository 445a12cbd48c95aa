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

from massgen_guide.audit.auditor import AuditRun, audit_all_for_site, run_audit
from massgen_guide.audit.report import render_markdown, render_text
from massgen_guide.audit.results import CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS, Result, evidence_url
from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import Point, load_checklist
from massgen_guide.md_text import text as _md
from massgen_guide.site.directives import DirectiveCall, generator
from massgen_guide.source.selection import current_source

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
        out += ['!!! note "Checked in the source (often where the upstream skill is out of date)"', ""]
        for point in notes:
            out.append(f"    - `{point.file}`: {_md(point.note)}")
        out.append("")
    return "\n".join(out)


@generator("files-at-a-glance")
def files_at_a_glance(call: DirectiveCall) -> str:
    """The file summary in short (landing page): each file, when a backend needs it, and its phase."""
    checklist = load_checklist()
    rows = ["| File | When | Phase |", "| --- | --- | --- |"]
    for path, points in checklist.summary_files():
        head = next(p for p in points if p.summary)
        when = "always" if any(p.required for p in points) else head.condition.text  # type: ignore[union-attr]
        phase = checklist.phase(head.phase)
        rows.append(f"| `{path}` | {_md(when)} | [{phase.number}. {_md(phase.title)}]({rel_link(call.page, head)}) |")
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------------------------- coverage
def _site_run() -> AuditRun:
    return audit_all_for_site(current_source())


def site_href(from_page: str, page: str, anchor: str = "") -> str:
    """The relative URL, as the built site has it (directory URLs), from one docs page to another page; for
    raw HTML, which the engine does not rewrite."""
    def directory(path: str) -> str:
        path = path.partition("#")[0]
        if path == "index.md" or path.endswith("/index.md"):
            return path[: -len("index.md")]
        return path[: -len(".md")] + "/"

    target = posixpath.relpath(directory(page) or ".", directory(from_page) or ".")
    target = "./" if target == "." else target + "/"
    anchor = anchor or page.partition("#")[2]
    return target + (f"#{anchor}" if anchor else "")


_STATUS_CLASS = {PASS: "pass", MISSING: "missing", NOT_APPLICABLE: "na", CANNOT_CHECK: "unknown"}


def _status_class(result: Result) -> str:
    if result.status == MISSING and not result.required:
        return "advisory"
    return _STATUS_CLASS[result.status]


def _status_text(result: Result) -> str:
    if result.status == MISSING:
        return "missing (required)" if result.required else "missing (recommended only)"
    return result.status


def _matrix_cell(run: AuditRun, result: Result, page: str, backend_type: str) -> str:
    """One cell: its symbol opens (tap or click) a small panel with the status, the evidence and the guide link;
    the same text is the symbol's hover title."""
    symbol = SITE_SYMBOL_ADVISORY_MISSING if result.status == MISSING and not result.required else SITE_SYMBOL[result.status]
    point = result.point
    where = [e.location for e in result.evidence[:2]]
    summary_text = f"{backend_type} × {point.id}: {_status_text(result)}" + (f" ({', '.join(where)})" if where else "")
    lines = [f"<strong>{html.escape(_status_text(result))}</strong>"]
    for evidence in result.evidence[:2]:
        url = evidence_url(run.tree, evidence)
        location = f"<code>{html.escape(evidence.location)}</code>"
        lines.append(f'<a href="{html.escape(url)}">{location}</a>' if url else location)
    if result.detail:
        lines.append(html.escape(result.detail))
    guide = site_href(page, point.page, point.anchor or "")
    lines.append(f'<a href="{html.escape(guide)}">How: {html.escape(point.title)}</a>')
    return (f'<td class="guide-cell guide-cell--{_status_class(result)}"><details>'
            f'<summary title="{html.escape(summary_text)}" aria-label="{html.escape(summary_text)}">{symbol}</summary>'
            f'<div class="guide-cell-detail">{"<br>".join(lines)}</div></details></td>')


LEGEND = [("pass", "✓", "pass"), ("missing", "✗", "missing (required, or its condition holds)"),
          ("advisory", SITE_SYMBOL_ADVISORY_MISSING, "missing (recommended only)"), ("na", "–", "not applicable"),
          ("unknown", "?", "cannot check (the installed package has no docs/ or scripts/)")]


def matrix_html(run: AuditRun, page: str) -> str:
    """The coverage matrix as one HTML block: a row per backend type, a column per checklist point, the columns
    grouped under their phases (whatever points and phases the checklist has); a sticky header row and first
    column, the legend and a "show only missing" switch beside it, cell details on tap or hover."""
    checklist = run.checklist
    groups = [(phase, points) for phase, points in checklist.by_phase() if points]
    order = [point.id for _, points in groups for point in points]
    legend = " ".join(f'<span class="guide-legend-item"><span class="guide-cell--{css}">{symbol}</span> '
                      f"{html.escape(text)}</span>" for css, symbol, text in LEGEND)
    out = ['<div class="guide-matrix">',
           f'<p class="guide-matrix-legend"><strong>Legend:</strong> {legend}. Tap or click a symbol for its '
           "evidence and the guide page that explains the point.</p>",
           '<p class="guide-matrix-controls"><label><input type="checkbox" class="guide-matrix-only-missing"> '
           "Show only backend types with a missing point</label></p>",
           '<div class="guide-matrix-scroll" role="region" tabindex="0" '
           'aria-label="Coverage matrix: backend types by checklist points">',
           '<table class="guide-matrix-table">', "<thead>",
           '<tr class="guide-matrix-phases"><th class="guide-matrix-corner" rowspan="2" scope="col">Backend type</th>']
    for phase, points in groups:
        label = phase.label
        out.append(f'<th class="guide-matrix-phase" colspan="{len(points)}" scope="colgroup" title="{html.escape(label)}">'
                   f"{html.escape(label)}</th>")
    out.append("</tr>")
    out.append('<tr class="guide-matrix-points">')
    for _, points in groups:
        for index, point in enumerate(points):
            kind = "required" if point.required else ("recommended" if point.advisory else "conditional")
            first = " guide-matrix-group-start" if index == 0 else ""
            out.append(f'<th class="guide-matrix-point{first}" scope="col" title="{html.escape(point.title)} ({kind})">'
                       f'<a href="{html.escape(site_href(page, point.page, point.anchor or ""))}">'
                       f"<span>{html.escape(point.id)}</span></a></th>")
    out += ["</tr>", "</thead>", "<tbody>"]
    starts = {points[0].id for _, points in groups}
    for report in run.reports:
        by_id = {r.point.id: r for r in report.results}
        missing = any(r.status == MISSING for r in report.results)
        row_class = "guide-matrix-row--missing" if missing else "guide-matrix-row--complete"
        cells = []
        for point_id in order:
            cell = _matrix_cell(run, by_id[point_id], page, report.backend_type)
            if point_id in starts:
                cell = cell.replace('<td class="guide-cell ', '<td class="guide-matrix-group-start guide-cell ', 1)
            cells.append(cell)
        out.append(f'<tr class="{row_class}"><th scope="row"><code>{html.escape(report.backend_type)}</code></th>'
                   + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>", "</div>", ""]
    return "\n".join(out)


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
        matrix_html(run, page),
    ]
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
        from massgen_guide.audit.report import render_json

        data = json.loads(render_json(run))
        data["massgen"]["package_dir"] = ".../site-packages/massgen"
        for backend_data in data["backends"]:
            backend_data["results"] = backend_data["results"][:limit]
        text = json.dumps(data, indent=2)
        return f'<pre class="guide-output"><code>{html.escape(text)}</code></pre>\n'
    raise GuideError(f"format={fmt!r}: expected text, markdown or json")

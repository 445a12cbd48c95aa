"""Renderings of check results: plain text and JSON for the command, Markdown for the generated pages."""

from __future__ import annotations

import re

from massgen_guide import md_text, tables
from massgen_guide.checks.claims.check import PageReport
from massgen_guide.checks.claims.classify import IGNORE_RULES, KIND_RULES
from massgen_guide.checks.claims.references import FAILED, UNCHECKABLE, VERIFIED
from massgen_guide.checks.claims.syntax import PATTERNS
from massgen_guide.source.selection import MassGenSource

SUMMARY_KEYS = ("references", "references_verified", "references_failed", "references_unchecked",
                "claims", "claims_verified", "claims_failed", "claims_unchecked", "ignored")


def totals(reports: list[PageReport]) -> dict[str, int]:
    out = {key: 0 for key in SUMMARY_KEYS}
    for report in reports:
        for key, value in report.summary().items():
            out[key] = out.get(key, 0) + value
    return out


def describe_source(source: MassGenSource) -> dict[str, str]:
    return {"version": source.version, "kind": source.kind, "label": source.label}


def text_report(reports: list[PageReport], source: MassGenSource) -> str:
    lines = [f"massgen {source.version} ({source.label})"]
    for report in reports:
        s = report.summary()
        if not s["references"] and not s["claims"]:
            continue
        lines.append(f"{report.page}: references {s['references']} ({s['references_verified']} verified, "
                     f"{s['references_failed']} failed, {s['references_unchecked']} cannot check); claims "
                     f"{s['claims']} ({s['claims_verified']} verified, {s['claims_failed']} failed)")
        for finding in report.findings:
            if finding.status != VERIFIED:
                lines.append(f"  {finding.status.upper()}: {finding.describe()}")
    errors = sorted({e for r in reports for e in r.parse_errors})
    for error in errors:
        lines.append(f"MassGen file could not be parsed (the rest was checked): {error}")
    t = totals(reports)
    if t.get("fences"):
        lines.append(f"fences: {t['fences']} ({t['fences_verified']} verified, {t['fences_failed']} out of date, "
                     f"{t['fences_unchecked']} cannot check)")
    lines.append(f"total: references {t['references']} ({t['references_verified']} verified, "
                 f"{t['references_failed']} failed, {t['references_unchecked']} cannot check), claims {t['claims']} "
                 f"({t['claims_verified']} verified, {t['claims_failed']} failed), {t['ignored']} spans ignored")
    return "\n".join(lines)


def json_report(reports: list[PageReport], source: MassGenSource) -> dict:
    return {"massgen": describe_source(source), "totals": totals(reports), "pages": [r.to_json() for r in reports]}


def _cell(text: str) -> str:
    return md_text.text(text)


def _code(text: str) -> str:
    return md_text.code(text)


def markdown_claims_report(reports: list[PageReport], source: MassGenSource, page: str | None = None) -> str:
    """The claims report page; with `page` (the site), its tables in both renderings (`tables.embed`)."""
    t = totals(reports)
    out = [
        f"Checked against **massgen {source.version}** ({_source_phrase(source)}) while this site was "
        "built. The build fails on any failed reference or claim, so on a published site every row below holds.",
        "",
        f"- **References**: {t['references']} found, {t['references_verified']} verified, "
        f"{t['references_failed']} failed, {t['references_unchecked']} cannot be checked here "
        f"({t['ignored']} inline code spans are not MassGen names, by the rules below).",
        f"- **Claims**: {t['claims']} found, {t['claims_verified']} verified, {t['claims_failed']} failed.",
    ]
    counts = tables.table(["Page", "References", "Verified", "Failed", "Cannot check", "Claims", "Verified",
                           "Failed"], name="claims report: pages", align=["", *["right"] * 7])
    for report in reports:
        s = report.summary()
        if not s["references"] and not s["claims"]:
            continue
        counts.add(tables.code(report.page), *(tables.text(s[key]) for key in (
            "references", "references_verified", "references_failed", "references_unchecked", "claims",
            "claims_verified", "claims_failed")))
    out.append(tables.block(counts, page))
    problems = [f for r in reports for f in r.findings if f.status != VERIFIED]
    if problems:
        out += ["## Not verified"]
        model = tables.table(["Where", "Reference or claim", "Status", "Why", "Closest"], name="claims report: not verified")
        for f in problems:
            model.add(tables.code(f.where), tables.code(f.text) if f.what == "reference" else f.text,
                      tables.text(f.status), f.message, tables.code(f.suggestion) if f.suggestion else None)
        out.append(tables.block(model, page))
    claims = [f for r in reports for f in r.findings if f.what == "claim"]
    if claims:
        out += ["## Claims"]
        model = tables.table(["Where", "Claim", "Result", "Evidence"], name="claims report: claims")
        for f in claims:
            model.add(tables.code(f.where), f.text, [tables.text(f"{f.status}: "), *tables.inline(f.message)],
                      tables.code(f.evidence) if f.evidence else None)
        out.append(tables.block(model, page))
    out += ["## How inline code is read", "",
            "Each inline code span outside code fences is read by the first rule that matches.", "",
            "**Checked** (the kind, then what must exist):", ""]
    out += [f"- **{kind}**: {_cell(rule)}" for kind, rule in KIND_RULES]
    out += ["", "**Ignored** (not a MassGen name):", ""]
    out += [f"- `{rule}`: {text}" for rule, text in IGNORE_RULES.items()]
    out += ["", "A reference that does not resolve on a line that speaks of it as gone (\"no longer\", \"moved\", "
            "\"the skill file\"...) is listed as *cannot check* instead of failing; state such facts as a claim "
            "(`X does not exist`) to have them verified.", "",
            "## The claim syntax", "",
            "Writers state relations as `[[claim: STATEMENT]]` (rendered as the statement) or "
            "`[[claim: STATEMENT | shown text]]` (rendered as the shown text). The build verifies each one and "
            "fails at the page and line whose claim no longer holds; a malformed claim is one error naming "
            "page and line. The statements:", ""]
    seen = set()
    for _, _, form in PATTERNS:
        if form not in seen:
            seen.add(form)
            out.append(f"- {form}")
    return "\n".join(out) + "\n"


def _suggestion_location(suggestion: str) -> str:
    """`name (massgen/x.py:12)` -> `massgen/x.py:12`; a bare path suggestion is its own evidence."""
    match = re.search(r"\((massgen/[^)]+)\)", suggestion)
    if match:
        return match.group(1)
    return suggestion if suggestion.startswith("massgen/") else ""


def _source_phrase(source: MassGenSource) -> str:
    return source.kind if source.label == source.kind else f"{source.kind}: `{source.label}`"


def markdown_upstream(report: PageReport, source: MassGenSource, page: str | None = None) -> str:
    failed = [f for f in report.findings if f.status == FAILED]
    unchecked = [f for f in report.findings if f.status == UNCHECKABLE]
    s = report.summary()
    out = [
        f"MassGen **{source.version}** ({_source_phrase(source)}) ships `{report.page}`. The guide's "
        "checker read it like one of our pages: its inline code, the names its code fences use, and the "
        "relations it states in tables (line counts, hook types, abstract methods, the chunk-type table and "
        "its fields) and sentences (defaults, base classes, what a class calls, lists that \"must stay in sync\"). "
        "Where it and the code disagree, the code wins.",
        "",
        f"- References: {s['references']} found, {s['references_verified']} verified, "
        f"**{s['references_failed']} out of date**, {s['references_unchecked']} cannot be checked in an "
        "installed package (repository-only `scripts/` and `docs/`).",
        f"- Code fences (imports, methods called on MassGen objects, keyword arguments, paths): "
        f"{s.get('fences', 0)} found, {s.get('fences_verified', 0)} verified, "
        f"**{s.get('fences_failed', 0)} out of date**, {s.get('fences_unchecked', 0)} cannot be checked (a helper of "
        "one backend or of the reader, or a repository-only path).",
        f"- Stated relations (sentences and table rows any claim kind can decide): {s['claims']} found, "
        f"{s['claims_verified']} verified, **{s['claims_failed']} out of date**.",
        "",
        "## Out of date", "",
    ]
    if not failed:
        out.append("Nothing: every reference and stated relation holds for this MassGen.")
    for f in failed:
        said = f.source_line.strip() or f.text
        instead = f.message + (f"; closest: {_code(f.suggestion)}" if f.suggestion else "")
        evidence = f.evidence or _suggestion_location(f.suggestion)
        out += [f"### `SKILL.md:{f.line}`: {_code(f.text) if f.what != 'claim' else _cell(f.text)} ({f.what})", "",
                f"- **Upstream says** (line {f.line}): {_code(said[:300])}",
                f"- **The code says**: {instead}",
                f"- **Evidence**: {_code(evidence) if evidence else 'none found'}", ""]
    if unchecked:
        out += ["## Cannot be checked here", "",
                "Files that exist only in a MassGen git checkout (set `MASSGEN_SOURCE` to a checkout path to check "
                "them), and methods a fence calls that belong to one backend or to the reader's own code."]
        model = tables.table(["Line", "Reference", "Why"], name="upstream skill: cannot be checked")
        for f in unchecked:
            model.add(tables.text(f.line), tables.code(f.text), f.message)
        out.append(tables.block(model, page))
    return "\n".join(out) + "\n"

"""Page generators: the claims report, the upstream skill checked, and the claims across releases."""

from __future__ import annotations

from pathlib import Path

from massgen_guide.paths import DOCS_DIR
from massgen_guide.site.directives import DirectiveCall, generator


@generator("claims-report")
def claims_report(call: DirectiveCall) -> str:
    from massgen_guide.checks.claims.check import check_docs
    from massgen_guide.checks.claims.report import markdown_claims_report
    from massgen_guide.source.selection import current_source

    source = current_source()
    return markdown_claims_report(check_docs(DOCS_DIR, source), source, call.page)


@generator("upstream-skill-report")
def upstream_skill_report(call: DirectiveCall) -> str:
    from massgen_guide.checks.claims.report import markdown_upstream
    from massgen_guide.checks.claims.upstream import SKILL_PATH, check_upstream
    from massgen_guide.source.selection import current_source

    source = current_source()
    if not source.path_of(SKILL_PATH).is_file():
        return (f'!!! info "No skill file in this MassGen"\n    massgen {source.version} ({source.label}) ships no '
                f"`{SKILL_PATH}`, so there is nothing to compare.\n")
    return markdown_upstream(check_upstream(source), source, call.page)


@generator("versions-report")
def versions_report(call: DirectiveCall) -> str:
    from massgen_guide.checks.claims.versions import DATA_FILE, load_data, markdown_versions

    return markdown_versions(load_data(Path(call.args["data"]) if "data" in call.args else DATA_FILE), call.page)


@generator("binding-report")
def binding_report(call: DirectiveCall) -> str:
    from massgen_guide.checks.claims.binding import binding_for_docs, markdown_binding_report

    return markdown_binding_report(binding_for_docs(DOCS_DIR), call.page)

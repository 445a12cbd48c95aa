"""The checker that keeps the guide's prose honest.

Modules, one job each:

- `index`: a static (`ast`) index of a MassGen package, cached per source;
- `markdown`: the lines of a page outside code fences, their inline code, links and claims;
- `classify`: the explicit rules deciding what an inline code span refers to (or why it is ignored);
- `references`: verifying a reference against the index, with a difflib suggestion;
- `syntax`: the `[[claim: ...]]` syntax, parsed and rendered;
- `relations`: verifying a claim;
- `check`: checking pages (used by the build, the CLI and the tests);
- `implicit`: relations the upstream skill file states in tables and sentences;
- `upstream`: the upstream skill file, checked;
- `versions`: the checks run against several MassGen releases;
- `report`: text, JSON and Markdown renderings of the results.
"""

from __future__ import annotations

from massgen_guide.checks.claims.check import Finding, PageReport, check_docs, check_markdown, render_claims


def check_page_for_build(markdown: str, src_uri: str) -> str:
    """The build's entry point: check one page against the selected MassGen (raises GuideError on any failure)
    and return it with its claims rendered as text."""
    from massgen_guide.checks.claims.check import check_page_for_build as _check
    from massgen_guide.source.selection import current_source

    return _check(markdown, src_uri, current_source())


def parse_error_lines() -> str:
    """The selected MassGen's files that could not be parsed, one per line ("" when every file parsed): the build
    checks pages from its cache only when this is empty, since the uncached check warns about each of them."""
    from massgen_guide.checks.claims.check import index_for
    from massgen_guide.source.selection import current_source

    return "\n".join(sorted(index_for(current_source()).parse_errors.values()))


__all__ = ["Finding", "PageReport", "check_docs", "check_markdown", "check_page_for_build", "parse_error_lines",
           "render_claims"]

"""Checking pages: every reference and claim on a page, verified against one MassGen."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from massgen_guide.checks.claims.classify import (
    EXTERNAL_OWNER_RE,
    OUR_FILES_RE,
    REPO_ONLY_ROOTS,
    Ignored,
    Reference,
    classify,
)
from massgen_guide.checks.claims.facts_inline import contradictions, render_fact
from massgen_guide.checks.claims.index import build_index, index_for
from massgen_guide.checks.claims.markdown import iter_prose_lines
from massgen_guide.checks.claims.package_index import PackageIndex
from massgen_guide.checks.claims.references import FAILED, UNCHECKABLE, VERIFIED, verify_reference
from massgen_guide.checks.claims.relations import verify_claim
from massgen_guide.checks.claims.shown import anchor, anchor_lines, render_reference, showing_blocks
from massgen_guide.checks.claims.shown import verify_reference as verify_shown
from massgen_guide.checks.claims.syntax import Claim, parse_claim
from massgen_guide.checks.fences import fenced_line_numbers
from massgen_guide.errors import GuideError
from massgen_guide.paths import PROJECT_ROOT
from massgen_guide.source.selection import MassGenSource

log = logging.getLogger("mkdocs.plugins.massgen_guide.checks.claims")
_warned: set[str] = set()
HISTORICAL_RE = re.compile(r"\b(any ?more|no longer|used to|moved|renamed|older|skill file|upstream skill|"
                           r"was removed|were removed|does not exist|do not exist|the skill|skill's)\b", re.I)


@dataclass
class Finding:
    page: str
    line: int
    what: str
    """`reference` or `claim`."""
    kind: str
    """The reference kind (`path`, `member`, ...) or the claim relation (`subclasses`, ...)."""
    text: str
    status: str
    message: str = ""
    suggestion: str = ""
    evidence: str = ""
    source_line: str = ""

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def describe(self) -> str:
        label = f"`{self.text}`" if self.what in ("reference", "fence") else \
            f"[[{self.text}]]" if self.kind in ("shown-by", "fact") and self.text.startswith(("shown-by:", "fact:")) \
            else f"`{self.text}`" if self.kind == "fact" else f"[[claim: {self.text}]]"
        out = f"{self.where}: {self.what} {label} ({self.kind}): {self.message or self.status}"
        if self.suggestion:
            out += f"; closest: {self.suggestion}"
        return out


@dataclass
class PageReport:
    page: str
    findings: list[Finding] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    parse_errors: list[str] = field(default_factory=list)
    """MassGen files that failed to parse (the rest of MassGen was still checked)."""

    def count(self, what: str, status: str | None = None) -> int:
        return sum(1 for f in self.findings if f.what == what and (status is None or f.status == status))

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == FAILED]

    def summary(self) -> dict[str, int]:
        out = {}
        for what in ("reference", "claim", "fence"):
            if what == "fence" and not self.count(what):
                continue  # only the upstream file's fences are read
            out[f"{what}s"] = self.count(what)
            out[f"{what}s_verified"] = self.count(what, VERIFIED)
            out[f"{what}s_failed"] = self.count(what, FAILED)
            out[f"{what}s_unchecked"] = self.count(what, UNCHECKABLE)
        out["ignored"] = sum(self.ignored.values())
        return out

    def to_json(self) -> dict:
        return {"page": self.page, "summary": self.summary(), "ignored_by_rule": dict(self.ignored),
                "massgen_parse_errors": self.parse_errors,
                "findings": [asdict(f) for f in self.findings]}


GUIDE_ROOT = PROJECT_ROOT
OWN_CODE = ("snippets/", "massgen_guide/examples/fake_provider.py", "massgen_guide/examples/conformance/")
"""This guide's own example code: the worked-example pages name its classes and functions."""


@lru_cache(maxsize=1)
def own_indexes() -> tuple[PackageIndex, ...]:
    """Indexes of this guide's own example code (`OWN_CODE`), the fallback for names MassGen does not have."""
    def include(rel: str) -> bool:
        return rel.startswith(OWN_CODE)

    return tuple(build_index(GUIDE_ROOT / folder, "guide", include) for folder in ("snippets", "massgen_guide")
                 if (GUIDE_ROOT / folder).is_dir())


def own_outcome(item: Reference):
    for own in own_indexes():
        outcome = verify_reference(own, None, item)
        if outcome.status == VERIFIED:
            outcome.message = "this guide's own example code, not MassGen's"
            return outcome
    return None


def parse_page_claims(markdown: str, page: str) -> list[tuple[int, Claim]]:
    """Every claim on a page (outside code fences); a malformed one raises a one-line GuideError."""
    out = []
    for line in iter_prose_lines(markdown):
        where = f"{page}:{line.number}"
        for span in line.claims:
            out.append((line.number, parse_claim(span.text, where)))
        if line.malformed_claim and line.malformed_claim.lower().startswith("[[fact"):
            raise GuideError(f"{where}: malformed fact {line.malformed_claim[:80]!r}: write "
                             "[[fact: NAME key=value]] on one line, closed by ]]")
        if line.malformed_claim and line.malformed_claim.lower().startswith("[[shown"):
            raise GuideError(f"{where}: malformed block reference {line.malformed_claim[:80]!r}: write "
                             "[[shown-by: NAME]] on one line, closed by ]]")
        if line.malformed_claim:
            raise GuideError(f"{where}: malformed claim {line.malformed_claim[:80]!r}: write "
                             "[[claim: STATEMENT]] on one line, closed by ]]")
    return out


_REPORTS: dict[tuple[str, str, int, int], tuple[object, object, "PageReport"]] = {}


def forget_own_code() -> None:
    """Forget the index of the guide's own example code and every page report made with it (`serve`, after a
    snippet changed: a page's report is kept by its Markdown, which does not change with the snippet)."""
    own_indexes.cache_clear()
    _REPORTS.clear()


ReportStore = Callable[[tuple[str, str, str, str], Callable[[], "PageReport"]], "PageReport"]
"""`store(key, check)`: the page's report as `check()` gives it, or as kept from an earlier call with the same key
(the page, its Markdown, and the indexed MassGen's folder and version)."""
_store: ReportStore | None = None


def keep_reports_in(store: ReportStore | None) -> None:
    """Keep every page's report in `store` as well (the site build's cache, shared by the build's processes, so
    that the claims report reads what the build already checked); None: in this process only."""
    global _store
    _store = store


def check_markdown(markdown: str, page: str, index: PackageIndex, source: MassGenSource | None = None,
                   extra_claims: list[tuple[int, Claim, str]] | None = None) -> "PageReport":
    """Check one page; the same text against the same index is checked once per process (the build and the
    claims report both ask), and once per build with a report store (`keep_reports_in`)."""
    if extra_claims is not None:
        return _check_markdown(markdown, page, index, source, extra_claims)
    key = (page, markdown, id(index), id(source))
    cached = _REPORTS.get(key)
    if cached is not None and cached[0] is index and cached[1] is source:
        return cached[2]
    if _store is not None:
        report = _store((page, markdown, index.package_dir, index.version),
                        lambda: _check_markdown(markdown, page, index, source))
    else:
        report = _check_markdown(markdown, page, index, source)
    _REPORTS[key] = (index, source, report)
    return report


def _check_markdown(markdown: str, page: str, index: PackageIndex, source: MassGenSource | None = None,
                   extra_claims: list[tuple[int, Claim, str]] | None = None) -> PageReport:
    """Check one page. `page` is how the page is named in messages (e.g. `docs/phases/hooks.md`)."""
    report = PageReport(page)
    lines = iter_prose_lines(markdown)
    by_number = {line.number: line.text for line in lines}
    for number, claim in parse_page_claims(markdown, page):
        outcome = verify_claim(index, claim)
        report.findings.append(Finding(page, number, "claim", claim.relation, claim.statement, outcome.status,
                                       outcome.message, outcome.suggestion, outcome.evidence,
                                       by_number.get(number, "").strip()))
    blocks = showing_blocks(markdown, page) if any(line.shown_by for line in lines) else {}
    for line in lines:
        for span in line.shown_by:
            holds, message, evidence = verify_shown(span.text, blocks, page)
            report.findings.append(Finding(page, line.number, "claim", "shown-by", f"shown-by: {span.text}",
                                           VERIFIED if holds else FAILED, message, "", evidence,
                                           line.text.strip()))
    for line in lines:
        for span in line.facts:
            try:
                rendered, status, message = render_fact(span.text), VERIFIED, "rendered from the guide's data"
            except (KeyError, ValueError, StopIteration) as exc:
                rendered, status, message = "", FAILED, str(exc).strip("'\"")
            report.findings.append(Finding(page, line.number, "claim", "fact", f"fact: {span.text}", status,
                                           message, "", rendered, line.text.strip()))
        for span, wanted in contradictions([s.text for s in line.code_spans]):
            report.findings.append(Finding(page, line.number, "claim", "fact", span, FAILED,
                                           f"states the API-key form {span}; the guide's form "
                                           f"(massgen_guide/data/scaffold.yaml api_key_form) is {wanted}: write "
                                           "[[fact: api-key-form env=...]]", "", "", line.text.strip()))
    for number, claim, text in extra_claims or []:
        outcome = verify_claim(index, claim)
        report.findings.append(Finding(page, number, "claim", claim.relation, text, outcome.status,
                                       outcome.message, outcome.suggestion, outcome.evidence,
                                       by_number.get(number, "").strip()))
    repo_only_path = ""  # the last scripts/ or docs/ path named in the current section
    for line in lines:
        if line.text.lstrip().startswith("#"):
            repo_only_path = ""
        spans = [(span.text, False, span.column) for span in line.code_spans] + \
            [(span.text, True, span.column) for span in line.link_targets]
        ours_line = bool(OUR_FILES_RE.search(line.text))
        for text, is_link, column in spans:
            items = [Reference(text, "path" if "/" in text else "module", text)] if is_link else \
                classify(text, line.context)
            prefix = line.text[: max(column - 1, 0)]
            if not is_link and f"search for `{text}`" in line.text.lower():
                items = [Ignored(text, "search-term")]
            elif not is_link and EXTERNAL_OWNER_RE.search(prefix):
                items = [Ignored(text, "external-owner")]
            elif not is_link and ours_line and not text.startswith(("massgen/", "massgen.")):
                items = [Ignored(text, "ours")]
            for item in items:
                if isinstance(item, Ignored):
                    report.ignored[item.rule] += 1
                    continue
                outcome = verify_reference(index, source, item)
                if outcome.status == FAILED and item.kind not in {"path", "file name", "module", "chunk type"}:
                    own = own_outcome(item)
                    if own is not None:
                        outcome = own
                if outcome.status == FAILED and HISTORICAL_RE.search(line.text):
                    outcome.status = UNCHECKABLE
                    outcome.message = (f"{outcome.message}; the line speaks of it as gone (write "
                                       f"[[claim: {item.target} does not exist]] to have that verified)")
                if item.kind == "path" and item.target.split("/", 1)[0] in REPO_ONLY_ROOTS:
                    repo_only_path = item.target
                elif outcome.status == FAILED and repo_only_path and outcome.status != UNCHECKABLE \
                        and item.kind in {"constant", "name", "function", "config key"} \
                        and (source is None or source.repo_root is None):
                    outcome.status = UNCHECKABLE
                    outcome.message = (f"not in the package; this section is about {repo_only_path}, which "
                                       "exists only in a MassGen checkout")
                report.findings.append(Finding(page, line.number, "reference", item.kind, item.text,
                                               outcome.status, outcome.message, outcome.suggestion,
                                               outcome.evidence, line.text.strip()))
    if index.parse_errors:
        report.parse_errors = sorted(index.parse_errors.values())
        note = f" (note: {len(index.parse_errors)} MassGen file(s) could not be parsed: " + \
            ", ".join(sorted(index.parse_errors)[:3]) + ")"
        for finding in report.findings:
            if finding.status == FAILED:
                finding.message += note
    report.findings.sort(key=lambda f: (f.line, f.what != "claim"))
    return report


def render_claims(markdown: str) -> str:
    """Replace every claim by its readable text (outside code fences only)."""
    prose = iter_prose_lines(markdown)
    claims = {line.number: line.claims for line in prose if line.claims}
    shown = {line.number: line.shown_by for line in prose if line.shown_by}
    facts = {line.number: line.facts for line in prose if line.facts}
    if not claims and not shown and not facts:
        return markdown
    blocks = showing_blocks(markdown, "render") if shown else {}
    source_lines = markdown.split("\n")
    anchors = anchor_lines(source_lines, blocks, fenced_line_numbers(markdown)) if blocks else {}
    anchored = set(re.findall(r'id="([^"]+)"', "".join(anchors.values())))
    out = []
    for number, line in enumerate(source_lines, start=1):
        spans = [(s, parse_claim(s.text, "render").render()) for s in claims.get(number, [])] + \
            [(s, render_reference(s.text, number, blocks, anchor(s.text) in anchored))
             for s in shown.get(number, [])] + \
            [(s, render_fact(s.text)) for s in facts.get(number, [])]
        for span, text in sorted(spans, key=lambda pair: pair[0].column, reverse=True):
            start = span.column - 1
            line = line[:start] + text + line[start + len(span.raw):]
        out.append(line + anchors.get(number, ""))
    return "\n".join(out)


def docs_pages(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md") if "assets" not in p.relative_to(docs_dir).parts)


def check_docs(docs_dir: Path, source: MassGenSource, index: PackageIndex | None = None) -> list[PageReport]:
    """Check every Markdown page under `docs_dir`."""
    index = index or index_for(source)
    reports = []
    for path in docs_pages(docs_dir):
        page = f"docs/{path.relative_to(docs_dir).as_posix()}"
        reports.append(check_markdown(path.read_text(encoding="utf-8"), page, index, source))
    return reports


def check_page_for_build(markdown: str, src_uri: str, source: MassGenSource) -> str:
    """Called by the MkDocs hook: check the page strictly, then render its claims."""
    page = f"docs/{src_uri}"
    index = index_for(source)
    if index.parse_errors and index.package_dir not in _warned:
        _warned.add(index.package_dir)
        for error in sorted(index.parse_errors.values()):
            log.warning("massgen-guide claims: MassGen file could not be parsed (the rest was checked): %s", error)
    report = check_markdown(markdown, page, index, source)
    failures = report.failures
    if failures:
        shown = "\n  ".join(f.describe() for f in failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        raise GuideError(f"{page}: {len(failures)} reference(s)/claim(s) do not hold for massgen "
                         f"{source.version} ({source.label}):\n  {shown}{more}")
    return render_claims(markdown)

"""Reading a Markdown page: the lines outside code fences, their inline code spans, claims and context.

Fenced blocks (``` or ~~~, any indentation, closed by a fence of the same character at least as long) and
HTML comments are skipped. For every remaining line we yield the inline code spans, the autoref/GitHub link
targets, the `[[claim: ...]]` spans, and a *context* string: the line itself plus, for table rows, the table's
header row and the line just above the table (used to recognise chunk-type tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massgen_guide.checks.claims.facts_inline import FACT_RE, FACT_START_RE
from massgen_guide.checks.claims.shown import SHOWN_RE, SHOWN_START_RE
from massgen_guide.checks.fences import fenced_line_numbers

CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
CLAIM_RE = re.compile(r"\[\[claim:(?P<body>.*?)\]\]")
CLAIM_START_RE = re.compile(r"\[\[\s*claim\b", re.IGNORECASE)
AUTOREF_RE = re.compile(r"\]\[(massgen(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\]")
GITHUB_RE = re.compile(r"\]\(https://github\.com/[^/\s]+/[^/\s]+/(?:blob|tree)/[^/\s]+/(massgen/[^)\s#]*)")


@dataclass
class Span:
    text: str
    column: int
    raw: str = ""
    """For claims: the whole `[[claim: ...]]` text."""


@dataclass
class PageLine:
    number: int
    text: str
    code_spans: list[Span] = field(default_factory=list)
    link_targets: list[Span] = field(default_factory=list)
    """Dotted autoref targets (`massgen.backend.base.StreamChunk`) and GitHub source paths."""
    claims: list[Span] = field(default_factory=list)
    """Claim bodies (the text after `claim:`)."""
    facts: list[Span] = field(default_factory=list)
    """`[[fact: NAME ...]]` spans (the body)."""
    shown_by: list[Span] = field(default_factory=list)
    """`[[shown-by: NAME]]` references (the NAME)."""
    malformed_claim: str | None = None
    context: str = ""


def _is_table_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def iter_prose_lines(markdown: str) -> list[PageLine]:
    """Every line outside code fences and HTML comments, with what it refers to."""
    out: list[PageLine] = []
    in_comment = False
    table_header = ""
    before_table = ""
    previous_text = ""
    lines = markdown.splitlines()
    fenced = fenced_line_numbers(markdown)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if number in fenced:
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
            continue
        if stripped.startswith("<!--"):
            if "-->" not in stripped:
                in_comment = True
            continue
        if _is_table_row(line):
            if not table_header:
                table_header = stripped
                before_table = previous_text
            context = f"{before_table}\n{table_header}\n{stripped}"
        else:
            table_header = ""
            context = stripped
        if stripped:
            previous_text = stripped if not _is_table_row(line) else previous_text
        page_line = PageLine(number, line, context=context)
        # claims first: their text is checked as a claim, not as loose references
        # a claim written inside inline code (documenting the syntax) is text, not a claim
        code_ranges = [(m.start(), m.end()) for m in CODE_SPAN_RE.finditer(line)]
        real = [m for m in CLAIM_RE.finditer(line)
                if not any(start <= m.start() < end for start, end in code_ranges)]
        remainder = line
        for match in reversed(real):
            page_line.claims.insert(0, Span(match.group("body"), match.start() + 1, match.group(0)))
            remainder = remainder[: match.start()] + " " * len(match.group(0)) + remainder[match.end():]
        shown = [m for m in SHOWN_RE.finditer(remainder)
                 if not any(start <= m.start() < end for start, end in code_ranges)]
        for match in reversed(shown):
            page_line.shown_by.insert(0, Span(match.group("name"), match.start() + 1, match.group(0)))
            remainder = remainder[: match.start()] + " " * len(match.group(0)) + remainder[match.end():]
        facts = [m for m in FACT_RE.finditer(remainder)
                 if not any(start <= m.start() < end for start, end in code_ranges)]
        for match in reversed(facts):
            page_line.facts.insert(0, Span(match.group("body"), match.start() + 1, match.group(0)))
            remainder = remainder[: match.start()] + " " * len(match.group(0)) + remainder[match.end():]
        leftover = CLAIM_START_RE.search(remainder) or SHOWN_START_RE.search(remainder) or \
            FACT_START_RE.search(remainder)
        if leftover and any(start <= leftover.start() < end for start, end in code_ranges):
            leftover = None
        if leftover:
            page_line.malformed_claim = remainder[leftover.start():].strip()
        for match in CODE_SPAN_RE.finditer(remainder):
            text = match.group(2)
            if len(match.group(1)) > 1:
                text = text.strip()
            page_line.code_spans.append(Span(text, match.start() + 1))
        for regex in (AUTOREF_RE, GITHUB_RE):
            for match in regex.finditer(remainder):
                page_line.link_targets.append(Span(match.group(1), match.start(1) + 1))
        out.append(page_line)
    return out

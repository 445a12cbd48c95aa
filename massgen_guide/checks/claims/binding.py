"""The binding report: which behavioural sentences of the behaviour pages are bound to MassGen's code.

The rule, applied to every page under `docs/phases/`, `docs/patterns/` and to `docs/choose-base-class.md`:

1. **Units.** The prose outside code fences and HTML comments is cut into units: each table row (but the
   header and the `---` row) is one unit; other text is cut into paragraphs (a blank line, a heading, a list
   item, an admonition title or a table starts a new one), and paragraphs into sentences (after `.`, `!` or `?`
   followed by a space and a capital letter, a backtick, a bracket or a quote). Headings, directive lines and
   admonition titles are not units.
2. **Names MassGen.** A unit names a MassGen thing when one of its inline code spans is read as a MassGen
   reference by the claims checker's rules (`classify.py`: a path, module, class, member, function, constant,
   config key, chunk type or name), or it holds a claim.
3. **Behavioural.** Such a unit is behavioural when it also holds one of the verbs in `VERBS` (their
   third-person or participle forms, as a whole word, outside inline code): it says what something does, when,
   with what default. Instructions to the reader in the base form ("Add `X`") are not behavioural.
4. **Bound.** A behavioural unit is bound when it holds a `[[claim: ...]]` (checked against the code), a
   `[[shown-by: NAME]]` reference to a block on the page that runs (see `shown.py`), or a `[[fact: ...]]` the build
   renders from the guide's data (generated content; see `facts_inline.py`). Content a directive generates is
   bound by construction and is not a unit of the page's source (the count of directives is reported beside).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from massgen_guide.checks.claims.classify import Reference, classify
from massgen_guide.checks.claims.markdown import CODE_SPAN_RE, iter_prose_lines

BEHAVIOUR_PAGES = ("phases/", "patterns/", "choose-base-class.md")
VERBS = (
    "yields yielded", "calls called", "returns returned", "raises raised", "default defaults defaulted",
    "registers registered", "passes passed", "retries retried", "ends ended", "reads", "writes written",
    "sends sent", "sets", "stores stored", "checks checked", "requires required", "runs", "skips skipped",
    "ignores ignored", "overrides overridden", "inherits inherited", "accepts accepted", "rejects rejected",
    "emits emitted", "counts counted", "adds added", "builds built", "creates created", "fails", "stops stopped",
    "waits", "loads loaded", "strips stripped", "drops dropped", "filters filtered", "falls", "forwards forwarded",
    "receives received", "handles handled", "resets", "closes closed", "starts started", "keeps kept", "maps mapped",
    "wraps wrapped", "injects injected", "expects expected", "treats treated", "converts converted",
    "delegates delegated",
)
"""Third-person and participle forms: statements of what something does or has done to it ("`X` yields",
"is passed to `Y`"). Instructions to the reader ("Add `X`", "you call `Y`") use the base form and are not
counted; "default" counts as a noun too ("the default is `None`")."""
_VERB_WORDS = frozenset(word for group in VERBS for word in group.split())
_WORD_RE = re.compile(r"[A-Za-z]+")
_BREAK_RE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|!!!|\?\?\?|#|\||<!--|</?div|</?details|===)")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\[\"'(*\x00])")
_ABBREV_RE = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf)\.$")


@dataclass
class Unit:
    page: str
    line: int
    text: str
    behavioural: bool
    bound: bool
    how: str = ""
    """`claim`, `shown-by` or `` (unbound)."""


@dataclass
class PageBinding:
    page: str
    units: list[Unit] = field(default_factory=list)
    directives: int = 0

    @property
    def behavioural(self) -> list[Unit]:
        return [u for u in self.units if u.behavioural]

    @property
    def bound(self) -> list[Unit]:
        return [u for u in self.behavioural if u.bound]

    def to_json(self) -> dict:
        return {"page": self.page, "naming_massgen": len(self.units), "behavioural": len(self.behavioural),
                "bound": len(self.bound), "directives": self.directives,
                "unbound": [asdict(u) for u in self.behavioural if not u.bound]}


def is_behaviour_page(page: str) -> bool:
    rel = page.removeprefix("docs/")
    return rel.startswith(BEHAVIOUR_PAGES[:2]) or rel == BEHAVIOUR_PAGES[2]


def _units(markdown: str) -> list[tuple[int, str]]:
    """(first line, text) of every table row and sentence outside fences and comments."""
    out: list[tuple[int, str]] = []
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        if not paragraph:
            return
        text, starts = "", []
        for number, line in paragraph:
            starts.append((len(text), number))
            text += line.strip() + " "
        position = 0
        for piece in _split_sentences(text):
            offset = text.index(piece, position)
            position = offset + len(piece)
            line = max((n for start, n in starts if start <= offset), default=paragraph[0][0])
            out.append((line, piece.strip()))
        paragraph.clear()

    for line in iter_prose_lines(markdown):
        stripped = line.text.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("|"):
            flush()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                out.append((line.number, stripped))
            continue
        if _BREAK_RE.match(stripped):
            flush()
            if stripped.startswith(("#", "<!--", "!!!", "???", "===", "</", "<div", "<details")):
                continue
            stripped = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ x]\]\s+)?", "", stripped)
        paragraph.append((line.number, stripped))
    flush()
    return out


_SPAN_RE = re.compile(r"\[\[(?:claim|shown-by|fact):[^\]]*\]\]")


def _split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a `[[claim: ...]]` (or fact, block reference) is never cut."""
    spans = _SPAN_RE.findall(text)
    masked = _SPAN_RE.sub("\x00", text)
    pieces = [_restore(p, spans) for p in _split_masked(masked)]
    return pieces


def _restore(piece: str, spans: list[str]) -> str:
    while "\x00" in piece:
        piece = piece.replace("\x00", spans.pop(0), 1)
    return piece


def _split_masked(text: str) -> list[str]:
    pieces, current = [], ""
    for part in _SENTENCE_END_RE.split(text):
        current = f"{current} {part}" if current else part
        if not _ABBREV_RE.search(current.rstrip()):
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _table_header_rows(markdown: str) -> set[int]:
    """Line numbers of table header rows (the row above a `---` row)."""
    lines = markdown.splitlines()
    out = set()
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped.startswith("|") and re.fullmatch(r"\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*", stripped):
            out.add(number - 1)
            out.add(number)
    return out


def names_massgen(text: str) -> bool:
    if "[[claim:" in text or "[[fact:" in text:
        return True
    for match in CODE_SPAN_RE.finditer(text):
        if any(isinstance(item, Reference) for item in classify(match.group(2), text)):
            return True
    return False


def is_behavioural(text: str) -> bool:
    prose = CODE_SPAN_RE.sub(" ", re.sub(r"\[\[(claim|shown-by|fact):[^\]]*\]\]", " ", text))
    return any(word.lower() in _VERB_WORDS for word in _WORD_RE.findall(prose))


def bind_page(markdown: str, page: str) -> PageBinding:
    result = PageBinding(page, directives=len(re.findall(r"^\s*<!--\s*guide:", markdown, re.M)))
    headers = _table_header_rows(markdown)
    for line, text in _units(markdown):
        if line in headers or not names_massgen(text):
            continue
        how = "claim" if "[[claim:" in text else "shown-by" if "[[shown-by:" in text else \
            "generated" if "[[fact:" in text else ""
        # a unit's verbs are read outside its claims too: a claim states behaviour by itself
        behavioural = is_behavioural(text) or how == "claim"
        result.units.append(Unit(page, line, text, behavioural, bool(how), how))
    return result


def binding_for_docs(docs_dir: Path) -> list[PageBinding]:
    from massgen_guide.checks.claims.check import docs_pages

    out = []
    for path in docs_pages(docs_dir):
        page = f"docs/{path.relative_to(docs_dir).as_posix()}"
        if is_behaviour_page(page):
            out.append(bind_page(path.read_text(encoding="utf-8"), page))
    return out


def totals(pages: list[PageBinding]) -> dict[str, int]:
    behavioural = sum(len(p.behavioural) for p in pages)
    bound = sum(len(p.bound) for p in pages)
    return {"naming_massgen": sum(len(p.units) for p in pages), "behavioural": behavioural, "bound": bound,
            "percent_bound": round(100 * bound / behavioural) if behavioural else 100,
            "directives": sum(p.directives for p in pages)}


def _doc_rule() -> list[str]:
    """The rule, as the report page states it (from this module's docstring)."""
    text = __doc__.split("\n\n", 1)[1]
    return [text.rstrip(), "", "The verbs: " + ", ".join(f"*{w}*" for w in sorted(_VERB_WORDS)) + "."]


def markdown_binding_report(pages: list[PageBinding], page: str | None = None) -> str:
    """The binding report page; with `page` (the site), its table in both renderings (`tables.embed`)."""
    from massgen_guide import md_text, tables

    t = totals(pages)
    out = [f"- **Behavioural units**: {t['behavioural']} of the {t['naming_massgen']} sentences and table rows that "
           f"name a MassGen thing in inline code.",
           f"- **Bound**: {t['bound']} ({t['percent_bound']}%): a claim the build verifies, or a reference to a block "
           "that runs. The other behavioural units are taken on trust; they are listed below.",
           f"- **Generated**: {t['directives']} directives on these pages insert content read from MassGen or the "
           "guide's data (bound by construction, not counted above)."]
    model = tables.table(["Page", "Naming MassGen", "Behavioural", "Bound", "%", "Generated blocks"],
                         name="binding report", align=["", *["right"] * 5])
    for one in pages:
        behavioural, bound = len(one.behavioural), len(one.bound)
        percent = f"{round(100 * bound / behavioural)}%" if behavioural else "n/a"
        model.add(tables.code(one.page), *(tables.text(v) for v in (len(one.units), behavioural, bound, percent,
                                                                     one.directives)))
    out.append(tables.block(model, page))
    out += ["## Taken on trust", "",
            "The behavioural units no claim or executed block binds, with page and line:", ""]
    unbound = [u for p in pages for u in p.behavioural if not u.bound]
    if not unbound:
        out.append("None: every behavioural unit is bound.")
    for unit in unbound:
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", unit.text)  # links are relative to their own page
        if text.startswith("|"):
            text = "table row: " + " · ".join(c.strip() for c in text.strip().strip("|").split("|"))
        text = text if len(text) <= 160 else text[:157] + "..."
        out.append(f"- `{unit.page}:{unit.line}`: {md_text.text(text)}")
    out += ["", "## The rule", ""] + _doc_rule()
    return "\n".join(out) + "\n"


def text_binding_report(pages: list[PageBinding]) -> str:
    t = totals(pages)
    lines = [f"{p.page}: {len(p.bound)}/{len(p.behavioural)} behavioural units bound "
             f"({len(p.units)} name MassGen, {p.directives} directives)" for p in pages]
    lines += [f"  unbound {u.page}:{u.line}: {u.text[:120]}" for p in pages for u in p.behavioural if not u.bound]
    lines.append(f"total: {t['bound']}/{t['behavioural']} behavioural units bound ({t['percent_bound']}%), "
                 f"{t['naming_massgen']} units name MassGen, {t['directives']} directives")
    return "\n".join(lines)

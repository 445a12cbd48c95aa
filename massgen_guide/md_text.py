"""One escaping helper for the Markdown that the generators write (lists, headings, prose; tables are built as
models and rendered by `massgen_guide.tables`, which escapes by the same rules).

The site's Markdown is Python-Markdown's. Two of its rules shape this module:

- a table row is split on `|` *outside* code spans only, and a backslash inside a code span is kept literally:
  `` `str | None` `` is one cell showing `str | None`, while `` `str \\| None` `` shows a stray backslash;
- `__init__` outside a code span is emphasis markup: `massgen/backend/__init__.py` renders as
  `massgen/backend/<strong>init</strong>.py`.

So text goes through `text()` (prose: `|` and `_`/`*` runs escaped outside code spans, newlines folded) and
code through `code()` (a code span, never escaped inside).
"""

from __future__ import annotations

import re

# Left as they are: a code span (a run of backticks, its content, the same run again), a link's destination
# and title (`](...)`), an HTML tag.
_PROTECTED = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[A-Za-z/][^>]*>", re.S)
# Underscore runs that Python-Markdown may read as emphasis: doubled ones (dunders), and a
# single one next to a word character on one side and not the other (`_private`, `name_`).
_EMPHASIS = re.compile(r"__+|(?<![\w\\])_(?=\w)|(?<=\w)_(?!\w)")


def _escape_run(match: re.Match[str]) -> str:
    return "".join("\\" + char for char in match.group(0))


def _escape_prose(segment: str) -> str:
    segment = re.sub(r"(?<!\\)\|", r"\\|", segment)
    return _EMPHASIS.sub(_escape_run, segment)


def text(value: object) -> str:
    """Prose for a table cell or a list item: code spans, link targets and HTML tags kept as they are; `|`,
    dunders and other emphasis-like underscore runs escaped elsewhere; newlines folded to spaces. Links and
    `*emphasis*` written on purpose with single asterisks are kept."""
    value = str(value).replace("\n", " ")
    out, last = [], 0
    for match in _PROTECTED.finditer(value):
        out.append(_escape_prose(value[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape_prose(value[last:]))
    return "".join(out)


def code(value: object) -> str:
    """A code span showing `value` exactly (a table cell may hold it: Python-Markdown does not split on a `|`
    inside a code span, so nothing inside is escaped)."""
    value = str(value).replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or longest else ""
    return f"{fence}{pad}{value}{pad}{fence}"

"""A Python-Markdown extension for the site: a dunder name in prose (`__init__`, `__all__`,
`massgen/backend/__init__.py`) is text, not strong emphasis.

Python-Markdown reads `__init__` as `<strong>init</strong>`. The generators escape their own text
(`massgen_guide.md_text`), but prose written by hand and MassGen's docstrings (rendered by mkdocstrings with
the site's extensions) need the rule too. Listed in mkdocs.yml's `markdown_extensions`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

# Two underscores, a name (letters, digits, single underscores), two underscores; not inside a longer word.
DUNDER_RE = r"(?<![A-Za-z0-9])__(?=[A-Za-z])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*__(?![A-Za-z0-9_])"


class _DunderProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802  (Python-Markdown's name)
        return AtomicString(m.group(0)), m.start(0), m.end(0)


class DunderExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802
        # Above the emphasis patterns ('em_strong2' handles `__`, priority 50) and below code spans and escapes.
        md.inlinePatterns.register(_DunderProcessor(DUNDER_RE, md), "guide_dunder", 65)


def makeExtension(**kwargs: object) -> DunderExtension:  # noqa: N802
    return DunderExtension(**kwargs)

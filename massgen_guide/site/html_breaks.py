"""Where code in a table cell may wrap: after `/`, `.` and `_`, and between a lower-case letter and a capital
(`ChatCompletions<wbr>Backend`), never inside a word.

The stylesheet turns off breaking anywhere else (`word-break: normal` for table code, docs/assets/stylesheets/
guide.css); this adds the `<wbr>` break opportunities to the built HTML (the `on_page_content` hook). A `<wbr>`
adds no text: copying, search and the llms files see the identifier unchanged.
"""

from __future__ import annotations

import re

_CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.S)
_CODE = re.compile(r"(<code\b[^>]*>)([^<]*)(</code>)")
# After a run of `/`, `.` or `_` that is followed by a word character; or between a lower-case letter or digit
# and a capital. Entities (`&amp;`) contain none of these.
_BREAK = re.compile(r"(?<=[/._])(?=[A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z])")
MIN_LENGTH = 12  # short names fit anyway


def _code(match: re.Match[str]) -> str:
    text = match.group(2)
    if len(text) < MIN_LENGTH:
        return match.group(0)
    return match.group(1) + _BREAK.sub("<wbr>", text) + match.group(3)


def _cell(match: re.Match[str]) -> str:
    return match.group(1) + _CODE.sub(_code, match.group(2)) + match.group(3)


def add_breaks(html: str) -> str:
    """`html` with `<wbr>` break opportunities inside the code of every table cell."""
    if "<td" not in html and "<th" not in html:
        return html
    return _CELL.sub(_cell, html)

"""The one escaping helper (`massgen_guide.md_text`) and the dunder rule (`massgen_guide.site.markdown_ext`), through
Python-Markdown as the site configures it."""

from __future__ import annotations

import markdown
import pytest

from massgen_guide import md_text
from massgen_guide.site.markdown_ext import DunderExtension


def render(text: str, dunder: bool = True) -> str:
    return markdown.markdown(text, extensions=["tables", "md_in_html"] + ([DunderExtension()] if dunder else []))


def row(*cells: str) -> str:
    return "| a | b |\n|---|---|\n| " + " | ".join(cells) + " |\n"


def test_a_pipe_in_a_code_cell_shows_no_backslash() -> None:
    html = render(row(md_text.code("str | None"), md_text.text("x | y")))
    assert "<td><code>str | None</code></td>" in html
    assert "<td>x | y</td>" in html
    assert "\\|" not in html


def test_the_old_escaping_is_what_showed_the_backslash() -> None:
    # What the generators wrote before: the check above would fail on it.
    assert "<code>str \\| None</code>" in render(row("`str \\| None`", "x"))


@pytest.mark.parametrize("value", ["a`b", "``x``", "`", "plain", "a | b"])
def test_code_spans_show_their_text_exactly(value: str) -> None:
    html = render(md_text.code(value), dunder=False)
    assert html == f"<p><code>{value}</code></p>", html


def test_dunders_in_generated_text_are_not_bold() -> None:
    title = "Export the class from massgen/backend/__init__.py, listed in __all__"
    for dunder in (False, True):  # escaped by md_text even without the extension
        html = render(f"- [ ] **{md_text.text(title)}** (*required*)", dunder=dunder)
        assert "massgen/backend/__init__.py" in html and "__all__" in html
        assert "<strong>init</strong>" not in html and "<strong>all</strong>" not in html
    assert "<strong>init</strong>" in render(f"**{title}**", dunder=False)  # unescaped, without the extension


def test_text_keeps_links_code_and_intended_emphasis() -> None:
    value = "see [the page](../phases/a_b.md#x__y \"t_t\") and `__init__` and *this*"
    assert md_text.text(value) == value
    html = render(md_text.text(value))
    assert 'href="../phases/a_b.md#x__y"' in html and "<code>__init__</code>" in html and "<em>this</em>" in html


def test_the_extension_keeps_real_strong_emphasis() -> None:
    html = render("Call from subclass __init__. **bold** and __strong words__ and a__b__c")
    assert "Call from subclass __init__." in html
    assert "<strong>bold</strong>" in html and "<strong>strong words</strong>" in html

"""The `#shows-NAME` ids reach the engine's anchor validation.

ProperDocs/MkDocs collect a page's anchors while rendering its Markdown, before `on_page_content` runs; the ids that
`add_anchors` adds there must be added to `page.present_anchor_ids`, or the strict build reports every
`[[shown-by: NAME]]` link as "no such anchor on this page".
"""

from __future__ import annotations

from types import SimpleNamespace

from massgen_guide.site.hooks import on_page_content

PAGE_HTML = ('<p>x</p><div class="language-python highlight"><pre><span></span>'
             '<code><span class="c1"># shows: retry</span>\nassert 1</code></pre></div>'
             '<div class="language-python highlight"><pre><code>x = 1</code></pre></div>')


def test_the_shows_ids_are_registered_as_present_anchors():
    page = SimpleNamespace(present_anchor_ids={"errors"})
    out = on_page_content(PAGE_HTML, page, config={}, files=None)
    assert 'id="shows-retry"' in out
    assert page.present_anchor_ids == {"errors", "shows-retry"}


def test_a_page_without_collected_anchors_is_left_alone():
    page = SimpleNamespace(present_anchor_ids=None)  # the engine did not render it (nothing to validate)
    out = on_page_content(PAGE_HTML, page, config={}, files=None)
    assert 'id="shows-retry"' in out and page.present_anchor_ids is None

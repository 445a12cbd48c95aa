"""The built site in a real browser: Debian's Chromium, headless, driven by playwright, served on 127.0.0.1.

One browser for the module, one context per width. Every page is loaded once at 1440 px and once at 390 px (by
the `site_pass` fixture), and everything checked on a page is read in that one visit: the per-page facts (status,
title, console errors, every request made), the reading checks, the content placement facts and axe-core's
results (light and dark). axe runs inside the page, started without waiting for it, on several tabs at once; its
results are collected when the tab comes round again. Its colour rules run on a page, per scheme, only where the
page shows a look of text that no page before it showed (`LookLedger`; reading-figures.json says on how many). The decision-tree, diagram, search and screenshot tests
reuse one page of the 1440 px context.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from massgen_guide.site.decision_trees import load_trees

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    # Every request that would leave 127.0.0.1 goes to a proxy that is not there and fails at once: Chromium's
    # own bypass list (loopback and link-local addresses) is replaced by 127.0.0.1 alone. The tests see each request
    # through the `request` event (`Recorder`), not by intercepting it: Playwright turns the browser's HTTP cache
    # off wherever requests are routed.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>;127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1"}
DESKTOP = {"width": 1440, "height": 900}
MOBILE = {"width": 390, "height": 844}
TABS = 3  # tabs of the 1440 px pass: while axe runs in some, the next page loads in another
# Material renders mermaid into a *closed* shadow root; open it so the test can see the SVG inside.
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
})();
"""


def _site_url() -> str:
    from massgen_guide.site_urls import site_url

    return site_url()


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site; sitemap.xml is served with `site_url` swapped for the test server's own URL, and the
    search index is `search_index` when that is set.

    Material's instant navigation only treats links listed in sitemap.xml as internal, and it matches them by
    scheme and host but not port; on the real host the sitemap matches by itself, here the swap makes it so.
    """

    site_url = ""
    base_url = ""
    search_index: bytes | None = None

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/search/search_index.json" and self.search_index is not None:
            self._send(self.search_index, "application/json")
        elif path == "/sitemap.xml" and self.site_url:
            body = Path(self.directory, "sitemap.xml").read_bytes()
            self._send(body.replace(self.site_url.encode(), self.base_url.encode()), "application/xml")
        else:
            super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        # Cache like GitHub Pages does (max-age=600), so the browser reuses scripts between pages as it would.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def _serving(site: Path, search_index: bytes | None = None):
    """The built site on a free port of 127.0.0.1 (`_SiteHandler`); yields its base URL."""
    handler_class = type("Handler", (_SiteHandler,), {"site_url": _site_url(), "search_index": search_index})
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler_class.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler_class.base_url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(built_site: Path, small_index: str):
    """The site with the one-entry search index: Material's search worker builds the index on every full page
    load, seconds of CPU that only the search test needs (it uses `search_url`)."""
    with _serving(built_site, small_index.encode("utf-8")) as url:
        yield url


@pytest.fixture(scope="module")
def search_url(built_site: Path):
    """The site with its real search index."""
    with _serving(built_site) as url:
        yield url


@dataclass
class Recorder:
    """Every request a browser context makes (its `request` event); those that would leave 127.0.0.1 are also
    in `outside` (the browser's proxy setting makes them fail: CHROMIUM_ARGS)."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def record(self, request) -> None:
        url = request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme not in {"data", "blob", "about"} and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(url)

    def watch(self, context) -> None:
        context.on("request", self.record)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run `python3 dev.py test` (it installs it) "
                    "or `sudo apt-get install -y chromium`", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the python package 'playwright' is not installed: run `python3 dev.py test`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


def _new_context(browser, viewport: dict[str, int], recorder: Recorder):
    context = browser.new_context(viewport=viewport)
    context.add_init_script(OPEN_SHADOW_ROOTS)
    recorder.watch(context)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture(scope="module")
def context(browser, recorder: Recorder):
    """The 1440 px context: the site pass's tabs and the `page` fixture's. axe-core is in every page of it (an
    init script, so nothing is requested and the site never loads it)."""
    context = _new_context(browser, DESKTOP, recorder)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context):
    """A tab of the 1440 px context with the one-entry search index (the search test opens its own tab)."""
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def small_index(built_site: Path) -> str:
    return small_search_index(built_site)


def site_pages(site: Path) -> list[str]:
    """Every page of the site as a path relative to the site root ('' for the home page), from sitemap.xml."""
    tree = ET.parse(site / "sitemap.xml")
    prefix = urlsplit(_site_url()).path  # the sitemap's URLs are under site_url, e.g. /massgen-backend-guide/
    paths = []
    for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        path = urlsplit(loc.text or "").path
        assert path.startswith(prefix), f"sitemap.xml: {loc.text} is not under site_url {_site_url()}"
        paths.append(path[len(prefix):])
    return paths


@dataclass
class Visit:
    path: str
    status: int | None
    title: str
    h1: str
    console_errors: list[str]
    requests: list[str]


try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported by the `browser` fixture
    PlaywrightTimeout = TimeoutError  # type: ignore[misc,assignment]


def small_search_index(site: Path) -> str:
    """The site's search index cut down to its first entry (same configuration, same format)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return json.dumps({**index, "docs": index["docs"][:1]})


@pytest.fixture(scope="module")
def visits(site_pass) -> list[Visit]:
    return site_pass.visits


def nav_titles() -> dict[str, str]:
    """Site path ('' for the home page, 'phases/auth/' ...) -> the title mkdocs.yml's nav gives it."""
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    titles: dict[str, str] = {}

    def walk(items: object) -> None:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, str):
                        path = value.removesuffix(".md").removesuffix("index")
                        titles[path + ("/" if path and not path.endswith("/") else "")] = title
                    else:
                        walk(value)

    walk(config.get("nav"))
    return titles


def test_every_page_loads_with_title_and_no_console_error(visits: list[Visit]) -> None:
    import yaml

    site_name = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_name"]
    titles = nav_titles()
    problems = []
    for visit in visits:
        name = visit.path or "(home)"
        if visit.status != 200:
            problems.append(f"{name}: HTTP status {visit.status}")
        if not visit.h1:
            problems.append(f"{name}: no visible page heading (h1)")
        expected = titles.get(visit.path) if visit.path else None
        if expected and not visit.title.startswith(expected):
            problems.append(f"{name}: the window title {visit.title!r} does not start with its nav title {expected!r}")
        if site_name not in visit.title:
            problems.append(f"{name}: the window title {visit.title!r} lacks the site name")
        for error in visit.console_errors:
            problems.append(f"{name}: console error: {error}")
    assert not problems, "\n".join(problems)


def test_no_request_leaves_localhost(visits: list[Visit], recorder: Recorder) -> None:
    assert recorder.requests, "no request was recorded"
    assert any("mermaid.min.js" in url for url in recorder.requests), "the vendored mermaid was never loaded"
    offenders = sorted(set(recorder.outside))
    assert not offenders, "requests left 127.0.0.1:\n" + "\n".join(offenders)


def test_a_request_leaving_localhost_is_recorded_and_goes_nowhere(browser, base_url: str) -> None:
    """What the test above relies on: a request for another host, by name or by address, is in the Recorder's
    `outside` list, and the browser sends it to the proxy that is not there (CHROMIUM_ARGS), so it fails."""
    outside = ["http://example.com/font.woff2", "http://93.184.216.34/x.png", "http://169.254.169.254/latest",
               "http://localhost:8931/x.js"]
    context = browser.new_context()
    recorder, failed = Recorder(), {}
    recorder.watch(context)
    context.on("requestfailed", lambda request: failed.__setitem__(request.url, request.failure))
    try:
        tab = context.new_page()
        tab.goto(base_url)
        tab.evaluate("""async (urls) => { for (const url of urls) {
          try { await fetch(url, { mode: "no-cors" }); } catch (error) {} } }""", outside)
    finally:
        context.close()
    assert recorder.outside == outside
    assert {url: failed.get(url) for url in outside} == {url: "net::ERR_PROXY_CONNECTION_FAILED" for url in outside}
    assert base_url in recorder.requests


def test_mermaid_is_loaded_only_by_pages_that_draw_a_diagram(visits: list[Visit], built_site: Path) -> None:
    # docs/assets/javascripts/mermaid-lazy.js: the 2.7 MB vendored file is fetched on the first diagram only.
    with_diagrams = {visit.path for visit in visits if 'class="mermaid"' in _page_text(built_site, visit.path)}
    assert "decision-trees" in {path.strip("/") for path in with_diagrams}
    loaded = {visit.path for visit in visits if any(url.endswith("/mermaid.min.js") for url in visit.requests)}
    assert loaded == with_diagrams
    assert len(with_diagrams) < len(visits)


@pytest.fixture(scope="module")
def trees():
    return load_trees()


def _plain(markdown: str) -> str:
    return " ".join(markdown.replace("`", "").split())


PANEL_STATE = """panel => {
  const text = (selector) => { const e = panel.querySelector(selector); return e ? e.innerText : null; };
  return {
    node: panel.dataset.node, kind: panel.dataset.kind,
    question: text(".guide-dt-question-text"), title: text(".guide-dt-result-title"),
    links: Array.from(panel.querySelectorAll(".guide-dt-result-links a"), a => a.getAttribute("href")),
  };
}"""


def _check_leaf_walks(page, trees, tree_ids: set[str], built_site: Path, base_url: str) -> int:
    """Click through every leaf of the given trees on the current page; returns the number of leaves reached.

    Every step is a real click (playwright's, with its checks that the button is visible and takes the click);
    what the panel shows after it is read in one round trip.
    """
    reached = 0
    for tree in trees:
        if tree.id not in tree_ids:
            continue
        widget = page.locator(f'.guide-dt[data-tree="{tree.id}"]')
        assert widget.count() == 1, f"tree {tree.id}: no widget on {page.url}"
        panel = widget.locator(".guide-dt-panel")
        assert panel.count() == 1, f"tree {tree.id}: the widget was not set up by decision-tree.js"
        state = panel.evaluate(PANEL_STATE)
        for leaf_id, path in tree.paths().items():
            if state["node"] != tree.start:
                widget.locator(".guide-dt-restart").click()
                state = panel.evaluate(PANEL_STATE)
            assert state["node"] == tree.start
            node = tree.nodes[tree.start]
            for index in path:
                assert state["kind"] == "question"
                assert _plain(node.question) in " ".join((state["question"] or "").split())
                panel.locator(f'.guide-dt-choice[data-index="{index}"]').click()
                state = panel.evaluate(PANEL_STATE)
                node = tree.nodes[node.answers[index].next]
            assert state["node"] == leaf_id, f"tree {tree.id}: path {path} did not reach {leaf_id}"
            assert state["kind"] == "leaf"
            title = " ".join((state["title"] or "").split())
            assert title == _plain(node.title), f"tree {tree.id}, leaf {leaf_id}: shows {title!r}"
            assert len(state["links"]) == len(node.links), f"tree {tree.id}, leaf {leaf_id}: link count"
            for href, link in zip(state["links"], node.links):
                target = urlsplit(urljoin(page.url, href)).path
                assert (built_site / target.lstrip("/") / "index.html").is_file() or \
                    (built_site / target.lstrip("/")).is_file(), f"tree {tree.id}, leaf {leaf_id}: {href} is broken"
                expected = link.page.partition("#")[0].removesuffix(".md").removesuffix("index")
                assert target.strip("/") == expected.strip("/"), f"{href} should lead to {link.page}"
            if len(path) > 0:
                widget.locator(".guide-dt-back").click()
                state = panel.evaluate(PANEL_STATE)
                assert state["kind"] == "question"
            reached += 1
    return reached


def test_every_leaf_is_reachable_by_clicking(page, trees, built_site: Path, base_url: str) -> None:
    page.goto(urljoin(base_url, "decision-trees/"))
    reached = _check_leaf_walks(page, trees, {tree.id for tree in trees}, built_site, base_url)
    assert reached == sum(len(tree.leaves()) for tree in trees)


def test_widget_works_after_instant_navigation(page, trees, built_site: Path, base_url: str) -> None:
    page.goto(urljoin(base_url, ""), wait_until="networkidle")
    page.evaluate("window.__no_reload = true")
    page.locator('nav.md-nav a[href$="choose-base-class/"]').first.click()
    page.wait_for_url(re.compile(r".*/choose-base-class/$"))
    page.locator('.guide-dt[data-tree="base-class"] .guide-dt-panel').wait_for()
    assert page.evaluate("window.__no_reload === true"), "the page reloaded: instant navigation is not in use"
    assert _check_leaf_walks(page, trees, {"base-class"}, built_site, base_url) == len(trees[0].leaves())


def test_diagrams_render_as_svg(page, trees, base_url: str) -> None:
    page.goto(urljoin(base_url, "decision-trees/"))
    page.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0")
    svgs = page.locator("div.mermaid svg")
    assert svgs.count() == len(trees), f"{svgs.count()} mermaid SVGs for {len(trees)} trees"
    # Each diagram is a view of its widget: hidden at first, shown by "Show diagram", which closes "all paths".
    assert not any(svgs.nth(index).is_visible() for index in range(svgs.count()))
    widget = page.locator('.guide-dt[data-tree="base-class"]')
    widget.locator(".guide-dt-expand").click()
    assert widget.locator(":scope > .guide-dt-node").is_visible()
    widget.locator(".guide-dt-diagram-toggle").click()
    assert not widget.locator(":scope > .guide-dt-node").is_visible()
    assert widget.locator(".guide-dt-expand").get_attribute("aria-expanded") == "false"
    assert widget.locator(".guide-dt-diagram-toggle").inner_text() == "Hide diagram"
    page.evaluate(OPEN_DIAGRAMS_JS)
    for index in range(svgs.count()):
        box = svgs.nth(index).bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"diagram {index + 1} is empty: {box}"
        assert svgs.nth(index).locator("g.node").count() >= 3


def test_tree_is_readable_without_javascript(browser, trees, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    recorder = Recorder()
    recorder.watch(context)
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "decision-trees/"))
        assert page.locator(".guide-dt-panel").count() == 0
        for tree in trees:
            widget = page.locator(f'.guide-dt[data-tree="{tree.id}"]')
            leaf_titles = [" ".join(t.split()) for t in widget.locator(".guide-dt-leaf .guide-dt-title").all_inner_texts()]
            assert {_plain(leaf.title) for leaf in tree.leaves()} <= set(leaf_titles), tree.id
            assert widget.locator(".guide-dt-leaf").first.is_visible()
            assert widget.locator(".guide-dt-leaf .guide-dt-links a").first.is_visible()
            # the nested text is the tree without JavaScript; the diagram (mermaid needs JavaScript) is hidden
            assert widget.locator(".guide-dt-diagram").count() == 1
            assert not widget.locator(".guide-dt-diagram").is_visible()
    finally:
        context.close()
    assert not recorder.outside, recorder.outside


def test_search_finds_the_page_explaining_stream_with_tools(context, built_site: Path, search_url: str) -> None:
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page = context.new_page()  # with the real search index
    page.on("console", on_console)
    try:
        _search_for_stream_with_tools(page, built_site, search_url)
    finally:
        page.close()
    assert not errors, f"console errors while searching with the real index: {errors}"


def _search_for_stream_with_tools(page, built_site: Path, base_url: str) -> None:
    page.goto(urljoin(base_url, ""))
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("stream_with_tools", delay=10)
    results = page.locator(".md-search-result__item a.md-search-result__link, .md-search-result__item > a")
    results.first.wait_for(timeout=15_000)
    targets = set()
    for href in [results.nth(i).get_attribute("href") for i in range(results.count())]:
        targets.add(urlsplit(urljoin(page.url, href)).path.strip("/"))
    explaining = {t for t in targets if "stream_with_tools" in _page_text(built_site, t)}
    assert explaining, f"no search result leads to a page that mentions stream_with_tools: {sorted(targets)}"
    if "stream_with_tools" in _page_text(built_site, "phases/backend-class"):
        assert "phases/backend-class" in targets, f"phases/backend-class/ is not among {sorted(targets)}"


def _page_text(site: Path, path: str) -> str:
    file = site / path / "index.html"
    return file.read_text(encoding="utf-8") if file.is_file() else ""


# ================================================================================================ reading checks
# Each check is a function run in the page (or on what it returns) that lists what is wrong; every check also runs
# on a page built to break it (the `test_*_fails_on_*` tests), so each can fail.
SNIPPET_WIDTH = 88
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
SCREENSHOT_PAGES = {"home": "", "choose-base-class": "choose-base-class/", "coverage": "reference/coverage/",
                    "backend-class": "phases/backend-class/"}

# Code in a table cell that wraps onto another line anywhere but after `/ . _ -`, at a space, or between a
# lower-case letter and a capital. Reports "the code text with | where it broke".
TABLE_CODE_BREAKS_JS = r"""() => {
  const bad = [];
  const range = document.createRange();
  for (const code of document.querySelectorAll("article td code, article th code")) {
    if (code.getClientRects().length < 2 || !code.checkVisibility()) continue;
    const text = code.textContent;
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let index = 0, lastTop = null, node;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.data.length; i++, index++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length || /\s/.test(node.data[i])) continue;
        const top = rects[0].top;
        if (lastTop !== null && top > lastTop + 2) {
          const before = text[index - 1], after = text[index];
          const allowed = /[\s\/._\-]/.test(before) || (/[a-z0-9]/.test(before) && /[A-Z]/.test(after));
          if (!allowed) bad.push(text.slice(0, index) + "|" + text.slice(index));
        }
        lastTop = top;
      }
    }
  }
  return bad;
}"""

# Elements of the page's text column that reach past its right edge (outside boxes that scroll on their own),
# and a page that scrolls sideways as a whole.
PROSE_OVERFLOW_JS = r"""() => {
  // The text column: Material's content area (code blocks and tables run to its edges on phones, by design).
  const column = document.querySelector(".md-content") || document.querySelector("article");
  if (!column) return ["no article on the page"];
  const limit = column.getBoundingClientRect().right + 1;
  const bad = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ?
      "." + el.className.trim().split(/\s+/).join(".") : "") + ' "' +
      el.textContent.replace(/\s+/g, " ").trim().slice(0, 40) + '"';
  const scrollsOnItsOwn = (el) => /(auto|scroll|hidden|clip)/.test(getComputedStyle(el).overflowX);
  (function walk(parent) {
    for (const el of parent.children) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > limit && getComputedStyle(el).position !== "absolute") {
        bad.push(describe(el) + " ends at " + Math.round(box.right) + " px, past the text column (" +
                 Math.round(limit - 1) + " px)");
        continue;
      }
      if (!scrollsOnItsOwn(el)) walk(el);
    }
  })(column);
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 1) {
    bad.push("the page scrolls sideways: " + page.scrollWidth + " px wide in a " + window.innerWidth + " px window");
  }
  return bad;
}"""

# Every code block's language and text (for the code-width check, done in Python). The text of each code block as
# its source shows it: Material moves a code annotation's explanation into the code element once its script has
# run, so annotations are taken out first (their marker stays a comment in the file). Blocks mkdocstrings
# generates (signatures) are marked: they are MassGen's own code, not examples.
CODE_BLOCKS_JS = """() => Array.from(document.querySelectorAll("article pre > code"), code => {
  const copy = code.cloneNode(true);
  copy.querySelectorAll(".md-annotation, .md-tooltip, .md-annotation__index").forEach(node => node.remove());
  const box = code.closest("[class*='language-']");
  const lang = box ? (Array.from(box.classList).find(c => c.startsWith("language-")) || "").slice(9) : "";
  return { lang, text: copy.textContent, generated: !!code.closest(".doc-signature, .doc") };
})"""

# Code blocks whose text is wider than their box at this width: [overflowing, all] (a figure for the record).
OVERFLOWING_CODE_JS = """() => { const codes = Array.from(document.querySelectorAll("article pre > code"))
  .filter(c => c.checkVisibility());
  return [codes.filter(c => c.scrollWidth > c.clientWidth + 1).length, codes.length]; }"""

# A decision tree is shown once: the stepper (JavaScript), or its nested text (without it), or its diagram. Counts
# each tree's visible views: the widget's panel, its nested text, and any drawn diagram holding its first question.
TREE_VIEWS_JS = r"""(labels) => {
  const squash = (s) => s.replace(/\s+/g, "");
  const shown = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const diagrams = Array.from(document.querySelectorAll("article .mermaid")).filter(shown)
    .map(d => squash((d.shadowRoot ? d.shadowRoot.textContent : "") + d.textContent));
  const bad = [];
  const ids = new Set(Array.from(document.querySelectorAll("article .guide-dt[data-tree]"), w => w.dataset.tree));
  for (const id of ids) {
    const views = [];
    for (const widget of document.querySelectorAll("article .guide-dt[data-tree]")) {
      if (widget.dataset.tree !== id) continue;
      if (shown(widget.querySelector(".guide-dt-panel"))) views.push("widget");
      if (Array.from(widget.children).some(c => c.classList.contains("guide-dt-node") && shown(c))) views.push("text");
    }
    const label = labels[id] ? squash(labels[id]) : null;
    for (const text of diagrams) if (label && text.includes(label)) views.push("diagram");
    if (views.length !== 1) bad.push("tree " + id + " is shown " + views.length + " times (" + views.join(", ") + ")");
  }
  return bad;
}"""

# Inside a decision-tree widget, an element with nothing to show (no text, no control) that still takes space: the
# empty trail before the first answer is the case this guards.
BLANK_BANDS_JS = r"""() => {
  const bad = [];
  for (const panel of document.querySelectorAll("article .guide-dt-panel")) {
    for (const el of panel.querySelectorAll("*")) {
      if (!el.checkVisibility() || el.textContent.trim() || el.querySelector("img, svg, input, button, a")) continue;
      if (["BR", "WBR"].includes(el.tagName)) continue;
      const style = getComputedStyle(el);
      const band = el.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
      if (band > 2) bad.push(el.tagName.toLowerCase() + "." + el.className.trim().split(/\s+/).join(".") +
                              " is empty but takes " + Math.round(band) + " px");
    }
  }
  return bad;
}"""

# Open every decision tree's diagram view (its "Show diagram" button), so the diagrams can be measured.
OPEN_DIAGRAMS_JS = """() => document.querySelectorAll(".guide-dt-diagram-toggle[aria-expanded=false]")
  .forEach(button => button.click())"""

# A drawn diagram keeps its labels readable: it is not scaled below MIN_DIAGRAM_SCALE of its natural size (it
# scrolls in its box instead), and a diagram wider than its box scrolls there.
MIN_DIAGRAM_SCALE = 0.9
DIAGRAM_SCALE_JS = r"""() => {
  const bad = [];
  for (const host of document.querySelectorAll("article .mermaid")) {
    if (!host.checkVisibility()) continue;
    const svg = (host.shadowRoot || host).querySelector("svg");
    if (!svg) { bad.push("a diagram was not drawn"); continue; }
    const view = svg.viewBox && svg.viewBox.baseVal;
    const box = svg.getBoundingClientRect();
    if (!view || !view.width || !box.width) continue;
    const scale = box.width / view.width;
    const label = svg.querySelector(".nodeLabel, text");
    const font = label ? parseFloat(getComputedStyle(label).fontSize) : 16;
    if (scale < %s) bad.push("a diagram is drawn at " + Math.round(scale * 100) + "%% of its size (labels " +
                              (font * scale).toFixed(1) + " px)");
    if (box.width > host.clientWidth + 1 && !/(auto|scroll)/.test(getComputedStyle(host).overflowX)) {
      bad.push("a diagram wider than its box (" + Math.round(box.width) + " px) does not scroll");
    }
  }
  return bad;
}""" % MIN_DIAGRAM_SCALE

# Where content sits (judged in Python by content_placement): the contributor set-up (a `python3 dev.py` command,
# a "Quick start"/"Set-up" heading), the tables (header and first-column keys) and links of the page, and the
# primary navigation's sections.
CONTENT_FACTS_JS = r"""() => ({
  setup: Array.from(document.querySelectorAll("article pre code"), c => c.textContent)
    .filter(t => /^\s*(python3?\s+)?dev\.py\b/m.test(t)).map(t => t.trim().split("\n")[0]),
  setupHeadings: Array.from(document.querySelectorAll("article h2, article h3"), h => h.textContent.trim())
    .filter(t => /^(quick ?start|(development |contributor )?set[- ]?up|contributing)\s*¶?$/i.test(t)),
  tables: Array.from(document.querySelectorAll("article table"), t => ({
    head: Array.from(t.querySelectorAll("thead th"), th => th.textContent.trim()),
    keys: Array.from(t.querySelectorAll("tbody tr"), r => r.cells.length ? r.cells[0].textContent.trim() : ""),
  })),
  links: Array.from(document.querySelectorAll("article a[href]"), a => new URL(a.href).pathname),
  nav: Array.from(document.querySelectorAll("nav.md-nav--primary > ul > li"), li => {
    const label = li.querySelector(":scope > label.md-nav__link, :scope > a.md-nav__link, :scope > div.md-nav__link");
    return { section: label ? label.textContent.trim() : "",
             links: Array.from(li.querySelectorAll("a.md-nav__link[href]"), a => new URL(a.href).pathname) };
  }),
})"""

# A literal `\\|` inside <code>, and a <strong> or <em> holding a dunder name's core (`__init__` rendered as
# bold "init").
ESCAPING_JS = r"""() => {
  const bad = [];
  for (const code of document.querySelectorAll("article code")) {
    if (code.closest("pre")) continue;
    if (code.textContent.includes("\\|")) bad.push("literal \\| in <code>: " + code.textContent.trim().slice(0, 60));
  }
  for (const strong of document.querySelectorAll("article strong, article em")) {
    const before = strong.previousSibling && strong.previousSibling.nodeType === 3 ? strong.previousSibling.data : "";
    const after = strong.nextSibling && strong.nextSibling.nodeType === 3 ? strong.nextSibling.data : "";
    const core = strong.textContent;
    // the cores of dunder names that are not also everyday words (`*new*` and `**name**` may be emphasis)
    if (["init", "all", "post_init", "enter", "exit", "aenter", "aexit", "iter", "repr", "getattr", "setattr",
         "dict", "slots"].includes(core)) {
      bad.push("<" + strong.tagName.toLowerCase() + "> holds a dunder name's core: " +
               (before.slice(-30) + "[" + core + "]" + after.slice(0, 20)).trim());
    }
  }
  return bad;
}"""

# The coverage matrix: scroll its box to the far right; its first column (the backend types) must still be in
# view, inside the box.
MATRIX_FIRST_COLUMN_JS = r"""() => {
  const box = document.querySelector(".guide-matrix-scroll");
  if (!box) return ["no coverage matrix on the page"];
  box.scrollLeft = box.scrollWidth;
  box.scrollTop = Math.min(box.scrollHeight, 400);
  const view = box.getBoundingClientRect();
  const bad = [];
  if (box.scrollWidth <= box.clientWidth + 1 && box.scrollHeight <= box.clientHeight + 1) return bad;
  const cells = Array.from(box.querySelectorAll("tbody th[scope=row]"));
  const visible = cells.filter(cell => { const r = cell.getBoundingClientRect();
    return r.bottom > view.top && r.top < view.bottom; });
  if (!visible.length) bad.push("no row header is within the matrix's box after scrolling");
  for (const cell of visible) {
    const r = cell.getBoundingClientRect();
    if (r.left < view.left - 1 || r.right > view.right + 1) {
      bad.push("first column scrolled out of view: " + cell.textContent.trim() + " at " + Math.round(r.left) +
               " px, box starts at " + Math.round(view.left) + " px");
      break;
    }
  }
  const head = box.querySelector("thead th:not(.guide-matrix-corner)");
  if (box.scrollHeight > box.clientHeight + 1 && head && head.getBoundingClientRect().top < view.top - 1) {
    bad.push("the header row scrolled out of view");
  }
  return bad;
}"""

# Text colour against the background behind it (the first opaque background up the tree), WCAG contrast ratio.
CONTRAST_JS = r"""(element) => {
  const parse = (value) => { const m = value.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const style = getComputedStyle(element);
  let fg = parse(style.color);
  let bg = null;
  for (let el = element; el; el = el.parentElement) {
    const c = parse(getComputedStyle(el).backgroundColor);
    if (c && c[3] > 0) { bg = bg ? bg : c; if (c[3] >= 1) { break; } }
  }
  bg = bg || [255, 255, 255, 1];
  if (bg[3] < 1) bg = bg.slice(0, 3).map((v) => v * bg[3] + 255 * (1 - bg[3])).concat([1]);
  const opacity = Number(style.opacity);
  fg = fg.slice(0, 3).map((v, i) => v * fg[3] * opacity + bg[i] * (1 - fg[3] * opacity));
  const lum = (c) => { const s = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2]; };
  const [a, b] = [lum(fg), lum(bg.slice(0, 3))].sort((x, y) => y - x);
  return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
}"""

SCHEME_JS = """(scheme) => { document.body.setAttribute("data-md-color-scheme", scheme); }"""
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


BUILD_CHECK_PAGES = ["reference/claims-report/", "reference/upstream-skill/", "reference/versions/"]
CONTRIBUTING_PAGE = "contributing/"
STREAM_REFERENCE_PAGE = "reference/stream-chunks/"


def content_placement(content: dict[str, dict]) -> list[str]:
    """Reader and maintainer content apart, and the phase pages summarising rather than repeating the reference:

    - the contributor set-up (`python3 dev.py ...`, a "Quick start" heading) is on the contributing page only;
    - the build-check report pages sit in the navigation's "Build checks" section, none of them under "Reference";
    - no phase page has a table sharing 3 or more rows with a table of the StreamChunk reference page, and the
      backend-class phase links to that page.
    """
    bad = []
    for path, facts in content.items():
        if path != CONTRIBUTING_PAGE and (facts["setup"] or facts["setupHeadings"]):
            bad.append(f"{path or '(home)'}: contributor set-up outside the contributing page: "
                       f"{(facts['setup'] + facts['setupHeadings'])[0]}")
    if CONTRIBUTING_PAGE in content and not content[CONTRIBUTING_PAGE]["setup"]:
        bad.append(f"{CONTRIBUTING_PAGE}: no `python3 dev.py` set-up command")
    nav = next(iter(content.values()))["nav"] if content else []
    for page in BUILD_CHECK_PAGES:
        sections = [section["section"] for section in nav
                    if any(link.rstrip("/").endswith("/" + page.rstrip("/")) for link in section["links"])]
        if sections != ["Build checks"]:
            bad.append(f"nav: {page} is under {sections or 'no section'}, not under 'Build checks' alone")
    reference = content.get(STREAM_REFERENCE_PAGE, {"tables": []})["tables"]
    for path, facts in content.items():
        if not path.startswith("phases/"):
            continue
        for table in facts["tables"]:
            for ref in reference:
                shared = set(table["keys"]) & set(ref["keys"]) - {""}
                if len(shared) >= 3:
                    bad.append(f"{path}: a table repeats {len(shared)} rows of the {ref['head'][:1]} table of "
                               f"{STREAM_REFERENCE_PAGE} (e.g. {sorted(shared)[:3]}): summarise and link instead")
    backend_class = content.get("phases/backend-class/")
    if backend_class is not None and not any(link.rstrip("/").endswith(STREAM_REFERENCE_PAGE.rstrip("/"))
                                             for link in backend_class["links"]):
        bad.append(f"phases/backend-class/: no link to {STREAM_REFERENCE_PAGE}")
    return bad


def snippet_lines() -> set[str]:
    lines: set[str] = set()
    for path in (ROOT / "snippets").glob("*.py"):
        lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 12}
    return lines


EXAMPLE_LANGUAGES = {"python", "py", "pycon", "bash", "sh", "shell", "console", "yaml", "yml", "toml"}


def wide_code_blocks(page: str, blocks: list[dict], known: set[str]) -> list[str]:
    """Example code wider than SNIPPET_WIDTH characters: blocks shown from snippets/ (whatever their language), and
    the page's own Python, shell, YAML and TOML blocks. Program output, diffs of MassGen's files and the
    signatures mkdocstrings generates from MassGen's source are not examples and are not held to the width."""
    bad = []
    for block in blocks:
        if _from_snippets(block["text"], known):
            bad.extend(wide_snippet_blocks(page, [block["text"]], known))
        elif not block["generated"] and block["lang"] in EXAMPLE_LANGUAGES:
            widest = max(block["text"].splitlines() or [""], key=len)
            if len(widest) > SNIPPET_WIDTH:
                bad.append(f"{page or '(home)'}: a {block['lang']} code block has a line of {len(widest)} "
                           f"characters (limit {SNIPPET_WIDTH}): {widest.strip()[:60]}")
    return bad


def _from_snippets(block: str, known: set[str]) -> bool:
    lines = [line for line in block.splitlines() if len(line.strip()) >= 12]
    return len(lines) >= 3 and sum(line.strip() in known for line in lines) * 2 >= len(lines)


def wide_snippet_blocks(page: str, blocks: list[str], known: set[str]) -> list[str]:
    """Code blocks shown from snippets/ (most of their longer lines are lines of a snippet file) with a line wider
    than SNIPPET_WIDTH characters."""
    bad = []
    for block in blocks:
        lines = [line for line in block.splitlines() if len(line.strip()) >= 12]
        if len(lines) < 3 or sum(line.strip() in known for line in lines) * 2 < len(lines):
            continue
        widest = max(block.splitlines(), key=len)
        if len(widest) > SNIPPET_WIDTH:
            bad.append(f"{page or '(home)'}: a code block from snippets/ has a line of {len(widest)} characters "
                       f"(limit {SNIPPET_WIDTH}): {widest.strip()[:60]}")
    return bad


# The rules whose outcome depends on colours: all that changes between the light and the dark scheme.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def run_axe(tab, rules: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules, or only
    `rules`)."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    only = {"type": "rule", "values": rules} if rules else {
        "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
    result = tab.evaluate("""async (only) => {
      const r = await axe.run(document, { runOnly: only, resultTypes: ["violations"] });
      return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.length + "x, e.g. " +
             v.nodes[0].target.join(" ") + ")");
    }""", only)
    return list(result)


def _artifacts() -> Path:
    artifacts = Path(os.environ.get("GUIDE_ARTIFACTS") or Path(os.environ["MASSGEN_GUIDE_TEST_TMP"]) / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    return artifacts


@dataclass
class Reading:
    findings: dict[str, list[str]] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    content: dict[str, dict] = field(default_factory=dict)  # page -> CONTENT_FACTS_JS's answer (1440 px)
    screens: dict[str, dict[str, float]] = field(default_factory=dict)  # page -> {"1440": n, "390": n}
    code_blocks: list[int] = field(default_factory=lambda: [0, 0])  # [overflowing, all] at 1440 px
    seconds: float = 0.0  # the pass's wall time, for the record
    languages: dict[str, int] = field(default_factory=dict)  # code blocks per language (1440 px)
    page_seconds: dict[str, float] = field(default_factory=dict)  # page -> load to axe results (tabs overlap)
    # scheme -> the pages whose colour rules ran in it (LookLedger)
    colour_checked: dict[str, list[str]] = field(default_factory=lambda: {"light": [], "dark": []})

    def add(self, check: str, page: str, problems: list[str]) -> None:
        self.findings.setdefault(check, []).extend(f"{page or '(home)'}: {p}" for p in problems)


def _wait_for_diagrams(tab) -> list[str]:
    if tab.locator("pre.mermaid").count():
        try:
            tab.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0", timeout=20_000)
        except PlaywrightTimeout:
            return ["a mermaid diagram was not rendered within 20 s"]
    return []


def tree_labels(trees) -> dict[str, str]:
    """Tree id -> its first question as the diagram labels it (what TREE_VIEWS_JS looks for in a diagram)."""
    return {tree.id: _plain(tree.nodes[tree.start].short or tree.nodes[tree.start].question) for tree in trees}


# Everything read from a page at 1440 px, in one round trip.
DESKTOP_JS = """(labels) => ({
  h1: (() => { const h = document.querySelector('article h1'); if (!h || !h.checkVisibility()) return '';
    const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.trim(); })(),
  tableBreaks: (%s)(), escaping: (%s)(), codeBlocks: (%s)(), treeViews: (%s)(labels), blankBands: (%s)(),
  content: (%s)(), overflowing: (%s)(),
  screens: (%s)(),
})"""
SCREENS_JS = "() => document.documentElement.scrollHeight / window.innerHeight"

# The looks of the page's visible text in each scheme: what the colour rules decide on. A look is the text's
# colour, size, weight, style, decoration and shadow; every background, opacity, blend or filter between it and the
# first opaque background behind it, and every opacity, blend or filter above that; whether the text is words or
# a lone symbol (axe-core leaves symbol-only text undecided, so it must not stand in for words); for a link, also
# the colour, weight, style and decoration of its parent and whether the parent has other text. Form fields count
# by their value. Hidden and empty elements are left out: axe-core does not check them, so their looks do not
# count as checked. Not in a look: a background painted by an element that is not an ancestor (a positioned
# sibling, a pseudo-element), which axe-core reports as undecided rather than as a violation.
LOOKS_JS = """(noTransitions) => {
  const layers = new Map();
  const behind = (el) => {
    if (!el || el.nodeType !== 1) return "";
    if (layers.has(el)) return layers.get(el);
    const s = getComputedStyle(el);
    const clear = /^rgba\\(.*, 0\\)$/.test(s.backgroundColor) && s.backgroundImage === "none" && s.opacity === "1" &&
      s.mixBlendMode === "normal" && s.filter === "none";
    const own = [s.backgroundColor, s.backgroundImage, s.opacity, s.mixBlendMode, s.filter].join(" ");
    const opaque = /^rgb\\(/.test(s.backgroundColor) && s.opacity === "1";
    const parent = el.parentElement || el.getRootNode().host;
    const chain = clear ? behind(parent) : opaque ? own + above(parent) : own + " < " + behind(parent);
    layers.set(el, chain);
    return chain;
  };
  const effects = new Map();
  const above = (el) => {  // the opacities, blends and filters of the ancestors above an opaque background
    if (!el || el.nodeType !== 1) return "";
    if (effects.has(el)) return effects.get(el);
    const s = getComputedStyle(el);
    const own = s.opacity === "1" && s.mixBlendMode === "normal" && s.filter === "none" ? "" :
      " ^ " + [s.opacity, s.mixBlendMode, s.filter].join(" ");
    const chain = own + above(el.parentElement || el.getRootNode().host);
    effects.set(el, chain);
    return chain;
  };
  const elements = [];
  (function collect(root) {  // the page's elements, those in (open) shadow roots too: axe-core checks them
    for (const el of root.querySelectorAll("*")) {
      elements.push(el);
      if (el.shadowRoot) collect(el.shadowRoot);
    }
  })(document.body);
  const looks = () => {
    layers.clear();
    effects.clear();
    const found = new Map();  // look -> the elements that show it
    for (const el of elements) {
      const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join("").trim();
      const field = /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
      const text = field ? String(el.value || "").trim() : own;
      if (!text && el.tagName !== "A") continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const box = el.getBoundingClientRect();
      if (box.width < 1 || box.height < 1 || box.right + scrollX <= 0 || box.bottom + scrollY <= 0) continue;
      const s = getComputedStyle(el);
      const words = /[\\p{L}\\p{N}].*[\\p{L}\\p{N}]/u.test(text);
      let look = [el.tagName, s.color, s.fontSize, s.fontWeight, s.fontStyle, s.textDecorationLine, s.textShadow,
                  words ? "words" : "symbol", behind(el)].join(" | ");
      const parent = el.parentElement;
      if (el.tagName === "A" && parent) {
        const p = getComputedStyle(parent);
        look += " | in " + [parent.tagName, p.color, p.fontWeight, p.fontStyle, p.textDecorationLine,
                            parent.textContent.trim() !== el.textContent.trim()].join(" ");
      }
      if (!found.has(look)) found.set(look, []);
      found.get(look).push(el);
    }
    return found;
  };
  if (!document.getElementById("guide-no-transitions")) {  // Material animates colour changes: none here
    const style = document.createElement("style");
    style.id = "guide-no-transitions";
    style.textContent = noTransitions;
    document.head.appendChild(style);
  }
  const light = looks();
  document.body.setAttribute("data-md-color-scheme", "slate");
  const dark = looks();
  document.body.setAttribute("data-md-color-scheme", "default");
  window.__guideLooks = { light, dark };  // AXE_START_JS checks the new looks on their elements
  return { light: Array.from(light.keys()), dark: Array.from(dark.keys()) };
}"""


@dataclass
class LookLedger:
    """The looks whose colour rules have run, per scheme. The colour rules check each look of the site on the
    first page that shows it, on every element of that page that shows it (the other rules run on every page, on
    everything)."""

    seen: dict[str, set[str]] = field(default_factory=lambda: {"light": set(), "dark": set()})

    def new_looks(self, looks: dict[str, list[str]]) -> dict[str, list[str]]:
        """The page's looks that no page before it showed, per scheme; from now on they count as checked."""
        new = {scheme: [look for look in looks[scheme] if look not in seen] for scheme, seen in self.seen.items()}
        for scheme, seen in self.seen.items():
            seen.update(looks[scheme])
        return new


# Start axe-core on the page without waiting for it: every WCAG 2.x A/AA rule on the whole page in the light
# scheme, but the colour rules only on the elements that show a look new to the site (LOOKS_JS keeps them: they are
# marked, and the colour rules' selectors narrowed to the marks); then, if the dark scheme has new looks, the colour
# rules on those. Every element of a new look on the page is marked, not one: axe-core does not apply the colour
# rules to some elements the looks count (text clipped by a scrolling box, disabled controls) and leaves others
# undecided, and one such element must not stand for the look. `window.__guideAxe` is the promise of both schemes' results.
AXE_START_JS = """(args) => {
  const pick = (r) => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.length + "x, e.g. " +
         v.nodes[0].target.join(" ") + ")");
  for (const scheme of ["light", "dark"]) {
    for (const look of args.check[scheme]) {
      for (const el of window.__guideLooks[scheme].get(look)) {
        el.setAttribute("data-guide-check", ((el.getAttribute("data-guide-check") || "") + " " + scheme).trim());
      }
    }
  }
  const narrow = (scheme) => {  // the colour rules' own selectors ('*' and links), narrowed to the marks
    const mark = '[data-guide-check~="' + scheme + '"]';
    axe.configure({ rules: [{ id: "color-contrast", selector: mark },
                            { id: "link-in-text-block", selector: "a[href]" + mark + ", [role=link]" + mark }] });
  };
  // axe.run starts with seconds of synchronous work on a long page: start it from a timer, so that this call
  // returns at once and the next page loads in another tab (another renderer process) meanwhile.
  window.__guideAxe = new Promise((started) => setTimeout(started, 0)).then(async () => {
    narrow("light");
    const light = pick(await axe.run(document, { runOnly: args.all, resultTypes: ["violations"] }));
    if (!args.check.dark.length) return { light, dark: [] };
    narrow("dark");
    // transitions are off (LOOKS_JS): the dark scheme is measured after, not during, Material's colour change
    document.body.setAttribute("data-md-color-scheme", "slate");
    const dark = pick(await axe.run(document, { runOnly: args.colour, resultTypes: ["violations"] }));
    document.body.setAttribute("data-md-color-scheme", "default");  // transitions stay off: screenshots follow
    return { light, dark };
  });
}"""


def start_axe(tab, ledger: LookLedger, axe_args: dict) -> dict[str, bool]:
    """Start axe-core on the tab's page (AXE_START_JS); returns the schemes whose colour rules run there."""
    check = ledger.new_looks(tab.evaluate(LOOKS_JS, NO_TRANSITIONS))
    tab.evaluate(AXE_START_JS, {**axe_args, "check": check})
    return {scheme: bool(looks) for scheme, looks in check.items()}


AXE_ALL = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


@pytest.fixture(scope="module")
def site_pass(browser, context, recorder: Recorder, trees, built_site: Path, base_url: str) -> Reading:
    """Every page loaded once, at 1440 px, with every per-page fact and reading check taken in that visit, axe
    (light and dark) included; then, once axe is done, the same page resized to 390 px for the narrow-screen
    checks (a resize: Material's layout is CSS media queries, which apply without a reload). And the full-page
    screenshots (home, base-class, coverage, backend-class at both widths) as test artifacts.

    Material's search worker rebuilds the search index on every full page load, which would be a third of the
    time; `base_url` serves a one-entry index instead (the search test uses the real one, at `search_url`).
    """
    result = Reading()
    pages = site_pages(built_site)
    assert len(pages) >= 10, f"sitemap.xml lists only {len(pages)} pages"
    known = snippet_lines()
    artifacts = _artifacts()
    for old in [p for shot in SCREENSHOT_PAGES for p in artifacts.glob(f"{shot}-*.*") if p.suffix in {".png", ".jpg"}]:
        old.unlink()
    labels = tree_labels(trees)
    desktop_js = DESKTOP_JS % (TABLE_CODE_BREAKS_JS, ESCAPING_JS, CODE_BLOCKS_JS, TREE_VIEWS_JS, BLANK_BANDS_JS,
                               CONTENT_FACTS_JS, OVERFLOWING_CODE_JS, SCREENS_JS)
    axe_args = {"all": AXE_ALL, "colour": {"type": "rule", "values": COLOUR_RULES}}
    ledger = LookLedger()

    def screenshot(tab, path: str, width: str) -> None:
        for shot, shot_path in SCREENSHOT_PAGES.items():
            if shot_path == path:
                target = artifacts / f"{shot}-{width}.jpg"
                # JPEG: encoding a full-page PNG of a long page takes seconds; the pictures are for a person
                tab.screenshot(path=str(target), full_page=True, type="jpeg", quality=85)
                result.screenshots.append(target)

    # ---- 1440 px: several tabs; a tab's axe results are collected when it comes round again
    tabs = []
    for _ in range(min(TABS, len(pages))):
        tab = context.new_page()
        record = {"errors": [], "requests": []}
        tab.on("console", lambda message, r=record: r["errors"].append(message.text)
               if message.type == "error" else None)
        tab.on("pageerror", lambda exc, r=record: r["errors"].append(f"uncaught: {exc}"))
        tab.on("request", lambda request, r=record: r["requests"].append(request.url))
        tabs.append((tab, record))
    running: dict[int, str] = {}

    def finish(slot: int) -> None:
        """The tab's axe results; then the same page at 390 px (the viewport resized, not the page reloaded)."""
        tab = tabs[slot][0]
        path = running.pop(slot)
        outcome = tab.evaluate("() => window.__guideAxe")
        result.page_seconds[path] = time.monotonic() - result.page_seconds[path]
        result.add("axe light", path, outcome["light"])
        result.add("axe dark", path, outcome["dark"])
        tab.set_viewport_size(MOBILE)
        result.screens[path]["390"] = tab.evaluate(SCREENS_JS)
        screenshot(tab, path, "390")
        tab.evaluate(OPEN_DIAGRAMS_JS)  # the diagram views open, to measure the diagrams
        result.add("prose overflow", path, tab.evaluate(PROSE_OVERFLOW_JS))
        result.add("diagram scale", path, tab.evaluate(DIAGRAM_SCALE_JS))

    started = time.monotonic()
    for index, path in enumerate(pages):
        slot = index % len(tabs)
        if slot in running:
            finish(slot)
        tab, record = tabs[slot]
        tab.set_viewport_size(DESKTOP)
        result.page_seconds[path] = time.monotonic()
        record["errors"].clear()
        record["requests"].clear()
        response = tab.goto(urljoin(base_url, path), wait_until="load")
        errors = _wait_for_diagrams(tab)  # so mermaid's errors, if any, land on this page's record
        result.add("diagrams drawn", path, errors)
        facts = tab.evaluate(desktop_js, labels)
        result.visits.append(Visit(path, response.status if response else None, tab.title(), facts["h1"],
                                   list(record["errors"]), list(record["requests"])))
        result.add("table code breaks", path, facts["tableBreaks"])
        result.add("escaping", path, facts["escaping"])
        result.findings.setdefault("code width", []).extend(wide_code_blocks(path, facts["codeBlocks"], known))
        for block in facts["codeBlocks"]:
            result.languages[block["lang"]] = result.languages.get(block["lang"], 0) + 1
        result.add("one view per tree", path, facts["treeViews"])
        result.add("no blank band", path, facts["blankBands"])
        result.content[path] = facts["content"]
        result.screens[path] = {"1440": facts["screens"]}
        result.code_blocks[0] += facts["overflowing"][0]
        result.code_blocks[1] += facts["overflowing"][1]
        screenshot(tab, path, "1440")
        for scheme, checked in start_axe(tab, ledger, axe_args).items():
            if checked:
                result.colour_checked[scheme].append(path)
        running[slot] = path
    for slot in list(running):
        finish(slot)
    for tab, _ in tabs:
        tab.close()
    result.seconds = time.monotonic() - started
    result.findings["content placement"] = content_placement(result.content)
    _write_figures(result)
    return result


@pytest.fixture(scope="module")
def reading(site_pass) -> Reading:
    return site_pass


def _write_figures(result: Reading) -> None:
    """Page lengths in screens and the overflowing code blocks, for the record (an artifact, not a check)."""
    longest = sorted(result.screens.items(), key=lambda item: -item[1]["1440"])
    figures = {
        "longest pages (screens at 1440x900 / 390x844)": {
            (path or "(home)"): [round(v["1440"], 1), round(v.get("390", 0), 1)] for path, v in longest[:5]},
        "code blocks overflowing at 1440 px": f"{result.code_blocks[0]} of {result.code_blocks[1]}",
        "pass wall time (s)": round(result.seconds, 1),
        "pages whose colour rules ran (light, dark), of all": [len(result.colour_checked["light"]),
                                                               len(result.colour_checked["dark"]), len(result.visits)],
        "slowest pages, load to axe results (s)": {
            (path or "(home)"): round(seconds, 1)
            for path, seconds in sorted(result.page_seconds.items(), key=lambda item: -item[1])[:8]},
    }
    (_artifacts() / "reading-figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))


@pytest.mark.parametrize("check", ["table code breaks", "prose overflow", "code width", "escaping", "axe light",
                                   "axe dark", "one view per tree", "no blank band", "diagram scale",
                                   "diagrams drawn", "content placement"])
def test_reading_check_finds_nothing(reading: Reading, check: str) -> None:
    problems = reading.findings.get(check, [])
    assert not problems, f"{check}: {len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_code_blocks_carry_their_language(reading: Reading) -> None:
    # The code-width check knows example code by its language (pymdownx.highlight's pygments_lang_class): without
    # it every block would be skipped and the check would pass on anything.
    assert reading.languages.get("python", 0) >= 50 and reading.languages.get("bash", 0) >= 5, reading.languages
    assert reading.languages.get("", 0) <= reading.languages.get("python", 0) // 4, reading.languages


def test_full_page_screenshots_are_written(reading: Reading) -> None:
    assert len(reading.screenshots) == 2 * len(SCREENSHOT_PAGES)
    for target in reading.screenshots:
        data = target.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" and len(data) > 10_000, target  # a JPEG image


def test_coverage_matrix_first_column_stays_visible(context, base_url: str) -> None:
    tab = context.new_page()
    try:
        tab.goto(urljoin(base_url, "reference/coverage/"))
        tab.evaluate("document.querySelector('.guide-matrix-scroll').style.maxWidth = '600px'")  # force scrolling
        assert tab.evaluate(MATRIX_FIRST_COLUMN_JS) == []
        # "Show only backend types with a missing point" hides the complete rows
        rows = tab.locator(".guide-matrix-table tbody tr")
        total = rows.count()
        tab.locator(".guide-matrix-only-missing").check()
        shown = sum(1 for i in range(total) if rows.nth(i).is_visible())
        assert 0 < shown < total == tab.locator("tbody tr").count()
        assert shown == tab.locator("tbody tr.guide-matrix-row--missing").count()
        # a cell's details open on a tap (a click here), with the evidence and the guide link
        tab.locator(".guide-matrix-only-missing").uncheck()
        cell = tab.locator(".guide-cell--missing summary").first
        cell.scroll_into_view_if_needed()
        cell.click()
        detail = tab.locator(".guide-cell--missing .guide-cell-detail").first
        assert detail.is_visible() and "How:" in detail.inner_text()
    finally:
        tab.close()


WIDGET_BUTTONS = [".guide-dt-back", ".guide-dt-restart", ".guide-dt-expand", ".guide-dt-diagram-toggle"]


def widget_contrasts(tab) -> dict[str, float]:
    """Contrast of each widget button in each state (disabled at the start; then normal, hover and focus), in
    both schemes."""
    results: dict[str, float] = {}
    widget = tab.locator('.guide-dt[data-tree="base-class"]')
    for scheme in ("default", "slate"):
        tab.evaluate(SCHEME_JS, scheme)
        if widget.locator(".guide-dt-restart").is_enabled():
            widget.locator(".guide-dt-restart").click()
        tab.mouse.move(0, 0)
        tab.evaluate("document.activeElement && document.activeElement.blur()")
        for selector in WIDGET_BUTTONS:
            button = widget.locator(selector)
            if button.is_disabled():
                results[f"{scheme} {selector} disabled"] = button.evaluate(CONTRAST_JS)
        widget.locator(".guide-dt-choice").first.click()
        for selector in WIDGET_BUTTONS:
            button = widget.locator(selector)
            tab.mouse.move(0, 0)
            tab.evaluate("document.activeElement && document.activeElement.blur()")
            results[f"{scheme} {selector} normal"] = button.evaluate(CONTRAST_JS)
            button.hover()
            results[f"{scheme} {selector} hover"] = button.evaluate(CONTRAST_JS)
            tab.mouse.move(0, 0)
            button.focus()
            results[f"{scheme} {selector} focus"] = button.evaluate(CONTRAST_JS)
            tab.evaluate("document.activeElement && document.activeElement.blur()")
    tab.evaluate(SCHEME_JS, "default")
    return results


def test_widget_buttons_meet_contrast_in_every_state(context, base_url: str) -> None:
    tab = context.new_page()
    try:
        tab.goto(urljoin(base_url, "choose-base-class/"))
        tab.locator('.guide-dt[data-tree="base-class"] .guide-dt-panel').wait_for()
        tab.add_style_tag(content=NO_TRANSITIONS)
        contrasts = widget_contrasts(tab)
    finally:
        tab.close()
    for scheme in ("default", "slate"):
        assert sum(key.startswith(scheme) and key.endswith("disabled") for key in contrasts) >= 1, contrasts
        assert sum(key.startswith(scheme) and not key.endswith("disabled") for key in contrasts) == 3 * len(WIDGET_BUTTONS)
    low = {state: ratio for state, ratio in contrasts.items() if ratio < 4.5}
    assert not low, f"below 4.5:1: {low}"


def test_checklist_ticks_survive_a_reload_and_reset(browser, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)  # its own storage: the ticks start empty
    recorder = Recorder()
    recorder.watch(context)
    try:
        tab = context.new_page()
        tab.goto(urljoin(base_url, "checklist/"))
        boxes = tab.locator("article .task-list-control input[type=checkbox]")
        assert boxes.count() >= 20
        boxes.nth(0).check(force=True)
        boxes.nth(3).check(force=True)
        tab.reload()
        assert [boxes.nth(i).is_checked() for i in range(5)] == [True, False, False, True, False]
        tab.locator(".guide-checklist-reset").click()
        tab.reload()
        assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    finally:
        context.close()
    assert recorder.requests and not recorder.outside, recorder.outside


# ------------------------------------------------------------------------------ the checks, on pages built to fail
def _fixture_page(browser, html: str, viewport: dict[str, int] = DESKTOP):
    context = browser.new_context(viewport=viewport)
    context.route("**/*", lambda route: route.abort())  # nothing loads: the page is given whole
    tab = context.new_page()
    tab.set_content(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>t</title></head>"
                    f"<body>{html}</body></html>")
    return context, tab


MONO = "font: 16px/1.5 monospace; margin: 0; padding: 0"


def test_table_code_check_fails_on_a_mid_word_break(browser) -> None:
    cell = (f"<style>* {{ {MONO} }} code {{ word-break: break-all }}</style>"
            "<article><table><tr><td><div style='width: 10ch'><code>ChatCompletionsBackend</code></div></td></tr>"
            "</table></article>")
    context, tab = _fixture_page(browser, cell)
    try:
        assert tab.evaluate(TABLE_CODE_BREAKS_JS) == ["ChatComple|tionsBackend", "ChatCompletionsBacke|nd"]
        # the site's rule: break only at the <wbr> after "/" and "." (and CamelCase)
        tab.set_content(cell.replace("word-break: break-all", "word-break: normal; overflow-wrap: normal")
                        .replace("ChatCompletionsBackend", "massgen/<wbr>backend/<wbr>base.<wbr>py"))
        assert tab.evaluate("document.querySelector('code').getClientRects().length") > 1
        assert tab.evaluate(TABLE_CODE_BREAKS_JS) == []
    finally:
        context.close()


def test_prose_overflow_check_fails_on_a_wide_paragraph(browser) -> None:
    html = (f"<style>* {{ {MONO} }} article {{ width: 300px }}</style><article class='md-content__inner'>"
            "<p>fine</p><div style='width: 576px'>wide</div>"
            "<div style='overflow-x: auto'><pre>" + "y" * 80 + "</pre></div></article>")
    context, tab = _fixture_page(browser, html, MOBILE)
    try:
        problems = tab.evaluate(PROSE_OVERFLOW_JS)
        assert problems[0] == 'div "wide" ends at 576 px, past the text column (300 px)'
        assert problems[1] == "the page scrolls sideways: 576 px wide in a 390 px window"
        assert len(problems) == 2  # the <pre> scrolls inside its own box
    finally:
        context.close()


def test_snippet_width_check_fails_on_a_wide_snippet_line() -> None:
    known = snippet_lines()
    text = (ROOT / "snippets" / "custom_api_backend.py").read_text(encoding="utf-8").splitlines()
    block = [line for line in text if len(line.strip()) >= 12][:6]
    wide = block[1] + "  # " + "w" * 100
    assert wide_snippet_blocks("p/", ["\n".join(block)], known) == []
    assert wide_snippet_blocks("p/", ["\n".join([block[0], wide, *block[2:]])], known) == [
        f"p/: a code block from snippets/ has a line of {len(wide)} characters (limit 88): {wide.strip()[:60]}"]
    # a page's own wide block that is not from snippets/ is not this check's business
    assert wide_snippet_blocks("p/", ["\n".join(["z" * 100] * 4)], known) == []


def test_escaping_check_fails_on_a_backslash_and_a_bold_dunder(browser) -> None:
    html = ("<article><table><tr><td><code>str \\| None</code></td></tr></table>"
            "<p>Export the class from massgen/backend/<strong>init</strong>.py, and a <strong>real</strong> word.</p>"
            "<p>Call from subclass <strong>init</strong>.</p><p><code>str | None</code> __init__</p></article>")
    context, tab = _fixture_page(browser, html)
    try:
        assert tab.evaluate(ESCAPING_JS) == [
            "literal \\| in <code>: str \\| None",
            "<strong> holds a dunder name's core: he class from massgen/backend/[init].py, and a",
            "<strong> holds a dunder name's core: Call from subclass [init].",
        ]
    finally:
        context.close()


def test_matrix_check_fails_when_the_first_column_scrolls_away(browser) -> None:
    rows = "".join(f"<tr><th scope='row'>type{i}</th>" + "<td>✓</td>" * 60 + "</tr>" for i in range(30))
    html = ("<style>.guide-matrix-scroll { overflow: auto; max-width: 400px; max-height: 300px }"
            " th[scope=row] { %s }</style><div class='guide-matrix-scroll'><table>"
            "<thead><tr><th class='guide-matrix-corner'>t</th>" + "<th>p</th>" * 60 + "</tr></thead>"
            "<tbody>" + rows + "</tbody></table></div>")
    context, tab = _fixture_page(browser, html % "")
    try:
        problems = tab.evaluate(MATRIX_FIRST_COLUMN_JS)
        assert len(problems) == 2
        assert problems[0].startswith("first column scrolled out of view: type")
        assert problems[1] == "the header row scrolled out of view"
        tab.set_content(html % "position: sticky; left: 0; background: white" .replace(
            "background: white", "background: white } thead th { position: sticky; top: 0; background: white"))
        assert tab.evaluate(MATRIX_FIRST_COLUMN_JS) == []
    finally:
        context.close()


def test_contrast_check_fails_on_pale_buttons(browser) -> None:
    html = ("<div style='background: #f5f5f5'><button id='a' style='color: #fff; background: transparent'>Back"
            "</button><button id='b' style='color: #303f9f; opacity: 0.45'>Start over</button>"
            "<button id='c' style='color: #303f9f; background: transparent'>Show all</button></div>")
    context, tab = _fixture_page(browser, html)
    try:
        ratios = [tab.locator(f"#{i}").evaluate(CONTRAST_JS) for i in "abc"]
        assert ratios[0] < 1.2  # white on light grey: Material's hover colour over our transparent background
        assert ratios[1] < 4.5  # the old disabled state: opacity 0.45
        assert ratios[2] >= 4.5
    finally:
        context.close()


def test_axe_fails_on_an_inaccessible_page(browser) -> None:
    html = ("<main><h1>t</h1><p style='color: #bbb; background: #fff'>pale text</p>"
            "<img src='x.png'><button></button></main>")
    context, tab = _fixture_page(browser, html)
    try:
        problems = run_axe(tab)
    finally:
        context.close()
    ids = sorted(problem.split(":")[0] for problem in problems)
    assert ids == ["critical button-name", "critical image-alt", "serious color-contrast"], problems


LOOK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title><style>
  body { background: #fff; color: #222; font: 16px sans-serif }
  body[data-md-color-scheme=slate] { background: #1e2129; color: #e2e4e9 }
  .pale { color: #c8c8c8 } body[data-md-color-scheme=slate] .pale { color: #3a3d44 }
  .boxed { background: #f4f4f4 } body[data-md-color-scheme=slate] .boxed { background: #2a2d35 }
</style></head><body><main><h1>Page %s</h1>%s</main></body></html>"""


def test_colour_rules_check_each_look_once_and_find_a_new_one(browser) -> None:
    """The ledger runs the colour rules only on the elements of a look no page before it showed: a page that
    repeats the looks of an earlier one is skipped, and a pale look first shown on a later page is found, on each
    of its elements there, in both schemes; a look that was hidden where it first appeared does not count as
    checked."""
    pages = {
        "first": "<p>Plain text.</p><p class='pale' hidden>Pale, but hidden here.</p>"
                 "<div class='boxed'><p>Text on a grey box.</p></div>",
        "again": "<p>Other plain text.</p><div class='boxed'><p>More text on a grey box.</p></div>",
        # two pale paragraphs, one look: both are checked, the plain one (a look already checked) is not
        "pale": "<p>Plain text.</p><p class='pale'>Pale text, shown.</p><p class='pale'>And again.</p>",
        "pale on a box": "<div class='boxed'><p class='pale'>Pale text on a grey box.</p></div>",
        # the grey box and its text look as on "first", but the whole box is faded (an opacity above its background)
        "faded box": "<div style='opacity: 0.4'><div class='boxed'><p>Text on a faded grey box.</p></div></div>",
    }
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    context.route("**/*", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=LOOK_PAGE % (name := urlsplit(route.request.url).path.strip("/").replace("-", " "), pages[name])))
    ledger, checked, found, counts = LookLedger(), {}, {}, {}
    axe_args = {"all": AXE_ALL, "colour": {"type": "rule", "values": COLOUR_RULES}}
    try:
        tab = context.new_page()
        for name in pages:
            tab.goto(f"http://127.0.0.1:9/{name.replace(' ', '-')}")
            checked[name] = start_axe(tab, ledger, axe_args)
            outcome = tab.evaluate("() => window.__guideAxe")
            found[name] = {scheme: sorted({problem.split(":")[0] for problem in problems})
                           for scheme, problems in outcome.items()}
            counts[name] = {scheme: [problem.split(" (")[1].split(",")[0] for problem in problems]
                            for scheme, problems in outcome.items()}
    finally:
        context.close()
    both, neither = {"light": True, "dark": True}, {"light": False, "dark": False}
    assert checked == {"first": both, "again": neither, "pale": both, "pale on a box": both, "faded box": both}
    contrast = {"light": ["serious color-contrast"], "dark": ["serious color-contrast"]}
    assert found == {"first": {"light": [], "dark": []}, "again": {"light": [], "dark": []},
                     "pale": contrast, "pale on a box": contrast, "faded box": contrast}
    assert counts["pale"] == {"light": ["2x"], "dark": ["2x"]}, counts["pale"]


def test_tree_views_check_fails_when_a_tree_is_shown_three_times(browser, trees) -> None:
    labels = tree_labels(trees)
    question = labels["base-class"]
    # The old page: the stepper's panel, the nested text beside it and the diagram after it, all visible.
    page = ("<article><div class='guide-dt' data-tree='base-class'><div class='guide-dt-panel'><p>%s</p>"
            "<button>HTTP</button></div><div class='guide-dt-node' %s><p>%s</p></div>%s</div>%s</article>")
    diagram = f"<div class='mermaid'><svg width='300' height='200'><text y='20'>{question}</text></svg></div>"
    context, tab = _fixture_page(browser, page % (question, "", question, "", diagram))
    try:
        assert tab.evaluate(TREE_VIEWS_JS, labels) == ["tree base-class is shown 3 times (widget, text, diagram)"]
        # this guide's page: the text and the diagram are hidden views of the widget
        tab.set_content(page % (question, "style='display: none'", question,
                                f"<div class='guide-dt-diagram' style='display: none'>{diagram}</div>", ""))
        assert tab.evaluate(TREE_VIEWS_JS, labels) == []
        # ... and no view at all is as wrong as three
        tab.set_content("<article><div class='guide-dt' data-tree='auth'></div></article>")
        assert tab.evaluate(TREE_VIEWS_JS, labels) == ["tree auth is shown 0 times ()"]
    finally:
        context.close()


def test_blank_band_check_fails_on_an_empty_trail(browser) -> None:
    # Material's rule for lists outranks a bare `.guide-dt-trail:empty { display: none }`: the empty trail keeps
    # its margins, a blank band at the top of the panel.
    material = ".md-typeset ol:not([hidden]) { display: flow-root } .md-typeset ol { margin: 14px 0 }"
    panel = ("<style>%s</style><article class='md-typeset'><div class='guide-dt-panel'><ol class='guide-dt-trail'>"
             "</ol><div class='guide-dt-body'><p>Question?</p><button>Answer</button></div></div></article>")
    context, tab = _fixture_page(browser, panel % (material + " .guide-dt-trail:empty { display: none }"))
    try:
        assert tab.evaluate(BLANK_BANDS_JS) == ["ol.guide-dt-trail is empty but takes 28 px"]
        # the site's stylesheet, over the same Material rules: no band
        guide_css = (ROOT / "docs" / "assets" / "stylesheets" / "guide.css").read_text(encoding="utf-8")
        tab.set_content(panel % (material + guide_css))
        assert tab.evaluate(BLANK_BANDS_JS) == []
    finally:
        context.close()


def test_diagram_scale_check_fails_on_a_shrunk_or_overflowing_diagram(browser) -> None:
    svg = "<svg viewBox='0 0 1200 400' width='%s' height='%s'><text x='10' y='20' font-size='16'>Label</text></svg>"
    box = "<article><div class='mermaid' style='width: 300px; %s'>%s</div></article>"
    context, tab = _fixture_page(browser, box % ("", svg % ("100%", "100")), MOBILE)
    try:
        # mermaid's default (useMaxWidth): the diagram shrinks to its box, its labels to 4 px
        assert tab.evaluate(DIAGRAM_SCALE_JS) == ["a diagram is drawn at 25% of its size (labels 4.0 px)"]
        tab.set_content(box % ("", svg % ("1200", "400")))
        assert tab.evaluate(DIAGRAM_SCALE_JS) == ["a diagram wider than its box (1200 px) does not scroll"]
        tab.set_content(box % ("overflow-x: auto", svg % ("1200", "400")))  # the site's rule: it scrolls
        assert tab.evaluate(DIAGRAM_SCALE_JS) == []
    finally:
        context.close()


def test_content_placement_check_fails_on_misplaced_content(browser) -> None:
    site = "http://127.0.0.1:1/"

    def nav(sections: dict[str, list[str]]) -> str:
        items = "".join(
            f"<li class='md-nav__item'><label class='md-nav__link'>{name}</label><nav class='md-nav'><ul>"
            + "".join(f"<li><a class='md-nav__link' href='{site}{link}'>{link}</a></li>" for link in links)
            + "</ul></nav></li>" for name, links in sections.items())
        return f"<nav class='md-nav md-nav--primary'><ul>{items}</ul></nav>"

    rows = ["content", "tool_calls", "reasoning", "done"]
    table = ("<table><thead><tr><th>Type</th><th>Meaning</th></tr></thead><tbody>"
             + "".join(f"<tr><td><code>{key}</code></td><td>...</td></tr>" for key in rows) + "</tbody></table>")
    pages = {
        "": "<h2>Quick start</h2><pre><code>python3 dev.py serve\n</code></pre>",
        CONTRIBUTING_PAGE: "<p>How to change the guide.</p>",
        STREAM_REFERENCE_PAGE: table,
        "phases/backend-class/": "<p>The chunks:</p>" + table.replace("done", "error"),
    }
    wrong_nav = nav({"Reference": ["reference/api/", *BUILD_CHECK_PAGES[:2]], "Build checks": BUILD_CHECK_PAGES[2:]})
    context, tab = _fixture_page(browser, "")
    try:
        content = {}
        for path, article in pages.items():
            tab.set_content(f"<body>{wrong_nav}<article>{article}</article></body>")
            content[path] = tab.evaluate(CONTENT_FACTS_JS)
        assert content_placement(content) == [
            "(home): contributor set-up outside the contributing page: python3 dev.py serve",
            "contributing/: no `python3 dev.py` set-up command",
            "nav: reference/claims-report/ is under ['Reference'], not under 'Build checks' alone",
            "nav: reference/upstream-skill/ is under ['Reference'], not under 'Build checks' alone",
            "phases/backend-class/: a table repeats 3 rows of the ['Type'] table of reference/stream-chunks/ "
            "(e.g. ['content', 'reasoning', 'tool_calls']): summarise and link instead",
            "phases/backend-class/: no link to reference/stream-chunks/",
        ]
        # the same pages, content where it belongs
        right_nav = nav({"Reference": ["reference/api/"], "Build checks": BUILD_CHECK_PAGES})
        pages.update({"": "<p>Start here.</p>", CONTRIBUTING_PAGE: pages[""],
                      "phases/backend-class/": f"<p>See <a href='{site}{STREAM_REFERENCE_PAGE}'>the chunks</a>.</p>"})
        for path, article in pages.items():
            tab.set_content(f"<body>{right_nav}<article>{article}</article></body>")
            content[path] = tab.evaluate(CONTENT_FACTS_JS)
        assert content_placement(content) == []
    finally:
        context.close()


def test_code_width_check_covers_the_pages_own_example_code() -> None:
    known = snippet_lines()
    wide = "assert backend.config['model'] == 'm'  # " + "w" * 60
    block = {"lang": "python", "text": "import x\n" + wide + "\n", "generated": False}
    assert wide_code_blocks("p/", [block], known) == [
        f"p/: a python code block has a line of {len(wide)} characters (limit 88): {wide[:60]}"]
    # output, MassGen's signatures (mkdocstrings) and diffs are not example code
    assert wide_code_blocks("p/", [{**block, "lang": "text"}, {**block, "generated": True},
                                   {**block, "lang": "diff"}], known) == []
    assert wide_code_blocks("p/", [{**block, "text": "import x\n" + wide[:88]}], known) == []

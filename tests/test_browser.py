"""The built site in a real browser: Debian's Chromium, headless, driven by playwright, served on 127.0.0.1.

One browser for the module. Every page is loaded once (by the `visits` fixture) and the per-page facts
(status, title, console errors, every request made) are asserted by separate tests; the decision-tree,
diagram, search and screenshot tests reuse one page each.
"""

from __future__ import annotations

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
]
LOCAL_HOSTS = {"127.0.0.1"}
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
    """Serves the built site; sitemap.xml is served with `site_url` swapped for the test server's own URL.

    Material's instant navigation only treats links listed in sitemap.xml as internal, and it matches them by
    scheme and host but not port; on the real host the sitemap matches by itself, here the swap makes it so.
    """

    site_url = ""
    base_url = ""

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/sitemap.xml" and self.site_url:
            body = Path(self.directory, "sitemap.xml").read_bytes()
            body = body.replace(self.site_url.encode(), self.base_url.encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        # Cache like GitHub Pages does (max-age=600), so the browser reuses scripts between pages as it would.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path):
    handler_class = type("Handler", (_SiteHandler,), {"site_url": _site_url()})
    handler = functools.partial(handler_class, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler_class.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@dataclass
class Recorder:
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        scheme = urlsplit(url).scheme
        if scheme in {"data", "blob", "about"}:
            route.continue_()
        elif urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


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


@pytest.fixture(scope="module")
def context(browser, recorder: Recorder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW_ROOTS)
    context.route("**/*", recorder.route)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context):
    page = context.new_page()
    yield page
    page.close()


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
def visits(context, built_site: Path, base_url: str) -> list[Visit]:
    """Load every page of the site once, in one tab, recording what each did.

    Material's search worker rebuilds the search index on every full page load, which would be a third of this
    fixture's time; this tab gets a one-entry index instead (the search test uses the real one).
    """
    pages = site_pages(built_site)
    assert len(pages) >= 10, f"sitemap.xml lists only {len(pages)} pages"
    tab = context.new_page()
    small_index = small_search_index(built_site)
    tab.route("**/search/search_index.json",
              lambda route: route.fulfill(status=200, content_type="application/json", body=small_index))
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    results = []
    for path in pages:
        errors.clear()
        requested.clear()
        response = tab.goto(urljoin(base_url, path), wait_until="load")
        if tab.locator("pre.mermaid").count():
            # Let mermaid finish so its errors, if any, land on this page's record.
            try:
                tab.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0", timeout=20_000)
            except PlaywrightTimeout:
                errors.append("a mermaid diagram was not rendered within 20 s")
        h1 = tab.evaluate(
            "() => { const h = document.querySelector('article h1'); if (!h || !h.checkVisibility()) return '';"
            " const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());"
            " return c.textContent.trim(); }"
        )
        results.append(Visit(path, response.status if response else None, tab.title(), h1, list(errors),
                             list(requested)))
    tab.close()
    return results


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
    for index in range(svgs.count()):
        box = svgs.nth(index).bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"diagram {index + 1} is empty: {box}"
        assert svgs.nth(index).locator("g.node").count() >= 3


def test_tree_is_readable_without_javascript(browser, trees, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    recorder = Recorder()
    context.route("**/*", recorder.route)
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
    finally:
        context.close()
    assert not recorder.outside, recorder.outside


def test_search_finds_the_page_explaining_stream_with_tools(page, built_site: Path, base_url: str) -> None:
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    try:
        _search_for_stream_with_tools(page, built_site, base_url)
    finally:
        page.remove_listener("console", on_console)
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


def test_screenshot_of_the_base_class_decision_page(page, base_url: str) -> None:
    # Tests write only to temp dirs: the artifact goes to the run's temp dir (its path is printed at the end of
    # the run), or to GUIDE_ARTIFACTS when set.
    artifacts = Path(os.environ.get("GUIDE_ARTIFACTS") or Path(os.environ["MASSGEN_GUIDE_TEST_TMP"]) / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    target = artifacts / "choose-base-class.png"
    if target.exists():
        target.unlink()
    page.goto(urljoin(base_url, "choose-base-class/"))
    page.locator('.guide-dt[data-tree="base-class"] .guide-dt-panel').wait_for()
    page.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0")
    started = time.monotonic()
    page.screenshot(path=str(target), full_page=True)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    assert len(data) > 10_000, f"the screenshot is suspiciously small ({len(data)} bytes)"
    assert time.monotonic() - started < 30


# ================================================================================================ reading checks
# Each check is a function run in the page (or on what it returns) that lists what is wrong; every check also runs
# on a page built to break it (the `test_*_fails_on_*` tests), so each can fail.
DESKTOP = {"width": 1440, "height": 900}
MOBILE = {"width": 390, "height": 844}
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

# Every code block's text (for the snippet-width check, done in Python).
# The text of each code block as its source shows it: Material moves a code annotation's explanation into the code
# element once its script has run, so annotations are taken out first (their marker stays a comment in the file).
CODE_BLOCKS_JS = """() => Array.from(document.querySelectorAll("article pre > code"), code => {
  const copy = code.cloneNode(true);
  copy.querySelectorAll(".md-annotation, .md-tooltip, .md-annotation__index").forEach(node => node.remove());
  return copy.textContent;
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


def snippet_lines() -> set[str]:
    lines: set[str] = set()
    for path in (ROOT / "snippets").glob("*.py"):
        lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 12}
    return lines


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

    def add(self, check: str, page: str, problems: list[str]) -> None:
        self.findings.setdefault(check, []).extend(f"{page or '(home)'}: {p}" for p in problems)


def _wait_for_diagrams(tab) -> None:
    if tab.locator("pre.mermaid").count():
        tab.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0", timeout=20_000)


@pytest.fixture(scope="module")
def reading(browser, built_site: Path, base_url: str) -> Reading:
    """Every page at 1440 px (light and dark) and at 390 px, once, with every reading check run on it; and the
    full-page screenshots (home, base-class, coverage, backend-class at both widths) as test artifacts."""
    result = Reading()
    pages = site_pages(built_site)
    known = snippet_lines()
    artifacts = _artifacts()
    small_index = small_search_index(built_site)
    for name, viewport in (("1440", DESKTOP), ("390", MOBILE)):
        context = browser.new_context(viewport=viewport)
        context.route("**/*", Recorder().route)
        context.route("**/search/search_index.json",
                      lambda route: route.fulfill(status=200, content_type="application/json", body=small_index))
        context.set_default_timeout(20_000)
        tab = context.new_page()
        for path in pages:
            tab.goto(urljoin(base_url, path), wait_until="load")
            _wait_for_diagrams(tab)
            if name == "1440":
                result.add("table code breaks", path, tab.evaluate(TABLE_CODE_BREAKS_JS))
                result.add("escaping", path, tab.evaluate(ESCAPING_JS))
                result.findings.setdefault("snippet width", []).extend(
                    wide_snippet_blocks(path, tab.evaluate(CODE_BLOCKS_JS), known))
                result.add("axe light", path, run_axe(tab))
                # Material animates colour changes; the scheme switch must be measured after, not during, them.
                tab.add_style_tag(content=NO_TRANSITIONS)
                tab.evaluate(SCHEME_JS, "slate")
                result.add("axe dark", path, run_axe(tab, COLOUR_RULES))
                tab.evaluate(SCHEME_JS, "default")
            else:
                result.add("prose overflow", path, tab.evaluate(PROSE_OVERFLOW_JS))
            for shot, shot_path in SCREENSHOT_PAGES.items():
                if shot_path == path:
                    target = artifacts / f"{shot}-{name}.png"
                    tab.screenshot(path=str(target), full_page=True)
                    result.screenshots.append(target)
        context.close()
    return result


@pytest.mark.parametrize("check", ["table code breaks", "prose overflow", "snippet width", "escaping", "axe light",
                                   "axe dark"])
def test_reading_check_finds_nothing(reading: Reading, check: str) -> None:
    problems = reading.findings.get(check, [])
    assert not problems, f"{check}: {len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_full_page_screenshots_are_written(reading: Reading) -> None:
    assert len(reading.screenshots) == 2 * len(SCREENSHOT_PAGES)
    for target in reading.screenshots:
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, target


def test_coverage_matrix_first_column_stays_visible(browser, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.route("**/*", Recorder().route)
    try:
        tab = context.new_page()
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
        context.close()


WIDGET_BUTTONS = [".guide-dt-back", ".guide-dt-restart", ".guide-dt-expand"]


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


def test_widget_buttons_meet_contrast_in_every_state(browser, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.route("**/*", Recorder().route)
    try:
        tab = context.new_page()
        tab.goto(urljoin(base_url, "choose-base-class/"))
        tab.locator('.guide-dt[data-tree="base-class"] .guide-dt-panel').wait_for()
        tab.add_style_tag(content=NO_TRANSITIONS)
        contrasts = widget_contrasts(tab)
    finally:
        context.close()
    for scheme in ("default", "slate"):
        assert sum(key.startswith(scheme) and key.endswith("disabled") for key in contrasts) >= 1, contrasts
        assert sum(key.startswith(scheme) and not key.endswith("disabled") for key in contrasts) == 3 * len(WIDGET_BUTTONS)
    low = {state: ratio for state, ratio in contrasts.items() if ratio < 4.5}
    assert not low, f"below 4.5:1: {low}"


def test_checklist_ticks_survive_a_reload_and_reset(browser, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.route("**/*", Recorder().route)
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

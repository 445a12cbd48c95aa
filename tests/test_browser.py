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

from massgen_guide.decision_trees import load_trees

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

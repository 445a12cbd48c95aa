"""Every generated table is one model (massgen_guide/tables.py) rendered twice: the Markdown pipe table (llms files,
per-page Markdown) and the HTML table (the site). The two must hold the same cells.

The Markdown rendering is read back the way the site's engine reads Markdown (Python-Markdown with its `tables`
extension and the guide's dunder rule), the HTML rendering with `html.parser`; each cell is reduced to its text
(code as `` `x` ``, emphasis as `*x*`, strong as `**x**`, a line break as ` / `) and its links (target and title),
and the two are compared cell by cell. A relative `.md` link of the Markdown is compared as the site URL it
becomes. A `Panel`'s body is site-only (the tap-to-open detail of a coverage-matrix cell): only its summary counts.

A `BulletList` (or a `Collapsed` one, in a note that opens on click) is compared the same way: its title, then
each item with its depth, text and links, in order.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import html
import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import pytest
import yaml

from massgen_guide import tables
from massgen_guide.site.directives import DirectiveCall, find_directives, registered_generators

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# Every generator that embeds a decision tree's widget (compared as Python-Markdown converts its Markdown).
WIDGET_GENERATORS = {"decision-tree"}
# Every generator that writes a `BulletList` (or a `Collapsed` one).
LIST_GENERATORS = {"coverage-matrix", "versions-report"}
# Every generator that writes a table (a generator that starts writing one must be added here, and then is compared).
TABLE_GENERATORS = {
    "api-params-handlers", "audit-example", "backend-capabilities-fields", "backend-types", "binding-report",
    "builtin-hooks", "chunk-types", "claims-report", "coverage-matrix", "file-summary", "files-at-a-glance",
    "filesystem-support", "formatters", "hook-types", "listing-sites", "phase-files", "reference-backends",
    "scaffold-kinds", "stream-chunk-fields", "system-prompt-sections", "upstream-skill-report", "versions-report",
}


@dataclasses.dataclass
class ParsedCell:
    text: str
    links: list[tuple[str, str]]
    """(target, title) of each link in the cell."""


MARKS = {"code": "`", "em": "*", "strong": "**"}
"""Inline elements, as the compared cell text spells them (around their content)."""


class _TableReader(HTMLParser):
    """The tables of an HTML fragment: per table, its header cells and its body rows of cells."""

    def __init__(self, href=lambda h: h) -> None:
        super().__init__(convert_charrefs=True)
        self.href = href
        self.tables: list[dict] = []
        self.cell: ParsedCell | None = None
        self.cell_attrs: dict = {}
        self.section = ""
        self.hidden = 0  # depth inside a site-only part (a panel's body)
        self.in_details = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"head": [], "body": []})
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.tables:
            self.tables[-1]["head" if self.section == "thead" else "body"].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell, self.cell_attrs = ParsedCell("", []), attrs
        elif self.cell is None:
            return
        elif tag == "details":
            self.in_details += 1
            self.hidden += 1
        elif tag == "summary" and self.in_details:
            self.hidden -= 1
        elif self.hidden:
            return
        elif tag in MARKS:
            self.cell.text += MARKS[tag]
        elif tag == "br":
            self.cell.text += " / "
        elif tag == "a":
            self.cell.links.append((self.href(attrs.get("href") or ""), attrs.get("title") or ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.tables[-1]["head" if self.section == "thead" else "body"][-1].append((self.cell, self.cell_attrs))
            self.cell = None
        elif self.cell is None:
            return
        elif tag == "summary" and self.in_details:
            self.hidden += 1
        elif tag == "details":
            self.in_details -= 1
            self.hidden -= 1
        elif not self.hidden and tag in MARKS:
            self.cell.text += MARKS[tag]

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.text += data


def read_tables(html: str, href=lambda h: h) -> list[tuple[list[ParsedCell], list[list[ParsedCell]]]]:
    """(header cells, body rows) of each table; of a two-row header, the cells spanning both rows and the second
    row (the columns; the first row groups them)."""
    reader = _TableReader(href)
    reader.feed(html)
    out = []
    for found in reader.tables:
        head = found["head"]
        if len(head) > 1:
            header = [c for c, attrs in head[0] if attrs.get("rowspan")] + [c for c, _ in head[-1]]
        else:
            header = [c for c, _ in head[0]] if head else []
        out.append((header, [[c for c, _ in row] for row in found["body"]]))
    return out


@dataclasses.dataclass
class ParsedList:
    title: str
    items: list[tuple[int, ParsedCell]]
    """(depth, item) in document order; an item's text is its own, without its nested list."""


class _ListReader(HTMLParser):
    """The lists of an HTML fragment (a top-level `<ul>`; inside a `<details>`, titled by its `<summary>`)."""

    def __init__(self, href=lambda h: h) -> None:
        super().__init__(convert_charrefs=True)
        self.href = href
        self.lists: list[ParsedList] = []
        self.title: list[str] = []
        self.summary = False
        self.open: list[ParsedCell] = []  # the items being read, outermost first

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.title = []
        elif tag == "summary":
            self.summary = True
        elif tag == "ul" and not self.open:
            self.lists.append(ParsedList(" ".join("".join(self.title).split()), []))
            self.title = []
        elif tag == "li" and self.lists:
            item = ParsedCell("", [])
            self.lists[-1].items.append((len(self.open), item))
            self.open.append(item)
        elif not self.open:
            return
        elif tag in MARKS:
            self.open[-1].text += MARKS[tag]
        elif tag == "a":
            self.open[-1].links.append((self.href(attrs.get("href") or ""), attrs.get("title") or ""))

    def handle_endtag(self, tag):
        if tag == "summary":
            self.summary = False
        elif tag == "li" and self.open:
            item = self.open.pop()
            item.text = " ".join(item.text.split())
        elif self.open and tag in MARKS:
            self.open[-1].text += MARKS[tag]

    def handle_data(self, data):
        if self.summary:
            self.title.append(data)
        elif self.open:
            self.open[-1].text += data


def read_lists(html: str, href=lambda h: h) -> list[ParsedList]:
    reader = _ListReader(href)
    reader.feed(html)
    return reader.lists


def markdown_to_html(markdown: str) -> str:
    return python_markdown.markdown(markdown, extensions=["tables", "pymdownx.details",
                                                          "massgen_guide.site.markdown_ext"])


@functools.lru_cache(maxsize=1)
def _site_markdown_settings() -> tuple[tuple, dict]:
    """The site's Markdown extensions and their settings, read from mkdocs.yml (`!!python/name:` values imported)."""
    class Loader(yaml.SafeLoader):
        pass

    def python_name(loader, suffix, node):
        module, _, name = suffix.rpartition(".")
        return getattr(importlib.import_module(module), name)

    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", python_name)
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # `!ENV` (not a Markdown setting)
    settings = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    names, configs = [], {}
    for entry in settings["markdown_extensions"]:
        name, config = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        configs[name] = config or {}
    return tuple(names), configs


def site_markdown_to_html(markdown: str) -> str:
    """Markdown converted as the site's engine converts it (mkdocs.yml's extensions)."""
    names, configs = _site_markdown_settings()
    return python_markdown.Markdown(extensions=list(names), extension_configs=configs).convert(markdown)


def compare_as_converted(md_form: str, html_form: str, page: str, where: str) -> list[str]:
    """A block whose HTML is written directly (a decision tree's widget) against what the site's engine makes of
    its Markdown, a relative `.md` link taken as the site URL the engine makes of it: the same lines, blank lines and
    indentation aside; the first difference, numbered."""
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def site_url(match: re.Match[str]) -> str:
        return f'href="{html.escape(tables.html_href(html.unescape(match.group(1)), page))}"'

    converted = lines(re.sub(r'href="([^"]*)"', site_url, site_markdown_to_html(md_form)))
    written = lines(html_form)
    for number, (a, b) in enumerate(zip(converted, written), start=1):
        if a != b:
            return [f"{where}, line {number}: converted {a[:160]!r} != written {b[:160]!r}"]
    if len(converted) != len(written):
        return [f"{where}: {len(converted)} lines converted, {len(written)} written"]
    return []


def compare_lists(md_form: str, html_form: str, page: str, where: str) -> list[str]:
    """Every difference between the two renderings of a `BulletList` or `Collapsed` list: title, then item by
    item."""
    from_md = read_lists(markdown_to_html(md_form), lambda h: tables.html_href(h, page))
    from_html = read_lists(html_form)
    if len(from_md) != 1 or len(from_html) != 1:
        return [f"{where}: {len(from_md)} list(s) in the Markdown, {len(from_html)} in the HTML"]
    md_list, html_list = from_md[0], from_html[0]
    problems = []
    if md_list.title != html_list.title:
        problems.append(f"{where}, title: Markdown {md_list.title!r} != HTML {html_list.title!r}")
    if len(md_list.items) != len(html_list.items):
        problems.append(f"{where}: {len(md_list.items)} items in the Markdown, {len(html_list.items)} in the HTML")
    for number, ((md_depth, m), (html_depth, h)) in enumerate(zip(md_list.items, html_list.items), start=1):
        if md_depth != html_depth:
            problems.append(f"{where}, item {number}: depth {md_depth} (Markdown) != {html_depth} (HTML)")
        if m.text != h.text:
            problems.append(f"{where}, item {number}: Markdown {m.text!r} != HTML {h.text!r}")
        if m.links != h.links:
            problems.append(f"{where}, item {number}: links {m.links!r} (Markdown) != {h.links!r} (HTML)")
    return problems


def embedded_pairs(generated: str) -> list[tuple[str, str]]:
    """(Markdown rendering, HTML rendering) of each table a generator embedded in its output."""
    pairs = []
    rest = generated
    while tables.MARKDOWN_MARK in rest:
        rest = rest.split(tables.MARKDOWN_MARK + "\n", 1)[1]
        md_form, rest = rest.split(tables.HTML_MARK + "\n", 1)
        html_form, rest = rest.split(tables.END_MARK + "\n", 1)
        pairs.append((md_form, html_form))
    return pairs


def compare(generated: str, page: str, label: str) -> list[str]:
    """Every difference between the two renderings of each table in a generator's output, naming the table,
    the row and the column."""
    problems = []
    for number, (md_form, html_form) in enumerate(embedded_pairs(generated), start=1):
        if html_form.startswith('<div class="guide-dt"'):
            problems += compare_as_converted(md_form, html_form, page, f"{label}, block {number}")
            continue
        if html_form.startswith(("<details", "<ul")):
            problems += compare_lists(md_form, html_form, page, f"{label}, block {number}")
            continue
        where = f"{label}, table {number}"
        from_md = read_tables(markdown_to_html(md_form), lambda h: tables.html_href(h, page))
        from_html = read_tables(html_form)
        if len(from_md) != 1 or len(from_html) != 1:
            problems.append(f"{where}: {len(from_md)} table(s) in the Markdown, {len(from_html)} in the HTML")
            continue
        (md_head, md_rows), (html_head, html_rows) = from_md[0], from_html[0]
        names = [c.text for c in html_head]
        rows = [("header", md_head, html_head)] + [
            (f"row {i}", m, h) for i, (m, h) in enumerate(zip(md_rows, html_rows), start=1)]
        if len(md_rows) != len(html_rows):
            problems.append(f"{where}: {len(md_rows)} rows in the Markdown, {len(html_rows)} in the HTML")
        for row_name, md_cells, html_cells in rows:
            if len(md_cells) != len(html_cells):
                problems.append(f"{where}, {row_name}: {len(md_cells)} cells in the Markdown, {len(html_cells)} "
                                f"in the HTML")
                continue
            for column, (m, h) in enumerate(zip(md_cells, html_cells)):
                name = names[column] if column < len(names) else str(column + 1)
                if m.text != h.text:
                    problems.append(f"{where}, {row_name}, column {name!r}: Markdown {m.text!r} != HTML {h.text!r}")
                if m.links != h.links:
                    problems.append(f"{where}, {row_name}, column {name!r}: links {m.links!r} (Markdown) != "
                                    f"{h.links!r} (HTML)")
    return problems


def page_calls() -> list[DirectiveCall]:
    """Every directive on the guide's pages, as the build calls it."""
    calls = []
    for path in sorted(DOCS.rglob("*.md")):
        page = path.relative_to(DOCS).as_posix()
        calls += find_directives(path.read_text(encoding="utf-8"), page)
    return calls


@pytest.fixture(scope="module")
def generated(built_site: Path) -> list[tuple[DirectiveCall, str]]:
    """Every directive's output as the site's build produced it: after the session's strict build (built_site),
    from the same disk cache the build filled (a generator runs here only if its entry is missing)."""
    import os
    import re

    from massgen_guide.site import directives

    # mkdocs.yml's `site_url: !ENV [SITE_URL, "default"]`, as the build reads it
    variable, default = re.search(r'^site_url: !ENV \[(\w+), "([^"]*)"\]$', (ROOT / "mkdocs.yml").read_text(),
                                  re.MULTILINE).groups()
    site_url = os.environ.get(variable, default)
    generators = registered_generators()
    directives.start_build()
    try:
        out = []
        for call in page_calls():
            call.site_url = site_url
            out.append((call, directives.generate(generators[call.name], call)))
        return out
    finally:
        directives.end_build()


def test_every_generated_table_holds_the_same_cells_in_markdown_and_html(generated) -> None:
    problems, with_tables, with_lists, with_widgets = [], set(), set(), set()
    for call, text in generated:
        for _, html_form in embedded_pairs(text):
            if html_form.startswith('<div class="guide-dt"'):
                with_widgets.add(call.name)
            else:
                (with_lists if html_form.startswith(("<details", "<ul")) else with_tables).add(call.name)
        problems += compare(text, call.page, f"guide:{call.name} on docs/{call.page}:{call.line}")
    assert problems == []
    assert with_tables == TABLE_GENERATORS
    assert with_lists == LIST_GENERATORS
    assert with_widgets == WIDGET_GENERATORS


def test_no_generator_writes_a_table_outside_the_model(generated) -> None:
    """A pipe table written by string formatting would reach the site as Markdown (and bypass the comparison)."""
    bare = [f"guide:{call.name} on docs/{call.page}: {line[:60]}" for call, text in generated
            for line in tables.for_site(text).splitlines() if line.lstrip().startswith("|")]
    assert bare == []


def test_the_site_gets_html_and_the_llms_files_markdown(generated) -> None:
    call, text = next((c, t) for c, t in generated if c.name == "claims-report")
    site, llms = tables.for_site(text), tables.for_markdown(text)
    assert "<table>" in site and "| Page | References |" not in site and "guide-table:" not in site
    assert "| Page | References |" in llms and "<table" not in llms and "guide-table:" not in llms


# ---------------------------------------------------------------------------------------------- the comparison fails

def _files_at_a_glance() -> tuple[DirectiveCall, str]:
    call = DirectiveCall("files-at-a-glance", {}, "index.md", 1)
    return call, registered_generators()["files-at-a-glance"](call)


def _tamper(render, row: int, column: int, cell: tables.Cell):
    """A renderer that renders one cell of every table differently."""
    def tampered(table: tables.Table, *args):
        changed = copy.deepcopy(table)
        changed.rows[row].cells[column] = cell
        return render(changed, *args)
    return tampered


def test_a_cell_broken_in_the_html_renderer_is_named(monkeypatch) -> None:
    call, text = _files_at_a_glance()
    assert compare(text, call.page, "files-at-a-glance") == []
    monkeypatch.setattr(tables, "render_html", _tamper(tables.render_html, 1, 1, tables.as_cell("sometimes")))
    call, text = _files_at_a_glance()
    problems = compare(text, call.page, "files-at-a-glance")
    assert len(problems) == 1, problems
    assert problems[0].startswith("files-at-a-glance, table 1, row 2, column 'When': Markdown '")
    assert problems[0].endswith("!= HTML 'sometimes'")


def test_a_link_broken_in_the_markdown_renderer_is_named(monkeypatch) -> None:
    broken = tables.as_cell(tables.link("2. Registration", "phases/nowhere.md"))
    monkeypatch.setattr(tables, "render_markdown", _tamper(tables.render_markdown, 0, 2, broken))
    call, text = _files_at_a_glance()
    problems = compare(text, call.page, "files-at-a-glance")
    assert any(p.startswith("files-at-a-glance, table 1, row 1, column 'Phase': links [('phases/nowhere/', '')]"
                            " (Markdown) != [('phases/backend-class/', '')] (HTML)") for p in problems), problems


TRICKY = ["a | b", "`str | None`", "<name> & &amp; co", "x `` a`b `` y", "__init__ and _private and a_b",
          "2 * 3 * 4", "[not a link]", "back\\slash", "**strong** and *em*", "[a `link`](https://x.example/a_b \"t\")",
          "one<br>two"]


def test_tricky_cells_survive_both_renderings() -> None:
    model = tables.table(["Cell", "Code"], name="tricky")
    for value in TRICKY:
        model.add(tables.text(value), tables.code(value))
        model.add(value, tables.Emphasis((tables.text(value),)))
    assert compare(tables.embed(model, "reference/x.md"), "reference/x.md", "tricky") == []


def _versions_failures() -> str:
    """The versions page's generated Markdown: a table, then a `Collapsed` list per release that fails."""
    from massgen_guide.checks.claims.versions import markdown_versions

    data = {"generated": "today", "releases": ["2.0", "1.0"], "results": {
        "2.0": {"pages": {"docs/a.md": {"holds": True, "failures": []}}},
        "1.0": {"pages": {"docs/a.md": {"holds": False, "failures": [
            "reference `massgen/cli/backends.py`: no such file", "claim `x`: _private is gone"]}}}}}
    return markdown_versions(data, "reference/versions.md")


def test_a_list_item_broken_in_either_renderer_is_named(monkeypatch) -> None:
    text = _versions_failures()
    assert compare(text, "reference/versions.md", "versions") == []
    assert [form.startswith("<details") for _, form in embedded_pairs(text)] == [False, True]

    def tampered(render, change):
        def render_changed(self, *args):
            changed = copy.deepcopy(self)
            change(changed)
            return render(changed, *args)
        return render_changed

    def reword(note):
        note.items[0].children[1] = tables.Item(tables.inline("claim `x`: private is gone"))

    monkeypatch.setattr(tables.Collapsed, "html", tampered(tables.Collapsed.html, reword))
    assert compare(_versions_failures(), "reference/versions.md", "versions") == [
        "versions, block 2, item 3: Markdown 'claim `x`: _private is gone' != HTML 'claim `x`: private is gone'"]
    monkeypatch.undo()

    def flatten(note):
        note.items += note.items[0].children
        note.items[0].children = []

    monkeypatch.setattr(tables.Collapsed, "markdown", tampered(tables.Collapsed.markdown, flatten))
    assert compare(_versions_failures(), "reference/versions.md", "versions") == [
        "versions, block 2, item 2: depth 0 (Markdown) != 1 (HTML)",
        "versions, block 2, item 3: depth 0 (Markdown) != 1 (HTML)"]


def test_tricky_list_items_survive_both_renderings() -> None:
    note = tables.Collapsed(title="Tricky: a & b", name="tricky")
    for value in TRICKY:
        item = note.add(tables.text(value))
        item.add(value).add(tables.code(value))
    assert compare(tables.embed(note, "reference/x.md"), "reference/x.md", "tricky") == []


def test_unescaped_markdown_is_caught(monkeypatch) -> None:
    """Without its escaping, the Markdown rendering splits a cell on `|` (Python-Markdown drops the cell beyond the
    header's width) and loses `<name>` as an HTML tag."""
    monkeypatch.setattr(tables, "_md_text", lambda value: value)
    model = tables.table(["Cell"], name="tricky")
    model.add(tables.text("a | b"))
    model.add(tables.text("massgen/backend/<name>.py"))
    problems = compare(tables.embed(model, "x.md"), "x.md", "tricky")
    assert problems[0] == "tricky, table 1, row 1, column 'Cell': Markdown 'a' != HTML 'a | b'"
    assert problems[1] == "tricky, table 1, row 2, column 'Cell': Markdown 'massgen/backend/.py' != HTML " \
                          "'massgen/backend/<name>.py'"


def test_inline_markdown_is_read_into_parts() -> None:
    assert tables.inline("see `x | y` and [the `page`](a.md#b \"T\"), **bold**<br>\\*not em\\*") == (
        tables.Text("see "), tables.Code("x | y"), tables.Text(" and "),
        tables.Link((tables.Text("the "), tables.Code("page")), "a.md#b", "T"), tables.Text(", "),
        tables.Strong((tables.Text("bold"),)), tables.Break(), tables.Text("*not em*"))


def test_relative_page_links_become_site_urls_in_html() -> None:
    assert tables.html_href("../phases/auth.md#keys", "reference/coverage.md") == "../../phases/auth/#keys"
    assert tables.html_href("phases/auth.md", "index.md") == "phases/auth/"
    assert tables.html_href("https://github.com/x/y.md", "index.md") == "https://github.com/x/y.md"


def test_the_build_sets_the_html_aside_and_puts_it_back(generated) -> None:
    """The site's page: Python-Markdown sees one placeholder per table, the converted page gets the HTML back."""
    call, text = next((c, t) for c, t in generated if c.name == "claims-report")
    markdown, blocks = tables.set_aside(text)
    assert len(blocks) == len(embedded_pairs(text)) == markdown.count("<!-- guide-table ")
    assert "<table" not in markdown and "| Page |" not in markdown and "guide-table:" not in markdown
    converted = markdown_to_html(markdown)
    assert tables.put_back(converted, blocks).count("<table>") == len(blocks)
    assert [b for b in blocks if b not in tables.put_back(converted, blocks)] == []


def test_the_build_checks_the_links_of_generated_tables(tmp_path: Path) -> None:
    """The engine checks links in Markdown only; a table's HTML links are checked against the built site: a page
    that is not there and an anchor its page lacks each fail with the page that holds the table."""
    site = tmp_path / "site"
    (site / "phases" / "registration").mkdir(parents=True)
    (site / "phases" / "registration" / "index.html").write_text('<h2 id="create-backend">x</h2>')
    (site / "index.html").write_text("<h1>home</h1>")
    table = tables.table(["Point"], name="links")
    for label, href in [("ok", "../phases/registration.md#create-backend"), ("gone", "../phases/nowhere.md"),
                        ("no anchor", "../phases/registration.md#no-such"), ("home", "../index.md"),
                        ("out", "https://github.com/massgen/MassGen")]:
        table.rows.append(tables.Row([tables.Cell((tables.link(label, href),))]))
    html_block = tables.render_html(table, "reference/coverage.md")
    links = tables.relative_links(html_block)
    assert links == ["../../phases/registration/#create-backend", "../../phases/nowhere/",
                     "../../phases/registration/#no-such", "../../"]
    assert tables.missing_link_targets({"reference/coverage.md": ("reference/coverage/", links)}, site) == [
        "docs/reference/coverage.md: a generated table links to '../../phases/nowhere/', but the site has no page "
        "there",
        "docs/reference/coverage.md: a generated table links to '../../phases/registration/#no-such', but that "
        "page has no anchor '#no-such'"]

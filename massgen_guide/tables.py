"""One table model, two renderings: a Markdown pipe table (llms.txt, the per-page Markdown, the command line) and
an HTML `<table>` (the site).

A generator builds its `Table` once: headers and rows of `Cell`s, a cell holding its content as parts (`Text`,
`Code`, `Link`, `Strong`, `Emphasis`, `Break`, and `Panel`, a tap-to-open detail that only the site shows). Each
rendering escapes what its format needs (`|`, `<`, `&`, backticks, emphasis-like underscores), so neither is
derived from the other and both hold the same cells (tests/test_tables.py compares them cell by cell).

The site used to convert large generated Markdown tables to HTML with Python-Markdown, most of the gap between
the strict build and a bare one. Now a directive's output carries both renderings (`embed`): the build keeps the
HTML (`for_site`, a raw HTML block Python-Markdown passes through) and the llms files keep the Markdown
(`for_markdown`). Raw HTML is not rewritten by the engine, so a link to another docs page (`../x.md#a`) is written
as the built site's URL there (`site_href`).

Generated nested lists are modelled and embedded the same way: a `BulletList` (`- item` lines, `<ul>`), or a
`Collapsed` one in a note that opens on click (`??? note`, Material's `<details>` markup).

`inline()` reads the inline Markdown that the guide's data and messages are written in (code spans, links,
`**strong**`, `*emphasis*`, `<br>`) into parts; everything else is text.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Union

# ---------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    parts: tuple[Part, ...]
    href: str
    """As a Markdown page would write it: absolute, or relative to the page's source (`../phases/x.md#a`)."""
    title: str = ""


@dataclass(frozen=True)
class Strong:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Emphasis:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Span:
    """Text the site can style (`<span class=...>`); plain in Markdown."""

    parts: tuple[Part, ...]
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class Break:
    """A line break inside a cell (`<br>` in both renderings)."""


@dataclass(frozen=True)
class Panel:
    """A site-only detail: the summary shows (both renderings), the body opens on tap or click (HTML only)."""

    summary: tuple[Part, ...]
    body: tuple[Part, ...]
    title: str = ""
    body_class: str = ""


Part = Union[Text, Code, Link, Strong, Emphasis, Span, Break, Panel]


@dataclass(frozen=True)
class Cell:
    parts: tuple[Part, ...] = ()
    header: bool = False
    """A row header (`<th scope="row">`)."""
    css: str = ""
    title: str = ""


@dataclass
class Row:
    cells: list[Cell]
    css: str = ""


@dataclass
class Group:
    """A header cell over several columns (HTML only: a pipe table has one header row)."""

    label: str
    span: int
    css: str = ""


@dataclass
class Table:
    headers: list[Cell]
    rows: list[Row] = field(default_factory=list)
    name: str = ""
    """What the table is (test messages name it)."""
    align: list[str] = field(default_factory=list)
    """Per column: "" or "right"."""
    css: str = ""
    groups: list[Group] = field(default_factory=list)
    corner: str = ""
    """With groups: the first header spans both header rows and has this class."""
    head_css: tuple[str, str] = ("", "")
    """With groups: the classes of the two header rows (the groups', the columns')."""
    note: str = ""
    """Markdown only, before the pipe table: what the site says around it (a legend)."""
    wrapper: tuple[str, str] = ("", "")
    """HTML around the table (opening, closing), e.g. a scrolling `<div>`."""

    def add(self, *cells: CellLike, css: str = "") -> Row:
        row = Row([as_cell(c) for c in cells], css)
        self.rows.append(row)
        return row

    def markdown(self) -> str:
        return render_markdown(self)

    def html(self, page: str | None = None) -> str:
        return render_html(self, page)


@dataclass
class Item:
    """A list item: its own inline content, then its nested items."""

    parts: tuple[Part, ...]
    children: list[Item] = field(default_factory=list)

    def add(self, value: CellLike) -> Item:
        child = Item(as_parts(value))
        self.children.append(child)
        return child


@dataclass
class BulletList:
    """A nested bullet list: `- item` lines in Markdown, `<ul>` on the site."""

    items: list[Item] = field(default_factory=list)
    name: str = ""

    def add(self, value: CellLike) -> Item:
        item = Item(as_parts(value))
        self.items.append(item)
        return item

    def markdown(self) -> str:
        return "\n".join(self._markdown_lines(0)) + "\n"

    def _markdown_lines(self, depth: int) -> list[str]:
        lines: list[str] = []

        def emit(items: list[Item], depth: int) -> None:
            for item in items:
                lines.append("    " * depth + "- " + markdown_parts(item.parts).strip())
                emit(item.children, depth + 1)

        emit(self.items, depth)
        return lines

    def html(self, page: str | None = None) -> str:
        """One `<li>` per line, as Python-Markdown writes a list (the inline-code linker reads it line by line)."""
        return "\n".join(self._html_lines(page)) + "\n"

    def _html_lines(self, page: str | None) -> list[str]:
        lines = ["<ul>"]

        def emit(items: list[Item]) -> None:  # a nested list's "<ul>" ends its item's first line
            for item in items:
                own = f"<li>{html_parts(item.parts, page)}"
                if item.children:
                    lines.append(own + "<ul>")
                    emit(item.children)
                    lines.append("</li>")
                else:
                    lines.append(own + "</li>")
            lines.append("</ul>")

        emit(self.items)
        return lines


@dataclass
class Collapsed(BulletList):
    """A note that opens on click holding a nested list: `??? note "title"` in Markdown, on the site the
    `<details class="note">` that pymdownx.details makes of it."""

    title: str = ""
    kind: str = "note"

    def markdown(self) -> str:
        return "\n".join([f'??? {self.kind} "{self.title}"', "", *self._markdown_lines(1)]) + "\n"

    def html(self, page: str | None = None) -> str:
        lines = [f'<details class="{html.escape(self.kind)}">', f"<summary>{html.escape(self.title)}</summary>",
                 *self._html_lines(page), "</details>"]
        return "\n".join(lines) + "\n"


CellLike = Union[Cell, str, Part, list, tuple, None]


def as_cell(value: CellLike) -> Cell:
    """A cell from parts: a string is inline Markdown (`inline()`), a part or a list of parts is taken as is."""
    if isinstance(value, Cell):
        return value
    return Cell(as_parts(value))


def as_parts(value: CellLike) -> tuple[Part, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return inline(value)
    if isinstance(value, (list, tuple)):
        out: list[Part] = []
        for item in value:
            out.extend(as_parts(item))
        return tuple(out)
    if isinstance(value, Cell):
        return value.parts
    return (value,)


def table(headers: list[CellLike], *, name: str = "", align: list[str] | None = None) -> Table:
    return Table([as_cell(h) for h in headers], name=name, align=list(align or []))


def header_cell(value: CellLike, css: str = "", title: str = "") -> Cell:
    return Cell(as_parts(value), header=True, css=css, title=title)


def code(value: object) -> Code:
    return Code(str(value))


def text(value: object) -> Text:
    return Text(str(value))


def link(parts: CellLike, href: str, title: str = "") -> Link:
    return Link(as_parts(parts), href, title)


def join(items: list, separator: CellLike = ", ") -> list[Part]:
    """Parts of several items with a separator between them (a list of code spans, of links...)."""
    sep = as_parts(separator)
    out: list[Part] = []
    for index, item in enumerate(items):
        if index:
            out.extend(sep)
        out.extend(as_parts(item))
    return out


# ---------------------------------------------------------------------------------------------- reading inline Markdown

_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?P<code_text>.+?)(?<!`)(?P=ticks)(?!`))"
    r"|(?P<link>\[(?P<link_text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<href>[^)\s]*)(?:\s+\"(?P<title>[^\"]*)\")?\))"
    r"|(?P<strong>\*\*(?P<strong_text>.+?)\*\*)"
    r"|(?P<em>(?<![\w*])\*(?P<em_text>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*]))"
    r"|(?P<br><br\s*/?>)"
    r"|(?P<escape>\\(?P<escaped>[\\`*_{}\[\]()#+\-.!|<>]))",
    re.S)


def inline(value: object) -> tuple[Part, ...]:
    """Parts of a line of inline Markdown: code spans, `[links](url "title")`, `**strong**`, `*emphasis*`,
    `<br>` and backslash escapes; anything else (an `<name>` placeholder, a `_`) is text."""
    source = str(value).replace("\n", " ")
    parts: list[Part] = []
    buffer: list[str] = []
    last = 0

    def flush() -> None:
        if buffer:
            parts.append(Text("".join(buffer)))
            buffer.clear()

    for match in _INLINE.finditer(source):
        buffer.append(source[last:match.start()])
        last = match.end()
        if match["escape"]:
            buffer.append(match["escaped"])
            continue
        flush()
        if match["code"]:
            content = match["code_text"]
            if content.startswith(" ") and content.endswith(" ") and content.strip():
                content = content[1:-1]
            parts.append(Code(content))
        elif match["link"]:
            parts.append(Link(inline(match["link_text"]), match["href"], match["title"] or ""))
        elif match["strong"]:
            parts.append(Strong(inline(match["strong_text"])))
        elif match["em"]:
            parts.append(Emphasis(inline(match["em_text"])))
        else:
            parts.append(Break())
    buffer.append(source[last:])
    flush()
    return tuple(p for p in parts if not (isinstance(p, Text) and not p.text))


# ---------------------------------------------------------------------------------------------- Markdown

# Underscore runs Python-Markdown may read as emphasis (as massgen_guide.md_text escapes them).
_EMPHASIS = re.compile(r"__+|(?<![\w\\])_(?=\w)|(?<=\w)_(?!\w)")
_MD_SPECIAL = re.compile(r"[\\`*\[|]|<(?=[A-Za-z/!?])|&(?=#?\w+;)")


def _md_text(value: str) -> str:
    value = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", "&": "&amp;"}.get(m.group(0), "\\" + m.group(0)), value)
    return _EMPHASIS.sub(lambda m: "".join("\\" + c for c in m.group(0)), value)


def _md_title(value: str) -> str:
    """A link title as Python-Markdown reads it back: quotes (its link parser counts them), backticks and `|` (a
    table cell) as character references."""
    value = re.sub(r"&(?=#?\w+;)", "&amp;", value)
    for char, reference in (('"', "&quot;"), ("'", "&#39;"), ("`", "&#96;"), ("|", "&#124;")):
        value = value.replace(char, reference)
    return value


def _md_code(value: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or longest or (value.startswith(" ") and
                                                                                value.endswith(" ")) else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def markdown_parts(parts: tuple[Part, ...] | list[Part]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Text):
            out.append(_md_text(part.text))
        elif isinstance(part, Code):
            out.append(_md_code(part.text))
        elif isinstance(part, Link):
            title = f' "{_md_title(part.title)}"' if part.title else ""
            out.append(f"[{markdown_parts(part.parts)}]({part.href.replace(' ', '%20')}{title})")
        elif isinstance(part, Strong):
            out.append(f"**{markdown_parts(part.parts)}**")
        elif isinstance(part, Emphasis):
            out.append(f"*{markdown_parts(part.parts)}*")
        elif isinstance(part, Span):
            out.append(markdown_parts(part.parts))
        elif isinstance(part, Break):
            out.append("<br>")
        elif isinstance(part, Panel):
            out.append(markdown_parts(part.summary))
    return "".join(out)


def markdown_cell(cell: Cell) -> str:
    return markdown_parts(cell.parts).strip() or " "


def render_markdown(table: Table) -> str:
    """The pipe table (after the table's `note`, if any)."""
    width = len(table.headers)
    rule = ["---:" if (table.align[i] if i < len(table.align) else "") == "right" else "---" for i in range(width)]
    lines = ["| " + " | ".join(markdown_cell(c) for c in table.headers) + " |", "|" + "|".join(rule) + "|"]
    for row in table.rows:
        if len(row.cells) != width:
            raise ValueError(f"{table.name or 'table'}: a row has {len(row.cells)} cells, the header {width}")
        lines.append("| " + " | ".join(markdown_cell(c) for c in row.cells) + " |")
    note = f"{table.note}\n\n" if table.note else ""
    return note + "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- HTML


def site_href(from_page: str, page: str, anchor: str = "") -> str:
    """The relative URL, as the built site has it (directory URLs), from one docs page to another page."""
    def directory(path: str) -> str:
        path = path.partition("#")[0]
        if path == "index.md" or path.endswith("/index.md"):
            return path[: -len("index.md")]
        return path[: -len(".md")] + "/"

    target = posixpath.relpath(directory(page) or ".", directory(from_page) or ".")
    target = "./" if target == "." else target + "/"
    anchor = anchor or page.partition("#")[2]
    return target + (f"#{anchor}" if anchor else "")


def html_href(href: str, page: str | None) -> str:
    """A Markdown link target as the site's raw HTML needs it: a relative `.md` link becomes the page's URL."""
    path, _, anchor = href.partition("#")
    if page is None or re.match(r"^[a-z][a-z0-9+.-]*:|^/", href) or not path.endswith(".md"):
        return href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    return site_href(page, target, anchor)


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(value)}"' if value else ""


def html_parts(parts: tuple[Part, ...] | list[Part], page: str | None = None) -> str:
    out = []
    for part in parts:
        if isinstance(part, Text):
            out.append(html.escape(part.text, quote=False))
        elif isinstance(part, Code):
            out.append(f"<code>{html.escape(part.text, quote=False)}</code>")
        elif isinstance(part, Link):
            out.append(f'<a href="{html.escape(html_href(part.href, page))}"{_attr("title", part.title)}>'
                       f"{html_parts(part.parts, page)}</a>")
        elif isinstance(part, Strong):
            out.append(f"<strong>{html_parts(part.parts, page)}</strong>")
        elif isinstance(part, Emphasis):
            out.append(f"<em>{html_parts(part.parts, page)}</em>")
        elif isinstance(part, Span):
            out.append(f"<span{_attr('class', part.css)}{_attr('title', part.title)}>{html_parts(part.parts, page)}</span>")
        elif isinstance(part, Break):
            out.append("<br>")
        elif isinstance(part, Panel):
            title = _attr("title", part.title) + _attr("aria-label", part.title)
            out.append(f"<details><summary{title}>{html_parts(part.summary, page)}</summary>"
                       f'<div{_attr("class", part.body_class)}>{html_parts(part.body, page)}</div></details>')
    return "".join(out)


def html_cell(cell: Cell, page: str | None = None, align: str = "", scope: str = "") -> str:
    tag = "th" if cell.header or scope else "td"
    scope = scope or ("row" if cell.header else "")
    style = f' style="text-align: {align};"' if align else ""
    return (f"<{tag}{_attr('class', cell.css)}{_attr('scope', scope)}{_attr('title', cell.title)}{style}>"
            f"{html_parts(cell.parts, page)}</{tag}>")


def render_html(table: Table, page: str | None = None) -> str:
    """The table as HTML, one line per row (the inline-code linker reads it line by line)."""
    def align(index: int) -> str:
        return table.align[index] if index < len(table.align) else ""

    lines = [table.wrapper[0]] if table.wrapper[0] else []
    lines += [f"<table{_attr('class', table.css)}>", "<thead>"]
    if table.groups:
        corner = table.headers[0]
        head = (f'<th{_attr("class", table.corner)} rowspan="2" scope="col">{html_parts(corner.parts, page)}</th>'
                + "".join(f'<th{_attr("class", g.css)} colspan="{g.span}" scope="colgroup"'
                          f'{_attr("title", g.label)}>{html.escape(g.label)}</th>' for g in table.groups))
        lines.append(f"<tr{_attr('class', table.head_css[0])}>{head}</tr>")
        headers = table.headers[1:]
        lines.append("<tr" + _attr("class", table.head_css[1]) + ">"
                     + "".join(html_cell(c, page, scope="col") for c in headers) + "</tr>")
    else:
        lines.append("<tr>" + "".join(html_cell(c, page, align(i), scope="col")
                                      for i, c in enumerate(table.headers)) + "</tr>")
    lines += ["</thead>", "<tbody>"]
    for row in table.rows:
        lines.append(f"<tr{_attr('class', row.css)}>"
                     + "".join(html_cell(c, page, align(i)) for i, c in enumerate(row.cells)) + "</tr>")
    lines += ["</tbody>", "</table>"]
    if table.wrapper[1]:
        lines.append(table.wrapper[1])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- both, in a page

MARKDOWN_MARK = "<!-- guide-table:markdown -->"
HTML_MARK = "<!-- guide-table:html -->"
END_MARK = "<!-- guide-table:end -->"
_MARKDOWN_FORM = re.compile(re.escape(MARKDOWN_MARK) + r"\n.*?" + re.escape(HTML_MARK) + r"\n", re.S)
_HTML_FORM = re.compile(re.escape(HTML_MARK) + r"\n.*?" + re.escape(END_MARK) + r"\n", re.S)
_BOTH_FORMS = re.compile(re.escape(MARKDOWN_MARK) + r"\n.*?" + re.escape(HTML_MARK) + r"\n(.*?)" + re.escape(END_MARK)
                         + r"\n", re.S)


class Rendered(Protocol):
    """A generated block with both renderings: a `Table`, a `BulletList`, a decision tree's widget."""

    def markdown(self) -> str: ...

    def html(self, page: str | None = None) -> str: ...


def embed(table: Rendered, page: str) -> str:
    """Both renderings of a table (or another `Rendered` block) for a page's generated Markdown, the site's and the
    llms files' (the build keeps one with `for_site`, the llms files the other with `for_markdown`); blank lines
    around, as a block needs."""
    return (f"\n{MARKDOWN_MARK}\n{table.markdown()}{HTML_MARK}\n{table.html(page)}{END_MARK}\n\n")


def block(table: Rendered, page: str | None) -> str:
    """Both renderings for a page of the site (`embed`), or the Markdown alone (`page` None: a command's output)."""
    return embed(table, page) if page is not None else "\n" + table.markdown() + "\n"


def for_site(markdown: str) -> str:
    """The page with each embedded table as HTML only."""
    if MARKDOWN_MARK not in markdown:
        return markdown
    return _MARKDOWN_FORM.sub("", markdown).replace(END_MARK + "\n", "")


PLACEHOLDER = "<!-- guide-table {} -->"
_PLACEHOLDER_RE = re.compile(r"<!-- guide-table (\d+) -->")


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """The page for the site with each embedded table's HTML set aside: a one-line placeholder (an HTML comment,
    which Python-Markdown copies verbatim) stands in its place, and `put_back` puts the HTML into the converted
    page. Python-Markdown then neither converts a table nor parses its HTML."""
    if MARKDOWN_MARK not in markdown:
        return markdown, []
    found: list[str] = []

    def aside(match: re.Match[str]) -> str:
        found.append(match.group(1))
        return PLACEHOLDER.format(len(found) - 1) + "\n"

    return _BOTH_FORMS.sub(aside, markdown), found


def put_back(html_page: str, blocks: list[str]) -> str:
    """The converted page with each placeholder replaced by its table's HTML."""
    if not blocks:
        return html_page
    return _PLACEHOLDER_RE.sub(lambda m: blocks[int(m.group(1))], html_page)


def for_markdown(markdown: str) -> str:
    """The page with each embedded table as a Markdown pipe table only."""
    if MARKDOWN_MARK not in markdown:
        return markdown
    return _HTML_FORM.sub("", markdown).replace(MARKDOWN_MARK + "\n", "")


_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')


def relative_links(html_block: str) -> list[str]:
    """The relative link targets of a table's HTML (what the engine would have checked in a Markdown table)."""
    return [h for h in (html.unescape(m.group(1)) for m in _HREF.finditer(html_block))
            if h and not re.match(r"^[a-z][a-z0-9+.-]*:|^/", h)]


def missing_link_targets(links: dict[str, tuple[str, list[str]]], site_dir: Path) -> list[str]:
    """Links of generated tables (docs page -> (its URL, relative targets)) whose page or anchor the built site
    lacks, one line each; the engine does not check links in raw HTML, so the build checks these here."""
    problems: list[str] = []
    pages: dict[Path, str] = {}
    for src, (url, hrefs) in sorted(links.items()):
        for href in hrefs:
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(url or ".", path)) if path else posixpath.normpath(url or ".")
            file = site_dir / target / "index.html"
            if file not in pages:
                pages[file] = file.read_text(encoding="utf-8") if file.is_file() else ""
            if not pages[file]:
                problems.append(f"docs/{src}: a generated table links to '{href}', but the site has no page there")
            elif anchor and f'id="{anchor}"' not in pages[file]:
                problems.append(f"docs/{src}: a generated table links to '{href}', but that page has no anchor "
                                f"'#{anchor}'")
    return problems

"""`llms.txt`, `llms-full.txt` and one Markdown file per page, for language models.

Built from each page's Markdown as the build has processed it (claims rendered, directives expanded, so the
generated reference tables are included, as the pipe tables of their model: `massgen_guide.tables`), not by
converting the rendered HTML back to Markdown, which cost about half of a full build. Before writing:

- `--8<--` include lines are replaced by the included file or section;
- each mkdocstrings `::: path` block becomes the object's signature and docstring, read from the same griffe
  load the site uses;
- the HTML that directives emit for browsers (the decision-tree widget, the audit output) is reduced to text.

Sections follow the site's navigation; a page's description is the first sentence of its first paragraph.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from massgen_guide import tables
from massgen_guide.checks.fences import included_text

INCLUDE_LINE_RE = re.compile(r"""^(?P<indent>\s*)-{1,}8<-{1,}\s+["'](?P<target>[^"']+)["']\s*$""")
TAG_LINE_RE = re.compile(r"^\s*</?(div|details|summary|span|nav|section|ol|ul|li|button|p)\b[^>]*>\s*$")
PRE_OPEN_RE = re.compile(r'<pre class="guide-output"><code>')


@dataclass
class LlmsPage:
    src_uri: str
    title: str
    url: str
    """The page's URL relative to the site root (`phases/auth/`)."""
    markdown: str


def expand_includes(markdown: str, base: Path) -> str:
    out = []
    for line in markdown.split("\n"):
        match = INCLUDE_LINE_RE.match(line)
        if not match:
            out.append(line)
            continue
        text = included_text(base, match["target"]).rstrip("\n")
        out.extend(match["indent"] + piece if piece else piece for piece in text.split("\n"))
    return "\n".join(out)


def _parameter(parameter: Any) -> str:
    kind = getattr(parameter.kind, "value", "")
    prefix = "**" if kind == "variadic keyword" else "*" if kind == "variadic positional" else ""
    text = prefix + parameter.name + (f": {parameter.annotation}" if parameter.annotation is not None else "")
    if parameter.default is not None and not prefix:
        text += f" = {parameter.default}"
    return text


def describe_object(path: str, find: Callable[[str], Any]) -> str:
    """Signature and docstring of a documented object, as Markdown."""
    obj = find(path)
    if obj is None:
        return f"`{path}`"
    lines = [f"#### `{path}`", ""]
    kind = getattr(obj, "kind", None)
    kind_name = getattr(kind, "value", str(kind))
    if kind_name == "function":
        params = ", ".join(_parameter(p) for p in obj.parameters)
        returns = f" -> {obj.returns}" if obj.returns else ""
        lines += ["```python", f"def {obj.name}({params}){returns}", "```", ""]
    elif kind_name == "class":
        bases = ", ".join(str(b) for b in obj.bases)
        lines += ["```python", f"class {obj.name}({bases})" if bases else f"class {obj.name}", "```", ""]
    if obj.docstring is not None:
        lines += [obj.docstring.value.strip(), ""]
    return "\n".join(lines)


def expand_autodoc(markdown: str, find: Callable[[str], Any]) -> str:
    """Replace `::: path` blocks (and their indented options) by the object and its listed members."""
    from massgen_guide.checks.api_blocks import api_blocks

    blocks = {block.line: block for block in api_blocks(markdown)}
    lines = markdown.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        block = blocks.get(index + 1)
        if block is None:
            out.append(lines[index])
            index += 1
            continue
        index += 1
        while index < len(lines) and (lines[index].startswith((" ", "\t")) or not lines[index].strip()):
            index += 1
        out.append(describe_object(block.identifier, find))
        out.extend(describe_object(f"{block.identifier}.{member}", find) for member in block.members or [])
    return "\n".join(out)


def plain_html(markdown: str) -> str:
    """Keep the text of browser-only HTML: the decision-tree widget's wrappers go, the audit output is fenced."""
    text = PRE_OPEN_RE.sub("```text\n", markdown).replace("</code></pre>", "\n```")
    lines = [line for line in text.split("\n") if not TAG_LINE_RE.match(line)]
    text = "\n".join(lines)
    text = re.sub(r"```text\n(.*?)\n```", lambda m: "```text\n" + html.unescape(m.group(1)) + "\n```", text,
                  flags=re.DOTALL)
    return re.sub(r"\n{3,}", "\n\n", text)


def llms_markdown(markdown: str, base: Path, find: Callable[[str], Any]) -> str:
    markdown = tables.for_markdown(markdown)  # generated tables as pipe tables (the site has their HTML)
    return plain_html(expand_autodoc(expand_includes(markdown, base), find)).strip() + "\n"


def description(markdown: str) -> str:
    """The first sentence of the page's first paragraph (after its title)."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("#", "!!!", "???", "```", "|", "<", "-", "*", "=", ":::", "[[")):
            continue
        text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]|\[([^\]]+)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), block)
        text = " ".join(text.split())
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        return match.group(1) if match else text
    return ""


def nav_sections(nav: Any) -> list[tuple[str, list[str]]]:
    """(section title, [src_uri, ...]) in navigation order; top-level pages go to a section named for the site."""
    sections: list[tuple[str, list[str]]] = []
    loose: list[str] = []

    def pages_of(items: Any) -> list[str]:
        found = []
        for item in items:
            if getattr(item, "is_page", False):
                found.append(item.file.src_uri)
            elif getattr(item, "children", None):
                found.extend(pages_of(item.children))
        return found

    for item in nav.items:
        if getattr(item, "is_page", False):
            loose.append(item.file.src_uri)
        elif getattr(item, "children", None):
            sections.append((str(item.title), pages_of(item.children)))
    return ([("Overview", loose)] if loose else []) + sections


def write_llms_files(site_dir: Path, site_name: str, site_description: str, site_url: str,
                     sections: list[tuple[str, list[str]]], pages: dict[str, LlmsPage]) -> None:
    """Write `llms.txt`, `llms-full.txt` and `<page>/index.md` for every page into the built site."""
    index = [f"# {site_name}", "", f"> {site_description}", ""]
    full = list(index)
    for title, uris in sections:
        index += [f"## {title}", ""]
        for uri in uris:
            page = pages.get(uri)
            if page is None:
                continue
            md_path = (page.url + "index.md") if page.url.endswith("/") or not page.url else page.url
            (site_dir / md_path).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / md_path).write_text(page.markdown, encoding="utf-8")
            summary = description(page.markdown)
            index.append(f"- [{page.title}]({site_url}{md_path})" + (f": {summary}" if summary else ""))
            full += [f"# {page.title}", "", f"Source: {site_url}{page.url}", "", page.markdown, ""]
        index.append("")
    (site_dir / "llms.txt").write_text("\n".join(index), encoding="utf-8")
    (site_dir / "llms-full.txt").write_text("\n".join(full), encoding="utf-8")

"""The API entries rendered by mkdocstrings (`::: path` blocks on pages), their check against MassGen, and the
cross-references: inline code in prose that names a rendered object becomes an autorefs link to its entry."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

import griffe
import yaml

from massgen_guide.checks.fences import fenced_line_numbers
from massgen_guide.facts.loading import LoadedMassGen

BLOCK_RE = re.compile(r"^:::\s+(?P<id>[\w.]+)\s*$")
INLINE_CODE_RE = re.compile(r"(?<![\[`])`(?P<name>[A-Za-z_][\w.]*)(?P<call>\(\))?`(?![`\]])")
HTML_CODE_RE = re.compile(r"<code>(?P<name>[A-Za-z_][\w.]*)(?P<call>\(\))?</code>")
"""Code in a generated HTML table (`massgen_guide.tables`), one row per line: linked as an `<autoref>` element."""


@dataclass
class ApiBlock:
    """One `::: identifier` block on a page."""

    identifier: str
    line: int
    members: list[str] | None = None
    """The `members:` option when it is a list; None when unrestricted."""
    no_members: bool = False
    """`members: false`."""
    options: dict = field(default_factory=dict)
    """The block's `options:` for mkdocstrings' handler, as written."""


def api_blocks(markdown: str) -> list[ApiBlock]:
    """The `:::` blocks of a page (outside code fences), with their `members` option."""
    lines = markdown.splitlines()
    blocks: list[ApiBlock] = []
    fenced = fenced_line_numbers(markdown)
    for index, line in enumerate(lines):
        match = None if index + 1 in fenced else BLOCK_RE.match(line)
        if not match:
            continue
        block = ApiBlock(match["id"], index + 1)
        options_lines = []
        for following in lines[index + 1:]:
            if following.strip() and not following.startswith((" ", "\t")):
                break
            options_lines.append(following)
        try:
            options = yaml.safe_load(textwrap.dedent("\n".join(options_lines))) or {}
        except yaml.YAMLError:
            options = {}
        written = (options.get("options") or {}) if isinstance(options, dict) else {}
        block.options = written if isinstance(written, dict) else {}
        members = block.options.get("members")
        if members is False:
            block.no_members = True
        elif isinstance(members, list):
            block.members = [str(m) for m in members]
        blocks.append(block)
    return blocks


def check_api_blocks(markdown: str, page: str, loaded: LoadedMassGen) -> list[str]:
    """Problems (page:line, identifier) for `:::` blocks naming something MassGen does not have. mkdocstrings
    silently skips a listed member that does not exist; this does not."""
    problems = []
    for block in api_blocks(markdown):
        obj = loaded.find(block.identifier)
        where = f"docs/{page}:{block.line}"
        if obj is None:
            problems.append(f"{where}: API entry `{block.identifier}` not found in MassGen ({loaded.source.label})")
            continue
        for member in block.members or []:
            if member not in obj.all_members:
                problems.append(f"{where}: API entry `{block.identifier}` lists member `{member}`, which MassGen "
                                f"({loaded.source.label}) does not have")
    return problems


@dataclass
class ApiIndex:
    """Names in prose that can link to a rendered API entry: full paths, `Class.member`, and unique short names."""

    targets: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        return self.targets.get(name)


def _linkable(obj: griffe.Object | griffe.Alias) -> bool:
    return not obj.is_alias and (obj.is_class or obj.is_function) and not obj.name.startswith("__")


def api_index(pages: dict[str, str], loaded: LoadedMassGen) -> ApiIndex:
    """Build the index from the pages' `:::` blocks (page path -> markdown)."""
    rendered: list[griffe.Object] = []
    for markdown in pages.values():
        for block in api_blocks(markdown):
            obj = loaded.find(block.identifier)
            if obj is None or obj.is_alias:
                continue
            rendered.append(obj)  # type: ignore[arg-type]
            if block.no_members or not obj.is_class:
                continue
            names = block.members if block.members is not None else list(obj.members)
            for name in names:
                member = obj.members.get(name)
                if member is not None and not member.is_alias:
                    rendered.append(member)  # type: ignore[arg-type]
    targets: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    # A short name is ambiguous when any rendered class has a member of that name, shown or not
    # (`extract_tool_name` is on `FormatterBase` and, unrendered, on `LLMBackend`).
    for obj in rendered:
        if obj.is_class:
            for name, member in obj.members.items():
                short.setdefault(name, set()).add(f"{obj.path}.{name}")
    for obj in rendered:
        if not _linkable(obj):
            continue
        targets[obj.path] = obj.path
        short.setdefault(obj.name, set()).add(obj.path)
        if obj.parent is not None and obj.parent.is_class:
            targets[f"{obj.parent.name}.{obj.name}"] = obj.path
    for name, paths in short.items():
        path = next(iter(paths))
        if len(paths) == 1 and name not in targets and path in targets:
            targets[name] = path
    return ApiIndex(targets)


def _html_link(match: re.Match[str], index: ApiIndex) -> str:
    target = index.resolve(match["name"])
    before = match.string[: match.start()]
    if target is None or before.count("<a ") > before.count("</a>"):
        return match.group(0)  # not an API entry, or already inside a link
    return f'<autoref identifier="{target}">{match.group(0)}</autoref>'


def link_inline_code(markdown: str, index: ApiIndex, *, html: bool = False) -> str:
    """Turn `` `Name` `` in prose into ``[`Name`][dotted.path]`` when Name is a rendered API entry, and
    `<code>Name</code>` in a generated HTML table row or list item into an autorefs element
    (`<autoref identifier=...>`, which autorefs resolves in the built HTML as it does the Markdown form; an unknown
    target fails the strict build alike). Code fences, headings, admonition titles, HTML comments and code already
    inside link text are left alone. With `html`, the text is a generated HTML block: every line is read as HTML."""
    out = []
    fenced = fenced_line_numbers(markdown)
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        stripped = line.lstrip()
        if number not in fenced and (html or stripped.startswith(("<tr", "<li"))) and "<code>" in line:
            out.append(HTML_CODE_RE.sub(lambda m: _html_link(m, index), line))
            continue
        skipped = stripped.startswith(("#", "!!!", "???", "<!--", ":::", "--8<--"))
        if html or number in fenced or skipped or "`" not in line:
            out.append(line)
            continue

        def replace(match: re.Match[str]) -> str:
            target = index.resolve(match["name"])
            before = match.string[: match.start()]
            if target is None or before.count("[") > before.count("]"):
                return match.group(0)  # not an API entry, or already inside a link's text
            return f"[{match.group(0)}][{target}]"

        out.append(INLINE_CODE_RE.sub(replace, line))
    return "".join(out)

"""Code fences in the guide's Markdown: find them, read their attributes, and say how each is proven.

Every fence on the site is one of:

- `run`: a Python block run as a pytest case (pytest-markdown-docs);
- `included`: a block whose body is only `--8<--` includes of files under `snippets/`; the test run executes
  the included files in the block's place, and the files have tests of their own;
- `validated`: YAML (MassGen's own config validator), TOML (parsed, keys read by MassGen), shell (commands,
  scripts and flags that exist);
- `opted-out`: written `{ .lang notest title="Not run: <reason>" }`, the reason visible on the page.

A fence that is none of these fails the fence test (see `tests/test_docs/test_fences.py`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

FENCE_OPEN_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<marks>`{3,}|~{3,})(?P<info>[^`]*)$")
INCLUDE_RE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["'](?P<target>[^"']+)["']\s*$""")
OPT_OUT_PREFIXES = ("Not run:", "Not validated:")
PYTHON_LANGS = {"python", "py", "python3", "pycon"}
SHELL_LANGS = {"bash", "sh", "shell", "console"}


SECTION_MARKER_RE = re.compile(r"^[^\n]*--8<-- \[(start|end):[\w-]+\][^\n]*\n?", re.MULTILINE)


def included_text(base: Path, target: str) -> str:
    """What an include `path` or `path:section` shows: the file or its named section, without section markers
    (as pymdownx.snippets renders it)."""
    path_part, _, section = target.partition(":")
    text = (base / path_part).read_text(encoding="utf-8")
    if section:
        match = re.search(rf"--8<-- \[start:{re.escape(section)}\]\n(.*?)\n[^\n]*--8<-- \[end:{re.escape(section)}\]",
                          text, re.DOTALL)
        text = match.group(1) if match else ""
    return SECTION_MARKER_RE.sub("", text)


@dataclass
class Fence:
    """One fenced block of a Markdown file."""

    path: str
    """The file, relative to the project root."""
    line: int
    """1-based line of the opening fence."""
    indent: str
    marks: str
    info: str
    body_lines: list[str]
    lang: str = ""
    words: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines) + ("\n" if self.body_lines else "")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def title(self) -> str:
        return self.options.get("title", "")

    @property
    def includes(self) -> list[str]:
        """The include targets when the body is nothing but `--8<--` lines, else []."""
        lines = [line for line in self.body_lines if line.strip()]
        targets = [INCLUDE_RE.match(line) for line in lines]
        if lines and all(targets):
            return [match["target"] for match in targets if match]
        return []

    @property
    def opted_out(self) -> bool:
        return "notest" in self.words

    @property
    def opt_out_reason(self) -> str:
        title = self.title
        for prefix in OPT_OUT_PREFIXES:
            if title.startswith(prefix) and title[len(prefix):].strip():
                return title[len(prefix):].strip()
        return ""


def parse_info(info: str) -> tuple[str, set[str], dict[str, str]]:
    """Read a fence's info string, plain (`python title="x"`) or superfences braces (`{ .python notest }`)."""
    text = info.strip()
    braces = text.startswith("{") and text.endswith("}")
    if braces:
        text = text[1:-1]
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    lang = ""
    words: set[str] = set()
    options: dict[str, str] = {}
    for index, part in enumerate(parts):
        key, sep, value = part.partition("=")
        if sep:
            options[key] = value
        elif braces and part.startswith(".") and not lang:
            lang = part[1:]
        elif not braces and index == 0:
            lang = part
        elif part.startswith("."):
            words.add(part[1:])
        else:
            words.add(part)
    return lang.lower(), words, options


def find_fences(text: str, path: str) -> list[Fence]:
    """Every fenced block in a Markdown text, at any indentation (admonitions and content tabs included)."""
    lines = text.splitlines()
    fences: list[Fence] = []
    index = 0
    while index < len(lines):
        match = FENCE_OPEN_RE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, marks, info = match["indent"], match["marks"], match["info"]
        close_re = re.compile(rf"^[ \t]*{re.escape(marks[0])}{{{len(marks)},}}\s*$")
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not close_re.match(lines[end]):
            line = lines[end]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            end += 1
        lang, words, options = parse_info(info)
        fences.append(Fence(path, index + 1, indent, marks, info, body, lang, words, options))
        index = end + 1
    return fences


def fenced_line_numbers(text: str) -> set[int]:
    """The 1-based numbers of every line that belongs to a fenced block (its fences included)."""
    numbers: set[int] = set()
    for fence in find_fences(text, "-"):
        numbers.update(range(fence.line, fence.line + len(fence.body_lines) + 2))
    return numbers


def runnable_markdown(text: str, root: Path) -> str:
    """The Markdown as pytest-markdown-docs should see it, with line numbers kept.

    Indented fences (inside admonitions or content tabs) are moved to column 0 so they are collected, and each
    include line of an include-only Python block becomes one line that runs the included file.
    """
    lines = text.splitlines()
    for fence in find_fences(text, "<page>"):
        start = fence.line - 1
        count = len(fence.body_lines) + 2
        block = lines[start:start + count]
        dedented = [line[len(fence.indent):] if line.startswith(fence.indent) else line.lstrip() for line in block]
        if fence.lang in PYTHON_LANGS and fence.includes:
            for offset, line in enumerate(dedented[1:-1], start=1):
                match = INCLUDE_RE.match(line)
                if match:
                    target = (root / match["target"].split(":", 1)[0]).as_posix()
                    dedented[offset] = f"import runpy; runpy.run_path({target!r}, run_name='__guide_snippet__')"
        lines[start:start + count] = dedented
    return "\n".join(lines) + "\n"

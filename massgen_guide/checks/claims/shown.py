"""Sentences bound to executed blocks: `[[shown-by: NAME]]`.

Some behaviour cannot be read statically (the orchestrator retrying an agent whose stream reported an error, for
example). A sentence states it and points at a block on the same page that shows it running against the real
MassGen:

    The orchestrator retries the agent [[shown-by: retry-after-error]].

    ```python
    # shows: retry-after-error
    ...                       # asserts the behaviour against MassGen
    ```

The block is a Python fence on the same page that runs as a test (pytest-markdown-docs: not `notest`, not a
`--8<--` include) and whose first body line is the comment `# shows: NAME`. The build fails at page:line on a
reference to a NAME no block on the page carries, to a block that does not run, and on two blocks with one NAME.
A block merely sitting near a sentence binds nothing: the sentence must name it.

On the site the reference renders as a short link, "(shown below)" or "(shown above)", to the anchor `shows-NAME`
that ends the prose line just above the block (`anchor_lines`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from massgen_guide.checks.fences import PYTHON_LANGS, Fence, find_fences

SHOWN_RE = re.compile(r"\[\[shown-by:\s*(?P<name>[^\]]*?)\s*\]\]")
SHOWN_START_RE = re.compile(r"\[\[\s*shown-by\b", re.IGNORECASE)
SHOWS_LINE_RE = re.compile(r"^#\s*shows:\s*(?P<name>\S+)\s*$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class ShowingBlock:
    name: str
    fence: Fence
    runs: bool
    why_not: str = ""

    @property
    def line(self) -> int:
        return self.fence.line


def anchor(name: str) -> str:
    return f"shows-{name}"


def showing_blocks(markdown: str, page: str) -> dict[str, list[ShowingBlock]]:
    """Every fence whose first body line is `# shows: NAME`, by NAME (a list: a NAME used twice is an error)."""
    out: dict[str, list[ShowingBlock]] = {}
    for fence in find_fences(markdown, page):
        first = next((line.strip() for line in fence.body_lines if line.strip()), "")
        match = SHOWS_LINE_RE.match(first)
        if not match:
            continue
        if fence.lang not in PYTHON_LANGS:
            runs, why = False, f"it is a {fence.lang or 'plain'} block, not Python"
        elif fence.opted_out:
            runs, why = False, f"it is opted out (notest: {fence.opt_out_reason or 'no reason'})"
        elif fence.includes:
            runs, why = False, "it only includes files"
        else:
            runs, why = True, ""
        out.setdefault(match["name"], []).append(ShowingBlock(match["name"], fence, runs, why))
    return out


def verify_reference(name: str, blocks: dict[str, list[ShowingBlock]], page: str) -> tuple[bool, str, str]:
    """(holds, message, evidence `page:line` of the block) for one `[[shown-by: NAME]]`."""
    if not NAME_RE.match(name):
        return False, f"{name!r} is not a block name (lowercase letters, digits, - and _)", ""
    found = blocks.get(name, [])
    if not found:
        near = ", ".join(sorted(blocks)) or "none"
        return False, f"no Python block on this page starts with `# shows: {name}` (blocks here: {near})", ""
    if len(found) > 1:
        lines = ", ".join(str(b.line) for b in found)
        return False, f"{len(found)} blocks on this page start with `# shows: {name}` (lines {lines})", ""
    block = found[0]
    where = f"{page}:{block.line}"
    if not block.runs:
        return False, f"the block `# shows: {name}` ({where}) does not run as a test: {block.why_not}", where
    return True, f"shown by the block at {where}, run as a test", where


def render_reference(name: str, line: int, blocks: dict[str, list[ShowingBlock]], linked: bool = True) -> str:
    found = blocks.get(name) or []
    where = "above" if found and found[0].line < line else "below"
    return f"([shown {where}](#{anchor(name)}))" if linked else f"(shown {where})"


def anchor_lines(markdown_lines: list[str], blocks: dict[str, list[ShowingBlock]], fenced: set[int]) -> dict[int, str]:
    """Where each block's anchor goes: line number -> the `<a id="shows-NAME"></a>` to append. The anchor ends the
    prose line just above the block (after its blank line), so the build's anchor check sees it and no line
    moves; a block with no prose line right above it gets none (its references render without a link)."""
    out: dict[int, str] = {}
    for name, found in blocks.items():
        if len(found) != 1:
            continue
        above = found[0].line - 1  # 1-based number of the line above the fence
        while above >= 1 and not markdown_lines[above - 1].strip():
            above -= 1
        text = markdown_lines[above - 1].strip() if above >= 1 else ""
        if above >= 1 and above not in fenced and text and not text.startswith(("|", "#", "<", "!!!", "???", "===")):
            out[above] = out.get(above, "") + f' <a id="{anchor(name)}"></a>'
    return out

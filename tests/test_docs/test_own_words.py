"""Our own words: no run of 10 words from the upstream skill's prose appears in the guide's prose."""

from __future__ import annotations

import re
from pathlib import Path

from massgen_guide.checks.fences import find_fences
from massgen_guide.source.selection import current_source

ROOT = Path(__file__).resolve().parents[2]
RUN = 10


def prose_words(text: str) -> list[str]:
    """The words of a Markdown text outside code fences and inline code, lower-cased."""
    lines = text.splitlines()
    for fence in find_fences(text, "-"):
        for index in range(fence.line - 1, min(len(lines), fence.line + len(fence.body_lines) + 1)):
            lines[index] = ""
    prose = re.sub(r"`[^`]*`", " ", "\n".join(lines))
    return re.findall(r"[a-z0-9']+", prose.lower())


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def shared_runs(page_text: str, upstream_text: str) -> list[str]:
    upstream = shingles(prose_words(upstream_text))
    return sorted({" ".join(s) for s in shingles(prose_words(page_text)) if s in upstream})


def test_no_page_copies_a_sentence_of_the_upstream_skill() -> None:
    upstream = (current_source().package_dir / "skills" / "backend-integrator" / "SKILL.md").read_text(encoding="utf-8")
    copied = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        runs = shared_runs(page.read_text(encoding="utf-8"), upstream)
        if runs:
            copied[page.relative_to(ROOT).as_posix()] = runs[:3]
    assert not copied, copied


def test_a_copied_sentence_is_caught() -> None:
    upstream = "This skill provides the complete checklist and patterns for integrating a new LLM backend into MassGen."
    page = "Intro.\n\nThis skill provides the complete checklist and patterns for integrating a new LLM backend.\n"
    assert shared_runs(page, upstream) == [
        "complete checklist and patterns for integrating a new llm backend",
        "provides the complete checklist and patterns for integrating a new",
        "skill provides the complete checklist and patterns for integrating a",
        "the complete checklist and patterns for integrating a new llm",
        "this skill provides the complete checklist and patterns for integrating",
    ]
    assert shared_runs("```python\n" + upstream + "\n```\n", upstream) == []

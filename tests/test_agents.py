"""The generated skill file and llms.txt (docs/agents.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from massgen_guide.errors import GuideError
from massgen_guide.facts.checklist import load_checklist
from massgen_guide.site import skill

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated() -> str:
    return skill.render_skill()


def test_committed_skill_is_what_the_generator_writes(generated: str) -> None:
    committed = skill.SKILL_PATH.read_text(encoding="utf-8")
    assert committed == generated, "skills/backend-integrator/SKILL.md is stale: run `massgen-guide skill`"


def test_skill_has_claude_frontmatter_and_stays_short(generated: str) -> None:
    match = re.match(r"^---\n(.*?)\n---\n", generated, re.DOTALL)
    assert match, "no YAML frontmatter"
    front = yaml.safe_load(match.group(1))
    assert set(front) == {"name", "description"}
    assert front["name"] == "massgen-backend-integrator"
    assert generated.count("\n") < skill.MAX_LINES


def test_every_checklist_point_is_in_the_skill(generated: str) -> None:
    missing = [p.id for p in load_checklist().points if f"`{p.id}`" not in generated]
    assert not missing


def test_every_skill_link_reaches_a_page_and_anchor_of_the_built_site(generated: str, built_site: Path) -> None:
    links = skill.links_of(generated)
    assert len(links) > 40
    assert skill.broken_links(generated, built_site, skill.site_url()) == []


def test_a_broken_skill_link_is_reported(built_site: Path) -> None:
    base = skill.site_url()
    text = f"[a]({base}phases/nope/) [b]({base}phases/auth/#no-such-heading) [c](https://elsewhere.example/x/)"
    assert skill.broken_links(text, built_site, base) == [
        f"{base}phases/nope/: no page phases/nope/index.html in the built site",
        f"{base}phases/auth/#no-such-heading: phases/auth/index.html has no anchor #no-such-heading",
        f"https://elsewhere.example/x/: not under the guide's base URL {base}",
    ]


def test_a_topic_naming_a_missing_heading_fails() -> None:
    with pytest.raises(GuideError, match=r"^skill: docs/phases/auth.md has no heading 'No such heading'$"):
        skill.heading_anchor(ROOT, "phases/auth.md", "No such heading")


def test_the_skill_command_check_mode_reports_a_stale_file(tmp_path: Path, capsys) -> None:
    from massgen_guide.cli import main

    stale = tmp_path / "SKILL.md"
    stale.write_text("old\n")
    assert main(["skill", "--check", "--output", str(stale)]) == 1
    assert capsys.readouterr().out.strip() == f"{stale}: out of date; run `massgen-guide skill` to regenerate it"
    assert stale.read_text() == "old\n"


def test_llms_txt_lists_every_page_and_llms_full_has_generated_reference(built_site: Path) -> None:
    index = (built_site / "llms.txt").read_text(encoding="utf-8")
    pages = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")]
    missing = [p for p in pages if p.removesuffix(".md").removesuffix("index") not in index]
    assert not missing, f"pages missing from llms.txt: {missing}"
    for link in re.findall(r"\]\((https?://[^)]+)\)", index):  # every entry's Markdown file exists
        assert (built_site / link[len(skill.site_url()):]).is_file(), link
    full = (built_site / "llms-full.txt").read_text(encoding="utf-8")
    # generated at build from MassGen's source: a chunk type only the source scan knows, and the coverage matrix
    assert "reasoning_summary_done" in full
    assert "claude_code" in full
    # API entries come from griffe; includes are expanded; no directive, autodoc or include syntax is left over
    assert "def stream_with_tools(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], **kwargs)" in full
    assert "class SkylineBackend(ChatCompletionsBackend)" in full
    for leftover in ("<!-- guide:", "--8<--", "\n::: massgen"):
        assert leftover not in full, leftover
    assert "[[claim:" not in (built_site / "phases" / "hooks" / "index.md").read_text(encoding="utf-8")


def test_llms_helpers_turn_site_markdown_into_plain_markdown(tmp_path: Path) -> None:
    from massgen_guide.site import llms_txt

    (tmp_path / "ex.py").write_text("# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\ny = 2\n")
    page = '```python\n--8<-- "ex.py:a"\n```\n\n```python\n--8<-- "ex.py"\n```\n'
    assert llms_txt.expand_includes(page, tmp_path) == "```python\nx = 1\n```\n\n```python\nx = 1\ny = 2\n```\n"
    assert llms_txt.plain_html('<div class="tree">\n\nText\n\n</div>\n<pre class="guide-output"><code>a &lt; b</code></pre>') \
        == "\nText\n\n```text\na < b\n```"
    assert llms_txt.description("# T\n\n!!! note\n    x\n\nFirst [one][a.b] here. Second.\n") == "First one here."
    assert llms_txt.expand_autodoc("::: no.such.Object\n    options:\n      members:\n        - m\n", lambda p: None) \
        == "`no.such.Object`\n`no.such.Object.m`"


def test_the_skill_starts_with_new_then_audit_then_the_tests(generated: str) -> None:
    """Issue 12: a coding agent's first steps are the scaffolder, the audit, the scaffolded tests (in that order),
    before any reference material; every kind of the scaffold data is offered."""
    from massgen_guide.scaffold.spec import scaffold_data

    headings = [line for line in generated.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## When to use", "## First steps"]
    steps = generated.split("## First steps", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("#")[0].strip() for line in steps.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()]
    assert [c.split()[:2] for c in commands] == [["massgen-guide", "new"], ["massgen-guide", "new"],
                                                 ["massgen-guide", "audit"], ["python", "-m"]]
    assert commands[1].endswith("--write") and commands[3].endswith("massgen/tests/test_NAME.py")
    assert all(f"- `{kind}`: " in steps for kind in scaffold_data().kinds)


def test_the_skill_does_not_say_exit_0_means_every_point_passes(generated: str) -> None:
    """The audit exits 0 with required repository-only points "cannot check" (a tree without docs/): the skill's
    comments say what exit 0 means, and the note after each audit block says the rest is still to do."""
    comments = [line.split("#", 1)[1].strip() for line in generated.splitlines()
                if line.startswith("massgen-guide audit ") and "exit 0" in line]
    assert comments == ["exit 0: no required point is missing"] * 2
    assert generated.count("\n```\n\n" + skill.CANNOT_CHECK_NOTE + "\n") == 2
    assert "every required point passes" not in generated

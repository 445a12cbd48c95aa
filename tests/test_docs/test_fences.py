"""Every fence on the site is run, validated, or opted out with a visible reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from massgen_guide.checks.fence_checks import (
    INCLUDED,
    OPTED_OUT,
    RUN,
    VALIDATED,
    check_shell_block,
    check_shell_command,
    classify,
    docs_fences,
    summary,
    validate,
    validate_toml,
    validate_yaml,
)
from massgen_guide.checks.fences import find_fences, runnable_markdown
from massgen_guide.source.selection import current_source

ROOT = Path(__file__).resolve().parents[2]
FENCES = docs_fences(ROOT)
VALIDATED_FENCES = [f for f in FENCES if classify(f, ROOT).kind == VALIDATED]


def test_every_fence_is_run_validated_or_opted_out_with_a_reason() -> None:
    problems = [f"{f.where}: {v.problem}" for f in FENCES if (v := classify(f, ROOT)).kind == "unproven"]
    assert not problems, "\n".join(problems)


def test_every_validated_fence_holds(massgen_imported) -> None:
    source = current_source()
    problems = [f"{fence.where}: {problem}" for fence in VALIDATED_FENCES for problem in validate(fence, ROOT, source)]
    assert not problems, "\n".join(problems)


def test_pytest_markdown_docs_collects_every_python_fence() -> None:
    """The Python fences counted as run are exactly the items pytest-markdown-docs collects: none is lost."""
    expected = sum(1 for f in FENCES if classify(f, ROOT).kind in {RUN, INCLUDED})
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "docs"],
                            cwd=ROOT, capture_output=True, text=True)
    collected = [line for line in result.stdout.splitlines() if "[CodeFence#" in line]
    assert len(collected) == expected, result.stdout[-2000:]


def test_included_snippet_files_have_their_own_tests() -> None:
    tests_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    included = {t.split(":", 1)[0] for f in FENCES if classify(f, ROOT).kind == INCLUDED for t in f.includes}
    untested = [path for path in sorted(included)
                if Path(path).stem not in tests_text and path not in tests_text]
    assert not untested, f"snippet files shown on pages but imported by no test: {untested}"


# --- the checker itself can fail ----------------------------------------------------------------------------

def fence_of(markdown: str):
    return find_fences(markdown, "docs/x.md")[0]


def test_fences_inside_tabs_and_admonitions_are_found_and_made_runnable() -> None:
    page = '=== "Tab"\n\n    ```python\n    x = 1\n    ```\n\n```python\n--8<-- "snippets/a.py:part"\n```\n'
    fences = find_fences(page, "docs/x.md")
    assert [(f.line, f.lang, f.body_lines) for f in fences] == [
        (3, "python", ["x = 1"]), (7, "python", ['--8<-- "snippets/a.py:part"'])]
    assert runnable_markdown(page, Path("/r")).splitlines() == [
        '=== "Tab"', "", "```python", "x = 1", "```", "", "```python",
        "import runpy; runpy.run_path('/r/snippets/a.py', run_name='__guide_snippet__')", "```"]


def test_a_plain_block_is_unproven() -> None:
    verdict = classify(fence_of("```text\nhello\n```\n"), ROOT)
    assert (verdict.kind, verdict.problem) == ("unproven", "a text block is neither run, validated, nor opted out with a reason")


def test_an_opt_out_needs_a_visible_reason() -> None:
    assert classify(fence_of("```{ .python notest }\nx\n```\n"), ROOT).problem == \
        'opted out without a reason: write title="Not run: <reason>"'
    assert classify(fence_of('```{ .python notest title="Not run: a shape" }\nx\n```\n'), ROOT).kind == OPTED_OUT


def test_an_include_of_a_missing_file_is_unproven() -> None:
    verdict = classify(fence_of('```python\n--8<-- "snippets/nope.py"\n```\n'), ROOT)
    assert verdict.problem == "includes a missing file: snippets/nope.py"


def test_yaml_must_be_a_config_that_massgens_validator_accepts(massgen_imported) -> None:
    from massgen_guide.checks.fence_checks import massgen_config_validator

    check = massgen_config_validator()
    good = "agent:\n  id: a\n  backend:\n    type: lmstudio\n    model: m\n"
    assert validate_yaml(good, check) == []
    bad = "agent:\n  id: a\n  backend:\n    type: my_new_backend\n    model: m\n"
    assert validate_yaml(bad, check)[0].startswith(
        "MassGen's validator: agent.backend.type: Unknown backend type: 'my_new_backend'")
    assert validate_yaml("backend:\n  type: x\n", check) == [
        "YAML is not a complete MassGen config (no `agent:` or `agents:`)"]
    assert validate_yaml("a: [\n", check)[0].startswith("YAML does not parse:")


def test_toml_keys_must_be_read_by_massgen() -> None:
    source = current_source()
    good = '[mcp_servers.files]\ncommand = "npx"\nargs = ["x"]\n'
    assert validate_toml(good, ".codex/config.toml", source) == []
    bad = '[mcp_servers.files]\ncommand = "npx"\nlaunch_rockets = true\n'
    assert validate_toml(bad, ".codex/config.toml", source) == ["TOML key 'launch_rockets' is not read by codex.py"]
    assert validate_toml("a = = 1", "", source)[0].startswith("TOML does not parse:")


def test_shell_commands_must_exist() -> None:
    source = current_source()
    assert check_shell_command("python3 dev.py serve", ROOT, source) == ""
    assert check_shell_command("python3 dev.py deploy", ROOT, source) == "`python3 dev.py` has no command 'deploy'"
    assert check_shell_command("uv run pytest massgen/tests/test_backend_capabilities.py -v", ROOT, source) == ""
    assert check_shell_command("uv run pytest massgen/tests/test_nope.py", ROOT, source) == \
        f"massgen/tests/test_nope.py does not exist in MassGen {source.version}"
    assert check_shell_command("frobnicate --all", ROOT, source) == "unknown command 'frobnicate'"


def test_a_test_file_written_by_massgen_guide_new_earlier_in_the_block_exists() -> None:
    source = current_source()
    missing = [f"massgen/tests/test_acme.py does not exist in MassGen {source.version}"]
    new, run = "massgen-guide new acme --kind custom-api --write", "python -m pytest massgen/tests/test_acme.py"
    assert check_shell_block(f"{new}\n{run}\n", ROOT, source) == []
    assert check_shell_block(f"{run}\n{new}\n", ROOT, source) == missing
    assert check_shell_block(f"{new.replace('acme', 'zeta')}\n{run}\n", ROOT, source) == missing


def test_summary_line_counts_every_kind() -> None:
    from massgen_guide.checks.fence_checks import Verdict

    line = summary([Verdict(RUN), Verdict(INCLUDED), Verdict(VALIDATED), Verdict(OPTED_OUT)])
    assert line == "docs code blocks: 4 found, 2 run (1 of them from snippets/), 1 validated, 1 opted out, 0 unproven"

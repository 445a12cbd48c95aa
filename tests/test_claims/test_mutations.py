"""A mutated copy of MassGen (in a temp dir) must turn each statement that became false red, at its line."""

from __future__ import annotations

from pathlib import Path

from massgen_guide.checks.claims.check import check_docs, check_markdown
from massgen_guide.source.selection import MassGenSource

ROOT = Path(__file__).resolve().parents[2]

MUTATION_PAGE = """# Mutations

The smallest backend is `massgen/backend/grok.py`.

Call `LLMBackend.start_api_call_timing` before the request.

The SDK wrapper is plain: [[claim: ClaudeCodeBackend subclasses LLMBackend]].

Human input arrives after a tool: [[claim: hook HumanInputHook is registered as PostToolUse]].

[[claim: LLMBackend.get_base_excluded_config_params and APIParamsHandlerBase.get_base_excluded_params are derived from one definition]]

[[claim: backend CodexBackend writes its instructions to .codex/AGENTS.md]]

[[claim: backend GeminiCLIBackend has a native hook adapter]]

[[claim: file massgen/backend/claude.py is about 2000 lines]]

Still true after the mutations: `StreamChunk`, [[claim: CodexBackend subclasses LLMBackend]].

[[claim: backend CopilotBackend has native hook adapter CopilotNativeHookAdapter]]
"""

EXPECTED = {
    3: ("massgen/backend/grok.py", "massgen/backend/providers/grok.py"),
    5: ("LLMBackend.start_api_call_timing", "LLMBackend has no member start_api_call_timing"),
    7: ("ClaudeCodeBackend subclasses LLMBackend", "class ClaudeCodeBackend(NativeToolBackendMixin, StreamingBufferMixin)"),
    9: ("hook HumanInputHook is registered as PostToolUse", "HumanInputHook is registered as PreToolUse"),
    11: ("are derived from one definition", "share no module-level definition"),
    13: ("writes its instructions to .codex/AGENTS.md", "never names .codex/AGENTS.md"),
    15: ("GeminiCLIBackend has a native hook adapter", "initialises no native hook adapter"),
    17: ("massgen/backend/claude.py is about 2000 lines", "has 5004 lines"),
    21: ("CopilotBackend has native hook adapter", "which does not resolve"),
}


def test_page_holds_for_the_installed_massgen(check):
    report = check(MUTATION_PAGE)
    assert report.failures == []
    assert {f.line for f in report.findings} >= set(EXPECTED) | {19}


def test_each_mutation_fails_at_its_line(mutated):
    package, index, _ = mutated
    source = MassGenSource(package, "checkout", str(package))
    report = check_markdown(MUTATION_PAGE, "docs/mutations.md", index, source)
    failed = {f.line: f for f in report.failures}
    assert sorted(failed) == sorted(EXPECTED), [f.describe() for f in report.failures]
    for line, (text, why) in EXPECTED.items():
        finding = failed[line]
        assert finding.where == f"docs/mutations.md:{line}"
        assert text in finding.text
        assert why in finding.describe(), finding.describe()
    # the rest is still checked and still holds
    assert [f.status for f in report.findings if f.line == 19] == ["verified", "verified"]


def test_a_file_that_does_not_parse_is_reported_and_the_rest_checked(mutated):
    package, index, _ = mutated
    assert list(index.parse_errors) == ["massgen/backend/broken_backend.py"]
    assert index.parse_errors["massgen/backend/broken_backend.py"].startswith(
        "massgen/backend/broken_backend.py:1: SyntaxError")
    source = MassGenSource(package, "checkout", str(package))
    report = check_markdown("`StreamChunk` and `Broken`.\n", "docs/p.md", index, source)
    assert [(f.text, f.status) for f in report.findings] == [("StreamChunk", "verified"), ("Broken", "failed")]
    assert "could not be parsed: massgen/backend/broken_backend.py" in report.failures[0].message
    assert report.parse_errors == [index.parse_errors["massgen/backend/broken_backend.py"]]


def test_renamed_method_fails_the_real_docs_where_they_name_it(mutated, source):
    """Over the real docs: every line naming the renamed method fails, and only those lines fail because of it."""
    package, index, _ = mutated
    mutated_source = MassGenSource(package, "checkout", str(package))
    before = {(r.page, f.line, f.text) for r in check_docs(ROOT / "docs", source) for f in r.findings
              if "start_api_call_timing" in f.text}
    assert before, "the docs no longer name start_api_call_timing; pick another method for this test"
    after = {(r.page, f.line, f.text) for r in check_docs(ROOT / "docs", mutated_source, index)
             for f in r.failures if "start_api_call_timing" in f.text}
    assert after == before


def test_the_mutated_copy_is_a_copy(mutated, source):
    package, _, notes = mutated
    assert package != source.package_dir and not (package / "backend" / "grok.py").exists()
    assert (source.package_dir / "backend" / "grok.py").exists()  # nothing of the installed MassGen changed
    assert notes["rename_line"] > 1

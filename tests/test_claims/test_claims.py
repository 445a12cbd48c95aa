"""Each claim relation with a true and a false case; the syntax's rendering and its one clear error."""

from __future__ import annotations

import pytest

from massgen_guide.checks.claims.check import parse_page_claims, render_claims
from massgen_guide.errors import GuideError

TRUE_AND_FALSE = [
    ("subclasses", "ClaudeCodeBackend subclasses LLMBackend", "ClaudeCodeBackend subclasses CustomToolAndMCPBackend",
     "does not subclass"),
    ("subclasses", "`ChatCompletionsBackend` inherits from `LLMBackend`", "GrokBackend does not subclass LLMBackend",
     "does subclass"),
    ("subclasses", "AzureOpenAIBackend directly subclasses LLMBackend", "ChatCompletionsBackend directly subclasses "
     "LLMBackend", "is not a direct base: class ChatCompletionsBackend(StreamingBufferMixin, CustomToolAndMCPBackend)"),
    ("hook-type", "hook MidStreamInjectionHook is registered as PostToolUse",
     "hook HumanInputHook is registered as PreToolUse", "is registered as PostToolUse"),
    ("hook-type", "hook RoundTimeoutPreHook is registered as PRE_TOOL_USE",
     "hook RoundTimeoutPostHook is registered as PreToolUse", "is registered as PostToolUse"),
    ("native-adapter", "backend CodexBackend has a native hook adapter",
     "backend ChatCompletionsBackend has a native hook adapter", "initialises no native hook adapter"),
    ("native-adapter", "backend ClaudeCodeBackend has native hook adapter ClaudeCodeNativeHookAdapter",
     "backend CopilotBackend has native hook adapter ClaudeCodeNativeHookAdapter", "CopilotNativeHookAdapter"),
    ("native-adapter", "backend ClaudeBackend has no native hook adapter",
     "backend GeminiCLIBackend has no native hook adapter", "initialises native hook adapter"),
    ("lines", "file massgen/backend/grok.py is about 36 lines", "file massgen/backend/grok.py is about 81 lines",
     "has 36 lines"),
    ("lines", "file `massgen/backend/claude_code.py` is about 3500 lines ±5%",
     "file massgen/backend/claude_code.py is about 1750 lines", "2.0x"),
    ("derived", "LLMBackend.get_base_excluded_config_params and APIParamsHandlerBase.get_base_excluded_params are "
     "derived from one definition", "LLMBackend.get_base_excluded_config_params and "
     "APIParamsHandlerBase.get_base_excluded_params are separate definitions", "BASE_EXCLUDED_CONFIG_PARAMS"),
    ("derived", "`get_base_excluded_config_params()` and `get_base_excluded_params()` are derived from one definition",
     "LLMBackend.get_provider_name and LLMBackend.stream_with_tools are derived from one definition",
     "share no module-level definition"),
    ("defined-in", "create_backend is defined in massgen/cli/backends.py", "create_backend is defined in massgen/cli.py",
     "massgen/cli/backends.py"),
    ("defined-in", "LLMBackend.stream_with_tools is defined in massgen/backend/base.py",
     "ChatCompletionsBackend.get_base_excluded_config_params is defined in massgen/backend/chat_completions.py",
     "massgen/backend/base.py"),
    ("writes-instructions", "backend CodexBackend writes its instructions to .codex/AGENTS.md",
     "backend ClaudeBackend writes its instructions to AGENTS.md", "never names AGENTS.md"),
    ("writes-instructions", "backend GeminiCLIBackend writes its instructions to .gemini/GEMINI.md",
     "backend GeminiCLIBackend writes its instructions to .gemini/AGENTS.md", "missing AGENTS.md"),
    ("absent", "massgen/cli.py does not exist", "massgen/backend/base.py does not exist", "exists in massgen"),
]


@pytest.mark.parametrize("relation,true_claim,false_claim,why", TRUE_AND_FALSE,
                         ids=[f"{r}:{t[:40]}" for r, t, _, _ in TRUE_AND_FALSE])
def test_claim_true_and_false(check, relation, true_claim, false_claim, why):
    page = f"# Claims\n\nWe say [[claim: {true_claim}]] here.\n\nAnd [[claim: {false_claim}]] there.\n"
    report = check(page)
    claims = [f for f in report.findings if f.what == "claim"]
    assert [(f.line, f.kind, f.status) for f in claims] == [(3, relation, "verified"), (5, relation, "failed")], claims
    assert why in claims[1].message + claims[1].suggestion
    assert claims[0].evidence and claims[1].where == "docs/synthetic.md:5"


def test_claim_renders_as_text():
    page = ("A [[claim: ClaudeCodeBackend subclasses LLMBackend]] line.\n"
            "```\n[[claim: left alone in a fence]]\n```\n"
            "Free [[claim: hook HumanInputHook is registered as PostToolUse | wording of our own]].\n"
            "Syntax: `[[claim: STATEMENT]]` stays as code, [[claim: massgen/cli.py does not exist]] twice "
            "[[claim: CodexBackend subclasses LLMBackend]].\n")
    assert render_claims(page) == ("A `ClaudeCodeBackend` subclasses `LLMBackend` line.\n"
                                   "```\n[[claim: left alone in a fence]]\n```\n"
                                   "Free wording of our own.\n"
                                   "Syntax: `[[claim: STATEMENT]]` stays as code, `massgen/cli.py` does not exist "
                                   "twice `CodexBackend` subclasses `LLMBackend`.\n")
    assert [n for n, _ in parse_page_claims(page, "p")] == [1, 5, 6, 6]


@pytest.mark.parametrize("line,message", [
    ("It [[claim: ClaudeCodeBackend frobnicates LLMBackend]].", "malformed claim [[claim: ClaudeCodeBackend "
                                                                "frobnicates LLMBackend]]: expected one of"),
    ("It [[claim: ClaudeCodeBackend subclasses LLMBackend", "malformed claim '[[claim: ClaudeCodeBackend subclasses"),
    ("It [[claim: file x.py is about many lines]].", "malformed claim [[claim: file x.py is about many lines]]"),
    ("It [[claim: ClaudeCodeBackend subclasses LLMBackend | ]].", "nothing after '|'"),
])
def test_malformed_claim_is_one_clear_error(line, message):
    with pytest.raises(GuideError) as caught:
        parse_page_claims(f"# Page\n\n{line}\n", "docs/phases/hooks.md")
    text = str(caught.value)
    assert text.startswith("docs/phases/hooks.md:3: ")
    assert message in text
    assert "\n" not in text


def test_malformed_claim_fails_the_build_check(source):
    from massgen_guide.checks.claims.check import check_page_for_build

    with pytest.raises(GuideError, match=r"^docs/x\.md:2: malformed claim"):
        check_page_for_build("ok\n[[claim: nonsense here]]\n", "x.md", source)


def test_build_check_renders_and_passes(source):
    from massgen_guide.checks.claims.check import check_page_for_build

    out = check_page_for_build("See `StreamChunk`: [[claim: CodexBackend subclasses LLMBackend]].\n", "x.md", source)
    assert out == "See `StreamChunk`: `CodexBackend` subclasses `LLMBackend`.\n"


def test_build_check_fails_at_page_and_line(source):
    from massgen_guide.checks.claims.check import check_page_for_build

    with pytest.raises(GuideError) as caught:
        check_page_for_build("# T\n\nUse `LLMBackend.stream_with_tool`.\n", "phases/x.md", source)
    assert "docs/phases/x.md:3: reference `LLMBackend.stream_with_tool` (member): LLMBackend has no member " \
           "stream_with_tool; closest: LLMBackend.stream_with_tools" in str(caught.value)

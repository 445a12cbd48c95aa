"""The behaviour claim kinds: for each, a true statement verifies and a false one fails at its page:line, saying
what the code says instead; a mutated MassGen copy turns statements the guide makes red."""

from __future__ import annotations

import pytest

from massgen_guide.checks.claims.check import check_markdown, render_claims
from massgen_guide.source.selection import MassGenSource

TRUE_AND_FALSE = [
    ("yields", 'ChatCompletionsBackend.stream_with_tools yields chunk type "reasoning_done"',
     'LLMBackend.stream_with_tools yields chunk type "content"', 'no "content" chunk is built in'),
    ("yields", "`ClaudeCodeBackend.stream_with_tools` never yields `\"reasoning_done\"`",
     'ChatCompletionsBackend.stream_with_tools never yields "done"',
     'yields "done": a chunk of that type is built at massgen/backend/chat_completions.py'),
    ("calls", "ChatCompletionsBackend.stream_with_tools calls _create_client",
     "LLMBackend.stream_with_tools calls start_api_call_timing", "no call to start_api_call_timing"),
    ("calls", "LLMBackend.stream_with_tools does not call start_api_call_timing",
     "ChatCompletionsBackend.stream_with_tools does not call _create_client",
     "calls _create_client at massgen/backend/base_with_custom_tool_and_mcp.py"),
    ("raises", "LLMBackend.__init__ raises ValueError when cwd is set and the backend has no filesystem support",
     "create_backend raises ValueError", "they raise ConfigurationError"),
    ("raises", "create_backend does not raise ValueError", "LLMBackend.__init__ does not raise ValueError",
     "raises ValueError at massgen/backend/base.py"),
    ("default", "the default of parameter api_key of LLMBackend.__init__ is None",
     "the default of parameter api_key of LLMBackend.__init__ is `\"\"`", "the default of api_key in "
     "LLMBackend.__init__ is None"),
    ("default", "the default of field `display` of `StreamChunk` is `True`",
     "field display of StreamChunk defaults to False", "the default of display in StreamChunk is True"),
    ("default", "parameter source of StreamChunk defaults to None",
     "the default of parameter max_restarts of Orchestrator.__init__ is 0", "has no parameter or field max_restarts"),
    ("config-default", "config key interrupt_poll_seconds defaults to 2 in CodexBackend.__init__",
     "config key max_interrupts_per_turn defaults to 10", "default 25 at massgen/backend/antigravity_cli.py"),
    ("config-default", "config key `enable_interrupt_resume` defaults to `True`",
     "config key no_such_key_anywhere defaults to 1", "never reads config key no_such_key_anywhere"),
    ("overrides", "ChatCompletionsBackend overrides stream_with_tools",
     "GrokBackend overrides stream_with_tools", "it inherits stream_with_tools from ResponseBackend (massgen/backend/response.py:"),
    ("overrides", "GrokBackend does not override stream_with_tools",
     "ClaudeBackend does not override get_filesystem_support", "defines get_filesystem_support itself at "
     "massgen/backend/claude.py"),
]


@pytest.mark.parametrize("relation,true_claim,false_claim,why", TRUE_AND_FALSE,
                         ids=[f"{r}:{t[:40]}" for r, t, _, _ in TRUE_AND_FALSE])
def test_behaviour_claim_true_and_false(check, relation, true_claim, false_claim, why):
    page = f"# Claims\n\nWe say [[claim: {true_claim}]] here.\n\nAnd [[claim: {false_claim}]] there.\n"
    report = check(page)
    claims = [f for f in report.findings if f.what == "claim"]
    assert [(f.line, f.kind, f.status) for f in claims] == [(3, relation, "verified"), (5, relation, "failed")], \
        [f.describe() for f in claims]
    assert why in claims[1].message, claims[1].message
    assert claims[0].evidence.startswith("massgen/") and claims[1].where == "docs/synthetic.md:5"


def test_a_false_behaviour_claim_fails_the_strict_build_with_what_the_code_says(source):
    from massgen_guide.checks.claims.check import check_page_for_build
    from massgen_guide.errors import GuideError

    page = "# T\n\nCodex polls every few seconds ([[claim: config key interrupt_poll_seconds defaults to 5]]).\n"
    with pytest.raises(GuideError) as caught:
        check_page_for_build(page, "phases/x.md", source)
    assert "docs/phases/x.md:3: claim [[claim: config key interrupt_poll_seconds defaults to 5]] (config-default): " \
           "MassGen reads interrupt_poll_seconds with default 2.0 at massgen/backend/antigravity_cli.py:" \
           in str(caught.value)


def test_behaviour_claims_render_as_sentences():
    page = ('[[claim: ChatCompletionsBackend.stream_with_tools yields chunk type "reasoning_done"]]; '
            "[[claim: GrokBackend does not override stream_with_tools]]; "
            "[[claim: LLMBackend.__init__ raises ValueError when `cwd` is set]]; "
            "[[claim: config key interrupt_poll_seconds defaults to 2 in CodexBackend.__init__]]; "
            "[[claim: the default of field display of StreamChunk is True]].\n")
    assert render_claims(page) == (
        '`ChatCompletionsBackend.stream_with_tools` yields `"reasoning_done"` chunks; '
        "`GrokBackend` does not override `stream_with_tools`; "
        "`LLMBackend.__init__` raises `ValueError` when `cwd` is set; "
        "config key `interrupt_poll_seconds` defaults to `2` in `CodexBackend.__init__`; "
        "the default of `display` in `StreamChunk` is `True`.\n")


BEHAVIOUR_PAGE = """# Behaviour

[[claim: the default of field display of StreamChunk is True]]

[[claim: ChatCompletionsBackend.stream_with_tools yields chunk type "reasoning_done"]]

[[claim: config key interrupt_poll_seconds defaults to 2 in CodexBackend.__init__]]

[[claim: LLMBackend.__init__ raises ValueError when cwd is set without filesystem support]]

[[claim: hook HumanInputHook is registered as PostToolUse]]

[[claim: ChatCompletionsBackend overrides stream_with_tools]]
"""

BEHAVIOUR_EXPECTED = {
    3: "the default of display in StreamChunk is False, not True",
    5: 'no "reasoning_done" chunk is built in ChatCompletionsBackend.stream_with_tools',
    7: "CodexBackend.__init__ reads interrupt_poll_seconds with default 5.0 at massgen/backend/codex.py:",
    9: "no raise ValueError in LLMBackend.__init__",
    11: "HumanInputHook is registered as PreToolUse",
}


def test_behaviour_page_holds_for_the_installed_massgen(check):
    report = check(BEHAVIOUR_PAGE)
    assert report.failures == []
    assert len([f for f in report.findings if f.what == "claim"]) == 6


def test_each_behaviour_mutation_fails_at_its_line(mutated):
    package, index, _ = mutated
    source = MassGenSource(package, "checkout", str(package))
    report = check_markdown(BEHAVIOUR_PAGE, "docs/behaviour.md", index, source)
    failed = {f.line: f for f in report.failures}
    assert sorted(failed) == sorted(BEHAVIOUR_EXPECTED), [f.describe() for f in report.failures]
    for line, why in BEHAVIOUR_EXPECTED.items():
        assert failed[line].where == f"docs/behaviour.md:{line}"
        assert why in failed[line].describe(), failed[line].describe()

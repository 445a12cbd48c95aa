"""Each kind of reference, with a true and a false case, plus the rules that ignore non-MassGen spans."""

from __future__ import annotations

import pytest

from massgen_guide.checks.claims.classify import Ignored, Reference, classify

TRUE_AND_FALSE = [
    # (kind, true span, false span, expected closest name for the false span)
    ("path", "`massgen/backend/base.py`", "`massgen/backend/bsae.py`", "massgen/backend/base.py"),
    ("path", "`massgen/mcp_tools/native_hook_adapters/`", "`massgen/mcp_tools/hooks/`", "massgen/mcp_tools/hooks.py"),
    ("path", "`massgen/cli/backends.py`", "`massgen/cli.py`", "massgen/cli/"),
    ("path", "`massgen/backend/<name>.py`", "`massgen/backends/<name>.py`", ""),
    ("file name", "`claude_code.py`", "`claude_kode.py`", "massgen/backend/claude_code.py"),
    ("module", "`massgen.backend.base.StreamChunk`", "`massgen.backend.base.StreamChunky`", "massgen.backend.base.StreamChunk"),
    ("class", "`ClaudeCodeBackend`", "`ClaudeCodeBackends`", "ClaudeCodeBackend"),
    ("member", "`LLMBackend.stream_with_tools`", "`LLMBackend.stream_with_tool`", "LLMBackend.stream_with_tools"),
    ("member", "`HookType.PRE_TOOL_USE`", "`HookType.PRE_TOOL_USES`", "HookType.PRE_TOOL_USE"),
    ("member", "`StreamChunk.reasoning_delta`", "`StreamChunk.reasoning_deltas`", "StreamChunk.reasoning_delta"),
    ("function", "`get_multimodal_tool_definitions()`", "`get_multimodal_tools_definition()`",
     "get_multimodal_tool_definitions"),
    ("name", "`_update_token_usage_from_api_response`", "`_update_token_usage_from_api_reply`",
     "_update_token_usage_from_api_response"),
    ("constant", "`BASE_EXCLUDED_CONFIG_PARAMS`", "`BASE_EXCLUDED_CONFIG_PARAM`", "BASE_EXCLUDED_CONFIG_PARAMS"),
    ("constant", "`OPENAI_API_KEY`", "`OPENAI_API_KEYS`", "OPENAI_API_KEY"),
    ("config key", "`enable_multimodal_tools: true`", "`enable_multimodal_toolz: true`", "enable_multimodal_tools"),
    ("chunk type", "`\"reasoning_summary_done\"`", "`\"reasoning_summary_finished\"`", "reasoning_summary_done"),
]


@pytest.mark.parametrize("kind,true_span,false_span,closest", TRUE_AND_FALSE,
                         ids=[f"{k}:{t}" for k, t, _, _ in TRUE_AND_FALSE])
def test_reference_true_and_false(check, kind, true_span, false_span, closest):
    page = f"# A page\n\nThe chunk {true_span} is named here.\n\nThe chunk {false_span} is named here.\n"
    report = check(page)
    good = [f for f in report.findings if f.line == 3]
    bad = [f for f in report.findings if f.line == 5]
    assert [f.kind for f in good] == [kind] and [f.status for f in good] == ["verified"], good
    assert [f.kind for f in bad] == [kind] and [f.status for f in bad] == ["failed"], bad
    assert bad[0].where == "docs/synthetic.md:5"
    assert closest in bad[0].suggestion
    assert good[0].evidence.startswith("massgen/")


def test_chunk_type_needs_a_chunk_context(check):
    report = check('The value `"content"` is a chunk type.\n\nThe value `"contentx"` is just a value.\n')
    assert [(f.line, f.kind, f.status) for f in report.findings] == [(1, "chunk type", "verified")]
    assert report.ignored["quoted"] == 1


def test_chunk_type_table_context(check):
    page = "StreamChunk types:\n\n| Type | When |\n|---|---|\n| `\"content\"` | text |\n| `\"compression_stats\"` | x |\n"
    report = check(page)
    assert [(f.line, f.status) for f in report.findings] == [(5, "verified"), (6, "failed")]


def test_repo_only_paths_cannot_be_checked_in_a_package(check):
    report = check("Run `scripts/test_hook_backends.py` and read `docs/source/user_guide/backends.rst`.\n")
    assert [f.status for f in report.findings] == ["cannot check", "cannot check"]
    assert report.failures == []


def test_paths_inside_commands_are_checked(check):
    report = check("Run `uv run pytest massgen/tests/test_backend_capabilities.py -v` and "
                   "`uv run pytest massgen/tests/test_no_such_file.py`.\n")
    assert [(f.text, f.status) for f in report.findings] == [
        ("massgen/tests/test_backend_capabilities.py", "verified"), ("massgen/tests/test_no_such_file.py", "failed")]


def test_code_fences_are_not_checked(check):
    page = "Text.\n\n```python\nx = `NoSuchThing`\n```\n\n~~~\n`AlsoNothing`\n~~~\n\nAnd `NoSuchClassAfter`.\n"
    report = check(page)
    assert [(f.line, f.text, f.status) for f in report.findings] == [(11, "NoSuchClassAfter", "failed")]


def test_historical_mention_is_not_a_failure(check):
    report = check("The skill file still points at `massgen/cli.py`, which is no longer there.\n")
    assert [f.status for f in report.findings] == ["cannot check"]
    assert "does not exist" in report.findings[0].message


@pytest.mark.parametrize("span,rule", [
    ("True", "literal"), ("None", "literal"), ("42", "literal"),
    ("massgen-guide claims --format json", "ours"), ("dev.py", "ours"), ("snippets/fake_cli.py", "ours"),
    ("MASSGEN_SOURCE", "ours"),
    ("<name>", "placeholder"), ("YourBackend", "placeholder"), ("YOUR_API_KEY", "placeholder"),
    ("python3 -m pip install x", "command"), ("--e2e", "flag"), ("@abstractmethod", "decorator"),
    ("content", "plain-word"), ("Path", "external-name"), ("os.getenv", "expression"),
    ("AGENTS.md", "other-file"), (".codex/config.toml", "not-massgen-path"), ("finally:", "keyword"),
    ('"none"', "quoted"),
])
def test_ignore_rules(span, rule):
    items = classify(span, context="a line")
    assert len(items) == 1 and isinstance(items[0], Ignored), items
    assert items[0].rule == rule


def test_ignore_rules_on_a_page(check):
    report = check("LiteLLM's `completion_cost` prices it; search for `native_hook`; "
                   "`site_url` in `mkdocs.yml` is ours.\n")
    assert report.findings == []
    assert report.ignored["external-owner"] == 1
    assert report.ignored["search-term"] == 1
    assert report.ignored["ours"] >= 1


@pytest.mark.parametrize("span,kind,target", [
    ("self.start_api_call_timing(self.model)", "function", "start_api_call_timing"),
    ("LLMBackend.stream_with_tools()", "member", "LLMBackend.stream_with_tools"),
    ("StreamChunk(type=\"content\")", "class", "StreamChunk"),
    ("massgen/backend/base.py:313", "path", "massgen/backend/base.py"),
    ("self.cwd", "name", "cwd"),
])
def test_normalisation(span, kind, target):
    items = classify(span)
    assert items == [Reference(span, kind, target)]


def test_names_from_the_guides_own_example_code(check):
    report = check("The example's `SkylineBackend` and `NimbusBackend`, but not `NimbusBackendz`.\n")
    found = {f.text: f for f in report.findings}
    assert found["SkylineBackend"].status == "verified" and found["SkylineBackend"].evidence.startswith("snippets/")
    assert "own example code" in found["SkylineBackend"].message
    assert found["NimbusBackend"].status == "verified"
    assert found["NimbusBackendz"].status == "failed"


def test_a_suggestion_is_worked_out_only_for_a_failure_that_is_shown(check, monkeypatch):
    from massgen_guide.checks.claims import references

    searched: list[str] = []
    real_closest = references._closest

    def closest(word, candidates, n=1):
        searched.append(word)
        return real_closest(word, candidates, n)

    monkeypatch.setattr(references, "_closest", closest)
    # `NimbusBackend` is not MassGen's: it fails there first, then is found in the guide's own snippets.
    ours = check("# A page\n\nThe class `NimbusBackend` streams from the fake provider.\n")
    assert [f.status for f in ours.findings] == ["verified"] and searched == []
    shown = check("# A page\n\nThe class `ClaudeCodeBackendz` is named here.\n")
    assert [f.suggestion.split(" ")[0] for f in shown.findings] == ["ClaudeCodeBackend"]
    assert searched == ["ClaudeCodeBackendz"]

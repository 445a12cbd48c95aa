"""Cross-references from prose to API entries; the `massgen-guide facts` command."""

from __future__ import annotations

import json
from pathlib import Path

from massgen_guide.checks.api_blocks import api_blocks, api_index, check_api_blocks, link_inline_code
from massgen_guide.cli import main
from massgen_guide.site import build_facts as site_facts

ROOT = Path(__file__).resolve().parents[2]
API = (ROOT / "docs/reference/api.md").read_text(encoding="utf-8")


def test_api_blocks_are_parsed_with_their_members() -> None:
    blocks = {b.identifier: b for b in api_blocks(API)}
    llm = blocks["massgen.backend.base.LLMBackend"]
    assert "record_first_token" in llm.members and "_estimate_token_usage" in llm.members
    assert blocks["massgen.backend.base.StreamChunk"].no_members
    assert blocks["massgen.cli.backends.create_backend"].members is None


def test_api_page_blocks_exist_in_massgen(installed_facts) -> None:
    assert check_api_blocks(API, "reference/api.md", installed_facts) == []
    bad = "::: massgen.backend.base.NoSuchThing\n\n::: massgen.backend.base.LLMBackend\n    options:\n      members:\n        - nope\n"
    assert check_api_blocks(bad, "x.md", installed_facts) == [
        "docs/x.md:1: API entry `massgen.backend.base.NoSuchThing` not found in MassGen (installed)",
        "docs/x.md:3: API entry `massgen.backend.base.LLMBackend` lists member `nope`, which MassGen (installed) "
        "does not have",
    ]


def test_inline_code_links_to_rendered_entries_only(installed_facts) -> None:
    index = api_index({"reference/api.md": API}, installed_facts)
    text = (
        "Yield `StreamChunk` objects from `LLMBackend.stream_with_tools` and call `record_first_token()`.\n"
        "`set_planning_mode` is not rendered; `ChatCompletionsBackend` neither; [see `StreamChunk`](x.md).\n"
        "Already linked: [`StreamChunk`][massgen.backend.base.StreamChunk]. Full path: `massgen.cli.backends.create_backend`.\n"
        "## `StreamChunk` in a heading\n"
        "```python\nx = `StreamChunk`\n```\n"
        '!!! note "About `StreamChunk`"\n'
        "    Inside an admonition: `StreamChunk`.\n"
    )
    out = link_inline_code(text, index).splitlines()
    assert out[0] == ("Yield [`StreamChunk`][massgen.backend.base.StreamChunk] objects from "
                      "[`LLMBackend.stream_with_tools`][massgen.backend.base.LLMBackend.stream_with_tools] and call "
                      "[`record_first_token()`][massgen.backend.base.LLMBackend.record_first_token].")
    assert out[1] == "`set_planning_mode` is not rendered; `ChatCompletionsBackend` neither; [see `StreamChunk`](x.md)."
    assert out[2] == ("Already linked: [`StreamChunk`][massgen.backend.base.StreamChunk]. Full path: "
                      "[`massgen.cli.backends.create_backend`][massgen.cli.backends.create_backend].")
    assert out[3:7] == ["## `StreamChunk` in a heading", "```python", "x = `StreamChunk`", "```"]
    assert out[7] == '!!! note "About `StreamChunk`"'
    assert out[8] == "    Inside an admonition: [`StreamChunk`][massgen.backend.base.StreamChunk]."
    # Generated HTML: a table row's or a list item's code becomes an autorefs element; other HTML is left alone.
    html = ("<tr><td><code>StreamChunk</code></td></tr>\n<li><code>docs/a.md</code><ul>\n"
            "<li>reference <code>massgen.cli.backends.create_backend</code>: gone</li>\n"
            "<p><code>StreamChunk</code></p>\n")
    assert link_inline_code(html, index).splitlines() == [
        '<tr><td><autoref identifier="massgen.backend.base.StreamChunk"><code>StreamChunk</code></autoref></td></tr>',
        "<li><code>docs/a.md</code><ul>",
        '<li>reference <autoref identifier="massgen.cli.backends.create_backend"><code>'
        "massgen.cli.backends.create_backend</code></autoref>: gone</li>",
        "<p><code>StreamChunk</code></p>"]
    # A generated HTML block (`html=True`): every line is HTML, and backticks are text.
    assert link_inline_code("<p><code>StreamChunk</code> and `StreamChunk`</p>\n", index, html=True) == (
        '<p><autoref identifier="massgen.backend.base.StreamChunk"><code>StreamChunk</code></autoref> and '
        "`StreamChunk`</p>\n")
    # A short name defined by two rendered classes is ambiguous: not linked (the qualified form is).
    assert index.resolve("extract_tool_name") is None
    assert index.resolve("FormatterBase.extract_tool_name") == \
        "massgen.formatter._formatter_base.FormatterBase.extract_tool_name"


def test_extra_massgen_source_in_the_config(monkeypatch, tmp_path) -> None:
    # set, then removed: monkeypatch records it, so the value `prepare` sets is undone after the test (it leaked into
    # the later tests of the process: the audit hook's subprocesses read the installed MassGen instead of their tree)
    monkeypatch.setenv("MASSGEN_SOURCE", "")
    monkeypatch.delenv("MASSGEN_SOURCE")
    monkeypatch.setenv("GUIDE_GENERATION", "off")
    site_facts.prepare({"extra": {"massgen_source": "installed"}, "plugins": None})
    import os

    assert os.environ["MASSGEN_SOURCE"] == "installed"


def test_facts_command(capsys) -> None:
    assert main(["facts", "--json", "--check"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"]["version"] == "0.1.97"
    assert data["problems"] == []
    assert data["chunk_types"]["content"]["status"] == "both"
    assert "record_first_token" not in data  # a summary, not the API
    assert len(data["backend_modules"]) == 16 and data["filesystem_support"] == ["NONE", "NATIVE", "MCP"]
    assert main(["facts"]) == 0
    text = capsys.readouterr().out
    assert "chunk types: " in text and "problems: 0" in text

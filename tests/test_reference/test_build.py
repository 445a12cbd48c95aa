"""The reference pages built for real (MkDocs, strict): the tables and API entries render (read from the whole
site's one strict build, `built_site`), and changes to MassGen break the build with a message naming the page and
the thing (each broken build has only the page under test real, every other page stubbed)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_mkdocs_build
from tests.test_facts.facts_helpers import copy_massgen, edit, isolated_site


def _errors(result) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("ERROR", "WARNING"))]


def test_api_page_renders_every_listed_entry(built_site: Path, facts) -> None:
    html = (built_site / "reference/api/index.html").read_text()
    for identifier in ("massgen.backend.base.LLMBackend.stream_with_tools",
                       "massgen.backend.base.LLMBackend._update_token_usage_from_api_response",
                       "massgen.backend.base.LLMBackend.record_first_token",
                       "massgen.backend.base.StreamChunk", "massgen.cli.backends.create_backend",
                       "massgen.backend.base.get_multimodal_tool_definitions",
                       "massgen.backend.base.parse_workflow_tool_calls",
                       "massgen.backend._streaming_buffer_mixin.StreamingBufferMixin._append_to_streaming_buffer",
                       "massgen.formatter._formatter_base.FormatterBase.format_messages",
                       "massgen.api_params_handler._api_params_handler_base.APIParamsHandlerBase.build_api_params",
                       "massgen.backend.native_tool_mixin.NativeToolBackendMixin.get_disallowed_tools",
                       "massgen.mcp_tools.native_hook_adapters.base.NativeHookAdapter.convert_hook_to_native",
                       "massgen.mcp_tools.custom_tools_server.build_server_config",
                       "massgen.mcp_tools.custom_tools_server.write_tool_specs",
                       "massgen.backend.capabilities.BackendCapabilities"):
        assert f'id="{identifier}"' in html, identifier
        assert facts.find(identifier) is not None
    # Only the chosen LLMBackend members are shown.
    assert 'id="massgen.backend.base.LLMBackend.set_planning_mode"' not in html


def test_reference_pages_render_tables_and_links(built_site: Path) -> None:
    # `<wbr>` marks where table code may wrap (massgen_guide/site/html_breaks.py); it adds no text.
    chunks_html = (built_site / "reference/stream-chunks/index.html").read_text().replace("<wbr>", "")
    assert "https://github.com/massgen/MassGen/blob/v0.1.97/massgen/backend/base.py#L67" in chunks_html
    assert "<code>compression_status</code>" in chunks_html and "emitted only" in chunks_html
    # Inline code naming an API entry links to it.
    assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="\.\./api/#massgen\.backend\.base\.StreamChunk"',
                     chunks_html)
    backends_html = (built_site / "reference/reference-backends/index.html").read_text()
    assert "massgen/backend/chat_completions.py" in backends_html
    registries_html = (built_site / "reference/enums-and-registries/index.html").read_text()
    assert "<code>PRE_TOOL_USE</code>" in registries_html and "<code>claude_code</code>" in registries_html


def test_mutated_massgen_fails_the_build(tmp_path: Path) -> None:
    tree = copy_massgen(tmp_path / "MassGen")
    edit(tree, "massgen/backend/base.py", "def record_first_token(self)", "def record_first_output_token(self)")
    config = isolated_site(tmp_path / "api", own_pages=("reference/api.md",))
    result = run_mkdocs_build(tmp_path / "site", config=config, env={"MASSGEN_SOURCE": str(tree)})
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    errors = _errors(result)
    assert errors[:-1] == ["ERROR   -  Error reading page 'reference/api.md':"], errors
    assert re.search(r"docs/reference/api\.md:\d+: API entry `massgen\.backend\.base\.LLMBackend` lists member "
                     r"`record_first_token`, which MassGen \(.*\) does not have", errors[-1]), errors[-1]

    edit(tree, "massgen/backend/base.py", "def record_first_output_token(self)", "def record_first_token(self)")
    edit(tree, "massgen/backend/grok.py", '        return "Grok"\n',
         '        return "Grok"\n\n    def _teleport(self):\n        return StreamChunk(type="teleport_status")\n')
    config = isolated_site(tmp_path / "chunks", own_pages=("reference/stream-chunks.md",))
    result = run_mkdocs_build(tmp_path / "site", config=config, env={"MASSGEN_SOURCE": str(tree)})
    errors = _errors(result)
    assert result.returncode != 0 and errors[:-1] == ["ERROR   -  Error reading page 'reference/stream-chunks.md':"]
    assert re.search(r"docs/reference/stream-chunks\.md:\d+: guide:chunk-types: docs/reference/stream-chunks\.md: "
                     r"chunk type `teleport_status` \(massgen/backend/grok\.py:\d+\) has no explanation", errors[-1])


def test_unresolved_autoref_fails_the_strict_build(tmp_path: Path) -> None:
    # A real MassGen method, but one the API page does not render: autorefs cannot resolve it.
    page = "# Home\n\nSee [this method][massgen.backend.base.LLMBackend.set_planning_mode].\n"
    result = run_mkdocs_build(tmp_path / "site", config=isolated_site(tmp_path, extra_pages={"index.md": page},
                                                                          own_pages=("reference/api.md",)))
    assert result.returncode != 0
    errors = _errors(result)
    assert any("massgen.backend.base.LLMBackend.set_planning_mode" in e for e in errors), errors


def test_listing_sites_gained_or_lost_fail_the_build(tmp_path: Path) -> None:
    """The strict build stops on a listing site MassGen gains that the data file does not explain, and on an
    explained site that MassGen no longer has."""
    tree = copy_massgen(tmp_path / "MassGen")
    edit(tree, "massgen/utils/model_matcher.py", "\ndef ", '\nNEW_PROVIDER_LABELS = {"claude": "C", '
         '"openai": "O", "grok": "G", "gemini": "G2"}\n\n\ndef ')
    config = isolated_site(tmp_path, own_pages=("reference/listing-sites.md",))
    result = run_mkdocs_build(tmp_path / "site", config=config, env={"MASSGEN_SOURCE": str(tree)})
    errors = _errors(result)
    assert result.returncode != 0 and errors[:-1] == ["ERROR   -  Error reading page 'reference/listing-sites.md':"]
    assert re.search(r"docs/reference/listing-sites\.md:\d+: guide:listing-sites: docs/reference/listing-sites\.md: "
                     r"MassGen lists providers at massgen/utils/model_matcher\.py:\d+ \(dict `NEW_PROVIDER_LABELS`\), "
                     r"which massgen_guide/data/listing_sites\.yaml does not explain", errors[-1]), errors[-1]

    edit(tree, "massgen/utils/model_matcher.py", 'NEW_PROVIDER_LABELS = {"claude": "C", "openai": "O", "grok": "G", '
         '"gemini": "G2"}\n', "")
    # the headless quickstart's priority list keeps two types: below the threshold, no longer a listing site
    edit(tree, "massgen/config_builder.py", '    ("grok", "grok-4.20-0309-reasoning"),\n', "")
    edit(tree, "massgen/config_builder.py", '    ("gemini", "gemini-3-flash-preview"),\n', "")
    result = run_mkdocs_build(tmp_path / "site", config=config, env={"MASSGEN_SOURCE": str(tree)})
    errors = _errors(result)
    assert result.returncode != 0 and errors[:-1] == ["ERROR   -  Error reading page 'reference/listing-sites.md':"]
    assert ("massgen_guide/data/listing_sites.yaml explains listing site "
            "`massgen/config_builder.py::<module>::HEADLESS_BACKEND_PRIORITY`, which MassGen no longer has") in errors[-1]

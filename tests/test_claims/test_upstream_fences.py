"""The upstream skill file's code fences and the relations its sentences and table rows state, checked; a copy of
the file with planted wrong names turns each red at its line, with what the code says instead."""

from __future__ import annotations

import pytest

from massgen_guide.checks.claims.report import markdown_upstream
from massgen_guide.checks.claims.upstream import check_upstream


@pytest.fixture(scope="module")
def upstream(source, index):
    return check_upstream(source, index)


def _by(report, what, text):
    return [f for f in report.findings if f.what == what and f.text == text]


def test_fences_are_read(upstream):
    fences = [f for f in upstream.findings if f.what == "fence"]
    kinds = {f.kind for f in fences}
    assert kinds == {"import", "method", "keyword", "path"}
    ok = {(f.kind, f.text) for f in fences if f.status == "verified"}
    assert ("import", "from .base import get_multimodal_tool_definitions") in ok
    assert ("method", "self.start_api_call_timing()") in ok
    assert ("method", "self._custom_tool_manager.fetch_tool_schemas()") in ok  # self._custom_tool_manager: ToolManager
    assert any(k == "keyword" and t.startswith("BackendCapabilities(backend_type, provider_name") for k, t in ok)
    assert any(k == "keyword" and t.startswith("build_server_config(tool_specs_path") for k, t in ok)
    failed = [f.describe() for f in fences if f.status == "failed"]
    assert failed == ["massgen/skills/backend-integrator/SKILL.md:750: fence `massgen/mcp_tools/hooks/` (path): no such "
                      "folder in massgen 0.1.97; closest: massgen/mcp_tools/hooks.py"]
    s = upstream.summary()
    assert s["fences"] == len(fences) and s["fences_failed"] == 1


def test_sentences_and_rows_any_claim_kind_decides(upstream):
    got = {(f.kind, f.text): f.status for f in upstream.findings if f.what == "claim"}
    assert got[("default", "the default of field display of StreamChunk is True")] == "verified"
    assert got[("subclasses", "ChatCompletionsBackend subclasses CustomToolAndMCPBackend")] == "verified"
    assert got[("abstract", "get_tool_category_overrides is abstract")] == "verified"
    assert got[("abstract", "NativeToolBackendMixin.get_tool_category_overrides is abstract")] == "verified"
    assert got[("calls", "CustomToolAndMCPBackend calls get_multimodal_tool_definitions")] == "verified"
    assert got[("chunk-field", 'chunk type "reasoning_done" carries reasoning_text')] == "verified"
    # out of date: no "backend_status" chunk MassGen builds carries `detail`
    assert got[("chunk-field", 'chunk type "backend_status" carries detail')] == "failed"


PLANTS = [
    ("self.start_api_call_timing(self.model)", "self.start_api_timing(self.model)",
     "fence `self.start_api_timing()` (method): not defined on MassGen's backend base classes; closest: "
     "start_api_call_timing"),
    ("from .base import get_multimodal_tool_definitions", "from .base import get_multimodal_tools",
     "fence `from .base import get_multimodal_tools` (import): module massgen.backend.base defines no "
     "get_multimodal_tools"),
    ("self._custom_tool_manager.fetch_tool_schemas()", "self._custom_tool_manager.fetch_schemas()",
     "fence `self._custom_tool_manager.fetch_schemas()` (method): self._custom_tool_manager is a ToolManager "
     "(massgen/tool/_manager.py:"),
    ("        tool_specs_path=specs_path,", "        specs_file=specs_path,",
     "fence `build_server_config(specs_file=...)` (keyword): build_server_config takes no specs_file"),
    ('    provider_name="YourProvider",', '    provider="YourProvider",',
     "fence `BackendCapabilities(provider=...)` (keyword): BackendCapabilities takes no provider"),
    ('"massgen/tool/_basic"', '"massgen/tools/_basic"', "fence `massgen/tools/_basic` (path): no such file or folder"),
    ("`display` (bool, default True)", "`display` (bool, default False)",
     "the default of display in StreamChunk is True, not False"),
    ("`get_tool_category_overrides()` abstract method on `NativeToolBackendMixin`",
     "`get_provider_name()` abstract method on `NativeToolBackendMixin`",
     "NativeToolBackendMixin (massgen/backend/native_tool_mixin.py:"),
]


def test_planted_wrong_names_fail_at_their_lines(tmp_path, source, index):
    original = source.path_of("massgen/skills/backend-integrator/SKILL.md").read_text(encoding="utf-8")
    text, lines = original, {}
    for old, new, _ in PLANTS:
        assert original.count(old) >= 1, old
        lines[old] = text[: text.index(old)].count("\n") + 1
        text = text.replace(old, new, 1)
    copy = tmp_path / "SKILL.md"
    copy.write_text(text, encoding="utf-8")
    planted = check_upstream(source, index, path=copy)
    baseline = {f.describe() for f in check_upstream(source, index).failures}
    new = [f for f in planted.failures if f.describe() not in baseline]
    for old, _, why in PLANTS:
        hits = [f for f in new if f.line == lines[old] and why in f.describe()]
        assert hits, (old, [f.describe() for f in new if f.line == lines[old]])
    page = markdown_upstream(planted, source)
    assert "fence `self.start_api_timing()`" not in page  # the page names it in its own heading format
    assert "### `SKILL.md:" in page and "(fence)" in page

"""The audit on the pinned MassGen (0.1.97, installed). Each expectation below was checked by reading MassGen's
source; where a test computes a line number it reads the file itself instead of trusting the audit."""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from massgen_guide.audit.results import CANNOT_CHECK, MISSING, NOT_APPLICABLE, PASS
from massgen_guide.audit.auditor import Auditor, run_audit
from massgen_guide.facts.tree import Tree
from massgen_guide.source.selection import current_source, installed_package_dir

from .conftest import run_cli

PKG = installed_package_dir()


@lru_cache(maxsize=1)
def all_run():
    return run_audit(current_source(), None, all_types=True)


def report(backend_type: str):
    return next(r for r in all_run().reports if r.backend_type == backend_type)


def result(backend_type: str, point: str):
    return next(r for r in report(backend_type).results if r.point.id == point)


def line_in(rel: str, needle: str) -> int:
    lines = (PKG.parent / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_registered_types_are_create_backend_branches_and_capabilities() -> None:
    text = (PKG / "cli/backends.py").read_text(encoding="utf-8")
    branches = set(re.findall(r'backend_type == "([a-z_]+)"', text))
    caps_text = (PKG / "backend/capabilities.py").read_text(encoding="utf-8")
    caps = set(re.findall(r'^    "([a-z_0-9]+)": BackendCapabilities\(', caps_text, re.MULTILINE))
    assert {r.backend_type for r in all_run().reports} == branches | caps
    # in 0.1.97 two capability entries have no create_backend branch ("inference" is built as vllm/sglang,
    # "uitars" by nothing); ag2 is built by the adapter_registry branch
    assert caps - branches == {"ag2", "inference", "uitars"}
    assert branches - caps == set()


def test_claude_is_complete() -> None:
    rep = report("claude")
    assert rep.backend_class == "ClaudeBackend"
    assert rep.failures == []
    st = {r.point.id: r.status for r in rep.results}
    assert st["formatter"] == PASS and st["api-params-handler"] == PASS and st["streaming-buffer"] == PASS
    for native in ("native-tool-mixin", "disallowed-tools", "tool-category-overrides", "native-hook-adapter"):
        assert st[native] == NOT_APPLICABLE
    for repo_only in ("schema-docs", "user-guide-docs", "backend-tables", "hook-test-script"):
        assert st[repo_only] == CANNOT_CHECK  # the installed package has no docs/ or scripts/
    create = result("claude", "create-backend")
    assert create.evidence[0].path == "massgen/cli/backends.py"  # not massgen/cli.py, as the upstream skill says
    assert create.evidence[0].line == line_in("massgen/cli/backends.py", 'backend_type == "claude"')
    fmt = result("claude", "formatter")
    assert [e.location for e in fmt.evidence] == [
        f"massgen/backend/claude.py:{line_in('massgen/backend/claude.py', 'self.formatter = ClaudeFormatter()')}",
        f"massgen/formatter/_claude_formatter.py:{line_in('massgen/formatter/_claude_formatter.py', 'class ClaudeFormatter')}",
    ]
    pricing = result("claude", "pricing")
    # get_provider_name returns "Claude"; _normalize_provider maps it to the "Anthropic" key of PROVIDER_PRICING
    assert pricing.evidence[-1].note == 'PROVIDER_PRICING["Anthropic"]'


@pytest.mark.parametrize("backend_type", ["cerebras", "together", "groq", "fireworks", "qwen", "moonshot", "nvidia_nim"])
def test_chat_completions_providers_share_the_class_and_lack_a_config(backend_type: str) -> None:
    """The OpenAI-compatible providers are built as ChatCompletionsBackend; no shipped YAML uses their type
    (MassGen's configs use `type: chatcompletion` with a base_url instead)."""
    rep = report(backend_type)
    assert rep.backend_class == "ChatCompletionsBackend"
    assert result(backend_type, "backend-module").evidence[0].note == "class ChatCompletionsBackend (shared)"
    configs = [p for p in (PKG / "configs").rglob("*.yaml")
               if re.search(rf"^\s*type:\s*[\"']?{backend_type}[\"']?\s*$", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert configs == []
    # nvidia_nim's default model is not in LiteLLM's price map, and the name its base URL picks ("Nvidia NIM") is
    # not a PROVIDER_PRICING key
    assert {r.point.id for r in rep.failures} == {"example-configs"} | ({"pricing"} if backend_type == "nvidia_nim" else set())


def test_chatcompletion_passes() -> None:
    assert report("chatcompletion").failures == []
    assert result("chatcompletion", "example-configs").status == PASS


def test_codex() -> None:
    st = {r.point.id: r.status for r in report("codex").results}
    for point in ("native-tool-mixin", "disallowed-tools", "tool-category-overrides", "native-hook-adapter",
                  "stateful-contract", "workflow-tools", "docker-network-mode"):
        assert st[point] == PASS, point
    assert st["formatter"] == NOT_APPLICABLE and st["api-params-handler"] == NOT_APPLICABLE
    adapter = result("codex", "native-hook-adapter")
    assert adapter.evidence[1].note == "class CodexNativeHookAdapter(NativeHookAdapter)"
    rule = result("codex", "docker-network-mode")
    assert rule.evidence[0].line == line_in("massgen/config_validator.py", 'if backend_type == "codex":')
    # pricing: get_provider_name returns "codex", which PROVIDER_PRICING has no key for, and the default model
    # is not in LiteLLM's local price map
    default = re.search(r'"codex": BackendCapabilities\(.*?default_model="([^"]+)"',
                        (PKG / "backend/capabilities.py").read_text(encoding="utf-8"), re.DOTALL).group(1)
    import importlib.util
    from pathlib import Path

    litellm = Path(list(importlib.util.find_spec("litellm").submodule_search_locations)[0])
    prices = json.loads((litellm / "model_prices_and_context_window_backup.json").read_text(encoding="utf-8"))
    assert default not in prices
    assert {r.point.id for r in report("codex").failures} == {"pricing"}


def test_claude_code() -> None:
    rep = report("claude_code")
    st = {r.point.id: r.status for r in rep.results}
    # claude_code.py adds to self.token_usage itself instead of calling the helpers
    assert st["token-usage"] == PASS
    # it never calls start_api_call_timing: reported, but only recommended
    timing = result("claude_code", "api-timing")
    assert timing.status == MISSING and not timing.required
    # it reads command_line_execution_mode only to pick its disallowed tools; the SDK never runs in Docker
    assert st["docker-network-mode"] == NOT_APPLICABLE
    assert st["native-hook-adapter"] == PASS and st["stateful-contract"] == PASS


@pytest.mark.parametrize("backend_type", ["vllm", "sglang"])
def test_inference_backends_are_not_exported(backend_type: str) -> None:
    """create_backend builds InferenceBackend for vllm and sglang; massgen/backend/__init__.py does not export it."""
    exported = (PKG / "backend/__init__.py").read_text(encoding="utf-8")
    assert "InferenceBackend" not in exported
    assert report(backend_type).backend_class == "InferenceBackend"
    assert result(backend_type, "export").status == MISSING


def test_antigravity_cli_has_no_docker_network_rule() -> None:
    validator = (PKG / "config_validator.py").read_text(encoding="utf-8")
    assert 'backend_type == "antigravity_cli"' not in validator
    assert "_docker_execution" in (PKG / "backend/antigravity_cli.py").read_text(encoding="utf-8")
    assert result("antigravity_cli", "docker-network-mode").status == MISSING
    assert result("antigravity_cli", "docker-network-mode").required


def test_capability_only_types() -> None:
    assert result("inference", "create-backend").status == MISSING
    assert result("uitars", "backend-module").status == MISSING
    assert result("ag2", "create-backend").evidence[1].note == 'adapter_registry["ag2"]'


def test_cli_single_backend_exit_codes() -> None:
    ok = run_cli("claude")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    assert "summary: 26 pass, 0 missing, 11 not applicable, 4 cannot check; 0 required point(s) missing" in ok.stdout
    missing = run_cli("codex", "--format", "json")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["backends"][0]["missing_required"] == ["pricing"]


def test_known_types_include_adapter_aliases() -> None:
    auditor = Auditor(Tree(current_source()))
    assert "autogen" in auditor.known_types()
    assert "autogen" not in auditor.registered_types()


def test_optional_export_through_all_append() -> None:
    """massgen/backend/__init__.py imports AzureOpenAIBackend in a try block and appends it to __all__."""
    export = result("azure_openai", "export")
    assert export.status == PASS
    assert [e.line for e in export.evidence] == [
        line_in("massgen/backend/__init__.py", "from .azure_openai import AzureOpenAIBackend"),
        line_in("massgen/backend/__init__.py", '__all__.append("AzureOpenAIBackend")'),
    ]


@pytest.mark.parametrize("backend_type", ["codex", "gemini_cli", "antigravity_cli"])
def test_cli_backends_on_the_mcp_server_hook_route(backend_type: str) -> None:
    """The three CLI backends declare supports_mcp_server_hooks() -> True and define the four file methods; they
    also load an adapter, so the hook-adapter condition ("the tool can run hooks") holds for them."""
    mcp = result(backend_type, "mcp-server-hooks")
    assert mcp.status == PASS and mcp.required
    assert [e.note.split(".")[1] for e in mcp.evidence] == [
        "get_hook_dir", "write_post_tool_use_hook", "read_unconsumed_hook_content", "clear_hook_files"]
    assert mcp.detail.startswith("supports_mcp_server_hooks returns True (massgen/backend/")
    adapter = result(backend_type, "native-hook-adapter")
    assert adapter.status == PASS
    assert adapter.detail == "the backend loads a native hook adapter (its tool runs hooks)"


@pytest.mark.parametrize("backend_type", ["claude_code", "copilot"])
def test_sdk_backends_run_hooks_natively(backend_type: str) -> None:
    assert result(backend_type, "mcp-server-hooks").status == NOT_APPLICABLE
    assert result(backend_type, "mcp-server-hooks").detail == "no supports_mcp_server_hooks (not on the MCP-server hook route)"
    assert result(backend_type, "native-hook-adapter").status == PASS


def test_api_backends_need_no_adapter() -> None:
    adapter = result("claude", "native-hook-adapter")
    assert adapter.status == NOT_APPLICABLE
    assert adapter.detail.startswith("no native tools")

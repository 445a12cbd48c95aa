"""The CLI wrapper example end to end in MassGen's orchestrator: `massgen.run` coordinates one agent whose
backend is `FakeCliBackend`. The fake CLI reaches MassGen's workflow tools through the workflow-tools MCP server
(as a real MCP client): it answers with `new_answer`, votes with `vote` once answers exist, and the orchestrator
picks the final answer. Hermetic: a temp working directory, MCP over stdio, nothing beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest


def test_one_agent_coordination_through_the_workflow_mcp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                quiet_massgen) -> None:
    import massgen
    import massgen.cli.backends as backends

    from snippets.cli_wrapper_backend import WORKFLOW_SERVER, FakeCliBackend

    state = tmp_path / "state"
    built: list[FakeCliBackend] = []
    original = backends.create_backend

    def create_backend(backend_type: str, **kwargs):
        # MassGen's factory knows the registered types only; an integration adds a branch, the test patches it.
        if backend_type != "fake_cli":
            return original(backend_type, **kwargs)
        backend = FakeCliBackend(state_dir=state, scenario="tool", idle_timeout=60.0, model=kwargs["model"])
        built.append(backend)
        return backend

    monkeypatch.setattr(backends, "create_backend", create_backend)
    monkeypatch.chdir(tmp_path)
    config = {"agents": [{"id": "agent_a", "backend": {"type": "fake_cli", "model": "fake-model-1"}}],
              "ui": {"display_type": "simple", "logging_enabled": False}}
    result = asyncio.run(asyncio.wait_for(
        massgen.run(query="What is 2+2?", config_dict=config, enable_filesystem=False), timeout=240))

    assert len(built) == 1
    assert result["final_answer"] == "Four. (the fake CLI's answer)"
    assert result["selected_agent"] == "agent_a"
    assert result["vote_results"]["winner"] == "agent_a"
    assert result["usage"]["prompt_tokens"] > 0  # recorded through _update_token_usage_from_api_response

    # Every workflow call went through the MCP server: the CLI's config named it, the sessions record the tools.
    written = json.loads((state / "config.json").read_text())
    assert [s["name"] for s in written["mcp_servers"]] in ([WORKFLOW_SERVER], [])  # [] in the final presentation
    tools = [turn.get("tool") for path in sorted(state.glob("sess-*.json"))
             for turn in json.loads(path.read_text())["turns"]]
    assert tools[0] == "new_answer" and "vote" in tools

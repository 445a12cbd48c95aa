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

    from snippets.cli_wrapper_backend import CONFIG_DIR, WORKFLOW_SERVER, FakeCliBackend
    from snippets.fake_cli import ANSWER

    built: list[FakeCliBackend] = []
    original = backends.create_backend
    left: list[tuple[str, str]] = []  # (file name, text) of the config folder after each turn

    class Recorded(FakeCliBackend):
        """Keeps what each turn left in the config folder: MassGen clears the workspace between rounds."""

        async def stream_with_tools(self, messages, tools, **kwargs):
            async for chunk in super().stream_with_tools(messages, tools, **kwargs):
                yield chunk
            names = ["config.json", "hook_post_tool_use.json", f"{self.session_id}.json"]
            left.extend((n, (self.state_dir / n).read_text()) for n in names if (self.state_dir / n).exists())

    def create_backend(backend_type: str, **kwargs):
        # MassGen's factory knows the registered types only; an integration adds a branch, the test patches it.
        if backend_type != "fake_cli":
            return original(backend_type, **kwargs)
        backend = Recorded(scenario="tool", idle_timeout=120.0, **kwargs)
        built.append(backend)
        return backend

    monkeypatch.setattr(backends, "create_backend", create_backend)
    monkeypatch.chdir(tmp_path)
    # A workspace, and MassGen's command_line server for the shell work the wrapper denies the CLI
    backend_config = {"type": "fake_cli", "model": "fake-model-1", "cwd": "workspace",
                      "enable_mcp_command_line": True}
    # Snapshots of answers, and the temporary workspaces where an agent sees them
    orchestrator = {"snapshot_storage": "snapshots", "agent_temporary_workspace": "temp_workspaces"}
    config = {"agents": [{"id": "agent_a", "backend": backend_config}], "orchestrator": orchestrator,
              "ui": {"display_type": "simple", "logging_enabled": False}}
    result = asyncio.run(asyncio.wait_for(
        massgen.run(query="What is 2+2?", config_dict=config, enable_filesystem=False), timeout=240))

    assert len(built) == 1
    [backend] = built
    assert backend.state_dir == backend.workspace / CONFIG_DIR
    assert result["final_answer"] == ANSWER == "Four. (the fake CLI's answer)"
    assert result["selected_agent"] == "agent_a"
    assert result["vote_results"]["winner"] == "agent_a"
    assert result["usage"]["prompt_tokens"] > 0  # recorded through _update_token_usage_from_api_response

    # Every workflow call went through the MCP server: the CLI's config named it, the sessions record the tools.
    written = json.loads(next(text for name, text in left if name == "config.json"))
    servers = {s["name"]: s for s in written["mcp_servers"]}
    assert set(servers) - {WORKFLOW_SERVER} == {"filesystem", "workspace_tools", "command_line",
                                                  "massgen_custom_tools"}  # the workflow server: not in the final presentation
    # The MCP-server hook route: MassGen's custom-tools server gets the hook folder, and no payload was left over.
    assert servers["massgen_custom_tools"]["args"][-2:] == ["--hook-dir", str(backend.get_hook_dir())]
    assert "hook_post_tool_use.json" not in [name for name, _ in left]
    # the turn each recorded session file ended with (session ids repeat: the workspace is cleared between rounds)
    turns = [json.loads(text)["turns"][-1] for name, text in left if name.startswith("sess-")]
    tools = [turn.get("tool") for turn in turns]
    assert tools[0] == "new_answer" and "vote" in tools

    # The denied native shell: the answer file was written through MassGen's command_line server, never natively.
    assert written["denied_tools"] == ["shell"]
    calls = [call for turn in turns for call in turn.get("calls", [])]
    assert [(c["server"], c["tool"]) for c in calls] == [("command_line", "execute_command")]
    assert all(c["type"] != "command_execution" for c in calls)

    # The answer's snapshot, as the agent saw it in its temporary workspace when it voted: the deliverable is
    # there; the wrapper's folder is there exactly when MassGen's snapshot exclusions do not name it (the installed
    # MassGen does not; the scaffolded integration adds it, see test_cli_wrapper_workspace.py).
    [view] = [p for p in (tmp_path / "temp_workspaces").rglob("answer.txt")]
    assert view.read_text() == ANSWER
    import inspect

    from massgen.filesystem_manager import _filesystem_manager as fsm
    excluded = f'"{CONFIG_DIR}"' in inspect.getsource(fsm.FilesystemManager._copy_snapshots_to_temp_workspace_sync)
    assert (view.parent / CONFIG_DIR).exists() is not excluded

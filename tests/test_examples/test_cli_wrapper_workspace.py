"""The CLI wrapper example with a workspace: its config folder, the denied native shell, the MCP-server hook
route, and why MassGen's workspace-metadata lists must name the folder.

Two tests start one MassGen MCP server each (`command_line`, the custom-tools server); the others start none.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

PAYLOAD = "agent2 posted a new answer"


def brief(chunk: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(chunk).items() if v is not None and k != "display"}


def run_turn(backend: Any, prompt: str, on_first_chunk=None, timeout: float = 240.0) -> list[dict[str, Any]]:
    """One turn; `on_first_chunk(backend)` runs when the first chunk arrives (the CLI is running then)."""

    async def run() -> list[Any]:
        chunks = []
        async for chunk in backend.stream_with_tools([{"role": "user", "content": prompt}], []):
            if not chunks and on_first_chunk is not None:
                on_first_chunk(backend)
            chunks.append(chunk)
        return chunks

    return [brief(c) for c in asyncio.run(asyncio.wait_for(run(), timeout))]


def session_turns(backend: Any) -> list[dict[str, Any]]:
    return json.loads((backend.state_dir / f"{backend.session_id}.json").read_text())["turns"]


@pytest.fixture
def workspace_backend(quiet_massgen: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """FakeCliBackend with a `cwd`: LLMBackend builds its FilesystemManager (run in tmp_path, where MassGen may
    write relative paths)."""
    from snippets.cli_wrapper_backend import FakeCliBackend

    monkeypatch.chdir(tmp_path)

    def make(cls: type = FakeCliBackend, **kwargs: Any) -> Any:
        return cls(cwd=str(tmp_path / "workspace"), idle_timeout=120.0, **kwargs)

    return make


def test_config_folder_denied_shell_and_hook_dir_in_the_cli_config(workspace_backend, tmp_path: Path) -> None:
    from snippets.cli_wrapper_backend import CONFIG_DIR

    backend = workspace_backend(enable_mcp_command_line=True)
    workspace = (tmp_path / "workspace").resolve()
    assert backend.workspace == workspace
    assert backend.state_dir == backend.get_hook_dir() == workspace / CONFIG_DIR == workspace / ".fake_cli"
    assert backend.supports_mcp_server_hooks() is True
    chunks = run_turn(backend, "hello")
    assert chunks[-1]["type"] == "done"
    config = json.loads((workspace / CONFIG_DIR / "config.json").read_text())
    assert config["denied_tools"] == ["shell"] == backend.get_disallowed_tools(backend.config)
    servers = {s["name"]: s for s in config["mcp_servers"]}
    # LLMBackend's servers for a FilesystemSupport.MCP backend with a cwd, plus MassGen's custom-tools server
    assert list(servers) == ["filesystem", "workspace_tools", "command_line", "massgen_custom_tools"]
    assert servers["massgen_custom_tools"]["args"][-2:] == ["--hook-dir", str(workspace / CONFIG_DIR)]
    assert sorted(p.name for p in workspace.iterdir()) == [CONFIG_DIR]  # everything the CLI keeps is in there


def test_denied_shell_runs_through_massgens_command_line_server(workspace_backend, tmp_path: Path) -> None:
    from snippets.fake_cli import ANSWER

    backend = workspace_backend(scenario="file", enable_mcp_command_line=True)
    chunks = run_turn(backend, "save it")
    assert chunks[-1]["type"] == "done", chunks
    assert (tmp_path / "workspace" / "answer.txt").read_text() == ANSWER
    [call] = session_turns(backend)[0]["calls"]
    assert (call["type"], call["server"], call["tool"]) == ("mcp_tool_call", "command_line", "execute_command")
    assert json.loads(call["result"])["success"] is True


def test_denied_shell_without_massgens_server_fails_the_turn(workspace_backend, tmp_path: Path) -> None:
    backend = workspace_backend(scenario="file")  # no enable_mcp_command_line: no command_line server
    chunks = run_turn(backend, "save it")
    assert chunks[-1] == {"type": "error",
                          "error": "the CLI reported: shell is denied and no MCP server offers execute_command"}
    assert not (tmp_path / "workspace" / "answer.txt").exists()


def test_an_allowed_shell_is_the_clis_own(workspace_backend, tmp_path: Path) -> None:
    """The counterpart: a wrapper that denies nothing lets the CLI write with its own shell, which MassGen's path
    permissions never see."""
    from snippets.cli_wrapper_backend import FakeCliBackend
    from snippets.fake_cli import ANSWER

    class AllowingBackend(FakeCliBackend):
        def get_disallowed_tools(self, config: dict[str, Any]) -> list[str]:
            return []

    backend = workspace_backend(AllowingBackend, scenario="file")
    assert run_turn(backend, "save it")[-1]["type"] == "done"
    assert (tmp_path / "workspace" / "answer.txt").read_text() == ANSWER
    assert session_turns(backend)[0]["calls"] == [{"type": "command_execution", "tool": "shell", "exit": 0}]


def test_a_payload_flushed_mid_turn_reaches_the_cli_in_a_massgen_tool_result(workspace_backend) -> None:
    """What the orchestrator's flush does on a chunk: write_post_tool_use_hook. MassGen's custom-tools server,
    started by the CLI with --hook-dir, appends the payload to its next tool result and consumes the file."""
    backend = workspace_backend(scenario="hook")

    def flush(b: Any) -> None:  # the TTL is the turn's own bound, so a slow server start does not expire it
        b.write_post_tool_use_hook(PAYLOAD, ttl_seconds=b.turn_timeout)

    chunks = run_turn(backend, "any news?", on_first_chunk=flush)
    assert chunks[-1]["type"] == "done", chunks
    [call] = session_turns(backend)[0]["calls"]
    assert (call["server"], call["tool"]) == ("massgen_custom_tools", "custom_tool__list_background_tools")
    assert call["result"].endswith("\n" + PAYLOAD)  # the middleware's TextContent, after the tool's own result
    assert PAYLOAD in "".join(c.get("content", "") for c in chunks)  # the model read it
    assert not (backend.get_hook_dir() / "hook_post_tool_use.json").exists()
    assert backend.read_unconsumed_hook_content() is None  # nothing to carry into the next round


def test_a_payload_no_tool_consumed_is_read_back_once(workspace_backend) -> None:
    backend = workspace_backend()  # text scenario: the CLI calls no MassGen server

    def flush(b: Any) -> None:
        b.write_post_tool_use_hook(PAYLOAD, ttl_seconds=b.turn_timeout)

    assert run_turn(backend, "hello", on_first_chunk=flush)[-1]["type"] == "done"
    payload = json.loads((backend.get_hook_dir() / "hook_post_tool_use.json").read_text())
    assert (payload["inject"], payload["tool_matcher"], payload["sequence"]) == (
        {"content": PAYLOAD, "strategy": "tool_result"}, "*", 1)
    assert backend.read_unconsumed_hook_content() == PAYLOAD  # the orchestrator carries it into the next round
    assert backend.read_unconsumed_hook_content() is None

    backend.write_post_tool_use_hook("too late", ttl_seconds=-1)  # already expired
    assert backend.read_unconsumed_hook_content() is None

    backend.write_post_tool_use_hook("from an earlier turn", ttl_seconds=backend.turn_timeout)
    run_turn(backend, "again")  # clear_hook_files when a turn starts
    assert backend.read_unconsumed_hook_content() is None


def test_an_unlisted_config_folder_is_copied_into_every_peers_view(quiet_massgen: Any, tmp_path: Path) -> None:
    """Why the integration adds CONFIG_DIR to the two lists in MassGen's filesystem manager (the scaffolder does;
    the scaffolded test checks the lists on the edited copy). The installed MassGen does not list it: a workspace
    holding only the folder counts as work, and the folder travels with the snapshot into other agents' views."""
    from types import SimpleNamespace

    from massgen.filesystem_manager import _filesystem_manager as fsm

    from snippets.cli_wrapper_backend import CONFIG_DIR

    snapshot = tmp_path / "snapshot"
    (snapshot / CONFIG_DIR).mkdir(parents=True)
    (snapshot / CONFIG_DIR / "sess-1.json").write_text("{}")
    (snapshot / ".codex").mkdir()  # a listed folder, for comparison
    assert CONFIG_DIR not in fsm._WORKSPACE_METADATA_DIRS
    assert fsm.has_meaningful_content(snapshot) is True
    (snapshot / "answer.txt").write_text("4")

    peer = SimpleNamespace(agent_temporary_workspace=tmp_path / "temp",
                           _normalize_media_call_ledger_paths=lambda **_: None)
    view = fsm.FilesystemManager._copy_snapshots_to_temp_workspace_sync(peer, {"agent_a": snapshot},
                                                                        {"agent_a": "agent1"})
    assert sorted(p.name for p in (view / "agent1").iterdir()) == [CONFIG_DIR, "answer.txt"]

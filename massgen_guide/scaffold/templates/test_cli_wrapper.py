"""Offline tests of the {{name}} backend ({{Provider}}, a CLI wrapper), driving the fake
CLI beside this file.

Written by `massgen-guide new {{name}} --kind cli-wrapper`; they use only MassGen,
pytest and the standard library.
The fake CLI (massgen/tests/fake_{{name_cli}}.py) stands in for the real one: replace it
when you wire up yours.
"""

from __future__ import annotations

import asyncio

import pytest

from massgen.backend.capabilities import BACKEND_CAPABILITIES
from massgen.cli.backends import create_backend


def _collect(backend, messages, tools=()) -> list:
    async def run() -> list:
        return [
            chunk async for chunk in backend.stream_with_tools(messages, list(tools))
        ]

    return asyncio.run(asyncio.wait_for(run(), timeout=60))


# ADAPT: state_dir, scenario and fault are the example's options
def _backend(tmp_path, **extra):
    return create_backend(
        "{{name}}", model="{{model}}", state_dir=str(tmp_path), idle_timeout=20, **extra
    )


def test_registered() -> None:
    caps = BACKEND_CAPABILITIES["{{name}}"]
    assert caps.env_var {{env_var_is}}
    assert caps.default_model in caps.models


def test_streams_text_and_resumes_the_session(tmp_path) -> None:
    backend = _backend(tmp_path)
    assert backend.is_stateful()
    chunks = _collect(
        backend,
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    )
    assert [c for c in chunks if c.type == "error"] == []
    assert "".join(c.content or "" for c in chunks if c.type == "content")
    assert chunks[-1].type == "done"
    first = backend.session_id
    assert first
    _collect(backend, [{"role": "user", "content": "Again"}])
    assert backend.session_id == first  # the second turn resumed the same CLI session


def test_a_failing_cli_is_one_error_chunk(tmp_path) -> None:
    chunks = _collect(
        _backend(tmp_path, fault="exit"), [{"role": "user", "content": "Hi"}]
    )
    assert [c.type for c in chunks][-1] == "error"


@pytest.mark.parametrize("scenario", ["reasoning", "tool"])
def test_scenarios(tmp_path, scenario) -> None:
    chunks = _collect(
        _backend(tmp_path, scenario=scenario),
        [{"role": "user", "content": "Weather in Paris?"}],
    )
    types = {c.type for c in chunks}
    assert ("reasoning" if scenario == "reasoning" else "tool_calls") in types
    assert "error" not in types


def test_the_config_folder_is_workspace_metadata(tmp_path) -> None:
    """The folder the backend writes into its workspace is in both lists of the filesystem manager: a workspace
    holding only that folder counts as empty, and the folder stays out of other agents' views of an answer."""
    from types import SimpleNamespace

    from massgen.backend.{{name}} import CONFIG_DIR
    from massgen.filesystem_manager import _filesystem_manager as fsm

    snapshot = tmp_path / "snapshot"
    (snapshot / CONFIG_DIR).mkdir(parents=True)
    (snapshot / CONFIG_DIR / "config.json").write_text("{}")
    assert fsm.has_meaningful_content(snapshot) is False
    (snapshot / "answer.txt").write_text("4")
    peer = SimpleNamespace(agent_temporary_workspace=tmp_path / "temp",
                           _normalize_media_call_ledger_paths=lambda **_: None)
    view = fsm.FilesystemManager._copy_snapshots_to_temp_workspace_sync(peer, {"a": snapshot}, {"a": "agent1"})
    assert sorted(p.name for p in (view / "agent1").iterdir()) == ["answer.txt"]

"""Conformance tests for a CLI wrapper: the guide's `FakeCliBackend` driving
`snippets/fake_cli.py`.

A wrapper has no HTTP provider to script. Its factory passes options that make the fake
program play each
scenario, and the `tool_call` scenario is played the way a wrapper meets tools in
MassGen: through a
workflow tool (`new_answer`), which the kit passes as `tools` and the fake CLI calls.
Run with: python -m pytest snippets/test_conformance_cli_example.py
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# --8<-- [start:import]
# Inside MassGen's own test suite the kit is optional: MassGen cannot depend on this
# guide's package.
conformance = pytest.importorskip("massgen_guide.examples.conformance")
# --8<-- [end:import]

# --8<-- [start:class]
# MassGen's workflow tool, as the orchestrator passes it to stream_with_tools
NEW_ANSWER = {
    "type": "function",
    "function": {
        "name": "new_answer",
        "description": "Provide a new answer to the task.",
        "parameters": {
            "type": "object",
            "properties": {"content": {"type": "string"}},
            "required": ["content"],
        },
    },
}


class TestFakeCliConformance(conformance.BackendConformanceTests):
    @property
    def backend_class(self) -> type:
        from snippets.cli_wrapper_backend import (
            FakeCliBackend,
        )  # imported when a test runs

        return FakeCliBackend

    @property
    def capabilities(
        self,
    ) -> Any:  # not registered in MassGen: check against the wrapper's own entry
        from snippets.cli_wrapper_backend import CAPABILITIES

        return CAPABILITIES

    supports_reasoning = True
    is_stateful = True
    tools = [
        NEW_ANSWER
    ]  # the kit's default is a get_weather function, which a CLI never receives
    # the tool_call turn starts MassGen's workflow-tools MCP server (a few seconds)
    stream_timeout = 60.0

    @pytest.fixture
    def backend_factory(self, tmp_path: Path):
        def make(scenario: str, turns: int = 1) -> Any:
            options = {
                "text": {},
                "tool_call": {"scenario": "tool"},
                "reasoning": {"scenario": "reasoning"},
                "failure": {"fault": "exit"},
            }[scenario]
            state = tmp_path / "state"
            state.mkdir(exist_ok=True)
            return self.backend_class(state_dir=state, idle_timeout=30.0, **options)

        return make

    def session_marker(self, backend: Any) -> str | None:
        return backend.session_id

    def test_tool_call_stream(self, backend_factory) -> None:
        """The kit's check, plus: the call reported is the workflow tool the wrapper was
        given (one run of the
        CLI, which starts MassGen's workflow-tools MCP server)."""
        import asyncio

        backend = backend_factory("tool_call")
        chunks = asyncio.run(
            conformance.collect_stream(
                backend, self.messages, self.tools, timeout=self.stream_timeout
            )
        )
        conformance.validate_stream(chunks)
        calls = [
            call
            for chunk in chunks
            if chunk.type == "tool_calls"
            for call in chunk.tool_calls
        ]
        assert [call["function"]["name"] for call in calls] == ["new_answer"]


# --8<-- [end:class]

"""Offline tests of the {{name}} backend ({{Provider}}, an SDK wrapper), driving the
fake SDK beside this file.

Written by `massgen-guide new {{name}} --kind sdk-wrapper`; they use only MassGen,
pytest and the standard library.
The fake SDK (massgen/tests/fake_{{name_sdk}}.py) stands in for the vendor's: replace
its import in the backend.
"""

from __future__ import annotations

import asyncio

import pytest

from massgen.backend.capabilities import BACKEND_CAPABILITIES
from massgen.cli.backends import create_backend

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def _collect(backend, messages, tools=()) -> list:
    async def run() -> list:
        return [
            chunk async for chunk in backend.stream_with_tools(messages, list(tools))
        ]

    return asyncio.run(asyncio.wait_for(run(), timeout=30))


def test_registered() -> None:
    caps = BACKEND_CAPABILITIES["{{name}}"]
    assert caps.env_var {{env_var_is}}
    assert caps.default_model in caps.models


def test_streams_text() -> None:
    backend = create_backend("{{name}}", model="{{model}}")
    assert backend.is_stateful()
    chunks = _collect(
        backend,
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    )
    assert [c for c in chunks if c.type == "error"] == []
    assert "".join(c.content or "" for c in chunks if c.type == "content")
    assert chunks[-1].type == "done"


# ADAPT: fault and scenario are options of the example's fake SDK
def test_a_failing_sdk_is_one_error_chunk() -> None:
    chunks = _collect(
        create_backend("{{name}}", model="{{model}}", fault="session-error"),
        [{"role": "user", "content": "Hi"}],
    )
    assert [c.type for c in chunks][-1] == "error"


@pytest.mark.parametrize("scenario", ["reasoning", "tool"])
def test_scenarios(scenario) -> None:
    backend = create_backend("{{name}}", model="{{model}}", scenario=scenario)
    chunks = _collect(
        backend, [{"role": "user", "content": "Weather in Paris?"}], [WEATHER_TOOL]
    )
    types = {c.type for c in chunks}
    assert ("reasoning" if scenario == "reasoning" else "tool_calls") in types
    assert "error" not in types

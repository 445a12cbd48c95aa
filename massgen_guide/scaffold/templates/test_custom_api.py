"""Offline tests of the {{name}} backend ({{Provider}}, its own wire format): a fake
server on 127.0.0.1 that speaks the custom-API example's NDJSON format. Change the
fake together with the backend when your provider's format differs.

Written by `massgen-guide new {{name}} --kind custom-api`; they use only MassGen, pytest
and the standard library.
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from massgen.backend.capabilities import BACKEND_CAPABILITIES
from massgen.cli.backends import create_backend
from massgen.cli.config_loading import ConfigurationError

# ADAPT: the content type of your provider's stream
CONTENT_TYPE = "application/x-ndjson"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


# ADAPT: your provider's events, the ones the backend parses
def _events(call: bool, model: str) -> list[bytes]:
    if call:
        events = [
            {
                "event": "tool_use",
                "id": "tu_1",
                "name": "get_weather",
                "input": {"city": "Paris"},
            },
            {
                "event": "end",
                "stop_reason": "tool_use",
                "usage": {"input_tokens": 7, "output_tokens": 3},
            },
        ]
    else:
        events = [
            {"event": "thinking", "delta": "Hmm."},
            {"event": "text", "delta": "Hello "},
            {"event": "text", "delta": "there."},
            {
                "event": "end",
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 7, "output_tokens": 3},
            },
        ]
    return [json.dumps(e).encode() + b"\n" for e in events]


__FAKE_SERVER__


@pytest.fixture
def server():
    fake = FakeProvider()
    yield fake
    fake.close()


def _collect(backend, messages, tools) -> list:
    async def run() -> list:
        return [chunk async for chunk in backend.stream_with_tools(messages, tools)]

    return asyncio.run(asyncio.wait_for(run(), timeout=30))


def test_registered() -> None:
    caps = BACKEND_CAPABILITIES["{{name}}"]
    assert caps.env_var == "{{ENV}}"
    assert caps.default_model in caps.models


def test_create_backend_needs_the_key(monkeypatch) -> None:
    monkeypatch.delenv("{{ENV}}", raising=False)
    with pytest.raises(ConfigurationError, match="{{ENV}}"):
        create_backend("{{name}}", model="{{model}}")


def test_streams_text(server, monkeypatch) -> None:
    monkeypatch.setenv("{{ENV}}", "test-key")
    backend = create_backend("{{name}}", model="{{model}}", base_url=server.url)
    assert backend.get_provider_name() == "{{Provider}}"
    chunks = _collect(backend, [{"role": "user", "content": "Hi"}], [])
    text = "".join(c.content or "" for c in chunks if c.type == "content")
    assert text == "Hello there."
    assert chunks[-1].type == "done"
    assert [c.type for c in chunks][:2] == ["reasoning", "reasoning_done"]
    assert server.bodies[0]["model"] == "{{model}}"
    # ADAPT: the message shape your formatter sends
    assert server.bodies[0]["messages"] == [{"role": "user", "text": "Hi"}]


def test_streams_a_tool_call(server) -> None:
    backend = create_backend(
        "{{name}}", api_key="test-key", model="{{model}}", base_url=server.url
    )
    chunks = _collect(
        backend, [{"role": "user", "content": "Weather in Paris?"}], [WEATHER_TOOL]
    )
    calls = [
        call for c in chunks if c.type == "tool_calls" for call in c.tool_calls or []
    ]
    assert [c["function"]["name"] for c in calls] == ["get_weather"]
    assert not [c for c in chunks if c.type == "error"]

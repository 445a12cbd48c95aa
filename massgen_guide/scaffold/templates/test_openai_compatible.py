"""Offline tests of the {{name}} backend ({{Provider}}, OpenAI-compatible): a fake
chat-completions server on 127.0.0.1.

Written by `massgen-guide new {{name}} --kind openai-compatible`; they use only MassGen,
pytest and the standard library.
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

CONTENT_TYPE = "text/event-stream"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def _events(call: bool, model: str) -> list[bytes]:
    def event(delta: dict, finish: str | None = None) -> bytes:
        chunk = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(chunk).encode() + b"\n\n"

    if call:
        events = [
            event(
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {
                                "name": "get_weather",
                                "arguments": '{"city": "Paris"}',
                            },
                        }
                    ],
                }
            ),
            event({}, "tool_calls"),
        ]
    else:
        events = [
            event({"role": "assistant", "content": "Hello "}),
            event({"content": "there."}),
            event({}, "stop"),
        ]
    usage = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }
    return [
        *events,
        b"data: " + json.dumps(usage).encode() + b"\n\n",
        b"data: [DONE]\n\n",
    ]


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
    assert server.bodies[0]["model"] == "{{model}}"


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

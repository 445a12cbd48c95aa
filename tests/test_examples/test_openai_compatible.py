"""The OpenAI-compatible example (snippets/openai_compatible_backend.py) streaming from the fake provider."""

from __future__ import annotations

import json
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FakeProvider, Reply, ToolCall, Usage

from .example_helpers import collect, summary

MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Weather in Paris?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def _backend(server: FakeProvider, **extra: Any):
    from snippets.openai_compatible_backend import SkylineBackend

    return SkylineBackend(api_key="test-key", base_url=server.base_url, model="skyline-large",
                          timeout=2.0, max_retries=0, **extra)


def test_stream_reasoning_text_and_tool_call(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(reasoning=["Looking up"], text=["Let me ", "check."],
                               tool_calls=[ToolCall("call_1", "get_weather", {"city": "Paris"}, pieces=3)],
                               usage=Usage(21, 9), delay=0.03))
    backend = _backend(fake_provider)
    chunks, elapsed = collect(backend.stream_with_tools(MESSAGES, [WEATHER_TOOL]))

    assert summary(chunks) == [
        ("reasoning", "Looking up"),
        ("reasoning_done", ""),
        ("content", "Let me "),
        ("content", "check."),
        ("tool_calls", [{"id": "call_1", "type": "function",
                         "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}]),
        ("done", None),
    ]
    assert chunks[0].reasoning_delta == "Looking up"
    # token usage, through LLMBackend._update_token_usage_from_api_response
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (21, 9)
    # timing, through start_api_call_timing / record_first_token / end_api_call_timing
    [call] = backend.get_api_call_history()
    assert (call.success, call.model, call.backend_name) == (True, "skyline-large", "Skyline")
    assert call.time_to_first_token_ms >= 60  # the first *content* delta comes after two 30 ms gaps
    assert call.duration_ms >= call.time_to_first_token_ms
    assert elapsed < 5


def test_request_the_backend_sent(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(text=["ok"]))
    backend = _backend(fake_provider, temperature=0.2)
    collect(backend.stream_with_tools(MESSAGES, [WEATHER_TOOL]))

    [request] = fake_provider.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.json
    assert body["model"] == "skyline-large"
    assert body["messages"] == MESSAGES
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["temperature"] == 0.2
    # client settings never reach the request body
    assert not {"timeout", "max_retries", "base_url", "api_key"} & set(body)
    # the tools: ours first, then MassGen's custom tools (its background-job helpers are always registered)
    names = [tool["function"]["name"] for tool in body["tools"]]
    massgen_names = [schema["function"]["name"] for schema in backend._get_custom_tools_schemas()]
    assert names == ["get_weather", *massgen_names]


def test_custom_tool_round_trip(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    """The model calls one of MassGen's own custom tools: the backend runs it and asks again with the result."""
    fake_provider.script(
        Reply(tool_calls=[ToolCall("call_7", "custom_tool__list_background_tools", {})], usage=Usage(10, 2)),
        Reply(text=["No jobs."], usage=Usage(30, 3)),
    )
    backend = _backend(fake_provider)
    chunks, _ = collect(backend.stream_with_tools(MESSAGES, []))

    assert summary(chunks) == [
        ("tool_calls", [{"id": "call_7", "type": "function",
                         "function": {"name": "custom_tool__list_background_tools", "arguments": "{}"}}]),
        ("custom_tool_status", "custom_tool_called"),
        ("custom_tool_status", "function_call"),
        ("custom_tool_status", "function_call_output"),
        ("custom_tool_status", "custom_tool_response"),
        ("content", "No jobs."),
        ("done", None),
    ]
    second = fake_provider.requests[1].json["messages"]
    assert second[-2] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_7", "type": "function", "function": {"name": "custom_tool__list_background_tools",
                                                          "arguments": "{}"}}]}
    assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_7"
    assert json.loads(second[-1]["content"])["jobs"] == []
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (40, 5)
    assert [c.success for c in backend.get_api_call_history()] == [True, True]


def test_tool_status_chunks_carry_a_chunktype_enum(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    """ChatCompletionsBackend yields tool-status chunks whose ``type`` is a ``ChunkType`` member, not a str."""
    from massgen.stream_chunk import ChunkType

    fake_provider.script(Reply(tool_calls=[ToolCall("c", "custom_tool__list_background_tools", {})]),
                         Reply(text=["ok"]))
    chunks, _ = collect(_backend(fake_provider).stream_with_tools(MESSAGES, []))
    status = [c for c in chunks if c.type == ChunkType.CUSTOM_TOOL_STATUS]
    assert status and all(c.type != "custom_tool_status" for c in status)


def test_identity_defaults_and_client(quiet_massgen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from massgen.backend.base import FilesystemSupport

    from snippets.openai_compatible_backend import SkylineBackend

    monkeypatch.setenv("SKYLINE_API_KEY", "from-env")
    backend = SkylineBackend(model="skyline-large")
    assert backend.api_key == "from-env"
    assert backend.config["base_url"] == "https://api.skyline.example/v1"
    assert backend.get_provider_name() == "Skyline"
    assert backend.get_filesystem_support() is FilesystemSupport.MCP
    assert not backend.is_stateful()
    client = backend._create_client()
    assert (client.timeout, client.max_retries, str(client.base_url)) == (60.0, 2, "https://api.skyline.example/v1/")
    tuned = SkylineBackend(api_key="k", timeout=1.5, max_retries=0)._create_client()
    assert (tuned.timeout, tuned.max_retries) == (1.5, 0)


def test_massgen_chat_completions_client_defaults(quiet_massgen: Any) -> None:
    """Plain ChatCompletionsBackend builds its client without timeout or retries: the openai SDK defaults apply."""
    import openai
    from massgen.backend.chat_completions import ChatCompletionsBackend

    client = ChatCompletionsBackend(api_key="k", base_url="http://127.0.0.1:9/v1")._create_client()
    assert client.timeout == openai.DEFAULT_TIMEOUT  # 600 s read timeout
    assert client.timeout.read == 600.0
    assert client.max_retries == openai.DEFAULT_MAX_RETRIES == 2

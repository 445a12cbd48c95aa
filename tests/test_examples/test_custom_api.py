"""The custom-API example (snippets/custom_api_*.py) streaming the Nimbus NDJSON format from the fake provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FakeProvider, Reply, ToolCall, Usage

from .example_helpers import collect, summary

PAGE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "custom-api.md"
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
    from snippets.custom_api_backend import NimbusBackend

    return NimbusBackend(api_key="nimbus-key", base_url=server.custom_base_url, model="nimbus-1", timeout=2.0, **extra)


def test_stream_reasoning_text_and_tool_call(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(reasoning=["Looking up"], text=["Let me ", "check."],
                               tool_calls=[ToolCall("tu_1", "get_weather", {"city": "Paris"})],
                               usage=Usage(21, 9, reasoning_tokens=4), delay=0.03))
    backend = _backend(fake_provider)
    chunks, elapsed = collect(backend.stream_with_tools(MESSAGES, [WEATHER_TOOL]))

    assert summary(chunks) == [
        ("reasoning", "Looking up"),
        ("reasoning_done", ""),
        ("content", "Let me "),
        ("content", "check."),
        ("tool_calls", [{"id": "tu_1", "type": "function",
                         "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}]),
        ("done", None),
    ]
    assert chunks[0].reasoning_delta == "Looking up"
    buffer = backend._get_streaming_buffer()  # StreamingBufferMixin: what MassGen's retries read
    assert "\n[Reasoning]\nLooking up" in buffer and "Let me check." in buffer and "get_weather" in buffer
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (21, 9)
    [call] = backend.get_api_call_history()
    assert (call.success, call.model, call.backend_name) == (True, "nimbus-1", "Nimbus")
    assert call.time_to_first_token_ms >= 30  # first text event comes one 30 ms gap after the thinking event
    assert call.duration_ms >= call.time_to_first_token_ms
    assert elapsed < 5


def test_request_the_backend_sent(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(text=["ok"]))
    backend = _backend(fake_provider, temperature=0.2, max_tokens=256)
    collect(backend.stream_with_tools(MESSAGES, [WEATHER_TOOL]))

    [request] = fake_provider.requests
    assert (request.method, request.path) == ("POST", "/custom/v1/generate")
    assert request.headers["x-api-key"] == "nimbus-key"
    body = request.json
    assert {k: body[k] for k in ("model", "stream", "temperature", "max_output_tokens", "system", "messages")} == {
        "model": "nimbus-1", "stream": True, "temperature": 0.2, "max_output_tokens": 256,
        "system": "You are terse.", "messages": [{"role": "user", "text": "Weather in Paris?"}],
    }
    assert not {"timeout", "base_url", "max_tokens", "api_key"} & set(body)
    assert body["tools"][0] == {"name": "get_weather", "description": "Current weather for a city",
                                "input_schema": WEATHER_TOOL["function"]["parameters"]}
    massgen_names = [schema["function"]["name"] for schema in backend._get_custom_tools_schemas()]
    assert [tool["name"] for tool in body["tools"][1:]] == massgen_names


def test_circuit_breaker_keys_are_not_sent(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    """MassGen's llm_circuit_breaker_* config keys are not in the base excluded set: the backend pops them in its
    constructor (as ChatCompletionsBackend and ClaudeBackend do), so they never reach the request body."""
    fake_provider.script(Reply(text=["ok"]))
    backend = _backend(fake_provider, llm_circuit_breaker_enabled=True, llm_circuit_breaker_max_failures=3)
    collect(backend.stream_with_tools(MESSAGES, []))

    [request] = fake_provider.requests
    assert sorted(k for k in request.json if "circuit" in k) == []
    assert (backend.circuit_breaker_config.enabled, backend.circuit_breaker_config.max_failures) == (True, 3)
    assert not any(key.startswith("llm_circuit_breaker_") for key in backend.config)


def test_custom_tool_round_trip(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    fake_provider.script(
        Reply(tool_calls=[ToolCall("tu_7", "custom_tool__list_background_tools", {})], usage=Usage(10, 2)),
        Reply(text=["No jobs."], usage=Usage(30, 3)),
    )
    backend = _backend(fake_provider)
    chunks, _ = collect(backend.stream_with_tools(MESSAGES, []))

    assert summary(chunks) == [
        ("tool_calls", [{"id": "tu_7", "type": "function",
                         "function": {"name": "custom_tool__list_background_tools", "arguments": "{}"}}]),
        ("custom_tool_status", "custom_tool_called"),
        ("custom_tool_status", "function_call"),
        ("custom_tool_status", "function_call_output"),
        ("custom_tool_status", "custom_tool_response"),
        ("content", "No jobs."),
        ("done", None),
    ]
    second = fake_provider.requests[1].json["messages"]
    assert second[-2] == {"role": "assistant", "text": "",
                          "tool_uses": [{"id": "tu_7", "name": "custom_tool__list_background_tools", "input": {}}]}
    assert second[-1]["role"] == "tool_result" and second[-1]["tool_use_id"] == "tu_7"
    assert json.loads(second[-1]["text"])["jobs"] == []
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (40, 5)
    assert [c.success for c in backend.get_api_call_history()] == [True, True]


def test_stream_without_end_event_is_an_error(quiet_massgen: Any, fake_provider: FakeProvider) -> None:
    from massgen_guide.examples.fake_provider import Drop

    fake_provider.script(Drop(reply=Reply(text=["Hel", "lo"]), after_events=2, clean=True))
    backend = _backend(fake_provider)
    chunks, _ = collect(backend.stream_with_tools(MESSAGES, []))
    assert summary(chunks) == [("content", "Hel"), ("content", "lo"),
                               ("error", "Nimbus stream ended without an 'end' event")]
    assert [(c.success, c.error_message) for c in backend.get_api_call_history()] == [
        (False, "Nimbus stream ended without an 'end' event")]
    assert backend.token_usage.input_tokens == 0


def test_formatter(quiet_massgen: Any) -> None:
    from massgen.mcp_tools.backend_utils import Function

    from snippets.custom_api_formatter import NimbusFormatter

    formatter = NimbusFormatter()
    messages = [
        {"role": "system", "content": "A"},
        {"role": "system", "content": "B"},
        {"role": "user", "content": [{"type": "text", "text": "hi "}, {"type": "text", "text": "there"}]},
        {"role": "assistant", "content": None,
         "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "42"},
    ]
    system, rest = formatter.split_system(messages)
    assert system == "A\n\nB"
    assert formatter.format_messages(rest) == [
        {"role": "user", "text": "hi there"},
        {"role": "assistant", "text": "", "tool_uses": [{"id": "c1", "name": "f", "input": {"x": 1}}]},
        {"role": "tool_result", "tool_use_id": "c1", "text": "42"},
    ]
    assert formatter.format_messages(messages) == formatter.format_messages(rest)  # system messages are skipped
    mcp = {"mcp__files__read": Function("mcp__files__read", "Read a file", {"type": "object", "properties": {}},
                                        entrypoint=None)}
    assert formatter.format_mcp_tools(mcp) == [
        {"name": "mcp__files__read", "description": "Read a file", "input_schema": {"type": "object", "properties": {}}}]
    assert formatter.arguments_text({"a": 1}) == '{"a":1}' and formatter.arguments_text('{"a": 1}') == '{"a": 1}'


def _bases_and_examples():
    from massgen.api_params_handler._api_params_handler_base import APIParamsHandlerBase
    from massgen.backend.base_with_custom_tool_and_mcp import CustomToolAndMCPBackend
    from massgen.formatter._formatter_base import FormatterBase

    from snippets.custom_api_backend import NimbusBackend
    from snippets.custom_api_formatter import NimbusFormatter
    from snippets.custom_api_params_handler import NimbusAPIParamsHandler

    return ((CustomToolAndMCPBackend, NimbusBackend), (FormatterBase, NimbusFormatter),
            (APIParamsHandlerBase, NimbusAPIParamsHandler))


def unnamed_abstract_methods(page: str) -> list[str]:
    """Abstract methods of the three MassGen bases that the page does not name in inline code."""
    return sorted(f"{base.__name__}.{name}" for base, _ in _bases_and_examples()
                  for name in base.__abstractmethods__ if f"`{name}`" not in page)


def test_abstract_methods_are_the_ones_the_page_names(quiet_massgen: Any) -> None:
    """The page lists what a CustomToolAndMCPBackend subclass must implement; MassGen decides what that is."""
    from massgen.backend.base_with_custom_tool_and_mcp import CustomToolAndMCPBackend

    for _, example in _bases_and_examples():
        assert not example.__abstractmethods__, f"{example.__name__} leaves {sorted(example.__abstractmethods__)}"
    assert unnamed_abstract_methods(PAGE.read_text(encoding="utf-8")) == []
    assert CustomToolAndMCPBackend.__abstractmethods__ == {  # the six the page's checklist names, in 0.1.97
        "_append_tool_error_message", "_append_tool_result_message", "_create_client", "_process_stream",
        "_stream_with_custom_and_mcp_tools", "get_provider_name"}


def test_abstract_method_check_catches_a_missing_name(quiet_massgen: Any) -> None:
    page = PAGE.read_text(encoding="utf-8").replace("`_process_stream`", "the parser")
    assert unnamed_abstract_methods(page) == ["CustomToolAndMCPBackend._process_stream"]


def test_identity_and_defaults(quiet_massgen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    from massgen.backend.base import FilesystemSupport

    from snippets.custom_api_backend import NimbusBackend

    monkeypatch.setenv("NIMBUS_API_KEY", "from-env")
    backend = NimbusBackend(model="nimbus-1")
    assert backend.api_key == "from-env"
    assert backend.config["base_url"] == "https://api.nimbus.example/v1"
    assert backend.get_provider_name() == "Nimbus"
    assert backend.get_filesystem_support() is FilesystemSupport.MCP
    client = backend._create_client()
    assert isinstance(client, httpx.AsyncClient)
    assert client.timeout == httpx.Timeout(60.0)
    assert client.headers["x-api-key"] == "from-env"

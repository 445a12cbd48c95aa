"""The fake provider itself: both wire formats, request recording, and every fault, seen with a plain HTTP client."""

from __future__ import annotations

import json

import httpx
import pytest

from massgen_guide.examples.fake_provider import (
    FAULTS,
    Drop,
    FakeProvider,
    HTTPError,
    Malformed,
    Reply,
    Stall,
    ToolCall,
    Usage,
)


def _sse_payloads(text: str) -> list[str]:
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


def test_openai_stream_wire_format(fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(reasoning=["think"], text=["Hel", "lo"],
                               tool_calls=[ToolCall("call_1", "get_weather", {"city": "Paris"}, pieces=3)],
                               usage=Usage(5, 3, reasoning_tokens=2)))
    body = {"model": "m", "stream": True, "stream_options": {"include_usage": True}, "messages": []}
    response = httpx.post(fake_provider.base_url + "/chat/completions", json=body, headers={"Authorization": "Bearer k"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    payloads = _sse_payloads(response.text)
    assert payloads[-1] == "[DONE]"
    events = [json.loads(p) for p in payloads[:-1]]
    deltas = [e["choices"][0]["delta"] for e in events if e["choices"]]
    assert deltas[0] == {"role": "assistant", "content": ""}
    assert deltas[1] == {"reasoning_content": "think"}
    assert [d.get("content") for d in deltas[2:4]] == ["Hel", "lo"]
    calls = [d["tool_calls"][0] for d in deltas if "tool_calls" in d]
    assert calls[0] == {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
    fragments = [c["function"]["arguments"] for c in calls[1:]]
    assert len(fragments) == 3 and json.loads("".join(fragments)) == {"city": "Paris"}
    assert events[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert events[-1]["choices"] == []
    assert events[-1]["usage"] == {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8,
                                   "completion_tokens_details": {"reasoning_tokens": 2}}
    recorded = fake_provider.requests[0]
    assert (recorded.method, recorded.path, recorded.json, recorded.answered_with) == \
        ("POST", "/v1/chat/completions", body, "Reply")
    assert recorded.headers["authorization"] == "Bearer k"


def test_openai_usage_only_when_asked(fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(text=["x"]))
    response = httpx.post(fake_provider.base_url + "/chat/completions", json={"model": "m", "stream": True})
    assert not any('"usage"' in p for p in _sse_payloads(response.text))


def test_openai_non_streaming(fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(text=["Hel", "lo"]))
    response = httpx.post(fake_provider.base_url + "/chat/completions", json={"model": "m", "stream": False})
    body = response.json()
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Hello"}
    assert body["usage"]["prompt_tokens"] == 12


def test_custom_ndjson_wire_format(fake_provider: FakeProvider) -> None:
    fake_provider.script(Reply(reasoning=["think"], text=["Hi"], tool_calls=[ToolCall("t1", "lookup", {"q": 1})],
                               usage=Usage(4, 2)))
    response = httpx.post(fake_provider.custom_base_url + "/generate", json={"model": "m"})
    assert response.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line) for line in response.text.splitlines()] == [
        {"event": "thinking", "delta": "think"},
        {"event": "text", "delta": "Hi"},
        {"event": "tool_use", "id": "t1", "name": "lookup", "input": {"q": 1}},
        {"event": "end", "stop_reason": "tool_use", "usage": {"input_tokens": 4, "output_tokens": 2, "thinking_tokens": 0}},
    ]


def test_nothing_scripted_is_a_loud_500(fake_provider: FakeProvider) -> None:
    response = httpx.post(fake_provider.base_url + "/chat/completions", json={"model": "m", "stream": True})
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "fake provider: nothing scripted"


def test_unknown_route_is_404(fake_provider: FakeProvider) -> None:
    assert httpx.post(fake_provider.root_url + "/nope", json={}).status_code == 404
    assert httpx.get(fake_provider.base_url + "/models").json()["data"][0]["id"] == "fake-model"


@pytest.mark.parametrize("status", [401, 429, 500])
def test_http_errors(fake_provider: FakeProvider, status: int) -> None:
    fake_provider.script(HTTPError(status, "nope", retry_after=1.5))
    response = httpx.post(fake_provider.custom_base_url + "/generate", json={})
    assert response.status_code == status
    assert response.json()["error"]["message"] == "nope"
    assert response.headers["retry-after"] == "1.5"


def test_malformed(fake_provider: FakeProvider) -> None:
    fake_provider.script(Malformed())
    lines = httpx.post(fake_provider.custom_base_url + "/generate", json={}).text.splitlines()
    assert json.loads(lines[0]) == {"event": "text", "delta": "partial"}
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[1])


def test_drop_is_an_incomplete_body(fake_provider: FakeProvider) -> None:
    fake_provider.script(Drop())
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(fake_provider.base_url + "/chat/completions", json={"stream": True})


def test_clean_drop_is_a_complete_body_missing_the_end(fake_provider: FakeProvider) -> None:
    fake_provider.script(Drop(clean=True, after_events=1))
    payloads = _sse_payloads(httpx.post(fake_provider.base_url + "/chat/completions", json={"stream": True}).text)
    assert [json.loads(p)["choices"][0]["delta"] for p in payloads] == [
        {"role": "assistant", "content": ""}, {"content": "partial"}]


@pytest.mark.parametrize("headers", [True, False])
def test_stall_holds_the_connection(fake_provider: FakeProvider, headers: bool) -> None:
    fake_provider.script(Stall(headers=headers))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(fake_provider.base_url + "/chat/completions", json={"stream": True}, timeout=0.3)


def test_stop_ends_a_stall_and_frees_the_port() -> None:
    server = FakeProvider().start()
    port = server.port
    server.script(Stall(seconds=30))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.base_url + "/chat/completions", json={"stream": True}, timeout=0.2)
    server.stop()
    with pytest.raises(RuntimeError):
        server.port  # noqa: B018
    with FakeProvider(port=port) as again:  # the port can be bound again
        assert again.port == port


def test_fault_factories_give_fresh_objects() -> None:
    assert set(FAULTS) == {"http_401", "http_429", "http_500", "malformed", "drop", "truncated", "stall"}
    assert FAULTS["drop"]() is not FAULTS["drop"]()
    assert FAULTS["http_429"]().status == 429

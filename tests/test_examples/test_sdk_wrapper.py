"""The stateful SDK wrapper example (snippets/sdk_wrapper_backend.py) around the fake SDK (snippets/fake_sdk.py)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

SYSTEM = {"role": "system", "content": "Be brief."}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


def brief(chunk: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(chunk).items() if v is not None and k != "display"}


async def turn(backend: Any, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None) -> list[dict]:
    return [brief(c) async for c in backend.stream_with_tools(messages, tools or [])]


def text(chunks: list[dict[str, Any]]) -> str:
    return "".join(c.get("content", "") for c in chunks if c["type"] == "content")


@pytest.fixture
def sdk_backend(quiet_massgen: Any):
    from snippets.sdk_wrapper_backend import FakeSdkBackend

    return FakeSdkBackend


def test_text_turn_exact_chunks_usage_and_timing(sdk_backend) -> None:
    backend = sdk_backend()
    chunks = asyncio.run(turn(backend, [SYSTEM, {"role": "user", "content": "hello there"}]))
    assert chunks == [
        {"type": "content", "content": "[instructed] "},
        {"type": "content", "content": "Turn "},
        {"type": "content", "content": "1: "},
        {"type": "content", "content": "hello "},
        {"type": "content", "content": "there"},
        {"type": "done", "usage": {"prompt_tokens": 4, "completion_tokens": 5, "total_tokens": 9}},
    ]
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (4, 5)
    [call] = backend.get_api_call_history()
    assert (call.backend_name, call.model, call.success) == ("fake_sdk", "fake-sdk-model", True)
    assert 0 < call.time_to_first_token_ms <= call.duration_ms


def test_reasoning_turn(sdk_backend) -> None:
    backend = sdk_backend(scenario="reasoning")
    chunks = asyncio.run(turn(backend, [{"role": "user", "content": "hi"}]))
    assert chunks[0] == {"type": "reasoning", "reasoning_delta": "Turn 1 needs a short answer."}
    assert [c["type"] for c in chunks[1:]] == ["content", "content", "content", "done"]
    # StreamingBufferMixin: the turn's reasoning and text, what MassGen's retries read
    assert backend._get_streaming_buffer() == "\n[Reasoning]\nTurn 1 needs a short answer.Turn 1: hi"


def test_tool_call_then_tool_result_in_the_same_session(sdk_backend) -> None:
    backend = sdk_backend(scenario="tool")

    async def two_turns() -> tuple[list[dict], list[dict], str, str]:
        first = await turn(backend, [{"role": "user", "content": "weather in Oslo?"}], TOOLS)
        session_id = backend.session.id
        result = {"role": "tool", "tool_call_id": "tool_1", "content": "sunny"}
        second = await turn(backend, [{"role": "user", "content": "weather in Oslo?"}, result], TOOLS)
        return first, second, session_id, backend.session.id

    first, second, before, after = asyncio.run(two_turns())
    assert first == [
        {"type": "tool_calls", "tool_calls": [{"id": "tool_1", "type": "function", "function": {
            "name": "get_weather", "arguments": json.dumps({"city": "Oslo"})}}]},
        {"type": "done", "usage": {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}},
    ]
    assert text(second) == "Turn 2: [tool result] sunny"
    assert before == after


def test_stateful_contract(sdk_backend) -> None:
    backend = sdk_backend()
    assert backend.is_stateful() is True

    async def scenario() -> list[tuple[str, str | None]]:
        seen = []
        seen.append((text(await turn(backend, [SYSTEM, {"role": "user", "content": "one"}])), backend.session.id))
        seen.append((text(await turn(backend, [{"role": "user", "content": "two"}])), backend.session.id))
        await backend.clear_history()  # new session, system prompt remembered
        seen.append(("cleared", backend.session))
        seen.append((text(await turn(backend, [{"role": "user", "content": "three"}])), backend.session.id))
        await backend.reset_state()  # new session, system prompt forgotten, client stopped
        seen.append(("reset", backend.client.started))
        seen.append((text(await turn(backend, [{"role": "user", "content": "four"}])), backend.session.id))
        return seen

    seen = asyncio.run(scenario())
    assert seen[0][0] == "[instructed] Turn 1: one" and seen[1][0] == "[instructed] Turn 2: two"
    assert seen[0][1] == seen[1][1]  # the second turn resumed the session
    assert seen[2] == ("cleared", None)
    assert seen[3][0] == "[instructed] Turn 1: three" and seen[3][1] != seen[1][1]
    assert seen[4] == ("reset", False)
    assert seen[5][0] == "Turn 1: four" and seen[5][1] != seen[3][1]


FAULTS = {
    "send-error": "401 unauthorized: no credentials (injected) (status 401)",
    "session-error": "rate limited (injected) (status 429)",
    "crash": "ConnectionResetError: SDK transport closed (injected) (status 502)",
    "stall": "the SDK sent no event for 1.0s (status 500)",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_ends_with_one_error_chunk_in_bounded_time(sdk_backend, fault: str) -> None:
    backend = sdk_backend(fault=fault, event_timeout=1.0)
    start = time.monotonic()
    chunks = asyncio.run(asyncio.wait_for(turn(backend, [{"role": "user", "content": "hello there"}]), 10))
    elapsed = time.monotonic() - start
    assert chunks[-1] == {"type": "error", "error": FAULTS[fault]}
    assert [c["type"] for c in chunks].count("error") == 1 and "done" not in [c["type"] for c in chunks]
    assert elapsed < 5
    [call] = backend.get_api_call_history()
    assert (call.success, call.error_message) == (False, FAULTS[fault])
    assert backend.session is None  # a broken session is dropped, not resumed


def test_no_user_message_is_an_error_not_an_exception(sdk_backend) -> None:
    chunks = asyncio.run(turn(sdk_backend(), [SYSTEM]))
    assert chunks == [{"type": "error", "error": "no user message to send to the SDK"}]

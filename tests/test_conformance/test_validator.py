"""The stream-lifecycle validator fails on broken streams, with the exact message for each broken rule."""

from __future__ import annotations

from typing import Any

import pytest

from massgen_guide.examples.conformance import (
    StreamLifecycleError,
    failure_problems,
    stream_problems,
    validate_failure_stream,
    validate_stream,
)

USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


@pytest.fixture(scope="module")
def chunk(massgen_imported: Any):
    from massgen.backend.base import StreamChunk

    return StreamChunk


def test_a_valid_stream_passes(chunk) -> None:
    stream = [chunk(type="agent_status", status="session_started"), chunk(type="content", content="Hi"),
              chunk(type="tool_calls", tool_calls=[{"id": "c1", "function": {"name": "f", "arguments": "{}"}}]),
              chunk(type="done", usage=USAGE)]
    assert stream_problems(stream) == []
    validate_stream(stream)


def test_two_dones(chunk) -> None:
    stream = [chunk(type="content", content="Hi"), chunk(type="done", usage=USAGE), chunk(type="done", usage=USAGE)]
    with pytest.raises(StreamLifecycleError) as info:
        validate_stream(stream)
    assert str(info.value) == "invalid stream: 2 'done' chunks (at 1, 2): expected exactly one"


def test_done_not_last(chunk) -> None:
    stream = [chunk(type="done", usage=USAGE), chunk(type="content", content="late")]
    assert stream_problems(stream) == ["'done' chunk 0 is not the last of 2 chunks"]


def test_done_without_usage(chunk) -> None:
    stream = [chunk(type="content", content="Hi"), chunk(type="done")]
    assert stream_problems(stream) == ["'done' chunk 1 carries no usage"]
    assert stream_problems(stream, require_usage=False) == []  # the flag switches the rule off


def test_no_done(chunk) -> None:
    assert stream_problems([chunk(type="content", content="Hi")]) == ["no 'done' chunk"]


def test_empty_stream() -> None:
    assert stream_problems([]) == ["stream is empty"]


def test_error_inside_a_successful_stream(chunk) -> None:
    stream = [chunk(type="error", error="boom"), chunk(type="done", usage=USAGE)]
    assert stream_problems(stream) == ["unexpected 'error' chunk 0: boom"]


def test_not_a_chunk_and_textless_content(chunk) -> None:
    stream = [{"type": "content"}, chunk(type="content"), chunk(type="done", usage=USAGE)]
    assert stream_problems(stream) == [
        "chunk 0 is not a StreamChunk: {'type': 'content'}",
        "'content' chunk 1 has no text",
    ]


def test_broken_tool_calls(chunk) -> None:
    stream = [chunk(type="tool_calls", tool_calls=[{"function": {"arguments": "{oops"}}, "x"]),
              chunk(type="tool_calls", tool_calls=[]), chunk(type="done", usage=USAGE)]
    assert stream_problems(stream) == [
        "tool call in chunk 0 has no id",
        "tool call in chunk 0 has no name",
        "tool call in chunk 0 has arguments that are not JSON: '{oops'",
        "tool call in chunk 0 is not a dict: 'x'",
        "'tool_calls' chunk 1 has no tool calls",
    ]


def test_all_problems_are_reported_together(chunk) -> None:
    stream = [chunk(type="done"), chunk(type="content", content="x"), chunk(type="done")]
    with pytest.raises(StreamLifecycleError) as info:
        validate_stream(stream)
    assert info.value.problems == [
        "2 'done' chunks (at 0, 2): expected exactly one",
        "'done' chunk 2 carries no usage",
    ]


def test_missing_error_after_a_failure(chunk) -> None:
    stream = [chunk(type="content", content="partial"), chunk(type="done", usage=USAGE)]
    with pytest.raises(StreamLifecycleError) as info:
        validate_failure_stream(stream)
    assert str(info.value) == "invalid stream: no 'error' chunk after a provider failure (got: content, done)"
    assert failure_problems([]) == ["no 'error' chunk after a provider failure (got: nothing)"]


def test_failure_stream_rules(chunk) -> None:
    assert failure_problems([chunk(type="error", error="401")]) == []
    assert failure_problems([chunk(type="error", error="401"), chunk(type="done")]) == []  # copilot's shape
    assert failure_problems([chunk(type="error", error="")]) == ["'error' chunk 0 has no message"]
    assert failure_problems([chunk(type="error", error="e"), chunk(type="content", content="x")]) == [
        "'content' chunk 1 comes after the 'error' chunk 0",
    ]
    assert failure_problems([chunk(type="done"), chunk(type="error", error="e")]) == [
        "'done' chunk 0 is not the last of 2 chunks",
    ]

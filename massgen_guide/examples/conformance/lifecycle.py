"""The stream-lifecycle validator: usable alone on any list of chunks a backend yielded.

A successful stream is deltas (content, reasoning, tool calls, status chunks) followed by exactly one
``done`` chunk, which is the last chunk. A failed stream carries an ``error`` chunk with a message.
Each rule violation is reported as one fixed sentence so tests can assert it exactly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any


class ConformanceError(AssertionError):
    """A backend broke a rule of the conformance kit; the message names the rule."""


class StreamLifecycleError(ConformanceError):
    """A stream broke the lifecycle rules; ``problems`` lists every broken rule, in order."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stream: " + "; ".join(problems))


def _tool_call_problems(index: int, call: Any) -> list[str]:
    where = f"tool call in chunk {index}"
    if not isinstance(call, dict):
        return [f"{where} is not a dict: {call!r}"]
    function = call.get("function") if isinstance(call.get("function"), dict) else call
    problems = []
    if not call.get("id"):
        problems.append(f"{where} has no id")
    if not function.get("name"):
        problems.append(f"{where} has no name")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            json.loads(arguments or "{}")
        except json.JSONDecodeError:
            problems.append(f"{where} has arguments that are not JSON: {arguments!r}")
    elif not isinstance(arguments, dict):
        problems.append(f"{where} has no arguments")
    return problems


def stream_problems(chunks: Sequence[Any], *, require_usage: bool = True) -> list[str]:
    """Every lifecycle rule a successful stream breaks (an empty list when it is valid)."""
    if not chunks:
        return ["stream is empty"]
    problems: list[str] = []
    for i, chunk in enumerate(chunks):
        kind = getattr(chunk, "type", None)
        if not isinstance(kind, str):
            problems.append(f"chunk {i} is not a StreamChunk: {chunk!r}")
        elif kind == "content" and not isinstance(chunk.content, str):
            problems.append(f"'content' chunk {i} has no text")
        elif kind == "tool_calls":
            if not chunk.tool_calls:
                problems.append(f"'tool_calls' chunk {i} has no tool calls")
            for call in chunk.tool_calls or []:
                problems.extend(_tool_call_problems(i, call))
        elif kind == "error":
            problems.append(f"unexpected 'error' chunk {i}: {chunk.error}")
    dones = [i for i, chunk in enumerate(chunks) if getattr(chunk, "type", None) == "done"]
    if not dones:
        problems.append("no 'done' chunk")
    elif len(dones) > 1:
        problems.append(f"{len(dones)} 'done' chunks (at {', '.join(map(str, dones))}): expected exactly one")
    if dones and dones[-1] != len(chunks) - 1:
        problems.append(f"'done' chunk {dones[-1]} is not the last of {len(chunks)} chunks")
    if dones and require_usage and not chunks[dones[-1]].usage:
        problems.append(f"'done' chunk {dones[-1]} carries no usage")
    return problems


def _kinds(chunks: Sequence[Any]) -> str:
    """The chunk types in order, runs collapsed: ``agent_status, content x9, done``."""
    runs: list[list[Any]] = []
    for chunk in chunks:
        kind = getattr(chunk, "type", "?")
        if runs and runs[-1][0] == kind:
            runs[-1][1] += 1
        else:
            runs.append([kind, 1])
    return ", ".join(kind if n == 1 else f"{kind} x{n}" for kind, n in runs) or "nothing"


def failure_problems(chunks: Sequence[Any]) -> list[str]:
    """Every rule a stream answering a provider failure breaks (an empty list when it is valid)."""
    errors = [i for i, chunk in enumerate(chunks) if getattr(chunk, "type", None) == "error"]
    if not errors:
        kinds = _kinds(chunks)
        return [f"no 'error' chunk after a provider failure (got: {kinds})"]
    problems = [f"'error' chunk {i} has no message" for i in errors if not chunks[i].error]
    dones = [i for i, chunk in enumerate(chunks) if getattr(chunk, "type", None) == "done"]
    if len(dones) > 1:
        problems.append(f"{len(dones)} 'done' chunks (at {', '.join(map(str, dones))}): expected at most one")
    if dones and dones[-1] != len(chunks) - 1:
        problems.append(f"'done' chunk {dones[-1]} is not the last of {len(chunks)} chunks")
    late = [i for i, chunk in enumerate(chunks) if i > errors[0] and getattr(chunk, "type", None) == "content"]
    if late:
        problems.append(f"'content' chunk {late[0]} comes after the 'error' chunk {errors[0]}")
    return problems


def validate_stream(chunks: Sequence[Any], *, require_usage: bool = True) -> None:
    """Raise :class:`StreamLifecycleError` unless ``chunks`` is a valid successful stream."""
    problems = stream_problems(chunks, require_usage=require_usage)
    if problems:
        raise StreamLifecycleError(problems)


def validate_failure_stream(chunks: Sequence[Any]) -> None:
    """Raise :class:`StreamLifecycleError` unless ``chunks`` reports a provider failure properly."""
    problems = failure_problems(chunks)
    if problems:
        raise StreamLifecycleError(problems)


async def collect_stream(backend: Any, messages: list[dict[str, Any]], tools: list[dict[str, Any]],
                         *, timeout: float = 10.0, **kwargs: Any) -> list[Any]:
    """Drain ``backend.stream_with_tools`` within ``timeout`` seconds, or raise :class:`ConformanceError`."""
    chunks: list[Any] = []
    stream = backend.stream_with_tools(messages, tools, **kwargs)

    async def drain() -> None:
        async for chunk in stream:
            chunks.append(chunk)

    try:
        await asyncio.wait_for(drain(), timeout)
    except TimeoutError:
        raise ConformanceError(f"stream did not end within {timeout:g}s ({len(chunks)} chunks received)") from None
    except Exception as exc:  # noqa: BLE001 - a backend must report failures as chunks, not raise
        raise ConformanceError(
            f"stream_with_tools raised {type(exc).__name__}: {exc} (failures must be yielded as an 'error' chunk)",
        ) from exc
    finally:
        try:
            await asyncio.wait_for(stream.aclose(), 5)
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 - best-effort clean-up of a stuck generator
            pass
    return chunks

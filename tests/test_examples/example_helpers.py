"""Helpers for the example-backend tests: drain a stream in a bounded time, summarise chunks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any


def chunk_type(chunk: Any) -> str:
    """A chunk's type as a string (MassGen sometimes sets ``type`` to a ``ChunkType`` enum member)."""
    kind = chunk.type
    return kind.value if hasattr(kind, "value") else kind


def summary(chunks: list[Any]) -> list[tuple[str, Any]]:
    """(type, payload) per chunk: text for content/reasoning, tool_calls, error text, status for status chunks."""
    rows: list[tuple[str, Any]] = []
    for chunk in chunks:
        kind = chunk_type(chunk)
        if kind == "tool_calls":
            rows.append((kind, chunk.tool_calls))
        elif kind == "error":
            rows.append((kind, chunk.error))
        elif kind in ("custom_tool_status", "mcp_status"):
            rows.append((kind, chunk.status))
        else:
            rows.append((kind, chunk.content))
    return rows


def collect(stream: AsyncIterator[Any], timeout: float = 10.0) -> tuple[list[Any], float]:
    """Drain an async generator of chunks in a fresh event loop, bounded by ``timeout`` seconds.

    Returns the chunks and the elapsed seconds; raises ``TimeoutError`` if the stream did not end in time.
    """

    async def drain() -> list[Any]:
        return [chunk async for chunk in stream]

    async def bounded() -> list[Any]:
        try:
            return await asyncio.wait_for(drain(), timeout)
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                try:
                    await asyncio.wait_for(aclose(), 2)
                except (Exception, asyncio.CancelledError):  # noqa: BLE001 - best-effort clean-up
                    pass

    start = time.monotonic()
    chunks = asyncio.run(bounded())
    return chunks, time.monotonic() - start

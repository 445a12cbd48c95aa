"""Fixtures for the example-backend tests: the fake provider on 127.0.0.1, quiet MassGen logs, a stream collector."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from massgen_guide.fake_provider import FakeProvider


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProvider]:
    """One fake provider for the whole session (started on a free port, stopped at the end)."""
    with FakeProvider() as server:
        yield server


@pytest.fixture
def fake_provider(fake_provider_server: FakeProvider) -> Iterator[FakeProvider]:
    """The session's fake provider with an empty script and no recorded requests."""
    fake_provider_server.reset()
    yield fake_provider_server
    fake_provider_server.reset()


@pytest.fixture
def quiet_massgen(massgen_imported: Any) -> Iterator[Any]:
    """MassGen logs through loguru; switch its records off for the test (they are noise here)."""
    import litellm
    from loguru import logger

    litellm.suppress_debug_info = True  # litellm prints a "Provider List" banner for unknown models
    logger.disable("massgen")
    try:
        yield massgen_imported
    finally:
        logger.enable("massgen")


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

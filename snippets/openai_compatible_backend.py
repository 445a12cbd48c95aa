"""The OpenAI-compatible example: a backend for "Skyline", a provider that speaks chat
completions at its own URL.

Everything about the wire format (SSE parsing, tool-call deltas, usage, reasoning
deltas, custom and MCP tool execution) is inherited from MassGen's
``ChatCompletionsBackend``. The subclass adds what is provider-specific: name, default
URL, API-key variable, filesystem support, and an HTTP client with a timeout and a retry
count.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator
from typing import Any

import openai
from massgen.backend.base import FilesystemSupport, StreamChunk
from massgen.backend.chat_completions import ChatCompletionsBackend


# --8<-- [start:init]
class SkylineBackend(ChatCompletionsBackend):
    """MassGen backend for the (fictional) Skyline OpenAI-compatible API."""

    DEFAULT_BASE_URL = "https://api.skyline.example/v1"
    API_KEY_ENV = "SKYLINE_API_KEY"

    def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
        # Client settings, not request parameters: keep them out of self.config
        self.request_timeout = float(kwargs.pop("timeout", 60.0))  # (1)!
        self.max_retries = int(kwargs.pop("max_retries", 2))
        kwargs.setdefault("base_url", self.DEFAULT_BASE_URL)
        super().__init__(api_key or os.getenv(self.API_KEY_ENV), **kwargs)

    # --8<-- [end:init]
    # --8<-- [start:identity]
    def get_provider_name(self) -> str:
        return "Skyline"  # (1)!

    def get_filesystem_support(self) -> FilesystemSupport:
        return FilesystemSupport.MCP

    # --8<-- [end:identity]
    # --8<-- [start:client]
    def _create_client(self, **kwargs: Any) -> openai.AsyncOpenAI:
        params = {**self.config, **kwargs}
        # ADAPT: client settings your provider needs (extra headers, ...)
        return openai.AsyncOpenAI(
            api_key=self.api_key,
            base_url=params["base_url"],
            timeout=self.request_timeout,  # (1)!
            max_retries=self.max_retries,
        )

    # --8<-- [end:client]
    # --8<-- [start:timing]
    async def _stream_with_custom_and_mcp_tools(
        self,
        current_messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        client: Any,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamChunk]:
        finished = False
        try:
            async for chunk in super()._stream_with_custom_and_mcp_tools(
                current_messages, tools, client, **kwargs
            ):
                finished = finished or chunk.type in ("done", "error")
                yield chunk
        except Exception as exc:
            self._close_failed_call(str(exc) or type(exc).__name__)  # (1)!
            if not str(
                exc
            ):  # e.g. httpx.ReadTimeout: MassGen would report an empty error text
                raise SkylineStreamError(type(exc).__name__) from exc
            raise  # MassGen's stream_with_tools turns it into one "error" chunk
        if not finished:  # (2)!
            self._close_failed_call("stream ended without a finish_reason")
            raise SkylineStreamError("Skyline stream ended without a finish_reason")

    def _close_failed_call(self, error: str) -> None:
        """Record the open API call as failed (MassGen leaves it open when the stream
        breaks mid-way)."""
        if self._current_api_call is not None:
            self.end_api_call_timing(success=False, error=error)

    # --8<-- [end:timing]


class SkylineStreamError(Exception):
    """The Skyline stream broke off (timeout, or ended before its finish_reason)."""

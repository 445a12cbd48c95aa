"""The custom-API example: a backend for "Nimbus", a provider whose streaming API is not
OpenAI-compatible.

Nimbus streams NDJSON from ``POST {base_url}/generate`` (the wire format is described
in ``massgen_guide/examples/fake_provider.py``): ``thinking`` / ``text`` deltas, whole
``tool_use`` events, and an ``end`` event with the stop reason and token usage. The
backend subclasses MassGen's ``CustomToolAndMCPBackend``, so MassGen's custom tools and
MCP servers work with it; it brings its own formatter and API-params handler.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncGenerator
from typing import Any

import httpx
from massgen.backend._streaming_buffer_mixin import StreamingBufferMixin
from massgen.backend.base import FilesystemSupport, StreamChunk
from massgen.backend.base_with_custom_tool_and_mcp import (
    CustomToolAndMCPBackend,
    ToolExecutionConfig,
)

from snippets.custom_api_formatter import NimbusFormatter
from snippets.custom_api_params_handler import NimbusAPIParamsHandler


class NimbusAPIError(Exception):
    """The Nimbus API answered with an error status (the message carries the status and
    the API's text)."""


def _describe(exc: Exception) -> str:
    """``"ReadTimeout"`` or ``"RemoteProtocolError: peer closed ..."``: the type always,
    the text when there is one."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --8<-- [start:init]
class NimbusBackend(StreamingBufferMixin, CustomToolAndMCPBackend):
    """MassGen backend for the (fictional) Nimbus streaming API.

    The mixin comes first, as in MassGen's API backends: it keeps the turn's text for
    compression and retries."""

    DEFAULT_BASE_URL = "https://api.nimbus.example/v1"
    API_KEY_ENV = "NIMBUS_API_KEY"

    def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", self.DEFAULT_BASE_URL)
        breaker = self._build_circuit_breaker_config(kwargs)  # (2)!
        super().__init__(api_key or os.getenv(self.API_KEY_ENV), **kwargs)
        self.formatter = NimbusFormatter()  # (1)!
        self.api_params_handler = NimbusAPIParamsHandler(self)
        self.circuit_breaker_config = breaker

    # --8<-- [end:init]
    # --8<-- [start:identity]
    def get_provider_name(self) -> str:
        return "Nimbus"

    def get_filesystem_support(self) -> FilesystemSupport:
        return (
            FilesystemSupport.MCP
        )  # file tools come from MassGen's filesystem MCP server

    # --8<-- [end:identity]
    # --8<-- [start:client]
    def _create_client(self, **kwargs: Any) -> httpx.AsyncClient:
        params = {**self.config, **kwargs}
        return httpx.AsyncClient(
            base_url=params["base_url"],
            # ADAPT: the auth header your provider expects (name and value)
            headers={"x-api-key": self.api_key or ""},
            timeout=httpx.Timeout(params.get("timeout", 60.0)),  # (1)!
        )

    # --8<-- [end:client]
    # --8<-- [start:stream]
    async def stream_with_tools(self, messages, tools, **kwargs):
        """The turn's buffer: cleared at the start (kept on a compression retry), saved
        at the end."""
        self._clear_streaming_buffer(**kwargs)
        try:
            async for chunk in super().stream_with_tools(messages, tools, **kwargs):
                yield chunk
        finally:
            self._finalize_streaming_buffer(agent_id=kwargs.get("agent_id"))

    async def _stream_with_custom_and_mcp_tools(
        self,
        current_messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        client: httpx.AsyncClient,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamChunk]:
        all_params = {**self.config, **kwargs}
        body = await self.api_params_handler.build_api_params(
            current_messages, tools, all_params
        )
        model = body.get("model", "unknown")
        self.start_api_call_timing(model)

        calls: list[
            dict[str, Any]
        ] = []  # tool calls in MassGen's internal shape: call_id / name / arguments
        text = ""
        try:
            # ADAPT: the method and path of your provider's streaming request
            async with client.stream("POST", "/generate", json=body) as response:
                if response.status_code >= 400:
                    detail = (await response.aread()).decode(errors="replace")
                    raise NimbusAPIError(
                        f"Nimbus API error {response.status_code}: {detail}"
                    )
                async for chunk in self._process_stream(
                    response, all_params, kwargs.get("agent_id")
                ):
                    if chunk.type == "content":
                        text += chunk.content or ""
                    if chunk.type == "tool_calls":
                        calls = [
                            {
                                "call_id": c["id"],
                                "name": c["function"]["name"],
                                "arguments": c["function"]["arguments"],
                            }
                            for c in chunk.tool_calls or []
                        ]
                    if chunk.type != "done":
                        yield chunk
        except Exception as exc:
            error = (
                exc
                if isinstance(exc, NimbusAPIError)
                else NimbusAPIError(_describe(exc))
            )
            self.end_api_call_timing(success=False, error=str(error))  # (1)!
            raise error from exc  # stream_with_tools turns it into one "error" chunk
        self.end_api_call_timing(success=True)

        mcp_calls, custom_calls, provider_calls = self._categorize_tool_calls(calls)
        if provider_calls or not calls:  # (2)!
            yield StreamChunk(type="done")
            return

        # Execute custom / MCP tools here, then ask the model again with the results.
        messages = list(current_messages)
        messages.append(
            {
                "role": "assistant",
                "content": text or None,
                "tool_calls": [
                    {
                        "id": c["call_id"],
                        "type": "function",
                        "function": {"name": c["name"], "arguments": c["arguments"]},
                    }
                    for c in calls
                ],
            }
        )
        async for chunk in self._execute_tool_calls(
            all_calls=custom_calls + mcp_calls,
            tool_config_for_call=lambda call: self._tool_config(
                call["name"] in self._custom_tool_names
            ),
            all_params=all_params,
            updated_messages=messages,
            processed_call_ids=set(),
            log_prefix="[Nimbus]",
            chunk_adapter=lambda chunk: chunk,
        ):
            yield chunk
        async for chunk in self._stream_with_custom_and_mcp_tools(
            messages, tools, client, **kwargs
        ):
            yield chunk

    async def _stream_without_custom_and_mcp_tools(
        self, messages, tools, client, **kwargs
    ):
        """MassGen's fallback path (used when MCP set-up fails) assumes an OpenAI
        client: route it to ours."""
        kwargs.pop("_compression_retry", None)
        async for chunk in self._stream_with_custom_and_mcp_tools(
            messages, tools, client, **kwargs
        ):
            yield chunk

    # --8<-- [end:stream]
    # --8<-- [start:process]
    async def _process_stream(
        self,
        stream: httpx.Response,
        all_params: dict[str, Any],
        agent_id: str | None = None,
    ) -> AsyncGenerator[StreamChunk]:
        """Translate Nimbus NDJSON events into MassGen StreamChunks."""
        tool_calls: list[dict[str, Any]] = []
        thinking = False
        # ADAPT: how your stream is framed (NDJSON lines here; SSE, ...)
        async for line in stream.aiter_lines():
            if not line.strip():
                continue
            event = json.loads(
                line
            )  # a malformed line raises: the caller reports it as an error
            # ADAPT: your provider's event names and the fields each carries
            kind = event.get("event")
            if kind == "thinking":
                thinking = True
                self._append_reasoning_to_buffer(event["delta"])
                yield StreamChunk(
                    type="reasoning",
                    content=event["delta"],
                    reasoning_delta=event["delta"],
                )
            elif kind == "text":
                self.record_first_token()
                if thinking:  # the first text after thinking closes the reasoning block
                    thinking = False
                    yield StreamChunk(type="reasoning_done", content="")
                self._append_to_streaming_buffer(event["delta"])
                yield StreamChunk(type="content", content=event["delta"])
            elif kind == "tool_use":
                tool_calls.append(
                    {
                        "id": event["id"],
                        "type": "function",
                        "function": {
                            "name": event["name"],
                            "arguments": self.formatter.arguments_text(
                                event.get("input", {})
                            ),
                        },
                    }
                )
            # ADAPT: the event that ends a turn and the names of its usage fields
            elif kind == "end":
                self._update_token_usage_from_api_response(
                    event.get("usage"), all_params.get("model", "unknown")
                )
                if tool_calls:
                    self._append_tool_call_to_buffer(tool_calls)
                    yield StreamChunk(type="tool_calls", tool_calls=tool_calls)
                yield StreamChunk(type="done")
                return
        raise NimbusAPIError("Nimbus stream ended without an 'end' event")  # (1)!

    # --8<-- [end:process]
    # --8<-- [start:tool-results]
    def _tool_config(self, custom: bool) -> ToolExecutionConfig:
        kind = "custom" if custom else "mcp"
        label = "Custom Tool" if custom else "MCP Tool"
        return ToolExecutionConfig(
            tool_type=kind,
            chunk_type=f"{kind}_tool_status" if custom else "mcp_status",
            emoji_prefix=f"🔧 [{label}]",
            success_emoji=f"✅ [{label}]",
            error_emoji=f"❌ [{label} Error]",
            source_prefix=f"{kind}_",
            status_called=f"{kind}_tool_called",
            status_response=f"{kind}_tool_response",
            status_error=f"{kind}_tool_error",
            execution_callback=self.stream_custom_tool_execution
            if custom
            else self._execute_mcp_function_with_retry,
        )

    def _append_tool_result_message(
        self, updated_messages, call, result, tool_type
    ) -> None:
        text = getattr(result, "text", None) or str(result)
        self._append_tool_to_buffer(call.get("name", ""), text)
        updated_messages.append(
            {"role": "tool", "tool_call_id": call.get("call_id", ""), "content": text}
        )

    def _append_tool_error_message(
        self, updated_messages, call, error_msg, tool_type
    ) -> None:
        self._append_tool_to_buffer(call.get("name", ""), error_msg, is_error=True)
        updated_messages.append(
            {
                "role": "tool",
                "tool_call_id": call.get("call_id", ""),
                "content": error_msg,
            }
        )

    # --8<-- [end:tool-results]

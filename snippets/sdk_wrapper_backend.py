"""A stateful MassGen backend around an in-process async SDK (`snippets/fake_sdk.py`).

The SDK keeps the conversation in a session object, so each turn sends only the newest
prompt. Events arrive through a callback; the backend bridges them into an
`asyncio.Queue` and reads the queue with a timeout, so a silent SDK ends the turn with
an `error` chunk instead of a hang.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any

from massgen.backend._streaming_buffer_mixin import StreamingBufferMixin
from massgen.backend.base import FilesystemSupport, LLMBackend, StreamChunk
from massgen.backend.capabilities import BackendCapabilities

# ADAPT: import your vendor's SDK here instead of the offline fake
from snippets.fake_sdk import Event, FakeClient, FakeSdkError, Session

# --8<-- [start:capabilities]
CAPABILITIES = BackendCapabilities(
    backend_type="fake_sdk",
    provider_name="Fake SDK",
    supported_capabilities={"reasoning"},
    builtin_tools=[],
    filesystem_support="none",
    models=["fake-sdk-model"],
    default_model="fake-sdk-model",
    env_var=None,
    notes="Example: a stateful wrapper around an in-process async SDK.",
)
# --8<-- [end:capabilities]


# --8<-- [start:class]
class FakeSdkBackend(StreamingBufferMixin, LLMBackend):
    """Stateful backend holding one SDK session per backend instance.

    The mixin comes first, as in MassGen's SDK backends."""

    def __init__(self, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(api_key, **kwargs)
        self.model: str = kwargs.get("model", CAPABILITIES.default_model)
        # ADAPT: how your SDK's client is made (credentials, options)
        self.client = FakeClient(
            scenario=kwargs.get("scenario", "text"), fault=kwargs.get("fault")
        )
        self.send_timeout = float(
            kwargs.get("send_timeout", 30.0)
        )  # seconds for session.send
        self.event_timeout = float(
            kwargs.get("event_timeout", 60.0)
        )  # max seconds between two events
        self.session: Session | None = None
        self._system_prompt = (
            ""  # remembered across clear_history, dropped by reset_state
        )

    def get_provider_name(self) -> str:
        return "fake_sdk"

    def get_filesystem_support(self) -> FilesystemSupport:
        return FilesystemSupport.NONE

    # --8<-- [end:class]

    # --8<-- [start:stateful]
    def is_stateful(self) -> bool:
        return True

    async def clear_history(self) -> None:
        """Drop the SDK session (its history); the next turn opens a new one with the
        same system prompt."""
        await self._destroy_session()

    async def reset_state(self) -> None:
        """Drop the session and everything remembered about it, and stop the client."""
        await self._destroy_session()
        self._system_prompt = ""
        await self.client.stop()
        self._clear_streaming_buffer()

    async def _destroy_session(self) -> None:
        if self.session is not None:
            await self.session.destroy()
            self.session = None

    # --8<-- [end:stateful]

    # --8<-- [start:session]
    async def _ensure_session(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> Session:
        system = next(
            (m.get("content") for m in messages if m.get("role") == "system"), None
        )
        if system is not None:
            self._system_prompt = str(system)
        if self.session is None:
            if not self.client.started:
                await self.client.start()
            names = [t.get("function", {}).get("name", "") for t in tools or []]
            # ADAPT: how your SDK opens a session (system prompt, tools)
            self.session = await self.client.create_session(
                system_prompt=self._system_prompt, tools=names
            )
        return self.session

    @staticmethod
    def _prompt_from(messages: list[dict[str, Any]]) -> str:
        for message in reversed(messages):
            if message.get("role") == "user":
                return str(message.get("content") or "")
            if message.get("role") == "tool":
                return "[tool result] " + str(message.get("content") or "")
        return ""

    # --8<-- [end:session]

    # --8<-- [start:stream]
    async def stream_with_tools(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        **kwargs: Any,
    ) -> AsyncGenerator[StreamChunk]:
        self._clear_streaming_buffer(**kwargs)  # kept on a compression retry
        prompt = self._prompt_from(messages)
        if not prompt:
            yield StreamChunk(type="error", error="no user message to send to the SDK")
            return
        self.start_api_call_timing(self.model)
        queue: asyncio.Queue[Event] = asyncio.Queue()
        unsubscribe = None
        usage: dict[str, int] | None = None
        try:
            session = await self._ensure_session(messages, tools)
            # ADAPT: how your SDK delivers events (a callback here)
            unsubscribe = session.on(
                queue.put_nowait
            )  # the SDK's callback feeds our queue
            try:
                await asyncio.wait_for(session.send(prompt), timeout=self.send_timeout)
            except TimeoutError:
                raise FakeSdkError(
                    f"session.send took longer than {self.send_timeout:.1f}s"
                ) from None
            while True:
                try:
                    event = await asyncio.wait_for(
                        queue.get(), timeout=self.event_timeout
                    )
                except TimeoutError:
                    raise FakeSdkError(
                        f"the SDK sent no event for {self.event_timeout:.1f}s"
                    ) from None
                # ADAPT: your SDK's end-of-turn, error and usage events and fields
                if event.type == "session.idle":
                    break
                if event.type == "session.error":
                    raise FakeSdkError(
                        event.data.get("message", "unknown SDK error"),
                        event.data.get("status", 500),
                    )
                if event.type == "usage":
                    usage = {
                        "prompt_tokens": event.data["input_tokens"],
                        "completion_tokens": event.data["output_tokens"],
                        "total_tokens": event.data["input_tokens"]
                        + event.data["output_tokens"],
                    }
                    continue
                chunk = self._chunk_from_event(event)
                if chunk is not None:
                    yield chunk
        except FakeSdkError as exc:
            message = f"{exc} (status {exc.status})"
            await self._destroy_session()  # a broken session is not resumed
            self.end_api_call_timing(success=False, error=message)
            yield StreamChunk(type="error", error=message)
            return
        finally:
            if unsubscribe is not None:
                unsubscribe()
            self._finalize_streaming_buffer(agent_id=kwargs.get("agent_id"))
        if usage is not None:
            self._update_token_usage_from_api_response(usage, self.model)
        else:
            self._estimate_token_usage(messages, "", self.model)
        self.end_api_call_timing(success=True)
        yield StreamChunk(type="done", usage=usage)

    # --8<-- [end:stream]

    # --8<-- [start:events]
    def _chunk_from_event(self, event: Event) -> StreamChunk | None:
        # ADAPT: your SDK's event names and payload fields
        if event.type == "message.delta":
            self.record_first_token()
            self._append_to_streaming_buffer(event.data["text"])
            return StreamChunk(type="content", content=event.data["text"])
        if event.type == "reasoning.delta":
            self._append_reasoning_to_buffer(event.data["text"])
            return StreamChunk(type="reasoning", reasoning_delta=event.data["text"])
        if event.type == "tool.request":
            call = {
                "id": event.data["id"],
                "type": "function",
                "function": {
                    "name": event.data["name"],
                    "arguments": json.dumps(event.data["arguments"]),
                },
            }
            self._append_tool_call_to_buffer([call])
            return StreamChunk(type="tool_calls", tool_calls=[call])
        return None  # events this backend does not surface

    # --8<-- [end:events]

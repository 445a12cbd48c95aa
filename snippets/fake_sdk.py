"""A small fake in-process async SDK, for the stateful SDK wrapper example.

It stands in for a vendor's agent SDK (MassGen's `copilot` backend uses one): a client
you start, sessions that keep their own conversation history, a `send` call that starts
a turn, and events delivered to subscribed callbacks until the session goes idle. Faults
can be injected.

    client = FakeClient(scenario="text") await client.start() session = await
    client.create_session(system_prompt="Be brief.", tools=["get_weather"]) unsubscribe
    = session.on(print) await session.send("hello")          # events arrive at the
    callback; the last one is "session.idle"
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SCENARIOS = ("text", "reasoning", "tool")
FAULTS = ("send-error", "session-error", "crash", "stall")
ANSWER = "Four. (the fake SDK's answer)"  # given through MassGen's new_answer tool


class FakeSdkError(Exception):
    """Raised by SDK calls, with an HTTP-like status code."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.status = status


# --8<-- [start:events]
# ADAPT: your SDK's event names, so the tests exercise the real mapping
@dataclass
class Event:
    """One SDK event: message.delta, reasoning.delta, tool.request, usage,
    session.error, session.idle."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)


# --8<-- [end:events]


class Session:
    """A conversation kept inside the SDK: the caller sends only the new prompt each
    turn."""

    def __init__(
        self, client: FakeClient, session_id: str, system_prompt: str, tools: list[str]
    ) -> None:
        self._client = client
        self.id = session_id
        self.system_prompt = system_prompt
        self.tools = tools
        self.history: list[dict[str, str]] = []
        self.destroyed = False
        self._handlers: list[Callable[[Event], None]] = []
        self._task: asyncio.Task | None = None

    def on(self, handler: Callable[[Event], None]) -> Callable[[], None]:
        """Subscribe to events; returns a function that unsubscribes."""
        self._handlers.append(handler)
        return (
            lambda: self._handlers.remove(handler)
            if handler in self._handlers
            else None
        )

    def _emit(self, event: Event) -> None:
        for handler in list(self._handlers):
            handler(event)

    async def send(self, prompt: str) -> None:
        """Start a turn; events are produced in the background."""
        if self.destroyed:
            raise FakeSdkError(f"session {self.id} was destroyed", status=404)
        if self._client.fault == "send-error":
            raise FakeSdkError(
                "401 unauthorized: no credentials (injected)", status=401
            )
        self._task = asyncio.create_task(self._turn(prompt))

    async def destroy(self) -> None:
        self.destroyed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._client.sessions.pop(self.id, None)

    async def _turn(self, prompt: str) -> None:
        """Run one turn; a failure inside the SDK reaches subscribers as a session.error
        event."""
        try:
            await self._produce(prompt)
        except asyncio.CancelledError:
            raise
        # noqa: BLE001 - the SDK reports every internal failure as an event
        except Exception as exc:
            self._emit(
                Event(
                    "session.error",
                    {"message": f"{type(exc).__name__}: {exc}", "status": 502},
                )
            )

    # --8<-- [start:turn]
    async def _produce(self, prompt: str) -> None:
        fault, scenario = self._client.fault, self._client.scenario
        await asyncio.sleep(0)  # events arrive after send() returns, as with a real SDK
        turn = sum(1 for m in self.history if m["role"] == "user") + 1
        self.history.append({"role": "user", "content": prompt})
        if fault == "session-error":
            self._emit(
                Event(
                    "session.error",
                    {"message": "rate limited (injected)", "status": 429},
                )
            )
            return
        if scenario == "reasoning":
            self._emit(
                Event("reasoning.delta", {"text": f"Turn {turn} needs a short answer."})
            )
        if scenario == "tool" and "new_answer" in self.tools:
            # MassGen's workflow tools: vote for the lowest-numbered agent whose
            # answer the prompt shows (labelled <agentN.M>), else answer.
            shown = re.findall(r"<agent(\d+)\.\d+>", prompt)
            if "vote" in self.tools and shown:
                name, arguments = "vote", {
                    "agent_id": f"agent{min(shown, key=int)}",
                    "reason": "the fake SDK votes for the first answer shown",
                }
            else:
                name, arguments = "new_answer", {"content": ANSWER}
            self._emit(
                Event(
                    "tool.request",
                    {"id": f"tool_{turn}", "name": name, "arguments": arguments},
                )
            )
            reply = ""
        elif (
            scenario == "tool"
            and "get_weather" in self.tools
            and not prompt.startswith("[tool result]")
        ):
            city = prompt.split()[-1].strip("?.!") if prompt.split() else "Paris"
            self._emit(
                Event(
                    "tool.request",
                    {
                        "id": f"tool_{turn}",
                        "name": "get_weather",
                        "arguments": {"city": city},
                    },
                )
            )
            reply = ""
        else:
            prefix = "[instructed] " if self.system_prompt else ""
            reply = f"{prefix}Turn {turn}: {prompt}"
            for i, delta in enumerate(re.findall(r"\S+\s*", reply)):
                if i == 1 and fault == "crash":
                    raise ConnectionResetError("SDK transport closed (injected)")
                if i == 1 and fault == "stall":
                    await asyncio.sleep(3600)
                self._emit(Event("message.delta", {"text": delta}))
        self.history.append({"role": "assistant", "content": reply})
        context = " ".join(m["content"] for m in self.history[:-1])
        # ADAPT: your SDK's usage event and its field names
        self._emit(
            Event(
                "usage",
                {
                    "input_tokens": len((self.system_prompt + " " + context).split()),
                    "output_tokens": len(reply.split()),
                },
            )
        )
        self._emit(Event("session.idle"))

    # --8<-- [end:turn]


class FakeClient:
    """The SDK's entry point. `scenario` picks the reply shape; `fault` injects a
    failure."""

    _ids = itertools.count(1)

    def __init__(self, *, scenario: str = "text", fault: str | None = None) -> None:
        if scenario not in SCENARIOS or (fault and fault not in FAULTS):
            raise ValueError(f"unknown scenario {scenario!r} or fault {fault!r}")
        self.scenario = scenario
        self.fault = fault
        self.started = False
        self.sessions: dict[str, Session] = {}

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        for session in list(self.sessions.values()):
            await session.destroy()
        self.started = False

    async def create_session(
        self, *, system_prompt: str = "", tools: list[str] | None = None
    ) -> Session:
        if not self.started:
            raise FakeSdkError("client not started", status=400)
        session = Session(
            self, f"sdk-session-{next(self._ids)}", system_prompt, list(tools or [])
        )
        self.sessions[session.id] = session
        return session

"""The base test class of the conformance kit.

Subclass :class:`BackendConformanceTests` in a test module (the subclass name must start with ``Test``), set
``backend_class`` and the capability flags, and override the ``backend_factory`` fixture so that it returns a
backend instance pointed at a provider that will answer with the requested scenario:

* ``"text"``: a reply with text deltas (``turns`` replies in a row for the stateful test),
* ``"tool_call"``: a reply calling one tool (the kit offers a ``get_weather`` tool),
* ``"reasoning"``: a reply with reasoning deltas before the text,
* ``"failure"``: a provider failure (an HTTP 401, a crashing CLI, an SDK error ...).

Checks a flag switches off are skipped with a reason that names the flag (``pytest -rs`` lists them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from massgen_guide.examples.conformance.checks import (
    check_filesystem_support,
    check_provider_name,
    check_stateful_methods,
    check_timing_recorded,
    check_usage_recorded,
    resolve_capabilities,
    usage_snapshot,
)
from massgen_guide.examples.conformance.lifecycle import (
    ConformanceError,
    collect_stream,
    validate_failure_stream,
    validate_stream,
)

SCENARIOS = ("text", "tool_call", "reasoning", "failure")

BackendFactory = Callable[..., Any]

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


class BackendConformanceTests:
    """Standard behaviour tests for a MassGen backend. Subclass it; do not collect it directly."""

    #: The backend class under test (a subclass of ``massgen.backend.base.LLMBackend``).
    backend_class: ClassVar[type | None] = None
    #: The key of the backend's entry in ``BACKEND_CAPABILITIES`` (``massgen/backend/capabilities.py``).
    backend_type: ClassVar[str | None] = None
    #: A ``BackendCapabilities`` to check against when the backend is not registered (yet).
    capabilities: ClassVar[Any] = None

    # Capability flags: each switches checks on or off.
    supports_tool_calls: ClassVar[bool] = True
    supports_reasoning: ClassVar[bool] = False
    is_stateful: ClassVar[bool] = False
    reports_usage: ClassVar[bool] = True
    #: True when the final ``done`` chunk carries ``usage``; MassGen's ChatCompletions backends record usage
    #: through ``_update_token_usage_from_api_response`` and yield a bare ``done``, so they set this False.
    done_carries_usage: ClassVar[bool] = True

    #: Seconds any one stream may take before the kit calls it a hang.
    stream_timeout: ClassVar[float] = 10.0
    messages: ClassVar[list[dict[str, Any]]] = [
        {"role": "system", "content": "You are a weather assistant."},
        {"role": "user", "content": "What is the weather in Oslo?"},
    ]
    followup_messages: ClassVar[list[dict[str, Any]]] = [{"role": "user", "content": "And in Bergen?"}]
    tools: ClassVar[list[dict[str, Any]]] = [WEATHER_TOOL]

    # -- what a subclass provides ------------------------------------------------------------------------------------

    @pytest.fixture
    def backend_factory(self) -> BackendFactory:
        """Override: return ``make(scenario, turns=1)`` building a backend whose provider plays ``scenario``."""
        raise NotImplementedError(f"{type(self).__name__} must override the backend_factory fixture")

    def session_marker(self, backend: Any) -> Any:
        """Override for stateful backends: a value naming the live session (e.g. a session id), or None.

        When it returns something, the stateful check also asserts that a second turn resumes the session
        and that ``clear_history`` and ``reset_state`` each lead to a different one.
        """
        return None

    # -- helpers -----------------------------------------------------------------------------------------------------

    def _require(self, flag: str) -> None:
        if not getattr(self, flag):
            pytest.skip(f"{type(self).__name__}.{flag} is False")

    def _capabilities(self) -> Any:
        caps = resolve_capabilities(self.backend_type, self.capabilities)
        if caps is None:
            pytest.skip(
                f"{type(self).__name__}: backend_type {self.backend_type!r} is not in BACKEND_CAPABILITIES "
                "and no capabilities entry is given",
            )
        return caps

    def _stream(self, backend: Any, messages: list[dict[str, Any]] | None = None) -> Any:
        return collect_stream(backend, messages or self.messages, self.tools, timeout=self.stream_timeout)

    def _one_stream(self, backend: Any) -> list[Any]:
        return asyncio.run(self._stream(backend))

    # -- the checks --------------------------------------------------------------------------------------------------

    def test_factory_builds_backend_class(self, backend_factory: BackendFactory) -> None:
        from massgen.backend.base import LLMBackend

        if self.backend_class is None or not issubclass(self.backend_class, LLMBackend):
            raise ConformanceError(f"backend_class {self.backend_class!r} is not a subclass of LLMBackend")
        backend = backend_factory("text")
        if not isinstance(backend, self.backend_class):
            raise ConformanceError(f"backend_factory built a {type(backend).__name__}, not a {self.backend_class.__name__}")

    def test_provider_name_matches_capabilities(self, backend_factory: BackendFactory) -> None:
        check_provider_name(backend_factory("text"), self._capabilities())

    def test_filesystem_support_matches_capabilities(self, backend_factory: BackendFactory) -> None:
        check_filesystem_support(backend_factory("text"), self._capabilities())

    def test_is_stateful_matches_flag(self, backend_factory: BackendFactory) -> None:
        actual = backend_factory("text").is_stateful()
        if actual is not self.is_stateful:
            raise ConformanceError(f"is_stateful() returned {actual!r} but the flag is_stateful is {self.is_stateful!r}")

    def test_text_stream_lifecycle(self, backend_factory: BackendFactory) -> None:
        chunks = self._one_stream(backend_factory("text"))
        validate_stream(chunks, require_usage=self.done_carries_usage)
        if not any(c.type == "content" and c.content for c in chunks):
            raise ConformanceError("a text reply produced no 'content' chunk")

    def test_tool_call_stream(self, backend_factory: BackendFactory) -> None:
        self._require("supports_tool_calls")
        chunks = self._one_stream(backend_factory("tool_call"))
        validate_stream(chunks, require_usage=self.done_carries_usage)
        if not any(c.type == "tool_calls" for c in chunks):
            raise ConformanceError("a tool-call reply produced no 'tool_calls' chunk")

    def test_reasoning_stream(self, backend_factory: BackendFactory) -> None:
        self._require("supports_reasoning")
        chunks = self._one_stream(backend_factory("reasoning"))
        validate_stream(chunks, require_usage=self.done_carries_usage)
        if not any(c.type == "reasoning" and c.reasoning_delta for c in chunks):
            raise ConformanceError("a reasoning reply produced no 'reasoning' chunk with reasoning_delta")

    def test_provider_failure_yields_error(self, backend_factory: BackendFactory) -> None:
        validate_failure_stream(self._one_stream(backend_factory("failure")))

    def test_usage_and_timing_recorded(self, backend_factory: BackendFactory) -> None:
        self._require("reports_usage")
        backend = backend_factory("text")
        before, calls_before = usage_snapshot(backend), len(backend.get_api_call_history())
        validate_stream(self._one_stream(backend), require_usage=self.done_carries_usage)
        check_usage_recorded(backend, before)
        check_timing_recorded(backend, calls_before)

    def test_stateful_contract(self, backend_factory: BackendFactory) -> None:
        self._require("is_stateful")
        backend = backend_factory("text", turns=4)
        check_stateful_methods(backend)
        asyncio.run(self._stateful_turns(backend))

    async def _stateful_turns(self, backend: Any) -> None:
        async def turn(label: str, messages: list[dict[str, Any]]) -> Any:
            chunks = await self._stream(backend, messages)
            try:
                validate_stream(chunks, require_usage=self.done_carries_usage)
            except ConformanceError as exc:
                raise ConformanceError(f"{label}: {exc}") from None
            return self.session_marker(backend)

        first = await turn("first turn", self.messages)
        second = await turn("second turn", self.followup_messages)
        await backend.clear_history()
        after_clear = await turn("turn after clear_history", self.messages)
        await backend.reset_state()
        after_reset = await turn("turn after reset_state", self.messages)
        if first is None:
            return  # no session_marker: the coroutine contract and the four lifecycles were checked
        if second != first:
            raise ConformanceError(f"the second turn ran in session {second!r}, not {first!r}: the session was not resumed")
        if after_clear == first:
            raise ConformanceError(f"the turn after clear_history still ran in session {first!r}")
        if after_reset == after_clear:
            raise ConformanceError(f"the turn after reset_state still ran in session {after_clear!r}")

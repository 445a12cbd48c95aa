"""Backend-level checks of the conformance kit, each usable alone (they raise ConformanceError)."""

from __future__ import annotations

import inspect
from typing import Any

from massgen_guide.examples.conformance.lifecycle import ConformanceError


def resolve_capabilities(backend_type: str | None, capabilities: Any = None) -> Any:
    """The capabilities entry to check against: the one given, else MassGen's registry entry, else None."""
    if capabilities is not None:
        return capabilities
    if backend_type is None:
        return None
    from massgen.backend.capabilities import BACKEND_CAPABILITIES

    return BACKEND_CAPABILITIES.get(backend_type)


def check_provider_name(backend: Any, capabilities: Any) -> None:
    """``get_provider_name()`` must resolve to the entry's ``backend_type`` through ``normalize_backend_type``.

    MassGen itself looks a backend's capabilities up that way (the execution context of
    ``massgen/backend/base_with_custom_tool_and_mcp.py`` passes ``normalize_backend_type(self.get_provider_name())``).
    """
    from massgen.backend.capabilities import normalize_backend_type

    name = backend.get_provider_name()
    if not isinstance(name, str) or not name.strip():
        raise ConformanceError(f"get_provider_name() returned {name!r}: expected a non-empty string")
    resolved = normalize_backend_type(name)
    if resolved != capabilities.backend_type:
        raise ConformanceError(
            f"get_provider_name() returned {name!r}, which normalize_backend_type() resolves to {resolved!r}, "
            f"not to the capabilities entry {capabilities.backend_type!r}",
        )


def check_filesystem_support(backend: Any, capabilities: Any) -> None:
    """``get_filesystem_support()`` returns a ``FilesystemSupport`` member whose value the entry names."""
    from massgen.backend.base import FilesystemSupport

    support = backend.get_filesystem_support()
    if not isinstance(support, FilesystemSupport):
        raise ConformanceError(f"get_filesystem_support() returned {support!r}: expected a FilesystemSupport member")
    if support.value != capabilities.filesystem_support:
        raise ConformanceError(
            f"get_filesystem_support() returned FilesystemSupport.{support.name} but the capabilities entry "
            f"{capabilities.backend_type!r} has filesystem_support={capabilities.filesystem_support!r}",
        )


def usage_snapshot(backend: Any) -> tuple[int, int]:
    usage = backend.get_token_usage()
    return usage.input_tokens, usage.output_tokens


def check_usage_recorded(backend: Any, before: tuple[int, int]) -> None:
    """The stream added tokens to ``backend.token_usage`` (MassGen's cumulative ``TokenUsage``)."""
    after = usage_snapshot(backend)
    if sum(after) <= sum(before):
        raise ConformanceError(
            f"token usage was not recorded: token_usage stayed at input={after[0]} output={after[1]} "
            "(call _update_token_usage_from_api_response or _estimate_token_usage, or add the tokens to "
            "token_usage)",
        )


def check_timing_recorded(backend: Any, calls_before: int) -> None:
    """The stream recorded one successful API call through start/end_api_call_timing."""
    new_calls = backend.get_api_call_history()[calls_before:]
    if not new_calls:
        raise ConformanceError(
            "no API call timing was recorded (call start_api_call_timing before the request "
            "and end_api_call_timing when the stream ends)",
        )
    call = new_calls[-1]
    if not call.success:
        raise ConformanceError(f"the recorded API call is marked failed: {call.error_message}")
    if call.end_time < call.start_time:
        raise ConformanceError("the recorded API call ends before it starts")
    if call.backend_name != backend.get_provider_name():
        raise ConformanceError(
            f"the recorded API call names backend {call.backend_name!r}, not {backend.get_provider_name()!r}",
        )


def check_stateful_methods(backend: Any) -> None:
    """A stateful backend's ``clear_history`` and ``reset_state`` are coroutine functions.

    MassGen's ``ChatAgent`` (``massgen/chat_agent.py``) awaits both when ``is_stateful()`` is true, so the
    synchronous no-ops inherited from ``LLMBackend`` would raise ``TypeError`` there.
    """
    for name in ("clear_history", "reset_state"):
        if not inspect.iscoroutinefunction(getattr(backend, name)):
            raise ConformanceError(
                f"{type(backend).__name__}.{name} is not a coroutine function, "
                "but ChatAgent awaits it when is_stateful() is True",
            )

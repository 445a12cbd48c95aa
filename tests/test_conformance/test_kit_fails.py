"""The kit fails on backends that break a rule, with the exact message, and its flags switch checks off."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from massgen_guide.examples.conformance import BackendConformanceTests, ConformanceError, collect_stream


@pytest.fixture
def cli(tmp_path: Path):
    """(backend class, capabilities, factory) for the CLI wrapper example; subclasses plug in broken variants."""
    from snippets.cli_wrapper_backend import CAPABILITIES, FakeCliBackend

    def factory_for(cls: type = FakeCliBackend):
        def make(scenario: str, turns: int = 1) -> Any:
            state = tmp_path / f"state-{scenario}"
            state.mkdir(exist_ok=True)
            return cls(state_dir=state, scenario={"tool_call": "tool"}.get(scenario, scenario) if scenario != "failure"
                       else None, fault="exit" if scenario == "failure" else None)
        return make

    return FakeCliBackend, CAPABILITIES, factory_for


def kit_for(cls: type, caps: Any, **flags: Any) -> BackendConformanceTests:
    attrs = {"backend_class": cls, "capabilities": caps, "is_stateful": True, **flags}
    return type("Kit", (BackendConformanceTests,), attrs)()


def test_provider_name_disagreeing_with_the_registry(conformance_provider, monkeypatch) -> None:
    """MassGen's own `zai` type pointed at a local URL names itself 'ChatCompletion' (inferred from base_url)."""
    from massgen.cli.backends import create_backend

    monkeypatch.setenv("ZAI_API_KEY", "test-key")
    kit = type("Kit", (BackendConformanceTests,), {"backend_type": "zai"})()
    with pytest.raises(ConformanceError) as info:
        kit.test_provider_name_matches_capabilities(
            lambda scenario, turns=1: create_backend("zai", base_url=conformance_provider.base_url, model="m"))
    assert str(info.value) == ("get_provider_name() returned 'ChatCompletion', which normalize_backend_type() "
                               "resolves to 'chatcompletion', not to the capabilities entry 'zai'")


def test_filesystem_support_disagreeing_with_the_entry(cli) -> None:
    from massgen.backend.base import FilesystemSupport

    base, caps, factory_for = cli
    broken = type("NoneClaimingBackend", (base,), {"get_filesystem_support": lambda self: FilesystemSupport.NONE})
    with pytest.raises(ConformanceError) as info:
        kit_for(broken, caps).test_filesystem_support_matches_capabilities(factory_for(broken))
    assert str(info.value) == ("get_filesystem_support() returned FilesystemSupport.NONE but the capabilities entry "
                               "'fake_cli' has filesystem_support='mcp'")
    broken = type("StringBackend", (base,), {"get_filesystem_support": lambda self: "none"})
    with pytest.raises(ConformanceError) as info:
        kit_for(broken, caps).test_filesystem_support_matches_capabilities(factory_for(broken))
    assert str(info.value) == "get_filesystem_support() returned 'none': expected a FilesystemSupport member"


def test_sync_clear_history_on_a_stateful_backend(cli) -> None:
    base, caps, factory_for = cli
    broken = type("SyncClearBackend", (base,), {"clear_history": lambda self: None})
    with pytest.raises(ConformanceError) as info:
        kit_for(broken, caps).test_stateful_contract(factory_for(broken))
    assert str(info.value) == ("SyncClearBackend.clear_history is not a coroutine function, "
                               "but ChatAgent awaits it when is_stateful() is True")


def test_clear_history_that_keeps_the_session(cli) -> None:
    base, caps, factory_for = cli

    async def keep(self: Any) -> None:
        return None

    broken = type("StickyBackend", (base,), {"clear_history": keep})
    kit = kit_for(broken, caps, session_marker=lambda self, backend: backend.session_id)
    with pytest.raises(ConformanceError) as info:
        kit.test_stateful_contract(factory_for(broken))
    assert str(info.value) == "the turn after clear_history still ran in session 'sess-1'"


def test_stateful_flag_disagreeing_with_the_backend(cli) -> None:
    base, caps, factory_for = cli
    with pytest.raises(ConformanceError) as info:
        kit_for(base, caps, is_stateful=False).test_is_stateful_matches_flag(factory_for())
    assert str(info.value) == "is_stateful() returned True but the flag is_stateful is False"


def test_failure_not_reported(cli) -> None:
    base, caps, factory_for = cli
    healthy = factory_for()

    def never_fails(scenario: str, turns: int = 1) -> Any:
        return healthy("text")

    with pytest.raises(ConformanceError) as info:
        kit_for(base, caps).test_provider_failure_yields_error(never_fails)
    assert str(info.value) == ("invalid stream: no 'error' chunk after a provider failure "
                               "(got: agent_status, content x9, done)")


def test_usage_and_timing_not_recorded(cli) -> None:
    base, caps, factory_for = cli
    # (the CLI example records its tokens in _record_usage, without MassGen's price download)
    no_usage = type("NoUsageBackend", (base,), {"_record_usage": lambda self, usage: None})
    with pytest.raises(ConformanceError) as info:
        kit_for(no_usage, caps).test_usage_and_timing_recorded(factory_for(no_usage))
    assert str(info.value) == ("token usage was not recorded: token_usage stayed at input=0 output=0 "
                               "(call _update_token_usage_from_api_response or _estimate_token_usage, or add the "
                               "tokens to token_usage)")
    no_timing = type("NoTimingBackend", (base,), {"end_api_call_timing": lambda self, success=True, error=None: None})
    with pytest.raises(ConformanceError) as info:
        kit_for(no_timing, caps).test_usage_and_timing_recorded(factory_for(no_timing))
    assert str(info.value) == ("no API call timing was recorded (call start_api_call_timing before the request "
                               "and end_api_call_timing when the stream ends)")


def test_done_without_usage_fails_the_lifecycle(cli) -> None:
    from massgen.backend.base import StreamChunk

    base, caps, factory_for = cli

    async def bare_done(self: Any, messages: Any, tools: Any, **kwargs: Any):
        yield StreamChunk(type="content", content="hi")
        yield StreamChunk(type="done")

    broken = type("BareDoneBackend", (base,), {"stream_with_tools": bare_done})
    with pytest.raises(ConformanceError) as info:
        kit_for(broken, caps).test_text_stream_lifecycle(factory_for(broken))
    assert str(info.value) == "invalid stream: 'done' chunk 1 carries no usage"
    kit_for(broken, caps, done_carries_usage=False).test_text_stream_lifecycle(factory_for(broken))  # flag off: passes


def test_hanging_and_raising_streams(cli) -> None:
    base, caps, factory_for = cli
    backend = factory_for()("text")
    backend.fault = "hang"
    with pytest.raises(ConformanceError) as info:
        asyncio.run(collect_stream(backend, [{"role": "user", "content": "hi"}], [], timeout=3))
    assert str(info.value) == "stream did not end within 3s (2 chunks received)"

    async def boom(self: Any, messages: Any, tools: Any, **kwargs: Any):
        raise RuntimeError("boom")
        yield  # pragma: no cover - makes this an async generator

    raising = type("RaisingBackend", (base,), {"stream_with_tools": boom})
    with pytest.raises(ConformanceError) as info:
        kit_for(raising, caps).test_provider_failure_yields_error(factory_for(raising))
    assert str(info.value) == ("stream_with_tools raised RuntimeError: boom "
                               "(failures must be yielded as an 'error' chunk)")


def test_flags_switch_checks_off(cli) -> None:
    base, caps, factory_for = cli
    kit = kit_for(base, caps, supports_tool_calls=False, supports_reasoning=False, reports_usage=False)
    for check, flag in [(kit.test_tool_call_stream, "supports_tool_calls"),
                        (kit.test_reasoning_stream, "supports_reasoning"),
                        (kit.test_usage_and_timing_recorded, "reports_usage")]:
        with pytest.raises(pytest.skip.Exception) as info:
            check(factory_for())
        assert str(info.value) == f"Kit.{flag} is False"
    with pytest.raises(pytest.skip.Exception) as info:
        kit_for(base, None, is_stateful=False).test_stateful_contract(factory_for())
    assert str(info.value) == "Kit.is_stateful is False"


def test_unregistered_backend_without_an_entry_is_reported(cli) -> None:
    base, _, factory_for = cli
    kit = type("Kit", (BackendConformanceTests,), {"backend_class": base, "backend_type": "fake_cli"})()
    with pytest.raises(pytest.skip.Exception) as info:
        kit.test_provider_name_matches_capabilities(factory_for())
    assert str(info.value) == ("Kit: backend_type 'fake_cli' is not in BACKEND_CAPABILITIES "
                               "and no capabilities entry is given")

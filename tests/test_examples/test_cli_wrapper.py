"""The stateful CLI wrapper example (snippets/cli_wrapper_backend.py) driving the fake CLI (snippets/fake_cli.py)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

SYSTEM = {"role": "system", "content": "Be brief."}


def brief(chunk: Any) -> dict[str, Any]:
    """A chunk as the dict of its set fields (the `display` flag left out)."""
    return {k: v for k, v in vars(chunk).items() if v is not None and k != "display"}


def drain(backend: Any, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
          timeout: float = 15.0) -> tuple[list[dict[str, Any]], float]:
    async def run() -> list[Any]:
        return [c async for c in backend.stream_with_tools(messages, tools or [])]

    start = time.monotonic()
    chunks = asyncio.run(asyncio.wait_for(run(), timeout))
    return [brief(c) for c in chunks], time.monotonic() - start


@pytest.fixture
def cli_backend(quiet_massgen: Any, tmp_path: Path):
    from snippets.cli_wrapper_backend import FakeCliBackend

    def make(**kwargs: Any) -> FakeCliBackend:
        return FakeCliBackend(state_dir=tmp_path / "state", **kwargs)

    (tmp_path / "state").mkdir()
    return make


def test_usage_is_recorded_without_a_price_download(cli_backend, monkeypatch) -> None:
    # The pricing page's rule for CLIs: no LiteLLM download per turn. Downloads are counted here, not tried.
    from massgen.token_manager.token_manager import ModelPricing, TokenCostCalculator

    downloads: list[str] = []
    monkeypatch.setattr(TokenCostCalculator, "_fetch_litellm_pricing", lambda self: downloads.append("try"))
    backend = cli_backend()
    drain(backend, [SYSTEM, {"role": "user", "content": "hello there"}])
    # no price for the model (a flat subscription): the tokens alone, cost 0
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (4, 5)
    assert (backend.token_usage.estimated_cost, downloads) == (0, [])

    # a PROVIDER_PRICING entry (what `massgen-guide new --price` adds): the cost too, still no download
    priced = cli_backend()
    monkeypatch.setitem(TokenCostCalculator.PROVIDER_PRICING, priced.get_provider_name(),
                        {"fake-model-1": ModelPricing(1.0, 3.0)})
    drain(priced, [SYSTEM, {"role": "user", "content": "hello there"}])
    assert round(priced.token_usage.estimated_cost, 6) == round((4 * 1.0 + 5 * 3.0) / 1000, 6)
    assert downloads == []


def test_class_uses_massgen_bases_in_mixin_first_order(quiet_massgen: Any) -> None:
    from massgen.backend._streaming_buffer_mixin import StreamingBufferMixin
    from massgen.backend.base import LLMBackend

    from snippets.cli_wrapper_backend import FakeCliBackend

    mro = FakeCliBackend.__mro__
    assert mro[1:3] == (StreamingBufferMixin, LLMBackend)


def test_text_turn_exact_chunks_usage_and_timing(cli_backend) -> None:
    backend = cli_backend()
    chunks, _ = drain(backend, [SYSTEM, {"role": "user", "content": "hello there"}])
    assert chunks == [
        {"type": "agent_status", "status": "session_started", "detail": "sess-1"},
        {"type": "content", "content": "[instructed] "},
        {"type": "content", "content": "Turn "},
        {"type": "content", "content": "1: "},
        {"type": "content", "content": "hello "},
        {"type": "content", "content": "there"},
        {"type": "done", "usage": {"prompt_tokens": 4, "completion_tokens": 5, "total_tokens": 9}},
    ]
    assert (backend.token_usage.input_tokens, backend.token_usage.output_tokens) == (4, 5)
    [call] = backend.get_api_call_history()
    assert (call.backend_name, call.model, call.success) == ("fake_cli", "fake-model-1", True)
    assert 0 < call.time_to_first_token_ms <= call.duration_ms
    assert backend._get_streaming_buffer() == "[instructed] Turn 1: hello there"


def test_reasoning_turn(cli_backend) -> None:
    chunks, _ = drain(cli_backend(scenario="reasoning"), [{"role": "user", "content": "two words"}])
    assert chunks[1:3] == [
        {"type": "reasoning", "reasoning_delta": "The user wrote 2 words.", "item_id": "rs_0"},
        {"type": "reasoning_done", "reasoning_text": "The user wrote 2 words.", "item_id": "rs_0"},
    ]
    assert [c["type"] for c in chunks[3:]] == ["content"] * 4 + ["done"]


def test_tool_call_then_tool_result_resumes_the_session(cli_backend) -> None:
    backend = cli_backend(scenario="tool")
    chunks, _ = drain(backend, [{"role": "user", "content": "weather in Oslo?"}])
    assert chunks == [
        {"type": "agent_status", "status": "session_started", "detail": "sess-1"},
        {"type": "tool_calls", "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "get_weather", "arguments": json.dumps({"city": "Oslo"})}}]},
        {"type": "done", "usage": {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}},
    ]
    result = {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}
    chunks, _ = drain(backend, [{"role": "user", "content": "weather in Oslo?"}, result])
    text = "".join(c.get("content", "") for c in chunks if c["type"] == "content")
    assert text == "Turn 2: [tool result] sunny"
    assert chunks[0]["detail"] == "sess-1"


def test_stateful_contract(cli_backend, tmp_path: Path) -> None:
    backend = cli_backend()
    assert backend.is_stateful() is True

    def text_of(messages: list[dict[str, Any]]) -> str:
        chunks, _ = drain(backend, messages)
        return "".join(c.get("content", "") for c in chunks if c["type"] == "content")

    assert text_of([SYSTEM, {"role": "user", "content": "one"}]) == "[instructed] Turn 1: one"
    assert text_of([{"role": "user", "content": "two"}]) == "[instructed] Turn 2: two"  # resumed
    assert backend.session_id == "sess-1"

    asyncio.run(backend.clear_history())  # new session, workspace config kept
    assert backend.session_id is None
    assert text_of([{"role": "user", "content": "three"}]) == "[instructed] Turn 1: three"
    assert backend.session_id == "sess-2"

    asyncio.run(backend.reset_state())  # new session, workspace config removed
    assert backend.session_id is None
    assert not (tmp_path / "state" / "config.json").exists()
    assert text_of([{"role": "user", "content": "four"}]) == "Turn 1: four"
    assert backend.session_id == "sess-3"


FAULTS = {
    "exit": "the CLI exited with code 3: fake-cli: authentication failed (injected)",
    "malformed": 'malformed JSON from the CLI: {"type": "item.delta", "item": {"type": "agent_mess',
    "hang": "the CLI sent nothing for 1.0s; stopped it",
    "turn-failed": "the CLI reported: model overloaded (injected)",
    "no-completion": "the CLI ended without a turn.completed event",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_ends_with_one_error_chunk_in_bounded_time(cli_backend, fault: str) -> None:
    backend = cli_backend(fault=fault, idle_timeout=1.0 if fault == "hang" else 10.0)  # slack for a loaded machine
    chunks, elapsed = drain(backend, [{"role": "user", "content": "hello"}])
    assert chunks[-1] == {"type": "error", "error": FAULTS[fault]}
    assert [c["type"] for c in chunks].count("error") == 1
    assert "done" not in [c["type"] for c in chunks]
    assert elapsed < 5
    [call] = backend.get_api_call_history()
    assert (call.success, call.error_message) == (False, FAULTS[fault])
    assert backend.session_id is None  # a failed first turn leaves no session to resume


def test_turn_timeout_bounds_a_slow_cli(cli_backend) -> None:
    backend = cli_backend(fault="hang", idle_timeout=30.0, turn_timeout=1.0)
    chunks, elapsed = drain(backend, [{"role": "user", "content": "hello"}])
    assert chunks[-1]["type"] == "error" and elapsed < 5


def test_consumer_stopping_early_kills_the_cli(cli_backend) -> None:
    backend = cli_backend(fault="hang", idle_timeout=60.0)

    async def first_two() -> float:
        stream = backend.stream_with_tools([{"role": "user", "content": "hi"}], [])
        kinds = [(await stream.__anext__()).type, (await stream.__anext__()).type]
        assert kinds == ["agent_status", "content"]
        start = time.monotonic()
        await stream.aclose()  # runs the generator's finally blocks: kill + wait
        return time.monotonic() - start

    assert asyncio.run(asyncio.wait_for(first_two(), 10)) < 2


def test_fake_cli_rejects_an_unknown_session(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "snippets" / "fake_cli.py"
    result = subprocess.run([sys.executable, str(script), "--state-dir", str(tmp_path), "--resume", "sess-9", "hi"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 4
    assert result.stderr == f"fake-cli: no session 'sess-9' in {tmp_path}\n"
    assert result.stdout == ""


def test_a_retry_without_a_session_sends_the_task_again(cli_backend, tmp_path: Path) -> None:
    """MassGen's retry carries only the enforcement message. After a failed first turn there is no session to
    resume, so the wrapper puts the task in front of it; with a session, it sends the retry message alone."""
    backend = cli_backend(fault="exit")
    first = [{"role": "system", "content": "rules"}, {"role": "user", "content": "What is 2+2?"}]
    chunks, _ = drain(backend, first)
    assert [c["type"] for c in chunks] == ["agent_status", "error"] and backend.session_id is None
    backend.fault = None
    retry = [{"role": "user", "content": "You must call new_answer or vote."}]
    drain(backend, retry)
    session = json.loads((tmp_path / "state" / f"{backend.session_id}.json").read_text())
    assert session["turns"][0]["prompt"] == "What is 2+2?\n\nYou must call new_answer or vote."
    drain(backend, retry)  # the session exists now: resumed, the retry message alone
    session = json.loads((tmp_path / "state" / f"{backend.session_id}.json").read_text())
    assert session["turns"][1]["prompt"] == "You must call new_answer or vote."

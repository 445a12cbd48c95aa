"""Every fault of the fake provider against every example backend, and against MassGen's own ChatCompletionsBackend.

The expected outcomes live in ``EXPECTED``; the fault table on docs/examples/fake-provider.md is ``render_table()``'s
output, and a test checks the page still shows exactly that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from massgen_guide.examples.fake_provider import FAULTS, FakeProvider

from .example_helpers import chunk_type, collect

PAGE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "fake-provider.md"
MESSAGES = [{"role": "user", "content": "hi"}]
CLIENT_TIMEOUT = 0.5  # seconds: the read timeout the example backends are configured with
STALL_BOUND = 1.0  # seconds we wait for a backend that has no timeout of its own


@dataclass(frozen=True)
class Outcome:
    chunks: tuple[str, ...]  # chunk types in order; () when the stream had not ended within STALL_BOUND
    error: str | None  # text the one error chunk contains; None: no error chunk at all
    requests: int  # requests the fake provider received (retries show here)
    timing: str  # "failed": one API-call record with success=False; "none": no record (the call stays open)


BACKENDS = {  # the page states the settings: examples with a 0.5 s timeout (Skyline: max_retries=0), MassGen's as is
    "skyline": "`SkylineBackend`",
    "nimbus": "`NimbusBackend`",
    "chatcompletions": "`ChatCompletionsBackend`",
}

EXPECTED: dict[tuple[str, str], Outcome] = {
    ("http_401", "skyline"): Outcome(("error",), "Error code: 401", 1, "failed"),
    ("http_401", "nimbus"): Outcome(("error",), "Nimbus API error 401", 1, "failed"),
    ("http_401", "chatcompletions"): Outcome(("error",), "Error code: 401", 1, "failed"),
    ("http_429", "skyline"): Outcome(("error",), "Error code: 429", 1, "failed"),
    ("http_429", "nimbus"): Outcome(("error",), "Nimbus API error 429", 1, "failed"),
    ("http_429", "chatcompletions"): Outcome(("error",), "Error code: 429", 3, "failed"),
    ("http_500", "skyline"): Outcome(("error",), "Error code: 500", 1, "failed"),
    ("http_500", "nimbus"): Outcome(("error",), "Nimbus API error 500", 1, "failed"),
    ("http_500", "chatcompletions"): Outcome(("error",), "Error code: 500", 3, "failed"),
    ("malformed", "skyline"): Outcome(("content", "error"), "Expecting ',' delimiter", 1, "failed"),
    ("malformed", "nimbus"): Outcome(("content", "error"), "JSONDecodeError: Expecting ',' delimiter", 1, "failed"),
    ("malformed", "chatcompletions"): Outcome(("content", "error"), "Expecting ',' delimiter", 1, "none"),
    ("drop", "skyline"): Outcome(("content", "error"), "peer closed connection without sending complete message body",
                                 1, "failed"),
    ("drop", "nimbus"): Outcome(("content", "error"), "RemoteProtocolError: peer closed connection", 1, "failed"),
    ("drop", "chatcompletions"): Outcome(("content", "error"),
                                         "peer closed connection without sending complete message body", 1, "none"),
    ("truncated", "skyline"): Outcome(("content", "error"), "Skyline stream ended without a finish_reason", 1,
                                      "failed"),
    ("truncated", "nimbus"): Outcome(("content", "error"), "Nimbus stream ended without an 'end' event", 1, "failed"),
    ("truncated", "chatcompletions"): Outcome(("content",), None, 1, "none"),
    ("stall", "skyline"): Outcome(("error",), "ReadTimeout", 1, "failed"),
    ("stall", "nimbus"): Outcome(("error",), "ReadTimeout", 1, "failed"),
    ("stall", "chatcompletions"): Outcome((), None, 1, "none"),
}


def _make_backend(name: str, server: FakeProvider) -> Any:
    if name == "skyline":
        from snippets.openai_compatible_backend import SkylineBackend

        return SkylineBackend(api_key="k", base_url=server.base_url, model="m", timeout=CLIENT_TIMEOUT, max_retries=0)
    if name == "nimbus":
        from snippets.custom_api_backend import NimbusBackend

        return NimbusBackend(api_key="k", base_url=server.custom_base_url, model="m", timeout=CLIENT_TIMEOUT)
    from massgen.backend.chat_completions import ChatCompletionsBackend

    return ChatCompletionsBackend(api_key="k", base_url=server.base_url, model="m")


@pytest.mark.parametrize(("fault", "backend_name"), list(EXPECTED), ids=[f"{f}-{b}" for f, b in EXPECTED])
def test_fault(quiet_massgen: Any, fake_provider: FakeProvider, fault: str, backend_name: str) -> None:
    expected = EXPECTED[(fault, backend_name)]
    fake_provider.script(*(FAULTS[fault]() for _ in range(3)))  # enough for a client that retries twice
    backend = _make_backend(backend_name, fake_provider)
    stream = backend.stream_with_tools(MESSAGES, [])

    if not expected.chunks:  # MassGen's own behaviour: no timeout of its own, so the stream is still waiting
        with pytest.raises(TimeoutError):
            collect(stream, timeout=STALL_BOUND)
    else:
        chunks, elapsed = collect(stream, timeout=10)  # an unhandled exception would fail the test here
        assert tuple(chunk_type(c) for c in chunks) == expected.chunks
        errors = [c.error for c in chunks if chunk_type(c) == "error"]
        if expected.error is None:
            assert errors == []
        else:
            [error] = errors
            assert expected.error in error
        bound = CLIENT_TIMEOUT + 3.0 if fault == "stall" else 5.0
        assert elapsed < bound
    assert len(fake_provider.requests) == expected.requests
    history = backend.get_api_call_history()
    if expected.timing == "failed":
        assert [c.success for c in history] == [False]
    else:
        assert history == []


def render_table() -> str:
    def cell_chunks(outcome: Outcome) -> str:
        if not outcome.chunks:
            return f"none: still waiting after {STALL_BOUND:g} s"
        shown = " then ".join(f"`{kind}`" for kind in outcome.chunks)
        return shown if "error" in outcome.chunks else f"{shown}, then the stream just ends (no `done`)"

    def cell_error(outcome: Outcome) -> str:
        return "none" if outcome.error is None else f"contains `{outcome.error}`"

    timing = {"failed": "closed, `success=False`", "none": "left open (no record)"}
    rows = ["| Fault | Backend | Chunks | Error text | Requests | API-call timing |",
            "|---|---|---|---|---|---|"]
    for (fault, backend), outcome in EXPECTED.items():
        rows.append(f"| `{fault}` | {BACKENDS[backend]} | {cell_chunks(outcome)} | {cell_error(outcome)} | "
                    f"{outcome.requests} | {timing[outcome.timing]} |")
    return "\n".join(rows)


def test_page_shows_the_tested_table() -> None:
    assert render_table() in PAGE.read_text(encoding="utf-8"), \
        "docs/examples/fake-provider.md must contain render_table()'s output verbatim (regenerate it)"


def test_table_check_catches_a_changed_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    page = PAGE.read_text(encoding="utf-8")
    monkeypatch.setitem(EXPECTED, ("http_429", "chatcompletions"), Outcome(("error",), "Error code: 429", 1, "failed"))
    assert render_table() not in page


if __name__ == "__main__":  # print the table for the page
    print(render_table())

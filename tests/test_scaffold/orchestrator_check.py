"""Real MassGen multi-agent runs on scaffolded backends of every kind, offline.

Run by massgen_runner.py inside the copy's interpreter (MassGen imported from the copy, where the backends are
registered by the scaffolder: a `create_backend` branch, a capabilities entry; nothing is patched). Imports only
MassGen, pytest and the standard library.

`SCAFFOLD_ORCHESTRATOR` (JSON) lists the runs: `{"id": ..., "kind": ..., "types": [agent1's, agent2's],
"answer": ...}`. Two agents on those types coordinate through MassGen's workflow tools: each answers with
`new_answer` while no answer is in its context, then votes for the lowest-numbered agent whose answer it is
shown (agent1 once both have answered); the final answer is the fake's answer.
The fakes:
- openai-compatible: a chat-completions SSE server on 127.0.0.1;
- custom-api: an NDJSON server on 127.0.0.1 in the custom-API example's wire format;
- cli-wrapper: the scaffolded fake CLI, which calls the workflow tools on MassGen's workflow MCP server;
- sdk-wrapper: the scaffolded fake SDK, in process.
`SCAFFOLD_AUTOMATION` names one run that is also run through MassGen's command line in automation mode.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RUNS = json.loads(os.environ.get("SCAFFOLD_ORCHESTRATOR") or "[]")
AUTOMATION = os.environ.get("SCAFFOLD_AUTOMATION", "")
HTTP_ANSWER = "The answer is 42."
RUN_BOUND = 600
"""Seconds after which a coordination counts as hung (asyncio.TimeoutError fails the test); a bound, not a speed
target: the runs' seconds go to SCAFFOLD_TIMINGS, and the benchmark reports them."""


def _decide(tool_names: list[str], user_text: str) -> tuple[str, dict] | None:
    """The fake model: vote for the lowest-numbered agent whose answer the user messages show (MassGen labels
    each `<agentN.M>`; a vote for an agent whose answer is not shown is refused and retried), else answer; None:
    plain text."""
    shown = re.findall(r"<agent(\d+)\.\d+>", user_text)
    if "vote" in tool_names and shown:
        return "vote", {"agent_id": f"agent{min(shown, key=int)}", "reason": "it is right"}
    if "new_answer" in tool_names:
        return "new_answer", {"content": HTTP_ANSWER}
    return None


def _sse(body: dict, call: tuple[str, dict] | None, n: int) -> bytes:
    def event(delta: dict | None, finish: str | None = None, **extra) -> bytes:
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body.get("model"),
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if delta is not None else [],
                 **extra}
        return b"data: " + json.dumps(chunk).encode() + b"\n\n"

    if call:
        events = [event({"role": "assistant", "tool_calls": [{"index": 0, "id": f"call_{n}", "type": "function",
                                                               "function": {"name": call[0],
                                                                            "arguments": json.dumps(call[1])}}]}),
                  event({}, "tool_calls")]
    else:
        events = [event({"role": "assistant", "content": HTTP_ANSWER}), event({}, "stop")]
    usage = {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    return b"".join([*events, event(None, usage=usage), b"data: [DONE]\n\n"])


def _ndjson(body: dict, call: tuple[str, dict] | None, n: int) -> bytes:
    if call:
        events = [{"event": "tool_use", "id": f"tu_{n}", "name": call[0], "input": call[1]},
                  {"event": "end", "stop_reason": "tool_use", "usage": {"input_tokens": 5, "output_tokens": 2}}]
    else:
        events = [{"event": "text", "delta": HTTP_ANSWER},
                  {"event": "end", "stop_reason": "end_turn", "usage": {"input_tokens": 5, "output_tokens": 2}}]
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        names = [t.get("name") or t.get("function", {}).get("name") for t in body.get("tools") or []]
        self.server.tool_lists.append(names)
        users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
        call = _decide(names, json.dumps(users))
        ndjson = self.path.endswith("/generate")  # the custom-API example's endpoint
        payload = (_ndjson if ndjson else _sse)(body, call, len(self.server.tool_lists))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson" if ndjson else "text/event-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server():
    fake = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake.daemon_threads = True
    fake.tool_lists = []
    threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield fake
    fake.shutdown()
    fake.server_close()


AGENTS = ("agent1", "agent2")


def _backend(run: dict, agent: str, server, tmp_path: Path, monkeypatch) -> dict:
    from massgen.backend.capabilities import BACKEND_CAPABILITIES

    backend_type = run["types"][AGENTS.index(agent)]
    caps = BACKEND_CAPABILITIES[backend_type]
    backend = {"type": backend_type, "model": caps.default_model}
    if run["kind"] in ("openai-compatible", "custom-api"):
        monkeypatch.setenv(caps.env_var, "test-key")  # read by the scaffolded create_backend branch
        backend["base_url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    elif run["kind"] == "cli-wrapper":
        backend.update(scenario="tool", idle_timeout=120.0)
        if agent == "agent1":
            # A workspace, and MassGen's command_line server for the shell work the wrapper denies its CLI:
            # the fake CLI saves its answer file through execute_command (it refuses its own, denied shell).
            backend.update(cwd=f"workspace_{agent}", enable_mcp_command_line=True)
    else:
        backend["scenario"] = "tool"
    return backend


def _record(label: str, seconds: float) -> None:
    if os.environ.get("SCAFFOLD_TIMINGS"):
        with open(os.environ["SCAFFOLD_TIMINGS"], "a", encoding="utf-8") as out:
            out.write(f"{label} {seconds:.2f}\n")


@pytest.mark.parametrize("run", RUNS, ids=[r["id"] for r in RUNS])
def test_two_agents_answer_vote_and_agree(run: dict, server, tmp_path: Path, monkeypatch) -> None:
    import massgen

    monkeypatch.chdir(tmp_path)  # MassGen writes .massgen/ into the working directory
    config = {"agents": [{"id": agent, "backend": _backend(run, agent, server, tmp_path, monkeypatch)}
                         for agent in AGENTS],
              "ui": {"display_type": "simple", "logging_enabled": False}}
    if run["kind"] == "cli-wrapper":
        config["orchestrator"] = {
            # snapshots of answers, and the temporary workspaces where agents see them
            "snapshot_storage": "snapshots", "agent_temporary_workspace": "temp_workspaces",
            # Each CLI turn starts processes (the fake CLI, MassGen's workflow server), so only the four turns the
            # proof needs run: one answer each, then one vote each. Settings MassGen's own quick mode uses
            # (cli/mode_flags.py): no agent votes before both have answered (no vote that agent1's answer would
            # void), and the winner's answer is the final answer, with no presentation turn.
            "max_new_answers_per_agent": 1, "defer_voting_until_all_answered": True,
            "skip_final_presentation": True}
    start = time.perf_counter()
    result = asyncio.run(asyncio.wait_for(
        massgen.run(query="What is 2+2?", config_dict=config, enable_filesystem=False), timeout=RUN_BOUND))
    elapsed = time.perf_counter() - start
    _record(f"orchestrator {run['id']} ({run['kind']}: {' + '.join(run['types'])})", elapsed)

    assert result["final_answer"] == run["answer"]
    votes = result["vote_results"]
    assert (votes["agents_with_answers"], votes["total_votes"], votes["winner"]) == (2, 2, "agent1"), votes
    assert {a["agent_id"] for a in result["answers"]} == {"agent1", "agent2"}
    if run["kind"] in ("openai-compatible", "custom-api"):
        assert server.tool_lists and all("new_answer" in names for names in server.tool_lists[:2])
    # (cli-wrapper: the fake CLI answers and votes only by calling MassGen's workflow MCP server, so the answer
    # and the votes above are that route's proof)
    if run["kind"] == "cli-wrapper":
        # The answer file agent1's CLI saved through MassGen's command_line server reached the view of the
        # answers an agent votes from; the wrapper's own folder did not: the scaffolder added it to the
        # filesystem manager's workspace-metadata and snapshot-exclusion sets.
        views = sorted((tmp_path / "temp_workspaces").rglob("answer.txt"))
        assert views and views[0].read_text(encoding="utf-8") == run["answer"], views
        leaked = [p for name in run["types"] for p in (tmp_path / "temp_workspaces").rglob(f".{name}")]
        assert leaked == []
    assert result["usage"]["prompt_tokens"] > 0


@pytest.mark.skipif(not AUTOMATION, reason="SCAFFOLD_AUTOMATION names no run")
def test_the_massgen_command_line_in_automation_mode(server, tmp_path: Path, monkeypatch, capfd) -> None:
    """`massgen --automation --config CONFIG "question"`: MassGen's command-line entry point (`massgen.cli.cli_main`,
    what the console script calls) in a temp working directory; its exit code and its ANSWER file are checked.

    massgen_runner.py runs this test alone in a process of its own, forked once MassGen is imported (so the import
    is not paid twice), under the same 127.0.0.1-only guard."""
    from massgen.cli import cli_main

    run = next(r for r in RUNS if r["id"] == AUTOMATION)
    agents = "".join(
        f"  - id: {agent}\n    backend:\n"
        + "".join(f"      {k}: {json.dumps(v)}\n" for k, v in _backend(run, agent, server, tmp_path, monkeypatch).items())
        for agent in AGENTS)
    config = tmp_path / "two_agents.yaml"
    config.write_text(f"agents:\n{agents}ui:\n  display_type: simple\n  logging_enabled: true\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["massgen", "--automation", "--config", str(config), "What is 2+2?"])
    start = time.perf_counter()
    try:
        code = cli_main()
    except SystemExit as exc:
        code = exc.code
    elapsed = time.perf_counter() - start
    out, err = capfd.readouterr()
    _record(f"automation {run['id']} ({run['kind']}: {' + '.join(run['types'])}, own process)", elapsed)
    assert code in (0, None), out[-3000:] + err[-3000:]
    answer_line = [line for line in out.splitlines() if line.startswith("ANSWER: ")]
    assert answer_line, out[-3000:]
    assert Path(answer_line[-1][len("ANSWER: "):]).read_text(encoding="utf-8").strip() == run["answer"]

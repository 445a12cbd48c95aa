"""A real MassGen multi-agent run on the scaffolded `acme` backend (openai-compatible kind), offline.

Run by massgen_runner.py inside the copy's interpreter (MassGen imported from the copy); imports only MassGen, pytest
and the standard library. Two agents on type `acme` talk to a fake chat-completions server on 127.0.0.1 that
answers through MassGen's workflow tools: `new_answer` while no answer is in the context, then `vote`.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "The answer is 42."


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        names = [t.get("function", {}).get("name") for t in body.get("tools") or []]
        self.server.tool_lists.append(names)
        seen = ANSWER in json.dumps(body.get("messages"))
        if "vote" in names and seen:
            call = ("vote", {"agent_id": "agent1", "reason": "it is right"})
        elif "new_answer" in names:
            call = ("new_answer", {"content": ANSWER})
        else:
            call = None
        model = body.get("model")

        def event(delta: dict, finish: str | None = None, **extra) -> bytes:
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if delta is not None else [],
                     **extra}
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        if call:
            events = [event({"role": "assistant", "tool_calls": [{"index": 0, "id": f"call_{len(self.server.tool_lists)}",
                             "type": "function", "function": {"name": call[0], "arguments": json.dumps(call[1])}}]}),
                      event({}, "tool_calls")]
        else:
            events = [event({"role": "assistant", "content": ANSWER}), event({}, "stop")]
        events += [event(None, usage={"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}), b"data: [DONE]\n\n"]
        payload = b"".join(events)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_two_agents_answer_vote_and_agree(tmp_path, monkeypatch) -> None:
    import massgen

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.tool_lists = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.chdir(tmp_path)  # MassGen writes .massgen/ into the working directory
    monkeypatch.setenv("ACME_API_KEY", "test-key")
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    config = {"agents": [{"id": f"agent{i}", "backend": {"type": "acme", "model": "acme-large", "base_url": url}}
                         for i in (1, 2)],
              "ui": {"display_type": "simple", "logging_enabled": False}}
    start = time.perf_counter()
    try:
        result = asyncio.run(asyncio.wait_for(
            massgen.run(query="What is 6 times 7?", config_dict=config, enable_filesystem=False), timeout=120))
    finally:
        server.shutdown()
        server.server_close()
    elapsed = time.perf_counter() - start
    if os.environ.get("SCAFFOLD_TIMINGS"):
        with open(os.environ["SCAFFOLD_TIMINGS"], "a", encoding="utf-8") as out:
            out.write(f"orchestrator openai-compatible {elapsed:.2f}\n")
    assert result["final_answer"] == ANSWER
    votes = result["vote_results"]
    assert (votes["agents_with_answers"], votes["total_votes"], votes["winner"]) == (2, 2, "agent1")
    assert {a["agent_id"] for a in result["answers"]} == {"agent1", "agent2"}
    assert all("new_answer" in names for names in server.tool_lists)
    assert elapsed < 60

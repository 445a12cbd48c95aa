"""A fake LLM provider: a real HTTP server on 127.0.0.1 that the guide's example backends stream from.

It speaks two wire formats:

* **OpenAI chat completions** at ``POST {base_url}/chat/completions`` (``base_url`` ends in ``/v1``): server-sent
  events ``data: {...}`` with content deltas, ``reasoning_content`` deltas, tool-call deltas split over several
  events (id and name first, then argument fragments), a finish event, a usage event when the request asked for
  ``stream_options.include_usage``, then ``data: [DONE]``. A request with ``"stream": false`` gets one JSON body.
* **The custom NDJSON format** at ``POST {custom_base_url}/generate`` used by the custom-API example backend: one JSON
  object per line, each with an ``event`` key::

      {"event": "thinking", "delta": "..."}
      {"event": "text", "delta": "..."}
      {"event": "tool_use", "id": "...", "name": "...", "input": {...}}
      {"event": "end", "stop_reason": "end_turn" | "tool_use", "usage": {"input_tokens": n, "output_tokens": n}}

  Errors before the stream are an HTTP status with ``{"error": {"type": ..., "message": ...}}``.

Each request takes the next scripted item from a queue: a ``Reply`` (rendered in the wire format the request's path
asks for) or a fault (``HTTPError``, ``Malformed``, ``Drop``, ``Stall``). Every request is recorded (method,
path, headers, parsed JSON body) so tests can assert what a backend sent. With the queue empty the server answers
500 with ``"fake provider: nothing scripted"`` so a missing script is a loud failure, not a hang.

Usage::

    with FakeProvider() as server:
        server.script(Reply(text=["Hel", "lo"]))
        ...  # point a backend at server.base_url
        assert server.requests[0].json["model"] == "fake-model"

The server runs in a background thread (stdlib ``ThreadingHTTPServer``), so clients may run in any event loop.
Responses use chunked transfer encoding, so a dropped connection is visible to the client as an incomplete body.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Drop",
    "FakeProvider",
    "FAULTS",
    "HTTPError",
    "Malformed",
    "RecordedRequest",
    "Reply",
    "Stall",
    "ToolCall",
    "Usage",
]

OPENAI_PATH = "/v1/chat/completions"
CUSTOM_PATH = "/custom/v1/generate"


# ----------------------------------------------------------------------------------------------------------------------
# What a test scripts
# ----------------------------------------------------------------------------------------------------------------------


@dataclass
class ToolCall:
    """One tool call the model makes. ``arguments`` is sent as JSON text split into ``pieces`` fragments (OpenAI)."""

    id: str
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    pieces: int = 3

    def argument_fragments(self) -> list[str]:
        text = json.dumps(self.arguments, separators=(",", ":"))
        n = max(1, min(self.pieces, len(text)))
        size = -(-len(text) // n)
        return [text[i:i + size] for i in range(0, len(text), size)]


@dataclass
class Usage:
    """Token counts the provider reports at the end of a stream."""

    input_tokens: int = 12
    output_tokens: int = 7
    reasoning_tokens: int = 0

    def openai(self) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
        }
        if self.reasoning_tokens:
            usage["completion_tokens_details"] = {"reasoning_tokens": self.reasoning_tokens}
        return usage

    def custom(self) -> dict[str, Any]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "thinking_tokens": self.reasoning_tokens}


@dataclass
class Reply:
    """A successful streamed answer: reasoning deltas, then text deltas, then tool calls, then usage."""

    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage | None = field(default_factory=Usage)
    finish_reason: str | None = None  # default: "tool_calls" when there are tool calls, else "stop"
    delay: float = 0.0  # seconds to sleep between events (to make timing measurable)

    @property
    def finish(self) -> str:
        return self.finish_reason or ("tool_calls" if self.tool_calls else "stop")


@dataclass
class HTTPError:
    """Answer with an HTTP error status and a JSON error body (401, 429, 500, ...)."""

    status: int
    message: str = ""
    retry_after: float | None = None  # sent as a Retry-After header when set

    def body(self) -> dict[str, Any]:
        kinds = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}
        kind = kinds.get(self.status, "server_error" if self.status >= 500 else "invalid_request_error")
        return {"error": {"type": kind, "code": kind, "message": self.message or f"fake provider: HTTP {self.status}"}}


@dataclass
class Malformed:
    """Start a good stream (``reply``'s first ``after_events`` events), then send a line that is not valid JSON.

    For every fault, ``after_events`` counts the reply's own events; the OpenAI role preamble
    (``{"role": "assistant", "content": ""}``) is sent in addition.
    """

    reply: Reply = field(default_factory=lambda: Reply(text=["partial"]))
    after_events: int = 1


@dataclass
class Drop:
    """Start a good stream, then close the socket mid-body (no final chunk, no ``[DONE]``/``end``).

    With ``clean=True`` the HTTP body is ended properly instead: complete at the HTTP level, but the stream's own
    final events (finish, usage, ``[DONE]`` / ``end``) are missing.
    """

    reply: Reply = field(default_factory=lambda: Reply(text=["partial"]))
    after_events: int = 1
    clean: bool = False


@dataclass
class Stall:
    """Hold the connection open without data for ``seconds`` (or until the server stops).

    ``after_events`` good events are sent first; with ``headers=False`` not even the status line is sent.
    """

    reply: Reply = field(default_factory=lambda: Reply(text=["partial"]))
    after_events: int = 0
    headers: bool = True
    seconds: float = 60.0


Fault = HTTPError | Malformed | Drop | Stall
Scripted = Reply | Fault

#: The faults the guide tests, by name (factories: each call gives a fresh object).
FAULTS: dict[str, Any] = {
    "http_401": lambda: HTTPError(401, "fake provider: invalid API key"),
    "http_429": lambda: HTTPError(429, "fake provider: rate limited", retry_after=0.05),
    "http_500": lambda: HTTPError(500, "fake provider: internal error"),
    "malformed": lambda: Malformed(),
    "drop": lambda: Drop(),
    "truncated": lambda: Drop(clean=True),
    "stall": lambda: Stall(),
}


@dataclass
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    answered_with: str = ""  # the class name of the scripted item used ("Reply", "HTTPError", ...)


# ----------------------------------------------------------------------------------------------------------------------
# Rendering replies into the two wire formats
# ----------------------------------------------------------------------------------------------------------------------


def _openai_events(reply: Reply, model: str, include_usage: bool) -> list[bytes]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(body).encode() + b"\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": piece}) for piece in reply.reasoning]
    events += [chunk({"content": piece}) for piece in reply.text]
    for index, call in enumerate(reply.tool_calls):
        events.append(chunk({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                             "function": {"name": call.name, "arguments": ""}}]}))
        events += [chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})
                   for fragment in call.argument_fragments()]
    events.append(chunk({}, reply.finish))
    if include_usage and reply.usage is not None:
        events.append(b"data: " + json.dumps({**base, "choices": [], "usage": reply.usage.openai()}).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def _openai_body(reply: Reply, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": "".join(reply.text) or None}
    if reply.tool_calls:
        message["tool_calls"] = [{"id": c.id, "type": "function",
                                  "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                                 for c in reply.tool_calls]
    body: dict[str, Any] = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": model,
                            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish}]}
    if reply.usage is not None:
        body["usage"] = reply.usage.openai()
    return body


def _custom_events(reply: Reply) -> list[bytes]:
    def line(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj).encode() + b"\n"

    events = [line({"event": "thinking", "delta": piece}) for piece in reply.reasoning]
    events += [line({"event": "text", "delta": piece}) for piece in reply.text]
    events += [line({"event": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}) for c in reply.tool_calls]
    stop = "tool_use" if reply.finish == "tool_calls" else ("max_tokens" if reply.finish == "length" else "end_turn")
    end: dict[str, Any] = {"event": "end", "stop_reason": stop}
    if reply.usage is not None:
        end["usage"] = reply.usage.custom()
    events.append(line(end))
    return events


# ----------------------------------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
        return

    def do_GET(self) -> None:  # noqa: N802
        provider = self.server.provider
        provider._record(self, b"", "GET")
        if self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._send_json(404, {"error": {"type": "not_found", "message": f"fake provider: no route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802
        provider = self.server.provider
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        if path not in (OPENAI_PATH, CUSTOM_PATH):
            provider._record(self, raw, "POST")
            self._send_json(404, {"error": {"type": "not_found", "message": f"fake provider: no route {path}"}})
            return
        item = provider._next()
        record = provider._record(self, raw, "POST", item)
        if item is None:
            self._send_json(500, {"error": {"type": "server_error", "message": "fake provider: nothing scripted"}})
            return
        if isinstance(item, HTTPError):
            headers = {"Retry-After": str(item.retry_after)} if item.retry_after is not None else {}
            self._send_json(item.status, item.body(), headers)
            return
        request = record.json if isinstance(record.json, dict) else {}
        reply = item if isinstance(item, Reply) else item.reply
        model = str(request.get("model", "fake-model"))
        if path == OPENAI_PATH:
            if request.get("stream") is False or "stream" not in request:
                if isinstance(item, Stall):
                    self._stall(item)
                    return
                self._send_json(200, _openai_body(reply, model))
                return
            include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
            events = _openai_events(reply, model, include_usage)
            content_type = "text/event-stream"
        else:
            events = _custom_events(reply)
            content_type = "application/x-ndjson"
        self._stream(item, reply, events, content_type)

    # -- response helpers ---------------------------------------------------------------------------------------------

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def _start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _stall(self, item: Stall) -> None:
        deadline = time.monotonic() + item.seconds
        while time.monotonic() < deadline and not self.server.provider._stopping.is_set():
            time.sleep(0.02)
        self._abort()

    def _abort(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _stream(self, item: Scripted, reply: Reply, events: list[bytes], content_type: str) -> None:
        try:
            if isinstance(item, Stall) and not item.headers:
                self._stall(item)
                return
            self._start_chunked(content_type)
            limit = item.after_events if isinstance(item, (Malformed, Drop, Stall)) else len(events)
            if content_type == "text/event-stream" and limit < len(events):
                limit += 1  # the OpenAI role preamble event does not count
            for index, event in enumerate(events[:limit]):
                if reply.delay and index:
                    time.sleep(reply.delay)
                self._write_chunk(event)
            if isinstance(item, Malformed):
                bad = b'data: {"choices": [{"delta": {"content": "oops"\n\n' if content_type == "text/event-stream" \
                    else b'{"event": "text", "delta": "oops"\n'
                self._write_chunk(bad)
                if content_type == "text/event-stream":
                    self._write_chunk(b"data: [DONE]\n\n")
            elif isinstance(item, Drop) and not item.clean:
                self._abort()
                return
            elif isinstance(item, Stall):
                self._stall(item)
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    provider: FakeProvider


class FakeProvider:
    """The fake provider server. Use as a context manager, or call :meth:`start` / :meth:`stop`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._queue: deque[Scripted] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[RecordedRequest] = []

    # -- lifecycle ----------------------------------------------------------------------------------------------------

    def start(self) -> FakeProvider:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self._host, self._port), _Handler)
        server.provider = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # ends stalls
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("fake provider is not running")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``"""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``.../v1``): pass it as ``base_url`` to an OpenAI client or backend."""
        return self.root_url + "/v1"

    @property
    def custom_base_url(self) -> str:
        """The custom NDJSON API's base URL; the stream endpoint is ``{custom_base_url}/generate``."""
        return self.root_url + "/custom/v1"

    # -- scripting ----------------------------------------------------------------------------------------------------

    def script(self, *items: Scripted) -> FakeProvider:
        """Queue replies or faults; each request takes the next one."""
        with self._lock:
            self._queue.extend(items)
        return self

    def reset(self) -> None:
        """Forget queued items and recorded requests (the server keeps running)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        """How many scripted items are still queued."""
        with self._lock:
            return len(self._queue)

    def _next(self) -> Scripted | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def _record(self, handler: BaseHTTPRequestHandler, raw: bytes, method: str,
                item: Scripted | None = None) -> RecordedRequest:
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        record = RecordedRequest(method=method, path=handler.path, body=raw, json=parsed,
                                 headers={k.lower(): v for k, v in handler.headers.items()},
                                 answered_with=type(item).__name__ if item is not None else "")
        with self._lock:
            self.requests.append(record)
        return record

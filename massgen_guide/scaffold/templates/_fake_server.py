# ----------------------------------------------------------------- the fake provider
class FakeProvider(ThreadingHTTPServer):
    """A tiny {{Provider}} stand-in on 127.0.0.1.

    It answers each POST with text, or with a tool call when the request offers the tool
    `get_weather` and has no tool result yet. Every request body is kept in `self.bodies`.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: list[dict] = []
        # a short poll interval: close() waits for one poll (0.5 s by default)
        self.thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(
            self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}"
        )
        self.server.bodies.append(body)
        # ADAPT: where your provider's requests carry the tools and tool results
        names = [
            t.get("name") or t.get("function", {}).get("name")
            for t in body.get("tools") or []
        ]
        answered = any(
            m.get("role") in ("tool", "tool_result") for m in body.get("messages", [])
        )
        call = "get_weather" in names and not answered
        lines = _events(call, body.get("model", "{{model}}"))
        payload = b"".join(lines)
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

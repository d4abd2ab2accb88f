"""A real HTTP server on 127.0.0.1 that plays an external inquiry registry (a civil registry, say).

Each request takes the next scripted behaviour (the last one repeats): answer with JSON, fail with
500, refuse with 400, send garbage, or hang until the test ends (past the client's timeout).
``hold`` answers only after ``release()``, so a test can act while a worker waits on the registry.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = {"answer": "هویت متقاضی با اطلاعات ثبت احوال مطابقت دارد.", "status": "matched", "alive": True}
# behaviour -> (HTTP status, body, content type)
REPLIES = {
    "answer": (200, json.dumps(ANSWER).encode(), "application/json"),
    "500": (500, b'{"error": "internal"}', "application/json"),
    "400": (400, b'{"error": "unknown inquiry"}', "application/json"),
    "garbage": (200, b"<html>502 Bad Gateway</html>", "text/html"),
    "list": (200, b"[1, 2, 3]", "application/json"),
    "huge": (200, b'{"answer": "' + b"x" * (300 * 1024) + b'"}', "application/json"),
}


class FakeRegistry:
    def __init__(self) -> None:
        self.script: list[str] = ["answer"]
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stop_hanging = threading.Event()
        self.released = threading.Event()
        self.holding = threading.Event()  # set once a held request is waiting
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with registry.lock:
                    registry.requests.append(
                        {"body": json.loads(raw), "idempotency_key": self.headers.get("Idempotency-Key")}
                    )
                    behaviour = registry.script.pop(0) if len(registry.script) > 1 else registry.script[0]
                if behaviour == "hang":
                    registry.stop_hanging.wait(30)
                    return
                if behaviour == "hold":
                    registry.holding.set()
                    registry.released.wait(30)
                    behaviour = "answer"
                self._reply(*REPLIES[behaviour])

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/inquiries"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_hanging.set()
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        self.released.set()

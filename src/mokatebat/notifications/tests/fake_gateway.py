"""A real HTTP SMS gateway for tests: a ThreadingHTTPServer on 127.0.0.1 that records every request
and answers each call as told (OK, 500, 429 with Retry-After, 400, or hang past the client's timeout)."""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    retry_after: str | None = None
    hang: bool = False
    body: str | None = None  # None: {"id": ...} on success, an error object otherwise
    # Whether the gateway "took" the message: a 2xx, or a hang after taking it (the lost answer case).
    accepted: bool = True


OK = Answer()
SERVER_ERROR = Answer(status=500, accepted=False)
BAD_REQUEST = Answer(status=400, accepted=False)
HANG = Answer(hang=True, accepted=False)
ACCEPT_THEN_HANG = Answer(hang=True, accepted=True)


def rate_limited(retry_after: str) -> Answer:
    return Answer(status=429, retry_after=retry_after, accepted=False)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]
    answer: Answer

    @property
    def reference(self) -> str:
        return str(self.payload.get("reference"))


@dataclass
class FakeGateway:
    api_key: str = "gateway-test-key"
    default: Answer = OK
    requests: list[Received] = field(default_factory=list)
    _script: deque[Answer] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, *answers: Answer) -> None:
        """Answer the next calls like this, in order; later calls get ``default``."""
        with self._lock:
            self._script.extend(answers)

    def accepted_counts(self) -> Counter[str]:
        with self._lock:
            return Counter(request.reference for request in self.requests if request.answer.accepted)

    def texts(self) -> list[str]:
        with self._lock:
            return [str(request.payload.get("text")) for request in self.requests]

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        # A short poll interval keeps stop() (shutdown waits for one poll) quick.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self._release.set()  # wake hanging handlers
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def _next_answer(self, received: Received) -> None:
        with self._lock:
            received.answer = self._script.popleft() if self._script else self.default
            self.requests.append(received)


def _handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received = Received(self.path, dict(self.headers.items()), json.loads(body), OK)
            gateway._next_answer(received)
            answer = received.answer
            if answer.hang:
                # Longer than any client timeout used in tests; stop() cuts it short.
                gateway._release.wait(60)
                self.close_connection = True
                return
            reply = answer.body
            if reply is None:
                reply = json.dumps({"id": f"gw-{len(gateway.requests)}"} if answer.status < 300 else {"error": "x"})
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            data = reply.encode()
            self.send_header("Content-Length", str(len(data)))
            if answer.retry_after is not None:
                self.send_header("Retry-After", answer.retry_after)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler

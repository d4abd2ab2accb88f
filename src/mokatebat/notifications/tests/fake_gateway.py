"""Real HTTP SMS gateways for tests: a ThreadingHTTPServer on 127.0.0.1 that speaks Kavenegar's or
SMS.ir's documented REST protocol — sending, their error codes, throttling, the status/report
endpoints a sender asks for delivery and de-duplication, and the account check.

Every message the gateway *takes* lands on ``phone`` (what the citizen's handset would get), so a
test can count copies. Each send call is answered as scripted (``answer``), otherwise ``default``.
``LATE`` takes the message and answers only after the client has given up: the lost-answer case.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Answer:
    kind: str = "ok"  # ok | server_error | throttled | bad_key | no_credit | invalid_number | hang | late
    retry_after: str | None = None


OK = Answer()
SERVER_ERROR = Answer("server_error")
BAD_KEY = Answer("bad_key")
NO_CREDIT = Answer("no_credit")
INVALID_NUMBER = Answer("invalid_number")
HANG = Answer("hang")  # never takes the message, never answers in time
LATE = Answer("late")  # takes the message, answers after the client's timeout


def throttled(retry_after: str) -> Answer:
    return Answer("throttled", retry_after=retry_after)


@dataclass
class Sent:
    """A message the gateway took: on its way to the phone."""

    id: int
    mobile: str
    text: str
    sender: str
    localid: str
    at: float
    delivery: str = "queued"  # queued | delivered | failed
    cost: int = 0


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]


@dataclass
class FakeGateway:
    protocol: str = "kavenegar"
    api_key: str = "gateway-test-key"
    default: Answer = OK
    credit: int = 1_000_000
    # Kavenegar documents that a second send with a used localid sends nothing; switch it off to
    # prove that our own lookup, not the gateway's kindness, prevents the second copy.
    honour_localid: bool = True
    late_seconds: float = 1.5
    lookups_fail: bool = False
    requests: list[Request] = field(default_factory=list)
    phone: list[Sent] = field(default_factory=list)
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
        """Answer the next send calls like this, in order; later calls get ``default``."""
        with self._lock:
            self._script.extend(answers)

    def phone_counts(self) -> Counter[str]:
        """How many copies of each text reached the phone."""
        with self._lock:
            return Counter(sent.text for sent in self.phone)

    def texts(self) -> list[str]:
        """The texts that reached the phone, in order."""
        with self._lock:
            return [sent.text for sent in self.phone]

    def sends(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    def deliver_all(self, delivery: str = "delivered") -> None:
        """The operator reports every queued message reached the phone (or failed)."""
        with self._lock:
            for sent in self.phone:
                if sent.delivery == "queued":
                    sent.delivery = delivery

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

    # --- the gateway's side -------------------------------------------------------------------

    def _record(self, request: Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            if request.method != "POST":
                return OK
            return self._script.popleft() if self._script else self.default

    def _take(self, mobile: str, text: str, sender: str, localid: str) -> Sent:
        with self._lock:
            if localid and self.honour_localid:
                for sent in self.phone:
                    if sent.localid == localid:
                        return sent
            segments = 1 if len(text) <= 70 else -(-len(text) // 67)
            sent = Sent(len(self.phone) + 1001, mobile, text, sender, localid, time.time(), cost=segments * 1200)
            self.phone.append(sent)
            return sent

    def _find(self, **criteria: str) -> list[Sent]:
        with self._lock:
            return [s for s in self.phone if all(str(getattr(s, k)) == v for k, v in criteria.items())]


KAVENEGAR_STATUS = {"queued": 1, "delivered": 10, "failed": 11}
SMSIR_STATE = {"queued": 3, "delivered": 1, "failed": 2}


def _handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:  # noqa: C901 - one small router
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answer at once on a keep-alive connection, like a real server

        def do_GET(self) -> None:
            self._handle("GET", {})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw or b"{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            self._handle("POST", body)

        def _handle(self, method: str, body: dict[str, Any]) -> None:
            url = urlsplit(self.path)
            params = {**{k: v[0] for k, v in parse_qs(url.query).items()}, **body}
            request = Request(method, url.path, dict(self.headers.items()), params)
            answer = gateway._record(request)
            if gateway.protocol == "kavenegar":
                self._kavenegar(url.path, params, answer)
            else:
                self._smsir(url.path, params, answer)

        # --- Kavenegar: /v1/{API-KEY}/{scope}/{method}.json; HTTP status = return.status --------

        def _kavenegar(self, path: str, params: dict[str, Any], answer: Answer) -> None:
            parts = path.strip("/").split("/")
            if len(parts) != 4 or parts[0] != "v1":
                return self._kavenegar_reply(404, "متد تعریف نشده است")
            key, method = parts[1], f"{parts[2]}/{parts[3]}"
            if key != gateway.api_key or answer.kind == "bad_key":
                return self._kavenegar_reply(403, "کد شناسائی API-Key معتبر نمی‌باشد")
            if method == "sms/send.json":
                return self._kavenegar_send(params, answer)
            if gateway.lookups_fail:
                return self._kavenegar_reply(409, "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید")
            if method == "sms/statuslocalmessageid.json":
                found = gateway._find(localid=params.get("localid", ""))
                entry = (
                    {
                        "messageid": found[0].id,
                        "localid": found[0].localid,
                        "status": KAVENEGAR_STATUS[found[0].delivery],
                    }
                    if found
                    else {"messageid": 0, "localid": params.get("localid", ""), "status": 100}
                )
                return self._kavenegar_reply(200, "تایید شد", [entry])
            if method == "sms/status.json":
                entries = []
                for messageid in str(params.get("messageid", "")).split(","):
                    found = gateway._find(id=messageid)
                    status = KAVENEGAR_STATUS[found[0].delivery] if found else 100
                    entries.append({"messageid": int(messageid) if messageid.isdigit() else 0, "status": status})
                return self._kavenegar_reply(200, "تایید شد", entries)
            if method == "account/info.json":
                if gateway.credit <= 0:
                    return self._kavenegar_reply(418, "اعتبار حساب شما کافی نیست")
                return self._kavenegar_reply(200, "تایید شد", {"remaincredit": gateway.credit, "type": "master"})
            return self._kavenegar_reply(404, "متد تعریف نشده است")

        def _kavenegar_send(self, params: dict[str, Any], answer: Answer) -> None:
            if answer.kind == "server_error":
                return self._kavenegar_reply(500, "خطای سرور")
            if answer.kind == "throttled":
                return self._kavenegar_reply(429, "تعداد درخواست بیش از حد مجاز است", retry_after=answer.retry_after)
            if answer.kind == "no_credit" or gateway.credit <= 0:
                return self._kavenegar_reply(418, "اعتبار حساب شما کافی نیست")
            receptor = str(params.get("receptor", ""))
            if answer.kind == "invalid_number" or not (receptor.startswith("09") and len(receptor) == 11):
                return self._kavenegar_reply(411, "گیرنده نامعتبر است")
            if answer.kind == "hang":
                return self._hang()
            sent = gateway._take(
                receptor, params.get("message", ""), params.get("sender", ""), params.get("localid", "")
            )
            if answer.kind == "late":
                return self._hang(gateway.late_seconds)
            entry = {
                "messageid": sent.id,
                "message": sent.text,
                "status": 1,
                "statustext": "در صف ارسال",
                "sender": sent.sender,
                "receptor": sent.mobile,
                "date": int(sent.at),
                "cost": sent.cost,
            }
            return self._kavenegar_reply(200, "تایید شد", [entry])

        def _kavenegar_reply(
            self, status: int, message: str, entries: Any = None, retry_after: str | None = None
        ) -> None:
            self._json(status, {"return": {"status": status, "message": message}, "entries": entries}, retry_after)

        # --- SMS.ir: X-API-KEY; {"status", "message", "data"}; HTTP 200/400/401/429/500 ---------

        def _smsir(self, path: str, params: dict[str, Any], answer: Answer) -> None:
            if self.headers.get("X-API-KEY") != gateway.api_key or answer.kind == "bad_key":
                return self._smsir_reply(401, 10, "کلید وب سرویس نامعتبر است")
            if path == "/v1/send/bulk" and self.command == "POST":
                return self._smsir_send(params, answer)
            if gateway.lookups_fail:
                return self._smsir_reply(500, 0, "خطای غیر منتظره")
            if path in ("/v1/send/live", "/v1/send/archive"):
                size, page = int(params.get("pageSize", 100)), int(params.get("pageNumber", 1))
                since, until = float(params.get("fromDate", 0)), float(params.get("toDate", 1e12))
                records = [self._smsir_record(s) for s in gateway._find() if since <= s.at <= until]
                return self._smsir_reply(200, 1, "موفق", records[(page - 1) * size : page * size])
            if path.startswith("/v1/send/") and path.rsplit("/", 1)[1].isdigit():
                found = gateway._find(id=path.rsplit("/", 1)[1])
                return self._smsir_reply(200, 1, "موفق", self._smsir_record(found[0]) if found else None)
            if path == "/v1/credit":
                return self._smsir_reply(200, 1, "موفق", gateway.credit)
            return self._smsir_reply(404, 0, "یافت نشد")

        def _smsir_send(self, params: dict[str, Any], answer: Answer) -> None:
            if answer.kind == "server_error":
                return self._smsir_reply(500, 0, "خطای غیر منتظره")
            if answer.kind == "throttled":
                return self._smsir_reply(429, 20, "تعداد درخواست غیر مجاز", retry_after=answer.retry_after)
            if answer.kind == "no_credit" or gateway.credit <= 0:
                return self._smsir_reply(400, 102, "اعتبار کافی نیست")
            mobiles = params.get("mobiles") or []
            if answer.kind == "invalid_number" or not all(str(m).startswith("09") for m in mobiles):
                return self._smsir_reply(400, 104, "شماره موبایل نامعتبر است")
            if answer.kind == "hang":
                return self._hang()
            taken = [
                gateway._take(str(m), params.get("messageText", ""), str(params.get("lineNumber")), "") for m in mobiles
            ]
            if answer.kind == "late":
                return self._hang(gateway.late_seconds)
            data = {"packId": "pack-1", "messageIds": [s.id for s in taken], "cost": float(len(taken))}
            return self._smsir_reply(200, 1, "موفق", data)

        @staticmethod
        def _smsir_record(sent: Sent) -> dict[str, Any]:
            return {
                "messageId": sent.id,
                "mobile": int("98" + sent.mobile[1:]),  # the report writes numbers internationally
                "messageText": sent.text,
                "sendDateTime": int(sent.at),
                "lineNumber": int(sent.sender) if sent.sender.isdigit() else sent.sender,
                "cost": 1.0,
                "deliveryState": SMSIR_STATE[sent.delivery],
                "deliveryDateTime": int(sent.at) if sent.delivery != "queued" else None,
            }

        def _smsir_reply(
            self, http: int, status: int, message: str, data: Any = None, retry_after: str | None = None
        ) -> None:
            self._json(http, {"status": status, "message": message, "data": data}, retry_after)

        # --- plumbing -------------------------------------------------------------------------

        def _hang(self, seconds: float = 60) -> None:
            # Longer than the client's timeout; stop() cuts it short.
            gateway._release.wait(seconds)
            self.close_connection = True

        def _json(self, status: int, payload: object, retry_after: str | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler

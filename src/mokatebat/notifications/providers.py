"""SMS providers behind one small interface: Kavenegar and SMS.ir (Iranian gateways, their documented
REST protocols) and ``console`` for development. ``settings.SMS_PROVIDER`` picks one.

Every failure says what the worker should do with it:

- ``TemporarySendError``: the gateway did not take the message (connection refused, 5xx, throttled);
  try again later, honouring ``retry_after``.
- ``OutcomeUnknownError``: the request may have reached the gateway but no answer came back (a read
  timeout, a dropped connection). The message may be on its way: ask the gateway (``lookup``) before
  ever sending it again.
- ``PermanentSendError``: the gateway refused this message (invalid number, bad text); resending
  cannot help.
- ``GatewayAccountError``: the gateway refused *us* (bad key, disabled account, no credit, a line we
  may not use). Every message would fail the same way, so the worker pauses sending.

How each gateway de-duplicates (what ``lookup`` asks):

- Kavenegar takes our ``localid`` with each message and never sends a second message with the same
  ``localid`` (it answers with the first one); ``sms/statuslocalmessageid.json`` tells whether it has
  one. Our ``localid`` is derived from the message's ``reference`` (63 random bits), so it is stable
  across retries and never collides with another database's ids on the same account.
- SMS.ir takes no client reference. Its report of sent messages (``GET /v1/send/live`` for today,
  ``/v1/send/archive`` for earlier days) lists each message with its mobile, text and time: a message
  to the same mobile with the same text, sent since we queued ours, is ours.
"""

from __future__ import annotations

import datetime
import enum
import logging
import math
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
# httpx logs every request's URL at INFO, and a Kavenegar URL carries the API key.
logging.getLogger("httpx").setLevel(logging.WARNING)

# Iranian mobile numbers as the edge stores them: ASCII digits, leading zero, 11 digits.
MOBILE_RE = re.compile(r"09\d{9}")
TEHRAN = ZoneInfo("Asia/Tehran")


class Delivery(enum.Enum):
    """What a gateway says became of a message it took."""

    PENDING = "pending"  # queued, at the operator, no final word yet
    DELIVERED = "delivered"
    FAILED = "failed"  # did not reach the phone (unreachable, blacklisted, cancelled)


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    cost: Decimal | None = None
    delivery: Delivery = Delivery.PENDING


class SendError(Exception):
    """A send that did not reach the gateway, or that the gateway refused."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporarySendError(SendError):
    """Connection refused, 5xx, throttled: the gateway did not take it; it may go through later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class OutcomeUnknownError(TemporarySendError):
    """No answer to a request the gateway may have received: ask before sending again."""


class PermanentSendError(SendError):
    """The gateway refused this message (invalid number, bad text): resending would fail again."""


class GatewayAccountError(SendError):
    """The gateway refused our key, account, credit or line: pause sending until it is fixed."""


class Provider(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> SendResult: ...

    def lookup(self, message: OutboxMessage) -> SendResult | None:
        """What the gateway knows of ``message``: its record, or None if it never took it."""

    def delivery(self, messages: Sequence[OutboxMessage]) -> dict[int, Delivery]:
        """Delivery status of sent messages, by primary key (messages the gateway does not report are left out)."""

    def check_account(self) -> None:
        """Raise ``GatewayAccountError`` while the gateway refuses our key or account."""


class ConsoleProvider:
    """Development and demos: the SMS goes to the log, never to a phone."""

    name = "console"
    reports_delivery = False

    def send(self, message: OutboxMessage) -> SendResult:
        logger.info("SMS to %s (reference %s): %s", message.mobile, message.reference, message.body)
        return SendResult(provider_message_id=f"console-{message.reference}")

    def lookup(self, message: OutboxMessage) -> SendResult | None:
        return None  # the console never loses an answer

    def delivery(self, messages: Sequence[OutboxMessage]) -> dict[int, Delivery]:
        return {}

    def check_account(self) -> None:
        return None


class _HttpGateway:
    """Shared plumbing: one pooled keep-alive client per worker process, transport errors sorted into
    "not taken" (connect failures) and "outcome unknown" (the request may have been read)."""

    name = ""
    reports_delivery = True

    def __init__(self, *, base_url: str, api_key: str, sender: str, timeout: float, headers: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=20, keepalive_expiry=30)
        # TCP_NODELAY: a request's headers and body go out at once instead of the body waiting on
        # the gateway's delayed ACK (40 ms per message on a keep-alive connection).
        nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        transport = httpx.HTTPTransport(limits=limits, socket_options=nodelay)
        self.client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def _request(self, method: str, path: str, *, sending: bool = False, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, self.base_url + path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # Nothing left this process: the gateway cannot have the message.
            raise TemporarySendError(f"could not reach the gateway ({type(error).__name__})") from error
        except httpx.TimeoutException as error:
            reason = f"gateway did not answer within {self.timeout:g}s ({type(error).__name__})"
            raise (OutcomeUnknownError(reason) if sending else TemporarySendError(reason)) from error
        except httpx.HTTPError as error:
            # Only the class name: exception texts carry URLs, and a Kavenegar URL carries the key.
            reason = f"connection to the gateway broke ({type(error).__name__})"
            raise (OutcomeUnknownError(reason) if sending else TemporarySendError(reason)) from error

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _excerpt(self, text: str) -> str:
        text = " ".join(str(text).split())[:120]
        return text.replace(self.api_key, "***") if self.api_key else text


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# Kavenegar's return.status codes (equal to the HTTP status): https://kavenegar.com/rest.html
KAVENEGAR_ACCOUNT = {
    401: "account disabled",
    403: "API key not valid",
    407: "no permission for this method",
    412: "sender line not valid for this account",
    418: "credit not enough",
}
KAVENEGAR_TEMPORARY = {402: "operation failed", 409: "gateway cannot answer now"}
# Status of one message (entries[].status) in send, status and statuslocalmessageid answers.
KAVENEGAR_DELIVERED = {10}
KAVENEGAR_FAILED = {6, 11, 13, 14}
KAVENEGAR_NOT_FOUND = 100


class KavenegarProvider(_HttpGateway):
    """Kavenegar REST v1: ``POST /v1/{API-KEY}/sms/send.json`` (form-encoded ``receptor``, ``sender``,
    ``message``, ``localid``); the answer's ``return.status`` and ``entries[].messageid/status/cost``."""

    name = "kavenegar"

    def __init__(self, *, base_url: str, api_key: str, sender: str, timeout: float) -> None:
        super().__init__(
            base_url=base_url, api_key=api_key, sender=sender, timeout=timeout, headers={"Accept": "application/json"}
        )

    @staticmethod
    def localid(message: OutboxMessage) -> str:
        return str(message.reference.int >> 65)  # 63 bits: fits the gateway's long

    def _path(self, method: str) -> str:
        return f"/v1/{self.api_key}/{method}.json"

    def send(self, message: OutboxMessage) -> SendResult:
        if not MOBILE_RE.fullmatch(message.mobile):
            raise PermanentSendError("invalid mobile number")
        form = {"receptor": message.mobile, "sender": self.sender, "message": message.body}
        form["localid"] = self.localid(message)
        response = self._request("POST", self._path("sms/send"), data=form, sending=True)
        entry = self._entries(response, sending=True)[:1]
        if not entry:
            # 200 means the gateway took it: never turn that into a resend. lookup() can find it later.
            logger.warning("Kavenegar took SMS %s without an entry in its answer", message.reference)
            return SendResult(provider_message_id="")
        return self._result(entry[0])

    def lookup(self, message: OutboxMessage) -> SendResult | None:
        response = self._request(
            "GET", self._path("sms/statuslocalmessageid"), params={"localid": self.localid(message)}
        )
        entries = [e for e in self._entries(response) if str(e.get("localid", "")) == self.localid(message)]
        if not entries or entries[0].get("status") == KAVENEGAR_NOT_FOUND:
            return None
        return self._result(entries[0])

    def delivery(self, messages: Sequence[OutboxMessage]) -> dict[int, Delivery]:
        by_id = {m.provider_message_id: m.pk for m in messages if m.provider_message_id}
        found: dict[int, Delivery] = {}
        ids = list(by_id)
        for start in range(0, len(ids), 500):  # the documented limit per status call
            response = self._request(
                "GET", self._path("sms/status"), params={"messageid": ",".join(ids[start : start + 500])}
            )
            for entry in self._entries(response):
                pk = by_id.get(str(entry.get("messageid")))
                if pk is not None and entry.get("status") != KAVENEGAR_NOT_FOUND:
                    found[pk] = self._delivery(entry.get("status"))
        return found

    def check_account(self) -> None:
        response = self._request("GET", self._path("account/info"))
        entries = self._entries(response)
        credit = _decimal(entries[0].get("remaincredit")) if entries else None
        if credit is not None and credit <= 0:
            raise GatewayAccountError("Kavenegar: credit not enough (418)")

    def _entries(self, response: httpx.Response, *, sending: bool = False) -> list[dict[str, Any]]:
        """The answer's entries after checking ``return.status``; raises the fitting error otherwise."""
        data = self._json(response)
        returned = data.get("return")
        status = returned.get("status") if isinstance(returned, dict) else None
        if not isinstance(status, int):
            status = response.status_code
        if status == 200 and response.is_success:
            entries = data.get("entries")
            if isinstance(entries, dict):
                entries = [entries]  # account/info answers with one object
            return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
        if status in KAVENEGAR_ACCOUNT:
            raise GatewayAccountError(f"Kavenegar: {KAVENEGAR_ACCOUNT[status]} ({status})")
        if status == 429 or response.status_code == 429:
            raise TemporarySendError("Kavenegar: too many requests (429)", retry_after=parse_retry_after(response))
        if status in KAVENEGAR_TEMPORARY or status >= 500 or response.status_code >= 500:
            raise TemporarySendError(f"Kavenegar: {KAVENEGAR_TEMPORARY.get(status, 'gateway error')} ({status})")
        message = self._excerpt(returned.get("message", "") if isinstance(returned, dict) else response.text)
        if not sending:
            raise TemporarySendError(f"Kavenegar refused the question ({status}): {message}")
        raise PermanentSendError(f"Kavenegar refused the message ({status}): {message}")

    def _result(self, entry: dict[str, Any]) -> SendResult:
        return SendResult(
            provider_message_id=str(entry.get("messageid", ""))[:100],
            cost=_decimal(entry.get("cost")),
            delivery=self._delivery(entry.get("status")),
        )

    @staticmethod
    def _delivery(status: object) -> Delivery:
        if status in KAVENEGAR_DELIVERED:
            return Delivery.DELIVERED
        if status in KAVENEGAR_FAILED:
            return Delivery.FAILED
        return Delivery.PENDING


# SMS.ir's body status codes (HTTP 200/400/401/429/500 carry {"status", "message", "data"}).
SMSIR_ACCOUNT = {
    10: "API key not valid",
    11: "API key disabled",
    12: "API key limited to other IP addresses",
    13: "account disabled",
    14: "account suspended",
    101: "line number not valid",
    102: "credit not enough",
}
SMSIR_THROTTLED = {20}
SMSIR_TEMPORARY = {0}
# deliveryState in the reports: 1 reached the phone; 2 did not; 4 did not reach the operator;
# 6 failed; 7 blacklisted; 3 and 5 are still with the operator.
SMSIR_DELIVERED = {1}
SMSIR_FAILED = {2, 4, 6, 7}
SMSIR_REPORT_PAGES = 20
SMSIR_PAGE_SIZE = 100


class SmsIrProvider(_HttpGateway):
    """SMS.ir REST v1: ``POST /v1/send/bulk`` with the ``X-API-KEY`` header and JSON ``lineNumber``,
    ``messageText``, ``mobiles``; answers ``{"status": 1, "data": {"packId", "messageIds", "cost"}}``."""

    name = "smsir"

    def __init__(self, *, base_url: str, api_key: str, sender: str, timeout: float) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            sender=sender,
            timeout=timeout,
            headers={"X-API-KEY": api_key, "Accept": "application/json"},
        )

    def send(self, message: OutboxMessage) -> SendResult:
        if not MOBILE_RE.fullmatch(message.mobile):
            raise PermanentSendError("invalid mobile number")
        payload = {
            "lineNumber": int(self.sender) if self.sender.isdigit() else self.sender,
            "messageText": message.body,
            "mobiles": [message.mobile],
            "sendDateTime": None,
        }
        data = self._data(self._request("POST", "/v1/send/bulk", json=payload, sending=True), sending=True)
        ids = data.get("messageIds") if isinstance(data, dict) else None
        message_id = str(ids[0]) if isinstance(ids, list) and ids else ""
        return SendResult(
            provider_message_id=message_id[:100], cost=_decimal(data.get("cost")) if isinstance(data, dict) else None
        )

    def lookup(self, message: OutboxMessage) -> SendResult | None:
        since = message.created_at - datetime.timedelta(minutes=1)  # the gateway's clock may run behind ours
        for record in self._sent_since(since):
            if (
                _last_ten(str(record.get("mobile", ""))) == _last_ten(message.mobile)
                and record.get("messageText") == message.body
                and _number(record.get("sendDateTime")) >= since.timestamp()
            ):
                return SendResult(
                    provider_message_id=str(record.get("messageId", ""))[:100],
                    cost=_decimal(record.get("cost")),
                    delivery=self._delivery(record.get("deliveryState")),
                )
        return None

    def delivery(self, messages: Sequence[OutboxMessage]) -> dict[int, Delivery]:
        found: dict[int, Delivery] = {}
        for message in messages:
            if message.provider_message_id.isdigit():
                data = self._data(self._request("GET", f"/v1/send/{message.provider_message_id}"))
                if isinstance(data, dict) and data:
                    found[message.pk] = self._delivery(data.get("deliveryState"))
        return found

    def check_account(self) -> None:
        credit = _decimal(self._data(self._request("GET", "/v1/credit")))
        if credit is not None and credit < 1:
            raise GatewayAccountError("SMS.ir: credit not enough (102)")

    def _sent_since(self, since: datetime.datetime) -> Iterable[dict[str, Any]]:
        """Today's report, and the archive too when the message was queued before today (Tehran)."""
        today = timezone.localtime(timezone.now(), TEHRAN).replace(hour=0, minute=0, second=0, microsecond=0)
        reports: list[tuple[str, dict[str, Any]]] = [("/v1/send/live", {})]
        if since < today:
            window = {"fromDate": int(since.timestamp()), "toDate": int(today.timestamp())}
            reports.append(("/v1/send/archive", window))
        for path, params in reports:
            for page in range(1, SMSIR_REPORT_PAGES + 1):
                query = {**params, "pageSize": SMSIR_PAGE_SIZE, "pageNumber": page}
                records = self._data(self._request("GET", path, params=query))
                if not isinstance(records, list):
                    break
                yield from (record for record in records if isinstance(record, dict))
                if len(records) < SMSIR_PAGE_SIZE:
                    break

    def _data(self, response: httpx.Response, *, sending: bool = False) -> Any:
        body = self._json(response)
        status = body.get("status")
        if response.is_success and status == 1:
            return body.get("data")
        if status in SMSIR_ACCOUNT:
            raise GatewayAccountError(f"SMS.ir: {SMSIR_ACCOUNT[status]} ({status})")
        if response.status_code in (401, 403):
            raise GatewayAccountError(f"SMS.ir: authentication refused ({response.status_code})")
        if response.status_code == 429 or status in SMSIR_THROTTLED:
            raise TemporarySendError("SMS.ir: too many requests (429)", retry_after=parse_retry_after(response))
        if response.status_code >= 500 or status in SMSIR_TEMPORARY or not body:
            raise TemporarySendError(f"SMS.ir: gateway error ({response.status_code}, status {status})")
        message = self._excerpt(body.get("message", ""))
        if not sending:
            raise TemporarySendError(f"SMS.ir refused the question (status {status}): {message}")
        raise PermanentSendError(f"SMS.ir refused the message (status {status}): {message}")

    @staticmethod
    def _delivery(state: object) -> Delivery:
        if state in SMSIR_DELIVERED:
            return Delivery.DELIVERED
        if state in SMSIR_FAILED:
            return Delivery.FAILED
        return Delivery.PENDING


def _last_ten(mobile: str) -> str:
    """09121234567, 9121234567 and 989121234567 are one number."""
    return re.sub(r"\D", "", mobile)[-10:]


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return -math.inf


def parse_retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; an HTTP-date or garbage counts as absent (our backoff applies)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


DEFAULT_URLS = {"kavenegar": "https://api.kavenegar.com", "smsir": "https://api.sms.ir"}
GATEWAYS: dict[str, type[KavenegarProvider] | type[SmsIrProvider]] = {
    "kavenegar": KavenegarProvider,
    "smsir": SmsIrProvider,
}


def check_provider_settings() -> str:
    """The configured provider's name; ImproperlyConfigured when its settings cannot work."""
    name: str = settings.SMS_PROVIDER
    if name != "console" and name not in GATEWAYS:
        raise ImproperlyConfigured(f"SMS_PROVIDER must be 'console', 'kavenegar' or 'smsir', not {name!r}.")
    if name != "console" and (not settings.SMS_GATEWAY_API_KEY or not settings.SMS_SENDER):
        raise ImproperlyConfigured(f"SMS_PROVIDER={name} needs SMS_GATEWAY_API_KEY and SMS_SENDER.")
    return name


def get_provider() -> Provider:
    """The provider ``settings.SMS_PROVIDER`` names, checked before the first message goes out."""
    name = check_provider_settings()
    if name == "console":
        return ConsoleProvider()
    return GATEWAYS[name](
        base_url=settings.SMS_GATEWAY_URL or DEFAULT_URLS[name],
        api_key=settings.SMS_GATEWAY_API_KEY,
        sender=settings.SMS_SENDER,
        timeout=settings.SMS_TIMEOUT_SECONDS,
    )

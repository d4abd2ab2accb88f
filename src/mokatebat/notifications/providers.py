"""SMS providers behind one small interface. Each failure says whether a retry makes sense:
``TemporarySendError`` (try again later) or ``PermanentSendError`` (trying again cannot help)."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Iranian mobile numbers as the edge stores them: ASCII digits, leading zero, 11 digits.
MOBILE_RE = re.compile(r"09\d{9}")


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class SendError(Exception):
    """A send that did not reach the gateway, or that the gateway refused."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporarySendError(SendError):
    """Timeouts, connection errors, 5xx, 408, 429: the same message may well go through later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """The gateway refused this message (invalid number, other 4xx): resending would fail again."""


class Provider(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> SendResult: ...


class ConsoleProvider:
    """Development and demos: the SMS goes to the log, never to a phone."""

    name = "console"

    def send(self, message: OutboxMessage) -> SendResult:
        logger.info("SMS to %s (reference %s): %s", message.mobile, message.reference, message.body)
        return SendResult(provider_message_id=f"console-{message.reference}")


class HttpGatewayProvider:
    """A JSON-over-HTTP SMS gateway. Our ``reference`` travels with each message so a gateway that
    de-duplicates on it turns our rare resends (see ``worker.py``) into no-ops."""

    name = "http"

    def __init__(self, *, url: str, api_key: str, sender: str, timeout: float) -> None:
        self.url = url.rstrip("/") + "/messages"
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout
        # One client per worker process: connections are reused across a batch.
        self.client = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {api_key}"})

    def send(self, message: OutboxMessage) -> SendResult:
        if not MOBILE_RE.fullmatch(message.mobile):
            raise PermanentSendError("invalid mobile number")
        payload = {
            "to": message.mobile,
            "text": message.body,
            "sender": self.sender,
            "reference": str(message.reference),
        }
        try:
            response = self.client.post(self.url, json=payload)
        except httpx.TimeoutException as error:
            raise TemporarySendError(f"gateway timed out after {self.timeout:g}s ({type(error).__name__})") from error
        except httpx.HTTPError as error:
            # Only the class name: exception texts can carry URLs, and URLs can carry credentials.
            raise TemporarySendError(f"could not reach the gateway ({type(error).__name__})") from error
        return self._result(response)

    def _result(self, response: httpx.Response) -> SendResult:
        status = response.status_code
        if 200 <= status < 300:
            return SendResult(provider_message_id=self._message_id(response))
        if status == 429:
            raise TemporarySendError("gateway rate limit (429)", retry_after=parse_retry_after(response))
        if status == 408 or status >= 500:
            raise TemporarySendError(f"gateway error {status}", retry_after=parse_retry_after(response))
        if status in (401, 403):
            # Our key or account is wrong, not the message: keep it queued while staff fix the setting.
            raise TemporarySendError(f"gateway refused our credentials ({status})")
        if 400 <= status < 500:
            raise PermanentSendError(f"gateway refused the message ({status}): {self._excerpt(response)}")
        # 1xx/3xx: a misconfigured URL or proxy; staff can fix it within the retry window.
        raise TemporarySendError(f"unexpected gateway answer {status}")

    def _message_id(self, response: httpx.Response) -> str:
        # 2xx means the gateway took the message: never turn that into a resend, even if the
        # body is odd. Our own reference still identifies it.
        try:
            return str(response.json()["id"])[:100]
        except (ValueError, KeyError, TypeError):
            logger.warning("SMS gateway accepted a message without a readable id (HTTP %s)", response.status_code)
            return ""

    def _excerpt(self, response: httpx.Response) -> str:
        text = " ".join(response.text.split())[:120]
        return text.replace(self.api_key, "***") if self.api_key else text


def parse_retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; an HTTP-date or garbage counts as absent (our backoff applies)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def get_provider() -> Provider:
    """The provider ``settings.SMS_PROVIDER`` names, checked before the first message goes out."""
    if settings.SMS_PROVIDER == "console":
        return ConsoleProvider()
    if settings.SMS_PROVIDER == "http":
        if not settings.SMS_GATEWAY_URL or not settings.SMS_GATEWAY_API_KEY:
            raise ImproperlyConfigured("SMS_PROVIDER=http needs SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY.")
        return HttpGatewayProvider(
            url=settings.SMS_GATEWAY_URL,
            api_key=settings.SMS_GATEWAY_API_KEY,
            sender=settings.SMS_SENDER,
            timeout=settings.SMS_TIMEOUT_SECONDS,
        )
    raise ImproperlyConfigured(f"SMS_PROVIDER must be 'console' or 'http', not {settings.SMS_PROVIDER!r}.")

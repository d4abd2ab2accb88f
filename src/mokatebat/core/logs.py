"""Logs as JSON lines, each with the request id it belongs to, and never a national ID or mobile.

The request id is set by ``RequestIdMiddleware`` for a web request (from a sane ``X-Request-ID`` of
the proxy, or a new one), stored on every SMS the request queues (``OutboxMessage.request_id``'s
default reads it here) and set again by the worker while it sends that SMS, so one id follows a
submission from the form to the gateway. Error pages show it as the reference the citizen reads out.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
import re
import uuid
from typing import Any

from pythonjsonlogger.json import JsonFormatter

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str:
    """A request id from outside (a proxy's header) is kept only if it is short and plain."""
    return value if value and _SANE_ID.match(value) else new_request_id()


def current_request_id() -> str:
    """The id of the request (or the SMS job) this thread is working for; empty outside one."""
    return _request_id.get()


def bind_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs 4xx/5xx after the middleware is done, passing the request along.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or current_request_id()
        return True


# What every LogRecord has; anything else on a record came in through ``extra``.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


# Digits as people type them: ASCII, Persian and Arabic-Indic.
_D = "[0-9\u06f0-\u06f9\u0660-\u0669]"
# An Iranian mobile (09…, +989…, 00989…, 989…) and a 10-digit national ID, each not part of a longer
# run of digits (tracking codes have 12+ digits and stay readable: they are what support searches by)
# nor of a hex or word token (a UUID's last group may hold ten digits in a row).
_EDGE = "[0-9A-Za-z_\u06f0-\u06f9\u0660-\u0669-]"
_MOBILE = re.compile(rf"(?<!{_EDGE})(?:\+98|0098|98|0|[\u06f0\u0660])?[9\u06f9\u0669]{_D}{{9}}(?!{_EDGE})")
_NATIONAL_ID = re.compile(rf"(?<!{_EDGE}){_D}{{10}}(?!{_EDGE})")


def redact(text: str) -> str:
    """Replace what looks like a mobile or a national ID in a log message."""
    text = _MOBILE.sub("[mobile]", text)
    return _NATIONAL_ID.sub("[national-id]", text)


class RedactPersonalDataFilter(logging.Filter):
    """Applied to every handler: whatever a caller (ours or a library's) logs, the line that is
    written never holds a national ID or a mobile number (RELIABILITY.md 6)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; keep the raw text
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # ``extra`` values (django.request's request, with its query string) are written as text.
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRIBUTES and not isinstance(value, bool | int | float | type(None)):
                setattr(record, key, redact(str(value)))
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, and any ``extra``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "time"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei: Any) -> str | list[str]:  # type: ignore[override]  # may be a list
        text = super().formatException(ei)
        return redact(text) if isinstance(text, str) else [redact(line) for line in text]


def scrub_sentry_event(event: Any) -> Any:
    """Mask mobiles and national IDs in every text of an error report; drop bodies and cookies."""
    request = event.get("request") if isinstance(event, dict) else None
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string"):
            request.pop(key, None)
    return _scrub(event)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


class AccessLogRequestIdFilter(logging.Filter):
    """gunicorn's access log: take the request id from the response header it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.request_id = str(record.args.get("{x-request-id}o", "") or "")
        return True

"""The input edge beyond forms: query strings, date-time parameters and JSON bodies that would
otherwise reach PostgreSQL or Python's recursion limit and come back as a 500."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone

# Deeper than any body our API or the SMS gateway sends; far below Python's recursion limit.
MAX_JSON_DEPTH = 20
# A sane range for instants in parameters: nothing here predates 1900 or is planned past 2200.
MIN_YEAR, MAX_YEAR = 1900, 2200


class BadInput(ValueError):
    """Input the edge refuses; ``str(error)`` is a short English reason for logs and API details."""


def has_nul(value: str) -> bool:
    return "\x00" in value


def has_lone_surrogate(value: str) -> bool:
    """A lone UTF-16 surrogate (``"\\ud800"`` in JSON) cannot be stored or encoded as UTF-8."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def check_json_value(data: Any) -> Any:
    """Walk parsed JSON without recursion: refuse deep nesting, NUL and lone surrogates in any string."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput("JSON nested too deeply")
        if isinstance(value, str):
            if has_nul(value) or has_lone_surrogate(value):
                raise BadInput("JSON string with a NUL byte or a lone surrogate")
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, depth))
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return data


def loads_json(raw: bytes | str) -> Any:
    """``json.loads`` that fails with ``BadInput`` (a ``ValueError``), never ``RecursionError``."""
    try:
        data = json.loads(raw)
    except RecursionError as error:
        raise BadInput("JSON nested too deeply") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BadInput("not JSON") from error
    return check_json_value(data)


def parse_instant(value: str) -> datetime.datetime:
    """An ISO 8601 date-time as aware UTC; ``BadInput`` for anything else, including offsets that
    push it out of range (``9999-12-31T23:59:59-23:59`` is year 10000 in UTC)."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as error:
        raise BadInput("not an ISO 8601 date-time") from error
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise BadInput("date-time out of range")
    return moment

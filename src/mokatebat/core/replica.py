"""Read-only public lookups on a streaming replica (``DATABASE_REPLICA_URL``), with read-your-writes.

Only views marked ``@replica_reads`` (tracking, the tracking result, the public catalogue, the
verification page) read from the replica; everything else, and every write, uses the primary.
Two rules keep a citizen from ever seeing the past:

- **Read-your-writes**: a browser that has just written anything (a POST to any other view: a
  submission, a reply) gets a short-lived cookie; while it lasts its reads stay on the primary.
- **No stale "not found"**: a lookup that finds nothing on the replica asks the primary before
  answering (``first_or_primary``), so a letter submitted a moment ago at a counter office or
  through the API is found even while the replica lags. Only misses cost the second query.

Without ``DATABASE_REPLICA_URL`` nothing here does anything.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "mokatebat-wrote"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("mokatebat_use_replica", default=False)

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads go to the replica only inside a ``@replica_reads`` view; writes always to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return REPLICA if _use_replica.get() else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # a standby is read-only; it gets the schema by replication


def _wrote_recently(request: HttpRequest) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, "0"))
    except ValueError:
        return False
    return time.time() - wrote_at < settings.REPLICA_READ_YOUR_WRITES_SECONDS


def replica_reads(view: View) -> View:
    """Let this read-only view's queries go to the replica, unless the browser has just written."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not replica_configured() or _wrote_recently(request):
            return view(request, *args, **kwargs)
        token = _use_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _use_replica.reset(token)

    wrapper.replica_reads = True  # type: ignore[attr-defined]
    return wrapper


def first_or_primary(queryset: QuerySet[M]) -> M | None:
    """``queryset.first()``, asking the primary when the replica has not got the row (yet)."""
    found = queryset.first()
    if found is None and queryset.db == REPLICA:
        # The replica is behind: the rest of this request reads the primary too, so the page does
        # not mix a fresh item with a stale timeline.
        _use_replica.set(False)
        found = queryset.using("default").first()
    return found


class ReadYourWritesMiddleware:
    """Marks a browser that has just written so its next reads stay on the primary for a while."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        writes = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if writes and replica_configured() and not getattr(request, "_replica_reads_view", False):
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        # A POST that only reads (the tracking form) does not pin the browser to the primary.
        request._replica_reads_view = getattr(view, "replica_reads", False)  # type: ignore[attr-defined]

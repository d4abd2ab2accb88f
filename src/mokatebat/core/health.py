"""``/healthz`` (the process answers) and ``/readyz`` (it can do its job), JSON, for load balancers
and monitoring.

``/readyz`` runs every check named in ``settings.READINESS_CHECKS`` (dotted paths to functions
returning a ``Check``), so another app adds one by appending its path there. It answers 200 when
all pass and 503 with each check's detail otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .heartbeat import heartbeat_ages, max_heartbeat_age

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check(True)


_migrations_applied = False


def migrations() -> Check:
    """Every migration in the code is applied (checked until true once per process: a process
    never sees migrations disappear; a release with new ones starts new processes)."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return Check(False, {"unapplied": [f"{m.app_label}.{m.name}" for m, _backwards in plan][:20]})
        _migrations_applied = True
    return Check(True)


def worker_heartbeats() -> Check:
    limit = max_heartbeat_age()
    ages = heartbeat_ages()
    stale = sorted(loop for loop, age in ages.items() if age is None or age > limit)
    detail: dict[str, Any] = {"max_age_seconds": limit, "age_seconds": {k: _round(v) for k, v in ages.items()}}
    if stale:
        detail["stale"] = stale
    return Check(not stale, detail)


def sms_backlog() -> Check:
    from mokatebat.notifications.models import PENDING_STATES, OutboxMessage

    limit = settings.SMS_PENDING_MAX_AGE_SECONDS
    oldest = OutboxMessage.objects.filter(state__in=PENDING_STATES).order_by("created_at").first()
    age = (timezone.now() - oldest.created_at).total_seconds() if oldest else 0.0
    return Check(age <= limit, {"oldest_pending_age_seconds": _round(age), "max_age_seconds": limit})


def sms_gateway() -> Check:
    """SMS can go out: the provider's settings work and the gateway has not refused our key or credit
    (sending is paused then, see notifications.health)."""
    from mokatebat.notifications.health import sms_problems

    problems = sms_problems()
    return Check(not problems, {"problems": problems} if problems else {})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@cache
def _checks() -> list[tuple[str, Callable[[], Check]]]:
    return [(path.rsplit(".", 1)[-1], import_string(path)) for path in settings.READINESS_CHECKS]


def run_checks() -> dict[str, Check]:
    results: dict[str, Check] = {}
    for name, check in _checks():
        try:
            results[name] = check()
        except DatabaseError as error:
            results[name] = Check(False, {"error": type(error).__name__})
        except Exception as error:
            logger.exception("readiness check %s raised", name)
            results[name] = Check(False, {"error": type(error).__name__})
    return results


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    ok = all(result.ok for result in results.values())
    body = {
        "status": "ok" if ok else "fail",
        "checks": {name: {"ok": result.ok, **result.detail} for name, result in results.items()},
    }
    if not ok:
        logger.warning("readyz: failing checks %s", ", ".join(n for n, r in results.items() if not r.ok))
    return JsonResponse(body, status=200 if ok else 503)

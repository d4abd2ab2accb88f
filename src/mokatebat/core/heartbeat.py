"""Worker loops say they are alive: one row per (loop, worker process), updated as the loop comes
round, at most every ``HEARTBEAT_INTERVAL_SECONDS``."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import WorkerHeartbeat

HEARTBEAT_INTERVAL_SECONDS = 5.0  # at most; a quarter of the allowed age when that is short
logger = logging.getLogger(__name__)

# The loops every worker runs (``run_worker.worker_loops``): each must beat for /readyz to pass.
EXPECTED_LOOPS = ("periodic", "sms", "inquiries")


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """One per loop thread; ``beat()`` is cheap to call every time round the loop."""

    def __init__(self, loop: str, worker: str | None = None) -> None:
        self.loop = loop
        self.worker = worker or worker_identity()
        self._last = float("-inf")

    def beat(self) -> None:
        now = time.monotonic()
        if now - self._last < min(HEARTBEAT_INTERVAL_SECONDS, max_heartbeat_age() / 4):
            return
        self._last = now
        try:
            WorkerHeartbeat.objects.update_or_create(
                loop=self.loop, worker=self.worker, defaults={"beat_at": timezone.now()}
            )
        except Exception:
            # A missed beat shows in /readyz; it must never stop the loop's real work.
            logger.warning("worker loop %s: could not record its heartbeat", self.loop, exc_info=True)


def forget_old_heartbeats(days: int = 7) -> None:
    """Rows of worker processes long gone (every restart has a new pid)."""
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - datetime.timedelta(days=days)).delete()


def heartbeat_ages() -> dict[str, float | None]:
    """Seconds since the newest beat of each expected loop (None: never beat), plus any other loop seen."""
    now = timezone.now()
    newest = dict(WorkerHeartbeat.objects.values("loop").annotate(at=Max("beat_at")).values_list("loop", "at"))
    return {
        loop: ((now - newest[loop]).total_seconds() if loop in newest else None) for loop in {*EXPECTED_LOOPS, *newest}
    }


def max_heartbeat_age() -> float:
    return float(settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)

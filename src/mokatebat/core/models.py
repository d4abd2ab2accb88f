"""Operational state shared by the web and the worker processes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time one loop of one worker process came round (see ``core/heartbeat.py``).

    ``/readyz`` and ``/metrics`` read the newest beat per loop: a loop that hangs or a worker that
    died stops beating, whatever the process supervisor believes.
    """

    loop = models.CharField(max_length=30)
    worker = models.CharField(max_length=100, help_text="host:pid of the worker process")
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ضربان کارگزار")
        constraints = [models.UniqueConstraint(fields=["loop", "worker"], name="one_heartbeat_per_loop_and_worker")]

    def __str__(self) -> str:
        return f"{self.loop}@{self.worker}: {self.beat_at:%Y-%m-%d %H:%M:%S}"

"""Core tables: the working calendar of each agency (its work week, the national holidays and its own
closures) and the rate limiter's windowed counters (see ratelimit.py).

One source of truth for every count of working days (deadlines of items, the appointments'
3-working-day rule). The arithmetic itself lives in ``workdays.py``; this module holds the data.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from mokatebat.organization.models import Organization


class Thursday(models.TextChoices):
    """Iranian offices differ on Thursday; Friday is never a working day."""

    CLOSED = "closed", _("تعطیل")
    HALF = "half", _("نیمه‌وقت (روز کاری شمرده می‌شود)")
    WORKING = "working", _("روز کاری کامل")


class WorkingCalendar(models.Model):
    """How an agency's week runs. An agency without a row works Saturday–Wednesday."""

    agency = models.OneToOneField(
        "organization.Organization",
        verbose_name=_("دستگاه"),
        on_delete=models.PROTECT,
        related_name="working_calendar",
    )
    thursday = models.CharField(_("پنجشنبه"), max_length=10, choices=Thursday.choices, default=Thursday.CLOSED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("تقویم کاری")
        verbose_name_plural = _("تقویم‌های کاری")

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_thursday_display()}"


class HolidayQuerySet(models.QuerySet["Holiday"]):
    def for_agency(self, agency: Organization) -> HolidayQuerySet:
        """The days this agency is closed: the network's official holidays and its own closures."""
        return self.filter(Q(agency__isnull=True) | Q(agency=agency))

    def from_day(self, day: datetime.date) -> HolidayQuerySet:
        return self.filter(date__gte=day)

    def between(self, first: datetime.date, last: datetime.date) -> HolidayQuerySet:
        return self.filter(date__gte=first, date__lte=last)


class Holiday(models.Model):
    """A closed day. No agency: an official holiday of the whole network; an agency: its own closure.

    National holidays are seeded from the ``holidays`` package (``seed_key`` names the occasion and
    its Jalali year, so a lunar date the network admin corrected is never put back by a re-seed).
    """

    date = models.DateField(_("تاریخ"))
    name = models.CharField(_("مناسبت"), max_length=200)
    agency = models.ForeignKey(
        "organization.Organization",
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holidays",
        help_text=_("خالی یعنی تعطیل رسمی همه دستگاه‌ها"),
    )
    is_estimated = models.BooleanField(
        _("تاریخ قمری تخمینی"),
        default=False,
        help_text=_("تاریخ قمری را با تقویم رسمی بسنجید و در صورت نیاز اصلاح کنید"),
    )
    seed_key = models.CharField(max_length=120, blank=True, editable=False)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("تعطیل رسمی")
        verbose_name_plural = _("تعطیلات رسمی")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="core_holiday_one_per_day", nulls_distinct=False),
            models.UniqueConstraint(fields=["seed_key"], condition=~Q(seed_key=""), name="core_holiday_seed_key"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def is_network_wide(self) -> bool:
        return self.agency_id is None


class RateCounter(models.Model):
    """One row per (limit group, hashed value): the attempts counted in its current window."""

    bucket = models.CharField(max_length=100, primary_key=True)
    window_end = models.BigIntegerField(db_index=True)  # Unix seconds; the sweep deletes ended windows
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.bucket} ({self.count})"


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

"""Keeping the daily roll-ups: recompute whole days from the records, idempotently.

A day is rebuilt in one transaction under an advisory lock, so any number of workers may run the
periodic tick side by side and each day ends with exactly one set of rows.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from mokatebat.core.jalali import TEHRAN
from mokatebat.correspondence.models import Item
from mokatebat.surveys.models import Survey

from .models import AnswerDay, IntakeDay, SatisfactionDay

log = logging.getLogger(__name__)

ROLLUP_LOCK = 0x5EED_0001  # pg_advisory_xact_lock key of the roll-up rebuild
TICK_SECONDS = 600
_last_tick = 0.0


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (Fridays are never working days)."""
    days = (end - start).days
    if days <= 0:
        return 0
    return sum(1 for n in range(1, days + 1) if (start + datetime.timedelta(days=n)).weekday() != 4)


def _bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=TEHRAN)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=TEHRAN)
    return start, end


def rebuild_days(first: datetime.date, last: datetime.date) -> None:
    """Recompute every roll-up row of the Tehran days ``first``..``last`` from the records."""
    start, end = _bounds(first, last)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
        for model in (IntakeDay, AnswerDay, SatisfactionDay):
            model.objects.filter(day__gte=first, day__lte=last).delete()  # derived rows, rebuilt below
        IntakeDay.objects.bulk_create(_intake_rows(start, end))
        AnswerDay.objects.bulk_create(_answer_rows(start, end))
        SatisfactionDay.objects.bulk_create(_satisfaction_rows(start, end))


def _intake_rows(start: datetime.datetime, end: datetime.datetime) -> list[IntakeDay]:
    grouped = (
        Item.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(day=TruncDate("submitted_at", tzinfo=TEHRAN))
        .values("day", "agency_id", "kind", "channel", "category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        IntakeDay(
            day=row["day"],
            agency_id=row["agency_id"],
            kind=row["kind"],
            channel=row["channel"],
            category_id=row["category_id"],
            received=row["n"],
        )
        for row in grouped
    ]


def _answer_rows(start: datetime.datetime, end: datetime.datetime) -> list[AnswerDay]:
    """Items whose *first* answer falls in the range: a second answer never counts an item twice."""
    answered = (
        Item.objects.annotate(first_answer=Min("responses__issued_at"))
        .filter(first_answer__gte=start, first_answer__lt=end)
        .values_list("agency_id", "kind", "submitted_at", "first_answer")
    )
    histogram: Counter[tuple[datetime.date, int, str, int]] = Counter()
    for agency_id, kind, submitted_at, first_answer in answered.iterator():
        received = submitted_at.astimezone(TEHRAN).date()
        day = first_answer.astimezone(TEHRAN).date()
        histogram[(day, agency_id, kind, working_days_between(received, day))] += 1
    return [
        AnswerDay(day=day, agency_id=agency_id, kind=kind, working_days=days, answered=n)
        for (day, agency_id, kind, days), n in histogram.items()
    ]


def _satisfaction_rows(start: datetime.datetime, end: datetime.datetime) -> list[SatisfactionDay]:
    grouped = (
        Survey.objects.filter(answered_at__gte=start, answered_at__lt=end, rating__isnull=False)
        .annotate(day=TruncDate("answered_at", tzinfo=TEHRAN))
        .values("day", "agency_id")
        .annotate(n=Count("pk"), total=Sum("rating"))
        .order_by()
    )
    return [
        SatisfactionDay(day=row["day"], agency_id=row["agency_id"], answered=row["n"], rating_sum=row["total"])
        for row in grouped
    ]


def rollup_tick() -> None:
    """The worker's periodic job: today and yesterday, every few minutes per process; never raises."""
    global _last_tick
    if time.monotonic() - _last_tick < TICK_SECONDS and _last_tick:
        return
    _last_tick = time.monotonic()
    today = timezone.localdate()
    try:
        rebuild_days(today - datetime.timedelta(days=1), today)
    except Exception:  # a failed rebuild is retried at the next tick; the loop must keep running
        log.exception("rebuilding the daily roll-ups failed")

"""Keeping the daily roll-ups: recompute whole days from the records, idempotently.

A day is rebuilt in one transaction under an advisory lock, so any number of workers may run the
periodic tick side by side and each day ends with exactly one set of rows.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.workdays import work_week_for
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization
from mokatebat.surveys.models import Survey

from .models import AnswerDay, IntakeDay, SatisfactionDay

log = logging.getLogger(__name__)

ROLLUP_LOCK = 0x5EED_0001  # pg_advisory_xact_lock key of the roll-up rebuild
TICK_SECONDS = 600
_last_tick = 0.0


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
    """Items whose *first* answer falls in the range (a second answer never counts an item twice), by
    the working days it took on the agency's own calendar."""
    answered = (
        Item.objects.annotate(first_answer=Min("responses__issued_at"))
        .filter(first_answer__gte=start, first_answer__lt=end)
        .values_list("agency_id", "kind", "submitted_at", "first_answer")
    )
    spans: dict[int, list[tuple[str, datetime.date, datetime.date]]] = defaultdict(list)
    for agency_id, kind, submitted_at, first_answer in answered.iterator():
        spans[agency_id].append((kind, submitted_at.astimezone(TEHRAN).date(), first_answer.astimezone(TEHRAN).date()))
    histogram: Counter[tuple[datetime.date, int, str, int]] = Counter()
    for agency in Organization.objects.filter(pk__in=spans):
        rows = spans[agency.pk]
        week = work_week_for(agency, min(r[1] for r in rows), max(r[2] for r in rows))  # one calendar per agency
        for kind, received, day in rows:
            histogram[(day, agency.pk, kind, week.count(received, day))] += 1
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


def rollup_tick() -> int:
    """The worker's periodic job: today and yesterday, every few minutes per process; never raises.
    Returns 1 when it rebuilt, 0 when it was not yet time (or the rebuild failed and waits a tick)."""
    global _last_tick
    if _last_tick and time.monotonic() - _last_tick < TICK_SECONDS:
        return 0
    _last_tick = time.monotonic()
    today = timezone.localdate()
    try:
        rebuild_days(today - datetime.timedelta(days=1), today)
    except Exception:  # a failed rebuild is retried at the next tick; the loop must keep running
        log.exception("rebuilding the daily roll-ups failed")
        return 0
    return 1

"""Public statistics of the network and of each agency, read from the daily roll-ups.

Aggregates only: no personal data, no free text, and any count from 1 to ``SMALL_COUNT`` - 1 is
published as "fewer than 5" (``"<5"``), so a rare case cannot be traced to a person. Results are cached and say
when they were computed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import jdatetime
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from mokatebat.core.jalali import TEHRAN
from mokatebat.correspondence.models import Channel, SubjectCategory
from mokatebat.organization.models import Organization

from .models import AnswerDay, IntakeDay, SatisfactionDay

SMALL_COUNT = 5
FEWER_THAN_SMALL = "<5"
MONTHS = 12
CACHE_SECONDS = 3600
TOP_CATEGORIES = 5

Count = int | str  # a published count: the number, or "<5"


def published(count: int) -> Count:
    """A count as it may be published: 1 to 4 are not told exactly (a zero identifies nobody)."""
    return count if count >= SMALL_COUNT or count == 0 else FEWER_THAN_SMALL


def jalali_months(today: datetime.date, months: int = MONTHS) -> list[tuple[str, datetime.date, datetime.date]]:
    """The last ``months`` Jalali months up to and including today's, oldest first: (YYYY-MM, first, last)."""
    current = jdatetime.date.fromgregorian(date=today).replace(day=1)
    result = []
    for _ in range(months):
        following = (current + datetime.timedelta(days=32)).replace(day=1)
        first, last = current.togregorian(), following.togregorian() - datetime.timedelta(days=1)
        result.append((f"{current.year:04d}-{current.month:02d}", first, min(last, today)))
        current = (current - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(result))


def percentile(histogram: dict[int, int], share: float) -> float | None:
    """The value below which ``share`` of the answered items fall (nearest rank), from days → count."""
    total = sum(histogram.values())
    if total < SMALL_COUNT:
        return None
    rank, seen = max(1, round(share * total + 0.4999)), 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return float(days)
    return None  # pragma: no cover - the loop always reaches the rank


def _figures(agency_ids: list[int], first: datetime.date, last: datetime.date) -> dict[str, Any]:
    """Received, answered, time to answer and satisfaction for these agencies over first..last."""
    intake = IntakeDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
    answers = AnswerDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
    surveys = SatisfactionDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
    histogram = {
        row["working_days"]: row["n"] for row in answers.values("working_days").annotate(n=Sum("answered")).order_by()
    }
    rating = surveys.aggregate(n=Sum("answered"), total=Sum("rating_sum"))
    rated = rating["n"] or 0
    return {
        "received": published(intake.aggregate(n=Sum("received"))["n"] or 0),
        "answered": published(sum(histogram.values())),
        "median_working_days_to_answer": percentile(histogram, 0.5),
        "p90_working_days_to_answer": percentile(histogram, 0.9),
        "satisfaction": {
            "answers": published(rated),
            "average": round(rating["total"] / rated, 2) if rated >= SMALL_COUNT else None,
        },
    }


def _monthly(agency_ids: list[int], months: list[tuple[str, datetime.date, datetime.date]]) -> list[dict[str, Any]]:
    first, last = months[0][1], months[-1][2]
    received: dict[datetime.date, int] = {}
    for row in (
        IntakeDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
        .values("day")
        .annotate(n=Sum("received"))
        .order_by()
    ):
        received[row["day"]] = row["n"]
    answered: dict[datetime.date, int] = {}
    for row in (
        AnswerDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
        .values("day")
        .annotate(n=Sum("answered"))
        .order_by()
    ):
        answered[row["day"]] = row["n"]

    def total(per_day: dict[datetime.date, int], start: datetime.date, end: datetime.date) -> Count:
        return published(sum(n for day, n in per_day.items() if start <= day <= end))

    return [
        {"month": label, "received": total(received, start, end), "answered": total(answered, start, end)}
        for label, start, end in months
    ]


def _channels(agency_ids: list[int], first: datetime.date, last: datetime.date) -> list[dict[str, Any]]:
    rows = (
        IntakeDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last)
        .values("channel")
        .annotate(n=Sum("received"))
        .order_by("-n", "channel")
    )
    labels = dict(Channel.choices)
    return [
        {"channel": r["channel"], "label": str(labels.get(r["channel"], r["channel"])), "received": published(r["n"])}
        for r in rows
    ]


def _top_categories(agency_ids: list[int], first: datetime.date, last: datetime.date) -> list[dict[str, Any]]:
    rows = list(
        IntakeDay.objects.filter(agency_id__in=agency_ids, day__gte=first, day__lte=last, category__isnull=False)
        .values("category_id")
        .annotate(n=Sum("received"))
        .order_by("-n", "category_id")[:TOP_CATEGORIES]
    )
    names = dict(SubjectCategory.objects.filter(pk__in=[r["category_id"] for r in rows]).values_list("pk", "name"))
    return [{"category": names[r["category_id"]], "received": published(r["n"])} for r in rows]


def _compute(agencies: list[Organization]) -> dict[str, Any]:
    now = timezone.now()
    months = jalali_months(now.astimezone(TEHRAN).date())
    first, last = months[0][1], months[-1][2]
    ids = [a.pk for a in agencies]
    return {
        "computed_at": now.isoformat(timespec="seconds"),
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        **_figures(ids, first, last),
        "months": _monthly(ids, months),
        "channels": _channels(ids, first, last),
        "top_categories": _top_categories(ids, first, last),
    }


def agency_stats(agency: Organization) -> dict[str, Any]:
    """One agency's public record over the last twelve Jalali months (cached)."""

    def compute() -> dict[str, Any]:
        return {"agency": {"code": agency.code, "name": agency.name}, **_compute([agency])}

    return _cached(f"public-stats:agency:{agency.pk}", compute)


def network_stats() -> dict[str, Any]:
    """The whole network, and each agency's headline figures (cached)."""

    def compute() -> dict[str, Any]:
        agencies = list(Organization.objects.agencies().order_by("name"))
        now = timezone.now()
        months = jalali_months(now.astimezone(TEHRAN).date())
        first, last = months[0][1], months[-1][2]
        rows = [{"agency": {"code": a.code, "name": a.name}, **_figures([a.pk], first, last)} for a in agencies]
        return {**_compute(agencies), "agencies": rows}

    return _cached("public-stats:network", compute)


def _cached(key: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, CACHE_SECONDS)
    return dict(result)

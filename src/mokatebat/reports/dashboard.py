"""The agency dashboard: intake, answers, backlog and satisfaction over a Jalali period, compared with
the period before it, read from the daily roll-ups (the backlog, which is "now", from the open items)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.models import Channel, Item, Kind, Status, SubjectCategory
from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, Role, User

from .models import AnswerDay, IntakeDay, SatisfactionDay
from .stats import percentile

# Those who steer the agency and answer for its record (the auditor reads it).
DASHBOARD_ROLES = frozenset({Role.HEAD, Role.DEPUTY, Role.AGENCY_ADMIN, Role.AUDITOR, Role.UNIT_MANAGER})
AGE_BUCKETS = ((0, 7), (8, 15), (16, 30), (31, None))  # calendar days since receipt


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    filters: dict[str, str]  # the inbox filters that list these items


def dashboard_agencies(user: User) -> list[Organization]:
    """The agencies whose dashboard this person may read."""
    if user.is_superuser:
        return list(Organization.objects.agencies().order_by("name"))
    memberships = active_memberships(user).filter(role__in=DASHBOARD_ROLES, organization__kind=Organization.Kind.AGENCY)
    return list({m.organization.pk: m.organization for m in memberships}.values())


def _trend(now: int, before: int) -> int | None:
    """Change against the previous period in percent; None when there was nothing before."""
    return round((now - before) * 100 / before) if before else None


def _grouped(intake: Any, field: str, labels: dict[str, str]) -> list[Row]:
    rows = intake.values(field).annotate(n=Sum("received")).order_by("-n", field)
    return [Row(str(labels.get(r[field], r[field])), r["n"], {field: r[field]}) for r in rows]


def agency_dashboard(agency: Organization, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    length = (last - first).days + 1
    before_first, before_last = first - datetime.timedelta(days=length), first - datetime.timedelta(days=1)
    intake = IntakeDay.objects.filter(agency=agency, day__gte=first, day__lte=last)
    received = intake.aggregate(n=Sum("received"))["n"] or 0
    received_before = (
        IntakeDay.objects.filter(agency=agency, day__gte=before_first, day__lte=before_last).aggregate(
            n=Sum("received")
        )["n"]
        or 0
    )
    answers = AnswerDay.objects.filter(agency=agency, day__gte=first, day__lte=last)
    histogram = {
        r["working_days"]: r["n"] for r in answers.values("working_days").annotate(n=Sum("answered")).order_by()
    }
    satisfaction = SatisfactionDay.objects.filter(agency=agency, day__gte=first, day__lte=last).aggregate(
        n=Sum("answered"), total=Sum("rating_sum")
    )
    categories = dict(SubjectCategory.objects.filter(agency=agency).values_list("pk", "name"))
    by_category = [
        Row(categories.get(r["category_id"], "—"), r["n"], {})
        for r in intake.filter(category__isnull=False)
        .values("category_id")
        .annotate(n=Sum("received"))
        .order_by("-n")[:10]
    ]
    return {
        "received": received,
        "received_before": received_before,
        "trend": _trend(received, received_before),
        "by_channel": _grouped(intake, "channel", {k: str(v) for k, v in Channel.choices}),
        "by_kind": _grouped(intake, "kind", {k: str(v) for k, v in Kind.choices}),
        "by_category": by_category,
        "answered": sum(histogram.values()),
        "median_days": percentile(histogram, 0.5),
        "p90_days": percentile(histogram, 0.9),
        "satisfaction_count": satisfaction["n"] or 0,
        "satisfaction_average": round(satisfaction["total"] / satisfaction["n"], 2) if satisfaction["n"] else None,
        "backlog": backlog_by_age(agency),
    }


def backlog_by_age(agency: Organization) -> list[Row]:
    """Items still open now, by how long ago they arrived (one query over the agency's open items)."""
    today = timezone.localdate()
    open_items = Item.objects.filter(agency=agency).exclude(status__in=[Status.ANSWERED, Status.CLOSED])
    counts: dict[str, Any] = {}
    for low, high in AGE_BUCKETS:
        newest = today - datetime.timedelta(days=low)
        condition = Q(submitted_at__date__lte=newest)
        if high is not None:
            condition &= Q(submitted_at__date__gte=today - datetime.timedelta(days=high))
        counts[f"b{low}"] = Count("pk", filter=condition)
    totals = open_items.aggregate(**counts)
    rows = []
    for low, high in AGE_BUCKETS:
        if high is None:
            label = gettext("بیش از %(low)s روز") % {"low": low - 1}
        else:
            label = gettext("%(low)s تا %(high)s روز") % {"low": low, "high": high}
        rows.append(Row(to_persian_digits(label), totals[f"b{low}"], {}))
    return rows

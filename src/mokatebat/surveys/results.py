"""Survey results for managers: averages and counts per service (item kind until services carry a
code), per unit and per responsible staff member, over Tehran calendar days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from mokatebat.correspondence.models import Kind
from mokatebat.organization.models import Organization

from .models import Survey


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    average: float


@dataclass(frozen=True)
class Results:
    offered: int
    answered: int
    average: float | None
    by_service: list[Row]
    by_unit: list[Row]
    by_staff: list[Row]


def _rows(answered: QuerySet[Survey], key: str, labels: dict[str, str] | None = None) -> list[Row]:
    grouped = answered.values(key).annotate(n=Count("pk"), avg=Avg("rating")).order_by("-n", key)
    rows = []
    for row in grouped:
        raw = row[key] or ""
        label = (labels or {}).get(raw, raw) or "—"
        rows.append(Row(label=label, count=int(row["n"]), average=round(float(row["avg"]), 2)))
    return rows


def survey_results(agencies: list[Organization], first: datetime.date, last: datetime.date) -> Results:
    """Surveys offered and answered on days ``first``..``last`` (Tehran), for these agencies."""
    mine = Survey.objects.filter(agency__in=agencies)
    offered = mine.filter(offered_at__date__gte=first, offered_at__date__lte=last).count()
    answered = mine.answered().filter(answered_at__date__gte=first, answered_at__date__lte=last)
    overall = answered.aggregate(n=Count("pk"), avg=Avg("rating"))
    service = answered.annotate(service=Coalesce(NullIf("service_code", Value("")), "kind"))
    kinds = {str(value): str(label) for value, label in Kind.choices}
    return Results(
        offered=offered,
        answered=int(overall["n"]),
        average=round(float(overall["avg"]), 2) if overall["avg"] is not None else None,
        by_service=_rows(service, "service", kinds),
        by_unit=_rows(answered, "unit__name"),
        by_staff=_staff_rows(answered),
    )


def _staff_rows(answered: QuerySet[Survey]) -> list[Row]:
    grouped = (
        answered.values("staff__first_name", "staff__last_name", "staff__username")
        .annotate(n=Count("pk"), avg=Avg("rating"))
        .order_by("-n", "staff__username")
    )
    rows = []
    for row in grouped:
        name = f"{row['staff__first_name'] or ''} {row['staff__last_name'] or ''}".strip() or row["staff__username"]
        rows.append(Row(label=name or "—", count=int(row["n"]), average=round(float(row["avg"]), 2)))
    return rows

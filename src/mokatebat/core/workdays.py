"""Working-day arithmetic: the one place that counts working days (deadlines and appointments alike).

``WorkWeek`` is pure arithmetic over a set of closed weekdays and closed dates; ``work_week_for``
loads an agency's calendar (its Thursday, the national holidays and its own closures) from the
database for a span of dates. Conventions, as Iranian offices count a deadline:

- ``add(start, n)`` is the n-th working day *after* ``start`` (the day of receipt is not counted),
  so "answer within 15 working days" of a letter received on day D is due on ``add(D, 15)``;
- ``count(start, end)`` is how many working days lie in ``(start, end]``: tomorrow is 1 if it is one.

Hence ``count(d, add(d, n)) == n`` and ``add`` never lands on a closed day (property-tested).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Holiday, Thursday, WorkingCalendar

if TYPE_CHECKING:
    from mokatebat.organization.models import Organization

FRIDAY = 4
THURSDAY = 3
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class WorkWeek:
    """Closed weekdays (Python numbers: Monday 0 … Friday 4) and closed dates, known for a span."""

    closed_weekdays: frozenset[int] = frozenset({THURSDAY, FRIDAY})
    closed_days: frozenset[datetime.date] = field(default_factory=frozenset)
    # The span the closed dates were loaded for; arithmetic beyond it would silently miss holidays.
    known_from: datetime.date = datetime.date.min
    known_to: datetime.date = datetime.date.max

    def is_working_day(self, day: datetime.date) -> bool:
        self._check(day)
        return day.weekday() not in self.closed_weekdays and day not in self.closed_days

    def add(self, start: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``start``; ``n == 0`` gives ``start`` itself."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def count(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in ``(start, end]``; 0 when ``end`` is not after ``start``."""
        total, day = 0, start
        while day < end:
            day += ONE_DAY
            total += self.is_working_day(day)
        return total

    def subtract(self, end: datetime.date, n: int) -> datetime.date:
        """The latest day ``d`` before ``end`` with ``count(d, end) == n`` working days (n ≥ 1)."""
        day, left = end, n
        while left:
            if self.is_working_day(day):
                left -= 1
            day -= ONE_DAY
        return day

    def _check(self, day: datetime.date) -> None:
        if not self.known_from <= day <= self.known_to:
            raise ValueError(f"{day} lies outside the loaded calendar ({self.known_from}–{self.known_to})")


def closed_weekdays(thursday: str) -> frozenset[int]:
    """Friday always; Thursday unless the agency works it (a half day counts as a working day)."""
    return frozenset({FRIDAY}) if thursday in (Thursday.WORKING, Thursday.HALF) else frozenset({THURSDAY, FRIDAY})


def thursday_of(agency: Organization) -> str:
    row = WorkingCalendar.objects.filter(agency=agency).values_list("thursday", flat=True).first()
    return row or Thursday.CLOSED


def work_week_for(agency: Organization, first: datetime.date, last: datetime.date) -> WorkWeek:
    """The agency's calendar between ``first`` and ``last`` (both included): two small queries."""
    days = Holiday.objects.for_agency(agency).between(first, last).values_list("date", flat=True)
    return WorkWeek(closed_weekdays(thursday_of(agency)), frozenset(days), known_from=first, known_to=last)


def span_for(n: int) -> datetime.timedelta:
    """A span certain to hold ``n`` working days: 2 working days a week at least, plus Nowruz."""
    return datetime.timedelta(days=n * 4 + 60)


def add_working_days(agency: Organization, start: datetime.date, n: int) -> datetime.date:
    return work_week_for(agency, start, start + span_for(n)).add(start, n)


def count_working_days(agency: Organization, start: datetime.date, end: datetime.date) -> int:
    if end <= start:
        return 0
    return work_week_for(agency, start, end).count(start, end)

"""Which slots a calendar offers, which are free, and how far away the first free one is in working days.

Slots are not stored in advance: they follow from the weekly opening hours, minus official holidays;
a ``Slot`` row exists only once someone booked it (it is the row the booking locks).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.workdays import count_working_days
from mokatebat.organization.models import Organization

from .models import Booking, Calendar, Holiday, OpeningHours, Slot

# The circular's rule (seed 002): a visit must be bookable within 3 working days.
CIRCULAR_WORKING_DAYS = 3
LOOK_AHEAD_DAYS = 60


def min_lead() -> datetime.timedelta:
    """A slot must start at least this far ahead to be booked (nobody books a slot already begun)."""
    return datetime.timedelta(minutes=getattr(settings, "BOOKINGS_MIN_LEAD_MINUTES", 30))


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime.datetime
    free: int

    @property
    def key(self) -> str:
        """How a slot travels in a form: its start in UTC, e.g. ``20261124T053000Z``."""
        return self.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_slot_key(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    except (TypeError, ValueError):
        return None


def holidays_between(agency: Organization, first: datetime.date, last: datetime.date) -> set[datetime.date]:
    rows = Holiday.objects.for_agency(agency).between(first, last)
    return set(rows.values_list("date", flat=True))


def working_days_after(start: datetime.date, end: datetime.date, agency: Organization) -> int:
    """How many working days from ``start`` (excluded) up to ``end`` (included): tomorrow is 1 if it is one.
    Counted with the agency's working calendar (``core.workdays``), as deadlines are."""
    return count_working_days(agency, start, end)


def _hours_by_weekday(calendar: Calendar) -> dict[int, list[OpeningHours]]:
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in calendar.opening_hours.all():
        hours[row.weekday].append(row)
    return hours


def day_starts(calendar: Calendar, day: datetime.date, hours: dict[int, list[OpeningHours]]) -> list[datetime.datetime]:
    """Every slot start on ``day`` (Tehran time), whole slots only, ranges in order."""
    length = datetime.timedelta(minutes=calendar.slot_minutes)
    starts: list[datetime.datetime] = []
    for row in sorted(hours.get(day.weekday(), []), key=lambda r: r.opens_at):
        start = datetime.datetime.combine(day, row.opens_at, tzinfo=TEHRAN)
        end = datetime.datetime.combine(day, row.closes_at, tzinfo=TEHRAN)
        while start + length <= end:
            starts.append(start)
            start += length
    return starts


def off_the_grid(calendar: Calendar, bookings: Iterable[Booking]) -> list[Booking]:
    """The bookings whose start is no longer a slot of the calendar's weekly hours and slot length.

    Holidays are not considered: this asks what a change of hours would strand, nothing else.
    """
    hours = _hours_by_weekday(calendar)
    starts_by_day: dict[datetime.date, set[datetime.datetime]] = {}
    stranded = []
    for booking in bookings:
        day = booking.slot.starts_at.astimezone(TEHRAN).date()
        if day not in starts_by_day:
            starts_by_day[day] = set(day_starts(calendar, day, hours))
        if booking.slot.starts_at not in starts_by_day[day]:
            stranded.append(booking)
    return stranded


def offered_starts(
    calendar: Calendar, first: datetime.date, last: datetime.date, *, after: datetime.datetime | None = None
) -> list[datetime.datetime]:
    """All slot starts from ``first`` to ``last`` (Tehran dates), holidays closed, none before ``after``."""
    hours = _hours_by_weekday(calendar)
    holidays = holidays_between(calendar.agency, first, last)
    starts: list[datetime.datetime] = []
    day = first
    while day <= last:
        if day not in holidays:
            starts.extend(s for s in day_starts(calendar, day, hours) if after is None or s >= after)
        day += datetime.timedelta(days=1)
    return starts


def _free_by_start(
    calendar: Calendar, first: datetime.datetime, last: datetime.datetime
) -> dict[datetime.datetime, int]:
    """Places left in the slots someone already booked (a slot keeps the capacity it was made with)."""
    rows = Slot.objects.filter(calendar=calendar, starts_at__gte=first, starts_at__lte=last)
    return {row.starts_at: row.capacity - row.booked for row in rows}


def free_slots(
    calendar: Calendar, *, now: datetime.datetime | None = None, days: int = LOOK_AHEAD_DAYS, limit: int | None = None
) -> list[FreeSlot]:
    """Free slots from now on, soonest first (at most ``limit``)."""
    now = now or timezone.now()
    today = now.astimezone(TEHRAN).date()
    starts = offered_starts(calendar, today, today + datetime.timedelta(days=days), after=now + min_lead())
    if not starts:
        return []
    left = _free_by_start(calendar, starts[0], starts[-1])
    result: list[FreeSlot] = []
    for start in starts:
        free = left.get(start, calendar.capacity)
        if free > 0:
            result.append(FreeSlot(starts_at=start, free=free))
            if limit is not None and len(result) >= limit:
                break
    return result


def is_offered(calendar: Calendar, start: datetime.datetime, *, now: datetime.datetime | None = None) -> bool:
    """The start is a real slot of this calendar, on an open day, not too soon and not too far ahead."""
    now = now or timezone.now()
    day = start.astimezone(TEHRAN).date()
    today = now.astimezone(TEHRAN).date()
    if start < now + min_lead() or day > today + datetime.timedelta(days=LOOK_AHEAD_DAYS):
        return False
    return start in offered_starts(calendar, day, day)


def group_by_day(slots: Iterable[FreeSlot]) -> list[tuple[datetime.date, list[FreeSlot]]]:
    days: dict[datetime.date, list[FreeSlot]] = defaultdict(list)
    for slot in slots:
        days[slot.starts_at.astimezone(TEHRAN).date()].append(slot)
    return sorted(days.items())


@dataclass(frozen=True)
class CalendarHealth:
    """One row of the managers' page: the circular's 3-working-day rule and the next two weeks' load."""

    calendar: Calendar
    first_free: datetime.datetime | None
    working_days: int | None  # None: no free slot within the look-ahead at all
    booked: int
    capacity: int

    @property
    def breaks_rule(self) -> bool:
        return self.working_days is None or self.working_days > CIRCULAR_WORKING_DAYS

    @property
    def use_percent(self) -> int:
        return round(100 * self.booked / self.capacity) if self.capacity else 0


def calendar_health(calendar: Calendar, *, now: datetime.datetime | None = None, days: int = 14) -> CalendarHealth:
    now = now or timezone.now()
    today = now.astimezone(TEHRAN).date()
    first = free_slots(calendar, now=now, limit=1)
    first_free = first[0].starts_at if first else None
    working = working_days_after(today, first_free.astimezone(TEHRAN).date(), calendar.agency) if first_free else None
    starts = offered_starts(calendar, today, today + datetime.timedelta(days=days - 1), after=now)
    booked = 0
    if starts:
        in_range = Slot.objects.filter(calendar=calendar, starts_at__gte=starts[0], starts_at__lte=starts[-1])
        booked = in_range.aggregate(total=Sum("booked"))["total"] or 0
    return CalendarHealth(
        calendar=calendar,
        first_free=first_free,
        working_days=working,
        booked=booked,
        capacity=len(starts) * calendar.capacity,
    )

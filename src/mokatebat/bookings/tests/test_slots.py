"""R13: which slots a calendar offers — opening hours, Friday closed, official holidays, capacity —
and the circular's 3-working-day measure."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Calendar, Holiday, OpeningHours, Weekday
from mokatebat.bookings.slots import calendar_health, free_slots, is_offered, working_days_after
from mokatebat.core.models import Thursday, WorkingCalendar
from mokatebat.organization.models import Organization

from .conftest import NOW, at, person

pytestmark = pytest.mark.django_db


def test_slots_follow_opening_hours_and_skip_friday(desk: Calendar, frozen_now: Any) -> None:
    slots = free_slots(desk, days=7)
    starts = [slot.starts_at for slot in slots]
    assert starts[:4] == [at(21, 8), at(21, 8, 30), at(21, 9), at(21, 9, 30)]
    assert not any(start.date() == datetime.date(2026, 11, 27) for start in starts)  # Friday
    assert len(starts) == 4 * 7  # Sat..Thu of this week and Saturday of the next
    assert all(slot.free == 2 for slot in slots)


def test_several_ranges_in_one_day(desk: Calendar, frozen_now: Any) -> None:
    OpeningHours.objects.create(
        calendar=desk, weekday=Weekday.SATURDAY, opens_at=datetime.time(14), closes_at=datetime.time(15, 15)
    )
    saturday = [s.starts_at for s in free_slots(desk, days=0)]
    # The quarter hour left at the end of the afternoon is not a whole slot.
    assert saturday == [at(21, 8), at(21, 8, 30), at(21, 9), at(21, 9, 30), at(21, 14), at(21, 14, 30)]


def test_network_and_agency_holidays_are_closed(desk: Calendar, other_agency: Organization, frozen_now: Any) -> None:
    Holiday.objects.create(date=datetime.date(2026, 11, 22), name="تعطیل سراسری")
    Holiday.objects.create(date=datetime.date(2026, 11, 23), name="تعطیل همین دستگاه", agency=desk.agency)
    Holiday.objects.create(date=datetime.date(2026, 11, 24), name="تعطیل دستگاه دیگر", agency=other_agency)
    days = {slot.starts_at.date() for slot in free_slots(desk, days=4)}
    assert days == {datetime.date(2026, 11, 21), datetime.date(2026, 11, 24), datetime.date(2026, 11, 25)}
    assert not is_offered(desk, at(22, 8))


def test_a_slot_in_the_past_or_off_the_grid_is_not_offered(desk: Calendar, frozen_now: Any) -> None:
    assert is_offered(desk, at(21, 8))
    assert not is_offered(desk, at(21, 8, 10))  # between two slots
    assert not is_offered(desk, at(21, 10))  # closing time
    assert not is_offered(desk, NOW - datetime.timedelta(days=1))


def test_full_slot_disappears_from_the_list(desk: Calendar, frozen_now: Any) -> None:
    for seed in (1, 2):
        bw.booking_create(calendar=desk, starts_at=at(21, 8), national_id=person(seed), mobile="09121111111")
    starts = [slot.starts_at for slot in free_slots(desk, limit=2)]
    assert starts == [at(21, 8, 30), at(21, 9)]


def test_working_days_skip_fridays_and_holidays(agency: Organization) -> None:
    Holiday.objects.create(date=datetime.date(2026, 11, 23), name="تعطیل")
    saturday = datetime.date(2026, 11, 21)
    # The agency's working calendar (core) decides Thursday; by default it is closed.
    assert working_days_after(saturday, datetime.date(2026, 11, 28), agency) == 4
    WorkingCalendar.objects.create(agency=agency, thursday=Thursday.WORKING)
    assert working_days_after(saturday, saturday, agency) == 0
    assert working_days_after(saturday, datetime.date(2026, 11, 22), agency) == 1
    # Sun 22, (Mon 23 holiday), Tue 24, Wed 25, Thu 26, (Fri 27), Sat 28
    assert working_days_after(saturday, datetime.date(2026, 11, 28), agency) == 5


def test_manager_measure_flags_a_calendar_beyond_three_working_days(agency: Organization, frozen_now: Any) -> None:
    calendar = Calendar.objects.create(agency=agency, name="کمیسیون پزشکی", capacity=1, slot_minutes=60)
    OpeningHours.objects.create(
        calendar=calendar, weekday=Weekday.TUESDAY, opens_at=datetime.time(8), closes_at=datetime.time(9)
    )
    health = calendar_health(calendar)
    assert health.first_free == at(24, 8)
    assert health.working_days == 3
    assert not health.breaks_rule  # Sun, Mon, Tue
    bw.booking_create(calendar=calendar, starts_at=at(24, 8), national_id=person(3), mobile="09121111111")
    health = calendar_health(calendar)
    assert health.first_free == at(24, 8) + datetime.timedelta(days=7)
    assert health.working_days == 8  # Thursday is closed in the default Saturday–Wednesday week
    assert health.breaks_rule
    assert (health.booked, health.capacity) == (1, 2)  # two Tuesdays in the coming two weeks

"""The working-day arithmetic every deadline and the appointments' 3-day rule use (``core.workdays``)."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mokatebat.core.models import Holiday, Thursday, WorkingCalendar
from mokatebat.core.national_holidays import national_holidays, seed_national_holidays
from mokatebat.core.workdays import WorkWeek, add_working_days, closed_weekdays, count_working_days

FRIDAY, THURSDAY = 4, 3

days = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31))
thursdays = st.sampled_from([Thursday.CLOSED, Thursday.HALF, Thursday.WORKING])
# Closed dates drawn around the span, like a year's holidays: sometimes several in a row (Nowruz).
closures = st.frozensets(
    st.dates(min_value=datetime.date(2023, 12, 1), max_value=datetime.date(2031, 12, 31)), max_size=80
)


def week(thursday: str, closed: frozenset[datetime.date]) -> WorkWeek:
    return WorkWeek(closed_weekdays(thursday), closed)


@given(start=days, n=st.integers(min_value=1, max_value=60), thursday=thursdays, closed=closures)
def test_adding_n_working_days_then_counting_back_gives_n(
    start: datetime.date, n: int, thursday: str, closed: frozenset[datetime.date]
) -> None:
    calendar = week(thursday, closed)
    due = calendar.add(start, n)
    assert calendar.count(start, due) == n
    assert calendar.subtract(due, n) < due


@given(start=days, n=st.integers(min_value=1, max_value=60), thursday=thursdays, closed=closures)
def test_a_due_date_never_falls_on_a_closed_day(
    start: datetime.date, n: int, thursday: str, closed: frozenset[datetime.date]
) -> None:
    due = week(thursday, closed).add(start, n)
    assert due.weekday() != FRIDAY
    assert due not in closed
    if thursday == Thursday.CLOSED:
        assert due.weekday() != THURSDAY


@given(start=days, a=st.integers(min_value=0, max_value=40), b=st.integers(min_value=0, max_value=40), closed=closures)
def test_adding_in_two_steps_is_adding_once(
    start: datetime.date, a: int, b: int, closed: frozenset[datetime.date]
) -> None:
    calendar = week(Thursday.CLOSED, closed)
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@given(start=days, end=days, closed=closures)
def test_counting_is_additive_and_never_negative(
    start: datetime.date, end: datetime.date, closed: frozenset[datetime.date]
) -> None:
    calendar = week(Thursday.HALF, closed)
    middle = min(start, end) + (max(start, end) - min(start, end)) / 2
    assert calendar.count(end, start) >= 0
    if start <= end:
        assert calendar.count(start, end) == calendar.count(start, middle) + calendar.count(middle, end)


@given(year=st.integers(min_value=1403, max_value=1410), n=st.integers(min_value=1, max_value=30))
def test_across_the_jalali_new_year_nowruz_is_skipped(year: int, n: int) -> None:
    """A letter received on the last working days of Esfand is due after the four Nowruz days."""
    nowruz = [jdatetime.date(year, 1, day).togregorian() for day in (1, 2, 3, 4)]
    calendar = week(Thursday.CLOSED, frozenset(nowruz))
    esfand_end = jdatetime.date(year, 1, 1).togregorian() - datetime.timedelta(days=1)
    due = calendar.add(esfand_end, n)
    assert due > nowruz[-1]  # no working day before the 5th of Farvardin
    assert calendar.count(esfand_end, due) == n
    assert jdatetime.date.fromgregorian(date=due).year == year


def test_fifteen_working_days_from_a_known_day() -> None:
    # Received Saturday 2026-11-21 (1405/08/30); Azar 1405 has no official holiday. Five working
    # days a week: Sat 12 Dec is the 15th; with Thursday worked, six a week: Tue 8 Dec.
    saturday = datetime.date(2026, 11, 21)
    assert week(Thursday.CLOSED, frozenset()).add(saturday, 15) == datetime.date(2026, 12, 12)
    assert week(Thursday.WORKING, frozenset()).add(saturday, 15) == datetime.date(2026, 12, 8)


def test_arithmetic_outside_the_loaded_span_is_refused() -> None:
    calendar = WorkWeek(known_from=datetime.date(2026, 1, 1), known_to=datetime.date(2026, 1, 31))
    with pytest.raises(ValueError, match="outside the loaded calendar"):
        calendar.add(datetime.date(2026, 1, 30), 10)


@pytest.mark.django_db
def test_an_agencys_calendar_has_its_thursday_the_national_holidays_and_its_own_closures(agency, other_agency) -> None:
    saturday = datetime.date(2026, 11, 21)
    Holiday.objects.create(date=datetime.date(2026, 11, 22), name="تعطیل سراسری")
    Holiday.objects.create(date=datetime.date(2026, 11, 23), name="تعطیل همین دستگاه", agency=agency)
    Holiday.objects.create(date=datetime.date(2026, 11, 24), name="تعطیل دستگاه دیگر", agency=other_agency)
    # Sun and Mon closed, Tue 24 is the first working day; Wed 25; (Thu, Fri); Sat 28.
    assert add_working_days(agency, saturday, 1) == datetime.date(2026, 11, 24)
    assert add_working_days(agency, saturday, 3) == datetime.date(2026, 11, 28)
    assert add_working_days(other_agency, saturday, 1) == datetime.date(2026, 11, 23)
    WorkingCalendar.objects.create(agency=agency, thursday=Thursday.HALF)
    assert add_working_days(agency, saturday, 3) == datetime.date(2026, 11, 26)
    assert count_working_days(agency, saturday, datetime.date(2026, 11, 28)) == 4


def test_the_package_knows_the_official_1405_calendar() -> None:
    """Checked against the official 1405 calendar (شورای فرهنگ عمومی): Nowruz with Eid al-Fitr on
    1–2 Farvardin, 12–13 Farvardin, 6 Khordad, 14–15 Khordad, 3–4 Tir. Lunar dates late in the
    year are the package's estimates and are flagged for the admin to check."""
    by_day = {jdatetime.date.fromgregorian(date=row.date): row for row in national_holidays([1405])}
    for month, day in [(1, 1), (1, 2), (1, 3), (1, 4), (1, 12), (1, 13), (3, 6), (3, 14), (3, 15), (4, 3), (4, 4)]:
        assert jdatetime.date(1405, month, day) in by_day, (month, day)
    assert not by_day[jdatetime.date(1405, 1, 1)].is_estimated
    assert any(row.is_estimated for row in by_day.values())


@pytest.mark.django_db
def test_seeding_twice_adds_nothing_and_keeps_a_corrected_lunar_date() -> None:
    assert seed_national_holidays([1406]) > 10
    estimate = Holiday.objects.filter(is_estimated=True).first()
    assert estimate is not None
    # The admin corrects the lunar date from the official calendar: the estimate goes, the day comes.
    corrected = estimate.date + datetime.timedelta(days=1)
    estimate.delete()
    Holiday.objects.create(date=corrected, name="عید (تاریخ رسمی)")
    assert seed_national_holidays([1406]) == 0
    assert not Holiday.objects.filter(date=corrected - datetime.timedelta(days=1), is_estimated=True).exists()

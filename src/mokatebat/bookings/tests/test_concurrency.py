"""R13: no double booking and no over-capacity when many people book at once, on real PostgreSQL.

Each thread has its own database connection and transaction; a barrier releases them together."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar, OpeningHours, Slot, Weekday
from mokatebat.bookings.slots import free_slots
from mokatebat.organization.models import User

from .conftest import person

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def run_together(tasks: list[Callable[[], object]]) -> tuple[int, list[BaseException]]:
    barrier = threading.Barrier(len(tasks))
    successes: list[object] = []
    errors: list[BaseException] = []

    def worker(task: Callable[[], object]) -> None:
        try:
            barrier.wait()
            successes.append(task())
        except BaseException as error:  # collected and checked by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(successes), errors


def test_parallel_bookings_never_exceed_a_slots_capacity(desk: Calendar) -> None:
    start = free_slots(desk, limit=1)[0].starts_at
    tasks: list[Callable[[], object]] = [
        lambda seed=seed: bw.booking_create(
            calendar=desk, starts_at=start, national_id=person(100 + seed), mobile="09121111111"
        )
        for seed in range(THREADS)
    ]
    booked, errors = run_together(tasks)
    assert booked == desk.capacity == 2
    assert len(errors) == THREADS - 2
    assert all(isinstance(error, bw.BookingError) for error in errors)
    slot = Slot.objects.get(calendar=desk, starts_at=start)
    assert slot.booked == 2 == Booking.objects.filter(slot=slot, state=Booking.State.BOOKED).count()


def test_one_person_booking_many_slots_at_once_gets_only_the_limit(desk: Calendar) -> None:
    starts = [slot.starts_at for slot in free_slots(desk, limit=THREADS)]
    someone = person(7)
    tasks: list[Callable[[], object]] = [
        lambda start=start: bw.booking_create(calendar=desk, starts_at=start, national_id=someone, mobile="09121111111")
        for start in starts
    ]
    booked, errors = run_together(tasks)
    assert booked == bw.max_active_bookings() == 2
    assert all(isinstance(error, bw.BookingError) for error in errors)
    assert Booking.objects.filter(national_id=someone, state=Booking.State.BOOKED).count() == 2


def test_the_same_person_cannot_hold_two_places_in_one_slot(desk: Calendar) -> None:
    start = free_slots(desk, limit=1)[0].starts_at
    someone = person(8)
    tasks: list[Callable[[], object]] = [
        lambda: bw.booking_create(calendar=desk, starts_at=start, national_id=someone, mobile="09121111111")
        for _i in range(4)
    ]
    booked, errors = run_together(tasks)
    assert booked == 1
    assert len(errors) == 3
    assert Slot.objects.get(calendar=desk, starts_at=start).booked == 1


def test_a_change_of_hours_racing_bookings_never_strands_anyone(desk: Calendar) -> None:
    """Bookings of the last Monday-morning slot and a manager closing Monday at that hour, all at once:
    either the change wins and nobody holds the slot, or the bookings win and the change is refused."""
    manager = User.objects.create_user("racing-manager")
    monday_930 = next(
        slot.starts_at
        for slot in free_slots(desk)
        if slot.starts_at.weekday() == 0 and slot.starts_at.time() == datetime.time(9, 30)
    )
    values = bw.CalendarSettings(
        name=desk.name, unit=None, place=desk.place, address="", slot_minutes=30, capacity=8, is_active=True
    )
    hours = [
        bw.OpenRange(weekday, datetime.time(8), datetime.time(9 if weekday == Weekday.MONDAY else 10))
        for weekday in Weekday.values
        if weekday != Weekday.FRIDAY
    ]
    tasks: list[Callable[[], object]] = [
        lambda seed=seed: bw.booking_create(
            calendar=Calendar.objects.get(pk=desk.pk),
            starts_at=monday_930,
            national_id=person(300 + seed),
            mobile="09121111111",
        )
        for seed in range(THREADS - 1)
    ]
    tasks.append(lambda: bw.calendar_update(calendar=desk, actor=manager, values=values, hours=hours))
    _done, errors = run_together(tasks)
    assert all(isinstance(error, bw.BookingError) for error in errors), errors
    held = Booking.objects.filter(slot__starts_at=monday_930, state=Booking.State.BOOKED).count()
    monday_closes = OpeningHours.objects.get(calendar=desk, weekday=Weekday.MONDAY).closes_at
    if monday_closes == datetime.time(9):  # the change went through: nobody may hold 09:30
        assert held == 0
        assert len(errors) == THREADS - 1
    else:  # someone booked first: the change was refused as a whole
        assert held >= 1
        assert any(isinstance(error, bw.BookingsInTheWay) for error in errors)


def test_a_staff_move_and_citizens_racing_for_the_last_place_never_overfill_it(desk: Calendar) -> None:
    """The manager moves someone into a slot with one place left while citizens book that slot: one
    of them gets the place, the others are refused, and the moved booking keeps its old place if it lost."""
    manager = User.objects.create_user("moving-manager")
    last, moving_from = (slot.starts_at for slot in free_slots(desk, limit=2))
    bw.booking_create(calendar=desk, starts_at=last, national_id=person(400), mobile="09121111111")
    moving = bw.booking_create(calendar=desk, starts_at=moving_from, national_id=person(401), mobile="09121111111")
    tasks: list[Callable[[], object]] = [
        lambda seed=seed: bw.booking_create(
            calendar=Calendar.objects.get(pk=desk.pk),
            starts_at=last,
            national_id=person(410 + seed),
            mobile="09121111111",
        )
        for seed in range(THREADS - 1)
    ]
    tasks.append(
        lambda: bw.booking_move_by_staff(
            booking=Booking.objects.get(pk=moving.pk), actor=manager, starts_at=last, reason="خرابی سامانه نوبت"
        )
    )
    done, errors = run_together(tasks)
    assert done == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(error, bw.BookingError) for error in errors), errors
    slot = Slot.objects.get(calendar=desk, starts_at=last)
    assert slot.booked == slot.capacity == 2 == Booking.objects.filter(slot=slot, state=Booking.State.BOOKED).count()
    moving.refresh_from_db()
    old = Slot.objects.get(calendar=desk, starts_at=moving_from)
    assert old.booked == (0 if moving.slot_id == slot.pk else 1)

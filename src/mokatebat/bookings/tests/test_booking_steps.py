"""R13: the booking steps — SMS code, confirmation, cancel, reschedule, the per-person limit and the
reminder the day before, queued exactly once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar, PhoneCode, Slot
from mokatebat.notifications.models import OutboxMessage

from .conftest import NOW, at, person

pytestmark = pytest.mark.django_db


def sent_code(mobile: str) -> str:
    body = OutboxMessage.objects.filter(mobile=mobile, template="booking_code").latest("pk").body
    return "".join(ch for ch in body if ch.isdigit())[:6]


def test_phone_code_is_stored_hashed_and_works_once(frozen_now: Any) -> None:
    phone_code = bw.phone_code_send(mobile="09121234567", purpose="book")
    code = sent_code("09121234567")
    assert code not in phone_code.code_hash
    assert not bw.phone_code_check(phone_code=phone_code, code="000000" if code != "000000" else "111111")
    assert bw.phone_code_check(phone_code=phone_code, code=code)
    assert not bw.phone_code_check(phone_code=phone_code, code=code)  # used


def test_phone_code_expires_after_five_minutes_and_five_tries(frozen_now: Any) -> None:
    phone_code = bw.phone_code_send(mobile="09121234567", purpose="book")
    code = sent_code("09121234567")
    frozen_now.shift(datetime.timedelta(minutes=5, seconds=1))
    assert not bw.phone_code_check(phone_code=phone_code, code=code)
    other = bw.phone_code_send(mobile="09121234567", purpose="book")
    right = sent_code("09121234567")
    for _try in range(5):
        bw.phone_code_check(phone_code=other, code="999999" if right != "999999" else "888888")
    assert not bw.phone_code_check(phone_code=other, code=right)
    assert PhoneCode.objects.get(pk=other.pk).attempts == 5


def test_phone_codes_per_mobile_are_rate_limited(frozen_now: Any) -> None:
    for _i in range(bw.phone_codes_per_hour()):
        bw.phone_code_send(mobile="09121234567", purpose="book")
    with pytest.raises(bw.BookingError):
        bw.phone_code_send(mobile="09121234567", purpose="book")
    frozen_now.shift(datetime.timedelta(hours=1, seconds=1))
    bw.phone_code_send(mobile="09121234567", purpose="book")


def test_booking_queues_a_confirmation_with_the_code(desk: Calendar, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 9), national_id=person(1), mobile="09121234567")
    message = OutboxMessage.objects.get(template="booking_confirmed")
    assert booking.code in message.body
    assert "1405/09/01" in message.body
    assert "09:00" in message.body
    assert booking.events.get().kind == "booked"


def test_limit_of_active_future_bookings_per_person(desk: Calendar, frozen_now: Any) -> None:
    someone = person(2)
    first = bw.booking_create(calendar=desk, starts_at=at(21, 8), national_id=someone, mobile="09121234567")
    bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=someone, mobile="09121234567")
    with pytest.raises(bw.BookingError):
        bw.booking_create(calendar=desk, starts_at=at(23, 8), national_id=someone, mobile="09121234567")
    bw.booking_cancel(booking=first)
    bw.booking_create(calendar=desk, starts_at=at(23, 8), national_id=someone, mobile="09121234567")


def test_past_bookings_do_not_count_towards_the_limit(desk: Calendar, frozen_now: Any) -> None:
    someone = person(3)
    bw.booking_create(calendar=desk, starts_at=at(21, 8), national_id=someone, mobile="09121234567")
    bw.booking_create(calendar=desk, starts_at=at(21, 9), national_id=someone, mobile="09121234567")
    frozen_now.move_to(at(21, 12))
    bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=someone, mobile="09121234567")


def test_cancel_frees_the_place(desk: Calendar, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(4), mobile="09121234567")
    bw.booking_cancel(booking=booking)
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CANCELLED
    assert OutboxMessage.objects.filter(template="booking_cancelled").count() == 1
    with pytest.raises(bw.BookingError):
        bw.booking_cancel(booking=booking)


def test_reschedule_moves_the_place_and_refuses_a_full_slot(desk: Calendar, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(5), mobile="09121234567")
    for seed in (6, 7):
        bw.booking_create(calendar=desk, starts_at=at(23, 8), national_id=person(seed), mobile="09121111111")
    with pytest.raises(bw.BookingError):
        bw.booking_reschedule(booking=booking, starts_at=at(23, 8))
    assert Slot.objects.get(calendar=desk, starts_at=at(22, 8)).booked == 1  # nothing lost on refusal
    bw.booking_reschedule(booking=booking, starts_at=at(24, 9))
    assert Slot.objects.get(calendar=desk, starts_at=at(22, 8)).booked == 0
    assert Slot.objects.get(calendar=desk, starts_at=at(24, 9)).booked == 1
    assert OutboxMessage.objects.filter(template="booking_rescheduled").count() == 1


def test_the_database_refuses_over_capacity_even_without_the_lock(desk: Calendar) -> None:
    slot = Slot.objects.create(calendar=desk, starts_at=NOW, capacity=1, booked=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=2)


def test_reminder_is_queued_once_the_day_before(desk: Calendar, frozen_now: Any) -> None:
    tomorrow = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(8), mobile="09121234567")
    bw.booking_create(calendar=desk, starts_at=at(23, 8), national_id=person(9), mobile="09121234568")
    cancelled = bw.booking_create(calendar=desk, starts_at=at(22, 9), national_id=person(10), mobile="09121234569")
    bw.booking_cancel(booking=cancelled)
    assert bw.reminders_queue() == 1
    assert bw.reminders_queue() == 0
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        assert bw.reminders_queue() == 0
    reminders = OutboxMessage.objects.filter(template="booking_reminder")
    assert [m.mobile for m in reminders] == [tomorrow.mobile]
    assert tomorrow.code in reminders[0].body


def test_a_rescheduled_booking_gets_a_reminder_for_its_new_day(desk: Calendar, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(11), mobile="09121234567")
    assert bw.reminders_queue() == 1
    bw.booking_reschedule(booking=booking, starts_at=at(23, 8))
    frozen_now.move_to(at(22, 12))
    assert bw.reminders_queue() == 1
    assert OutboxMessage.objects.filter(template="booking_reminder").count() == 2


def test_staff_mark_attendance_only_from_the_day_itself(desk: Calendar, manager: Any, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(12), mobile="09121234567")
    with pytest.raises(bw.BookingError):
        bw.booking_mark(booking=booking, actor=manager, attended=True)
    frozen_now.move_to(at(22, 8, 5))
    assert bw.booking_mark(booking=booking, actor=manager, attended=False).state == Booking.State.NO_SHOW


def test_the_worker_tick_queues_reminders_at_most_every_few_minutes(desk: Calendar, frozen_now: Any) -> None:
    bw._last_tick.clear()
    bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(13), mobile="09121234567")
    assert bw.reminders_tick() == 1
    bw.booking_create(calendar=desk, starts_at=at(22, 9), national_id=person(14), mobile="09121234568")
    assert bw.reminders_tick() == 0  # throttled
    frozen_now.shift(bw.TICK_EVERY)
    assert bw.reminders_tick() == 1


def test_the_management_command_queues_reminders(desk: Calendar, frozen_now: Any) -> None:
    from django.core.management import call_command

    bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(15), mobile="09121234567")
    call_command("queue_booking_reminders")
    call_command("queue_booking_reminders")
    assert OutboxMessage.objects.filter(template="booking_reminder").count() == 1

"""R13 pages: the citizen's book → SMS code → booked path, managing a booking with national ID +
booking code + SMS code, and staff pages scoped to the staff member's own agency."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mokatebat.accounts.tests.conftest import sign_in
from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar
from mokatebat.bookings.slots import free_slots
from mokatebat.organization.models import User

from .conftest import at, person, signed_in
from .test_booking_steps import sent_code

pytestmark = pytest.mark.django_db


def test_citizen_books_with_an_sms_code(anyone: Client, desk: Calendar, frozen_now: Any) -> None:
    slot = free_slots(desk, limit=1)[0]
    assert anyone.get(f"/appointments/agencies/{desk.agency.code}/").status_code == 200
    page = anyone.get(f"/appointments/calendars/{desk.public_id}/")
    assert f"?slot={slot.key}" in page.content.decode()
    someone = person(20)
    form = {
        "slot": slot.key,
        "full_name": "مریم احمدي",
        "national_id": someone,
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "purpose": "تحویل مدارک پروانه مطب",
    }
    bad = anyone.post(f"/appointments/calendars/{desk.public_id}/book/", {**form, "national_id": "123"})
    assert bad.status_code == 400
    assert 'value="09121234567"' in bad.content.decode()  # kept, normalised
    nameless = anyone.post(f"/appointments/calendars/{desk.public_id}/book/", {**form, "full_name": "", "purpose": ""})
    assert nameless.status_code == 400
    assert nameless.content.decode().count("این فیلد لازم است") + nameless.content.decode().count("errorlist") >= 2
    assert anyone.post(f"/appointments/calendars/{desk.public_id}/book/", form)["Location"] == "/appointments/verify/"
    assert not Booking.objects.exists()
    assert anyone.post("/appointments/verify/", {"code": "12345"}).status_code == 400
    done = anyone.post("/appointments/verify/", {"code": sent_code("09121234567")})
    assert done["Location"] == "/appointments/booking/"
    booking = Booking.objects.get()
    assert (booking.national_id, booking.mobile, booking.slot.starts_at) == (someone, "09121234567", slot.starts_at)
    assert (booking.full_name, booking.purpose) == ("مریم احمدی", "تحویل مدارک پروانه مطب")
    assert booking.code in anyone.get("/appointments/booking/").content.decode()


def test_manage_needs_id_code_and_sms_code(anyone: Client, desk: Calendar, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(21), mobile="09121234567")
    assert anyone.get("/appointments/booking/").status_code == 404
    wrong = anyone.post("/appointments/manage/", {"national_id": person(22), "booking_code": booking.code})
    assert wrong.status_code == 404
    form = {"national_id": booking.national_id, "booking_code": booking.code.lower()}
    assert anyone.post("/appointments/manage/", form)["Location"] == "/appointments/verify/"
    assert anyone.get("/appointments/booking/").status_code == 404  # not before the SMS code
    anyone.post("/appointments/verify/", {"code": sent_code("09121234567")})
    assert (
        anyone.post("/appointments/booking/reschedule/", {"slot": free_slots(desk, limit=3)[2].key}).status_code == 302
    )
    # The cancel button asks once; only the confirmation cancels.
    question = anyone.get("/appointments/booking/cancel/").content.decode()
    assert "این نوبت لغو شود؟" in question
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.BOOKED
    assert 'href="/appointments/booking/cancel/"' in anyone.get("/appointments/booking/").content.decode()
    anyone.post("/appointments/booking/cancel/")
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CANCELLED


def test_staff_see_only_their_agencys_calendars(desk: Calendar, manager: User, outsider: User, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(21, 8), national_id=person(23), mobile="09121234567")
    mine = signed_in(manager)
    assert desk.name in mine.get("/staff/appointments/").content.decode()
    day = mine.get(f"/staff/appointments/calendars/{desk.public_id}/?day=1405/08/30")
    assert booking.code in day.content.decode()
    mine.post(f"/staff/appointments/bookings/{booking.public_id}/mark/", {"outcome": "attended"})
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.ATTENDED
    theirs = signed_in(outsider)
    assert desk.name not in theirs.get("/staff/appointments/").content.decode()
    assert theirs.get(f"/staff/appointments/calendars/{desk.public_id}/").status_code == 404
    assert (
        theirs.post(f"/staff/appointments/bookings/{booking.public_id}/mark/", {"outcome": "no_show"}).status_code
        == 404
    )


def test_overview_is_for_managers(desk: Calendar, clerk: User) -> None:
    assert signed_in(clerk).get("/staff/appointments/").status_code == 403


def test_the_staff_day_view_lists_who_is_coming_and_why(desk: Calendar, manager: User, frozen_now: Any) -> None:
    bw.booking_create(
        calendar=desk,
        starts_at=at(21, 8),
        national_id=person(24),
        mobile="09121234567",
        full_name="علی رضایی",
        purpose="پیگیری نامه ۱۲۳۴۵",
    )
    day = signed_in(manager).get(f"/staff/appointments/calendars/{desk.public_id}/?day=1405/08/30").content.decode()
    assert "علی رضایی" in day
    assert "پیگیری نامه ۱۲۳۴۵" in day


def test_bookings_appear_in_the_citizens_account(anyone: Client, desk: Calendar, frozen_now: Any) -> None:
    mine = bw.booking_create(
        calendar=desk,
        starts_at=at(22, 9),
        national_id=person(25),
        mobile="09121234567",
        full_name="زهرا کاظمی",
        purpose="تحویل مدارک",
    )
    # The same national ID with another mobile is not proof of being this person.
    other = bw.booking_create(calendar=desk, starts_at=at(23, 8), national_id=person(25), mobile="09351112233")
    sign_in(anyone, person(25), "09121234567")
    page = anyone.get("/account/").content.decode()
    assert "نوبت‌های من" in page
    assert mine.code in page
    assert "تحویل مدارک" in page
    assert desk.name in page
    assert other.code not in page

"""R13: the agency's managers keep their calendars in the staff workspace — name, place, slot length,
capacity and weekly hours — in Persian, with Persian or Latin digits; a change that would strand
people who already booked is refused and names the bookings."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar, OpeningHours, Slot, Weekday
from mokatebat.bookings.slots import free_slots
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

from .conftest import at, open_desk, person, signed_in, staff_of

pytestmark = pytest.mark.django_db

SAT, SUN, FRI = Weekday.SATURDAY, Weekday.SUNDAY, Weekday.FRIDAY


def hours_field(weekday: int, index: int, end: str) -> str:
    return f"d{weekday}_{index}_{end}"


def calendar_form(**overrides: str) -> dict[str, str]:
    """A new desk open Saturday to Thursday 08:00–12:00, typed the way a manager on a phone types it."""
    form = {
        "name": "باجه صدور مجوز",
        "place": "ساختمان شماره ۲، طبقه اول",
        "address": "",
        "unit": "",
        "slot_minutes": "۲۰",
        "capacity": "۳",
        "is_active": "on",
    }
    for weekday in Weekday.values:
        if weekday != FRI:
            form[hours_field(weekday, 0, "opens")] = "۰۸:۰۰"
            form[hours_field(weekday, 0, "closes")] = "۱۲"
    form.update(overrides)
    return form


def week_of(calendar: Calendar) -> list[tuple[int, datetime.time, datetime.time]]:
    return list(calendar.opening_hours.order_by("weekday", "opens_at").values_list("weekday", "opens_at", "closes_at"))


# --- who may open the pages -----------------------------------------------------------------------


def test_anonymous_visitors_and_citizens_are_sent_to_the_staff_login(anyone: Client, desk: Calendar) -> None:
    citizen = Client()
    session = citizen.session
    session["citizen"] = {"identifier": person(1), "mobile": "09121234567", "since": "", "seen": ""}
    session.save()
    for client in (anyone, citizen):
        for path in (
            "/staff/appointments/calendars/",
            "/staff/appointments/calendars/new/",
            f"/staff/appointments/calendars/{desk.public_id}/edit/",
            f"/staff/appointments/agencies/{desk.agency.code}/holidays/",
        ):
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith("/staff/login/")
    assert anyone.post(f"/staff/appointments/calendars/{desk.public_id}/edit/", calendar_form()).status_code == 302
    assert week_of(desk)[0][2] == datetime.time(10)


def test_a_manager_of_another_agency_gets_not_found(desk: Calendar, outsider: User) -> None:
    theirs = signed_in(outsider)
    assert theirs.get(f"/staff/appointments/calendars/{desk.public_id}/edit/").status_code == 404
    assert theirs.post(f"/staff/appointments/calendars/{desk.public_id}/edit/", calendar_form()).status_code == 404
    assert theirs.get(f"/staff/appointments/agencies/{desk.agency.code}/holidays/").status_code == 404
    listing = theirs.get("/staff/appointments/calendars/")
    assert listing.status_code == 200
    assert desk.name not in listing.content.decode()
    Calendar.objects.get(pk=desk.pk, name="میز خدمت حضوری")


def test_staff_without_a_managers_role_may_not_keep_calendars(
    desk: Calendar, clerk: User, agency: Organization
) -> None:
    auditor = staff_of(agency, "auditor", Role.AUDITOR)
    for user in (clerk, auditor):
        client = signed_in(user)
        assert client.get("/staff/appointments/calendars/").status_code == 403
        assert client.get("/staff/appointments/calendars/new/").status_code == 403
        assert client.get(f"/staff/appointments/calendars/{desk.public_id}/edit/").status_code == 404
    # The auditor still reads the 3-working-day overview, without the link to change anything.
    overview = signed_in(auditor).get("/staff/appointments/").content.decode()
    assert desk.name in overview
    assert 'href="/staff/appointments/calendars/"' not in overview


def test_the_list_shows_each_calendar_with_its_week_and_links(desk: Calendar, manager: User, frozen_now: Any) -> None:
    bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(2), mobile="09121234567")
    client = signed_in(manager)
    client.get("/staff/appointments/calendars/")  # the first page after signing in also writes the session
    with CaptureQueriesContext(connection) as one_calendar:
        client.get("/staff/appointments/calendars/")
    open_desk_two = Calendar.objects.create(agency=desk.agency, name="میز دوم", slot_minutes=15)
    for number in range(3):
        open_desk(desk.agency, name=f"باجه {number}")
    with CaptureQueriesContext(connection) as five_calendars:
        page = client.get("/staff/appointments/calendars/").content.decode()
    assert len(five_calendars) == len(one_calendar)
    assert f"/staff/appointments/calendars/{desk.public_id}/edit/" in page
    assert f"/staff/appointments/calendars/{open_desk_two.public_id}/edit/" in page
    assert "شنبه تا پنجشنبه" in page
    assert "۰۸:۰۰ تا ۱۰:۰۰" in page
    assert "نوبت‌های گرفته‌شده پیش رو: ۱" in page
    assert "ساعت کاری تعریف نشده است" in page  # the second desk has no hours yet
    assert f"/staff/appointments/agencies/{desk.agency.code}/holidays/" in page
    assert "/staff/appointments/calendars/new/" in page
    assert 'href="/staff/appointments/calendars/"' in client.get("/staff/appointments/").content.decode()


# --- creating and editing -------------------------------------------------------------------------


def test_a_manager_creates_a_calendar_with_persian_digits(manager: User, agency: Organization, unit: Unit) -> None:
    client = signed_in(manager)
    form = calendar_form(unit=str(unit.public_id))
    form[hours_field(SAT, 1, "opens")] = "۱۴:۳۰"
    form[hours_field(SAT, 1, "closes")] = "۱۶:۱۰"
    form[hours_field(SUN, 0, "opens")] = "8"  # Latin digits and a bare hour work as well
    response = client.post("/staff/appointments/calendars/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = Calendar.objects.get(name="باجه صدور مجوز")
    assert (calendar.agency, calendar.unit, calendar.slot_minutes, calendar.capacity) == (agency, unit, 20, 3)
    assert calendar.place == "ساختمان شماره 2، طبقه اول"  # digits are stored ASCII, shown Persian
    week = week_of(calendar)
    assert week[0] == (Weekday.MONDAY, datetime.time(8), datetime.time(12))
    assert (SAT, datetime.time(14, 30), datetime.time(16, 10)) in week
    assert not any(weekday == FRI for weekday, _o, _c in week)
    assert len(week) == 7
    entry = LogEntry.objects.get(object_id=str(calendar.pk))
    assert entry.user_id == manager.pk
    assert entry.is_addition()


def test_arabic_letters_are_stored_as_persian(manager: User) -> None:
    signed_in(manager).post("/staff/appointments/calendars/new/", calendar_form(name="ميز كمك"))
    assert Calendar.objects.filter(name="میز کمک").exists()


def test_validation_messages_a_manager_reads(manager: User) -> None:
    form = calendar_form(slot_minutes="۰", capacity="۰")
    form[hours_field(SAT, 0, "opens")], form[hours_field(SAT, 0, "closes")] = "۱۰:۰۰", "۰۹:۰۰"
    form[hours_field(SUN, 0, "closes")] = ""
    form[hours_field(Weekday.MONDAY, 0, "opens")] = "۲۵:۰۰"
    response = signed_in(manager).post("/staff/appointments/calendars/new/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "مدت هر نوبت دست‌کم ۵ دقیقه است." in body
    assert "ظرفیت هر نوبت دست‌کم ۱ نفر است." in body
    assert "ساعت پایان باید بعد از ساعت شروع باشد." in body
    assert "ساعت پایان را هم وارد کنید" in body
    assert "ساعت را به شکل ۰۸:۳۰ وارد کنید." in body
    assert 'value="۱۰:۰۰"' in body  # what was typed stays, in Persian digits
    assert not Calendar.objects.exists()


def test_slot_length_must_divide_each_range(manager: User) -> None:
    form = calendar_form(slot_minutes="۴۵")  # 08:00–12:00 is 240 minutes: five slots and 15 minutes over
    response = signed_in(manager).post("/staff/appointments/calendars/new/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "این بازه ۲۴۰ دقیقه است و به نوبت‌های ۴۵ دقیقه‌ای بخش نمی‌شود" in body
    assert "ساعت پایان را ۱۱:۴۵ بگذارید" in body
    odd = signed_in(manager).post("/staff/appointments/calendars/new/", calendar_form(slot_minutes="۱۷"))
    assert "مدت هر نوبت باید مضربی از ۵ دقیقه باشد" in odd.content.decode()


def test_overlapping_ranges_in_one_day_are_refused(manager: User) -> None:
    form = calendar_form()
    form[hours_field(SAT, 1, "opens")], form[hours_field(SAT, 1, "closes")] = "۱۱:۰۰", "۱۳:۰۰"
    response = signed_in(manager).post("/staff/appointments/calendars/new/", form)
    assert response.status_code == 400
    assert "این بازه با بازه ۰۸:۰۰ تا ۱۲:۰۰ همین روز هم‌پوشانی دارد." in response.content.decode()


def test_a_unit_of_another_agency_cannot_be_chosen(manager: User, other_agency: Organization) -> None:
    elsewhere = Unit.objects.create(organization=other_agency, name="اداره دیگر")
    response = signed_in(manager).post(
        "/staff/appointments/calendars/new/", calendar_form(unit=str(elsewhere.public_id))
    )
    assert response.status_code == 400
    assert not Calendar.objects.exists()


def test_the_edit_form_shows_the_week_in_persian_digits(desk: Calendar, manager: User) -> None:
    body = signed_in(manager).get(f"/staff/appointments/calendars/{desk.public_id}/edit/").content.decode()
    assert f'name="{hours_field(SAT, 0, "opens")}" value="۰۸:۰۰"' in body
    assert f'name="{hours_field(SAT, 0, "closes")}" value="۱۰:۰۰"' in body
    assert 'name="slot_minutes" value="۳۰"' in body
    assert f'name="{hours_field(FRI, 0, "opens")}"' in body  # closed: empty inputs to open it


def test_editing_hours_and_closing_a_day(desk: Calendar, manager: User, frozen_now: Any) -> None:
    form = calendar_form(name=desk.name, slot_minutes="۳۰", capacity="۲")
    form[hours_field(SAT, 0, "opens")], form[hours_field(SAT, 0, "closes")] = "", ""  # Saturday closed
    response = signed_in(manager).post(f"/staff/appointments/calendars/{desk.public_id}/edit/", form)
    assert response.status_code == 302
    week = week_of(desk)
    assert not any(weekday == SAT for weekday, _o, _c in week)
    assert (SUN, datetime.time(8), datetime.time(12)) in week
    assert all(slot.starts_at.date() != datetime.date(2026, 11, 21) for slot in free_slots(desk, days=7))
    change = LogEntry.objects.get(object_id=str(desk.pk))
    assert (change.user_id, change.is_change()) == (manager.pk, True)
    assert json.loads(change.change_message)[0]["changed"]["fields"] == ["محل مراجعه", "ساعات کاری"]


# --- changes that would strand people who booked ---------------------------------------------------


def test_hours_that_would_drop_bookings_are_refused_with_their_count(
    desk: Calendar, manager: User, frozen_now: Any
) -> None:
    for seed, start in ((3, at(22, 9, 30)), (4, at(22, 9, 30)), (5, at(23, 8))):
        bw.booking_create(calendar=desk, starts_at=start, national_id=person(seed), mobile="09121234567")
    form = calendar_form(name=desk.name, slot_minutes="۳۰", capacity="۲")
    form[hours_field(SUN, 0, "opens")], form[hours_field(SUN, 0, "closes")] = "۰۸:۰۰", "۰۹:۰۰"  # drops 09:30
    response = signed_in(manager).post(f"/staff/appointments/calendars/{desk.public_id}/edit/", form)
    assert response.status_code == 409
    body = response.content.decode()
    assert "تغییر ذخیره نشد: ۲ نوبت گرفته‌شده در ساعت‌هایی است که با این تغییر دیگر ارائه نمی‌شود." in body
    assert f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/01" in body
    assert "یکشنبه ۱۴۰۵/۰۹/۰۱" in body
    assert week_of(desk)[0] == (Weekday.MONDAY, datetime.time(8), datetime.time(10))  # nothing saved
    assert Calendar.objects.get(pk=desk.pk).capacity == 2
    assert not LogEntry.objects.exists()


def test_a_new_slot_length_off_the_booked_grid_is_refused(desk: Calendar, manager: User, frozen_now: Any) -> None:
    bw.booking_create(calendar=desk, starts_at=at(22, 8, 30), national_id=person(6), mobile="09121234567")
    form = calendar_form(name=desk.name, slot_minutes="۲۰", capacity="۲")  # 08:00, 08:20, 08:40 …
    response = signed_in(manager).post(f"/staff/appointments/calendars/{desk.public_id}/edit/", form)
    assert response.status_code == 409
    assert "۱ نوبت گرفته‌شده" in response.content.decode()
    assert Calendar.objects.get(pk=desk.pk).slot_minutes == 30


def test_changes_that_keep_every_booking_are_saved(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 9, 30), national_id=person(7), mobile="09121234567")
    cancelled = bw.booking_create(calendar=desk, starts_at=at(23, 9, 30), national_id=person(8), mobile="09121234567")
    bw.booking_cancel(booking=cancelled)
    form = calendar_form(name=desk.name, slot_minutes="۱۵", capacity="۴")  # 09:30 stays on a 15-minute grid
    form[hours_field(Weekday.MONDAY, 0, "closes")] = "۰۹:۰۰"  # only a cancelled booking was at 09:30 Monday
    response = signed_in(manager).post(f"/staff/appointments/calendars/{desk.public_id}/edit/", form)
    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.slot_minutes, desk.capacity) == (15, 4)
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.BOOKED
    assert Slot.objects.get(pk=booking.slot_id).capacity == 4  # the slot already booked gets the new places


def test_deactivating_keeps_the_bookings(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = bw.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(9), mobile="09121234567")
    form = calendar_form(name=desk.name, slot_minutes="۳۰", capacity="۲")
    del form["is_active"]
    for weekday in Weekday.values:
        if weekday != FRI:
            form[hours_field(weekday, 0, "closes")] = "۱۰:۰۰"
    assert signed_in(manager).post(f"/staff/appointments/calendars/{desk.public_id}/edit/", form).status_code == 302
    assert not Calendar.objects.get(pk=desk.pk).is_active
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.BOOKED
    assert OpeningHours.objects.filter(calendar=desk).count() == 6


def test_a_manager_of_two_agencies_chooses_where_the_calendar_belongs(
    manager: User, agency: Organization, other_agency: Organization
) -> None:
    Membership.objects.create(user=manager, organization=other_agency, role=Role.HEAD)
    client = signed_in(manager)
    page = client.get("/staff/appointments/calendars/new/").content.decode()
    assert 'name="agency"' in page
    assert client.post("/staff/appointments/calendars/new/", calendar_form(agency=other_agency.code)).status_code == 302
    assert Calendar.objects.get().agency == other_agency
    listing = client.get("/staff/appointments/calendars/").content.decode()
    assert f"/staff/appointments/agencies/{agency.code}/holidays/" in listing
    assert f"/staff/appointments/agencies/{other_agency.code}/holidays/" in listing
    only_one = signed_in(staff_of(agency, "head", Role.HEAD)).get("/staff/appointments/calendars/new/")
    assert 'name="agency"' not in only_one.content.decode()

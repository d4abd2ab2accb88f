"""R13: when the office cannot receive people (a burst pipe, a strike day, a closure announced the day
before), the agency's managers cancel a citizen's booking with a reason or move it to another free
slot; the citizen reads it by SMS. From a refused holiday or change of hours, the list of bookings in
the way leads to these steps and back."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar, Holiday, Slot
from mokatebat.bookings.slots import FreeSlot, free_slots
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, User

from .conftest import at, open_desk, person, signed_in, staff_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # 1405/09/02
REASON = "تعطیلی اداره به دلیل ترکیدگی لوله آب"


def book(calendar: Calendar, start: datetime.datetime, seed: int, mobile: str = "09121234567") -> Booking:
    return bw.booking_create(calendar=calendar, starts_at=start, national_id=person(seed), mobile=mobile)


def cancel_url(booking: Booking) -> str:
    return f"/staff/appointments/bookings/{booking.public_id}/cancel/"


def move_url(booking: Booking) -> str:
    return f"/staff/appointments/bookings/{booking.public_id}/move/"


def key(start: datetime.datetime) -> str:
    return FreeSlot(starts_at=start, free=1).key


def sms(template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=template))


def booked(calendar: Calendar, start: datetime.datetime) -> int:
    slot = Slot.objects.filter(calendar=calendar, starts_at=start).first()
    return slot.booked if slot else 0


# --- cancel --------------------------------------------------------------------------------------


def test_a_manager_cancels_a_booking_and_the_citizen_reads_the_reason(
    desk: Calendar, manager: User, frozen_now: Any
) -> None:
    booking = book(desk, at(23, 8), 1)
    response = signed_in(manager).post(cancel_url(booking), {"reason": "تعطيلی اداره به دليل ترکیدگی لوله آب."})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/02"
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED  # kept, not deleted
    assert booked(desk, at(23, 8)) == 0
    assert FreeSlot(starts_at=at(23, 8), free=2) in free_slots(desk, days=3)
    event = booking.events.latest("pk")
    assert (event.kind, event.actor, event.data) == ("cancelled", manager, {"reason": REASON + "."})
    [message] = sms("booking_cancelled_by_agency")
    assert message.mobile == "09121234567"
    assert REASON in message.body  # ي typed in Arabic arrives as Persian ی
    assert "1405/09/02" in message.body
    assert "08:00" in message.body
    assert booking.code in message.body
    assert "/appointments/" in message.body
    assert not sms("booking_cancelled")  # one SMS for the step, not two


def test_the_citizen_still_finds_a_booking_the_agency_cancelled(
    desk: Calendar, manager: User, anyone: Client, frozen_now: Any
) -> None:
    booking = book(desk, at(23, 8), 2)
    bw.booking_cancel_by_staff(booking=booking, actor=manager, reason=REASON)
    response = anyone.post("/appointments/manage/", {"national_id": booking.national_id, "booking_code": booking.code})
    assert response.status_code == 302
    assert response["Location"] == "/appointments/verify/"


def test_an_empty_reason_is_refused_in_persian_and_nothing_changes(
    desk: Calendar, manager: User, frozen_now: Any
) -> None:
    booking = book(desk, at(23, 8), 3)
    client = signed_in(manager)
    for blank in ("", "   ", "\u200c"):
        response = client.post(cancel_url(booking), {"reason": blank})
        assert response.status_code == 400
        assert "دلیل را بنویسید؛ مراجعه‌کننده آن را در پیامک می‌خواند." in response.content.decode()
        moved = client.post(move_url(booking), {"reason": blank, "slot": key(at(24, 8))})
        assert moved.status_code == 400
    with pytest.raises(bw.BookingError, match="دلیل را بنویسید"):
        bw.booking_cancel_by_staff(booking=booking, actor=manager, reason=" ")
    with pytest.raises(bw.BookingError, match="دلیل را بنویسید"):
        bw.booking_move_by_staff(booking=booking, actor=manager, starts_at=at(24, 8), reason="")
    booking.refresh_from_db()
    assert (booking.state, booking.slot.starts_at) == (Booking.State.BOOKED, at(23, 8))
    assert booked(desk, at(23, 8)) == 1
    assert not sms("booking_cancelled_by_agency")
    assert not sms("booking_moved_by_agency")
    assert booking.events.count() == 1


def test_a_cancelled_or_past_booking_is_not_cancelled_again(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = book(desk, at(23, 8), 4)
    bw.booking_cancel(booking=booking)
    client = signed_in(manager)
    assert "این نوبت دیگر فعال نیست" in client.get(cancel_url(booking)).content.decode()
    response = client.post(cancel_url(booking), {"reason": REASON})
    assert response.status_code == 400
    assert "این نوبت دیگر فعال نیست یا زمانش گذشته است" in response.content.decode()
    assert booked(desk, at(23, 8)) == 0  # not freed twice
    assert not sms("booking_cancelled_by_agency")


# --- move ----------------------------------------------------------------------------------------


def test_a_manager_moves_a_booking_to_a_free_slot(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = book(desk, at(23, 8), 5)
    client = signed_in(manager)
    page = client.get(move_url(booking)).content.decode()
    assert f'value="{key(at(24, 9, 30))}"' in page  # the free slots to pick from
    assert f'value="{key(at(23, 8))}"' not in page  # not the one it holds
    response = client.post(move_url(booking), {"reason": REASON, "slot": key(at(24, 9, 30))})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot.starts_at == at(24, 9, 30)
    assert (booked(desk, at(23, 8)), booked(desk, at(24, 9, 30))) == (0, 1)
    event = booking.events.latest("pk")
    assert (event.kind, event.actor) == ("rescheduled", manager)
    utc = datetime.UTC
    assert event.data == {
        "starts_at": at(24, 9, 30).astimezone(utc).isoformat(),
        "previous": at(23, 8).astimezone(utc).isoformat(),
        "reason": REASON,
    }
    [message] = sms("booking_moved_by_agency")
    assert "1405/09/02 ساعت 08:00" in message.body
    assert "1405/09/03 ساعت 09:30" in message.body
    assert REASON in message.body
    assert booking.code in message.body  # the code stays the same
    follow = client.get(response["Location"]).content.decode()
    assert "به سه‌شنبه ۱۴۰۵/۰۹/۰۳ ساعت ۰۹:۳۰ منتقل شد" in follow


def test_a_move_into_a_full_slot_or_a_holiday_is_refused(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = book(desk, at(23, 8), 6)
    book(desk, at(24, 8), 7)
    book(desk, at(24, 8), 8)  # Tuesday 08:00 is full (2 places)
    Holiday.objects.create(date=datetime.date(2026, 11, 25), name="تعطیل", agency=desk.agency)
    client = signed_in(manager)
    assert f'value="{key(at(24, 8))}"' not in client.get(move_url(booking)).content.decode()
    full = client.post(move_url(booking), {"reason": REASON, "slot": key(at(24, 8))})
    assert full.status_code == 400
    assert "ظرفیت این نوبت همین حالا پر شد" in full.content.decode()
    closed = client.post(move_url(booking), {"reason": REASON, "slot": key(at(25, 8))})
    assert "این نوبت دیگر قابل رزرو نیست" in closed.content.decode()
    none = client.post(move_url(booking), {"reason": REASON})
    assert "یکی از نوبت‌های خالی را انتخاب کنید." in none.content.decode()
    same = client.post(move_url(booking), {"reason": REASON, "slot": key(at(23, 8))})
    assert "نوبت هم‌اکنون در همین زمان است" in same.content.decode()
    booking.refresh_from_db()
    assert booking.slot.starts_at == at(23, 8)
    assert (booked(desk, at(23, 8)), booked(desk, at(24, 8))) == (1, 2)
    assert not sms("booking_moved_by_agency")


# --- who may -------------------------------------------------------------------------------------


def test_only_who_keeps_the_calendar_may_cancel_or_move(
    desk: Calendar, outsider: User, clerk: User, agency: Organization, anyone: Client, frozen_now: Any
) -> None:
    booking = book(desk, at(23, 8), 9)
    auditor = staff_of(agency, "auditor", Role.AUDITOR)
    for user in (outsider, clerk, auditor):
        client = signed_in(user)
        assert client.get(cancel_url(booking)).status_code == 404
        assert client.post(cancel_url(booking), {"reason": REASON}).status_code == 404
        assert client.get(move_url(booking)).status_code == 404
        assert client.post(move_url(booking), {"reason": REASON, "slot": key(at(24, 8))}).status_code == 404
    for path in (cancel_url(booking), move_url(booking)):
        assert anyone.post(path, {"reason": REASON})["Location"].startswith("/staff/login/")
    booking.refresh_from_db()
    assert (booking.state, booking.slot.starts_at) == (Booking.State.BOOKED, at(23, 8))
    assert not OutboxMessage.objects.exclude(template="booking_confirmed").exists()
    # The auditor reads the day list, without the steps to change it.
    day = f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/02"
    read_only = signed_in(auditor).get(day).content.decode()
    assert booking.code in read_only
    assert cancel_url(booking) not in read_only


def test_the_day_list_leads_the_manager_to_both_steps(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = book(desk, at(23, 8), 10)
    gone = book(desk, at(23, 9), 11)
    bw.booking_cancel(booking=gone)
    page = signed_in(manager).get(f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/02").content.decode()
    assert f'href="{cancel_url(booking)}"' in page
    assert f'href="{move_url(booking)}"' in page
    assert f"لغو نوبت {booking.code}" in page
    assert cancel_url(gone) not in page


def test_the_way_back_goes_only_to_staff_pages(desk: Calendar, manager: User, frozen_now: Any) -> None:
    booking = book(desk, at(23, 8), 12)
    other = book(desk, at(23, 9), 13)
    client = signed_in(manager)
    outside = client.post(cancel_url(booking), {"reason": REASON, "next": "https://evil.example/staff/appointments/"})
    assert outside["Location"] == f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/02"
    back = f"/staff/appointments/agencies/{desk.agency.code}/holidays/?day=1405/09/02"
    assert client.post(cancel_url(other), {"reason": REASON, "next": back})["Location"] == back


# --- from a refused change to the steps and back -------------------------------------------------


def test_a_refused_holiday_lists_each_booking_with_its_steps_and_comes_back(
    desk: Calendar, manager: User, frozen_now: Any
) -> None:
    booking = book(desk, at(23, 8), 14)
    holidays = f"/staff/appointments/agencies/{desk.agency.code}/holidays/"
    client = signed_in(manager)
    refused = client.post(holidays, {"day": "۱۴۰۵/۰۹/۰۲", "name": "تعطیلی قطع آب"})
    assert refused.status_code == 409
    body = refused.content.decode()
    back = f"{holidays}?{urlencode({'day': '1405/09/02', 'name': 'تعطیلی قطع آب'})}"
    assert f"{cancel_url(booking)}?next={quote(back, safe='')}" in body
    assert f"{move_url(booking)}?next={quote(back, safe='')}" in body
    form = client.get(f"{cancel_url(booking)}?next={quote(back, safe='')}").content.decode()
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in form
    done = client.post(cancel_url(booking), {"reason": REASON, "next": back})
    assert done["Location"] == back
    again = client.get(back).content.decode()
    assert 'value="۱۴۰۵/۰۹/۰۲"' in again  # the form is filled in again
    assert 'value="تعطیلی قطع آب"' in again
    assert f"نوبت {booking.code} لغو شد" in again
    assert client.post(holidays, {"day": "۱۴۰۵/۰۹/۰۲", "name": "تعطیلی قطع آب"}).status_code == 302
    assert Holiday.objects.get().date == MONDAY


def test_refused_hours_list_each_booking_with_its_steps(desk: Calendar, manager: User, frozen_now: Any) -> None:
    from .test_staff_calendars import calendar_form

    booking = book(desk, at(23, 8, 30), 15)  # off a 20-minute grid
    edit = f"/staff/appointments/calendars/{desk.public_id}/edit/"
    refused = signed_in(manager).post(edit, calendar_form(name=desk.name, slot_minutes="۲۰", capacity="۲"))
    assert refused.status_code == 409
    assert f"{move_url(booking)}?next={quote(edit, safe='')}" in refused.content.decode()


# --- network-wide holidays and the admin ---------------------------------------------------------


def test_a_network_holiday_is_refused_while_any_agency_has_bookings_that_day(
    desk: Calendar, manager: User, other_agency: Organization, frozen_now: Any
) -> None:
    theirs = open_desk(other_agency, name="میز استانداری")
    ours, elsewhere = book(desk, at(23, 8), 16), book(theirs, at(23, 9), 17)
    with pytest.raises(bw.BookingsInTheWay) as refused:
        bw.network_holiday_add(day=MONDAY, name="تعطیل رسمی", actor=manager)
    assert {b.pk for b in refused.value.bookings} == {ours.pk, elsewhere.pk}
    bw.booking_cancel_by_staff(booking=ours, actor=manager, reason=REASON)
    with pytest.raises(bw.BookingsInTheWay):
        bw.network_holiday_add(day=MONDAY, name="تعطیل رسمی", actor=manager)
    bw.booking_move_by_staff(booking=elsewhere, actor=manager, starts_at=at(24, 9), reason=REASON)
    holiday = bw.network_holiday_add(day=MONDAY, name="تعطیل رسمی", actor=manager)
    assert holiday.is_network_wide
    assert all(slot.starts_at.date() != MONDAY for slot in free_slots(desk, days=3) + free_slots(theirs, days=3))


@pytest.fixture
def network_admin(db: Any) -> User:
    return User.objects.create_superuser("network-admin", password="a-long-test-password")


def test_the_admin_refuses_a_network_holiday_that_would_strand_bookings(
    desk: Calendar, network_admin: User, other_agency: Organization, frozen_now: Any
) -> None:
    theirs = open_desk(other_agency, name="میز استانداری")
    book(desk, at(23, 8), 18)
    book(desk, at(23, 8), 19)
    book(theirs, at(23, 9), 20)
    client = signed_in(network_admin)
    form = {"date": "2026-11-23", "name": "تعطیل رسمي", "agency": ""}
    response = client.post("/admin/core/holiday/add/", form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "تعطیل ثبت نشد: برای ۱۴۰۵/۰۹/۰۲ هم‌اکنون ۳ نوبت گرفته شده است" in body
    assert "وزارت بهداشت: ۲" in body
    assert "استانداری هرمزگان: ۱" in body
    own = client.post("/admin/core/holiday/add/", {**form, "agency": str(other_agency.pk)})
    assert "۱ نوبت گرفته شده است (استانداری هرمزگان: ۱)" in own.content.decode()
    assert not Holiday.objects.exists()
    for booking in Booking.objects.all():
        bw.booking_cancel_by_staff(booking=booking, actor=network_admin, reason=REASON)
    assert client.post("/admin/core/holiday/add/", form).status_code == 302
    holiday = Holiday.objects.get()
    assert (holiday.agency, holiday.date, holiday.name) == (None, MONDAY, "تعطیل رسمی")
    assert LogEntry.objects.filter(object_id=str(holiday.pk)).count() == 1  # once, not twice


def test_the_admin_shows_calendars_and_hours_read_only_with_a_link(
    desk: Calendar, network_admin: User, frozen_now: Any
) -> None:
    client = signed_in(network_admin)
    change = f"/admin/bookings/calendar/{desk.pk}/change/"
    page = client.get(change).content.decode()
    assert f"/staff/appointments/calendars/{desk.public_id}/edit/" in page
    assert client.post(change, {"name": "x", "slot_minutes": "7", "capacity": "1"}).status_code == 403
    assert client.get("/admin/bookings/calendar/add/").status_code == 403
    assert client.post(f"/admin/bookings/calendar/{desk.pk}/delete/", {"post": "yes"}).status_code == 403
    holiday = Holiday.objects.create(date=MONDAY, name="تعطیل", agency=desk.agency)
    assert client.post(f"/admin/core/holiday/{holiday.pk}/change/", {"date": "2026-11-24"}).status_code == 403
    past = Holiday.objects.create(date=datetime.date(2026, 11, 1), name="گذشته", agency=desk.agency)
    assert client.post(f"/admin/core/holiday/{past.pk}/delete/", {"post": "yes"}).status_code == 403
    desk.refresh_from_db()
    assert (desk.name, desk.slot_minutes, desk.opening_hours.count()) == ("میز خدمت حضوری", 30, 6)
    assert Holiday.objects.get(pk=holiday.pk).date == MONDAY

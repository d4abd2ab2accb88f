"""R13: an agency's managers add and remove its holidays by Jalali date, typed with Persian digits;
a day on which people hold bookings cannot be closed, and the page says how many and where."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Calendar, Holiday
from mokatebat.bookings.slots import free_slots
from mokatebat.organization.models import Organization, User

from .conftest import at, open_desk, person, signed_in

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # 1405/09/02


def holidays_url(calendar: Calendar) -> str:
    return f"/staff/appointments/agencies/{calendar.agency.code}/holidays/"


def test_a_manager_adds_a_holiday_typed_in_persian_digits(desk: Calendar, manager: User, frozen_now: Any) -> None:
    client = signed_in(manager)
    response = client.post(holidays_url(desk), {"day": "۱۴۰۵/۰۹/۰۲", "name": "تعطيلی آلودگی هوا"})
    assert response.status_code == 302
    holiday = Holiday.objects.get()
    assert (holiday.agency, holiday.date, holiday.name) == (desk.agency, MONDAY, "تعطیلی آلودگی هوا")
    assert all(slot.starts_at.date() != MONDAY for slot in free_slots(desk, days=7))
    page = client.get(holidays_url(desk)).content.decode()
    assert "دوشنبه ۱۴۰۵/۰۹/۰۲" in page
    assert "تعطیلی آلودگی هوا" in page
    assert "۱۴۰۵/۰۹/۰۲ برای همه تقویم‌های این دستگاه تعطیل شد." in page
    assert LogEntry.objects.get(object_id=str(holiday.pk)).is_addition()


def test_the_list_shows_network_holidays_without_a_remove_button(
    desk: Calendar, manager: User, other_agency: Organization, frozen_now: Any
) -> None:
    Holiday.objects.create(date=datetime.date(2026, 12, 10), name="تعطیل سراسری")
    Holiday.objects.create(date=datetime.date(2026, 12, 11), name="تعطیل دستگاه دیگر", agency=other_agency)
    Holiday.objects.create(date=datetime.date(2026, 11, 1), name="تعطیل گذشته", agency=desk.agency)
    Holiday.objects.create(date=datetime.date(2026, 12, 12), name="تعطیل همین دستگاه", agency=desk.agency)
    page = signed_in(manager).get(holidays_url(desk)).content.decode()
    assert "تعطیل سراسری" in page
    assert "تعطیل رسمی همه دستگاه‌ها" in page
    assert "تعطیل همین دستگاه" in page
    assert "تعطیل دستگاه دیگر" not in page
    assert "تعطیل گذشته" not in page
    assert page.count('name="day" value="2026-') == 1  # only the agency's own can be removed


def test_wrong_dates_get_persian_messages(desk: Calendar, manager: User, frozen_now: Any) -> None:
    client = signed_in(manager)
    bad = client.post(holidays_url(desk), {"day": "۱۴۰۵/۱۳/۰۱", "name": "x"})
    assert bad.status_code == 400
    assert "تاریخ را به شکل سال/ماه/روز وارد کنید" in bad.content.decode()
    past = client.post(holidays_url(desk), {"day": "۱۴۰۵/۰۸/۲۹", "name": "دیروز"})
    assert "این روز گذشته است" in past.content.decode()
    Holiday.objects.create(date=MONDAY, name="تعطیل سراسری")
    twice = client.post(holidays_url(desk), {"day": "1405/9/2", "name": "دوباره"})
    assert "۱۴۰۵/۰۹/۰۲ پیش‌تر تعطیل ثبت شده است: تعطیل سراسری." in twice.content.decode()
    assert Holiday.objects.count() == 1


def test_a_day_with_bookings_cannot_become_a_holiday(desk: Calendar, manager: User, frozen_now: Any) -> None:
    second = open_desk(desk.agency, name="باجه دوم")
    for seed, calendar in ((10, desk), (11, desk), (12, second)):
        bw.booking_create(calendar=calendar, starts_at=at(23, 8), national_id=person(seed), mobile="09121234567")
    cancelled = bw.booking_create(calendar=desk, starts_at=at(23, 9), national_id=person(13), mobile="09121234567")
    bw.booking_cancel(booking=cancelled)
    response = signed_in(manager).post(holidays_url(desk), {"day": "۱۴۰۵/۰۹/۰۲", "name": "تعطیل"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "تعطیل ثبت نشد: برای ۱۴۰۵/۰۹/۰۲ هم‌اکنون ۳ نوبت گرفته شده است." in body
    assert f"/staff/appointments/calendars/{desk.public_id}/?day=1405/09/02" in body
    assert f"/staff/appointments/calendars/{second.public_id}/?day=1405/09/02" in body
    assert "۲ نوبت" in body
    assert 'value="۱۴۰۵/۰۹/۰۲"' in body  # the form keeps what was typed
    assert not Holiday.objects.exists()


def test_another_agencys_bookings_do_not_block_a_holiday(
    desk: Calendar, manager: User, other_agency: Organization, frozen_now: Any
) -> None:
    theirs = open_desk(other_agency)
    bw.booking_create(calendar=theirs, starts_at=at(23, 8), national_id=person(14), mobile="09121234567")
    assert signed_in(manager).post(holidays_url(desk), {"day": "۱۴۰۵/۰۹/۰۲", "name": "تعطیل"}).status_code == 302


def test_removing_a_holiday_opens_the_day_again(desk: Calendar, manager: User, frozen_now: Any) -> None:
    holiday = Holiday.objects.create(date=MONDAY, name="تعطیل", agency=desk.agency)
    client = signed_in(manager)
    response = client.post(f"{holidays_url(desk)}remove/", {"day": "2026-11-23"})
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    assert any(slot.starts_at.date() == MONDAY for slot in free_slots(desk, days=7))
    removal = LogEntry.objects.get(object_id=str(holiday.pk))
    assert (removal.is_deletion(), removal.user_id) == (True, manager.pk)
    assert "دوباره نوبت می‌پذیرد" in client.get(holidays_url(desk)).content.decode()


def test_network_and_past_holidays_are_not_removed_here(desk: Calendar, manager: User, frozen_now: Any) -> None:
    Holiday.objects.create(date=MONDAY, name="تعطیل سراسری")
    Holiday.objects.create(date=datetime.date(2026, 11, 1), name="گذشته", agency=desk.agency)
    client = signed_in(manager)
    assert client.post(f"{holidays_url(desk)}remove/", {"day": "2026-11-23"}).status_code == 404
    client.post(f"{holidays_url(desk)}remove/", {"day": "2026-11-01"})
    assert Holiday.objects.count() == 2
    assert client.post(f"{holidays_url(desk)}remove/", {"day": "not-a-day"}).status_code == 404


def test_holidays_of_another_agency_are_not_found(
    desk: Calendar, outsider: User, clerk: User, anyone: Client, frozen_now: Any
) -> None:
    Holiday.objects.create(date=MONDAY, name="تعطیل", agency=desk.agency)
    for client in (signed_in(outsider), signed_in(clerk)):
        assert client.get(holidays_url(desk)).status_code == 404
        assert client.post(holidays_url(desk), {"day": "۱۴۰۵/۰۹/۰۳", "name": "x"}).status_code == 404
        assert client.post(f"{holidays_url(desk)}remove/", {"day": "2026-11-23"}).status_code == 404
    assert anyone.post(f"{holidays_url(desk)}remove/", {"day": "2026-11-23"})["Location"].startswith("/staff/login/")
    assert Holiday.objects.count() == 1

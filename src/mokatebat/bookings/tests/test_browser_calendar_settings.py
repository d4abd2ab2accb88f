"""R13 in a real browser: on a phone, an agency's manager creates a calendar with its weekly hours
(typed in Persian digits, with one mistake to correct), closes a day as a holiday typed in Persian
digits, and a citizen then finds no slot on that day. Refused changes say which bookings stand in the
way; from that list the manager cancels the booking in the way with a reason and then adds the holiday,
and moves another booking to a free slot from the day list. Every new page is checked with axe and
photographed at phone and desktop width."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Booking, Calendar, Holiday, Weekday
from mokatebat.bookings.slots import free_slots
from mokatebat.bookings.templatetags.booking_tags import day_heading, day_param
from mokatebat.core.jalali import TEHRAN, format_jalali_date
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .conftest import open_desk, person
from .test_browser_booking import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN_DAYS = [day for day in Weekday.values if day != Weekday.FRIDAY]


def check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def sign_in_codes(user: User) -> dict[str, str]:
    """One authenticator code for the desktop, a recovery code for the phone (a TOTP code works once)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    recovery.token_set.create(token="1234567890")
    return {"desktop": f"{totp.token():06d}", "phone": "1234567890"}


def a_working_day_ahead(days: int) -> datetime.date:
    """A Saturday–Thursday at least ``days`` ahead: it has slots whatever the time of day now."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=1) if day.weekday() == Weekday.FRIDAY else day


def hours_input(page: Page, weekday: int, end: str, row: int = 1) -> Any:
    label = "از ساعت" if end == "opens" else "تا ساعت"
    row_text = "۱۲۳۴"[row - 1]
    return page.get_by_label(f"{Weekday(weekday).label}، بازه {row_text}، {label}", exact=True)


def test_manager_sets_up_a_calendar_and_a_holiday_on_a_phone(
    live_server: Any, phone_page: Page, desktop_page: Page, agency: Organization, manager: User
) -> None:
    page, base = phone_page, live_server.url
    codes = sign_in_codes(manager)
    sign_in(page, base, manager, "/staff/appointments/calendars/", codes["phone"])
    expect(page.get_by_text("این دستگاه هنوز تقویم نوبت‌دهی ندارد.")).to_be_visible()
    check(page, "booking-settings-empty-phone")

    page.get_by_role("link", name="تقویم تازه").click()
    page.get_by_label("عنوان تقویم").fill("باجه صدور پروانه")
    page.get_by_label("محل مراجعه").fill("طبقه همکف، باجه ۳")
    page.get_by_label("مدت هر نوبت (دقیقه)").fill("۳۰")
    page.get_by_label("ظرفیت هر نوبت (نفر)").fill("۲")
    for weekday in OPEN_DAYS:
        hours_input(page, weekday, "opens").fill("۰۸:۰۰")
        hours_input(page, weekday, "closes").fill("۱۰:۰۰")
    hours_input(page, Weekday.SATURDAY, "opens", row=2).fill("۰۹:۳۰")  # overlaps the morning
    hours_input(page, Weekday.SATURDAY, "closes", row=2).fill("۱۱")
    check(page, "booking-settings-new-phone")
    page.get_by_role("button", name="ساختن تقویم").click()
    expect(page.locator(".errorlist")).to_contain_text("این بازه با بازه ۰۸:۰۰ تا ۱۰:۰۰ همین روز هم‌پوشانی دارد.")
    expect(page.get_by_role("alert")).to_contain_text("موارد مشخص‌شده در فرم را اصلاح کنید.")
    check(page, "booking-settings-new-error-phone")
    hours_input(page, Weekday.SATURDAY, "opens", row=2).fill("")
    hours_input(page, Weekday.SATURDAY, "closes", row=2).fill("")
    page.get_by_role("button", name="ساختن تقویم").click()
    page.wait_for_url(re.compile(r"/staff/appointments/calendars/$"))
    expect(page.get_by_role("status")).to_contain_text("تقویم «باجه صدور پروانه» ساخته شد.")
    calendar = Calendar.objects.get(name="باجه صدور پروانه")
    assert (calendar.slot_minutes, calendar.capacity, calendar.opening_hours.count()) == (30, 2, 6)
    expect(page.get_by_text("شنبه تا پنجشنبه")).to_be_visible()
    check(page, "booking-settings-list-phone")

    # A holiday, typed in Persian digits and sent with the keyboard.
    holiday = a_working_day_ahead(2)
    page.get_by_role("link", name=re.compile("^تعطیلات")).click()
    check(page, "booking-holidays-phone")
    page.get_by_label("تاریخ (شمسی)").fill(format_jalali_date(holiday))
    page.get_by_label("مناسبت").fill("تعطیلی به دلیل آلودگی هوا")
    page.get_by_label("مناسبت").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("برای همه تقویم‌های این دستگاه تعطیل شد")
    expect(page.get_by_text(day_heading(holiday))).to_be_visible()
    assert Holiday.objects.get(agency=agency).date == holiday
    check(page, "booking-holidays-added-phone")

    # A day someone has booked cannot be closed: the page says how many and where.
    booked_day = a_working_day_ahead((holiday - timezone.localdate()).days + 1)
    start = next(s.starts_at for s in free_slots(calendar) if s.starts_at.date() == booked_day)
    bw.booking_create(calendar=calendar, starts_at=start, national_id=person(40), mobile="09121234567")
    page.get_by_label("تاریخ (شمسی)").fill(format_jalali_date(booked_day))
    page.get_by_label("مناسبت").fill("تعطیل")
    page.get_by_role("button", name="ثبت تعطیل").click()
    expect(page.get_by_role("alert")).to_contain_text("۱ نوبت گرفته شده است")
    expect(page.get_by_role("link", name=re.compile("باجه صدور پروانه"))).to_be_visible()
    check(page, "booking-holidays-refused-phone")

    # The citizen, later on the same phone: no slot on the holiday, slots on the other days.
    page.context.clear_cookies()
    page.goto(f"{base}/appointments/calendars/{calendar.public_id}/")
    expect(page.get_by_role("heading", name="نوبت‌های خالی")).to_be_visible()
    headings = page.locator("section h3").all_inner_texts()
    assert headings, "the citizen sees no free slots at all"
    assert day_heading(holiday) not in headings
    assert day_heading(booked_day) in headings
    check(page, "booking-settings-citizen-slots-phone")

    # The same pages at desktop width, and the edit form refusing hours that would drop the booking.
    desk = desktop_page
    sign_in(desk, base, manager, "/staff/appointments/calendars/", codes["desktop"])
    check(desk, "booking-settings-list-desktop")
    desk.get_by_role("link", name="تقویم تازه").click()
    check(desk, "booking-settings-new-desktop")
    desk.goto(f"{base}/staff/appointments/calendars/")
    desk.get_by_role("link", name="ویرایش تقویم و ساعات کاری").click()
    expect(hours_input(desk, Weekday.SATURDAY, "opens")).to_have_value("۰۸:۰۰")
    check(desk, "booking-settings-edit-desktop")
    weekday = Weekday(booked_day.weekday())
    hours_input(desk, weekday, "opens").fill("")
    hours_input(desk, weekday, "closes").fill("")
    desk.get_by_role("button", name="ذخیره تغییرات").click()
    expect(desk.get_by_role("alert")).to_contain_text("تغییر ذخیره نشد: ۱ نوبت گرفته‌شده")
    check(desk, "booking-settings-edit-refused-desktop")
    assert calendar.opening_hours.filter(weekday=weekday).exists()
    desk.goto(f"{base}/staff/appointments/agencies/{agency.code}/holidays/")
    check(desk, "booking-holidays-desktop")
    desk.get_by_role("button", name=f"برداشتن تعطیل {day_heading(holiday)}").click()
    expect(desk.get_by_role("status")).to_contain_text("دوباره نوبت می‌پذیرد")
    assert not Holiday.objects.exists()
    page.goto(f"{base}/staff/appointments/calendars/{calendar.public_id}/edit/")  # the phone was signed out
    page.wait_for_url(re.compile(r"/staff/login/"))


def test_manager_clears_a_booking_in_the_way_of_a_holiday_on_a_phone(
    live_server: Any, phone_page: Page, desktop_page: Page, agency: Organization, manager: User
) -> None:
    page, base = phone_page, live_server.url
    calendar = open_desk(agency, name="باجه صدور پروانه")
    closing = a_working_day_ahead(2)
    first = next(s.starts_at for s in free_slots(calendar) if s.starts_at.date() == closing)
    in_the_way = bw.booking_create(calendar=calendar, starts_at=first, national_id=person(41), mobile="09121234567")
    codes = sign_in_codes(manager)
    holidays = f"/staff/appointments/agencies/{agency.code}/holidays/"
    sign_in(page, base, manager, holidays, codes["phone"])

    # A water main burst: the office closes the day after tomorrow, but someone booked that day.
    page.get_by_label("تاریخ (شمسی)").fill(format_jalali_date(closing))
    page.get_by_label("مناسبت").fill("تعطیلی به دلیل قطع آب")
    page.get_by_role("button", name="ثبت تعطیل").click()
    expect(page.get_by_role("alert")).to_contain_text("۱ نوبت گرفته شده است")
    check(page, "booking-holiday-in-the-way-phone")

    page.get_by_role("link", name=f"لغو نوبت {in_the_way.code}").click()
    expect(page.get_by_role("heading", name=f"لغو نوبت {in_the_way.code}")).to_be_visible()
    check(page, "booking-staff-cancel-phone")
    page.get_by_role("button", name="لغو نوبت و فرستادن پیامک").click()
    expect(page.locator(".errorlist")).to_contain_text("دلیل را بنویسید؛ مراجعه‌کننده آن را در پیامک می‌خواند.")
    check(page, "booking-staff-cancel-error-phone")
    page.get_by_label("دلیل لغو").fill("تعطیلی اداره به دلیل ترکیدگی لوله آب")
    page.get_by_role("button", name="لغو نوبت و فرستادن پیامک").click()
    page.wait_for_url(re.compile(re.escape(holidays) + r"\?day="))
    expect(page.get_by_role("status")).to_contain_text(f"نوبت {in_the_way.code} لغو شد")
    expect(page.get_by_label("تاریخ (شمسی)")).to_have_value(format_jalali_date(closing))
    expect(page.get_by_label("مناسبت")).to_have_value("تعطیلی به دلیل قطع آب")
    check(page, "booking-holidays-back-phone")
    page.get_by_role("button", name="ثبت تعطیل").click()
    expect(page.get_by_role("status")).to_contain_text("برای همه تقویم‌های این دستگاه تعطیل شد")
    check(page, "booking-holidays-cleared-phone")
    assert Holiday.objects.get(agency=agency).date == closing
    assert Booking.objects.get(pk=in_the_way.pk).state == Booking.State.CANCELLED
    message = OutboxMessage.objects.get(template="booking_cancelled_by_agency")
    assert "ترکیدگی لوله آب" in message.body

    # At the desk: another booking is moved to a free slot from the day list.
    day = a_working_day_ahead((closing - timezone.localdate()).days + 1)
    start = next(s.starts_at for s in free_slots(calendar) if s.starts_at.date() == day)
    moving = bw.booking_create(calendar=calendar, starts_at=start, national_id=person(42), mobile="09127654321")
    desk = desktop_page
    day_path = f"/staff/appointments/calendars/{calendar.public_id}/"
    sign_in(desk, base, manager, holidays, codes["desktop"])
    desk.goto(f"{base}{day_path}?day={day_param(day)}")
    check(desk, "booking-staff-day-desktop")
    desk.get_by_role("link", name=f"جابه‌جایی نوبت {moving.code}").click()
    expect(desk.get_by_role("heading", name=f"جابه‌جایی نوبت {moving.code}")).to_be_visible()
    check(desk, "booking-staff-move-desktop")
    target = desk.locator("input[name=slot]").nth(3)
    target_key = target.get_attribute("value")
    desk.locator(f"label[for='slot-{target_key}']").click()
    desk.get_by_label("دلیل جابه‌جایی").fill("کارشناس این ساعت در مأموریت است")
    desk.get_by_role("button", name="جابه‌جایی و فرستادن پیامک").click()
    expect(desk.get_by_role("status")).to_contain_text(f"نوبت {moving.code} به ")
    check(desk, "booking-staff-moved-desktop")
    moving.refresh_from_db()
    assert moving.slot.starts_at != start
    assert OutboxMessage.objects.filter(template="booking_moved_by_agency", mobile="09127654321").count() == 1
    page.goto(f"{base}/staff/appointments/bookings/{moving.public_id}/move/")
    check(page, "booking-staff-move-phone")
    page.goto(f"{base}{day_path}?day={day_param(moving.slot.starts_at.astimezone(TEHRAN).date())}")
    expect(page.get_by_role("link", name=f"لغو نوبت {moving.code}")).to_be_attached()
    check(page, "booking-staff-day-changes-phone")

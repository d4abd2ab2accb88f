"""R13 and R11 in a real browser at phone width: a citizen books a visit with an SMS code, finds the
booking again and reschedules it; a manager sees the 3-working-day page; the citizen answers a survey
with one tap. Every page is checked with axe and photographed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.bookings.models import Booking, Calendar
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import response_issue
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import User
from mokatebat.surveys.models import Survey
from mokatebat.surveys.workflow import survey_rate
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_code(mobile: str) -> str:
    body = OutboxMessage.objects.filter(mobile=mobile, template="booking_code").latest("pk").body
    return "".join(ch for ch in body if ch.isdigit())[:6]


def check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def test_citizen_books_and_reschedules_on_a_phone(live_server: Any, phone_page: Page, desk: Calendar) -> None:
    page, base = phone_page, live_server.url
    page.goto(f"{base}/appointments/")
    check(page, "booking-agencies-phone")
    page.get_by_role("link", name=desk.agency.name).click()
    check(page, "booking-calendars-phone")
    page.get_by_role("link", name=desk.name).click()
    expect(page.get_by_role("heading", name="نوبت‌های خالی")).to_be_visible()
    check(page, "booking-slots-phone")
    page.locator("a[href*='/book/?slot=']").first.click()
    page.locator("#id_full_name").fill("مریم احمدی")
    page.locator("#id_purpose").fill("تحویل مدارک")
    page.locator("#id_national_id").fill("۱۲۳")
    page.locator("#id_mobile").fill("۰۹۱۲۱۲۳۴۵۶۷")
    page.get_by_role("button", name="فرستادن کد تأیید").click()
    expect(page.locator(".errorlist")).to_contain_text("کد ملی")
    check(page, "booking-form-error-phone")
    page.locator("#id_national_id").fill(person(30))
    page.get_by_role("button", name="فرستادن کد تأیید").click()
    page.wait_for_url(re.compile(r"/appointments/verify/$"))
    check(page, "booking-verify-phone")
    page.locator("#id_code").fill(last_code("09121234567"))
    page.get_by_role("button", name="تأیید و ثبت نوبت").click()
    page.wait_for_url(re.compile(r"/appointments/booking/$"))
    booking = Booking.objects.get()
    expect(page.locator("[data-booking-code]")).to_have_text(booking.code)
    check(page, "booking-confirmed-phone")

    # Later, on another phone: national ID + booking code + SMS code, then a new time.
    page.context.clear_cookies()
    page.goto(f"{base}/appointments/manage/")
    page.locator("#id_national_id").fill(booking.national_id)
    page.locator("#id_booking_code").fill(booking.code.lower())
    check(page, "booking-manage-phone")
    page.get_by_role("button", name="فرستادن کد تأیید به همراه").click()
    page.locator("#id_code").fill(last_code("09121234567"))
    page.get_by_role("button", name="تأیید و نمایش نوبت").click()
    page.wait_for_url(re.compile(r"/appointments/booking/$"))
    old_start = booking.slot.starts_at
    page.get_by_text("تغییر زمان نوبت").click()
    check(page, "booking-reschedule-phone")
    page.locator("form[action$='/reschedule/'] button").nth(3).click()
    expect(page.locator(".alert-success")).to_contain_text("تغییر کرد")
    booking.refresh_from_db()
    assert booking.slot.starts_at != old_start
    check(page, "booking-rescheduled-phone")


def sign_in(page: Page, base: str, user: User, next_path: str, code: str) -> None:
    page.goto(f"{base}{next_path}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("a-long-test-password")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(f"{next_path}$"))


def test_manager_sees_the_three_working_day_page_and_survey_results(
    live_server: Any, desktop_page: Page, phone_page: Page, desk: Calendar, manager: User, submit: Any
) -> None:
    for rating in (5, 4, 2):
        item: Item = submit()
        response_issue(item=item, actor=manager, body="<p>انجام شد.</p>")
        survey_rate(survey=Survey.objects.get(item=item), rating=rating)
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    recovery = StaticDevice.objects.create(user=manager, name="recovery", confirmed=True)
    recovery.token_set.create(token="1234567890")  # one authenticator code cannot sign in twice in 30 s
    codes = {"desktop": f"{totp.token():06d}", "phone": "1234567890"}
    for width, page in (("desktop", desktop_page), ("phone", phone_page)):
        sign_in(page, live_server.url, manager, "/staff/appointments/", codes[width])
        expect(page.get_by_role("link", name=desk.name)).to_be_visible()
        assert_accessible(page, "staff bookings overview")
        screenshot(page, f"booking-staff-overview-{width}")
        page.get_by_role("link", name=desk.name).click()
        assert_accessible(page, "staff booking day")
        screenshot(page, f"booking-staff-day-{width}")
        page.get_by_role("link", name="نظرسنجی").click()
        expect(page.locator("[data-average]")).to_have_text("۳٫۷")
        assert_accessible(page, "survey results")
        screenshot(page, f"survey-results-{width}")


def test_citizen_answers_a_survey_with_one_tap(live_server: Any, phone_page: Page, submit: Any, manager: User) -> None:
    item: Item = submit()
    response_issue(item=item, actor=manager, body="<p>درخواست شما انجام شد.</p>")
    survey = Survey.objects.get(item=item)
    page = phone_page
    page.goto(f"{live_server.url}/s/{survey.token}")
    check(page, "survey-rate-phone")
    page.get_by_role("button", name=re.compile("^خوب")).click()
    expect(page.get_by_role("status")).to_contain_text("ثبت شد")
    survey.refresh_from_db()
    assert survey.rating == 4
    check(page, "survey-more-phone")
    page.locator("label[for$='_4']").first.click()  # the first question: 5
    page.locator("#id_comment").fill("سريع و دقيق بود")
    page.get_by_role("button", name="ثبت پاسخ").click()
    expect(page.get_by_role("status")).to_contain_text("سپاسگزاریم")
    check(page, "survey-done-phone")
    survey.refresh_from_db()
    assert survey.completed_at is not None
    assert survey.comment == "سریع و دقیق بود"
    assert survey.answers.get().rating == 5

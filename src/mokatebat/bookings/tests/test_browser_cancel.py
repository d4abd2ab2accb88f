"""R13 in a real browser, from the landing page: a citizen books with a name and a purpose, and
cancelling asks once (a «no» keeps the booking); a manager sees who is coming and why, and cancels
with a reason on a page of its own. The phone header folds its links behind «منو». Each page is
checked with axe and photographed at 360 px and at desktop width."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.bookings.models import Booking, Calendar
from mokatebat.core.jalali import format_jalali_date
from mokatebat.organization.models import User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, open_menu, screenshot

from .conftest import person
from .test_browser_booking import last_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def book_from_the_landing_page(page: Page, base: str, desk: Calendar, national_id: str, width: str) -> Booking:
    page.goto(f"{base}/")
    open_menu(page)
    page.get_by_role("link", name="نوبت‌دهی").click()
    page.get_by_role("link", name=desk.agency.name).click()
    page.get_by_role("link", name=desk.name).click()
    page.locator("a[href*='/book/?slot=']").first.click()
    page.get_by_label("نام و نام خانوادگی").fill("مریم احمدی")
    page.get_by_label("کد ملی").fill(national_id)
    page.get_by_label("شماره تلفن همراه").fill("۰۹۱۲۱۲۳۴۵۶۷")
    page.get_by_label("موضوع مراجعه یا خدمت مورد نیاز").fill("تحویل مدارک پروانه مطب")
    check(page, f"booking-form-with-name-{width}")
    page.get_by_role("button", name="فرستادن کد تأیید").click()
    page.wait_for_url(re.compile(r"/appointments/verify/$"))
    page.locator("#id_code").fill(last_code("09121234567"))
    page.get_by_role("button", name="تأیید و ثبت نوبت").click()
    page.wait_for_url(re.compile(r"/appointments/booking/$"))
    expect(page.get_by_text("تحویل مدارک پروانه مطب")).to_be_visible()
    return Booking.objects.get(national_id=national_id)


def cancel_asking_once(page: Page, booking: Booking, width: str) -> None:
    page.get_by_role("link", name="لغو این نوبت").click()
    page.wait_for_url(re.compile(r"/appointments/booking/cancel/$"))
    expect(page.get_by_role("heading", name="این نوبت لغو شود؟")).to_be_visible()
    check(page, f"booking-cancel-confirm-{width}")
    page.get_by_role("link", name="نه، نوبت بماند").click()
    page.wait_for_url(re.compile(r"/appointments/booking/$"))
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED
    page.get_by_role("link", name="لغو این نوبت").click()
    page.get_by_role("button", name="بله، نوبت لغو شود").click()
    page.wait_for_url(re.compile(r"/appointments/booking/$"))
    expect(page.locator(".alert-success")).to_contain_text("نوبت لغو شد")
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED
    check(page, f"booking-cancelled-{width}")


def test_on_a_phone_the_header_folds_and_cancelling_asks_once(
    live_server: Any, phone_page: Page, desk: Calendar
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/")
    toggle = page.get_by_role("button", name="منو")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="نوبت‌دهی")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] < 0.15 * 780, header  # the first screen is for the page, not the menu
    check(page, "home-header-folded-phone")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="نوبت‌دهی")).to_be_visible()
    check(page, "home-header-open-phone")
    toggle.click()
    expect(page.get_by_role("link", name="نوبت‌دهی")).to_be_hidden()

    booking = book_from_the_landing_page(page, live_server.url, desk, person(40), "phone")
    cancel_asking_once(page, booking, "phone")


def test_on_a_desktop_cancelling_asks_once_for_the_citizen_and_the_manager(
    live_server: Any, desktop_page: Page, desk: Calendar, manager: User
) -> None:
    page = desktop_page
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="منو")).to_be_hidden()
    expect(page.get_by_role("link", name="نوبت‌دهی")).to_be_visible()
    booking = book_from_the_landing_page(page, live_server.url, desk, person(41), "desktop")
    cancel_asking_once(page, booking, "desktop")

    kept = book_from_the_landing_page(page, live_server.url, desk, person(42), "desktop-second")
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.context.clear_cookies()
    sign_in(page, live_server.url, manager, "/staff/appointments/", f"{totp.token():06d}")
    page.get_by_role("link", name=desk.name).click()
    # A date box shows the format to type, not a stale example date.
    expect(page.get_by_label("روز")).to_have_attribute("placeholder", "سال/ماه/روز")
    day = kept.slot.starts_at
    page.get_by_label("روز").fill(_jalali(day))
    page.get_by_role("button", name="نمایش").click()
    expect(page.get_by_role("cell", name=re.compile("مریم احمدی"))).to_be_visible()
    expect(page.get_by_text("تحویل مدارک پروانه مطب")).to_be_visible()
    check(page, "booking-staff-day-names-desktop")
    page.get_by_role("link", name=f"لغو نوبت {kept.code}").click()
    expect(page.get_by_role("heading", name=f"لغو نوبت {kept.code}")).to_be_visible()
    kept.refresh_from_db()
    assert kept.state == Booking.State.BOOKED  # the link only asks
    page.get_by_label("دلیل لغو").fill("جلسه اضطراری مدیر؛ لطفاً نوبت دیگری بگیرید")
    check(page, "booking-staff-cancel-confirm-desktop")
    page.get_by_role("button", name="لغو نوبت و فرستادن پیامک").click()
    expect(page.locator(".alert-success")).to_contain_text(kept.code)
    kept.refresh_from_db()
    assert kept.state == Booking.State.CANCELLED


def _jalali(moment: datetime.datetime) -> str:
    return format_jalali_date(timezone.localtime(moment))

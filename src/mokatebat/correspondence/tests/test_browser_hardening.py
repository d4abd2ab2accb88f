"""Issue 18 pages in a real browser (phone and desktop, axe, screenshots): the mobile-code step of an
agency that requires it, the refusal of a replayed form nonce, and a booked citizen masked for a head."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.tests.conftest import open_desk
from mokatebat.bookings.tests.test_browser_booking import sign_in
from mokatebat.bookings.tests.test_browser_calendar_settings import a_working_day_ahead, sign_in_codes
from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.jalali import TEHRAN, format_jalali_date
from mokatebat.core.persian import to_ascii_digits
from mokatebat.correspondence.models import Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.organization.workflow import agency_mobile_code_set
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND_BUTTON = "ارسال نامه و دریافت کد رهگیری"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def fill_letter(page: Page, agency: Organization, national_id: str, full_name: str = "مریم رضایی") -> None:
    page.locator("#id_agency").select_option(agency.code)
    page.locator("input[name=kind][value=complaint]").check()
    page.get_by_label("موضوع").fill("تأخیر در صدور کارت سلامت")
    page.get_by_label("متن نامه").fill("با سلام، درخواست اینجانب سه ماه است بی‌پاسخ مانده است.")
    page.get_by_label("نام و نام خانوادگی").fill(full_name)
    page.get_by_label("کد ملی").fill(national_id)
    page.get_by_label("شماره تلفن همراه").fill("09121234567")


def test_a_citizen_proves_the_mobile_before_the_letter_is_stored(
    live_server: Any, phone_page: Page, desktop_page: Page, agency: Organization, clerk: User
) -> None:
    agency_mobile_code_set(agency=agency, actor=clerk, required=True)
    for page, name in ((phone_page, "phone"), (desktop_page, "desktop")):
        page.goto(f"{live_server.url}/letters/new/")
        fill_letter(page, agency, generate_national_id(random.Random(name)))
        page.get_by_role("button", name=SEND_BUTTON).click()
        page.wait_for_url(re.compile(r"/letters/confirm-mobile/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("شماره همراه خود را تأیید کنید")
        check(page, f"harden-confirm-mobile-{name}")
        message = OutboxMessage.objects.filter(template="submit_mobile_code").latest("id")
        code = re.search(r"\d{6}", message.body)
        assert code is not None
        page.get_by_label("کد تأیید").fill(code.group())
        page.get_by_role("button", name="تأیید و ثبت نامه").click()
        page.wait_for_url(re.compile(r"/letters/receipt/[0-9a-f-]+/$"))
    assert Item.objects.count() == 2


def test_a_replayed_form_nonce_shows_the_refusal_not_a_receipt(
    live_server: Any, phone_page: Page, desktop_page: Page, agency: Organization
) -> None:
    for page, name in ((phone_page, "phone"), (desktop_page, "desktop")):
        page.goto(f"{live_server.url}/letters/new/")
        nonce = page.locator("input[name=nonce]").input_value()
        fill_letter(page, agency, generate_national_id(random.Random(f"a-{name}")))
        page.get_by_role("button", name=SEND_BUTTON).click()
        page.wait_for_url(re.compile(r"/letters/receipt/"))
        page.goto(f"{live_server.url}/letters/new/")
        page.locator("input[name=nonce]").evaluate("(el, value) => { el.value = value; }", nonce)
        fill_letter(page, agency, generate_national_id(random.Random(f"b-{name}")), full_name="حسن احمدی")
        page.get_by_role("button", name=SEND_BUTTON).click()
        page.wait_for_load_state()
        assert "/letters/receipt/" not in page.url
        expect(page.get_by_role("alert")).to_contain_text("پیش‌تر برای نامه دیگری")
        check(page, f"harden-reused-nonce-{name}")


def test_a_head_sees_booked_citizens_masked(
    live_server: Any, phone_page: Page, desktop_page: Page, agency: Organization
) -> None:
    desk = open_desk(agency)
    day = a_working_day_ahead(3)
    starts_at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 8, 30), TEHRAN)
    national_id = generate_national_id(random.Random(77))
    bw.booking_create(calendar=desk, starts_at=starts_at, national_id=national_id, mobile="09121234567")
    head = User.objects.create_user("head", password="a-long-test-password")
    Membership.objects.create(user=head, organization=agency, role=Role.HEAD)
    codes = sign_in_codes(head)
    path = f"/staff/appointments/calendars/{desk.public_id}/"
    for page, name in ((desktop_page, "desktop"), (phone_page, "phone")):
        sign_in(page, live_server.url, head, path, codes[name])
        page.goto(f"{live_server.url}{path}?day={to_ascii_digits(format_jalali_date(day))}")
        expect(page.locator("tbody")).to_contain_text("۰۹۱۲***۴۵۶۷")
        check(page, f"harden-booking-masked-{name}")

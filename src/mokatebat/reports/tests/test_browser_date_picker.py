"""Every date field opens a Jalali calendar: the clerk picks a day for the inbox filter with a tap,
or types the date in Persian digits, and the filter applies either way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.correspondence.tests.test_browser_staff import sign_in
from mokatebat.organization.models import Organization, User
from mokatebat.testing.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JALALI_DATE = re.compile(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}$")


def test_the_clerk_picks_a_jalali_date_from_the_calendar(
    live_server: Any, phone_page: Page, agency: Organization, clerk: User
) -> None:
    cache.clear()
    TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    sign_in(phone_page, live_server.url, clerk)
    phone_page.get_by_role("link", name="کارتابل دبیرخانه").first.click()

    field = phone_page.get_by_role("textbox", name="از تاریخ")
    field.click()
    expect(phone_page.locator("jdp-container")).to_be_hidden()  # typing is never covered by the calendar
    phone_page.get_by_title("انتخاب از تقویم: از تاریخ").click()
    calendar = phone_page.locator("jdp-container")
    expect(calendar).to_be_visible()
    screenshot(phone_page, "date-picker-open-phone")
    calendar.locator(".jdp-btn-today").click()
    expect(field).to_have_value(JALALI_DATE)
    phone_page.mouse.click(5, 5)  # a tap outside closes the calendar if picking did not
    expect(calendar).to_be_hidden()
    assert_accessible(phone_page, "inbox filter with a picked date")

    field.fill("۱۴۰۵/۰۱/۰۱")  # typing still works
    field.press("Enter")
    phone_page.wait_for_url(re.compile(r"date_from="))
    expect(phone_page.get_by_role("textbox", name="از تاریخ")).to_have_value("۱۴۰۵/۰۱/۰۱")

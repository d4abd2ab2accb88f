"""R4, R14 in a real browser: the secretariat registers a postal letter with its envelope scan."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from mokatebat.correspondence.models import Channel, Item
from mokatebat.organization.models import Organization, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_clerk_registers_a_postal_letter_with_its_envelope_scan(
    live_server: Any, phone_page: Page, clerk: User, agency: Organization
) -> None:
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    page = phone_page
    page.goto(f"{live_server.url}/staff/received/new/")
    page.locator("#id_username").fill(clerk.username)
    page.locator("#id_password").fill("a-long-test-password")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_code").fill(f"{totp.token():0{device.digits}d}")
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/received/new/$"))
    page.get_by_role("radio", name="پستی").check()
    page.locator("#id_envelope_scan").set_input_files(
        files=[{"name": "envelope.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert_no_horizontal_scroll(page)
    assert_accessible(page, "received letter by post (phone)")
    screenshot(page, "received-post-phone")
    page.locator("#id_subject").fill("درخواست بازنشستگی")
    page.locator("#id_body").fill("نامه دست‌نویس رسیده با پست سفارشی.")
    page.locator("#id_full_name").fill("غلامرضا بندری")
    page.locator("#id_national_id").fill("0013542419")
    page.locator("#id_mobile").fill("09177776655")
    page.get_by_role("button", name=re.compile("ثبت، شماره‌گذاری")).click()
    page.wait_for_url(re.compile(r"/receipt/$"))
    item = Item.objects.get()
    assert item.channel == Channel.POST
    assert list(item.attachments.values_list("original_name", flat=True)) == ["پاکت-envelope.pdf"]

"""R14 in a real browser: a phone operator registers a caller's letter with the keyboard only, reads
the tracking code out, then reads a letter's status to another caller. Axe and screenshots at
desktop and phone width."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.calls.models import CallLookup
from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import format_tracking_code
from mokatebat.correspondence.models import Channel, Item
from mokatebat.correspondence.workflow import RequesterDetails, item_register
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, base: str, user: User) -> None:
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    page.goto(f"{base}/staff/calls/")
    page.wait_for_url(re.compile(r"/staff/login/"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_code").fill(f"{totp.token():0{device.digits}d}")
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/calls/$"))


def check(page: Page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page, name)
    screenshot(page, name.replace(" ", "-"))


def test_operator_registers_a_call_by_keyboard_and_reads_out_a_status(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    operator: User,
    agency: Organization,
    clerk: User,
    citizen: RequesterDetails,
    submit: Callable[..., Item],
) -> None:
    base = live_server.url
    page = desktop_page
    sign_in(page, base, operator)
    expect(page.locator("#id_national_id")).to_be_focused()  # a lookup starts typing at once
    check(page, "calls home desktop")

    page.get_by_role("link", name="ثبت درخواست تلفنی").first.click()
    page.wait_for_url(re.compile(r"/staff/calls/letters/new/$"))
    expect(page.locator("#id_agency")).to_be_focused()
    check(page, "calls letter form desktop")
    # Keyboard only: Tab from field to field, type, Enter in a one-line box submits.
    page.locator("#id_full_name").focus()
    page.keyboard.type("زهرا موسوی")
    page.keyboard.press("Tab")
    page.keyboard.type("0013542419")
    page.keyboard.press("Tab")
    page.keyboard.type("۰۹۱۷۱۱۱۲۲۳۳")
    page.locator("#id_body").focus()
    page.keyboard.type("آب محله سه روز است قطع است.")
    page.locator("#id_subject").focus()
    page.keyboard.type("قطع مکرر آب")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/calls/items/"))
    item = Item.objects.get(channel=Channel.PHONE)
    expect(page.locator(".display-6")).to_contain_text(to_persian_digits(format_tracking_code(item.tracking_code)))
    assert OutboxMessage.objects.filter(item=item, mobile="09171112233").exists()
    check(page, "calls registered desktop")

    # Another caller asks about their letter; the operator reads the timeline out.
    theirs = submit(subject="درخواست پرونده درمانی")
    item_register(item=theirs, actor=clerk)
    phone = phone_page
    # The same signed-in session on the phone (an authenticator code cannot be used twice).
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{base}/staff/calls/")
    check(phone, "calls home phone")
    phone.locator("#id_national_id").fill(citizen.national_id)
    phone.locator("#id_tracking_code").fill(theirs.tracking_code)
    phone.locator("#id_tracking_code").press("Enter")
    phone.wait_for_url(re.compile(r"/staff/calls/lookup/$"))
    expect(phone.get_by_text("در دبیرخانه ثبت شد")).to_be_visible()
    check(phone, "calls lookup phone")
    assert CallLookup.objects.get(item=theirs).operator == operator
    phone.goto(f"{base}/staff/calls/letters/new/")
    check(phone, "calls letter form phone")

"""The staff SMS page in a real browser, as a clerk reads it: parts and cost of each message, a
survey link masked, and the red notice while the gateway refuses our credit. And the citizen's
side: the SMS link opens the tracking page with the code filled in. Axe and screenshots at desktop
and phone width."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item, Resolution
from mokatebat.correspondence.workflow import item_close, response_issue
from mokatebat.notifications import worker
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import User
from mokatebat.surveys.models import Survey
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .fake_gateway import NO_CREDIT, FakeGateway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, base: str, user: User, path: str) -> None:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base}{path}")
    page.wait_for_url(re.compile(r"/staff/login/"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.locator("#id_code").fill(f"{totp.token():0{device.digits}d}")
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def check(page: Page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page, name)
    screenshot(page, name)


def test_a_clerk_reads_parts_and_cost_never_a_survey_link_and_sees_the_pause(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    clerk: User,
    submit: Callable[..., Item],
    kavenegar: FakeGateway,
) -> None:
    item = submit()
    response_issue(item=item, actor=clerk, body="<p>پرونده بررسی و اصلاح شد.</p>")
    item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED)
    token = Survey.objects.get(item=item).token
    worker.run_once()  # sent through the fake Kavenegar: each with its cost
    kavenegar.answer(NO_CREDIT)
    submit(subject="نامه دوم", idempotency_key="second")
    worker.run_once()  # the gateway refuses our credit: sending pauses
    assert OutboxMessage.objects.filter(state="created").count() == 1

    sign_in(desktop_page, live_server.url, clerk, "/staff/sms/")
    expect(desktop_page.get_by_role("alert")).to_contain_text("ارسال پیامک متوقف شده است")
    page_text = desktop_page.content()
    assert token not in page_text
    assert "متن پس از ارسال پاک شد" in page_text, "the survey invitation, sent: its text is gone"
    expect(desktop_page.locator("tbody")).to_contain_text("ریال")
    check(desktop_page, "staff-sms-desktop")

    phone_page.context.add_cookies(desktop_page.context.cookies())
    phone_page.goto(f"{live_server.url}/staff/sms/")
    check(phone_page, "staff-sms-phone")


def test_the_sms_link_opens_tracking_with_the_code_filled_in(
    live_server: Any, desktop_page: Page, phone_page: Page, submit: Callable[..., Item]
) -> None:
    item = submit()
    body = OutboxMessage.objects.get(item=item).body
    path = re.search(r"/track/\?code=\d+", body)
    assert path is not None

    for page, name in ((phone_page, "track-from-sms-phone"), (desktop_page, "track-from-sms-desktop")):
        page.goto(live_server.url + path.group())
        expect(page.locator("#id_tracking_code")).to_have_value(item.tracking_code)
        expect(page.locator("#id_national_id")).to_be_focused()
        expect(page.locator("#id_national_id")).to_have_value("")
        check(page, name)

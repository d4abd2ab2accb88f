"""R21, R23, R24 in a real browser: office A registers a walk-in letter and prints the receipt;
the agency answers; office B finds the letter with national ID + tracking code, prints the
answer and hands it over. Every counter page is checked with axe at phone and desktop widths."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import item_register, response_issue
from mokatebat.counters.models import CounterVisit, VisitAction
from mokatebat.organization.models import Organization, User
from mokatebat.testing.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def with_authenticator(user: User) -> User:
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def recovery_code(user: User) -> str:
    """An authenticator code cannot be used twice in one window; the second sign-in uses a recovery code."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    return str(device.token_set.create(token="1234567890").token)


def sign_in_at_counter(page: Page, base: str, user: User, code: str | None = None) -> None:
    """Open the counter, get sent to the real login, type password and code, land back on the counter."""
    page.context.clear_cookies()
    page.goto(f"{base}/counter/")
    page.wait_for_url(re.compile(r"/staff/login/"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    page.locator("#id_code").fill(code or current_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/counter/$"))


def look_up(page: Page, item: Item) -> None:
    page.locator("#id_national_id").fill(item.requester.national_id)
    page.locator("#id_tracking_code").fill(item.tracking_code)
    page.locator("#id_tracking_code").press("Enter")
    page.wait_for_url(re.compile(r"/counter/items/"))


def test_office_a_registers_and_office_b_hands_over_the_answer(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    clerk: User,
    office_a: Organization,
    office_b: Organization,
    operator_a: User,
    operator_b: User,
    applicant_id: str,
    tariff: None,
) -> None:
    base = live_server.url
    with_authenticator(operator_a)
    with_authenticator(operator_b)
    page = desktop_page

    # Office A: the keyboard path from the counter home to a printed receipt.
    sign_in_at_counter(page, base, operator_a)
    assert_accessible(page, "counter home")
    screenshot(page, "counter-home-desktop")
    page.get_by_role("link", name="ثبت نامه جدید").click()
    expect(page.locator(".official-fee")).to_contain_text("۴۵۰٬۰۰۰")
    assert_accessible(page, "counter letter form")
    page.locator("#id_agency").select_option(agency.code)
    page.locator("#id_full_name").fill("عبدالله بلوچی")
    page.locator("#id_national_id").fill(applicant_id)
    page.locator("#id_mobile").fill("09171234567")
    page.locator("#id_subject").fill("درخواست مجوز ساخت اسکله صیادی")
    page.locator("#id_body").fill("با سلام، درخواست صدور مجوز ساخت اسکله صیادی در روستای ایسین را دارم.")
    screenshot(page, "counter-letter-desktop")
    page.get_by_role("button", name=re.compile("ثبت نامه، صدور کد رهگیری")).click()
    page.wait_for_url(re.compile(r"/receipt/$"))
    expect(page.locator(".official-fee")).to_contain_text("هزینه رسمی این خدمت: ۴۵۰٬۰۰۰ ریال")
    assert_accessible(page, "counter receipt")
    screenshot(page, "counter-receipt-desktop")
    with page.expect_download() as receipt_download:
        page.get_by_role("link", name="رسید PDF").click()
    assert receipt_download.value.suggested_filename.endswith(".pdf")
    item = Item.objects.get(counter_office=office_a)
    assert page.locator("[data-tracking-code]").get_attribute("data-tracking-code") == item.tracking_code

    # The agency answers.
    item_register(item=item, actor=clerk)
    response_issue(item=item, actor=clerk, body="<p>مجوز صادر شد.</p>", signer_title="مدیرکل")

    # Office B, on a small screen: look up, print the answer, hand it over.
    phone = phone_page
    sign_in_at_counter(phone, base, operator_b)
    assert_accessible(phone, "counter home (phone)")
    screenshot(phone, "counter-home-phone")
    look_up(phone, item)
    expect(phone.locator("#timeline-heading")).to_be_visible()
    assert_accessible(phone, "counter item (phone)")
    screenshot(phone, "counter-item-phone")
    with phone.expect_download() as answer_download:
        phone.get_by_role("button", name="چاپ نامه پاسخ (PDF)").click()
    assert answer_download.value.suggested_filename.endswith(".pdf")
    phone.get_by_role("button", name="پاسخ به متقاضی تحویل شد").click()
    expect(phone.locator(".alert-success")).to_contain_text("تحویل پاسخ")
    phone.goto(f"{base}/counter/report/")
    assert_accessible(phone, "counter report (phone)")
    screenshot(phone, "counter-report-phone")
    actions = set(CounterVisit.objects.filter(office=office_b).values_list("action", flat=True))
    assert actions == {VisitAction.LOOKED_UP, VisitAction.PRINTED_RESPONSE, VisitAction.HANDED_OVER}

    # The same pages at desktop width, and the letter form on the phone.
    sign_in_at_counter(page, base, operator_b, recovery_code(operator_b))
    page.goto(f"{base}/counter/lookup/")
    assert_accessible(page, "counter lookup")
    screenshot(page, "counter-lookup-desktop")
    look_up(page, item)
    screenshot(page, "counter-item-desktop")
    page.goto(f"{base}/counter/report/")
    assert_accessible(page, "counter report")
    screenshot(page, "counter-report-desktop")
    sign_in_at_counter(phone, base, operator_a, recovery_code(operator_a))
    phone.goto(f"{base}/counter/letters/new/")
    assert_accessible(phone, "counter letter form (phone)")
    screenshot(phone, "counter-letter-phone")
    phone.goto(f"{base}/counter/items/{item.public_id}/receipt/")
    screenshot(phone, "counter-receipt-phone")

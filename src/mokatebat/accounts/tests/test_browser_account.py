"""R12 in a real browser at phone width: sign in with the SMS code (read from the outbox table, as
the phone would show it), see the own letters, open one, answer the agency's question, download
the answer. Every page is checked with axe; screenshots at phone and desktop width."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.models import EventKind, Item
from mokatebat.correspondence.workflow import RequesterDetails, info_request, item_register, response_issue
from mokatebat.organization.models import User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, open_menu, screenshot

from .conftest import sent_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def check(page: Page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page, name)
    screenshot(page, name.replace(" ", "-"))


def test_citizen_signs_in_on_a_phone_sees_letters_and_answers_a_question(
    live_server: Any,
    phone_page: Page,
    desktop_page: Page,
    citizen: RequesterDetails,
    submit: Callable[..., Item],
    clerk: User,
) -> None:
    base = live_server.url
    asked = submit(subject="درخواست بازپرداخت هزینه درمان")
    item_register(item=asked, actor=clerk)
    info_request(item=asked, actor=clerk, question="لطفاً تصویر صورت‌حساب بیمارستان را بفرستید.")
    answered = submit(subject="درخواست کارت سلامت")
    response_issue(item=answered, actor=clerk, body="<p>کارت شما صادر شد.</p>", signer_title="مدیرکل")
    someone_else = submit(
        subject="نامه با شماره دیگر", requester=RequesterDetails(**{**citizen.__dict__, "mobile": "09350000000"})
    )

    page = phone_page
    page.goto(f"{base}/")
    open_menu(page)
    page.get_by_role("link", name="ورود شهروند").click()
    page.wait_for_url(re.compile(r"/account/sign-in/$"))
    check(page, "account sign-in phone")
    page.locator("#id_identifier").fill(to_persian_digits(citizen.national_id))
    page.locator("#id_mobile").fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    page.get_by_role("button", name="دریافت کد ورود").click()
    page.wait_for_url(re.compile(r"/account/sign-in/code/$"))
    check(page, "account code phone")
    expect(page.locator("#id_code")).to_be_focused()
    page.locator("#id_code").fill(to_persian_digits(sent_code(citizen.mobile)))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/account/$"))
    open_menu(page)
    expect(page.get_by_role("link", name="پرونده من")).to_be_visible()
    expect(page.get_by_text("منتظر پاسخ شما")).to_be_visible()
    expect(page.get_by_role("link", name=asked.subject)).to_be_visible()
    expect(page.get_by_role("link", name=answered.subject)).to_be_visible()
    expect(page.get_by_text(someone_else.subject)).to_have_count(0)
    check(page, "account home phone")

    page.get_by_role("link", name=asked.subject).click()
    page.wait_for_url(re.compile(rf"/account/items/{asked.public_id}/$"))
    expect(page.get_by_text("لطفاً تصویر صورت‌حساب بیمارستان را بفرستید.")).to_be_visible()
    check(page, "account item phone")
    page.locator("#id_text").fill("صورت‌حساب را فردا با پست می‌فرستم.")
    page.get_by_role("button", name="ارسال پاسخ").click()
    expect(page.locator(".alert-success")).to_contain_text("پاسخ شما ثبت شد")
    screenshot(page, "account-item-replied-phone")
    reply = asked.events.get(kind=EventKind.CITIZEN_REPLIED)
    assert reply.note == "صورت‌حساب را فردا با پست می‌فرستم."

    page.get_by_role("link", name="بازگشت به پرونده من").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="دریافت PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name="خروج").click()
    page.wait_for_url(re.compile(r"/$"))
    open_menu(page)
    expect(page.get_by_role("link", name="ورود شهروند")).to_be_visible()

    # The same pages at desktop width.
    desk = desktop_page
    desk.goto(f"{base}/account/sign-in/")
    desk.locator("#id_identifier").fill(citizen.national_id)
    desk.locator("#id_mobile").fill(citizen.mobile)
    desk.locator("#id_mobile").press("Enter")
    desk.wait_for_url(re.compile(r"/code/$"))
    desk.locator("#id_code").fill(sent_code(citizen.mobile))
    desk.locator("#id_code").press("Enter")
    desk.wait_for_url(re.compile(r"/account/$"))
    check(desk, "account home desktop")
    desk.goto(f"{base}/account/items/{answered.public_id}/")
    check(desk, "account item desktop")

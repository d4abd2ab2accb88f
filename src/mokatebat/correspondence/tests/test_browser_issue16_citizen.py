"""Issue 16 (3, 5, 6, 8) in a real browser, from the landing page as a citizen goes: the «درباره کدام
واحد» list follows the agency, Back after a corrected mistake shows the form again, digits typed in
Persian come back in Persian, and a code read off a printed answer can be typed on /verify/."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import item_register, response_issue
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import PrCase
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND_BUTTON = "ارسال نامه و دریافت کد رهگیری"
DEVICES = ["phone_page", "desktop_page"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def national_id() -> str:
    return generate_national_id(random.Random(1616))


def device(request: pytest.FixtureRequest, name: str) -> Page:
    page: Page = request.getfixturevalue(name)
    return page


def look(page: Page, name: str) -> None:
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def open_letter_form(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="نوشتن نامه").click()
    page.wait_for_url(re.compile(r"/letters/new/$"))


def fill_requester(page: Page, national_id: str) -> None:
    page.get_by_label("نام و نام خانوادگی").fill("مریم رضایی")
    page.get_by_label("کد ملی").press_sequentially(to_persian_digits(national_id))
    page.get_by_label("شماره تلفن همراه").press_sequentially("۰۹۱۲۱۲۳۴۵۶۷")


def send(page: Page) -> None:
    page.get_by_role("button", name=SEND_BUTTON).click()


@pytest.mark.parametrize("name", DEVICES)
def test_the_about_unit_list_follows_the_chosen_agency_without_a_failed_submit(
    live_server: Any, agency: Organization, unit: Unit, national_id: str, name: str, request: pytest.FixtureRequest
) -> None:
    page = device(request, name)
    open_letter_form(page, live_server.url)

    page.locator("#id_agency").select_option(agency.code)
    page.locator("input[name=kind][value=complaint]").check()
    about = page.get_by_label("درباره کدام واحد (برای شکایت، انتقاد یا گزارش)")
    page.locator(f"#id_about_unit option[value='{unit.public_id}']").wait_for(state="attached")
    about.select_option(str(unit.public_id))
    page.get_by_label("موضوع").fill("برخورد نامناسب در پذیرش")
    page.get_by_label("متن نامه").fill("در مراجعه به اداره با برخورد نامناسب روبه‌رو شدم.")
    fill_requester(page, national_id)
    look(page, f"issue16-about-unit-{name}")
    send(page)

    page.wait_for_url(re.compile(r"/letters/receipt/"))
    assert PrCase.objects.get().about_unit == unit


@pytest.mark.parametrize("name", DEVICES)
def test_back_after_a_corrected_mistake_shows_the_form_not_a_resubmission_prompt(
    live_server: Any, agency: Organization, national_id: str, name: str, request: pytest.FixtureRequest
) -> None:
    page = device(request, name)
    open_letter_form(page, live_server.url)
    page.locator("#id_agency").select_option(agency.code)
    page.get_by_label("موضوع").fill("درخواست پیگیری")
    page.get_by_label("متن نامه").fill("لطفاً پرونده را بررسی کنید.")
    fill_requester(page, national_id[:-1] + str((int(national_id[-1]) + 1) % 10))  # a typo in the ID
    send(page)
    expect(page.locator("#form-errors")).to_be_visible()
    page.get_by_label("کد ملی").fill(national_id)
    send(page)
    page.wait_for_url(re.compile(r"/letters/receipt/"))

    page.go_back()

    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_label("موضوع")).to_have_value("درخواست پیگیری")
    look(page, f"issue16-back-after-error-{name}")
    assert Item.objects.count() == 1


@pytest.mark.parametrize("name", DEVICES)
def test_digits_typed_in_persian_come_back_in_persian_on_receipt_tracking_and_answer(
    live_server: Any,
    agency: Organization,
    unit: Unit,
    clerk: User,
    national_id: str,
    name: str,
    request: pytest.FixtureRequest,
) -> None:
    page = device(request, name)
    open_letter_form(page, live_server.url)
    page.locator("#id_agency").select_option(agency.code)
    page.get_by_label("موضوع").fill("خرابی جاده در کیلومتر ۲۳")
    page.get_by_label("متن نامه").fill("از کیلومتر ۲۳ به مدت ۱۲۳۴۵ متر آسفالت ندارد.")
    fill_requester(page, national_id)
    send(page)
    page.wait_for_url(re.compile(r"/letters/receipt/"))
    expect(page.get_by_text("خرابی جاده در کیلومتر ۲۳")).to_be_visible()

    item = Item.objects.get()
    assert "کیلومتر 23" in item.body  # stored normalised, so search finds either script
    item_register(item=item, actor=clerk)
    response_issue(item=item, actor=clerk, body="<p>مرمت ۱۲۳۴۵ متر تا 30 روز آینده انجام می‌شود.</p>", unit=unit)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="پیگیری").first.click()
    page.get_by_label("کد ملی یا شناسه ملی").press_sequentially(to_persian_digits(national_id))
    page.get_by_label("کد رهگیری").press_sequentially(to_persian_digits(item.tracking_code))
    page.get_by_role("button", name="نمایش وضعیت").click()

    expect(page.get_by_text("خرابی جاده در کیلومتر ۲۳")).to_be_visible()
    expect(page.get_by_text("مرمت ۱۲۳۴۵ متر تا ۳۰ روز آینده انجام می‌شود.")).to_be_visible()
    look(page, f"issue16-tracking-persian-digits-{name}")


@pytest.mark.parametrize("name", DEVICES)
def test_a_code_from_a_printed_answer_can_be_typed_and_verified(
    live_server: Any, submit: Callable[..., Item], clerk: User, unit: Unit, name: str, request: pytest.FixtureRequest
) -> None:
    item = item_register(item=submit(), actor=clerk)
    letter = response_issue(item=item, actor=clerk, body="<p>پاسخ</p>", unit=unit, signer_title="مدیرکل")
    page = device(request, name)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="استعلام اصالت نامه").click()
    page.wait_for_url(re.compile(r"/verify/$"))
    look(page, f"issue16-verify-start-{name}")

    page.get_by_label("کد استعلام نامه").press_sequentially(to_persian_digits(letter.verification_code))
    page.get_by_role("button", name="استعلام").click()

    page.wait_for_url(re.compile(rf"/verify/{re.escape(letter.verification_code)}/$"))
    expect(page.get_by_role("heading", name="این نامه را این دستگاه صادر کرده است")).to_be_visible()
    look(page, f"issue16-verify-result-{name}")

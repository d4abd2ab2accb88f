"""R2, R3, R8, R16 in a real browser: a letter goes through the secretariat and two units, is
answered with a signed letter and closed; the citizen follows every step and verifies the PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item, Status
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def staff_member(username: str, agency: Organization, role: Role, units: list[Unit] = ()) -> User:  # type: ignore[assignment]
    user = User.objects.create_user(username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, organization=agency, role=role).units.set(units)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def recovery_code(user: User) -> str:
    """A fresh recovery code: an authenticator code cannot be used twice, and the clerk signs in twice."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    token = device.token_set.create(token="1234567890")
    return token.token


def sign_in(page: Page, base_url: str, user: User, code: str | None = None) -> None:
    """Password, then the second factor: the real login flow, nothing skipped."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/staff/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    page.locator("#id_code").fill(code or current_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/(?!login)"))


def open_step(page: Page, title: str) -> None:
    page.locator("summary", has_text=title).click()


def open_item(page: Page, base_url: str, item: Item) -> None:
    page.goto(f"{base_url}/staff/items/{item.public_id}/")


def test_a_letter_travels_through_secretariat_and_units_and_the_citizen_verifies_the_answer(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    unit: Unit,
    clerk: User,
    submit: Callable[..., Item],
) -> None:
    base = live_server.url
    legal_unit = Unit.objects.create(organization=agency, name="اداره کل امور حقوقی")
    TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    clerk.set_password(PASSWORD)
    clerk.save()
    first_unit_staff = staff_member("unit.first", agency, Role.UNIT_STAFF, [unit])
    legal_staff = staff_member("unit.legal", agency, Role.UNIT_STAFF, [legal_unit])
    legal_manager = staff_member("manager.legal", agency, Role.UNIT_MANAGER, [legal_unit])
    item = submit(subject="درخواست بازپرداخت هزینه درمان", body="هزینه درمان اینجانب بازپرداخت نشده است.")
    page = desktop_page

    # The secretariat finds the new letter, registers it and refers it.
    sign_in(page, base, clerk)
    page.goto(f"{base}/staff/inbox/")
    assert_accessible(page, "secretariat inbox")
    screenshot(page, "staff-inbox-desktop")
    page.get_by_role("link", name=item.subject).click()
    page.get_by_role("button", name="ثبت در دبیرخانه و اعلام به متقاضی").click()
    expect(page.locator(".alert-success")).to_contain_text("نامه ثبت شد")
    open_step(page, "ارجاع به واحد")
    page.locator("form[action$='/refer/'] select[name=unit]").select_option(str(unit.public_id))
    page.locator("form[action$='/refer/'] textarea[name=instruction]").fill("بررسی و اعلام نتیجه")
    page.locator("form[action$='/refer/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("ارجاع شد")
    assert_accessible(page, "item page (secretariat)")
    screenshot(page, "staff-item-desktop")

    # The first unit accepts and passes it on to the legal department.
    sign_in(page, base, first_unit_staff)
    page.goto(f"{base}/staff/units/")
    page.get_by_role("link", name=item.subject).click()
    page.get_by_role("button", name=re.compile("پذیرش ارجاع")).click()
    open_step(page, "ارجاع به واحد دیگر")
    page.locator("form[action$='/rerefer/'] select[name=unit]").select_option(str(legal_unit.public_id))
    page.locator("form[action$='/rerefer/'] textarea[name=instruction]").fill("موضوع حقوقی است")
    page.locator("form[action$='/rerefer/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The legal department acts publicly and drafts the answer.
    sign_in(page, base, legal_staff)
    open_item(page, base, item)
    page.get_by_role("button", name=re.compile("پذیرش ارجاع")).click()
    open_step(page, "ثبت اقدام")
    page.locator("form[action$='/actions/'] textarea[name=text]").fill("سوابق پرداخت از بیمه استعلام شد")
    page.locator("form[action$='/actions/'] input[name=public]").check()
    page.locator("form[action$='/actions/'] button[type=submit]").click()
    open_step(page, "نوشتن پاسخ")
    draft = page.locator("form[action$='/drafts/'] textarea[name=body]")
    draft.fill("هزینه درمان شما بررسی و پرداخت شد.")
    # The toolbar makes «پرداخت شد» bold, as the hint under the box promises (issue 16, point 7).
    draft.evaluate("(box) => box.setSelectionRange(box.value.indexOf('پرداخت'), box.value.length - 1)")
    page.get_by_role("toolbar", name="قالب‌بندی متن پاسخ").get_by_role("button", name="پررنگ").click()
    expect(draft).to_have_value("هزینه درمان شما بررسی و <strong>پرداخت شد</strong>.")
    assert_accessible(page, "item page with the response editor")
    screenshot(page, "staff-draft-toolbar-desktop")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "staff-draft-toolbar-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action$='/drafts/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("پیش‌نویس")

    # Its manager signs; the response is issued.
    sign_in(page, base, legal_manager)
    open_item(page, base, item)
    page.get_by_label("سمت امضاکننده").fill("مدیرکل امور حقوقی")
    page.get_by_role("button", name="امضا و صدور").click()
    expect(page.locator(".alert-success")).to_contain_text("صادر شد")

    # The secretariat closes the item deliberately.
    sign_in(page, base, clerk, code=recovery_code(clerk))
    open_item(page, base, item)
    open_step(page, "مختومه کردن")
    page.locator("form[action$='/close/'] button[type=submit]").click()
    item.refresh_from_db()
    assert item.status == Status.CLOSED

    # The citizen sees every step, downloads the letter and checks it on the verification page.
    citizen_page = phone_page
    citizen_page.goto(f"{base}/track/")
    citizen_page.get_by_label("کد ملی یا شناسه ملی").fill(item.requester.national_id)
    citizen_page.get_by_label("کد رهگیری").fill(item.tracking_code)
    citizen_page.get_by_role("button", name="نمایش وضعیت").click()
    timeline = citizen_page.locator(".timeline")
    for step in ["در دبیرخانه ثبت شد", "اداره کل امور حقوقی", "سوابق پرداخت از بیمه استعلام شد", "پاسخ صادر شد"]:
        expect(timeline).to_contain_text(step)
    expect(timeline).not_to_contain_text("موضوع حقوقی است")  # a unit's instruction stays internal
    with citizen_page.expect_download() as download:
        citizen_page.get_by_role("link", name=re.compile("PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    letter = item.responses.get()
    citizen_page.goto(f"{base}/verify/{letter.verification_code}/")
    expect(citizen_page.locator("main")).to_contain_text(letter.content_sha256[:4])
    expect(citizen_page.locator("main")).to_contain_text("اداره کل امور حقوقی")
    screenshot(citizen_page, "verify-after-flow-phone")

"""Seed 003 in a real browser: an online complaint referred anonymised (the unit never sees who wrote
it), a suggestion closed with a thank-you SMS, and a meeting approved, held and followed up.
Every page is checked with axe (WCAG 2.1 AA) and photographed at phone and desktop widths."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.models import Item, Status
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import Meeting, MeetingSlot
from mokatebat.publicrelations.tests.test_meetings import slot_at
from mokatebat.testing.browser import accessibility_problems, assert_no_horizontal_scroll, screenshot
from mokatebat.testing.staff import login_verified

from .conftest import NATIONAL_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, user: User) -> None:
    """The session a full sign-in (password + second factor) leaves, handed to the browser."""
    client = Client()
    login_verified(client, user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def go(page: Page, action: Callable[[], Any], url_pattern: str) -> None:
    with page.expect_navigation(url=re.compile(url_pattern)):
        action()


def check(page: Page, name: str, problems: list[str]) -> None:
    problems += accessibility_problems(page, name)
    screenshot(page, name)


def test_online_complaint_is_referred_anonymised_and_the_unit_sees_no_identity(
    browser: Any,
    live_server: Any,
    agency: Organization,
    unit: Unit,
    pr_expert: User,
    unit_clerk: User,
) -> None:
    base = live_server.url
    problems: list[str] = []
    phone = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    citizen = phone.new_page()
    citizen.goto(f"{base}/letters/new/?agency={agency.code}")
    citizen.locator("input[name=kind][value=complaint]").check()
    citizen.locator("#id_about_unit").select_option(str(unit.public_id))
    citizen.get_by_label("موضوع").fill("شکایت از برخورد کارمند پذیرش")
    citizen.get_by_label("متن نامه").fill(
        f"اینجانب مریم رضایی‌نژاد با کد ملی {to_persian_digits(NATIONAL_ID)} و همراه ۰۹۱۲۳۴۵۶۷۸۹ شکایت دارم."
    )
    citizen.get_by_label("نام و نام خانوادگی").fill("مريم رضائي نژاد")
    citizen.get_by_label("کد ملی").press_sequentially(to_persian_digits(NATIONAL_ID))
    citizen.get_by_label("شماره تلفن همراه").press_sequentially("09123456789")
    check(citizen, "pr-online-complaint-form-phone", problems)
    go(citizen, citizen.get_by_role("button", name="ارسال نامه و دریافت کد رهگیری").click, r"/letters/receipt/")
    assert_no_horizontal_scroll(citizen)
    phone.close()
    item = Item.objects.get()
    assert item.pr_case.about_unit == unit

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    page = desk.new_page()
    sign_in(page, base, pr_expert)
    page.goto(f"{base}/staff/pr/")
    check(page, "pr-inbox-desktop", problems)
    go(page, page.get_by_role("link", name="شکایت از برخورد کارمند پذیرش").click, r"/staff/pr/items/")
    body = page.locator("#id_body")
    expect(body).to_contain_text("[حذف شد]")
    assert NATIONAL_ID not in body.input_value()
    page.locator("form[action$='/refer/'] #id_unit").select_option(str(unit.public_id))
    check(page, "pr-item-review-desktop", problems)
    go(page, page.get_by_role("button", name="ارجاع نسخه بی‌نام‌شده").click, r"/staff/pr/items/")
    expect(page.get_by_text("نسخه بی‌نام‌شده به واحد ارجاع شد")).to_be_visible()
    assert Item.objects.get().status == Status.REFERRED

    sign_in(page, base, unit_clerk)
    page.goto(f"{base}/staff/units/")
    check(page, "pr-unit-inbox-desktop", problems)
    go(page, page.get_by_role("link", name=re.compile("شکایت از برخورد")).click, r"/staff/pr/anonymised/")
    text = page.locator("body").inner_text()
    for secret in (NATIONAL_ID, to_persian_digits(NATIONAL_ID), "رضایی", "رضائي", "۰۹۱۲۳۴۵۶۷۸۹", "09123456789"):
        assert secret not in text
    expect(page.get_by_text("بی‌نام‌شده", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("پذیرش ارجاع")).click()
    page.wait_for_load_state()
    page.get_by_text("گزارش اقدام به ارتباطات مردمی").click()
    page.get_by_label("گزارش اقدام واحد").fill("با کارمند گفت‌وگو شد و تذکر کتبی داده شد.")
    check(page, "pr-unit-anonymised-desktop", problems)
    go(page, page.get_by_role("button", name="فرستادن گزارش").click, r"/staff/pr/anonymised/")
    desk.close()

    small = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    page = small.new_page()
    sign_in(page, base, unit_clerk)
    page.goto(f"{base}/staff/pr/anonymised/{item.public_id}/")
    assert_no_horizontal_scroll(page)
    check(page, "pr-unit-anonymised-phone", problems)
    small.close()
    assert not problems, "\n".join(problems)


def test_suggestion_without_action_is_closed_with_thanks(
    browser: Any, live_server: Any, submit: Callable[..., Item], pr_expert: User
) -> None:
    item = submit(kind="suggestion", subject="پیشنهاد نصب آب‌سردکن در سالن انتظار")
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    page = context.new_page()
    sign_in(page, live_server.url, pr_expert)
    page.goto(f"{live_server.url}/staff/pr/items/{item.public_id}/")
    page.get_by_text("نیاز به اقدام ندارد", exact=True).click()
    expect(page.get_by_text("پیشنهاد ارزشمند شما")).to_be_visible()
    assert_no_horizontal_scroll(page)
    check(page, "pr-suggestion-thanks-phone", problems)
    go(page, page.get_by_role("button", name="بستن و ارسال پیامک تشکر").click, r"/staff/pr/items/")
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert OutboxMessage.objects.filter(item=item, template="pr_thanks").exists()
    page.goto(f"{live_server.url}/staff/pr/settings/")
    assert_no_horizontal_scroll(page)
    check(page, "pr-settings-phone", problems)
    context.close()
    assert not problems, "\n".join(problems)


def test_meeting_is_approved_held_and_followed_up(
    browser: Any,
    live_server: Any,
    submit: Callable[..., Item],
    head: User,
    agency: Organization,
    unit: Unit,
) -> None:
    item = submit(kind="meeting_request", subject="درخواست ملاقات درباره درمانگاه روستا")
    meeting = Meeting.objects.create(item=item)
    slot = slot_at(agency, 2)
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    page = context.new_page()
    sign_in(page, live_server.url, head)
    page.goto(f"{live_server.url}/staff/pr/meetings/")
    check(page, "pr-meetings-desktop", problems)
    go(page, page.get_by_role("link", name="درخواست ملاقات درباره درمانگاه روستا").click, r"/staff/pr/meetings/")
    page.get_by_text("تأیید و تعیین وقت").click()
    page.get_by_label("وقت ملاقات").select_option(str(slot.public_id))
    check(page, "pr-meeting-request-desktop", problems)
    go(page, page.get_by_role("button", name="تأیید و پیامک زمان").click, r"/staff/pr/meetings/")
    expect(page.get_by_text("وقت داده شد", exact=True)).to_be_visible()
    expect(page.get_by_text("نتیجه ملاقات را پس از زمان ملاقات ثبت کنید.")).to_be_visible()
    # The meeting takes place: its time is now behind us and the outcome form appears.
    MeetingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    page.reload()
    page.get_by_text("ثبت نتیجه پس از ملاقات").click()
    page.get_by_label("شرح نتیجه ملاقات").fill("مقرر شد اعتبار درمانگاه بررسی شود.")
    page.get_by_label("نیاز به پیگیری دارد").check()
    page.get_by_label("واحد پیگیری", exact=True).select_option(str(unit.public_id))
    page.get_by_label("دستور", exact=True).fill("بررسی اعتبار و گزارش تا پایان ماه")
    check(page, "pr-meeting-outcome-desktop", problems)
    go(page, page.get_by_role("button", name="ثبت نتیجه").click, r"/staff/pr/meetings/")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert item.referrals.get().unit == unit
    assert OutboxMessage.objects.filter(item=item, template="meeting_scheduled").exists()
    screenshot(page, "pr-meeting-held-desktop")
    context.close()
    assert not problems, "\n".join(problems)


def test_visit_guidance_and_phone_transfer_are_recorded_and_counted(
    browser: Any, live_server: Any, pr_expert: User, phone_operator: User, unit: Unit
) -> None:
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    page = context.new_page()
    sign_in(page, live_server.url, pr_expert)
    page.goto(f"{live_server.url}/staff/pr/visits/new/")
    guidance = page.locator("form:has(input[name=step][value=guidance])")
    guidance.get_by_label("موضوع").fill("مدارک لازم برای کمیسیون پزشکی")
    guidance.get_by_label("دسته").select_option("procedure")
    guidance.get_by_label("مدت (دقیقه)").fill("۱۵")
    assert_no_horizontal_scroll(page)
    check(page, "pr-visit-phone", problems)
    go(page, guidance.get_by_role("button", name="ثبت راهنمایی").click, r"/staff/pr/visits/new/")
    expect(page.get_by_text("راهنمایی ثبت شد.")).to_be_visible()

    sign_in(page, live_server.url, phone_operator)
    page.goto(f"{live_server.url}/staff/pr/calls/new/")
    guidance = page.locator("form:has(input[name=step][value=guidance])")
    guidance.get_by_label("موضوع").fill("پیگیری نوبت جراحی")
    guidance.get_by_label("دسته").select_option("follow_up")
    guidance.get_by_label("مدت (دقیقه)").fill("4")
    guidance.get_by_label("نتیجه").select_option("transferred")
    go(page, guidance.get_by_role("button", name="ثبت راهنمایی").click, r"/staff/pr/calls/new/")
    expect(page.locator("#id_transferred_to_error")).to_be_visible()  # which unit? asked, nothing lost
    expect(guidance.get_by_label("موضوع")).to_have_value("پیگیری نوبت جراحی")
    check(page, "pr-call-error-phone", problems)
    guidance.get_by_label("واحدی که تماس به آن وصل شد").select_option(str(unit.public_id))
    go(page, guidance.get_by_role("button", name="ثبت راهنمایی").click, r"/staff/pr/calls/new/")
    page.goto(f"{live_server.url}/staff/pr/report/")
    expect(page.get_by_text("پیگیری نوبت جراحی")).to_be_visible()
    expect(page.get_by_text("مدارک لازم برای کمیسیون پزشکی")).to_be_visible()
    check(page, "pr-report-phone", problems)
    context.close()
    assert not problems, "\n".join(problems)


def test_meeting_redirected_to_the_unit_and_another_held_without_action(
    browser: Any, live_server: Any, submit: Callable[..., Item], head: User, agency: Organization, unit: Unit
) -> None:
    redirected = Meeting.objects.create(item=submit(kind="meeting_request", subject="ملاقات درباره پرونده بیمه"))
    held = Meeting.objects.create(item=submit(kind="meeting_request", subject="ملاقات درباره طرح روستا"))
    slot = slot_at(agency, 1)
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    page = context.new_page()
    sign_in(page, live_server.url, head)
    page.goto(f"{live_server.url}/staff/pr/meetings/{redirected.public_id}/")
    page.get_by_text("ارجاع به واحد صالح به جای ملاقات").click()
    form = page.locator("form[action$='/redirect/']")
    form.get_by_label("واحد صالح").select_option(str(unit.public_id))
    form.get_by_label("دستور").fill("پرونده بیمه بررسی و نتیجه به متقاضی اعلام شود")
    check(page, "pr-meeting-redirect-phone", problems)
    go(page, form.get_by_role("button", name="ارجاع").click, r"/staff/pr/meetings/")
    expect(page.get_by_text("به واحد صالح ارجاع شد", exact=True)).to_be_visible()
    assert OutboxMessage.objects.filter(item=redirected.item, template="item_referred").exists()

    page.goto(f"{live_server.url}/staff/pr/meetings/{held.public_id}/")
    page.get_by_text("تأیید و تعیین وقت").click()
    page.get_by_label("وقت ملاقات").select_option(str(slot.public_id))
    go(page, page.get_by_role("button", name="تأیید و پیامک زمان").click, r"/staff/pr/meetings/")
    MeetingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    page.reload()
    page.get_by_text("ثبت نتیجه پس از ملاقات").click()
    page.get_by_label("شرح نتیجه ملاقات").fill("توضیحات لازم داده شد.")
    go(page, page.get_by_role("button", name="ثبت نتیجه").click, r"/staff/pr/meetings/")
    expect(page.get_by_text("نیاز به اقدام بیشتری نداشت")).to_be_visible()
    assert_no_horizontal_scroll(page)
    check(page, "pr-meeting-no-action-phone", problems)
    assert OutboxMessage.objects.filter(item=held.item, template="meeting_no_action").exists()
    context.close()
    assert not problems, "\n".join(problems)

"""R19 in a real browser, the PR desk's side: a unit returns an anonymised complaint to PR, which refers
the same copy again; a complaint handed in at the secretariat is the PR desk's from its receipt on."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mokatebat.correspondence.models import Item, Referral, Status
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.publicrelations import workflow as pr
from mokatebat.publicrelations.tests.conftest import member
from mokatebat.testing.browser import accessibility_problems, assert_no_horizontal_scroll, screenshot

from .test_browser_pr import go, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "locale": "fa-IR", "reduced_motion": "reduce"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fa-IR", "reduced_motion": "reduce"}


def test_a_unit_returns_an_anonymised_complaint_and_pr_refers_the_copy_again(
    browser: Browser,
    live_server: Any,
    agency: Organization,
    unit: Unit,
    pr_expert: User,
    unit_clerk: User,
    submit_complaint: Callable[..., Item],
) -> None:
    base, problems = live_server.url, []
    item = submit_complaint()
    pr.pr_refer_anonymised(item=item, actor=pr_expert, unit=unit, subject="شکایت از پذیرش", body="رفتار نامناسب")
    competent = Unit.objects.create(organization=agency, name="اداره کل منابع انسانی")

    for name, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(**options)
        page = context.new_page()
        sign_in(page, base, unit_clerk)
        page.goto(f"{base}/staff/pr/anonymised/{item.public_id}/")
        if name == "phone":
            page.get_by_role("button", name=re.compile("پذیرش ارجاع")).click()
            page.wait_for_load_state()
        page.get_by_text("برگشت به ارتباطات مردمی: در حیطه این واحد نیست").click()
        expect(page.get_by_label("دلیل برگشت (برای ارتباطات مردمی)")).to_be_visible()
        problems += accessibility_problems(page, f"anonymised page with the return form ({name})")
        if name == "phone":
            assert_no_horizontal_scroll(page)
        screenshot(page, f"pr-unit-return-{name}")
        context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, unit_clerk)
    page.goto(f"{base}/staff/pr/anonymised/{item.public_id}/")
    page.get_by_text("برگشت به ارتباطات مردمی: در حیطه این واحد نیست").click()
    page.get_by_label("دلیل برگشت (برای ارتباطات مردمی)").fill("رسیدگی به رفتار کارکنان با منابع انسانی است.")
    page.get_by_label("واحد صالح").select_option(str(competent.public_id))
    go(page, page.get_by_role("button", name="برگشت", exact=True).click, r"/staff/pr/anonymised/")
    expect(page.get_by_text("مورد به ارتباطات مردمی برگشت داده شد.")).to_be_visible()
    context.close()
    assert Referral.objects.get(item=item, unit=unit).state == Referral.State.RETURNED

    for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        sign_in(page, base, pr_expert)
        page.goto(f"{base}/staff/pr/")
        expect(page.get_by_text("واحد برگشت داد").first).to_be_visible()
        screenshot(page, f"pr-inbox-returned-{name}")
        page.goto(f"{base}/staff/pr/items/{item.public_id}/")
        page.get_by_text("ارجاع دوباره نسخه بی‌نام‌شده").click()
        form = page.locator("form[action$='/refer-again/']")
        expect(form.locator("select[name=unit]")).to_have_value(str(competent.public_id))  # the unit's suggestion
        problems += accessibility_problems(page, f"PR item with the refer-again form ({name})")
        screenshot(page, f"pr-item-refer-again-{name}")
        if name == "phone":
            go(page, form.get_by_role("button", name="ارجاع").click, r"/staff/pr/items/")
            expect(page.get_by_text("نسخه بی‌نام‌شده دوباره ارجاع شد")).to_be_visible()
        context.close()
    item.refresh_from_db()
    assert item.status == Status.REFERRED
    assert Referral.objects.get(item=item, is_active=True).unit == competent
    assert not problems, "\n".join(problems)


def test_a_complaint_handed_in_at_the_secretariat_gets_its_receipt_once_and_goes_to_pr(
    browser: Browser, live_server: Any, agency: Organization, pr_expert: User
) -> None:
    base, problems = live_server.url, []
    clerk = member(agency, "secretariat.clerk", Role.SECRETARIAT_CLERK)
    for number, (name, options) in enumerate((("phone", PHONE), ("desktop", DESKTOP))):
        context = browser.new_context(**options)
        page = context.new_page()
        sign_in(page, base, clerk)
        page.goto(f"{base}/staff/received/new/")
        page.locator("input[name=kind][value=complaint]").check()
        page.locator("#id_subject").fill(f"شکایت حضوری از باجه {number + 1}")
        page.locator("#id_body").fill("متقاضی از رفتار کارمند باجه شکایت دارد.")
        page.locator("#id_full_name").fill("غلامرضا بندری")
        page.locator("#id_national_id").fill("0013542419")
        page.locator("#id_mobile").fill("09177776655")
        page.get_by_role("button", name=re.compile("ثبت، شماره‌گذاری")).click()
        note = page.get_by_role("status").filter(has_text="ارتباطات مردمی بررسی می‌کند")
        expect(note).to_be_visible()
        expect(page.get_by_role("link", name="صفحه نامه")).to_have_count(0)  # it will not open for the clerk
        problems += accessibility_problems(page, f"receipt of a complaint for the PR desk ({name})")
        screenshot(page, f"received-complaint-receipt-{name}")
        context.close()
    assert Item.objects.filter(kind="complaint", registration_number__gt="").count() == 2
    assert not problems, "\n".join(problems)

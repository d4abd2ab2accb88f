"""Each role lands on its work: signing in from the public landing page, the counter operator reaches
the counter workspace in one click, and a unit manager sees what waits for them, on a phone and a
laptop, accessible."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.tests.test_browser_staff import PASSWORD, current_code, recovery_code, staff_member
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def sign_in_from_landing(page: Page, base_url: str, user: User, code: str | None = None) -> None:
    """From the public home page, as staff arrive: the footer's sign-in link, password, second factor."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="ورود کارکنان").click()
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    page.locator("#id_code").fill(code or current_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/$"))


def test_the_counter_operator_goes_from_sign_in_to_the_counter_workspace_in_one_click(
    live_server: Any, phone_page: Page, db: Any
) -> None:
    office = Organization.objects.create(
        name="دفتر پیشخوان دولت ۱۲", short_name="پیشخوان ۱۲", code="counter12", kind=Organization.Kind.COUNTER_OFFICE
    )
    operator = staff_member("counter.op", office, Role.COUNTER_OPERATOR)

    sign_in_from_landing(phone_page, live_server.url, operator)
    expect(phone_page.get_by_role("heading", name="دفتر پیشخوان")).to_be_visible()
    assert_accessible(phone_page, "staff home of a counter operator")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "staff-home-counter-phone")

    phone_page.get_by_role("link", name="میز پیشخوان").first.click()
    phone_page.wait_for_url(re.compile(r"/counter/$"))


def test_a_unit_manager_sees_referrals_and_drafts_waiting_on_the_home_page(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    unit: Unit,
    clerk: User,
    submit: Callable[..., Item],
) -> None:
    manager = staff_member("unit.manager", agency, Role.UNIT_MANAGER, [unit])
    for _ in range(3):
        item = item_register(actor=clerk, item=submit())
        item_refer(actor=clerk, item=item, unit=unit)

    for page, width in ((desktop_page, "desktop"), (phone_page, "phone")):
        # A code is good once: the second sign-in uses a recovery code.
        sign_in_from_landing(page, live_server.url, manager, None if width == "desktop" else recovery_code(manager))
        card = page.get_by_role("link", name=re.compile("ارجاع‌های باز به واحدهای شما"))
        expect(card).to_contain_text("۳")
        assert_accessible(page, f"staff home of a unit manager ({width})")
        screenshot(page, f"staff-home-unit-manager-{width}")
    card.click()
    phone_page.wait_for_url(re.compile(r"/staff/units/"))
    expect(phone_page.locator("main")).to_contain_text("درخواست پیگیری پرونده درمانی")

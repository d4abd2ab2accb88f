"""Issue 16 (9) in a real browser: a citizen types the clinic's area with Persian digits into an
e-service's number field, as in every other field, and the request carries the number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mokatebat.organization.models import Organization, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import ServiceRequest
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .conftest import CARD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AREA = "مساحت مطب (متر مربع)"


@pytest.fixture
def clinic_service(agency: Organization, owner: User, unit: Unit) -> None:
    service = sw.service_create(
        agency=agency, code="clinic-license", card={**CARD, "responsible_unit": unit}, actor=owner
    )
    sw.form_field_save(service=service, spec={"type": "number", "label": AREA, "required": True})
    sw.form_publish(service=service, actor=owner)


@pytest.mark.parametrize("page_name", ["phone_page", "desktop_page"])
def test_a_number_typed_in_persian_digits_reaches_the_request(
    live_server: Any, clinic_service: None, applicant_id: str, page_name: str, request: pytest.FixtureRequest
) -> None:
    page: Page = request.getfixturevalue(page_name)
    page.goto(f"{live_server.url}/")
    services = page.get_by_role("link", name="خدمات").first
    if not services.is_visible():  # a phone header folded into a menu
        page.locator("header button, nav button").first.click()
    services.click()
    page.get_by_role("link", name="صدور مجوز تأسیس مطب").click()
    page.get_by_role("link", name="درخواست خدمت").click()

    area = page.get_by_label(AREA)
    area.press_sequentially("۱۲۰٫۵")  # as a Persian keyboard types it, decimal separator included
    expect(area).to_have_value("۱۲۰٫۵")
    page.locator("#id_full_name").fill("مریم رضایی")
    page.locator("#id_national_id").press_sequentially(
        applicant_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    )
    page.locator("#id_mobile").press_sequentially("۰۹۱۲۱۲۳۴۵۶۷")
    assert_accessible(page, f"request form with a number field ({page_name})")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"issue16-service-number-{page_name}")
    page.get_by_role("button", name="ثبت درخواست و دریافت کد رهگیری").click()

    page.wait_for_url("**/services/receipt/**")
    request_row = ServiceRequest.objects.get()
    assert Decimal(str(request_row.answers["f1"])) == Decimal("120.5")

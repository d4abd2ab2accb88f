"""R7 in a real browser: agency A's clerk asks agency B on the network from the item page; B's clerk
(on a phone) answers from «استعلام‌های دریافتی»; A sees the answer on the item page, beside a
registry inquiry that failed with its reason in Persian. Every page is checked with axe."""

from __future__ import annotations

import re
import socket
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item
from mokatebat.inquiries import worker
from mokatebat.inquiries.models import Adapter, Inquiry, InquiryState, InquiryType, SharedField
from mokatebat.inquiries.workflow import inquiry_ask
from mokatebat.organization.models import Role, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from mokatebat.testing.staff import login_verified

from .conftest import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, user: User) -> None:
    """A session past both login steps (the login flow itself is tested in organization)."""
    client = Client()
    login_verified(client, user)
    host = urlparse(base).hostname
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def failed_registry_inquiry(item: Item, clerk: User) -> None:
    """A registry that is down, one attempt allowed: the inquiry fails and says why."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = InquiryType.objects.create(
        agency=item.agency,
        name="استعلام هویت از ثبت احوال",
        adapter=Adapter.HTTP_REGISTRY,
        registry_url=f"http://127.0.0.1:{port}/",
        timeout_seconds=1,
        max_attempts=1,
        shared_fields=[SharedField.NATIONAL_ID],
    )
    inquiry_ask(item=item, inquiry_type=registry, asked_by=clerk)
    worker.run_once()


def test_agency_a_asks_and_agency_b_answers_in_the_browser(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    item: Item,
    clerk: User,
    clerk_b: User,
    network_type: InquiryType,
    settings: Any,
) -> None:
    base = live_server.url
    settings.INQUIRY_REGISTRY_ALLOWED_HOSTS = ["127.0.0.1"]
    failed_registry_inquiry(item, clerk)
    item_url = f"{base}/staff/items/{item.public_id}/"

    # A asks.
    sign_in(desktop_page, base, clerk)
    desktop_page.goto(item_url)
    section = desktop_page.locator("#inquiries")
    expect(section).to_contain_text("اتصال به سامانه استعلام برقرار نشد")
    section.get_by_text("استعلام تازه").click()
    section.get_by_label("نوع استعلام").select_option(label=network_type.name)
    section.get_by_label("پرسش یا توضیح (اختیاری)").fill("آیا پرونده‌ای به نام متقاضی در استانداری در جریان است؟")
    section.get_by_text("هر استعلام چه اطلاعاتی از متقاضی می‌فرستد؟").click()
    assert_accessible(desktop_page, "item page with the ask form open")
    screenshot(desktop_page, "inquiries-ask-form-desktop")
    section.get_by_role("button", name="فرستادن استعلام").click()
    desktop_page.wait_for_url(re.compile(r"/staff/items/"))
    expect(desktop_page.locator("#inquiries")).to_contain_text("فرستاده شد، در انتظار پاسخ")
    assert_accessible(desktop_page, "item page with inquiries (asking agency)")
    screenshot(desktop_page, "inquiries-item-asked-desktop")

    # B answers on a phone.
    sign_in(phone_page, base, clerk_b)
    phone_page.goto(f"{base}/staff/inquiries/received/")
    expect(phone_page.get_by_role("heading", name="استعلام‌های دریافتی")).to_be_visible()
    assert_accessible(phone_page, "received inquiries")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "inquiries-received-phone")
    phone_page.get_by_role("link", name=network_type.name).click()
    expect(phone_page.get_by_text("مریم رضایی")).to_be_visible()
    assert item.body not in phone_page.content()
    assert_accessible(phone_page, "received inquiry")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "inquiries-received-detail-phone")
    phone_page.get_by_label("متن پاسخ").fill("پرونده‌ای به نام متقاضی در استانداری ثبت نشده است.")
    phone_page.get_by_role("button", name="فرستادن پاسخ").click()
    expect(phone_page.get_by_role("heading", name="پاسخ فرستاده‌شده")).to_be_visible()
    screenshot(phone_page, "inquiries-received-answered-phone")

    # B cannot open A's item.
    response = phone_page.goto(item_url)
    assert response is not None
    assert response.status == 404

    # A sees the answer.
    desktop_page.goto(item_url)
    expect(desktop_page.locator("#inquiries")).to_contain_text("پرونده‌ای به نام متقاضی در استانداری ثبت نشده است.")
    expect(desktop_page.locator(".timeline")).to_contain_text("استعلام انجام شد")
    assert_accessible(desktop_page, "item page with the answer")
    screenshot(desktop_page, "inquiries-item-answered-desktop")
    sign_in(phone_page, base, clerk)
    phone_page.goto(item_url)
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "inquiries-item-answered-phone")
    assert Inquiry.objects.get(inquiry_type=network_type).state == InquiryState.ANSWERED


def test_the_agency_admin_adds_an_inquiry_type_in_the_browser(
    live_server: Any, desktop_page: Page, phone_page: Page, agency: Any, other_agency: Any, network_type: InquiryType
) -> None:
    admin = staff("admin.a", agency, Role.AGENCY_ADMIN)
    base = live_server.url
    sign_in(desktop_page, base, admin)
    desktop_page.goto(f"{base}/staff/inquiries/types/")
    form = desktop_page.locator("form.card")
    form.get_by_label("عنوان").fill("استعلام هویت از ثبت احوال")
    form.get_by_label("روش استعلام").select_option(value=Adapter.HTTP_REGISTRY)
    form.get_by_role("button", name="افزودن").click()
    expect(desktop_page.get_by_text("نوع استعلام افزوده شد.")).to_be_visible()
    expect(desktop_page.locator(".list-group")).to_contain_text("در دسترس نیست: سامانه استعلام وصل نیست")
    assert_accessible(desktop_page, "inquiry types")
    screenshot(desktop_page, "inquiries-types-desktop")
    sign_in(phone_page, base, admin)
    phone_page.goto(f"{base}/staff/inquiries/types/{network_type.public_id}/")
    assert_accessible(phone_page, "inquiry type edit")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "inquiries-type-edit-phone")

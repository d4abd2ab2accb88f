"""The head of an agency opens the dashboard from the staff home and reads the period's figures,
on a laptop and a phone, accessible."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Channel, Item
from mokatebat.correspondence.tests.test_browser_staff import recovery_code, sign_in, staff_member
from mokatebat.correspondence.workflow import response_issue
from mokatebat.organization.models import Organization, Role, User
from mokatebat.reports.rollup import rebuild_days
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_reads_the_agency_dashboard(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    clerk: User,
    submit: Callable[..., Item],
) -> None:
    cache.clear()
    head = staff_member("the.head", agency, Role.HEAD)
    for n in range(9):
        item = submit(channel=[Channel.ONLINE, Channel.POST, Channel.PHONE][n % 3])
        if n < 5:
            response_issue(item=item, actor=clerk, body="پاسخ", at=timezone.now() + datetime.timedelta(minutes=n))
    rebuild_days(timezone.localdate() - datetime.timedelta(days=1), timezone.localdate())

    for page, width, code in ((desktop_page, "desktop", None), (phone_page, "phone", recovery_code(head))):
        sign_in(page, live_server.url, head, code)
        page.get_by_role("link", name=re.compile("داشبورد")).first.click()
        page.wait_for_url(re.compile(r"/staff/dashboard/"))
        expect(page.locator("#by-channel").locator("xpath=..")).to_contain_text("۳")
        assert_accessible(page, f"agency dashboard ({width})")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"agency-dashboard-{width}")

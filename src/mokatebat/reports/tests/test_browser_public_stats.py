"""The public statistics in a real browser: reached from the landing page, chart drawn beside its table,
Persian digits and Jalali months, accessible on a phone and a laptop."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import response_issue
from mokatebat.organization.models import Organization, User
from mokatebat.reports.rollup import rebuild_days
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reads_an_agencys_record_from_the_landing_page(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    clerk: User,
    submit: Callable[..., Item],
) -> None:
    cache.clear()
    now = timezone.now()
    for n in range(12):
        item = submit(at=now - datetime.timedelta(days=40 - 3 * n))
        if n < 8:
            response_issue(item=item, actor=clerk, body="پاسخ", at=item.submitted_at + datetime.timedelta(days=4))
    rebuild_days(timezone.localdate() - datetime.timedelta(days=90), timezone.localdate())

    for page, width in ((desktop_page, "desktop"), (phone_page, "phone")):
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="آمار پاسخ‌گویی دستگاه‌ها").click()
        page.wait_for_url(re.compile(r"/stats/$"))
        page.get_by_role("link", name=agency.name).click()
        page.wait_for_url(re.compile(rf"/stats/{agency.code}/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(agency.name)
        expect(page.locator("table").first).to_contain_text("۱۴۰")  # Jalali years in Persian digits
        # The chart library drew on the canvas (its width attribute is set once it renders).
        page.wait_for_function("() => !!window.Chart && !!Chart.getChart(document.getElementById('monthly-chart'))")
        assert_accessible(page, f"public statistics of an agency ({width})")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"public-stats-agency-{width}")

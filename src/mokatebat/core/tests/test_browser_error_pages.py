"""The error pages a citizen may meet, in a real browser at phone and desktop width: Persian, RTL,
accessible, with the reference to read out to support."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page, name)
    screenshot(page, name)


def test_the_404_page(live_server: Any, phone_page: Page, desktop_page: Page) -> None:
    for page, width in ((phone_page, "phone"), (desktop_page, "desktop")):
        response = page.goto(f"{live_server.url}/no-such-page/")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", name="صفحه پیدا نشد")).to_be_visible()
        expect(page.get_by_text(response.headers["x-request-id"])).to_be_visible()
        _check(page, f"error-404-{width}")


def test_the_503_page_when_the_database_is_down(
    live_server: Any, database_down: None, phone_page: Page, desktop_page: Page
) -> None:
    for page, width in ((phone_page, "phone"), (desktop_page, "desktop")):
        response = page.goto(f"{live_server.url}/letters/new/")
        assert response is not None
        assert response.status == 503
        expect(page.get_by_role("heading", name="سامانه موقتاً در دسترس نیست")).to_be_visible()
        expect(page.get_by_text(response.headers["x-request-id"])).to_be_visible()
        _check(page, f"error-503-{width}")

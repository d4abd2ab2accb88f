"""R3, R8 in a real browser: a client system proposes an answer over the API; the unit manager sees who
wrote it on the item page (on a phone), signs it, and only then is it issued and texted to the citizen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from mokatebat.api.models import Scope
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Item, Status
from mokatebat.correspondence.tests.test_browser_staff import open_item, recovery_code, sign_in, staff_member
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.testing.browser import assert_accessible, screenshot

from .conftest import bearer, make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_unit_manager_signs_an_answer_a_client_system_proposed(
    phone_page: Page,
    desktop_page: Page,
    live_server: Any,
    agency: Organization,
    unit: Unit,
    clerk: User,
    submit: Callable[..., Item],
) -> None:
    manager = staff_member("unit.manager", agency, Role.UNIT_MANAGER, [unit])
    item = submit()
    wf.item_register(item=item, actor=clerk)
    wf.item_refer(item=item, actor=clerk, unit=unit)
    _client, token = make_client(agency, "سامانه اتوماسیون اداری", [Scope.ITEMS_READ, Scope.RESPONSES_WRITE])
    proposed = httpx.post(
        f"{live_server.url}/api/v1/client/items/{item.public_id}/responses/",
        json={"body": "<p>پرونده درمانی شما بررسی شد و هزینه‌ها پرداخت می‌شود.</p>"},
        headers=bearer(token),
    )
    assert proposed.status_code == 201, proposed.text
    assert not OutboxMessage.objects.filter(item=item, template__endswith="response_issued").exists()

    sign_in(desktop_page, live_server.url, manager, code=recovery_code(manager))
    open_item(desktop_page, live_server.url, item)
    expect(desktop_page.locator("section", has_text="پیش‌نویس پاسخ")).to_contain_text("نویسنده: سامانه اتوماسیون اداری")
    screenshot(desktop_page, "api-draft-awaiting-signature-desktop")

    page = phone_page
    sign_in(page, live_server.url, manager)
    open_item(page, live_server.url, item)
    draft = page.locator("section", has_text="پیش‌نویس پاسخ")
    expect(draft).to_contain_text("در انتظار امضا")
    expect(draft).to_contain_text("نویسنده: سامانه اتوماسیون اداری")
    assert_accessible(page, "item page with a client system's draft")
    screenshot(page, "api-draft-awaiting-signature-phone")

    page.get_by_label("سمت امضاکننده").fill("مدیرکل نظارت بر درمان")
    page.get_by_role("button", name="امضا و صدور").click()
    expect(page.locator(".alert-success")).to_contain_text("صادر شد")
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    assert item.responses.get().signer_title == "مدیرکل نظارت بر درمان"
    assert OutboxMessage.objects.filter(item=item, template__endswith="response_issued").exists()

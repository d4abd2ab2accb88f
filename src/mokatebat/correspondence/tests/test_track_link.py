"""SMS links lead to the item: the tracking page with the tracking code filled in. The national ID
is still asked, so the link alone opens nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import RequesterDetails
from mokatebat.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _link(item: Item) -> str:
    body = OutboxMessage.objects.get(item=item, template="item_submitted").body
    link = re.search(r"https?://\S+", body)
    assert link is not None, body
    return link.group()


def _value_of(page: str, name: str) -> str | None:
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group())
    return value.group(1) if value else None


def test_the_sms_link_is_the_tracking_page_with_the_code(submit: Callable[..., Item]) -> None:
    item = submit()

    assert _link(item) == f"{settings.PUBLIC_SITE_URL}/track/?code={item.tracking_code}"


def test_the_link_fills_in_the_code_and_still_asks_for_the_national_id(
    client: Client, submit: Callable[..., Item]
) -> None:
    item = submit()

    page = client.get(_link(item).removeprefix(settings.PUBLIC_SITE_URL)).content.decode()

    assert _value_of(page, "tracking_code") == item.tracking_code
    assert _value_of(page, "national_id") is None
    assert re.search(r'<input[^>]*name="national_id"[^>]*autofocus', page), "the cursor waits in the ID field"
    assert item.subject not in page, "the link alone shows nothing of the letter"


def test_typing_the_national_id_after_the_link_opens_the_item(
    client: Client, submit: Callable[..., Item], citizen: RequesterDetails
) -> None:
    item = submit()
    client.get(f"/track/?code={item.tracking_code}")

    result = client.post(
        "/track/", {"national_id": citizen.national_id, "tracking_code": item.tracking_code}, follow=True
    )

    assert result.status_code == 200
    assert item.subject in result.content.decode()


@pytest.mark.parametrize("code", ["", "123", "1234567890124", "<script>", "۱" * 13, "9" * 5000])
def test_a_link_without_a_valid_code_shows_the_empty_form(client: Client, code: str) -> None:
    response = client.get("/track/", {"code": code})

    assert response.status_code == 200
    assert _value_of(response.content.decode(), "tracking_code") is None


def test_a_link_with_a_nul_byte_is_refused_at_the_input_edge(client: Client) -> None:
    response = client.get("/track/", {"code": "\x00"})

    # Refused like every address with a NUL in it (core.middleware.InputEdgeMiddleware), in Persian.
    assert response.status_code == 400
    assert "نویسه نامعتبر (NUL)" in response.content.decode()

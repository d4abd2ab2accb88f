"""Counter pages are for counter operators only; a counter sees only what it registered or was shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, User

from .conftest import signed_in

pytestmark = pytest.mark.django_db

COUNTER_PAGES = ["/counter/", "/counter/letters/new/", "/counter/lookup/", "/counter/report/"]


@pytest.mark.parametrize("path", COUNTER_PAGES)
def test_secretariat_clerk_cannot_open_counter_pages(clerk: User, path: str) -> None:
    assert signed_in(clerk).get(path).status_code == 403


@pytest.mark.parametrize("path", COUNTER_PAGES)
def test_anonymous_visitor_is_sent_to_login(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("path", COUNTER_PAGES)
def test_operator_opens_counter_pages(operator_a: User, path: str) -> None:
    assert signed_in(operator_a).get(path).status_code == 200


def test_counter_operator_cannot_open_staff_page_of_items_they_did_not_register(
    operator_a: User, submit: Callable[..., Item]
) -> None:
    item = submit()  # sent online, not through this counter
    client = signed_in(operator_a)

    assert client.get(f"/staff/items/{item.public_id}/").status_code == 404
    assert client.get(f"/counter/items/{item.public_id}/").status_code == 404
    assert client.get(f"/counter/items/{item.public_id}/receipt/").status_code == 404
    assert client.get(f"/counter/items/{item.public_id}/receipt/pdf/").status_code == 404


def test_another_office_cannot_open_the_receipt(
    operator_a: User, operator_b: User, office_a: Organization, submit: Callable[..., Item]
) -> None:
    item = submit(channel="counter_office", counter_office=office_a, created_by=operator_a)

    assert signed_in(operator_a).get(f"/counter/items/{item.public_id}/receipt/").status_code == 200
    assert signed_in(operator_b).get(f"/counter/items/{item.public_id}/receipt/").status_code == 404
    assert signed_in(operator_b).get(f"/counter/items/{item.public_id}/").status_code == 404

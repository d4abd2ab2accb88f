"""R15: after an agency forwards an item, it still follows the item, but only the hand-over and the
public steps; what the receiving agency does and notes inside stays with it (staff page and API)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mokatebat.api.models import Scope
from mokatebat.api.workflow import client_create
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import action_record, item_forward, item_refer, item_register
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db

SENDER_NOTE = "یادداشت وزارت برای استانداری"
RECEIVER_INSTRUCTION = "دستور داخلی استانداری برای فرمانداری"
RECEIVER_NOTE = "یادداشت داخلی استانداری: متقاضی سابقه دارد"
RECEIVER_PUBLIC = "کارشناس استانداری از محل بازدید کرد"


@pytest.fixture
def forwarded(submit: Callable[..., Item], clerk: User, other_agency: Organization) -> Item:
    """MoH registers, notes and forwards the item; Hormozgan registers, refers and acts on it."""
    item = item_register(item=submit(), actor=clerk)
    action_record(item=item, actor=clerk, text="یادداشت داخلی وزارت پیش از ارسال", public=False)
    item_forward(item=item, actor=clerk, to_agency=other_agency, note=SENDER_NOTE)
    their_clerk = User.objects.create_user("hormozgan.clerk", password="a-long-test-password")
    Membership.objects.create(user=their_clerk, organization=other_agency, role=Role.SECRETARIAT_CLERK)
    their_unit = Unit.objects.create(organization=other_agency, name="فرمانداری بندرعباس")
    item = item_register(item=Item.objects.get(pk=item.pk), actor=their_clerk)
    item_refer(item=item, actor=their_clerk, unit=their_unit, instruction=RECEIVER_INSTRUCTION)
    action_record(item=item, actor=their_clerk, text=RECEIVER_NOTE, public=False)
    action_record(item=item, actor=their_clerk, text=RECEIVER_PUBLIC, public=True)
    return Item.objects.get(pk=item.pk)


def test_the_sending_agency_sees_the_hand_over_and_public_steps_but_not_the_receivers_notes(
    forwarded: Item, clerk: User
) -> None:
    client = Client()
    login_verified(client, clerk)

    page = client.get(f"/staff/items/{forwarded.public_id}/").content.decode()

    assert "یادداشت داخلی وزارت پیش از ارسال" in page  # its own work stays its own
    assert SENDER_NOTE in page
    assert RECEIVER_PUBLIC in page
    assert RECEIVER_NOTE not in page
    assert RECEIVER_INSTRUCTION not in page
    assert "فرمانداری بندرعباس" not in page


def test_the_receiving_agency_still_sees_its_own_internal_work(forwarded: Item) -> None:
    client = Client()
    login_verified(client, User.objects.get(username="hormozgan.clerk"))

    page = client.get(f"/staff/items/{forwarded.public_id}/").content.decode()

    assert RECEIVER_NOTE in page
    assert RECEIVER_INSTRUCTION in page


def test_the_sending_agencys_api_client_reads_no_internal_step_of_the_receiver(
    forwarded: Item, agency: Organization
) -> None:
    _client, token = client_create(agency=agency, name="اتوماسیون وزارت", scopes=[Scope.ITEMS_READ], rate_limit="600/h")

    response = Client().get(
        f"/api/v1/client/items/{forwarded.public_id}/", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    body = response.json()
    notes = [event["note"] for event in body["events"]]
    assert SENDER_NOTE in notes
    assert RECEIVER_PUBLIC in notes
    assert RECEIVER_NOTE not in notes
    assert RECEIVER_INSTRUCTION not in response.content.decode()

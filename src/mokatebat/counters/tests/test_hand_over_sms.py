"""Handing an answer over at a counter office texts the citizen «پاسخ نامه شما در دفتر … تحویل شد»
through the outbox, as a step on the tracking timeline; handing the same answer over again does not."""

from __future__ import annotations

import pytest

from mokatebat.correspondence.models import EventKind, Item, Response
from mokatebat.correspondence.timeline import public_timeline
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User

from .conftest import signed_in
from .test_lookup import answered, lookup, registered_at_a  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _hand_over(operator: User, item: Item) -> str:
    client = signed_in(operator)
    lookup(client, item.requester.national_id, item.tracking_code)
    return client.post(f"/counter/items/{item.public_id}/hand-over/", follow=True).content.decode()


def test_handing_the_answer_over_texts_the_citizen_and_shows_on_tracking(
    registered_at_a: Item,  # noqa: F811
    answered: Response,  # noqa: F811
    operator_b: User,
    office_b: Organization,
) -> None:
    item = registered_at_a

    _hand_over(operator_b, item)

    sms = OutboxMessage.objects.get(item=item, template="response_handed_over")
    assert f"پاسخ نامه شما در دفتر {office_b.name} تحویل شد" in sms.body
    assert item.tracking_code in sms.body
    assert sms.mobile == item.requester.mobile
    step = item.events.get(kind=EventKind.HANDED_OVER)
    assert step.is_public
    assert step.actor == operator_b
    assert sms.dedup_key.startswith(str(step.public_id)), "queued with its step, through the outbox"
    assert [entry.title for entry in public_timeline(item)][-1] == "پاسخ در دفتر پیشخوان تحویل شد"


def test_handing_the_same_answer_over_again_sends_no_second_sms(
    registered_at_a: Item,  # noqa: F811
    answered: Response,  # noqa: F811
    operator_b: User,
) -> None:
    _hand_over(operator_b, registered_at_a)
    _hand_over(operator_b, registered_at_a)

    assert OutboxMessage.objects.filter(template="response_handed_over").count() == 1
    assert registered_at_a.events.filter(kind=EventKind.HANDED_OVER).count() == 1


def test_an_unanswered_letter_sends_nothing(registered_at_a: Item, operator_b: User) -> None:  # noqa: F811
    _hand_over(operator_b, registered_at_a)

    assert not OutboxMessage.objects.filter(template="response_handed_over").exists()

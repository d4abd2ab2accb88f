"""R24: any counter finds a letter with the applicant's national ID + tracking code, prints and hands over."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, InternalError, transaction

from mokatebat.core.tracking import new_tracking_code
from mokatebat.correspondence.models import Item, Response
from mokatebat.correspondence.workflow import RequesterDetails, item_register, item_submit, response_issue
from mokatebat.counters.models import CounterVisit, VisitAction
from mokatebat.counters.workflow import national_id_digest
from mokatebat.organization.models import Organization, User

from .conftest import PRINTOUT_FEE, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_at_a(office_a: Organization, operator_a: User, agency: Organization, citizen: RequesterDetails) -> Item:
    item, _created = item_submit(
        agency=agency,
        unit=None,
        kind="letter",
        channel="counter_office",
        counter_office=office_a,
        created_by=operator_a,
        subject="درخواست مجوز",
        body="متن نامه",
        requester=citizen,
    )
    return item


@pytest.fixture
def answered(registered_at_a: Item, clerk: User) -> Response:
    item_register(item=registered_at_a, actor=clerk)
    return response_issue(item=registered_at_a, actor=clerk, body="<p>مجوز صادر شد.</p>", signer_title="مدیرکل")


def lookup(client: Any, national_id: str, tracking_code: str) -> Any:
    return client.post("/counter/lookup/", {"national_id": national_id, "tracking_code": tracking_code})


def test_operator_of_another_office_finds_prints_and_hands_over(
    registered_at_a: Item, answered: Response, operator_b: User, office_b: Organization, tariff: None
) -> None:
    client = signed_in(operator_b)
    item = registered_at_a

    found = lookup(client, item.requester.national_id, item.tracking_code)
    assert found.status_code == 302
    page = client.get(found["Location"]).content.decode()
    assert "پاسخ صادر شد" in page
    assert "۱۵۰٬۰۰۰" in page
    printed = client.post(f"/counter/items/{item.public_id}/responses/{answered.public_id}/print/")
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
    handed = client.post(f"/counter/items/{item.public_id}/hand-over/", follow=True)
    assert "تحویل پاسخ به متقاضی در دفتر ثبت شد" in handed.content.decode()

    visits = list(CounterVisit.objects.filter(office=office_b).order_by("pk").values_list("action", "operator", "fee"))
    assert visits == [
        (VisitAction.LOOKED_UP, operator_b.pk, 0),
        (VisitAction.PRINTED_RESPONSE, operator_b.pk, PRINTOUT_FEE),
        (VisitAction.HANDED_OVER, operator_b.pk, 0),
    ]
    looked_up = CounterVisit.objects.get(action=VisitAction.LOOKED_UP)
    assert looked_up.national_id_hash == national_id_digest(item.requester.national_id)


def test_handing_over_an_unanswered_letter_is_refused(registered_at_a: Item, operator_b: User) -> None:
    client = signed_in(operator_b)
    lookup(client, registered_at_a.requester.national_id, registered_at_a.tracking_code)

    page = client.post(f"/counter/items/{registered_at_a.public_id}/hand-over/", follow=True).content.decode()

    assert "هنوز پاسخی صادر نشده" in page
    assert not CounterVisit.objects.filter(action=VisitAction.HANDED_OVER).exists()


def test_a_wrong_pair_gets_the_neutral_answer_and_is_logged_hashed(
    registered_at_a: Item, operator_b: User, office_b: Organization
) -> None:
    client = signed_in(operator_b)
    wrong_id = "0499370899"

    response = lookup(client, wrong_id, registered_at_a.tracking_code)

    assert response.status_code == 404
    assert "نامه‌ای با این کد ملی و کد رهگیری پیدا نشد" in response.content.decode()
    visit = CounterVisit.objects.get()
    assert (visit.action, visit.office, visit.item) == (VisitAction.LOOKUP_FAILED, office_b, None)
    assert visit.national_id_hash == national_id_digest(wrong_id)
    for row in CounterVisit.objects.values():
        assert all(wrong_id not in str(value) for value in row.values())
    # And the page of the item stays closed to office B.
    assert client.get(f"/counter/items/{registered_at_a.public_id}/").status_code == 404


def test_the_looked_up_item_opens_only_in_that_operators_session(registered_at_a: Item, operator_b: User) -> None:
    item = registered_at_a
    lookup(signed_in(operator_b), item.requester.national_id, item.tracking_code)

    assert signed_in(operator_b).get(f"/counter/items/{item.public_id}/").status_code == 404


def test_lookups_are_rate_limited_per_national_id(registered_at_a: Item, operator_b: User) -> None:
    client = signed_in(operator_b)
    national_id = registered_at_a.requester.national_id

    other_code = new_tracking_code()

    statuses = [lookup(client, national_id, other_code).status_code for _ in range(11)]

    assert statuses == [404] * 10 + [429]
    assert CounterVisit.objects.count() == 10  # a refused lookup is not a lookup


def test_lookups_are_rate_limited_per_operator(operator_b: User) -> None:
    client = signed_in(operator_b)

    statuses = [lookup(client, "x", "y").status_code for _ in range(61)]

    assert set(statuses[:60]) == {400}
    assert statuses[60] == 429


def test_counter_visits_cannot_be_changed_or_deleted(registered_at_a: Item, operator_b: User) -> None:
    lookup(signed_in(operator_b), "0499370899", registered_at_a.tracking_code)
    visit = CounterVisit.objects.get()

    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        CounterVisit.objects.filter(pk=visit.pk).update(fee=1)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        CounterVisit.objects.filter(pk=visit.pk).delete()

"""R14, R17: the contact centre registers a caller's letter (channel = phone) and reads out status."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from mokatebat.calls.models import CallLookup
from mokatebat.calls.workflow import national_id_digest
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Channel, EventKind, Item
from mokatebat.correspondence.workflow import RequesterDetails, item_register
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User

from .conftest import call_form, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller_id() -> str:
    return generate_national_id(random.Random(2024))


def lookup(client: Client, national_id: str, tracking_code: str) -> object:
    return client.post("/staff/calls/lookup/", {"national_id": national_id, "tracking_code": tracking_code})


def test_operator_registers_a_callers_letter_with_channel_phone_and_the_caller_gets_the_code_by_sms(
    operator: User, agency: Organization, caller_id: str
) -> None:
    client = signed_in(operator)
    assert client.get("/staff/calls/letters/new/").status_code == 200
    response = client.post("/staff/calls/letters/new/", call_form(agency, caller_id))
    assert response.status_code == 302
    item = Item.objects.get()
    assert response["Location"] == f"/staff/calls/items/{item.public_id}/"
    assert (item.channel, item.created_by, item.agency) == (Channel.PHONE, operator, agency)
    assert item.requester.mobile == "09171112233"
    submitted = item.events.get(kind=EventKind.SUBMITTED)
    assert submitted.actor == operator
    assert submitted.data["channel"] == Channel.PHONE
    sms = OutboxMessage.objects.get(item=item)
    assert sms.mobile == "09171112233"
    assert item.tracking_code in sms.body
    page = client.get(response["Location"]).content.decode()
    assert "کد رهگیری را برای تماس‌گیرنده بخوانید" in page


def test_a_double_submitted_call_form_makes_one_item(operator: User, agency: Organization, caller_id: str) -> None:
    client = signed_in(operator)
    form = call_form(agency, caller_id)
    first = client.post("/staff/calls/letters/new/", form)
    second = client.post("/staff/calls/letters/new/", form)
    assert first["Location"] == second["Location"]
    assert Item.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_the_operator_can_register_only_to_their_own_agency(
    operator: User, other_agency: Organization, caller_id: str
) -> None:
    client = signed_in(operator)
    response = client.post("/staff/calls/letters/new/", call_form(other_agency, caller_id))
    assert response.status_code == 400
    assert not Item.objects.exists()
    assert "زهرا موسوی" in response.content.decode()  # nothing typed is lost


def test_bad_caller_details_get_persian_messages(operator: User, agency: Organization) -> None:
    response = signed_in(operator).post("/staff/calls/letters/new/", call_form(agency, "123", mobile="0912"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "کد ملی باید ۱۰ رقم و معتبر باشد" in body
    assert "شماره تلفن همراه معتبر نیست" in body


def test_lookup_reads_out_the_public_timeline_and_is_logged(
    operator: User, submit: Callable[..., Item], clerk: User, citizen: RequesterDetails
) -> None:
    item = submit()
    item_register(item=item, actor=clerk)
    response = lookup(signed_in(operator), citizen.national_id, item.tracking_code)
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "در دبیرخانه ثبت شد" in page
    assert item.subject in page
    log = CallLookup.objects.get()
    assert (log.operator, log.item, log.found, log.agency) == (operator, item, True, item.agency)
    assert log.national_id_hash == national_id_digest(citizen.national_id)
    assert citizen.national_id not in log.national_id_hash


def test_a_failed_lookup_is_logged_with_a_neutral_answer(
    operator: User, submit: Callable[..., Item], citizen: RequesterDetails, caller_id: str
) -> None:
    item = submit()
    response = lookup(signed_in(operator), caller_id, item.tracking_code)  # right code, wrong ID
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert "پیدا نشد" in response.content.decode()  # type: ignore[attr-defined]
    assert item.subject not in response.content.decode()  # type: ignore[attr-defined]
    log = CallLookup.objects.get()
    assert (log.found, log.item) == (False, None)


def test_an_operator_cannot_read_out_another_agencys_item(
    other_operator: User, submit: Callable[..., Item], citizen: RequesterDetails
) -> None:
    item = submit()  # to the first agency
    response = lookup(signed_in(other_operator), citizen.national_id, item.tracking_code)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert item.subject not in response.content.decode()  # type: ignore[attr-defined]
    assert CallLookup.objects.get().found is False


def test_an_operator_cannot_open_another_operators_registration(
    operator: User, agency: Organization, caller_id: str, other_operator: User
) -> None:
    signed_in(operator).post("/staff/calls/letters/new/", call_form(agency, caller_id))
    item = Item.objects.get()
    assert signed_in(other_operator).get(f"/staff/calls/items/{item.public_id}/").status_code in (403, 404)


def test_lookups_are_rate_limited_per_operator(
    operator: User, submit: Callable[..., Item], citizen: RequesterDetails
) -> None:
    item = submit()
    client = signed_in(operator)
    # Still inside one fixed rate-limit window for the whole count.
    with time_machine.travel(datetime.datetime(2026, 1, 10, 8, 0, tzinfo=datetime.UTC), tick=False):
        counted = [lookup(client, citizen.national_id, item.tracking_code).status_code for _attempt in range(61)]  # type: ignore[attr-defined]
    assert counted == [200] * 60 + [429]
    assert CallLookup.objects.count() == 60


def test_staff_without_the_phone_operator_role_are_refused(clerk: User) -> None:
    client = signed_in(clerk)
    assert client.get("/staff/calls/").status_code == 403
    assert client.get("/staff/calls/letters/new/").status_code == 403
    assert client.post("/staff/calls/lookup/", {}).status_code == 403


def test_the_lookup_log_cannot_be_changed_or_deleted(
    operator: User, submit: Callable[..., Item], citizen: RequesterDetails
) -> None:
    item = submit()
    lookup(signed_in(operator), citizen.national_id, item.tracking_code)
    log = CallLookup.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallLookup.objects.filter(pk=log.pk).update(found=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallLookup.objects.filter(pk=log.pk).delete()


def test_home_lists_todays_phone_registrations(operator: User, agency: Organization, caller_id: str) -> None:
    client = signed_in(operator)
    client.post("/staff/calls/letters/new/", call_form(agency, caller_id))
    item = Item.objects.get()
    page = client.get("/staff/calls/").content.decode()
    assert f"/staff/calls/items/{item.public_id}/" in page

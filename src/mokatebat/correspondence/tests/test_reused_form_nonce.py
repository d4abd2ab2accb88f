"""Issue 18, point 1: a form nonce replayed with another person's details never shows the first
letter's receipt; the second letter is not silently dropped either."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, Role, Unit
from mokatebat.services import workflow as sw
from mokatebat.services.tests.conftest import CARD, member

from .test_submit_letter import letter_data

pytestmark = pytest.mark.django_db


def test_a_replayed_nonce_with_other_details_shows_no_receipt_and_offers_a_fresh_form(
    client: Client, agency: Organization
) -> None:
    first = client.post("/letters/new/", letter_data(agency))
    assert first.status_code == 302
    stranger = Client()
    replay = stranger.post(
        "/letters/new/", letter_data(agency, full_name="حسن احمدی", national_id="0010350829", mobile="09351112233")
    )

    assert replay.status_code == 409
    page = replay.content.decode()
    item = Item.objects.get()  # the first letter only; the second was not stored under the first's code
    assert item.tracking_code not in page
    assert "پیش‌تر برای نامه دیگری" in page
    assert "حسن احمدی" in page  # what the person wrote is kept
    new_nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert new_nonce is not None
    assert new_nonce.group(1) != letter_data(agency)["nonce"]
    # Sending the kept form again makes the second letter, with its own receipt.
    again = stranger.post(
        "/letters/new/",
        letter_data(
            agency, nonce=new_nonce.group(1), full_name="حسن احمدی", national_id="0010350829", mobile="09351112233"
        ),
    )
    assert again.status_code == 302
    assert Item.objects.count() == 2


def test_a_double_submit_of_the_same_letter_still_shows_its_one_receipt(client: Client, agency: Organization) -> None:
    first = client.post("/letters/new/", letter_data(agency))
    again = client.post("/letters/new/", letter_data(agency))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Item.objects.count() == 1


def test_a_replayed_e_service_nonce_with_other_details_shows_no_receipt(
    client: Client, agency: Organization, unit: Unit
) -> None:
    owner = member("owner", agency, Role.SERVICE_OWNER)
    card = {**CARD, "title": "رسیدگی به شکایت از بیمارستان", "category": "شکایات", "responsible_unit": unit}
    service = sw.service_create(agency=agency, code="hospital-complaint", card=card, actor=owner)
    sw.form_field_save(service=service, spec={"type": "text", "label": "نام بیمارستان", "required": True})
    sw.form_publish(service=service, actor=owner)
    data = {
        "nonce": "service-nonce-" + "c" * 20,
        "requester_kind": "natural",
        "full_name": "مریم رضایی",
        "national_id": "0499370899",
        "mobile": "09121234567",
        "f1": "بیمارستان امام",
    }
    path = f"/services/{agency.code}/{service.code}/request/"
    assert client.post(path, data).status_code == 302
    replay = Client().post(path, {**data, "f1": "بیمارستان دیگر", "mobile": "09351112233"})
    assert replay.status_code == 409
    assert Item.objects.get().tracking_code not in replay.content.decode()
    assert "پیش‌تر برای نامه دیگری" in replay.content.decode()

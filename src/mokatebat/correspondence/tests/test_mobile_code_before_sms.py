"""Issue 18, "abuse of the public forms": an agency may require a one-time code to the mobile before a
web letter is stored and its tracking code texted; the form keeps the letter (and its files) while it
asks, and a change of that setting is recorded with who made it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mokatebat.api.tests.conftest import letter
from mokatebat.correspondence.models import Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, SettingChange, User
from mokatebat.organization.workflow import agency_mobile_code_set

from .test_submit_letter import letter_data, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(agency: Organization, clerk: User) -> Organization:
    return agency_mobile_code_set(agency=agency, actor=clerk, required=True)


def sent_code() -> str:
    message = OutboxMessage.objects.filter(template="submit_mobile_code").latest("id")
    match = re.search(r"\d{6}", message.body)
    assert match is not None
    return match.group()


def test_the_letter_waits_for_the_code_and_is_stored_with_its_files_once_it_is_typed(
    client: Client, strict: Organization
) -> None:
    scan = SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
    asked = client.post("/letters/new/", {**letter_data(strict), "attachments": scan})
    assert asked.status_code == 302
    assert asked["Location"] == "/letters/confirm-mobile/"
    assert Item.objects.count() == 0
    assert list(OutboxMessage.objects.values_list("template", flat=True)) == ["submit_mobile_code"]
    page = client.get("/letters/confirm-mobile/").content.decode()
    assert "۰۹۱۲***۴۵۶۷" in page or "0912***4567" in page

    wrong = client.post("/letters/confirm-mobile/", {"code": f"{(int(sent_code()) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 400
    assert Item.objects.count() == 0

    done = client.post("/letters/confirm-mobile/", {"code": sent_code()})
    item = Item.objects.get()
    assert done["Location"] == f"/letters/receipt/{item.public_id}/"
    assert item.attachments.count() == 1
    assert OutboxMessage.objects.filter(item=item).count() == 1  # the tracking code, texted only now


def test_a_proven_mobile_is_not_asked_again_in_the_same_browser(client: Client, strict: Organization) -> None:
    client.post("/letters/new/", letter_data(strict))
    client.post("/letters/confirm-mobile/", {"code": sent_code()})
    second = client.post("/letters/new/", letter_data(strict, nonce="another-nonce-" + "b" * 20, subject="دوم"))
    assert second["Location"].startswith("/letters/receipt/")
    assert Item.objects.count() == 2


def test_agencies_without_the_setting_store_at_once(client: Client, agency: Organization) -> None:
    assert client.post("/letters/new/", letter_data(agency))["Location"].startswith("/letters/receipt/")


def test_the_api_stores_the_letter_but_texts_no_unproven_mobile(strict: Organization, live_server: Any) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        answer = http.post("/api/v1/items/", json=letter(strict, "0499370899"))
    assert answer.status_code == 201
    assert "tracking_code" in answer.json()
    assert OutboxMessage.objects.count() == 0


def test_a_change_of_the_setting_is_recorded_with_its_actor(agency: Organization, clerk: User) -> None:
    agency_mobile_code_set(agency=agency, actor=clerk, required=True)
    agency_mobile_code_set(agency=agency, actor=clerk, required=True)  # no change, no record
    agency_mobile_code_set(agency=agency, actor=None, required=False)
    changes = list(SettingChange.objects.order_by("id").values_list("actor__username", "before", "after"))
    assert changes == [("clerk", "False", "True"), (None, "True", "False")]
    agency.refresh_from_db()
    assert agency.submit_mobile_code_required is False

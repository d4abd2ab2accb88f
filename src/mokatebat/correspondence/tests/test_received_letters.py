"""R4, R14: a letter handed in at the secretariat or received by post is registered at once, and the
applicant gets one SMS with the registration number, date and tracking code."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.persian import to_ascii_digits
from mokatebat.correspondence.models import Channel, Item, Status
from mokatebat.correspondence.tests.test_submit_letter import letter_data, png_bytes
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(clerk: User) -> Client:
    client = Client()
    login_verified(client, clerk)
    return client


def test_a_letter_handed_in_gets_its_number_at_once_and_exactly_one_sms(
    clerk_client: Client, agency: Organization
) -> None:
    answer = clerk_client.post("/staff/received/new/", {**letter_data(agency), "channel": Channel.IN_PERSON})

    item = Item.objects.get()
    assert answer.status_code == 302
    assert item.status == Status.REGISTERED
    assert item.registration_number
    assert item.channel == Channel.IN_PERSON
    messages = list(OutboxMessage.objects.filter(item=item))
    assert len(messages) == 1, [m.body for m in messages]
    sms = messages[0].body
    assert item.registration_number in sms
    assert item.tracking_code in sms
    assert to_ascii_digits(format_jalali_date(item.registered_at)) in sms
    # The citizen's timeline still shows both steps: received, then registered.
    assert list(item.events.filter(is_public=True).values_list("kind", flat=True)) == ["submitted", "registered"]


def test_a_postal_letter_keeps_its_received_date_and_envelope_scan(clerk_client: Client, agency: Organization) -> None:
    received = timezone.localdate() - datetime.timedelta(days=3)
    scan = SimpleUploadedFile("envelope.png", png_bytes(), content_type="image/png")
    data = {
        **letter_data(agency),
        "channel": Channel.POST,
        "received_on": format_jalali_date(received),
        "attachments": [scan],
    }

    clerk_client.post("/staff/received/new/", data)

    item = Item.objects.get()
    assert item.channel == Channel.POST
    assert timezone.localtime(item.submitted_at).date() == received
    assert item.attachments.count() == 1
    receipt = clerk_client.get(f"/staff/items/{item.public_id}/receipt/")
    assert receipt.status_code == 200
    assert item.tracking_code in to_ascii_digits(receipt.content.decode())


def test_bad_input_on_the_received_letter_form_saves_nothing(clerk_client: Client, agency: Organization) -> None:
    answer = clerk_client.post(
        "/staff/received/new/", {**letter_data(agency, national_id="1111111111"), "channel": Channel.POST}
    )

    assert answer.status_code == 400
    assert not Item.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert "تأخیر در صدور مجوز" in answer.content.decode()

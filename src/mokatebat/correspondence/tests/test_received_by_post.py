"""R4, R14: the secretariat registers a letter that came by post, with its received date and envelope scan."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.models import Channel, EventKind, Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def postal_letter(agency: Organization, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nonce": f"post-{random.random()}",
        "channel": Channel.POST,
        "received_on": "",
        "agency": agency.code,
        "unit": "",
        "kind": "letter",
        "subject": "درخواست بازنشستگی",
        "body": "نامه دست‌نویس رسیده با پست سفارشی.",
        "requester_kind": "natural",
        "full_name": "غلامرضا بندری",
        "national_id": generate_national_id(random.Random(77)),
        "mobile": "09177776655",
    }
    data.update(overrides)
    return data


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_a_postal_letter_keeps_its_received_date_and_envelope_scan(clerk: User, agency: Organization) -> None:
    received = timezone.localdate() - datetime.timedelta(days=3)
    form = postal_letter(
        agency,
        received_on=to_persian_digits(format_jalali_date(received)),
        envelope_scan=SimpleUploadedFile("envelope.pdf", PDF, content_type="application/pdf"),
        attachments=[SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
    )
    page = signed_in(clerk).get("/staff/received/new/").content.decode()
    assert 'name="envelope_scan"' in page
    assert 'value="post"' in page
    response = signed_in(clerk).post("/staff/received/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get()
    assert item.channel == Channel.POST
    assert timezone.localtime(item.submitted_at).date() == received
    assert item.is_registered
    names = sorted(item.attachments.values_list("original_name", flat=True))
    assert names == ["letter.pdf", "پاکت-envelope.pdf"]
    assert item.events.get(kind=EventKind.SUBMITTED).data["channel"] == Channel.POST
    assert OutboxMessage.objects.filter(item=item, template="item_registered").exists()


def test_an_envelope_scan_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(
    clerk: User, agency: Organization
) -> None:
    fake = SimpleUploadedFile("envelope.pdf", b"<svg onload=alert(1)>", content_type="application/pdf")
    response = signed_in(clerk).post("/staff/received/new/", postal_letter(agency, envelope_scan=fake))
    assert response.status_code == 400
    assert "با پسوند آن مطابقت ندارد" in response.content.decode()
    assert "غلامرضا بندری" in response.content.decode()
    assert not Item.objects.exists()


def test_a_received_date_in_the_future_is_refused_with_a_message_and_nothing_is_saved(
    clerk: User, agency: Organization
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    form = postal_letter(agency, received_on=to_persian_digits(format_jalali_date(tomorrow)))
    response = signed_in(clerk).post("/staff/received/new/", form)
    assert response.status_code == 400
    assert "تاریخ دریافت نمی‌تواند بعد از امروز باشد" in response.content.decode()
    assert not Item.objects.exists()


def test_today_as_received_date_is_accepted(clerk: User, agency: Organization) -> None:
    form = postal_letter(agency, received_on=format_jalali_date(timezone.localdate()))
    assert signed_in(clerk).post("/staff/received/new/", form).status_code == 302
    assert Item.objects.get().is_registered

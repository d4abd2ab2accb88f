"""R17: in-person visits and phone calls are either registered as items (tracking code by SMS) or
kept as guidance records that the report counts."""

from __future__ import annotations

import random

from django.test import Client
from django.urls import reverse

from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Channel, Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import GuidanceRecord

from .conftest import signed_in


def test_visit_with_verbal_guidance_is_counted_not_registered(pr_expert: User) -> None:
    client = signed_in(pr_expert)
    data = {
        "step": "guidance",
        "nonce": "visit-1",
        "topic": "مدارک لازم برای پرونده بازنشستگی",
        "category": "procedure",
        "duration_minutes": "۱۲",  # Persian digits are fine
        "requester_name": "",
        "requester_mobile": "",
    }
    assert client.post(reverse("pr-visit-new"), data).status_code == 302
    assert client.post(reverse("pr-visit-new"), data).status_code == 302  # a double submit is one record
    record = GuidanceRecord.objects.get()
    assert record.channel == GuidanceRecord.Channel.IN_PERSON
    assert record.duration_minutes == 12
    assert not Item.objects.exists()
    report = client.get(reverse("pr-report")).content.decode()
    assert "مدارک لازم برای پرونده بازنشستگی" in report
    assert "روال اداری" in report


def test_phone_call_transferred_to_a_unit_needs_the_unit(phone_operator: User, unit: Unit) -> None:
    client = signed_in(phone_operator)
    data = {
        "step": "guidance",
        "nonce": "call-1",
        "topic": "پیگیری نوبت جراحی",
        "category": "follow_up",
        "duration_minutes": "3",
        "outcome": "transferred",
        "transferred_to": "",
        "requester_mobile": "۰۹۱۲ ۱۱۱ ۲۲۳۳",
    }
    refused = client.post(reverse("pr-call-new"), data)
    assert refused.status_code == 400
    assert "پیگیری نوبت جراحی" in refused.content.decode()  # nothing typed is lost
    data["transferred_to"] = str(unit.public_id)
    assert client.post(reverse("pr-call-new"), data).status_code == 302
    record = GuidanceRecord.objects.get()
    assert record.transferred_to == unit
    assert record.requester_mobile == "09121112233"
    assert record.channel == GuidanceRecord.Channel.PHONE


def test_phone_call_registered_as_an_item_sends_the_tracking_code(phone_operator: User) -> None:
    client = signed_in(phone_operator)
    data = {
        "step": "register",
        "nonce": "call-item-1",
        "kind": "complaint",
        "subject": "شکایت از تأخیر در پاسخ",
        "body": "سه هفته است پاسخی نگرفته‌ام.",
        "requester_kind": "natural",
        "full_name": "حسن كاظمي",
        "national_id": generate_national_id(random.Random(5)),
        "mobile": "+98 912 555 6677",
    }
    assert client.post(reverse("pr-call-new"), data).status_code == 302
    item = Item.objects.get()
    assert item.channel == Channel.PHONE
    assert item.created_by == phone_operator
    assert item.requester.full_name == "حسن کاظمی"
    sms = OutboxMessage.objects.get(item=item, template="item_submitted")
    assert item.tracking_code in sms.body
    assert sms.mobile == "09125556677"


def test_visit_registered_by_pr_opens_its_pr_page(pr_expert: User) -> None:
    client = signed_in(pr_expert)
    data = {
        "step": "register",
        "nonce": "visit-item-1",
        "kind": "meeting_request",
        "subject": "درخواست ملاقات با رئیس درباره زمین",
        "body": "درباره واگذاری زمین",
        "requester_kind": "natural",
        "full_name": "زهرا کیانی",
        "national_id": generate_national_id(random.Random(6)),
        "mobile": "09123334455",
    }
    response = client.post(reverse("pr-visit-new"), data)
    item = Item.objects.get()
    assert response["Location"] == reverse("pr-item", args=[item.public_id])
    assert item.channel == Channel.IN_PERSON
    assert item.meeting.state == "requested"


def test_unit_staff_cannot_record_intake(unit_clerk: User) -> None:
    assert signed_in(unit_clerk).get(reverse("pr-visit-new")).status_code == 403
    assert signed_in(unit_clerk).get(reverse("pr-report")).status_code == 403


def test_online_complaint_says_about_which_unit(client: Client, agency: Organization, unit: Unit) -> None:
    data = {
        "nonce": "online-1",
        "agency": agency.code,
        "unit": "",
        "kind": "complaint",
        "about_unit": str(unit.public_id),
        "about_text": "",
        "subject": "شکایت از نوبت‌دهی",
        "body": "نوبت من بدون اطلاع لغو شد.",
        "requester_kind": "natural",
        "full_name": "سارا ملکی",
        "national_id": generate_national_id(random.Random(9)),
        "mobile": "09127778899",
    }
    assert client.post(reverse("letter-new"), data).status_code == 302
    item = Item.objects.get()
    assert item.pr_case.about_unit == unit
    assert item.channel == Channel.ONLINE


def test_online_meeting_request_reaches_the_head_office(client: Client, agency: Organization, head: User) -> None:
    data = {
        "nonce": "online-2",
        "agency": agency.code,
        "unit": "",
        "kind": "meeting_request",
        "about_text": "",
        "subject": "درخواست ملاقات با رئیس",
        "body": "درباره طرح پیشنهادی روستا",
        "requester_kind": "natural",
        "full_name": "رضا پاکزاد",
        "national_id": generate_national_id(random.Random(10)),
        "mobile": "09127778800",
    }
    assert client.post(reverse("letter-new"), data).status_code == 302
    page = signed_in(head).get(reverse("pr-meetings")).content.decode()
    assert "درخواست ملاقات با رئیس" in page

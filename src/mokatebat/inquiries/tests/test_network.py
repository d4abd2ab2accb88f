"""Adapter 1, another agency on the network: agency A asks on its item, agency B answers in its
«استعلام دریافتی» inbox, the answer lands on A's timeline. B sees the question and the shared
fields only, never A's item."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from mokatebat.correspondence.models import EventKind, Item
from mokatebat.correspondence.timeline import public_timeline
from mokatebat.inquiries.models import Adapter, Inquiry, InquiryState, InquiryType
from mokatebat.inquiries.workflow import ask_declared, inquiry_ask
from mokatebat.organization.models import User

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def ask(user: User, item: Item, inquiry_type: InquiryType, question: str = "آیا پرونده‌ای در استانداری دارد؟") -> Any:
    return signed_in(user).post(
        reverse("inquiry-ask", args=[item.public_id]),
        {"inquiry_type": str(inquiry_type.public_id), "question": question},
    )


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(output, format="PNG")
    return output.getvalue()


def test_agency_a_asks_agency_b_answers_and_a_sees_the_answer_on_its_item(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    response = ask(clerk, item, network_type)
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(item=item)
    assert inquiry.state == InquiryState.SENT
    assert inquiry.request_payload == {"full_name": "مریم رضایی", "national_id": item.requester.national_id}

    b = signed_in(clerk_b)
    inbox = b.get(reverse("inquiry-received"))
    assert network_type.name in inbox.content.decode()
    detail = b.get(reverse("inquiry-received-detail", args=[inquiry.public_id]))
    page = detail.content.decode()
    assert "آیا پرونده‌ای در استانداری دارد؟" in page
    assert "مریم رضایی" in page
    # Only what the type shares: not the letter, its mobile or its tracking code.
    assert item.body not in page
    assert item.subject not in page
    assert item.tracking_code not in page
    assert "09121234567" not in page

    answered = b.post(
        reverse("inquiry-received-detail", args=[inquiry.public_id]),
        {
            "text": "پرونده‌ای به نام متقاضی در استانداری ثبت نشده است.",
            "attachment": SimpleUploadedFile("گواهی.png", png_bytes()),
        },
    )
    assert answered.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert inquiry.answered_by == clerk_b
    assert inquiry.answer_attachment is not None

    kinds = list(item.events.values_list("kind", "is_public"))
    assert (EventKind.INQUIRY_ASKED, False) in kinds
    assert (EventKind.INQUIRY_ANSWERED, False) in kinds
    assert (EventKind.INQUIRY_DONE, True) in kinds

    a_page = signed_in(clerk).get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "پرونده‌ای به نام متقاضی در استانداری ثبت نشده است." in a_page
    download = signed_in(clerk).get(
        reverse("staff-attachment", args=[item.public_id, inquiry.answer_attachment.public_id])
    )
    assert download.status_code == 200


def test_the_citizen_sees_only_that_the_inquiry_was_done(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    signed_in(clerk_b).post(reverse("inquiry-received-detail", args=[inquiry.public_id]), {"text": "سابقه ندارد."})
    entries = public_timeline(item)
    assert [e.title for e in entries][-1] == "استعلام انجام شد"
    assert all("سابقه ندارد" not in e.title + e.detail for e in entries)


def test_a_type_hidden_from_citizens_adds_no_public_step(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    network_type.show_to_citizen = False
    network_type.save()
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    signed_in(clerk_b).post(reverse("inquiry-received-detail", args=[inquiry.public_id]), {"text": "سابقه ندارد."})
    assert not item.events.filter(is_public=True, kind=EventKind.INQUIRY_DONE).exists()


def test_agency_b_cannot_open_agency_a_item_page(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    assert signed_in(clerk_b).get(reverse("staff-item", args=[item.public_id])).status_code == 404


def test_an_agency_the_inquiry_was_not_sent_to_gets_404(
    item: Item, clerk: User, clerk_c: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    c = signed_in(clerk_c)
    assert c.get(reverse("inquiry-received-detail", args=[inquiry.public_id])).status_code == 404
    assert c.post(reverse("inquiry-received-detail", args=[inquiry.public_id]), {"text": "x"}).status_code == 404
    assert network_type.name not in c.get(reverse("inquiry-received")).content.decode()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.SENT


def test_the_asking_agency_cannot_answer_its_own_inquiry(item: Item, clerk: User, network_type: InquiryType) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    response = signed_in(clerk).post(reverse("inquiry-received-detail", args=[inquiry.public_id]), {"text": "x"})
    assert response.status_code == 404


def test_a_second_answer_is_refused_and_the_first_kept(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    b = signed_in(clerk_b)
    url = reverse("inquiry-received-detail", args=[inquiry.public_id])
    b.post(url, {"text": "پاسخ نخست"})
    second = b.post(url, {"text": "پاسخ دوم"}, follow=True)
    assert "پیش‌تر پاسخ داده شده" in second.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.answer_text == "پاسخ نخست"
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1


def test_an_empty_answer_comes_back_with_a_persian_message_and_nothing_recorded(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    url = reverse("inquiry-received-detail", args=[inquiry.public_id])
    bad_file = SimpleUploadedFile("script.svg", b"<svg onload=alert(1)>")
    response = signed_in(clerk_b).post(url, {"text": "", "attachment": bad_file})
    assert response.status_code == 400
    page = response.content.decode()
    assert "لازم است." in page  # Django's or DRF's Persian wording, whichever catalogue wins
    assert "پذیرفته نیست" in page
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.SENT


def test_a_cancelled_network_inquiry_cannot_be_answered(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    ask(clerk, item, network_type)
    inquiry = Inquiry.objects.get(item=item)
    signed_in(clerk).post(reverse("inquiry-cancel", args=[item.public_id, inquiry.public_id]))
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CANCELLED
    signed_in(clerk_b).post(reverse("inquiry-received-detail", args=[inquiry.public_id]), {"text": "دیر رسید"})
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CANCELLED
    assert inquiry.answer_text == ""


def test_an_inquiry_cannot_be_deleted_even_by_sql(item: Item, clerk: User, network_type: InquiryType) -> None:
    inquiry = inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.filter(pk=inquiry.pk).delete()
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_a_service_declared_inquiry_is_asked_by_the_system_and_unavailable_ones_are_skipped(
    item: Item, clerk: User, network_type: InquiryType, settings: Any
) -> None:
    settings.INQUIRY_REGISTRY_URL = ""
    unconnected = InquiryType.objects.create(
        agency=item.agency, name="استعلام هویت از ثبت احوال", adapter=Adapter.HTTP_REGISTRY
    )
    [asked] = ask_declared(item=item, inquiry_types=[network_type, unconnected])
    assert asked.inquiry_type == network_type
    assert asked.asked_by is None
    page = signed_in(clerk).get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "خودکار، هنگام ثبت درخواست" in page


def test_the_ask_form_says_what_each_type_sends(item: Item, clerk: User, network_type: InquiryType) -> None:
    page = signed_in(clerk).get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "<dd>نام و نام خانوادگی متقاضی، کد ملی متقاضی</dd>" in page

"""R6 + submission: the citizen fills a service's form; the request becomes an item with a tracking
code and SMS, is routed to the service's unit, and keeps the form version it was filled with."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mokatebat.correspondence.models import Item, PendingUpload, Referral, Status
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service, ServiceRequest

from .conftest import CARD, a_legal_id, answers, build_service, pdf_file, png_file

pytestmark = pytest.mark.django_db


def url(service: Service) -> str:
    return reverse("service-request", args=[service.agency.code, service.code])


def post(client: Client, service: Service, data: dict[str, Any]) -> Any:
    """Send the form; one sent back with errors is shown after its redirect (Post/Redirect/Get)."""
    response = client.post(url(service), data)
    if response.status_code == 302 and "?retry=" in response["Location"]:
        return client.get(response["Location"])
    return response


def test_the_form_shows_every_field_of_the_published_version(service: Service) -> None:
    page = Client().get(url(service))

    assert page.status_code == 200
    text = page.content.decode()
    for label in ("نام مطب", "شرح فعالیت", "مساحت مطب", "تاریخ دانش‌آموختگی", "نوع مطب", "رشته تخصصی", "کد پستی مطب"):
        assert label in text
    assert 'data-show-when="f5" data-show-value="تخصصی"' in text
    assert 'accept=".pdf,.png"' in text


def test_a_complete_request_becomes_an_item_with_its_answers_routed_to_the_unit(
    service: Service, doctor_id: str, applicant_id: str
) -> None:
    client = Client()
    page = post(client, service, answers(doctor_id, applicant_id, f8=a_legal_id(), f9="٠٩١٧١٢٣٤٥٦٧"))

    assert page.status_code == 302
    item = Item.objects.get()
    request = ServiceRequest.objects.get(item=item)
    assert page["Location"] == reverse("service-receipt", args=[item.public_id])
    assert item.kind == "request"
    assert item.agency == service.agency
    assert request.card_version == service.published_version
    assert request.form_version == service.form_version
    saved = request.answers
    assert saved["f1"] == "مطب دکتر رضایی"  # Arabic ي/ك normalised
    assert saved["f3"] == "85"
    assert saved["f4"] == "2019-09-22"  # 1398/06/31
    assert saved["f7"] == doctor_id
    assert saved["f9"] == "09171234567"
    assert saved["f10"] == "1939547911"
    assert "f6" not in saved  # hidden by its condition
    attachment = item.attachments.get()
    assert saved["f11"] == {"name": "parvaneh.pdf", "attachment": str(attachment.public_id)}
    assert item.requester.mobile == "09121234567"
    # Routed: registered and referred to the service's responsible unit, the citizen told by one SMS.
    assert item.status == Status.REFERRED
    assert item.registration_number
    referral = Referral.objects.get(item=item)
    assert referral.unit == service.published_version.responsible_unit
    sms = OutboxMessage.objects.get(item=item)
    assert sms.template == "service_request_registered"
    assert item.tracking_code in sms.body
    assert item.registration_number in sms.body


def test_the_receipt_shows_the_tracking_code_to_the_same_browser_only(
    service: Service, doctor_id: str, applicant_id: str
) -> None:
    client = Client()
    receipt = client.get(post(client, service, answers(doctor_id, applicant_id))["Location"])
    item = Item.objects.get()

    assert receipt.status_code == 200
    assert "صدور مجوز تأسیس مطب" in receipt.content.decode()
    assert f'data-tracking-code="{item.tracking_code}"' in receipt.content.decode()
    assert Client().get(reverse("service-receipt", args=[item.public_id])).status_code == 404


def test_without_a_responsible_unit_the_request_waits_in_the_secretariat(
    agency: Organization, owner: User, doctor_id: str, applicant_id: str
) -> None:
    service = build_service(agency, owner, None, code="no-unit")
    post(Client(), service, answers(doctor_id, applicant_id))

    item = Item.objects.get()
    assert item.status == Status.SUBMITTED
    assert not item.referrals.exists()
    assert OutboxMessage.objects.get(item=item).template == "service_request_submitted"


def test_a_double_submit_makes_one_item(service: Service, doctor_id: str, applicant_id: str) -> None:
    data = answers(doctor_id, applicant_id, nonce="same-nonce")
    client = Client()
    first = post(client, service, data)
    second = post(client, service, {**data, "f11": pdf_file()})

    assert first["Location"] == second["Location"]
    assert Item.objects.count() == 1
    assert ServiceRequest.objects.count() == 1


def test_a_shown_conditional_field_is_required(service: Service, doctor_id: str, applicant_id: str) -> None:
    page = post(Client(), service, answers(doctor_id, applicant_id, f5="تخصصی"))

    assert page.status_code == 400
    assert page.context["form"].errors["f6"] == ["«رشته تخصصی» را وارد کنید."]
    assert not Item.objects.exists()


def test_a_shown_conditional_field_is_kept(service: Service, doctor_id: str, applicant_id: str) -> None:
    post(Client(), service, answers(doctor_id, applicant_id, f5="تخصصی", f6="قلب و عروق"))

    assert ServiceRequest.objects.get().answers["f6"] == "قلب و عروق"


def test_a_hidden_field_sent_anyway_is_dropped(service: Service, doctor_id: str, applicant_id: str) -> None:
    post(Client(), service, answers(doctor_id, applicant_id, f5="عمومی", f6="جراحی"))

    assert "f6" not in ServiceRequest.objects.get().answers


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("f1", "", "«نام مطب» را وارد کنید."),
        ("f3", "هشتاد", "در «مساحت مطب (متر مربع)» فقط عدد وارد کنید."),
        ("f4", "۱۴۰۳/۱۲/۳۱", "تاریخ را به شکل سال/ماه/روز وارد کنید"),  # 1403 is not a leap year
        ("f5", "دندانپزشکی", "یکی از گزینه‌های «نوع مطب» را انتخاب کنید."),
        ("f7", "1234567890", "کد ملی باید ۱۰ رقم و معتبر باشد؛ لطفاً دوباره بررسی کنید."),
        ("f8", "12345678901", "شناسه ملی شخص حقوقی باید ۱۱ رقم و معتبر باشد."),
        ("f9", "0212345678", "شماره تلفن همراه معتبر نیست؛ مانند ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید."),
        ("f10", "۱۲۳۴۵", "کد پستی باید ۱۰ رقم باشد، بدون خط تیره."),
    ],
)
def test_each_wrong_field_gets_its_own_persian_message_and_nothing_typed_is_lost(
    service: Service, doctor_id: str, applicant_id: str, field: str, value: str, message: str
) -> None:
    page = post(Client(), service, answers(doctor_id, applicant_id, **{field: value}))

    assert page.status_code == 400
    form = page.context["form"]
    assert len(form.errors[field]) == 1
    assert form.errors[field][0].startswith(message)
    assert list(form.errors) == [field]
    html = page.content.decode()
    assert 'value="مطب دکتر رضایی"' in html or field == "f1"
    assert "ویزیت عمومی و مشاوره" in html
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: pdf_file(size=1024 * 1024 + 1), "این پرونده بزرگ‌تر از ۱ مگابایت است."),
        (lambda: pdf_file("scan.jpg"), "برای این مدرک فقط این نوع پرونده پذیرفته است: PDF، PNG."),
        (lambda: png_file("scan.pdf"), "محتوای پرونده «scan.pdf» با پسوند آن مطابقت ندارد."),
    ],
)
def test_a_document_is_checked_against_its_own_limits(
    service: Service, doctor_id: str, applicant_id: str, upload: Any, message: str
) -> None:
    page = post(Client(), service, answers(doctor_id, applicant_id, f11=upload()))

    assert page.status_code == 400
    assert page.context["form"].errors["f11"] == [message]


def test_a_missing_required_document_is_named(service: Service, doctor_id: str, applicant_id: str) -> None:
    page = post(Client(), service, answers(doctor_id, applicant_id, f11=None))

    assert page.context["form"].errors["f11"] == ["مدرک «پروانه اشتغال» را بارگذاری کنید."]


def test_a_good_document_is_kept_across_a_failed_submit(service: Service, doctor_id: str, applicant_id: str) -> None:
    client = Client()
    data = answers(doctor_id, applicant_id, f1="")
    failed = post(client, service, data)

    assert failed.status_code == 400
    kept = PendingUpload.objects.get(form_nonce=data["nonce"])
    assert f'name="keep_f11" value="{kept.public_id}"' in failed.content.decode()
    retry = {**data, "f1": "مطب دکتر رضایی", "keep_f11": str(kept.public_id)}
    del retry["f11"]
    assert post(client, service, retry).status_code == 302
    attachment = Item.objects.get().attachments.get()
    assert attachment.original_name == "parvaneh.pdf"
    assert ServiceRequest.objects.get().answers["f11"]["attachment"] == str(attachment.public_id)


def test_a_kept_document_of_another_form_is_not_accepted(service: Service, doctor_id: str, applicant_id: str) -> None:
    client = Client()
    other = answers(doctor_id, applicant_id, f1="")
    post(client, service, other)
    stolen = PendingUpload.objects.get(form_nonce=other["nonce"])
    data = answers(doctor_id, applicant_id, f11=None, keep_f11=str(stolen.public_id))

    page = post(client, service, data)

    assert page.status_code == 400
    assert "f11" in page.context["form"].errors


def test_a_request_keeps_the_form_version_it_was_filled_with(
    service: Service, owner: User, doctor_id: str, applicant_id: str
) -> None:
    post(Client(), service, answers(doctor_id, applicant_id))
    first_version = service.form_version
    sw.form_field_save(service=service, spec={"type": "text", "label": "نام دانشگاه", "required": True})
    sw.form_publish(service=service, actor=owner)

    assert ServiceRequest.objects.get().form_version == first_version
    assert "نام دانشگاه" in Client().get(url(service)).content.decode()


def test_an_unpublished_service_takes_no_requests(agency: Organization, owner: User) -> None:
    draft = sw.service_create(agency=agency, code="draft", card={**CARD, "is_published": False}, actor=owner)

    assert Client().get(url(draft)).status_code == 404


def test_a_tampered_nonce_is_refused_politely(service: Service, doctor_id: str, applicant_id: str) -> None:
    page = post(Client(), service, answers(doctor_id, applicant_id, nonce="x" * 80))

    assert page.status_code == 400
    assert not Item.objects.exists()

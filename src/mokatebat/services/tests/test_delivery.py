"""R8: staff see the request's answers on the item page and issue the outcome (a document or a
decision) as a numbered response with QR verification; the citizen downloads it and gets an SMS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mokatebat.correspondence.models import Item, Response, Status
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services.models import Service, ServiceRequest
from mokatebat.surveys.models import Survey

from .conftest import answers, member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client() -> Client:
    return Client()


@pytest.fixture
def item(service: Service, citizen_client: Client, doctor_id: str, applicant_id: str) -> Item:
    citizen_client.post(reverse("service-request", args=["moh", service.code]), answers(doctor_id, applicant_id))
    return Item.objects.get()


def deliver(user: User, item: Item, **data: str) -> object:
    form = {
        "kind": "document",
        "title": "پروانه تأسیس مطب",
        "text": "پروانه تأسیس مطب به نام متقاضی صادر شد.\nاعتبار: ۵ سال",
    }
    form.update(data)
    form = {f"outcome-{name}": value for name, value in form.items()}
    return signed_in(user).post(reverse("staff-service-deliver", args=[item.public_id]), form)


def test_the_tracking_page_names_the_service_before_the_outcome(item: Item, citizen_client: Client) -> None:
    track = citizen_client.get(reverse("track-result", args=[item.public_id])).content.decode()

    assert "درخواست خدمت «صدور مجوز تأسیس مطب»" in track
    assert "مدت انجام این خدمت: ۱۵ روز کاری" in track


def test_the_staff_item_page_shows_the_service_and_its_answers(item: Item, unit_staff: User) -> None:
    page = signed_in(unit_staff).get(reverse("staff-item", args=[item.public_id])).content.decode()

    assert "درخواست خدمت" in page
    assert "صدور مجوز تأسیس مطب" in page
    assert "مطب دکتر رضایی" in page
    assert "۱۳۹۸/۰۶/۳۱" in page
    attachment = item.attachments.get()
    assert reverse("staff-attachment", args=[item.public_id, attachment.public_id]) in page
    assert reverse("staff-service-deliver", args=[item.public_id]) in page


def test_an_auditor_sees_the_answers_but_cannot_deliver(item: Item, agency: Organization) -> None:
    auditor = member("auditor", agency, Role.AUDITOR)
    page = signed_in(auditor).get(reverse("staff-item", args=[item.public_id])).content.decode()

    assert "مطب دکتر رضایی" in page
    assert reverse("staff-service-deliver", args=[item.public_id]) not in page
    assert deliver(auditor, item).status_code == 403  # type: ignore[attr-defined]
    assert not Response.objects.exists()


def test_the_unit_issues_a_document_the_citizen_downloads(item: Item, unit_staff: User, citizen_client: Client) -> None:
    deliver(unit_staff, item)

    response = Response.objects.get(item=item)
    request = ServiceRequest.objects.get(item=item)
    assert request.outcome == response
    assert request.outcome_kind == "document"
    assert "<strong>پروانه تأسیس مطب</strong>" in response.body
    assert response.content_sha256
    assert response.unit_name == "اداره کل نظارت بر درمان"
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    sms = OutboxMessage.objects.filter(item=item, template="service_request_response_issued").get()
    assert item.tracking_code in sms.body
    assert "«صدور مجوز تأسیس مطب»" in sms.body
    # The citizen's tracking page (this browser opened it at submit time) offers the PDF.
    track = citizen_client.get(reverse("track-result", args=[item.public_id])).content.decode()
    assert "درخواست خدمت «صدور مجوز تأسیس مطب»" in track
    assert "نتیجه خدمت صادر شده است" in track
    pdf_url = reverse("response-pdf", args=[item.public_id, response.public_id])
    assert pdf_url in track
    pdf = citizen_client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert Client().get(pdf_url).status_code == 404
    verify = Client().get(reverse("verify-response", args=[response.verification_code]))
    assert verify.status_code == 200
    # The satisfaction survey offered with the outcome counts under this service (R11).
    assert Survey.objects.get(item=item).service_code == request.service.code


def test_a_decision_is_delivered_as_text(item: Item, clerk: User) -> None:
    deliver(clerk, item, kind="decision", title="", text="درخواست به دلیل نقص مدارک رد شد.")

    request = ServiceRequest.objects.get(item=item)
    assert request.outcome_kind == "decision"
    assert request.outcome is not None
    assert request.outcome.body == "<p>درخواست به دلیل نقص مدارک رد شد.</p>"


def test_an_outcome_is_issued_once(item: Item, unit_staff: User) -> None:
    deliver(unit_staff, item)
    deliver(unit_staff, item)

    assert Response.objects.filter(item=item).count() == 1


def test_an_empty_outcome_is_refused(item: Item, unit_staff: User) -> None:
    deliver(unit_staff, item, text="  ")

    assert not Response.objects.exists()


def test_other_agencies_and_other_units_cannot_deliver(
    item: Item, other_agency: Organization, agency: Organization
) -> None:
    outsider = member("outsider", other_agency, Role.SECRETARIAT_CLERK)
    other_unit = Unit.objects.create(organization=agency, name="اداره بیماری‌های خاص")
    neighbour = member("neighbour", agency, Role.UNIT_STAFF, (other_unit,))

    assert deliver(outsider, item).status_code == 404  # type: ignore[attr-defined]
    assert deliver(neighbour, item).status_code == 404  # type: ignore[attr-defined]
    assert not Response.objects.exists()


def test_a_letter_has_no_service_section(submit: object, clerk: User) -> None:
    letter = submit()  # type: ignore[operator]
    page = signed_in(clerk).get(reverse("staff-item", args=[letter.public_id]))

    assert page.status_code == 200
    assert "صدور سند/تصمیم" not in page.content.decode()
    assert deliver(clerk, letter).status_code == 404  # type: ignore[attr-defined]

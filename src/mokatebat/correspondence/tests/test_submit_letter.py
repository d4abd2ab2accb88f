"""R1, R9, R10: a citizen sends a letter online and gets a tracking code only once it is stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mokatebat.core.tracking import is_valid_tracking_code
from mokatebat.correspondence.models import Attachment, EventKind, Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit

pytestmark = pytest.mark.django_db

NATIONAL_ID = "0499370899"


def letter_data(agency: Organization, **overrides: Any) -> dict[str, Any]:
    data = {
        "nonce": "nonce-" + "a" * 20,
        "agency": agency.code,
        "unit": "",
        "kind": "complaint",
        "subject": "تأخير در صدور مجوز",
        "body": "با سلام\nدرخواست مجوز اينجانب از ۳ ماه پيش بي‌پاسخ مانده است.",
        "requester_kind": "natural",
        "full_name": "علي كريمي",
        "national_id": "۰۴۹۹۳۷۰۸۹۹",
        "mobile": "+98 912 123 4567",
        "email": "",
        "address": "",
    }
    data.update(overrides)
    return data


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_submitting_a_letter_shows_the_tracking_code_of_a_stored_item(client: Client, agency: Organization) -> None:
    response = client.post("/letters/new/", letter_data(agency))

    assert response.status_code == 302
    item = Item.objects.get()
    assert response["Location"] == f"/letters/receipt/{item.public_id}/"
    assert is_valid_tracking_code(item.tracking_code)
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert item.tracking_code not in response["Location"]
    shown_digits = receipt.content.decode()
    assert item.tracking_code[:4].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in shown_digits


def test_submitted_text_is_normalised_once_at_the_edge(client: Client, agency: Organization) -> None:
    client.post("/letters/new/", letter_data(agency))

    item = Item.objects.select_related("requester").get()
    assert item.subject == "تأخیر در صدور مجوز"
    assert "اینجانب از 3 ماه پیش بی‌پاسخ" in item.body
    assert item.requester.full_name == "علی کریمی"
    assert item.requester.national_id == NATIONAL_ID
    assert item.requester.mobile == "09121234567"


def test_submission_writes_its_first_timeline_event_and_one_sms(client: Client, agency: Organization) -> None:
    client.post("/letters/new/", letter_data(agency))

    item = Item.objects.get()
    assert list(item.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]
    sms = OutboxMessage.objects.get()
    assert sms.mobile == "09121234567"
    assert item.tracking_code in sms.body


def test_a_double_submit_creates_exactly_one_item(client: Client, agency: Organization) -> None:
    first = client.post("/letters/new/", letter_data(agency))
    second = client.post("/letters/new/", letter_data(agency))

    assert Item.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_input_keeps_every_field_and_saves_nothing(client: Client, agency: Organization) -> None:
    data = letter_data(agency, national_id="0499370898", mobile="12345", subject="")

    response = client.post("/letters/new/", data, follow=True)

    assert response.status_code == 400
    page = response.content.decode()
    assert "کد ملی باید ۱۰ رقم و معتبر باشد" in page
    assert "شماره تلفن همراه معتبر نیست" in page
    assert "علی کریمی" in page  # typed text is kept (normalised)
    assert "بی‌پاسخ مانده است" in page
    assert Item.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_legal_person_needs_company_name_and_valid_legal_id(client: Client, agency: Organization) -> None:
    response = client.post(
        "/letters/new/", letter_data(agency, requester_kind="legal", legal_national_id="10100317520"), follow=True
    )

    assert response.status_code == 400
    assert "نام شخص حقوقی را بنویسید" in response.content.decode()
    assert "شناسه ملی شخص حقوقی باید ۱۱ رقم" in response.content.decode()
    assert Item.objects.count() == 0


def test_legal_person_letter_keeps_company_and_representative(client: Client, agency: Organization) -> None:
    data = letter_data(agency, requester_kind="legal", legal_name="شرکت نمونه", legal_national_id="10100317521")

    client.post("/letters/new/", data)

    requester = Item.objects.get().requester
    assert (requester.legal_name, requester.legal_national_id, requester.national_id) == (
        "شرکت نمونه",
        "10100317521",
        NATIONAL_ID,
    )


def test_unit_of_another_agency_is_refused(client: Client, agency: Organization, other_agency: Organization) -> None:
    foreign = Unit.objects.create(organization=other_agency, name="اداره کل آموزش")

    response = client.post("/letters/new/", letter_data(agency, unit=str(foreign.public_id)), follow=True)

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_a_tampered_overlong_form_nonce_is_refused_not_a_server_error(client: Client, agency: Organization) -> None:
    response = client.post("/letters/new/", letter_data(agency, nonce="n" * 64), follow=True)

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_attachments_are_stored_with_safe_names_and_checksums(client: Client, agency: Organization) -> None:
    files = [
        SimpleUploadedFile("../../etc/<script>نامه.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        SimpleUploadedFile("scan.PNG", png_bytes()),
    ]

    response = client.post("/letters/new/", {**letter_data(agency), "attachments": files})

    assert response.status_code == 302
    names = set(Attachment.objects.values_list("original_name", flat=True))
    assert names == {"script_نامه.pdf", "scan.png"}
    for attachment in Attachment.objects.all():
        assert "/" not in attachment.original_name
        assert attachment.original_name not in attachment.file.name
        assert len(attachment.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", png_bytes()),  # extension and content disagree
        ("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("macro.docm", b"PK\x03\x04"),
        ("empty.pdf", b""),
    ],
)
def test_unsafe_or_mismatched_uploads_are_refused_and_nothing_is_saved(
    client: Client, agency: Organization, name: str, content: bytes
) -> None:
    response = client.post(
        "/letters/new/", {**letter_data(agency), "attachments": [SimpleUploadedFile(name, content)]}, follow=True
    )

    assert response.status_code == 400
    assert Item.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_more_than_five_attachments_are_refused(client: Client, agency: Organization) -> None:
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes()) for i in range(6)]

    response = client.post("/letters/new/", {**letter_data(agency), "attachments": files}, follow=True)

    assert response.status_code == 400
    assert "حداکثر ۵ پرونده" in response.content.decode()


def test_oversized_attachment_is_refused_with_the_limit_in_the_message(
    client: Client, agency: Organization, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))

    response = client.post("/letters/new/", {**letter_data(agency), "attachments": [big]}, follow=True)

    assert response.status_code == 400
    assert "بزرگ‌تر از ۱ مگابایت" in response.content.decode()


def test_receipt_is_not_visible_to_another_browser(client: Client, agency: Organization) -> None:
    location = client.post("/letters/new/", letter_data(agency))["Location"]

    assert Client().get(location).status_code == 404


def test_garbage_input_never_causes_a_server_error(client: Client, agency: Organization) -> None:
    data = {**letter_data(agency), "agency": "no-such", "kind": "x", "requester_kind": "alien", "nonce": ""}
    data["body"] = "\x00\u202e" * 10

    response = client.post("/letters/new/", data, follow=True)

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_the_form_offers_only_active_agencies_and_their_units(client: Client, agency: Organization, unit: Unit) -> None:
    Organization.objects.create(name="دفتر پیشخوان ۱", code="counter-1", kind=Organization.Kind.COUNTER_OFFICE)

    form_page = client.get("/letters/new/").content.decode()
    options = client.get("/letters/units/", {"agency": agency.code, "q": "نظارت"}).content.decode()

    assert agency.name in form_page
    assert "دفتر پیشخوان ۱" not in form_page
    assert "معاونت درمان › اداره کل نظارت بر درمان" in options


def test_valid_attachments_survive_a_form_error_and_are_attached_on_the_next_try(
    client: Client, agency: Organization
) -> None:
    first = client.post(
        "/letters/new/",
        {**letter_data(agency, national_id="0499370898"), "attachments": [SimpleUploadedFile("scan.png", png_bytes())]},
        follow=True,
    )
    assert first.status_code == 400
    page = first.content.decode()
    assert "پرونده‌هایی که پیش‌تر بارگذاری کردید" in page
    kept_id = page.split('name="keep_uploads" value="')[1].split('"')[0]

    second = client.post("/letters/new/", {**letter_data(agency), "keep_uploads": [kept_id]})

    assert second.status_code == 302
    assert list(Item.objects.get().attachments.values_list("original_name", flat=True)) == ["scan.png"]


def test_kept_uploads_of_another_form_cannot_be_claimed(client: Client, agency: Organization) -> None:
    first = client.post(
        "/letters/new/",
        {**letter_data(agency, national_id="0499370898"), "attachments": [SimpleUploadedFile("scan.png", png_bytes())]},
        follow=True,
    )
    kept_id = first.content.decode().split('name="keep_uploads" value="')[1].split('"')[0]

    response = Client().post(
        "/letters/new/", {**letter_data(agency, nonce="another-" + "b" * 20), "keep_uploads": [kept_id]}, follow=True
    )

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_a_form_with_mistakes_comes_back_by_a_redirect_so_back_never_asks_to_resubmit(
    client: Client, agency: Organization
) -> None:
    response = client.post("/letters/new/", letter_data(agency, mobile="12345"))

    assert response.status_code == 302
    assert response["Location"].startswith("/letters/new/?retry=")
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "شماره تلفن همراه معتبر نیست" in page.content.decode()
    assert "علی کریمی" in page.content.decode()
    # The input waits in this browser's session only: another browser gets an empty form.
    elsewhere = Client().get(response["Location"]).content.decode()
    assert "علی کریمی" not in elsewhere
    assert Item.objects.count() == 0

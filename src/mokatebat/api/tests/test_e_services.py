"""E-services through the open interfaces (R5, R6, R14): the catalogue lists each published service card
with its form, and a request fills that form — over REST (JSON, or multipart with documents) and over
Open311 (attributes) — checked by the very form of the web page."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from mokatebat.api.models import Open311Request, Scope
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item, Referral
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service, ServiceRequest
from mokatebat.services.tests.conftest import CARD, build_service, member, pdf_file

from .conftest import assert_error, make_client

CODE = "moh.service.clinic-license"


@pytest.fixture
def owner(agency: Organization) -> User:
    return member("owner", agency, Role.SERVICE_OWNER)


@pytest.fixture
def service(agency: Organization, owner: User, unit: Unit) -> Service:
    """The clinic licence: one field of every type, a required document, routed to ``unit``."""
    return build_service(agency, owner, unit)


@pytest.fixture
def complaint_form(agency: Organization, owner: User, unit: Unit) -> Service:
    """A service Open311 can carry: no document to upload, one choice and a field shown on a condition."""
    card = {**CARD, "title": "رسیدگی به شکایت از بیمارستان", "category": "شکایات", "responsible_unit": unit}
    service = sw.service_create(agency=agency, code="hospital-complaint", card=card, actor=owner)
    for spec in (
        {"type": "text", "label": "نام بیمارستان", "required": True},
        {"type": "choice", "label": "موضوع شکایت", "required": True, "options": ["هزینه", "رفتار کارکنان"]},
        {
            "type": "number",
            "label": "مبلغ پرداختی (ریال)",
            "required": True,
            "show_if": {"field": "f2", "value": "هزینه"},
        },
        {"type": "jalali_date", "label": "تاریخ مراجعه", "required": False},
    ):
        sw.form_field_save(service=service, spec=spec)
    sw.form_publish(service=service, actor=owner)
    return service


@pytest.fixture
def doctor_id() -> str:
    return generate_national_id(random.Random(21))


def requester(national_id: str) -> dict[str, str]:
    return {"full_name": "مريم رضايي", "national_id": national_id, "mobile": "۰۹۱۲۱۲۳۴۵۶۷"}


def clinic_answers(doctor_id: str, **overrides: Any) -> dict[str, Any]:
    """Typed the way people type: Persian digits, Arabic ي/ك, a dash in the postal code."""
    answers: dict[str, Any] = {
        "f1": "مطب دكتر رضايي",
        "f3": "۸۵",
        "f4": "۱۳۹۸/۰۶/۳۱",
        "f5": "عمومی",
        "f7": doctor_id,
        "f10": "۱۹۳۹۵-۴۷۹۱۱",
    }
    answers.update(overrides)
    return answers


def multipart(national_id: str, answers: dict[str, Any]) -> dict[str, str]:
    return {**requester(national_id), **{f"answers.{key}": str(value) for key, value in answers.items()}}


# --- The catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_lists_a_published_e_service_with_its_card_and_form(
    http: httpx.Client, service: Service, agency: Organization
) -> None:
    listed = {entry["code"]: entry for entry in http.get("/api/v1/services/").json()}
    assert listed[f"{agency.code}.complaint"]["type"] == "correspondence"  # letters stay in the catalogue
    entry = listed[CODE]
    assert (entry["type"], entry["name"], entry["category"]) == ("e_service", CARD["title"], "مجوزها")
    assert entry["page_path"] == "/services/moh/clinic-license/"

    detail = http.get(f"/api/v1/services/{CODE}/").json()
    assert detail["card"]["steps"] == CARD["steps"]
    assert detail["card"]["fees"] == CARD["fees"]
    assert detail["card"]["responsible_unit"] == "اداره کل نظارت بر درمان"
    fields = {field["key"]: field for field in detail["fields"]}
    assert fields["f5"]["options"] == ["عمومی", "تخصصی"]
    assert fields["f6"]["show_if"] == {"field": "f5", "value": "تخصصی"}
    assert (fields["f11"]["type"], fields["f11"]["file_types"]) == ("file", ["pdf", "png"])


def test_a_withdrawn_service_leaves_the_catalogue(http: httpx.Client, service: Service, owner: User) -> None:
    sw.service_withdraw(service=service, actor=owner)
    assert CODE not in {entry["code"] for entry in http.get("/api/v1/services/").json()}
    assert_error(http.get(f"/api/v1/services/{CODE}/"), 404, "not_found")
    response = http.post(f"/api/v1/services/{CODE}/requests/", json={"answers": {}})
    assert_error(response, 404, "not_found")


# --- REST requests ----------------------------------------------------------------------------------


def test_a_request_with_its_document_is_stored_answered_and_sent_to_the_services_unit(
    http: httpx.Client, service: Service, unit: Unit, applicant_id: str, doctor_id: str
) -> None:
    document = pdf_file()
    response = http.post(
        f"/api/v1/services/{CODE}/requests/",
        data=multipart(applicant_id, clinic_answers(doctor_id)),
        files={"answers.f11": ("parvaneh.pdf", document.read(), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    item = Item.objects.select_related("requester").get(tracking_code=response.json()["tracking_code"])
    request = ServiceRequest.objects.get(item=item)
    # Normalised once, at this edge, exactly as the web form does it.
    assert request.answers["f1"] == "مطب دکتر رضایی"
    assert (request.answers["f3"], request.answers["f4"], request.answers["f10"]) == ("85", "2019-09-22", "1939547911")
    [attachment] = item.attachments.all()
    assert request.answers["f11"] == {"name": attachment.original_name, "attachment": str(attachment.public_id)}
    assert item.requester.mobile == "09121234567"
    assert Referral.objects.get(item=item, role=Referral.Role.MAIN).unit == unit
    sms = OutboxMessage.objects.filter(item=item)
    assert sms.exists()
    assert any(item.tracking_code in message.body for message in sms)


def test_a_json_request_without_the_required_document_is_refused_field_by_field(
    http: httpx.Client, service: Service, applicant_id: str, doctor_id: str
) -> None:
    body = {**requester(applicant_id), "answers": clinic_answers(doctor_id, f3="سی", f5="تخصصی", f99="?")}
    error = assert_error(http.post(f"/api/v1/services/{CODE}/requests/", json=body), 400, "invalid")
    fields = error["fields"]
    assert fields["f11"] == ["مدرک «پروانه اشتغال» را بارگذاری کنید."]
    assert fields["f3"] == ["در «مساحت مطب (متر مربع)» فقط عدد وارد کنید."]
    assert "f6" in fields  # «رشته تخصصی» is asked once «تخصصی» is chosen
    assert "f99" in fields  # an answer to no question is not dropped in silence
    assert Item.objects.count() == 0


def test_a_document_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(
    http: httpx.Client, service: Service, applicant_id: str, doctor_id: str
) -> None:
    response = http.post(
        f"/api/v1/services/{CODE}/requests/",
        data=multipart(applicant_id, clinic_answers(doctor_id)),
        files={"answers.f11": ("parvaneh.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")},
    )
    assert "f11" in assert_error(response, 400, "invalid")["fields"]
    assert Item.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_returns_the_first_request(
    http: httpx.Client, service: Service, applicant_id: str, doctor_id: str
) -> None:
    def send() -> httpx.Response:
        return http.post(
            f"/api/v1/services/{CODE}/requests/",
            data=multipart(applicant_id, clinic_answers(doctor_id)),
            files={"answers.f11": ("parvaneh.pdf", pdf_file().read(), "application/pdf")},
            headers={"Idempotency-Key": "clinic-7"},
        )

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert ServiceRequest.objects.count() == 1


def test_a_letter_kind_is_not_a_form_to_fill(http: httpx.Client, agency: Organization, applicant_id: str) -> None:
    response = http.post(f"/api/v1/services/{agency.code}.complaint/requests/", json=requester(applicant_id))
    assert "/api/v1/items/" in assert_error(response, 404, "not_found")["message"]


# --- Open311 --------------------------------------------------------------------------------------------


@pytest.fixture
def api_key(agency: Organization) -> str:
    return make_client(agency, "اپلیکیشن شهروندی", [Scope.OPEN311])[1]


def open311_form(api_key: str, national_id: str, **attributes: str) -> dict[str, str]:
    form = {
        "api_key": api_key,
        "service_code": "moh.service.hospital-complaint",
        "attribute[national_id]": national_id,
        "first_name": "رضا",
        "last_name": "احمدی",
        "phone": "09121112233",
    }
    return form | {f"attribute[{code}]": value for code, value in attributes.items()}


def test_open311_offers_e_services_it_can_carry_with_their_fields_as_attributes(
    http: httpx.Client, service: Service, complaint_form: Service
) -> None:
    codes = {entry["service_code"] for entry in http.get("/open311/v2/services.json").json()}
    assert "moh.service.hospital-complaint" in codes
    assert CODE not in codes  # it needs a document, which Open311 cannot carry
    assert http.get(f"/open311/v2/services/{CODE}.json").status_code == 404

    definition = http.get("/open311/v2/services/moh.service.hospital-complaint.json").json()
    attributes = {attribute["code"]: attribute for attribute in definition["attributes"]}
    assert [a["code"] for a in definition["attributes"]] == ["national_id", "f1", "f2", "f3", "f4"]
    assert attributes["f2"]["datatype"] == "singlevaluelist"
    assert attributes["f2"]["values"] == [
        {"key": "هزینه", "name": "هزینه"},
        {"key": "رفتار کارکنان", "name": "رفتار کارکنان"},
    ]
    assert (attributes["f3"]["datatype"], attributes["f3"]["required"]) == ("number", False)  # only on a condition
    assert "«موضوع شکایت» برابر «هزینه»" in attributes["f3"]["datatype_description"]
    assert "1405/09/10" in attributes["f4"]["datatype_description"]


def test_an_open311_request_fills_the_services_form(
    http: httpx.Client, complaint_form: Service, api_key: str, applicant_id: str
) -> None:
    form = open311_form(api_key, applicant_id, f1="بيمارستان امام", f2="هزینه", f3="۱۲۰۰۰۰۰", f4="۱۴۰۵/۰۸/۱۲")
    form["description"] = "صورت‌حساب دو برابر تعرفه بود."
    created = http.post("/open311/v2/requests.json", data=form)
    assert created.status_code == 201, created.text
    [receipt] = created.json()
    request = ServiceRequest.objects.select_related("item").get()
    assert request.answers == {"f1": "بیمارستان امام", "f2": "هزینه", "f3": "1200000", "f4": "2026-11-03"}
    assert "صورت‌حساب دو برابر تعرفه بود." in request.item.body  # the free text is kept with the answers
    assert Open311Request.objects.get().item == request.item

    [public] = http.get(f"/open311/v2/requests/{receipt['service_request_id']}.json").json()
    assert public["service_name"] == "رسیدگی به شکایت از بیمارستان"
    assert "امام" not in str(public)  # the answers are the requester's, not the public's


def test_an_open311_request_with_a_wrong_answer_names_the_attribute(
    http: httpx.Client, complaint_form: Service, api_key: str, applicant_id: str
) -> None:
    form = open311_form(api_key, applicant_id, f2="چیز دیگر")
    response = http.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 400
    descriptions = [error["description"] for error in response.json()]
    assert any(d.startswith("attribute[f1]:") for d in descriptions), descriptions
    assert any(d.startswith("attribute[f2]:") for d in descriptions), descriptions
    assert Item.objects.count() == 0

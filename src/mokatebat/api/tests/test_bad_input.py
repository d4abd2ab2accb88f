"""Issue 18, points 7–11 and the "also" list: inputs that were a 500 are now a clear 4xx — a Persian
page on pages, the API's error object on the API, Open311's error list on Open311 — and nothing is
half-saved. Each test sends the input that broke it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from django.test import Client

from mokatebat.api.models import Scope
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.tests.test_submit_letter import letter_data
from mokatebat.counters.tests.conftest import counter_office, letter_form, operator_of
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service
from mokatebat.services.tests.conftest import CARD, member
from mokatebat.testing.staff import login_verified

from .conftest import assert_error, bearer, letter, make_client
from .test_open311 import request_form

LONG_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.org"  # 260 characters: the form took up to 320
NESTED = "[" * 100_000 + "]" * 100_000
PERSIAN = ("\u0600", "\u06ff")


def is_persian(text: str) -> bool:
    return any(PERSIAN[0] <= ch <= PERSIAN[1] for ch in text)


@pytest.fixture
def complaint_form(agency: Organization, unit: Unit) -> Service:
    """A published e-service form: a text field, a choice and an optional Jalali date (f4)."""
    owner = member("owner", agency, Role.SERVICE_OWNER)
    card = {**CARD, "title": "رسیدگی به شکایت از بیمارستان", "category": "شکایات", "responsible_unit": unit}
    service = sw.service_create(agency=agency, code="hospital-complaint", card=card, actor=owner)
    for spec in (
        {"type": "text", "label": "نام بیمارستان", "required": True},
        {"type": "choice", "label": "موضوع شکایت", "required": True, "options": ["هزینه", "رفتار کارکنان"]},
        {"type": "number", "label": "مبلغ", "required": False},
        {"type": "jalali_date", "label": "تاریخ مراجعه", "required": False},
    ):
        sw.form_field_save(service=service, spec=spec)
    sw.form_publish(service=service, actor=owner)
    return service


@pytest.fixture
def open311_key(agency: Organization) -> str:
    return make_client(agency, "اپلیکیشن شهروندی", [Scope.OPEN311])[1]


def staff(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


# --- 7. e-mail addresses longer than the column -----------------------------------------------------


def test_a_long_email_on_the_letter_form_is_a_persian_message(client: Client, agency: Organization) -> None:
    assert 254 < len(LONG_EMAIL) <= 320
    response = client.post("/letters/new/", letter_data(agency, email=LONG_EMAIL), follow=True)
    assert response.status_code == 400  # the form comes back (after Post/Redirect/Get) with the message
    assert "۲۵۴" in response.content.decode()
    assert Item.objects.count() == 0


def test_a_long_email_on_the_e_service_form_is_a_persian_message(
    client: Client, complaint_form: Service, applicant_id: str
) -> None:
    data = {
        "nonce": "n" * 20,
        "requester_kind": "natural",
        "full_name": "مریم رضایی",
        "national_id": applicant_id,
        "mobile": "09121234567",
        "email": LONG_EMAIL,
        "f1": "بیمارستان امام",
        "f2": "رفتار کارکنان",
    }
    response = client.post(f"/services/{complaint_form.agency.code}/{complaint_form.code}/request/", data, follow=True)
    assert response.status_code == 400, response.status_code
    assert "۲۵۴" in response.content.decode()
    assert Item.objects.count() == 0


def test_a_long_email_on_open311_is_in_its_error_list(
    http: httpx.Client, agency: Organization, open311_key: str, applicant_id: str, complaint_form: Service
) -> None:
    for code in (f"{agency.code}.complaint", f"{agency.code}.service.{complaint_form.code}"):
        extra = {"attribute[f1]": "بیمارستان امام", "attribute[f2]": "رفتار کارکنان"}
        form = request_form(open311_key, code, applicant_id, email=LONG_EMAIL, **extra)
        response = http.post("/open311/v2/requests.json", data=form)
        assert response.status_code == 400, response.text
        errors = response.json()
        assert errors[0]["code"] == 400
        assert any(e["description"].startswith("email") for e in errors), errors
    assert Item.objects.count() == 0


def test_a_long_email_on_the_counter_and_received_letter_forms_is_a_persian_message(
    agency: Organization, clerk: User, applicant_id: str
) -> None:
    operator = operator_of(counter_office("دفتر پیشخوان ۱۲", "counter-12"), "op12")
    counter = staff(operator).post("/counter/letters/new/", letter_form(agency, applicant_id, email=LONG_EMAIL))
    received = staff(clerk).post("/staff/received/new/", {**letter_data(agency, email=LONG_EMAIL), "channel": "post"})
    for response in (counter, received):
        assert response.status_code == 400
        assert "۲۵۴" in response.content.decode()
    assert Item.objects.count() == 0


# --- 8. NUL bytes in query parameters ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/letters/new/?agency=%00", "/letters/units/?agency=%00", "/?x=a%00b"])
def test_a_nul_in_a_page_query_is_a_persian_400(client: Client, agency: Organization, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert is_persian(response.content.decode())
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("query", ["service_code=%00", "service_request_id=%00", "status=open&x%00=1"])
def test_a_nul_in_an_open311_query_is_in_its_error_list(http: httpx.Client, agency: Organization, query: str) -> None:
    response = http.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    xml = http.get(f"/open311/v2/requests.xml?{query}")
    assert xml.status_code == 400
    assert xml.text.startswith("<?xml")


def test_a_nul_in_an_open311_post_is_in_its_error_list(
    http: httpx.Client, agency: Organization, open311_key: str, applicant_id: str
) -> None:
    form = request_form(open311_key, "\x00", applicant_id)
    response = http.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_a_nul_in_an_api_query_is_the_api_error(http: httpx.Client, agency: Organization, full_token: str) -> None:
    assert_error(http.get("/api/v1/agencies/?x=%00"), 400, "invalid")
    assert_error(http.get("/api/v1/client/items/?cursor=%00", headers=bearer(full_token)), 400, "invalid")


# --- 9. out-of-range time-zone offsets --------------------------------------------------------------


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-13-01"])
def test_an_out_of_range_end_date_on_open311_is_in_its_error_list(
    http: httpx.Client, agency: Organization, value: str
) -> None:
    for name in ("end_date", "start_date"):
        response = http.get("/open311/v2/requests.json", params={name: value})
        assert response.status_code == 400
        assert response.json()[0]["code"] == 400


def test_a_sane_end_date_on_open311_still_filters(http: httpx.Client, agency: Organization) -> None:
    assert http.get("/open311/v2/requests.json", params={"end_date": "2026-12-31T23:59:59+03:30"}).status_code == 200


@pytest.mark.parametrize("cursor", ["9999-12-31T23:59:59-23:59_5", "2026-01-01T00:00:00+00:00_99999999999999999999"])
def test_an_out_of_range_inbox_cursor_is_a_persian_400(clerk: User, agency: Organization, cursor: str) -> None:
    response = staff(clerk).get("/staff/inbox/", {"after": cursor})
    assert response.status_code == 400
    assert is_persian(response.content.decode())


# --- 10. deeply nested JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/items/",
        "/api/v1/track/",
        "/api/v1/services/moh.service.hospital-complaint/requests/",
        "/api/v1/client/items/",
    ],
)
def test_deeply_nested_json_is_the_api_error(
    http: httpx.Client, complaint_form: Service, full_token: str, path: str
) -> None:
    headers = {**bearer(full_token), "Content-Type": "application/json"}
    error = assert_error(http.post(path, content=NESTED, headers=headers), 400, "parse_error")
    assert "JSON" in error["message"]
    assert Item.objects.count() == 0


def test_deeply_nested_json_on_client_steps_is_the_api_error(http: httpx.Client, full_token: str, submit: Any) -> None:
    item = submit()
    headers = {**bearer(full_token), "Content-Type": "application/json"}
    for step in ("register", "refer", "actions", "responses"):
        path = f"/api/v1/client/items/{item.public_id}/{step}/"
        assert_error(http.post(path, content=NESTED, headers=headers), 400, "parse_error")


def test_deeply_nested_json_on_the_delivery_webhook_is_a_400(client: Client, settings: Any) -> None:
    settings.SMS_GATEWAY_API_KEY = "gateway-key"
    response = client.post(
        "/sms/delivery/", NESTED, content_type="application/json", HTTP_AUTHORIZATION="Bearer gateway-key"
    )
    assert response.status_code == 400


# --- 11. lone surrogates, and lists for text ---------------------------------------------------------


def test_a_lone_surrogate_in_an_e_service_answer_is_the_api_error(
    http: httpx.Client, complaint_form: Service, applicant_id: str
) -> None:
    body = {"full_name": "مریم رضایی", "national_id": applicant_id, "mobile": "09121234567"}
    body["answers"] = {"f1": "بیمارستان \ud800", "f2": "رفتار کارکنان"}
    raw = json.dumps(body)  # ASCII escapes: "\ud800" arrives as a lone surrogate
    code = f"{complaint_form.agency.code}.service.{complaint_form.code}"
    response = http.post(
        f"/api/v1/services/{code}/requests/", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "parse_error")
    assert Item.objects.count() == 0


def test_a_list_or_an_object_for_a_text_answer_is_refused(
    http: httpx.Client, complaint_form: Service, applicant_id: str
) -> None:
    code = f"{complaint_form.agency.code}.service.{complaint_form.code}"
    for value in (["a", "b"], {"a": 1}):
        body = {"full_name": "مریم رضایی", "national_id": applicant_id, "mobile": "09121234567"}
        body["answers"] = {"f1": value, "f2": "رفتار کارکنان"}
        error = assert_error(http.post(f"/api/v1/services/{code}/requests/", json=body), 400, "invalid")
        assert "f1" in error["fields"]
    assert Item.objects.count() == 0


# --- Also: channels, Jalali years, HEAD, noindex -----------------------------------------------------


def test_the_client_api_refuses_the_online_channel(http: httpx.Client, full_token: str, applicant_id: str) -> None:
    data = {k: v for k, v in letter(Organization(code="x"), applicant_id).items() if k != "agency"}
    for channel in ("online", "counter_office"):
        response = http.post("/api/v1/client/items/", json={**data, "channel": channel}, headers=bearer(full_token))
        error = assert_error(response, 400, "invalid")
        assert "channel" in error["fields"]
    assert Item.objects.count() == 0


def test_a_gregorian_date_in_a_jalali_field_is_refused_saying_so(
    http: httpx.Client, complaint_form: Service, applicant_id: str
) -> None:
    code = f"{complaint_form.agency.code}.service.{complaint_form.code}"
    body = {"full_name": "مریم رضایی", "national_id": applicant_id, "mobile": "09121234567"}
    body["answers"] = {"f1": "بیمارستان امام", "f2": "رفتار کارکنان", "f4": "2026-12-01"}
    error = assert_error(http.post(f"/api/v1/services/{code}/requests/", json=body), 400, "invalid")
    assert "میلادی" in " ".join(error["fields"]["f4"])
    body["answers"]["f4"] = "1200/01/01"
    error = assert_error(http.post(f"/api/v1/services/{code}/requests/", json=body), 400, "invalid")
    assert "۱۳۰۰" in " ".join(error["fields"]["f4"])
    body["answers"]["f4"] = "۱۴۰۵/۰۹/۱۰"
    assert http.post(f"/api/v1/services/{code}/requests/", json=body).status_code == 201


@pytest.mark.parametrize("path", ["/", "/letters/new/", "/track/", "/services/", "/appointments/", "/api/v1/agencies/"])
def test_head_answers_as_get_without_a_body(client: Client, agency: Organization, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize("path", ["/account/", "/appointments/"])
def test_account_and_booking_pages_stay_out_of_search_engines(client: Client, agency: Organization, path: str) -> None:
    assert "noindex" in client.get(path)["X-Robots-Tag"]

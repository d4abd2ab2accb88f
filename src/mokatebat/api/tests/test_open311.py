"""Open311 GeoReport v2 the way a city app uses it: discovery → services → POST → GET → tokens."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from django.test import Client

from mokatebat.api.models import Open311Request, Scope
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, User

from .conftest import make_client


@pytest.fixture
def api_key(agency: Organization) -> str:
    return make_client(agency, "اپلیکیشن شهروندی", [Scope.OPEN311])[1]


def request_form(api_key: str, service_code: str, national_id: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "service_code": service_code,
        "attribute[national_id]": national_id,
        "first_name": "رضا",
        "last_name": "احمدي",
        "phone": "09121112233",
        "description": "چراغ راهنمای تقاطع خراب است.",
        "lat": "27.183222",
        "long": "56.266592",
        "address_string": "بندرعباس، بلوار امام",
        **extra,
    }


def test_a_client_walks_discovery_services_post_get_and_tokens(
    http: httpx.Client, agency: Organization, api_key: str, applicant_id: str
) -> None:
    discovery = http.get("/open311/v2/discovery.json").json()
    base = discovery["endpoints"][0]["url"]
    assert base.endswith("/open311/v2/")
    services = http.get(f"{base}services.json").json()
    service = next(s for s in services if s["service_code"] == f"{agency.code}.report")
    definition = http.get(f"{base}services/{service['service_code']}.json").json()
    required = [a["code"] for a in definition["attributes"] if a["required"]]
    assert required == ["national_id"]

    created = http.post(f"{base}requests.json", data=request_form(api_key, service["service_code"], applicant_id))
    assert created.status_code == 201, created.text
    [receipt] = created.json()
    request_id, token = receipt["service_request_id"], receipt["token"]

    [fetched] = http.get(f"{base}requests/{request_id}.json").json()
    assert fetched["status"] == "open"
    assert fetched["service_code"] == service["service_code"]
    assert fetched["agency_responsible"] == agency.name
    assert fetched["status_notes"] == "نامه دریافت شد"
    assert http.get(f"{base}tokens/{token}.json").json() == [{"service_request_id": request_id, "token": token}]

    item = Item.objects.select_related("requester").get()
    assert item.kind == "report"
    assert item.requester.full_name == "رضا احمدی"  # normalised ی
    row = Open311Request.objects.get()
    assert (str(row.lat), str(row.long), row.address) == ("27.183222", "56.266592", "بندرعباس، بلوار امام")
    assert row.service_request_id != item.tracking_code


def test_public_listings_carry_no_personal_data(
    http: httpx.Client, agency: Organization, api_key: str, applicant_id: str, clerk: User
) -> None:
    http.post("/open311/v2/requests.json", data=request_form(api_key, f"{agency.code}.report", applicant_id))
    item = Item.objects.get()
    wf.item_register(item=item, actor=clerk)
    wf.item_close(item=item, actor=clerk, resolution="answered")
    listing = http.get("/open311/v2/requests.json")
    [entry] = listing.json()
    assert entry["status"] == "closed"
    for secret in (applicant_id, item.tracking_code, "09121112233", "رضا", "چراغ", "بلوار", "27.18"):
        assert secret not in listing.text
    assert http.get("/open311/v2/requests.json?status=open").json() == []


def test_letters_from_other_channels_are_never_listed(http: httpx.Client, submit: Any) -> None:
    submit()
    assert http.get("/open311/v2/requests.json").json() == []


def test_xml_is_offered_too(http: httpx.Client, agency: Organization) -> None:
    response = http.get("/open311/v2/services.xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output in a test
    assert root.tag == "services"
    assert root.find("service/service_code") is not None


def test_errors_come_as_xml_when_xml_was_asked_for(http: httpx.Client, agency: Organization) -> None:
    response = http.post("/open311/v2/requests.xml", data={"api_key": "wrong", "service_code": f"{agency.code}.report"})
    assert response.status_code == 403
    root = ET.fromstring(response.content)  # noqa: S314 - our own output in a test
    assert [(e.findtext("code"), bool(e.findtext("description"))) for e in root.findall("error")] == [("403", True)]


def test_errors_follow_the_spec(http: httpx.Client, agency: Organization, api_key: str, applicant_id: str) -> None:
    no_key = http.post("/open311/v2/requests.json", data=request_form("wrong", f"{agency.code}.report", applicant_id))
    assert no_key.status_code == 403
    [error] = no_key.json()
    assert set(error) == {"code", "description"}
    bad = http.post("/open311/v2/requests.json", data=request_form(api_key, f"{agency.code}.report", "123", lat="x"))
    assert bad.status_code == 400
    descriptions = [e["description"] for e in bad.json()]
    assert any(d.startswith("attribute[national_id]:") for d in descriptions)
    assert any(d.startswith("lat:") for d in descriptions)
    assert http.get("/open311/v2/requests/nothing.json").status_code == 404
    assert http.get("/open311/v2/services/nothing.json").json()[0]["code"] == 404
    assert Item.objects.count() == 0


def test_a_key_of_another_agency_cannot_file_for_this_one(
    http: httpx.Client, agency: Organization, other_agency: Organization, applicant_id: str
) -> None:
    other_key = make_client(other_agency, "اپ استانداری", [Scope.OPEN311])[1]
    response = http.post(
        "/open311/v2/requests.json", data=request_form(other_key, f"{agency.code}.report", applicant_id)
    )
    assert response.status_code == 403
    items_key = make_client(agency, "بدون اجازه Open311", [Scope.ITEMS_WRITE])[1]
    response = http.post(
        "/open311/v2/requests.json", data=request_form(items_key, f"{agency.code}.report", applicant_id)
    )
    assert response.status_code == 403


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def media_host() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    seen: list[str] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_media_url_from_a_host_outside_the_allow_list_is_refused_and_never_fetched(
    http: httpx.Client, agency: Organization, api_key: str, applicant_id: str, media_host: Any, settings: Any
) -> None:
    host, seen = media_host
    settings.OPEN311_MEDIA_HOSTS = ["media.example.org"]
    data = request_form(api_key, f"{agency.code}.report", applicant_id, media_url=f"http://{host}/photo.jpg")
    response = http.post("/open311/v2/requests.json", data=data)
    assert response.status_code == 400
    assert "media_url" in response.json()[0]["description"]
    httpx.get(f"http://{host}/probe")  # the server is really listening: this one arrives
    assert seen == ["/probe"]


def test_media_url_from_an_allowed_host_is_stored_not_fetched(
    http: httpx.Client, agency: Organization, api_key: str, applicant_id: str, media_host: Any, settings: Any
) -> None:
    host, seen = media_host
    settings.OPEN311_MEDIA_HOSTS = ["127.0.0.1"]
    url = f"https://{host}/photo.jpg"
    data = request_form(api_key, f"{agency.code}.report", applicant_id, media_url=url)
    assert http.post("/open311/v2/requests.json", data=data).status_code == 201
    assert Open311Request.objects.get().media_url == url
    assert seen == []


def test_the_listing_costs_the_same_queries_for_one_request_or_many(
    agency: Organization, api_key: str, django_assert_num_queries: Any
) -> None:
    browser = Client()

    def post_one(seed: int) -> None:
        national_id = generate_national_id(random.Random(seed))
        data = request_form(api_key, f"{agency.code}.report", national_id)
        assert browser.post("/open311/v2/requests.json", data).status_code == 201

    post_one(1)
    with django_assert_num_queries(4):  # rows, referrals, events, the catalogue's agencies
        assert len(browser.get("/open311/v2/requests.json").json()) == 1
    post_one(2)
    post_one(3)
    with django_assert_num_queries(4):
        assert len(browser.get("/open311/v2/requests.json").json()) == 3


def test_expected_datetime_is_the_items_answer_date(
    http: httpx.Client, agency: Organization, api_key: str, applicant_id: str
) -> None:
    created = http.post("/open311/v2/requests.json", data=request_form(api_key, f"{agency.code}.report", applicant_id))
    [receipt] = created.json()
    [fetched] = http.get(f"/open311/v2/requests/{receipt['service_request_id']}.json").json()
    item = Item.objects.select_related("clock").get()
    assert fetched["expected_datetime"].startswith(item.clock.answer_by.isoformat() + "T23:59")

"""Issue 18, evidence: every public form and API endpoint, driven with generated strings (NUL, lone
surrogates, bidi and RTL marks, Persian/Arabic letters and digits, huge values, nested JSON), never
answers 5xx and never leaves anything half-saved (an item without its requester or first event)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mokatebat.api.models import Scope
from mokatebat.api.workflow import client_create
from mokatebat.bookings.models import Calendar
from mokatebat.bookings.tests.conftest import open_desk
from mokatebat.citizens.models import Requester
from mokatebat.correspondence.models import EventKind, Item
from mokatebat.organization.models import Organization, Role, Unit
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service
from mokatebat.services.tests.conftest import CARD, member

pytestmark = pytest.mark.django_db

PIECES = ["\x00", "\ud800", "\udfff", "\u202e", "\u200f", "\u200c", "ي", "ك", "۰۹۱۲", "٠", "<script>", "'", "%00", "𝔘"]
# Text as people (and robots) send it, plus the characters that broke the edge before.
raw_text = st.one_of(
    st.text(st.characters(codec=None, categories=None), max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    st.sampled_from(["a" * 5000, "۱" * 400, "9999-12-31T23:59:59-23:59", "x@" + "y" * 300 + ".ir", ""]),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | raw_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(raw_text, children, max_size=3),
    max_leaves=12,
)
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)


def form_safe(value: str) -> str:
    """What a browser can send in a form: no lone surrogates (they cannot be encoded)."""
    return value.encode("utf-8", "replace").decode("utf-8")


def assert_nothing_half_saved() -> None:
    assert Requester.objects.filter(item__isnull=True).count() == 0
    assert Item.objects.exclude(events__kind=EventKind.SUBMITTED).count() == 0


def assert_answered(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert_nothing_half_saved()


@pytest.fixture
def open311_key(agency: Organization) -> str:
    return client_create(agency=agency, name="اپلیکیشن شهروندی", scopes=[Scope.OPEN311], rate_limit="100000/h")[1]


FORM_FIELDS = ["agency", "kind", "subject", "body", "full_name", "national_id", "mobile", "email", "address", "nonce"]


@given(values=st.fixed_dictionaries({name: raw_text for name in FORM_FIELDS}))
@EXAMPLES
def test_the_letter_form_and_tracking_page_never_fail(agency: Organization, values: dict[str, str]) -> None:
    cache.clear()
    client = Client()
    data = {"requester_kind": "natural", **{k: form_safe(v) for k, v in values.items()}}
    data["agency"] = data["agency"] or agency.code
    assert_answered(client.post("/letters/new/", data))
    assert_answered(client.post("/track/", {"national_id": data["national_id"], "tracking_code": data["body"][:40]}))
    assert_answered(client.get("/letters/units/", {"agency": data["agency"], "q": data["subject"]}))
    assert_answered(client.get("/letters/new/", {"agency": data["agency"]}))
    assert_answered(client.get("/services/", {"q": data["subject"]}))


@given(values=st.fixed_dictionaries({name: json_value for name in FORM_FIELDS}), key=raw_text)
@EXAMPLES
def test_the_public_api_never_fails(agency: Organization, values: dict[str, Any], key: str) -> None:
    cache.clear()
    client = Client()
    body = json.dumps(values)  # lone surrogates travel as \\ud800 escapes, as a client may send them
    headers = {"HTTP_IDEMPOTENCY_KEY": form_safe(key).replace("\n", " ").replace("\r", " ")[:200]}
    for path in ("/api/v1/items/", "/api/v1/track/", f"/api/v1/services/{agency.code}.complaint/requests/"):
        assert_answered(client.post(path, body, content_type="application/json", **headers))
    services = {"answers": values, **values}
    assert_answered(
        client.post(
            f"/api/v1/services/{agency.code}.complaint/requests/", json.dumps(services), content_type="application/json"
        )
    )


@given(depth=st.integers(min_value=1, max_value=50_000), opener=st.sampled_from(["[", '{"a":']))
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_nested_json_never_fails(agency: Organization, depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    body = opener * depth + "1" + closer * depth
    client = Client()
    for path in ("/api/v1/items/", "/api/v1/track/", "/sms/delivery/"):
        assert_answered(client.post(path, body, content_type="application/json"))


@given(values=st.fixed_dictionaries({name: raw_text for name in ["service_code", "start_date", "end_date", "x"]}))
@EXAMPLES
def test_open311_never_fails(agency: Organization, open311_key: str, values: dict[str, str]) -> None:
    cache.clear()
    client = Client()
    query = {k: form_safe(v) for k, v in values.items()}
    assert_answered(client.get("/open311/v2/requests.json", query))
    assert_answered(client.get("/open311/v2/requests.xml", {"service_request_id": query["x"]}))
    post = {
        "api_key": open311_key,
        "service_code": query["service_code"] or f"{agency.code}.complaint",
        "attribute[national_id]": query["x"],
        "phone": query["start_date"],
        "email": query["end_date"],
        "description": query["x"],
        "first_name": query["x"],
        "lat": query["start_date"],
    }
    assert_answered(client.post("/open311/v2/requests.json", post))


@pytest.fixture
def e_service(agency: Organization, unit: Unit) -> Service:
    owner = member("owner", agency, Role.SERVICE_OWNER)
    card = {**CARD, "title": "رسیدگی به شکایت از بیمارستان", "category": "شکایات", "responsible_unit": unit}
    service = sw.service_create(agency=agency, code="hospital-complaint", card=card, actor=owner)
    for spec in (
        {"type": "text", "label": "نام بیمارستان", "required": True},
        {"type": "number", "label": "مبلغ", "required": False},
        {"type": "jalali_date", "label": "تاریخ مراجعه", "required": False},
    ):
        sw.form_field_save(service=service, spec=spec)
    sw.form_publish(service=service, actor=owner)
    return service


@pytest.fixture
def calendar(agency: Organization) -> Calendar:
    return open_desk(agency)


def field_names(page: str) -> list[str]:
    """Every field the page's forms send, read from the page as a browser would."""
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"', page))
    return sorted(names - {"csrfmiddlewaretoken"})


@given(value=raw_text, other=raw_text)
@EXAMPLES
def test_every_public_form_never_fails(
    agency: Organization, e_service: Service, calendar: Calendar, value: str, other: str
) -> None:
    """Each public page's own fields, filled with generated text (the same value, or another, per field)."""
    cache.clear()
    client = Client()
    pages = [
        "/letters/new/",
        "/track/",
        f"/services/{agency.code}/{e_service.code}/request/",
        "/account/sign-in/",
        "/appointments/manage/",
        f"/appointments/calendars/{calendar.public_id}/",
    ]
    for path in pages:
        names = field_names(client.get(path).content.decode())
        assert names, path
        data = {name: form_safe(value if index % 2 else other) for index, name in enumerate(names)}
        assert_answered(client.post(path, data))
        assert_answered(client.get(path, {name: form_safe(other) for name in names[:3]}))


@given(answers=st.dictionaries(st.sampled_from(["f1", "f2", "f3", "x"]), json_value, max_size=4), who=json_value)
@EXAMPLES
def test_the_e_service_api_never_fails(agency: Organization, e_service: Service, answers: Any, who: Any) -> None:
    cache.clear()
    body = {"full_name": who, "national_id": "0499370899", "mobile": "09121234567", "answers": answers}
    code = f"{agency.code}.service.{e_service.code}"
    response = Client().post(f"/api/v1/services/{code}/requests/", json.dumps(body), content_type="application/json")
    assert_answered(response)

"""Issue 18, evidence: every public form and API endpoint, driven with generated strings (NUL, lone
surrogates, bidi and RTL marks, Persian/Arabic letters and digits, huge values, nested JSON), never
answers 5xx and never leaves anything half-saved (an item without its requester or first event)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mokatebat.api.models import Scope
from mokatebat.api.workflow import client_create
from mokatebat.citizens.models import Requester
from mokatebat.correspondence.models import EventKind, Item
from mokatebat.organization.models import Organization

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

"""Public API through a real HTTP client: agencies, catalogue, submit (idempotent), track, errors, limits."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import new_tracking_code
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit

from .conftest import assert_error, letter


def test_agencies_list_and_one_agency_with_its_units(http: httpx.Client, agency: Organization, unit: Unit) -> None:
    listed = http.get("/api/v1/agencies/").json()
    assert [a["code"] for a in listed] == [agency.code]
    detail = http.get(f"/api/v1/agencies/{agency.code}/").json()
    names = {u["name"]: u for u in detail["units"]}
    assert names["اداره کل نظارت بر درمان"]["path_name"] == "معاونت درمان › اداره کل نظارت بر درمان"
    assert names["اداره کل نظارت بر درمان"]["parent"] == str(unit.parent.public_id)


def test_catalogue_offers_each_agency_kind_as_a_service(http: httpx.Client, agency: Organization) -> None:
    codes = {s["code"] for s in http.get("/api/v1/services/").json()}
    assert f"{agency.code}.complaint" in codes
    assert http.get(f"/api/v1/services/{agency.code}.complaint/").json()["agency"] == agency.code
    assert_error(http.get(f"/api/v1/services/{agency.code}.nothing/"), 404, "not_found")


def test_submit_twice_with_one_idempotency_key_makes_one_item(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    data = letter(agency, to_persian_digits(applicant_id))  # Persian digits in the national ID too
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = http.post("/api/v1/items/", json=data, headers=headers)
    again = http.post("/api/v1/items/", json=data, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    item = Item.objects.select_related("requester").get()
    # Normalised once at this edge, like the web form: ی/ک, ASCII digits.
    assert item.subject == "شکایت از تأخیر در رسیدگی"
    assert item.requester.national_id == applicant_id
    assert item.requester.mobile == "09123456789"
    assert OutboxMessage.objects.filter(item=item).count() == 1  # one SMS, not two


def test_the_same_key_from_another_person_does_not_return_the_first_item(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    headers = {"Idempotency-Key": "1"}
    first = http.post("/api/v1/items/", json=letter(agency, applicant_id), headers=headers).json()
    other = http.post("/api/v1/items/", json=letter(agency, "0499370899"), headers=headers).json()
    assert first["tracking_code"] != other["tracking_code"]
    assert Item.objects.count() == 2


def test_submit_without_a_key_twice_makes_two_items(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    for _ in range(2):
        assert http.post("/api/v1/items/", json=letter(agency, applicant_id)).status_code == 201
    assert Item.objects.count() == 2


def test_wrong_fields_come_back_in_the_error_shape_with_persian_messages(
    http: httpx.Client, agency: Organization
) -> None:
    response = http.post("/api/v1/items/", json=letter(agency, "1234567890", mobile="12345", subject=""))
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) >= {"subject"}  # DRF's own check: blank
    response = http.post("/api/v1/items/", json=letter(agency, "1234567890", mobile="12345"))
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["national_id"] == ["کد ملی باید ۱۰ رقم و معتبر باشد؛ لطفاً دوباره بررسی کنید."]
    assert "mobile" in error["fields"]
    assert Item.objects.count() == 0


def test_malformed_json_wrong_method_and_unknown_address_answer_in_the_error_shape(http: httpx.Client) -> None:
    bad_json = http.post("/api/v1/items/", content=b"{", headers={"Content-Type": "application/json"})
    assert_error(bad_json, 400, "parse_error")
    assert_error(http.delete("/api/v1/items/"), 405, "method_not_allowed")
    assert_error(http.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(http.get("/api/v2/"), 404, "not_found")


def test_public_submits_are_rate_limited(
    http: httpx.Client, agency: Organization, applicant_id: str, settings: object
) -> None:
    settings.API_PUBLIC_SUBMIT_RATE = "2/h"  # type: ignore[attr-defined]
    statuses = [http.post("/api/v1/items/", json=letter(agency, applicant_id)).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert_error(http.post("/api/v1/items/", json=letter(agency, applicant_id)), 429, "throttled")


@pytest.fixture
def answered(submit: object, clerk: object, unit: Unit) -> Item:
    item = submit()  # type: ignore[operator]
    wf.item_register(item=item, actor=clerk)  # type: ignore[arg-type]
    wf.item_refer(item=item, actor=clerk, unit=unit, instruction="دستور داخلی: فوری بررسی شود")  # type: ignore[arg-type]
    wf.action_record(item=item, actor=clerk, text="یادداشت داخلی کارشناس", public=False)  # type: ignore[arg-type]
    return item


def test_track_returns_the_public_timeline_only(http: httpx.Client, answered: Item) -> None:
    national_id = answered.requester.national_id
    code = to_persian_digits(answered.tracking_code)
    response = http.post("/api/v1/track/", json={"national_id": national_id, "tracking_code": code})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "referred"
    assert [e["title"] for e in body["timeline"]] == ["نامه دریافت شد", "در دبیرخانه ثبت شد", "برای رسیدگی ارجاع شد"]
    assert "دستور داخلی" not in response.text
    assert "یادداشت داخلی" not in response.text


def test_track_gives_one_neutral_answer_for_a_wrong_id_or_code(http: httpx.Client, answered: Item) -> None:
    wrong_id = http.post("/api/v1/track/", json={"national_id": "0499370899", "tracking_code": answered.tracking_code})
    other = Item.objects.exclude(pk=answered.pk).first()
    assert other is None
    assert_error(wrong_id, 404, "not_found")


def test_track_shares_the_web_pages_rate_limit(http: httpx.Client, answered: Item, settings: object) -> None:
    settings.TRACKING_RATE_PER_CLIENT = "2/h"  # type: ignore[attr-defined]
    body = {"national_id": answered.requester.national_id, "tracking_code": answered.tracking_code}
    assert http.post("/api/v1/track/", json=body).status_code == 200
    assert Client().post("/track/", body).status_code == 302  # the web page counts in the same bucket
    assert_error(http.post("/api/v1/track/", json=body), 429, "throttled")


def test_docs_page_loads_swagger_from_our_own_static_files(http: httpx.Client) -> None:
    page = http.get("/api/v1/docs/")
    assert page.status_code == 200
    assert "https://" not in page.text.split("<body>")[1].split("</body>")[0]  # no CDN
    assert http.get("/api/v1/schema/", headers={"Accept": "application/json"}).json()["openapi"].startswith("3.")


def test_track_wrong_guesses_for_a_known_id_never_lock_the_owner_out(answered: Item) -> None:
    """Issue 18.6 on the API: the same rule as the tracking page."""
    national_id = answered.requester.national_id

    def ask(address: str, code: str) -> int:
        body = {"national_id": national_id, "tracking_code": code}
        return Client(REMOTE_ADDR=address).post("/api/v1/track/", body, content_type="application/json").status_code

    guesses = [ask(f"10.8.{n}.1", new_tracking_code()) for n in range(11)]
    owner = ask("10.0.0.9", answered.tracking_code)

    assert guesses[:10] == [404] * 10
    assert guesses[10] == 429
    assert owner == 200

"""Issue 18, point 1: an Idempotency-Key reused with a different body is refused (422), never answered
with the first item; the same key with the same body still replays the first answer."""

from __future__ import annotations

import httpx

from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization

from .conftest import assert_error, bearer, letter


def test_a_key_reused_for_another_letter_of_the_same_person_is_refused_and_nothing_is_dropped(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    headers = {"Idempotency-Key": "order-17"}
    first = http.post("/api/v1/items/", json=letter(agency, applicant_id), headers=headers)
    second = http.post(
        "/api/v1/items/", json=letter(agency, applicant_id, subject="نامه دوم: درخواست دیگر"), headers=headers
    )
    assert first.status_code == 201
    error = assert_error(second, 422, "idempotency_key_reused")
    assert first.json()["tracking_code"] not in second.text
    assert "شناسه" in error["message"]
    assert Item.objects.count() == 1
    # The first letter's retry still replays its answer.
    again = http.post("/api/v1/items/", json=letter(agency, applicant_id), headers=headers)
    assert (again.status_code, again.json()["tracking_code"]) == (200, first.json()["tracking_code"])


def test_a_key_reused_with_another_mobile_is_refused(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    headers = {"Idempotency-Key": "k"}
    assert http.post("/api/v1/items/", json=letter(agency, applicant_id), headers=headers).status_code == 201
    other = http.post("/api/v1/items/", json=letter(agency, applicant_id, mobile="09351112233"), headers=headers)
    assert_error(other, 422, "idempotency_key_reused")


def test_a_client_system_key_reused_for_another_received_letter_is_refused(
    http: httpx.Client, agency: Organization, applicant_id: str, full_token: str
) -> None:
    headers = {**bearer(full_token), "Idempotency-Key": "post-2026-0002"}
    data = letter(agency, applicant_id, channel="post")
    data.pop("agency")
    first = http.post("/api/v1/client/items/", json=data, headers=headers)
    assert first.status_code == 201, first.text
    second = http.post("/api/v1/client/items/", json={**data, "body": "متن دیگری"}, headers=headers)
    assert_error(second, 422, "idempotency_key_reused")
    assert Item.objects.count() == 1

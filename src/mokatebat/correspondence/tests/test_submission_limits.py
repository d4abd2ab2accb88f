"""Issue 18, "abuse of the public forms": every public submission channel has limits per client address
(generous), per national ID and per mobile, with the tracking page's neutral message; a number nobody
has proven gets only a few SMS a day; a counter office with many applicants behind one address is
not blocked."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mokatebat.accounts.models import SignInCode
from mokatebat.api.models import Scope
from mokatebat.api.tests.conftest import letter, make_client
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization

from .test_submit_letter import letter_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


def person(seed: int) -> dict[str, str]:
    return {"national_id": generate_national_id(random.Random(seed)), "mobile": f"0912{seed:07d}"}


def send(client: Client, agency: Organization, seed: int, **overrides: Any) -> Any:
    data = letter_data(agency, nonce=f"nonce-{seed}-{random.random()}", **{**person(seed), **overrides})
    return client.post("/letters/new/", data)


def test_a_counter_office_with_many_applicants_behind_one_address_is_not_blocked(
    client: Client, agency: Organization
) -> None:
    answers = [send(client, agency, seed).status_code for seed in range(25)]
    assert answers == [302] * 25
    assert Item.objects.count() == 25


def test_one_national_id_is_limited_with_the_neutral_message(
    client: Client, agency: Organization, settings: Any
) -> None:
    settings.SUBMIT_RATE_PER_NATIONAL_ID = "3/d"
    answers = [send(client, agency, 1, mobile=f"0935000000{n}").status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]
    limited = send(Client(REMOTE_ADDR="10.1.1.1"), agency, 1, mobile="09350000009")  # from anywhere else
    assert limited.status_code == 429
    assert "تعداد تلاش‌ها بیش از حد مجاز است" in limited.content.decode()
    assert Item.objects.count() == 3


def test_one_mobile_is_limited_across_people(client: Client, agency: Organization, settings: Any) -> None:
    settings.SUBMIT_RATE_PER_MOBILE = "3/d"
    answers = [send(client, agency, seed, mobile="09121234567").status_code for seed in range(4)]
    assert answers == [302, 302, 302, 429]


def test_one_address_is_limited_in_a_burst(client: Client, agency: Organization, settings: Any) -> None:
    settings.SUBMIT_BURST_PER_CLIENT = "5/m"
    answers = [send(client, agency, seed).status_code for seed in range(6)]
    assert answers == [302] * 5 + [429]
    assert send(Client(REMOTE_ADDR="10.9.9.9"), agency, 99).status_code == 302  # another address is not


def test_an_unproven_mobile_gets_a_few_sms_a_day_and_every_letter_is_kept(
    client: Client, agency: Organization, settings: Any
) -> None:
    settings.SMS_UNPROVEN_PER_MOBILE_PER_DAY = "2/d"
    for seed in range(4):
        assert send(client, agency, seed, mobile="09121234567").status_code == 302
    assert Item.objects.count() == 4
    assert OutboxMessage.objects.filter(mobile="09121234567").count() == 2


def test_a_proven_mobile_is_not_capped(client: Client, agency: Organization, settings: Any) -> None:
    settings.SMS_UNPROVEN_PER_MOBILE_PER_DAY = "1/d"
    now = timezone.now()
    SignInCode.objects.create(
        identifier="0499370899", mobile="09121234567", code_hash="x", created_at=now, expires_at=now, used_at=now
    )
    for seed in range(3):
        send(client, agency, seed, mobile="09121234567")
    assert OutboxMessage.objects.filter(mobile="09121234567").count() == 3


def test_the_api_and_the_web_form_count_in_the_same_buckets(
    client: Client, agency: Organization, live_server: Any, settings: Any
) -> None:
    settings.SUBMIT_RATE_PER_NATIONAL_ID = "2/d"
    national_id = person(5)["national_id"]
    assert send(client, agency, 5).status_code == 302
    with httpx.Client(base_url=live_server.url) as http:
        first = http.post("/api/v1/items/", json=letter(agency, national_id))
        second = http.post("/api/v1/items/", json=letter(agency, national_id, subject="دیگر"))
    assert first.status_code == 201
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "throttled"


def test_open311_is_limited_per_person_not_per_client_address(
    agency: Organization, live_server: Any, settings: Any
) -> None:
    settings.SUBMIT_RATE_PER_NATIONAL_ID = "2/d"
    settings.SUBMIT_BURST_PER_CLIENT = "1/m"  # the app's one server address is not what is counted
    key = make_client(agency, "اپلیکیشن شهروندی", [Scope.OPEN311])[1]

    def post(seed: int) -> httpx.Response:
        who = person(seed)
        form = {
            "api_key": key,
            "service_code": f"{agency.code}.complaint",
            "attribute[national_id]": who["national_id"],
            "first_name": "رضا",
            "last_name": "احمدی",
            "phone": who["mobile"],
            "description": "چراغ راهنمای تقاطع خراب است.",
        }
        return http.post("/open311/v2/requests.json", data=form)

    with httpx.Client(base_url=live_server.url) as http:
        answers = [post(seed).status_code for seed in (1, 2, 3, 1, 1)]
    assert answers == [201, 201, 201, 201, 429]
    assert Item.objects.count() == 4

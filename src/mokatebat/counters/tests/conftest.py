"""The counter cast: two offices with one operator each, and the official tariff."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from mokatebat.core.identifiers import generate_national_id
from mokatebat.counters.models import CounterFee, Service
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.testing.staff import login_verified

REGISTRATION_FEE = 450_000
PRINTOUT_FEE = 150_000


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def tariff(db: Any) -> None:
    """The network-wide tariff (the data migration's rows are gone after a transactional test's flush)."""
    for service, amount in ((Service.LETTER_REGISTRATION, REGISTRATION_FEE), (Service.RESPONSE_PRINTOUT, PRINTOUT_FEE)):
        CounterFee.objects.update_or_create(
            office=None, service=service, valid_from=datetime.date(2025, 3, 21), defaults={"amount": amount}
        )


def counter_office(name: str, code: str) -> Organization:
    return Organization.objects.create(name=name, code=code, kind=Organization.Kind.COUNTER_OFFICE, city="بندرعباس")


def operator_of(office: Organization, username: str) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name="محسن", last_name="عباسی")
    Membership.objects.create(user=user, organization=office, role=Role.COUNTER_OPERATOR)
    return user


@pytest.fixture
def office_a(db: Any) -> Organization:
    return counter_office("دفتر پیشخوان دولت شماره ۱۲ بندرعباس", "counter-a")


@pytest.fixture
def office_b(db: Any) -> Organization:
    return counter_office("دفتر پیشخوان دولت روستای ایسین", "counter-b")


@pytest.fixture
def operator_a(office_a: Organization) -> User:
    return operator_of(office_a, "operator.a")


@pytest.fixture
def operator_b(office_b: Organization) -> User:
    return operator_of(office_b, "operator.b")


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def applicant_id() -> str:
    return generate_national_id(random.Random(42))


def letter_form(agency: Organization, national_id: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "nonce": f"nonce-{random.random()}",
        "agency": agency.code,
        "unit": "",
        "kind": "letter",
        "subject": "درخواست مجوز ساخت اسکله صیادی",
        "body": "با سلام، درخواست صدور مجوز ساخت اسکله صیادی در روستای ایسین را دارم.",
        "requester_kind": "natural",
        "full_name": "عبدالله بلوچی",
        "national_id": national_id,
        "mobile": "09171234567",
    }
    data.update(overrides)
    return data

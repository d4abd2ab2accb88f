"""The contact-centre cast: a phone operator at the agency, and one at another agency."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.testing.staff import login_verified


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def phone_operator_of(agency: Organization, username: str) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name="سمیرا", last_name="نادری")
    Membership.objects.create(user=user, organization=agency, role=Role.PHONE_OPERATOR)
    return user


@pytest.fixture
def operator(agency: Organization) -> User:
    return phone_operator_of(agency, "phone.operator")


@pytest.fixture
def other_operator(other_agency: Organization) -> User:
    return phone_operator_of(other_agency, "phone.other")


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def call_form(agency: Organization, national_id: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "nonce": f"call-{national_id}-{overrides.get('subject', '')}",
        "agency": agency.code,
        "unit": "",
        "kind": "complaint",
        "subject": "قطع مکرر آب در محله",
        "body": "تماس‌گیرنده می‌گوید آب محله سه روز است قطع است.",
        "requester_kind": "natural",
        "full_name": "زهرا موسوی",
        "national_id": national_id,
        "mobile": "۰۹۱۷ ۱۱۱ ۲۲۳۳",
    }
    data.update(overrides)
    return data

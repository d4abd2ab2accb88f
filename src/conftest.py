"""Fixtures shared by every app's tests: a small network and a citizen who writes to it."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import RequesterDetails, item_submit
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

pytest_plugins = ["mokatebat.testing.browser"]


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters() -> None:
    """Every public form counts submissions per ID and mobile: no test inherits another's counts."""
    cache.clear()


@pytest.fixture
def agency(db: Any) -> Organization:
    return Organization.objects.create(name="وزارت بهداشت، درمان و آموزش پزشکی", short_name="وزارت بهداشت", code="moh")


@pytest.fixture
def other_agency(db: Any) -> Organization:
    return Organization.objects.create(name="استانداری هرمزگان", short_name="استانداری هرمزگان", code="hormozgan")


@pytest.fixture
def unit(agency: Organization) -> Unit:
    deputy = Unit.objects.create(organization=agency, name="معاونت درمان", kind=Unit.Kind.DEPUTY)
    return Unit.objects.create(organization=agency, parent=deputy, name="اداره کل نظارت بر درمان")


@pytest.fixture
def clerk(agency: Organization) -> User:
    user = User.objects.create_user("clerk", password="a-long-test-password")
    Membership.objects.create(user=user, organization=agency, role=Role.SECRETARIAT_CLERK)
    return user


@pytest.fixture
def citizen() -> RequesterDetails:
    return RequesterDetails(
        kind="natural", full_name="مریم رضایی", national_id=generate_national_id(random.Random(7)), mobile="09121234567"
    )


@pytest.fixture
def submit(agency: Organization, citizen: RequesterDetails) -> Callable[..., Item]:
    """Submit an item through the real workflow; keyword arguments override the defaults."""

    def _submit(**overrides: Any) -> Item:
        fields: dict[str, Any] = {
            "agency": agency,
            "unit": None,
            "kind": "letter",
            "subject": "درخواست پیگیری پرونده درمانی",
            "body": "با سلام، خواهشمند است پرونده درمانی اینجانب بررسی شود.",
            "requester": citizen,
        }
        fields.update(overrides)
        item, _created = item_submit(**fields)
        return item

    return _submit

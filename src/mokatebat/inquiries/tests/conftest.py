"""The inquiry cast: agency A (the item's agency) asks; agency B answers on the network; a fake
registry on 127.0.0.1 answers HTTP inquiries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import item_register
from mokatebat.inquiries.models import Adapter, InquiryType, SharedField
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.testing.staff import login_verified

from .fake_registry import FakeRegistry


def staff(username: str, agency: Organization, role: str = Role.SECRETARIAT_CLERK) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name="زهرا", last_name="کریمی")
    Membership.objects.create(user=user, organization=agency, role=role)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def clerk_b(other_agency: Organization) -> User:
    return staff("clerk.b", other_agency)


@pytest.fixture
def third_agency(db: Any) -> Organization:
    return Organization.objects.create(name="سازمان ثبت احوال کشور", short_name="ثبت احوال", code="nocr")


@pytest.fixture
def clerk_c(third_agency: Organization) -> User:
    return staff("clerk.c", third_agency)


@pytest.fixture
def item(submit: Callable[..., Item], clerk: User) -> Item:
    """A registered letter of agency A."""
    letter = submit()
    item_register(item=letter, actor=clerk)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def network_type(agency: Organization, other_agency: Organization) -> InquiryType:
    return InquiryType.objects.create(
        agency=agency,
        name="استعلام سابقه پرونده از استانداری",
        adapter=Adapter.NETWORK_AGENCY,
        target_agency=other_agency,
        shared_fields=[SharedField.FULL_NAME, SharedField.NATIONAL_ID],
    )


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def registry_type(agency: Organization, registry: FakeRegistry, settings: Any) -> InquiryType:
    settings.INQUIRY_RETRY_BASE_SECONDS = 30
    settings.INQUIRY_REGISTRY_ALLOWED_HOSTS = ["127.0.0.1"]
    return InquiryType.objects.create(
        agency=agency,
        name="استعلام هویت از ثبت احوال",
        adapter=Adapter.HTTP_REGISTRY,
        registry_url=registry.url,
        registry_code="identity",
        timeout_seconds=1,
        max_attempts=3,
        shared_fields=[SharedField.NATIONAL_ID],
    )

"""The agency admin (or a service owner) keeps the agency's inquiry types on a staff page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mokatebat.inquiries.models import Adapter, InquiryType
from mokatebat.organization.models import Organization, Role, User

from .conftest import signed_in, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _allowed_registry(settings: Any) -> None:
    settings.INQUIRY_REGISTRY_ALLOWED_HOSTS = ["registry.example.ir"]


@pytest.fixture
def admin_a(agency: Organization) -> User:
    return staff("admin.a", agency, Role.AGENCY_ADMIN)


def new_type(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "استعلام هويت از ثبت احوال",  # Arabic ي: stored with Persian ی
        "adapter": Adapter.HTTP_REGISTRY,
        "target_agency": "",
        "registry_url": "https://registry.example.ir/inquiries",
        "registry_code": "identity",
        "timeout_seconds": "۱۵",  # Persian digits
        "max_attempts": "5",
        "shared_fields": ["national_id", "full_name"],
        "show_to_citizen": "on",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_agency_admin_adds_a_registry_type(admin_a: User, agency: Organization) -> None:
    response = signed_in(admin_a).post(reverse("inquiry-types"), new_type())
    assert response.status_code == 302
    created = InquiryType.objects.get(agency=agency)
    assert created.name == "استعلام هویت از ثبت احوال"
    assert created.timeout_seconds == 15
    assert created.shared_fields == ["national_id", "full_name"]


def test_a_network_type_needs_another_agency_and_says_so_in_persian(admin_a: User) -> None:
    response = signed_in(admin_a).post(reverse("inquiry-types"), new_type(adapter=Adapter.NETWORK_AGENCY))
    assert response.status_code == 400
    page = response.content.decode()
    assert "دستگاه پاسخ‌دهنده را انتخاب کنید." in page
    assert 'value="https://registry.example.ir/inquiries"' in page  # nothing typed is lost
    assert not InquiryType.objects.exists()


def test_an_agency_cannot_ask_itself(admin_a: User, agency: Organization) -> None:
    response = signed_in(admin_a).post(
        reverse("inquiry-types"), new_type(adapter=Adapter.NETWORK_AGENCY, target_agency=agency.code)
    )
    assert response.status_code == 400
    assert not InquiryType.objects.exists()


def test_a_duplicate_name_is_refused_politely(admin_a: User) -> None:
    client = signed_in(admin_a)
    client.post(reverse("inquiry-types"), new_type())
    response = client.post(reverse("inquiry-types"), new_type())
    assert response.status_code == 400
    assert "این دستگاه نوع استعلامی با همین عنوان دارد." in response.content.decode()


def test_an_admin_edits_only_own_agency_types(
    admin_a: User, other_agency: Organization, network_type: InquiryType
) -> None:
    client = signed_in(admin_a)
    url = reverse("inquiry-type-edit", args=[network_type.public_id])
    response = client.post(
        url,
        new_type(
            name="استعلام سابقه",
            adapter=Adapter.NETWORK_AGENCY,
            target_agency=other_agency.code,
            registry_url="",
            is_active="",
        ),
    )
    assert response.status_code == 302
    network_type.refresh_from_db()
    assert network_type.name == "استعلام سابقه"
    assert not network_type.is_active
    page = client.get(url).content.decode()
    assert f'<option value="{other_agency.code}" selected>' in page
    admin_b = staff("admin.b", other_agency, Role.AGENCY_ADMIN)
    assert signed_in(admin_b).get(url).status_code == 404


def test_a_clerk_cannot_manage_types(clerk: User) -> None:
    assert signed_in(clerk).get(reverse("inquiry-types")).status_code == 403


def test_a_registry_url_outside_the_allowed_hosts_is_refused(admin_a: User) -> None:
    data = new_type(registry_url="http://169.254.169.254/latest/meta-data/")
    response = signed_in(admin_a).post(reverse("inquiry-types"), data)
    assert response.status_code == 400
    assert "این نشانی در فهرست سامانه‌های استعلام مجاز نیست" in response.content.decode()
    assert not InquiryType.objects.exists()

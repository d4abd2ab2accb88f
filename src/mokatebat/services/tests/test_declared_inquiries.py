"""R7: a service declares inquiries on its card; each request asks them as soon as it is submitted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mokatebat.correspondence.models import Item
from mokatebat.inquiries.models import Adapter, Inquiry, InquiryType, SharedField
from mokatebat.organization.models import Organization, User
from mokatebat.services.models import Service

from .conftest import answers, signed_in
from .test_cards import card_post
from .test_request import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil_registry_check(agency: Organization, other_agency: Organization) -> InquiryType:
    return InquiryType.objects.create(
        agency=agency,
        name="استعلام سابقه از استانداری",
        adapter=Adapter.NETWORK_AGENCY,
        target_agency=other_agency,
        shared_fields=[SharedField.FULL_NAME, SharedField.NATIONAL_ID],
    )


def test_an_owner_declares_an_inquiry_and_each_request_asks_it(
    service: Service,
    owner: User,
    civil_registry_check: InquiryType,
    other_agency: Organization,
    doctor_id: str,
    applicant_id: str,
) -> None:
    edit = reverse("staff-service-edit", args=[service.public_id])
    owner_client = signed_in(owner)
    assert civil_registry_check.name in owner_client.get(edit).content.decode()
    saved = owner_client.post(edit, card_post(inquiry_types=[str(civil_registry_check.public_id)]))
    assert saved.status_code == 302

    post(Client(), service, answers(doctor_id, applicant_id))

    item = Item.objects.get()
    inquiry = Inquiry.objects.get(item=item)
    assert inquiry.inquiry_type == civil_registry_check
    assert inquiry.inquiry_type.target_agency == other_agency
    # The version before the declaration keeps none: versions are what was published then.
    assert not service.card_versions.order_by("number").first().inquiry_types.exists()

"""Who may ask, retry and cancel: the item's own agency handles its inquiries; nobody else even
learns the item exists (404)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mokatebat.correspondence.models import Item, Resolution
from mokatebat.correspondence.workflow import item_close
from mokatebat.inquiries.models import Adapter, Inquiry, InquiryState, InquiryType
from mokatebat.inquiries.workflow import inquiry_ask
from mokatebat.organization.models import Organization, Role, User

from .conftest import signed_in, staff

pytestmark = pytest.mark.django_db


def ask_data(inquiry_type: InquiryType) -> dict[str, str]:
    return {"inquiry_type": str(inquiry_type.public_id), "question": "پرسش"}


def test_staff_of_another_agency_cannot_ask_on_the_item(item: Item, clerk_b: User, network_type: InquiryType) -> None:
    response = signed_in(clerk_b).post(reverse("inquiry-ask", args=[item.public_id]), ask_data(network_type))
    assert response.status_code == 404
    assert not Inquiry.objects.exists()


def test_an_auditor_sees_the_item_but_cannot_ask(item: Item, agency: Organization, network_type: InquiryType) -> None:
    auditor = staff("auditor", agency, Role.AUDITOR)
    client = signed_in(auditor)
    page = client.get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "استعلام‌ها" in page
    assert "فرستادن استعلام" not in page
    assert client.post(reverse("inquiry-ask", args=[item.public_id]), ask_data(network_type)).status_code == 403


def test_a_type_of_another_agency_cannot_be_chosen(
    item: Item, clerk: User, other_agency: Organization, agency: Organization
) -> None:
    foreign = InquiryType.objects.create(
        agency=other_agency, name="استعلام دیگران", adapter=Adapter.NETWORK_AGENCY, target_agency=agency
    )
    response = signed_in(clerk).post(reverse("inquiry-ask", args=[item.public_id]), ask_data(foreign))
    assert response.status_code == 400
    assert "این نوع استعلام برای این دستگاه تعریف نشده است." in response.content.decode()
    assert not Inquiry.objects.exists()


def test_retry_and_cancel_of_another_agency_item_are_404(
    item: Item, clerk: User, clerk_b: User, network_type: InquiryType
) -> None:
    inquiry = inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    client = signed_in(clerk_b)
    for name in ("inquiry-retry", "inquiry-cancel"):
        assert client.post(reverse(name, args=[item.public_id, inquiry.public_id])).status_code == 404
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.SENT


def test_an_inquiry_id_under_the_wrong_item_is_404(
    item: Item, submit: object, clerk: User, network_type: InquiryType
) -> None:
    inquiry = inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    other_item = submit()  # type: ignore[operator]
    url = reverse("inquiry-cancel", args=[other_item.public_id, inquiry.public_id])
    assert signed_in(clerk).post(url).status_code == 404


def test_no_new_inquiry_on_a_closed_item(item: Item, clerk: User, network_type: InquiryType) -> None:
    item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED)
    client = signed_in(clerk)
    page = client.get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "فرستادن استعلام" not in page
    assert client.post(reverse("inquiry-ask", args=[item.public_id]), ask_data(network_type)).status_code == 403


def test_received_inbox_is_for_secretariats_only(agency: Organization) -> None:
    unit_person = staff("unit.person", agency, Role.UNIT_STAFF)
    assert signed_in(unit_person).get(reverse("inquiry-received")).status_code == 403


def test_the_item_page_lists_inquiries_in_a_fixed_number_of_queries(
    item: Item, clerk: User, network_type: InquiryType
) -> None:
    client = signed_in(clerk)
    inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    url = reverse("staff-item", args=[item.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)

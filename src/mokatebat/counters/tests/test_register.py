"""R21, R23: an operator registers a walk-in applicant's letter to any agency and hands over a receipt."""

from __future__ import annotations

from typing import Any

import pytest

from mokatebat.correspondence.models import Channel, Item
from mokatebat.counters.models import CounterVisit, VisitAction
from mokatebat.counters.receipt_pdf import ReceiptData, ReceiptPDF
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, User

from .conftest import REGISTRATION_FEE, letter_form, signed_in

pytestmark = pytest.mark.django_db


def register(client: Any, agency: Organization, national_id: str, **overrides: Any) -> Item:
    response = client.post("/counter/letters/new/", letter_form(agency, national_id, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Item.objects.get(public_id=response["Location"].split("/")[-3])


def test_operator_registers_a_letter_to_another_agency_with_sms_and_fee(
    operator_a: User, office_a: Organization, other_agency: Organization, applicant_id: str, tariff: None
) -> None:
    client = signed_in(operator_a)

    item = register(client, other_agency, applicant_id)

    assert item.channel == Channel.COUNTER_OFFICE
    assert item.counter_office == office_a
    assert item.created_by == operator_a
    assert item.agency == other_agency
    assert OutboxMessage.objects.filter(item=item, mobile="09171234567", template="item_submitted").exists()
    visit = CounterVisit.objects.get(item=item)
    assert (visit.action, visit.office, visit.operator, visit.fee) == (
        VisitAction.REGISTERED,
        office_a,
        operator_a,
        REGISTRATION_FEE,
    )
    page = client.get(f"/counter/items/{item.public_id}/receipt/").content.decode()
    assert "هزینه رسمی این خدمت: ۴۵۰٬۰۰۰ ریال" in page
    assert office_a.code in page
    assert other_agency.name in page


def test_receipt_pdf_is_a_pdf(operator_a: User, other_agency: Organization, applicant_id: str, tariff: None) -> None:
    client = signed_in(operator_a)
    item = register(client, other_agency, applicant_id)

    response = client.get(f"/counter/items/{item.public_id}/receipt/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_receipt_pdf_prints_the_fee_with_the_persian_separator(
    operator_a: User, other_agency: Organization, applicant_id: str, tariff: None
) -> None:
    item = register(signed_in(operator_a), other_agency, applicant_id)

    class Printed(ReceiptPDF):
        """The receipt as drawn, with each line's text kept to read back."""

        lines: list[str] = []

        def cell(self, *args: Any, **kwargs: Any) -> Any:
            self.lines.append(str(kwargs.get("text", args[2] if len(args) > 2 else "")))
            return super().cell(*args, **kwargs)

    pdf = Printed(ReceiptData(item=item, operator_name="محسن عباسی", fee=REGISTRATION_FEE))
    pdf.draw()
    fee_line = next(line for line in pdf.lines if line.startswith("هزینه رسمی"))
    assert fee_line == "هزینه رسمی این خدمت: ۴۵۰٬۰۰۰ ریال"
    assert "," not in fee_line


def test_a_double_submit_makes_one_item_and_charges_once(
    operator_a: User, agency: Organization, applicant_id: str, tariff: None
) -> None:
    client = signed_in(operator_a)
    data = letter_form(agency, applicant_id)

    client.post("/counter/letters/new/", data)
    client.post("/counter/letters/new/", data)

    assert Item.objects.count() == 1
    assert CounterVisit.objects.filter(action=VisitAction.REGISTERED).count() == 1


def test_the_form_shows_the_fee_and_bad_input_is_a_400_not_a_500(
    operator_a: User, agency: Organization, tariff: None
) -> None:
    client = signed_in(operator_a)

    assert "۴۵۰٬۰۰۰" in client.get("/counter/letters/new/").content.decode()
    data = letter_form(agency, "123", mobile="abc") | {"agency": "nope", "requester_kind": "martian"}
    response = client.post("/counter/letters/new/", data)

    assert response.status_code == 400
    assert Item.objects.count() == 0
    assert CounterVisit.objects.count() == 0


def test_an_office_tariff_overrides_the_network_tariff(
    operator_a: User, office_a: Organization, agency: Organization, applicant_id: str, tariff: None
) -> None:
    from mokatebat.counters.models import CounterFee, Service

    CounterFee.objects.create(
        office=office_a, service=Service.LETTER_REGISTRATION, amount=300_000, valid_from="2025-06-01"
    )
    item = register(signed_in(operator_a), agency, applicant_id)

    assert CounterVisit.objects.get(item=item).fee == 300_000

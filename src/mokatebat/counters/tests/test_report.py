"""What an office did in a Jalali date range, in Persian digits; other offices' work is not counted."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from mokatebat.counters.models import CounterVisit, VisitAction
from mokatebat.counters.views import office_totals
from mokatebat.organization.models import Organization, User

from .conftest import signed_in

pytestmark = pytest.mark.django_db

TEHRAN_NOON = datetime.datetime(2026, 2, 10, 8, 30, tzinfo=datetime.UTC)  # 1404/11/21


def visit(office: Organization, operator: User, action: VisitAction, fee: int = 0, days_ago: int = 0) -> None:
    CounterVisit.objects.create(
        office=office, operator=operator, action=action, fee=fee, at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@time_machine.travel(TEHRAN_NOON, tick=False)
def test_report_counts_this_months_work_of_the_operators_office(
    office_a: Organization, operator_a: User, office_b: Organization, operator_b: User
) -> None:
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000)
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000, days_ago=3)
    visit(office_a, operator_a, VisitAction.LOOKED_UP)
    visit(office_a, operator_a, VisitAction.PRINTED_RESPONSE, fee=150_000)
    visit(office_a, operator_a, VisitAction.HANDED_OVER)
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000, days_ago=40)  # last month
    visit(office_b, operator_b, VisitAction.REGISTERED, fee=450_000)

    response = signed_in(operator_a).get("/counter/report/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "۱۴۰۴/۱۱/۰۱" in page
    assert "۱۴۰۴/۱۱/۲۱" in page
    assert "۱٬۰۵۰٬۰۰۰" in page  # 2 × 450,000 + 150,000
    assert office_b.name not in page
    today = timezone.localdate()
    totals = office_totals([office_a], datetime.date(2026, 1, 21), today)[office_a.pk]
    assert (totals["registered"], totals["looked_up"], totals["printed_response"], totals["handed_over"]) == (
        2,
        1,
        1,
        1,
    )
    assert totals["fees"] == 1_050_000


@time_machine.travel(TEHRAN_NOON, tick=False)
def test_report_takes_a_jalali_range_and_survives_nonsense(office_a: Organization, operator_a: User) -> None:
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000, days_ago=40)
    client = signed_in(operator_a)

    chosen = client.get("/counter/report/", {"date_from": "۱۴۰۴/۱۰/۰۱", "date_to": "1404/10/30"})
    nonsense = client.get("/counter/report/", {"date_from": "1404/13/45", "date_to": "<script>"})

    assert chosen.status_code == 200
    assert "۴۵۰٬۰۰۰" in chosen.content.decode()
    assert nonsense.status_code == 400


@time_machine.travel(TEHRAN_NOON, tick=False)
def test_home_shows_todays_counts(office_a: Organization, operator_a: User) -> None:
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000)
    visit(office_a, operator_a, VisitAction.REGISTERED, fee=450_000, days_ago=1)

    page = signed_in(operator_a).get("/counter/").content.decode()

    assert 'd-block display-6 fw-bold mb-0">۱<' in page

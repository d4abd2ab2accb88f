"""Query budgets of the hot paths (issue 15): adding a query to one of them fails here and must say why.

Each budget is the exact number of statements Django sends for one request on the real PostgreSQL,
measured in steady state (a staff session already touched this minute) and with several rows on
the page, so an N+1 loop shows up as a changed number. Inside the test's transaction every
``transaction.atomic`` block is a SAVEPOINT/RELEASE pair; in production they are BEGIN/COMMIT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.core.cached import forget_cached_rows
from mokatebat.core.persian import persian_text_digits
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.tests.test_staff_pages import client_for, staff
from mokatebat.correspondence.tests.test_submit_letter import letter_data
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services.tests.conftest import build_service, member

pytestmark = pytest.mark.django_db


def queries_of(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, [q["sql"] for q in captured.captured_queries]


def assert_budget(sqls: list[str], budget: int) -> None:
    listing = "\n".join(f"{n}: {sql[:160]}" for n, sql in enumerate(sqls, 1))
    assert len(sqls) == budget, f"{len(sqls)} queries instead of {budget}:\n{listing}"


@pytest.fixture
def referred(submit: Callable[..., Item], clerk: User, unit: Unit) -> list[Item]:
    items = [submit(subject=f"نامه شماره {n}") for n in range(3)]
    for item in items:
        item_refer(item=item_register(item=item, actor=clerk), actor=clerk, unit=unit)
    return items


def test_track_post_is_one_rate_limit_statement_and_one_lookup(referred: list[Item]) -> None:
    """Was 20: 15 of them the rate limiter on the database cache, one a session row write."""
    item = referred[0]
    form = {"national_id": item.requester.national_id, "tracking_code": item.tracking_code}

    response, sqls = queries_of(lambda: Client().post("/track/", form))

    assert response.status_code == 302
    assert_budget(sqls, 2)  # the counters upsert (3 limits), the item with requester and agency
    assert "ON CONFLICT" in sqls[0]
    assert not any("django_session" in sql or "cache_entries" in sql for sql in sqls)


def test_track_result_page(referred: list[Item]) -> None:
    item = referred[0]
    browser = Client()
    form = {"national_id": item.requester.national_id, "tracking_code": item.tracking_code}
    location = browser.post("/track/", form)["Location"]

    response, sqls = queries_of(lambda: browser.get(location))

    assert response.status_code == 200
    # item, open question, public timeline, e-service request, responses; no session read or write
    assert_budget(sqls, 5)
    assert not any("django_session" in sql for sql in sqls)


def test_submit_form_page(agency: Organization, unit: Unit) -> None:
    response, sqls = queries_of(lambda: Client().get(f"/letters/new/?agency={agency.code}"))

    assert response.status_code == 200
    assert_budget(sqls, 3)  # agencies, and the agency's units for the two unit fields


def test_submit_form_page_with_the_lists_cached_per_process(agency: Organization, unit: Unit, settings: Any) -> None:
    settings.PUBLIC_LIST_CACHE_SECONDS = 60
    forget_cached_rows()
    Client().get(f"/letters/new/?agency={agency.code}")  # fills this process's lists

    response, sqls = queries_of(lambda: Client().get(f"/letters/new/?agency={agency.code}"))

    assert response.status_code == 200
    assert unit.name in response.content.decode()
    assert_budget(sqls, 0)  # was 3
    forget_cached_rows()


def test_submit_post_and_its_receipt(agency: Organization) -> None:
    browser = Client()

    response, sqls = queries_of(lambda: browser.post("/letters/new/", letter_data(agency)))

    assert response.status_code == 302
    # kept uploads, agency, idempotency check, requester, item, event, service title for the SMS text,
    # outbox de-duplication check and row, PR case check and insert (was check/insert/update: 22),
    # and 9 SAVEPOINT/RELEASE: 21. Since then, +9 for what the issues of this round asked:
    # the submission limits' counters upsert (address, national ID, mobile) and, for the "received"
    # SMS to a typed mobile, whether it was ever proven and its daily counter (issue 18: 3);
    # the deadline clock stamped at receipt: the agency's policies, the service card's duration,
    # the clock row check, the agency's work week and holidays, and the clock's INSERT (issue 12: 6).
    assert_budget(sqls, 30)
    assert not any("django_session" in sql for sql in sqls)
    receipt, receipt_sqls = queries_of(lambda: browser.get(response["Location"]))
    assert receipt.status_code == 200
    assert_budget(receipt_sqls, 1)  # the item with agency, unit and requester


def test_public_catalogue(agency: Organization, unit: Unit) -> None:
    owner = member("owner", agency, Role.SERVICE_OWNER)
    for code in ("clinic-license", "pharmacy-license", "lab-license"):
        build_service(agency, owner, unit, code=code)

    response, sqls = queries_of(lambda: Client().get("/services/"))

    assert response.status_code == 200
    assert_budget(sqls, 3)  # categories, agencies, the services with their published cards


def _steady(client: Client, path: str) -> tuple[Any, list[str]]:
    client.get(path)  # the first request after sign-in writes the session's last-seen time
    return queries_of(lambda: client.get(path))


def test_secretariat_inbox(clerk: User, referred: list[Item], submit: Callable[..., Item]) -> None:
    for n in range(3):
        submit(subject=f"نامه تازه {n}")

    response, sqls = _steady(client_for(clerk), "/staff/inbox/?status=")

    assert response.status_code == 200
    # session, user, OTP device and its confirmed check, memberships and their units, the items page,
    # the roles for the menu, the unit filter's options
    assert_budget(sqls, 9)


def test_unit_inbox(agency: Organization, unit: Unit, referred: list[Item]) -> None:
    unit_clerk = staff("unit.clerk", agency, Role.UNIT_STAFF, [unit])

    response, sqls = _steady(client_for(unit_clerk), "/staff/units/")

    assert response.status_code == 200
    assert all(persian_text_digits(item.subject) in response.content.decode() for item in referred)
    # session, user, OTP device ×2, memberships and units, the referrals with their items, menu roles
    assert_budget(sqls, 8)


def test_item_page(clerk: User, referred: list[Item]) -> None:
    response, sqls = _steady(client_for(clerk), f"/staff/items/{referred[0].public_id}/")

    assert response.status_code == 200
    # Was 27: the referral list was read twice. 6 for the session and permissions, then the item,
    # referrals, history, SMS, timeline, duplicates, menu roles, e-service, attachments, similar
    # items, responses, a membership check, inquiries, inquiry types (exists + list), the forms'
    # categories, units ×2 and agencies, drafts
    assert_budget(sqls, 26)

"""What staff see of deadlines: the secretariat's default view, due states with filter and sort in
both inboxes, the agency's overdue list, the extension step; and what the citizen sees."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.persian import persian_text_digits
from mokatebat.correspondence.models import Item, Kind
from mokatebat.correspondence.workflow import (
    info_request,
    item_refer,
    item_register,
    referral_return_to_secretariat,
)
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db

SATURDAY = datetime.datetime(2026, 11, 21, 9, tzinfo=TEHRAN)
OVERDUE_DAY = datetime.datetime(2026, 12, 14, 10, tzinfo=TEHRAN)  # a complaint of the 21st was due on the 12th


def staff(username: str, organization: Organization, role: Role, units: list[Unit] | None = None) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name=username)
    Membership.objects.create(user=user, organization=organization, role=role).units.set(units or [])
    return user


def client_for(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def received(submit: Callable[..., Item]) -> Callable[..., Item]:
    def _received(**overrides: Any) -> Item:
        with time_machine.travel(SATURDAY, tick=False):
            return submit(**overrides)

    return _received


def test_the_secretariat_opens_on_everything_waiting_for_it_and_says_so(
    received: Callable[..., Item], clerk: User, unit: Unit
) -> None:
    new = received(subject="نامه تازه")
    registered = item_register(item=received(subject="ثبت‌شده و ارجاع‌نشده"), actor=clerk)
    returned = item_register(item=received(subject="برگشتی از واحد"), actor=clerk)
    referral = item_refer(item=returned, actor=clerk, unit=unit)
    referral_return_to_secretariat(referral=referral, actor=clerk, note="واحد دیگری صالح است")
    in_a_unit = item_register(item=received(subject="در دست واحد"), actor=clerk)
    item_refer(item=in_a_unit, actor=clerk, unit=unit)

    page = client_for(clerk).get("/staff/inbox/").content.decode()

    for item in (new, registered, returned):
        assert item.subject in page
    assert in_a_unit.subject not in page
    assert "selected>در انتظار دبیرخانه: تازه، ثبت‌شده و ارجاع‌نشده، برگشتی</option>" in page
    everything = client_for(clerk).get("/staff/inbox/", {"status": ""}).content.decode()
    assert in_a_unit.subject in everything


def test_the_inbox_shows_age_due_date_and_state_and_filters_and_sorts_by_due_date(
    received: Callable[..., Item], clerk: User
) -> None:
    complaint = received(kind=Kind.COMPLAINT, subject="شکایت از تأخیر")  # due 1405/09/21
    letter = received(kind=Kind.LETTER, subject="نامه درخواست")  # due 1405/10/12
    with time_machine.travel(OVERDUE_DAY, tick=False):
        client = client_for(clerk)
        page = client.get("/staff/inbox/").content.decode()
        assert "۱۴۰۵/۰۹/۲۱" in page
        assert "گذشته از مهلت" in page
        assert "۲۳" in page
        overdue = client.get("/staff/inbox/", {"status": "waiting", "due": "overdue"}).content.decode()
        assert complaint.subject in overdue
        assert letter.subject not in overdue
        by_due = client.get("/staff/inbox/", {"status": "", "sort": "due"}).content.decode()
        assert by_due.index(complaint.subject) < by_due.index(letter.subject)
        recent = client.get("/staff/inbox/", {"status": "", "sort": "recent"}).content.decode()
        assert recent.index(letter.subject) < recent.index(complaint.subject)


def test_sorting_by_due_date_pages_by_keyset(received: Callable[..., Item], clerk: User, monkeypatch: Any) -> None:
    from mokatebat.correspondence import staff_views

    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    subjects = [  # as the page shows them: digits in Persian
        persian_text_digits(received(kind=kind, subject=f"مورد {n}").subject)
        for n, kind in enumerate([Kind.LETTER, Kind.COMPLAINT, Kind.REQUEST])
    ]
    client = client_for(clerk)
    first = client.get("/staff/inbox/", {"sort": "due"})
    cursor = first.context["next_cursor"]
    assert cursor
    second = client.get("/staff/inbox/", {"sort": "due", "status": "waiting", "after": cursor}).content.decode()
    shown_first = [s for s in subjects if s in first.content.decode()]
    shown_second = [s for s in subjects if s in second]
    assert sorted(shown_first + shown_second) == sorted(subjects)
    assert subjects[1] in shown_first  # the complaint is due first


def test_the_inbox_costs_the_same_queries_for_many_items(received: Callable[..., Item], clerk: User) -> None:
    client = client_for(clerk)
    received()
    client.get("/staff/inbox/", {"sort": "due"})  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/inbox/", {"sort": "due"})
    for _n in range(5):
        received()
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/inbox/", {"sort": "due"})
    assert len(many) == len(few)


def test_the_unit_inbox_shows_the_answer_date_and_filters_by_state(
    received: Callable[..., Item], clerk: User, unit: Unit
) -> None:
    unit_staff = staff("unit.staff", unit.organization, Role.UNIT_STAFF, [unit])
    late = item_register(item=received(kind=Kind.COMPLAINT, subject="شکایت دیرشده"), actor=clerk)
    item_refer(item=late, actor=clerk, unit=unit)
    waiting = item_register(item=received(kind=Kind.LETTER, subject="منتظر متقاضی"), actor=clerk)
    item_refer(item=waiting, actor=clerk, unit=unit)
    info_request(item=waiting, actor=unit_staff, question="مدرک را بفرستید")
    with time_machine.travel(OVERDUE_DAY, tick=False):
        client = client_for(unit_staff)
        page = client.get("/staff/units/").content.decode()
        assert "گذشته از مهلت" in page
        assert "متوقف: در انتظار پاسخ متقاضی" in page
        paused = client.get("/staff/units/", {"due": "paused"}).content.decode()
        assert waiting.subject in paused
        assert late.subject not in paused


def track(client: Client, item: Item) -> str:
    page = client.post(
        "/track/", {"national_id": item.requester.national_id, "tracking_code": item.tracking_code}, follow=True
    )
    return str(page.content.decode())


def test_the_citizen_sees_the_received_and_expected_dates_and_a_pause_as_such(
    received: Callable[..., Item], clerk: User
) -> None:
    from django.core.cache import cache

    cache.clear()
    item = item_register(item=received(kind=Kind.COMPLAINT), actor=clerk)
    page = track(Client(), item)
    assert "تاریخ دریافت" in page
    assert "۱۴۰۵/۰۸/۳۰" in page
    assert "۱۴۰۵/۰۹/۲۱" in page  # expected answer date
    info_request(item=item, actor=clerk, question="مدرک را بفرستید")
    page = track(Client(), item)
    assert "متوقف: در انتظار پاسخ شما" in page
    assert "مهلت پاسخ متوقف شد: در انتظار پاسخ شما" in page  # on the timeline too


def test_the_api_track_answer_carries_the_due_object(received: Callable[..., Item], live_server: Any) -> None:
    import httpx

    item = received(kind=Kind.COMPLAINT)
    with time_machine.travel(OVERDUE_DAY, tick=True):
        answer = httpx.post(
            f"{live_server.url}/api/v1/track/",
            json={"national_id": item.requester.national_id, "tracking_code": item.tracking_code},
            timeout=30,
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["due"] == {
        "acknowledge_by": "2026-11-23",
        "answer_by": "2026-12-12",
        "days_waiting": 23,
        "state": "overdue",
    }


def test_the_refer_form_offers_the_answer_date_in_jalali_and_takes_it_back(
    received: Callable[..., Item], clerk: User, unit: Unit
) -> None:
    from mokatebat.correspondence.models import Referral

    item = item_register(item=received(kind=Kind.COMPLAINT), actor=clerk)
    client = client_for(clerk)
    page = client.get(f"/staff/items/{item.public_id}/").content.decode()
    assert 'value="۱۴۰۵/۰۹/۲۱"' in page
    item.refresh_from_db()
    form = {"version": item.version, "unit": str(unit.public_id), "instruction": "", "deadline": "۱۴۰۵/۰۹/۲۱"}
    client.post(f"/staff/items/{item.public_id}/refer/", form)
    assert Referral.objects.get(item=item).deadline == datetime.date(2026, 12, 12)
    late = {**form, "version": item.version + 1, "deadline": "۱۴۰۵/۰۹/۲۵"}
    answer = client.post(f"/staff/items/{item.public_id}/refer/", late, follow=True).content.decode()
    assert "مهلت واحد نمی‌تواند پس از مهلت پاسخ به متقاضی" in answer

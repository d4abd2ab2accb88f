"""Public statistics: every published figure equals an independent SQL count over the records, small
counts are never told exactly, and the open data (JSON, CSV) says the same as the page."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.workdays import count_working_days
from mokatebat.correspondence.models import Channel, Item
from mokatebat.correspondence.workflow import response_issue
from mokatebat.organization.models import Organization, User
from mokatebat.reports.rollup import rebuild_days, rollup_tick
from mokatebat.reports.stats import agency_stats, jalali_months

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def sql_count(query: str, *params: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return int(cursor.fetchone()[0])


@pytest.fixture
def seeded(agency: Organization, clerk: User, submit: Callable[..., Item]) -> list[Item]:
    """Nine letters over the last weeks, six of them answered, by three channels."""
    now = timezone.now()
    items = []
    for n in range(9):
        channel = [Channel.ONLINE, Channel.POST, Channel.IN_PERSON][n % 3]
        items.append(submit(channel=channel, at=now - datetime.timedelta(days=20 - n)))
    for n, item in enumerate(items[:6]):
        response_issue(item=item, actor=clerk, body="پاسخ", at=item.submitted_at + datetime.timedelta(days=n + 1))
    rebuild_days(timezone.localdate() - datetime.timedelta(days=60), timezone.localdate())
    return items


def test_the_agency_figures_equal_independent_counts(client: Client, agency: Organization, seeded: list[Item]) -> None:
    data = client.get(f"/api/v1/stats/{agency.code}/").json()

    first = data["period"]["from"]
    received = sql_count(
        "SELECT count(*) FROM correspondence_item WHERE agency_id = %s"
        " AND (submitted_at AT TIME ZONE 'Asia/Tehran')::date >= %s",
        agency.pk,
        first,
    )
    answered = sql_count(
        "SELECT count(DISTINCT item_id) FROM correspondence_response r JOIN correspondence_item i ON i.id = r.item_id"
        " WHERE i.agency_id = %s",
        agency.pk,
    )
    assert (received, answered) == (9, 6)
    assert data["received"] == received
    assert data["answered"] == answered
    assert sum(row["received"] for row in data["months"] if isinstance(row["received"], int)) <= received
    by_channel = {row["channel"]: row["received"] for row in data["channels"]}
    assert by_channel == {"online": "<5", "post": "<5", "in_person": "<5"}  # three each: never told exactly


def test_the_median_time_to_answer_counts_working_days(agency: Organization, seeded: list[Item]) -> None:
    days = sorted(
        count_working_days(
            agency,
            item.submitted_at.astimezone(TEHRAN).date(),
            item.responses.first().issued_at.astimezone(TEHRAN).date(),
        )
        for item in Item.objects.filter(responses__isnull=False).distinct()
    )

    stats = agency_stats(agency)
    assert stats["median_working_days_to_answer"] == float(days[(len(days) + 1) // 2 - 1])


def test_a_second_answer_does_not_count_an_item_twice(
    client: Client, agency: Organization, clerk: User, seeded: list[Item]
) -> None:
    response_issue(item=seeded[0], actor=clerk, body="پاسخ تکمیلی")
    rebuild_days(timezone.localdate() - datetime.timedelta(days=60), timezone.localdate())

    assert client.get(f"/api/v1/stats/{agency.code}/").json()["answered"] == 6


def test_rebuilding_twice_gives_the_same_rows(agency: Organization, seeded: list[Item]) -> None:
    before = sql_count("SELECT coalesce(sum(received), 0) FROM reports_intakeday")
    rebuild_days(timezone.localdate() - datetime.timedelta(days=60), timezone.localdate())
    rollup_tick()
    assert sql_count("SELECT coalesce(sum(received), 0) FROM reports_intakeday") == before == 9


def test_counts_below_five_are_not_published(client: Client, agency: Organization, submit: Callable[..., Item]) -> None:
    for _ in range(3):
        submit()
    rebuild_days(timezone.localdate(), timezone.localdate())

    data = client.get(f"/api/v1/stats/{agency.code}/").json()
    assert data["received"] == "<5"
    assert data["months"][0]["received"] == 0  # a month with none: zero identifies nobody
    page = client.get(f"/stats/{agency.code}/").content.decode()
    assert "کمتر از ۵" in page
    assert "<td>۳</td>" not in page


def test_the_pages_and_csv_show_the_published_figures(client: Client, agency: Organization, seeded: list[Item]) -> None:
    network = client.get("/stats/")
    assert network.status_code == 200
    assert f'href="/stats/{agency.code}/"' in network.content.decode()

    page = client.get(f"/stats/{agency.code}/").content.decode()
    assert '<div class="fs-4 fw-bold">۹</div>' in page  # received, in Persian digits
    assert '<div class="fs-4 fw-bold">۶</div>' in page  # answered
    assert 'id="monthly-data"' in page  # the chart's data sits beside its table

    rows = list(csv.reader(io.StringIO(client.get(f"/stats/{agency.code}.csv").content.decode("utf-8-sig"))))
    assert rows[0] == ["month", "received", "answered"]
    assert len(rows) == 1 + 12


def test_no_personal_data_or_free_text_is_published(client: Client, agency: Organization, seeded: list[Item]) -> None:
    text = client.get(f"/api/v1/stats/{agency.code}/").content.decode() + client.get("/api/v1/stats/").content.decode()
    item = seeded[0]
    for private in (item.requester.national_id, item.requester.mobile, item.subject, item.tracking_code):
        assert private not in text


def test_jalali_months_end_with_the_current_month() -> None:
    months = jalali_months(datetime.date(2026, 3, 25))  # 5 Farvardin 1405
    assert months[-1][0] == "1405-01"
    assert months[-1][1] == datetime.date(2026, 3, 21)
    assert months[0][0] == "1404-02"
    assert all(first <= last for _label, first, last in months)


def test_an_unknown_agency_is_a_404(client: Client, db: Any) -> None:
    assert client.get("/stats/nowhere/").status_code == 404
    assert client.get("/api/v1/stats/nowhere/").status_code == 404

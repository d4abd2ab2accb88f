"""The agency dashboard: its numbers equal independent SQL counts, each count drills down to the
inbox rows behind it, and only those who steer the agency open it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from mokatebat.correspondence.models import Channel, Item
from mokatebat.correspondence.workflow import response_issue
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.reports.rollup import rebuild_days
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


def sql_count(query: str, *params: object) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return int(cursor.fetchone()[0])


@pytest.fixture
def head(agency: Organization) -> User:
    user = User.objects.create_user("head", password="a-long-test-password")
    Membership.objects.create(user=user, organization=agency, role=Role.HEAD)
    return user


def test_the_dashboard_counts_equal_independent_sql_and_drill_down_to_the_inbox(
    client: Client, agency: Organization, clerk: User, head: User, submit: Callable[..., Item]
) -> None:
    for n in range(7):
        item = submit(channel=Channel.POST if n % 2 else Channel.ONLINE)
        if n < 3:
            response_issue(item=item, actor=clerk, body="پاسخ")
    rebuild_days(timezone.localdate() - datetime.timedelta(days=2), timezone.localdate())
    Membership.objects.create(user=clerk, organization=agency, role=Role.AGENCY_ADMIN)  # may open the inbox too

    login_verified(client, clerk)
    html = client.get("/staff/dashboard/").content.decode()

    online = sql_count(
        "SELECT count(*) FROM correspondence_item WHERE agency_id = %s AND channel = 'online'", agency.pk
    )
    open_now = sql_count(
        "SELECT count(*) FROM correspondence_item WHERE agency_id = %s AND status NOT IN ('answered', 'closed')",
        agency.pk,
    )
    assert (online, open_now) == (4, 4)
    link = re.search(r'<a href="(/staff/inbox/\?[^"]*channel=online[^"]*)">([۰-۹]+)</a>', html)
    assert link, "the online count is not a link to the inbox"
    assert link.group(2) == "۴"
    listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert listed.count("/staff/items/") >= online
    assert "۷" in html  # received in the period


def test_the_head_reads_the_dashboard_without_inbox_links_and_a_clerk_is_refused(
    client: Client, agency: Organization, clerk: User, head: User, submit: Callable[..., Item]
) -> None:
    submit()
    rebuild_days(timezone.localdate(), timezone.localdate())
    login_verified(client, head)
    response = client.get("/staff/dashboard/")
    assert response.status_code == 200
    assert "/staff/inbox/" not in response.content.decode()  # the head does not work the inbox
    assert 'href="/staff/dashboard/"' in client.get("/staff/").content.decode()  # reachable from home

    other = Client()
    login_verified(other, clerk)
    assert other.get("/staff/dashboard/").status_code == 403

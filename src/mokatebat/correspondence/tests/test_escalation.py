"""Escalation: who is told when an item is due soon, overdue and long overdue; once per threshold
however many workers run; the daily digest; the agency's overdue list and who may open it."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from mokatebat.core.jalali import TEHRAN
from mokatebat.correspondence import escalation
from mokatebat.correspondence.models import (
    DeadlineDigest,
    DeadlineNotice,
    DeadlinePolicy,
    Item,
    Kind,
    NoticeRecipient,
)
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

SATURDAY = datetime.datetime(2026, 11, 21, 9, tzinfo=TEHRAN)
Threshold = DeadlineNotice.Threshold


def staff(username: str, organization: Organization, role: Role, units: list[Unit] | None = None) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", email=f"{username}@example.org")
    Membership.objects.create(user=user, organization=organization, role=role).units.set(units or [])
    return user


@pytest.fixture
def cast(agency: Organization, unit: Unit) -> dict[str, User]:
    assert unit.parent is not None
    return {
        "staff": staff("unit.staff", agency, Role.UNIT_STAFF, [unit]),
        "manager": staff("unit.manager", agency, Role.UNIT_MANAGER, [unit]),
        "deputy": staff("deputy", agency, Role.DEPUTY, [unit.parent]),
        "head": staff("head", agency, Role.HEAD),
        "auditor": staff("auditor", agency, Role.AUDITOR),
    }


def referred_complaint(submit: Callable[..., Item], clerk: User, unit: Unit, **fields: Any) -> Item:
    with time_machine.travel(SATURDAY, tick=False):
        item = item_register(item=submit(kind=Kind.COMPLAINT, **fields), actor=clerk)
        item_refer(item=item, actor=clerk, unit=unit)
    return item


def recipients(threshold: str) -> set[str]:
    rows = NoticeRecipient.objects.filter(notice__threshold=threshold).values_list("user__username", flat=True)
    return set(rows)


@pytest.mark.django_db
def test_due_soon_then_overdue_then_escalated_each_once_to_the_right_people(
    submit: Callable[..., Item], clerk: User, unit: Unit, cast: dict[str, User]
) -> None:
    referred_complaint(submit, clerk, unit)  # due Sat 1405/09/21 (2026-12-12)
    assert escalation.raise_notices(datetime.date(2026, 12, 6)) == 0
    assert escalation.raise_notices(datetime.date(2026, 12, 7)) == 1  # three working days left
    assert recipients(Threshold.DUE_SOON) == {"unit.staff", "unit.manager"}
    assert escalation.raise_notices(datetime.date(2026, 12, 8)) == 0  # already told
    assert escalation.raise_notices(datetime.date(2026, 12, 13)) == 1
    assert recipients(Threshold.OVERDUE) == {"unit.staff", "unit.manager"}
    # Five working days past the date (Sun 13 … Sat 19): the deputy over the unit is told.
    assert escalation.raise_notices(datetime.date(2026, 12, 19)) == 0
    assert escalation.raise_notices(datetime.date(2026, 12, 20)) == 1
    assert recipients(Threshold.ESCALATED) == {"deputy"}
    assert escalation.raise_notices(datetime.date(2026, 12, 21)) == 0


@pytest.mark.django_db
def test_without_a_deputy_the_head_is_told_and_items_the_secretariat_holds_go_to_it(
    submit: Callable[..., Item], clerk: User, agency: Organization
) -> None:
    head = staff("head", agency, Role.HEAD)
    with time_machine.travel(SATURDAY, tick=False):
        submit(kind=Kind.COMPLAINT)
    escalation.raise_notices(datetime.date(2026, 12, 20))
    assert recipients(Threshold.OVERDUE) == {"clerk"}
    assert recipients(Threshold.ESCALATED) == {head.username}


@pytest.mark.django_db
def test_the_daily_digest_is_one_email_per_person_and_day(
    submit: Callable[..., Item], clerk: User, unit: Unit, cast: dict[str, User]
) -> None:
    referred_complaint(submit, clerk, unit, subject="شکایت اول")
    referred_complaint(submit, clerk, unit, subject="شکایت دوم")
    escalation.raise_notices(datetime.date(2026, 12, 13))
    now = datetime.datetime(2026, 12, 13, 8, tzinfo=TEHRAN)
    assert escalation.send_digests(now) == 2  # the unit's staff member and its manager
    assert escalation.send_digests(now) == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["unit.manager@example.org", "unit.staff@example.org"]
    body = mail.outbox[0].body
    assert "شکایت اول" in body
    assert "شکایت دوم" in body
    assert "۱۴۰۵/۰۹/۲۱" in body


@pytest.mark.django_db
def test_the_overdue_count_per_agency_for_the_metrics_gauge(
    submit: Callable[..., Item], clerk: User, unit: Unit, other_agency: Organization
) -> None:
    referred_complaint(submit, clerk, unit)
    with time_machine.travel(SATURDAY, tick=False):
        submit(agency=other_agency, kind=Kind.LETTER)
    assert escalation.overdue_counts(datetime.date(2026, 12, 13)) == {"moh": 1}
    assert escalation.overdue_counts(datetime.date(2027, 1, 10)) == {"moh": 1, "hormozgan": 1}


@pytest.mark.django_db
def test_the_overdue_list_is_for_managers_the_head_and_the_auditor(
    submit: Callable[..., Item], clerk: User, unit: Unit, cast: dict[str, User], agency: Organization
) -> None:
    other = Unit.objects.create(organization=agency, name="اداره کل حقوقی")
    other_manager = staff("other.manager", agency, Role.UNIT_MANAGER, [other])
    item = referred_complaint(submit, clerk, unit, subject="شکایت از بیمارستان")
    with time_machine.travel(datetime.datetime(2026, 12, 14, 10, tzinfo=TEHRAN), tick=False):
        for who in ("manager", "head", "auditor"):
            client = Client()
            login_verified(client, cast[who])
            home = client.get("/staff/").content.decode()
            assert "/staff/overdue/" in home
            page = client.get("/staff/overdue/").content.decode()
            assert "اداره کل نظارت بر درمان" in page
            assert "unit.manager" in page  # the responsible person
            assert item.subject in page
        client = Client()
        login_verified(client, other_manager)
        page = client.get("/staff/overdue/").content.decode()
        assert "اداره کل نظارت بر درمان" in page
        assert item.subject not in page  # another unit's item: its number only, no link
        for who in ("staff",):
            client = Client()
            login_verified(client, cast[who])
            assert client.get("/staff/overdue/").status_code == 403


@pytest.mark.django_db
def test_the_staff_home_counts_unread_notices_and_the_list_marks_them_read(
    submit: Callable[..., Item], clerk: User, unit: Unit, cast: dict[str, User]
) -> None:
    referred_complaint(submit, clerk, unit, subject="شکایت پیگیری‌نشده")
    escalation.raise_notices(datetime.date(2026, 12, 13))
    client = Client()
    login_verified(client, cast["staff"])
    assert 'data-testid="unread-notices">۱</span>' in client.get("/staff/").content.decode()
    assert "شکایت پیگیری‌نشده" in client.get("/staff/notices/").content.decode()
    client.post("/staff/notices/read/")
    assert 'data-testid="unread-notices">۰</span>' in client.get("/staff/").content.decode()


# --- Two real worker processes ------------------------------------------------------------------


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
    host, port = db["HOST"] or db["OPTIONS"].get("host", ""), db["PORT"] or ""
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{quote(db['NAME'])}?host={quote(host)}"
    return f"postgresql://{credentials}@{host}{':' + str(port) if port else ''}/{quote(db['NAME'])}"


def _start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test", "DATABASE_URL": _test_database_url()}
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker", "--poll", "0.2"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


@pytest.mark.django_db(transaction=True)
def test_two_workers_raise_each_notice_once_and_send_one_digest_per_person(
    submit: Callable[..., Item], clerk: User, unit: Unit, cast: dict[str, User], agency: Organization, tmp_path: Path
) -> None:
    now = datetime.datetime.now(tz=TEHRAN)
    long_ago = now - datetime.timedelta(days=60)
    for n in range(3):  # long overdue: overdue and escalated
        item = item_register(item=submit(kind=Kind.COMPLAINT, subject=f"شکایت {n}", at=long_ago), actor=clerk)
        item_refer(item=item, actor=clerk, unit=unit, at=long_ago)
    DeadlinePolicy.objects.create(agency=agency, kind=Kind.LETTER, answer_days=1)
    soon = item_register(item=submit(kind=Kind.LETTER, subject="نامه فوری"), actor=clerk)
    item_refer(item=soon, actor=clerk, unit=unit)

    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_start_worker(log) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while DeadlineDigest.objects.count() < 3 or DeadlineNotice.objects.count() < 7:
            if time.monotonic() > deadline:
                pytest.fail("workers raised no notices: " + "\n".join(log.read_text() for log in logs))
            time.sleep(0.2)
        time.sleep(1.5)  # both have had their go
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                assert worker.wait(timeout=30) == 0
            finally:
                if worker.poll() is None:
                    worker.kill()

    counts = {t: DeadlineNotice.objects.filter(threshold=t).count() for t in Threshold.values}
    assert counts == {Threshold.DUE_SOON: 1, Threshold.OVERDUE: 3, Threshold.ESCALATED: 3}
    assert NoticeRecipient.objects.filter(user=cast["manager"]).count() == 4
    assert NoticeRecipient.objects.filter(user=cast["deputy"]).count() == 3
    # One digest each for the unit's staff member, its manager and the deputy, across both workers.
    assert sorted(DeadlineDigest.objects.values_list("user__username", flat=True)) == [
        "deputy",
        "unit.manager",
        "unit.staff",
    ]
    output = "".join(log.read_text() for log in logs)
    assert output.count("To: unit.manager@example.org") == 1

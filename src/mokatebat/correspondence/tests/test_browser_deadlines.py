"""Deadlines in a real browser, with the clock moved by time-machine: a complaint becomes due soon,
then overdue; it shows in the unit's inbox and the agency's overdue list; two real worker processes
(their clocks moved to the same moment) raise exactly one notice per threshold; the manager extends
it and the citizen's tracking page and SMS carry the new date; an information request pauses the
clock and the citizen's reply resumes it."""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.core.jalali import TEHRAN, format_jalali_date
from mokatebat.core.workdays import WorkWeek
from mokatebat.correspondence.models import DeadlineNotice, Item, ItemClock, Kind, NoticeRecipient
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .test_browser_staff import PASSWORD, sign_in, staff_member
from .test_escalation import _test_database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Threshold = DeadlineNotice.Threshold
WEEK = WorkWeek()  # Saturday–Wednesday, no holidays in the test database
WORKER = """
import datetime, sys, time_machine
time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "run_worker", "--poll", "0.2"])
"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def morning(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=TEHRAN)


def run_two_workers(at: datetime.datetime, done: Callable[[], bool], logs: Path) -> None:
    """Two real `run_worker` processes whose clocks read ``at``, until ``done()`` holds and a little more."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test",
        "DATABASE_URL": _test_database_url(),
        "PYTHONPATH": str(settings.BASE_DIR / "src"),
    }
    workers = []
    for n in (1, 2):
        with (logs / f"worker-{n}.log").open("ab") as output:
            command = [sys.executable, "-c", WORKER, at.isoformat()]
            workers.append(subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT))
    try:
        limit = time.monotonic() + 60
        while not done():
            if time.monotonic() > limit:
                pytest.fail("the workers did not finish: " + "".join(p.read_text() for p in logs.glob("*.log")))
            time.sleep(0.2)
        time.sleep(1.5)  # both have had their turn at the same thresholds
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            finally:
                if worker.poll() is None:
                    worker.kill()


def notices(threshold: str) -> int:
    return DeadlineNotice.objects.filter(threshold=threshold).count()


def track(page: Page, base: str, item: Item) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/track/")
    page.get_by_label("کد ملی یا شناسه ملی").fill(item.requester.national_id)
    page.get_by_label("کد رهگیری").fill(item.tracking_code)
    page.get_by_role("button", name="نمایش وضعیت").click()
    page.wait_for_url(re.compile(r"/track/[0-9a-f-]+/"))


def step_form(page: Page, title: str) -> Any:
    page.locator("summary", has_text=title).click()
    return page.locator("details", has=page.locator("summary", has_text=title))


def test_a_complaint_runs_late_is_escalated_extended_and_paused(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    agency: Organization,
    unit: Unit,
    clerk: User,
    submit: Callable[..., Item],
    tmp_path: Path,
) -> None:
    base = live_server.url
    # A Saturday at least two weeks ahead of the real date, so cookies the server sets stay valid.
    start = datetime.datetime.now(tz=TEHRAN).date() + datetime.timedelta(days=14)
    start += datetime.timedelta(days=(5 - start.weekday()) % 7)
    received, answer_by = start, WEEK.add(start, 15)
    soon_day, late_day = WEEK.subtract(answer_by, 3), WEEK.add(answer_by, 1)
    escalate_day = WEEK.add(answer_by, 6)
    TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    clerk.set_password(PASSWORD)
    clerk.save()
    unit_staff = staff_member("unit.staff", agency, Role.UNIT_STAFF, [unit])
    manager = staff_member("unit.manager", agency, Role.UNIT_MANAGER, [unit])
    assert unit.parent is not None
    deputy = staff_member("deputy", agency, Role.DEPUTY, [unit.parent])
    head = staff_member("head", agency, Role.HEAD)
    for user in (unit_staff, manager, deputy):
        user.email = f"{user.username}@example.org"
        user.save()
    page = desktop_page

    with time_machine.travel(morning(received), tick=True) as clock:

        def login(on: Page, base: str, user: User) -> None:
            clock.shift(datetime.timedelta(seconds=31))  # a fresh authenticator code: one is never used twice
            sign_in(on, base, user)

        item = submit(kind=Kind.COMPLAINT, subject="شکایت از تأخیر در صدور پروانه")
        item_register(item=item, actor=clerk)
        item_refer(item=item, actor=clerk, unit=unit)
        assert ItemClock.objects.get(item=item).answer_by == answer_by

        # Due soon: two workers, one notice; the unit sees it in its inbox and on its home page.
        clock.move_to(morning(soon_day))
        run_two_workers(morning(soon_day), lambda: notices(Threshold.DUE_SOON) >= 1, tmp_path)
        assert notices(Threshold.DUE_SOON) == 1
        assert notices(Threshold.OVERDUE) == 0
        login(page, base, manager)
        expect(page.get_by_test_id("unread-notices")).to_have_text("۱")
        page.goto(f"{base}/staff/units/")
        expect(page.locator("tr", has_text=item.subject)).to_contain_text("نزدیک به پایان مهلت")
        screenshot(page, "deadlines-unit-inbox-due-soon-desktop")

        # Overdue: one more notice, in the unit's inbox and the agency's overdue list.
        clock.move_to(morning(late_day))
        run_two_workers(morning(late_day), lambda: notices(Threshold.OVERDUE) >= 1, tmp_path)
        assert (notices(Threshold.DUE_SOON), notices(Threshold.OVERDUE), notices(Threshold.ESCALATED)) == (1, 1, 0)
        login(page, base, manager)
        page.goto(f"{base}/staff/units/")
        expect(page.locator("tr", has_text=item.subject)).to_contain_text("گذشته از مهلت")
        assert_accessible(page, "unit inbox with due states")
        screenshot(page, "deadlines-unit-inbox-desktop")
        login(phone_page, base, manager)
        phone_page.goto(f"{base}/staff/units/")
        assert_no_horizontal_scroll(phone_page)
        screenshot(phone_page, "deadlines-unit-inbox-phone")

        login(page, base, head)
        page.get_by_role("link", name=re.compile("کارهای گذشته از مهلت")).click()
        section = page.locator("section", has_text=unit.name)
        expect(section).to_contain_text(item.subject)
        expect(section).to_contain_text("unit.manager")
        assert_accessible(page, "overdue list")
        screenshot(page, "deadlines-overdue-list-desktop")
        login(phone_page, base, head)
        phone_page.goto(f"{base}/staff/overdue/")
        assert_no_horizontal_scroll(phone_page)
        screenshot(phone_page, "deadlines-overdue-list-phone")

        login(page, base, clerk)
        page.goto(f"{base}/staff/inbox/?status=&sort=due")
        expect(page.locator("tr", has_text=item.subject)).to_contain_text("گذشته از مهلت")
        assert_accessible(page, "secretariat inbox with due states")
        screenshot(page, "deadlines-secretariat-inbox-desktop")
        login(phone_page, base, clerk)
        phone_page.goto(f"{base}/staff/inbox/?status=&sort=due")
        screenshot(phone_page, "deadlines-secretariat-inbox-phone")

        # Long overdue: the deputy over the unit is told, once.
        clock.move_to(morning(escalate_day))
        run_two_workers(morning(escalate_day), lambda: notices(Threshold.ESCALATED) >= 1, tmp_path)
        assert (notices(Threshold.DUE_SOON), notices(Threshold.OVERDUE), notices(Threshold.ESCALATED)) == (1, 1, 1)
        assert set(
            NoticeRecipient.objects.filter(notice__threshold=Threshold.ESCALATED).values_list("user", flat=True)
        ) == {deputy.pk}

        # The manager extends it; the citizen's page and SMS show the new date.
        extended = WEEK.add(answer_by, 10)
        login(page, base, manager)
        page.goto(f"{base}/staff/items/{item.public_id}/")
        form = step_form(page, "تمدید مهلت پاسخ")
        form.get_by_label("تمدید (روز کاری)").fill("10")
        form.get_by_label(re.compile("دلیل تمدید")).fill("نیاز به بازدید کارشناس از محل")
        form.get_by_role("button", name="تمدید و اطلاع به متقاضی").click()
        expect(page.locator(".alert-success")).to_contain_text("مهلت تمدید شد")
        expect(page.get_by_test_id("item-due")).to_contain_text(format_jalali_date(extended))
        assert_accessible(page, "item page after an extension")
        screenshot(page, "deadlines-item-extended-desktop")
        sms = OutboxMessage.objects.get(item=item, template="deadline_extended")
        assert format_jalali_date(extended).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")) in sms.body
        track(phone_page, base, item)
        expect(phone_page.get_by_test_id("answer-by")).to_contain_text(format_jalali_date(extended))
        expect(phone_page.locator(".timeline")).to_contain_text("مهلت پاسخ تمدید شد")

        # The unit asks the citizen for a document: the clock pauses; the reply resumes it.
        login(page, base, unit_staff)
        page.goto(f"{base}/staff/items/{item.public_id}/")
        page.get_by_role("button", name=re.compile("پذیرش ارجاع")).click()
        form = step_form(page, "درخواست اطلاعات از متقاضی")
        form.get_by_label("پرسش از متقاضی").fill("تصویر پروانه قبلی را بفرستید.")
        form.get_by_role("button", name="ارسال پرسش").click()
        track(phone_page, base, item)
        expect(phone_page.get_by_test_id("answer-by")).to_contain_text("متوقف: در انتظار پاسخ شما")
        assert_accessible(phone_page, "tracking page, paused")
        screenshot(phone_page, "deadlines-tracking-paused-phone")

        reply_day = WEEK.add(escalate_day, 2)
        clock.move_to(morning(reply_day))
        track(phone_page, base, item)
        phone_page.get_by_label("پاسخ شما").fill("تصویر پروانه پیوست شد.")
        phone_page.get_by_role("button", name="ارسال پاسخ").click()
        resumed = WEEK.add(extended, 2)  # two working days of waiting move the date two on
        expect(phone_page.get_by_test_id("answer-by")).to_contain_text(format_jalali_date(resumed))
        expect(phone_page.locator(".timeline")).to_contain_text("مهلت پاسخ ادامه یافت")
        screenshot(phone_page, "deadlines-tracking-resumed-phone")
        assert ItemClock.objects.get(item=item).paused_working_days == 2

"""Where the agency's deadline policy says so, the answer clock waits while another agency answers."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine

from mokatebat.core.jalali import TEHRAN
from mokatebat.correspondence import deadlines
from mokatebat.correspondence.models import DeadlinePolicy, Item, ItemClock, Kind
from mokatebat.correspondence.workflow import item_register
from mokatebat.inquiries.models import InquiryType
from mokatebat.inquiries.workflow import inquiry_answer, inquiry_ask
from mokatebat.organization.models import Organization, User

pytestmark = pytest.mark.django_db

SATURDAY = datetime.datetime(2026, 11, 21, 9, tzinfo=TEHRAN)


def test_an_open_inquiry_pauses_the_clock_only_where_the_policy_says_so(
    submit: Callable[..., Item], clerk: User, clerk_b: User, agency: Organization, network_type: InquiryType
) -> None:
    with time_machine.travel(SATURDAY, tick=False):
        plain = item_register(item=submit(kind=Kind.COMPLAINT), actor=clerk)
        DeadlinePolicy.objects.create(agency=agency, kind=Kind.COMPLAINT, answer_days=15, pause_for_inquiries=True)
        waits = item_register(item=submit(kind=Kind.COMPLAINT), actor=clerk)
        inquiry_ask(item=plain, inquiry_type=network_type, asked_by=clerk)
        asked = inquiry_ask(item=waits, inquiry_type=network_type, asked_by=clerk)
    assert deadlines.due_of(plain, datetime.date(2026, 11, 25)).state == "on_time"
    assert deadlines.due_of(waits, datetime.date(2026, 11, 25)).state == "paused"
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, tzinfo=TEHRAN), tick=False):  # Wednesday
        inquiry_answer(inquiry=asked, answered_by=clerk_b, text="سابقه‌ای ندارد.")
    clock = ItemClock.objects.get(item=waits)
    assert clock.paused_since is None
    assert clock.paused_working_days == 4  # Sun 22, Mon 23, Tue 24, Wed 25
    assert ItemClock.objects.get(item=plain).answer_by == datetime.date(2026, 12, 12)
    assert clock.answer_by == datetime.date(2026, 12, 16)

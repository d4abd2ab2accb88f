"""Deadlines: which rule applies, the clocks stamped at receipt, pause and resume, extensions, and
the unit's deadline bounded by the item's answer date."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.models import Holiday
from mokatebat.correspondence import deadlines
from mokatebat.correspondence.models import (
    ClockSource,
    DeadlinePolicy,
    EventKind,
    Item,
    ItemClock,
    Kind,
    SubjectCategory,
)
from mokatebat.correspondence.workflow import (
    WorkflowError,
    citizen_reply,
    info_request,
    item_classify,
    item_extend_deadline,
    item_refer,
    item_register,
)
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

pytestmark = pytest.mark.django_db

# Saturday 1405/08/30, 09:00 Tehran. Azar 1405 has no official holiday; Thursday and Friday closed.
SATURDAY = datetime.datetime(2026, 11, 21, 9, tzinfo=TEHRAN)


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2026, month, dom)


@pytest.fixture
def manager(agency: Organization, unit: Unit) -> User:
    user = User.objects.create_user("manager", password="a-long-test-password")
    Membership.objects.create(user=user, organization=agency, role=Role.UNIT_MANAGER).units.set([unit])
    return user


@pytest.fixture
def received(submit: Callable[..., Item]) -> Callable[..., Item]:
    def _received(**overrides: Any) -> Item:
        with time_machine.travel(SATURDAY, tick=False):
            return submit(**overrides)

    return _received


def test_a_complaint_gets_15_working_days_and_a_letter_30_by_national_practice(received: Callable[..., Item]) -> None:
    complaint = ItemClock.objects.get(item=received(kind=Kind.COMPLAINT))
    assert (complaint.source, complaint.answer_days) == (ClockSource.NATIONAL, 15)
    assert complaint.received_on == day(11, 21)
    assert complaint.acknowledge_by == day(11, 23)  # two working days: Sun, Mon
    assert complaint.answer_by == day(12, 12)  # three working weeks of five days
    assert complaint.due_soon_on == day(12, 7)  # three working days left: Tue, Wed, Sat
    letter = ItemClock.objects.get(item=received(kind=Kind.LETTER))
    assert letter.answer_days == 30
    assert letter.answer_by == datetime.date(2027, 1, 2)


def test_the_most_specific_rule_wins(agency: Organization, received: Callable[..., Item], clerk: User) -> None:
    DeadlinePolicy.objects.create(agency=agency, kind="", answer_days=20)
    assert ItemClock.objects.get(item=received(kind=Kind.LETTER)).source == ClockSource.AGENCY
    DeadlinePolicy.objects.create(agency=agency, kind=Kind.LETTER, answer_days=10, acknowledge_days=1)
    item = received(kind=Kind.LETTER)
    clock = ItemClock.objects.get(item=item)
    assert (clock.source, clock.answer_days, clock.acknowledge_days) == (ClockSource.KIND, 10, 1)
    category = SubjectCategory.objects.create(agency=agency, name="بیمه درمانی", response_days=5)
    item = item_classify(
        item=item, actor=clerk, category=category, kind=Kind.LETTER, priority="normal", confidentiality="normal"
    )
    clock = ItemClock.objects.get(item=item)
    assert (clock.source, clock.answer_days) == (ClockSource.CATEGORY, 5)
    assert clock.answer_by == day(11, 28)  # counted from receipt: Sun Mon Tue Wed Sat
    restamp = item.events.get(kind=EventKind.DEADLINE_RESTAMPED)
    assert (restamp.is_public, restamp.data["after"]) == (False, "2026-11-28")


def test_a_service_cards_declared_working_days_win_over_everything() -> None:
    assert deadlines.card_working_days("۷ روز کاری") == 7
    assert deadlines.card_working_days("حداکثر ۱۲ روز کاری پس از تکمیل مدارک") == 12
    assert deadlines.card_working_days("یک هفته") is None


def test_a_later_policy_change_never_moves_an_existing_item(
    agency: Organization, received: Callable[..., Item]
) -> None:
    item = received(kind=Kind.COMPLAINT)
    before = ItemClock.objects.get(item=item).answer_by
    DeadlinePolicy.objects.create(agency=agency, kind=Kind.COMPLAINT, answer_days=3)
    Holiday.objects.create(date=day(11, 24), name="تعطیل تازه", agency=agency)
    assert deadlines.due_of(item).answer_by == before
    assert ItemClock.objects.get(item=received(kind=Kind.COMPLAINT)).answer_days == 3


def test_holidays_and_closures_of_the_agency_push_the_date(agency: Organization, received: Callable[..., Item]) -> None:
    Holiday.objects.create(date=day(11, 22), name="تعطیل رسمی")
    Holiday.objects.create(date=day(11, 23), name="تعطیلی دستگاه", agency=agency)
    clock = ItemClock.objects.get(item=received(kind=Kind.COMPLAINT))
    assert clock.acknowledge_by == day(11, 25)  # Tue, Wed
    assert clock.answer_by == day(12, 14)


def test_states_through_time(received: Callable[..., Item]) -> None:
    item = received(kind=Kind.COMPLAINT)
    assert deadlines.due_of(item, day(12, 6)).state == "on_time"
    assert deadlines.due_of(item, day(12, 7)).state == "due_soon"
    assert deadlines.due_of(item, day(12, 12)).state == "due_soon"
    due = deadlines.due_of(item, day(12, 13))
    assert (due.state, due.days_waiting) == ("overdue", 22)
    assert due.as_api() == {
        "acknowledge_by": "2026-11-23",
        "answer_by": "2026-12-12",
        "days_waiting": 22,
        "state": "overdue",
    }


def test_an_information_request_pauses_the_answer_clock_and_the_reply_resumes_it(
    received: Callable[..., Item], clerk: User
) -> None:
    item = item_register(item=received(kind=Kind.COMPLAINT), actor=clerk)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, tzinfo=TEHRAN), tick=False):  # Tuesday
        info_request(item=item, actor=clerk, question="تصویر نسخه را بفرستید.")
    assert deadlines.due_of(item, day(12, 20)).state == "paused"  # never overdue while waiting
    paused = item.events.get(kind=EventKind.CLOCK_PAUSED)
    assert paused.is_public
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=TEHRAN), tick=False):  # next Tuesday
        citizen_reply(item=item, text="نسخه پیوست شد.")
    clock = ItemClock.objects.get(item=item)
    # Waited Wed 25, Sat 28, Sun 29, Mon 30, Tue 1: five working days move the date five on.
    assert (clock.paused_since, clock.paused_working_days) == (None, 5)
    assert clock.answer_by == day(12, 19)
    assert item.events.get(kind=EventKind.CLOCK_RESUMED).data["answer_by"] == "2026-12-19"
    assert deadlines.due_of(item, day(12, 16)).state == "due_soon"


def test_a_manager_extends_within_the_policy_and_the_citizen_is_texted_the_new_date(
    received: Callable[..., Item], manager: User
) -> None:
    item = received(kind=Kind.COMPLAINT)
    with pytest.raises(WorkflowError, match="دلیل"):
        item_extend_deadline(item=item, actor=manager, days=5, reason=" ")
    with pytest.raises(WorkflowError, match="۱۵ روز کاری"):
        item_extend_deadline(item=item, actor=manager, days=16, reason="نیاز به کارشناسی")
    clock = item_extend_deadline(item=item, actor=manager, days=5, reason="نیاز به بازدید کارشناس")
    assert (clock.answer_by, clock.extended_days) == (day(12, 19), 5)
    event = item.events.get(kind=EventKind.DEADLINE_EXTENDED)
    assert (event.is_public, event.note) == (True, "نیاز به بازدید کارشناس")
    sms = OutboxMessage.objects.get(template="deadline_extended")
    assert "1405/09/28" in sms.body
    with pytest.raises(WorkflowError, match="۱۰ روز کاری"):
        item_extend_deadline(item=item, actor=manager, days=11, reason="باز هم")


def test_a_referral_deadline_defaults_to_the_answer_date_and_never_passes_it(
    received: Callable[..., Item], clerk: User, unit: Unit
) -> None:
    item = item_register(item=received(kind=Kind.COMPLAINT), actor=clerk)
    referral = item_refer(item=item, actor=clerk, unit=unit)
    assert referral.deadline == day(12, 12)
    with pytest.raises(WorkflowError, match="تمدید"):
        item_refer(item=item, actor=clerk, unit=unit, deadline=day(12, 13))
    assert item_refer(item=item, actor=clerk, unit=unit, deadline=day(12, 1)).deadline == day(12, 1)


def test_a_units_deadline_that_was_the_answer_date_moves_with_an_extension(
    received: Callable[..., Item], clerk: User, unit: Unit, manager: User
) -> None:
    item = item_register(item=received(kind=Kind.COMPLAINT), actor=clerk)
    referral = item_refer(item=item, actor=clerk, unit=unit)
    item_extend_deadline(item=item, actor=manager, days=5, reason="نیاز به بازدید کارشناس")
    referral.refresh_from_db()
    assert referral.deadline == day(12, 19)

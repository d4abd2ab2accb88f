"""R20: the head's office approves a meeting at a free slot (never double-booked), rejects or redirects
it, reschedules or cancels, reminds the day before (once), and records the outcome."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mokatebat.core.jalali import format_jalali_date
from mokatebat.correspondence.models import Item, Referral, Resolution, Status
from mokatebat.correspondence.workflow import WorkflowError
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import Meeting, MeetingSlot
from mokatebat.publicrelations.workflow import (
    case_of,
    meeting_cancel,
    meeting_record_outcome,
    meeting_reschedule,
    meeting_schedule,
    queue_meeting_reminders,
)

from .conftest import signed_in

FRIDAY = 4


def slot_at(agency: Organization, days: int, hour: int = 10) -> MeetingSlot:
    """A slot ``days`` ahead, or on the next working day when that is a Friday."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    if day.weekday() == FRIDAY:
        day += datetime.timedelta(days=1)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return MeetingSlot.objects.create(agency=agency, starts_at=starts, place="دفتر ریاست، طبقه سوم")


def next_friday(hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != FRIDAY:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def after(slot: MeetingSlot) -> Any:
    """Travel to an hour after the meeting, when its outcome may be recorded."""
    return time_machine.travel(slot.starts_at + datetime.timedelta(hours=1), tick=True)


@pytest.fixture
def request_meeting(submit: Callable[..., Item]) -> Callable[[], Meeting]:
    def _request() -> Meeting:
        item = submit(kind="meeting_request", subject="درخواست ملاقات درباره بیمه")
        case_of(item)
        return Meeting.objects.create(item=item)

    return _request


def sms(item: Item, template: str) -> OutboxMessage:
    return OutboxMessage.objects.get(item=item, template=template)


def test_head_approves_with_a_slot_and_the_citizen_gets_date_time_and_place(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    meeting = request_meeting()
    slot = slot_at(agency, 3)
    client = signed_in(head)
    page = client.get(reverse("pr-meeting", args=[meeting.public_id]))
    assert page.status_code == 200
    response = client.post(reverse("pr-meeting-schedule", args=[meeting.public_id]), {"slot": str(slot.public_id)})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.SCHEDULED
    body = sms(meeting.item, "meeting_scheduled").body
    assert "10:00" in body
    assert "دفتر ریاست" in body
    # The citizen's tracking page shows the time and place too.
    from mokatebat.correspondence.timeline import public_timeline

    step = public_timeline(meeting.item)[-1]
    assert "۱۰:۰۰" in step.detail
    assert "دفتر ریاست" in step.detail


def test_a_booked_slot_is_not_offered_and_cannot_be_booked_again(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    slot = slot_at(agency, 3)
    first, second = request_meeting(), request_meeting()
    meeting_schedule(meeting=first, actor=head, slot=slot)
    page = signed_in(head).get(reverse("pr-meeting", args=[second.public_id])).content.decode()
    assert str(slot.public_id) not in page
    with pytest.raises(WorkflowError):
        meeting_schedule(meeting=second, actor=head, slot=slot)
    second.refresh_from_db()
    assert second.state == Meeting.State.REQUESTED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_of_one_slot_book_it_once(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    slot = slot_at(agency, 5)
    meetings = [request_meeting() for _ in range(4)]
    barrier = threading.Barrier(len(meetings))
    outcomes: list[Any] = []

    def approve(meeting: Meeting) -> None:
        try:
            barrier.wait()
            meeting_schedule(meeting=meeting, actor=head, slot=slot)
            outcomes.append("booked")
        except WorkflowError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused", "refused", "refused"]
    assert Meeting.objects.filter(slot=slot, state=Meeting.State.SCHEDULED).count() == 1
    assert OutboxMessage.objects.filter(template="meeting_scheduled").count() == 1


def test_reject_with_reason_closes_and_tells_the_citizen(request_meeting: Callable[[], Meeting], head: User) -> None:
    meeting = request_meeting()
    client = signed_in(head)
    assert client.post(reverse("pr-meeting-reject", args=[meeting.public_id]), {"reason": ""}).status_code == 400
    client.post(reverse("pr-meeting-reject", args=[meeting.public_id]), {"reason": "موضوع در حیطه این اداره نیست"})
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.REJECTED
    assert meeting.item.status == Status.CLOSED
    assert "موضوع در حیطه این اداره نیست" in sms(meeting.item, "meeting_rejected").body


def test_redirect_to_the_competent_unit_becomes_a_referral(
    request_meeting: Callable[[], Meeting], head: User, unit: Unit
) -> None:
    meeting = request_meeting()
    client = signed_in(head)
    client.post(
        reverse("pr-meeting-redirect", args=[meeting.public_id]),
        {"unit": str(unit.public_id), "instruction": "پرونده بیمه متقاضی بررسی شود"},
    )
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.REDIRECTED
    referral = meeting.item.referrals.get()
    assert referral.unit == unit
    assert referral.instruction == "پرونده بیمه متقاضی بررسی شود"
    assert unit.name in sms(meeting.item, "item_referred").body


def test_reschedule_and_cancel_send_their_sms_and_free_the_slot(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    meeting = request_meeting()
    first, second = slot_at(agency, 3), slot_at(agency, 4, hour=11)
    meeting_schedule(meeting=meeting, actor=head, slot=first)
    meeting_reschedule(meeting=meeting, actor=head, slot=second)
    assert "11:00" in sms(meeting.item, "meeting_rescheduled").body
    other = request_meeting()
    meeting_schedule(meeting=other, actor=head, slot=first)  # the old slot is free again
    meeting_cancel(meeting=meeting, actor=head, reason="سفر کاری رئیس")
    assert "سفر کاری رئیس" in sms(meeting.item, "meeting_cancelled").body
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED


def test_reminder_is_queued_the_day_before_exactly_once(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    tomorrow, later = request_meeting(), request_meeting()
    meeting_schedule(meeting=tomorrow, actor=head, slot=slot_at(agency, 1))
    meeting_schedule(meeting=later, actor=head, slot=slot_at(agency, 3))
    assert queue_meeting_reminders() == 1
    assert queue_meeting_reminders() == 0
    assert OutboxMessage.objects.filter(template="meeting_reminder").count() == 1
    assert OutboxMessage.objects.get(template="meeting_reminder").item == tomorrow.item


def test_reminder_command_runs_the_same_step(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    from django.core.management import call_command

    meeting_schedule(meeting=request_meeting(), actor=head, slot=slot_at(agency, 1))
    call_command("queue_meeting_reminders")
    call_command("queue_meeting_reminders")
    assert OutboxMessage.objects.filter(template="meeting_reminder").count() == 1


def test_held_with_follow_up_refers_with_instructions(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization, unit: Unit
) -> None:
    other = Unit.objects.create(organization=agency, name="اداره کل بیمه سلامت")
    meeting = request_meeting()
    slot = slot_at(agency, 2)
    meeting_schedule(meeting=meeting, actor=head, slot=slot)
    with after(slot):
        client = signed_in(head)
        response = client.post(
            reverse("pr-meeting-outcome", args=[meeting.public_id]),
            {
                "note": "مقرر شد پرونده بررسی شود",
                "follow_up": "on",
                "unit_1": str(unit.public_id),
                "instruction_1": "بررسی پرونده درمان",
                "unit_2": str(other.public_id),
                "instruction_2": "استعلام بیمه",
            },
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert meeting.outcome == Meeting.Outcome.FOLLOW_UP
    main = meeting.item.referrals.get(role=Referral.Role.MAIN)
    copy = meeting.item.referrals.get(role=Referral.Role.COPY)
    assert (main.unit, main.instruction) == (unit, "بررسی پرونده درمان")
    assert (copy.unit, copy.instruction) == (other, "استعلام بیمه")
    assert meeting.item.status == Status.REFERRED


def test_held_without_action_sends_the_no_further_action_sms(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    meeting = request_meeting()
    slot = slot_at(agency, 2)
    meeting_schedule(meeting=meeting, actor=head, slot=slot)
    with after(slot):
        meeting_record_outcome(meeting=meeting, actor=head, note="توضیحات لازم داده شد")
    item = Item.objects.get(pk=meeting.item_id)
    assert item.status == Status.CLOSED
    assert item.resolution == Resolution.NO_ACTION_NEEDED
    assert "نیاز به اقدام بیشتری نداشت" in sms(item, "meeting_no_action").body


def test_unit_staff_cannot_open_the_head_office_pages(request_meeting: Callable[[], Meeting], unit_clerk: User) -> None:
    meeting = request_meeting()
    client = signed_in(unit_clerk)
    assert client.get(reverse("pr-meetings")).status_code == 403
    assert client.get(reverse("pr-meeting", args=[meeting.public_id])).status_code == 404


def test_the_outcome_cannot_be_recorded_before_the_meeting_takes_place(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    meeting = request_meeting()
    meeting_schedule(meeting=meeting, actor=head, slot=slot_at(agency, 2))
    client = signed_in(head)
    page = client.get(reverse("pr-meeting", args=[meeting.public_id])).content.decode()
    assert reverse("pr-meeting-outcome", args=[meeting.public_id]) not in page
    assert "پس از زمان ملاقات" in page
    response = client.post(reverse("pr-meeting-outcome", args=[meeting.public_id]), {"note": "برگزار شد"}, follow=True)
    assert "ملاقات هنوز برگزار نشده است" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.SCHEDULED
    with pytest.raises(WorkflowError):
        meeting_record_outcome(meeting=meeting, actor=head, note="برگزار شد")
    assert Item.objects.get(pk=meeting.item_id).status != Status.CLOSED


def test_friday_slots_are_never_offered_and_cannot_be_added_or_booked(
    request_meeting: Callable[[], Meeting], head: User, agency: Organization
) -> None:
    friday = next_friday()
    old = MeetingSlot.objects.create(agency=agency, starts_at=friday, place="دفتر ریاست")  # made before the rule
    meeting = request_meeting()
    client = signed_in(head)
    page = client.get(reverse("pr-meeting", args=[meeting.public_id])).content.decode()
    assert str(old.public_id) not in page
    with pytest.raises(WorkflowError):
        meeting_schedule(meeting=meeting, actor=head, slot=old)
    local = timezone.localtime(friday + datetime.timedelta(days=7))
    response = client.post(
        reverse("pr-meetings"),
        {"day": format_jalali_date(local), "time": "10:00", "place": "دفتر ریاست"},
    )
    assert response.status_code == 400
    assert "جمعه" in response.content.decode()
    assert MeetingSlot.objects.count() == 1
    with pytest.raises(ValidationError):
        MeetingSlot(agency=agency, starts_at=friday + datetime.timedelta(days=7), place="دفتر").full_clean()

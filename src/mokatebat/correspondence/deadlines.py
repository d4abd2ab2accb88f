"""Deadlines of items: which policy applies, the two clocks stamped at receipt, pauses, due states.

Counting is done by ``core.workdays`` with the agency's working calendar. The functions here run
inside the caller's transaction (a workflow step); the steps that change a clock on purpose (an
extension) are in ``workflow.py``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.jalali import TEHRAN
from mokatebat.core.persian import to_ascii_digits
from mokatebat.core.workdays import WorkWeek, span_for, work_week_for

from .models import ClockSource, DeadlinePolicy, Item, ItemClock, Kind, Status

# Iranian practice (agencies publish these): complaints answered within 15 working days, letters
# within 30. Reports and criticisms are complaints' kin; a meeting request needs a decision soon.
DEFAULT_ANSWER_DAYS: dict[str, int] = {
    Kind.COMPLAINT: 15,
    Kind.CRITICISM: 15,
    Kind.REPORT: 15,
    Kind.MEETING_REQUEST: 15,
    Kind.LETTER: 30,
    Kind.REQUEST: 30,
    Kind.SUGGESTION: 30,
}
DEFAULT_ACKNOWLEDGE_DAYS = 2
DEFAULT_DUE_SOON_DAYS = 3
DEFAULT_MAX_EXTENSION_DAYS = 15
DEFAULT_ESCALATE_AFTER_DAYS = 5

_WORKING_DAYS = re.compile(r"(\d{1,3})\s*روز\s*کاری")


class DueState(TextChoices):
    ON_TIME = "on_time", _("در مهلت")
    DUE_SOON = "due_soon", _("نزدیک به پایان مهلت")
    OVERDUE = "overdue", _("گذشته از مهلت")
    PAUSED = "paused", _("متوقف: در انتظار پاسخ متقاضی")
    ANSWERED = "answered", _("پاسخ داده شده")


@dataclass(frozen=True)
class Policy:
    source: str
    acknowledge_days: int
    answer_days: int
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    max_extension_days: int = DEFAULT_MAX_EXTENSION_DAYS
    escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS
    pause_for_inquiries: bool = False


def card_working_days(declared: str) -> int | None:
    """«۱۵ روز کاری» on a service card → 15; None when the card does not say it in working days."""
    match = _WORKING_DAYS.search(to_ascii_digits(declared or ""))
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _declared_duration(item: Item) -> str:
    """The duration the item's service card declared when it was requested ('' for a letter)."""
    rows = Item.objects.filter(pk=item.pk).values_list("service_request__card_version__expected_duration", flat=True)
    return rows.first() or ""


def policy_for(item: Item) -> Policy:
    """The most specific rule wins: service card > subject category > kind > agency default > national."""
    policies = {p.kind: p for p in DeadlinePolicy.objects.filter(agency_id=item.agency_id, kind__in=[item.kind, ""])}
    base = policies.get(item.kind) or policies.get("")
    if base is not None:
        source = ClockSource.KIND if base.kind else ClockSource.AGENCY
        policy = Policy(
            source=source,
            acknowledge_days=base.acknowledge_days,
            answer_days=base.answer_days,
            due_soon_days=base.due_soon_days,
            max_extension_days=base.max_extension_days,
            escalate_after_days=base.escalate_after_days,
            pause_for_inquiries=base.pause_for_inquiries,
        )
    else:
        days = DEFAULT_ANSWER_DAYS.get(item.kind, 30)
        policy = Policy(source=ClockSource.NATIONAL, acknowledge_days=DEFAULT_ACKNOWLEDGE_DAYS, answer_days=days)
    card_days = card_working_days(_declared_duration(item))
    if card_days:
        return _with_days(policy, ClockSource.SERVICE_CARD, card_days)
    if item.category_id is not None and item.category is not None:
        return _with_days(policy, ClockSource.CATEGORY, item.category.response_days)
    return policy


def _with_days(policy: Policy, source: str, days: int) -> Policy:
    return Policy(
        source=source,
        acknowledge_days=policy.acknowledge_days,
        answer_days=days,
        due_soon_days=policy.due_soon_days,
        max_extension_days=policy.max_extension_days,
        escalate_after_days=policy.escalate_after_days,
        pause_for_inquiries=policy.pause_for_inquiries,
    )


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(TEHRAN).date()


def _calendar(item: Item, first: datetime.date, last: datetime.date, days: int) -> WorkWeek:
    """The agency's calendar from a little before ``first`` (due-soon counts back) to where ``days``
    working days after ``last`` surely end."""
    return work_week_for(item.agency, first - datetime.timedelta(days=90), last + span_for(days))


def _set_answer_by(clock: ItemClock, answer_by: datetime.date, calendar: WorkWeek) -> None:
    """The expected answer date and the two thresholds that follow from it."""
    clock.answer_by = answer_by
    clock.due_soon_on = calendar.subtract(answer_by, clock.due_soon_days) if clock.due_soon_days else answer_by
    clock.escalate_on = calendar.add(answer_by, clock.escalate_after_days)


def clock_stamp(item: Item, *, at: datetime.datetime | None = None) -> ItemClock:
    """Stamp the policy that applies now on the item, with its dates counted from receipt.

    Called when the item is received; again only when it becomes more specific (a service request
    learns its card, the secretariat classifies it) — never because a policy changed."""
    policy = policy_for(item)
    received_on = local_day(item.submitted_at)
    old = ItemClock.objects.filter(item=item).first()
    clock = old or ItemClock(item=item, received_on=received_on)
    longest = max(policy.answer_days, policy.acknowledge_days) + policy.escalate_after_days + clock.extended_days
    calendar = _calendar(item, received_on, received_on, longest + clock.paused_working_days)
    clock.source = policy.source
    clock.acknowledge_days = policy.acknowledge_days
    clock.answer_days = policy.answer_days
    clock.due_soon_days = policy.due_soon_days
    clock.max_extension_days = policy.max_extension_days
    clock.escalate_after_days = policy.escalate_after_days
    clock.pause_for_inquiries = policy.pause_for_inquiries
    clock.acknowledge_by = calendar.add(received_on, policy.acknowledge_days)
    moved = policy.answer_days + clock.paused_working_days + clock.extended_days
    _set_answer_by(clock, calendar.add(received_on, moved), calendar)
    clock.stamped_at = at or timezone.now()
    clock.save(force_insert=old is None)  # a new clock is one INSERT, not an UPDATE that finds nothing
    return clock


def clock_of(item: Item) -> ItemClock:
    """The item's clock; an item from before deadlines existed gets one stamped now."""
    clock = ItemClock.objects.filter(item=item).first()
    return clock if clock is not None else clock_stamp(item)


def should_pause(item: Item, clock: ItemClock) -> bool:
    """Waiting for the citizen's reply, or (if the policy says so) for another agency's answer."""
    if item.info_requests.filter(answered_at__isnull=True).exists():
        return True
    if clock.pause_for_inquiries:
        # Inquiries (another app) point at the item; asked across the network and not yet answered.
        return item.inquiries.filter(adapter="network_agency", state="sent").exists()
    return False


def clock_sync_pause(item: Item, *, at: datetime.datetime) -> tuple[ItemClock, str]:
    """Pause or resume the answer clock to match what the item waits for. Returns (clock, change):
    change is "paused", "resumed" or "". On resume the working days spent waiting move the date."""
    clock = ItemClock.objects.select_for_update().filter(item=item).first() or clock_stamp(item, at=at)
    wants_pause = should_pause(item, clock) and item.status not in (Status.ANSWERED, Status.CLOSED)
    if wants_pause and clock.paused_since is None:
        clock.paused_since = at
        clock.save(update_fields=["paused_since"])
        return clock, "paused"
    if not wants_pause and clock.paused_since is not None:
        start, today = local_day(clock.paused_since), local_day(at)
        last = max(today, clock.answer_by)
        calendar = _calendar(item, min(start, clock.answer_by), last, (today - start).days + clock.escalate_after_days)
        waited = calendar.count(start, today)
        clock.paused_working_days += waited
        clock.paused_since = None
        _set_answer_by(clock, calendar.add(clock.answer_by, waited), calendar)
        clock.save()
        return clock, "resumed"
    return clock, ""


def clock_extend(item: Item, clock: ItemClock, days: int) -> ItemClock:
    """Move the expected answer date ``days`` working days on (the caller checked the policy's cap)."""
    calendar = _calendar(item, clock.answer_by, clock.answer_by, days + clock.escalate_after_days)
    clock.extended_days += days
    _set_answer_by(clock, calendar.add(clock.answer_by, days), calendar)
    clock.save()
    return clock


def due_state(clock: ItemClock | None, status: str, today: datetime.date | None = None) -> str:
    """on_time | due_soon | overdue | paused | answered, for the item's answer clock."""
    if status in (Status.ANSWERED, Status.CLOSED):
        return DueState.ANSWERED
    if clock is None:
        return DueState.ON_TIME
    if clock.paused_since is not None:
        return DueState.PAUSED
    today = today or timezone.localdate()
    if today > clock.answer_by:
        return DueState.OVERDUE
    if today >= clock.due_soon_on:
        return DueState.DUE_SOON
    return DueState.ON_TIME


def days_waiting(item: Item, today: datetime.date | None = None) -> int:
    """Calendar days since the item was received, as the citizen counts them."""
    today = today or timezone.localdate()
    return max(0, (today - local_day(item.submitted_at)).days)


@dataclass(frozen=True)
class Due:
    """What a person is shown about an item's deadline (the API's ``due`` object)."""

    acknowledge_by: datetime.date
    answer_by: datetime.date
    days_waiting: int
    state: str
    paused_working_days: int
    extended_days: int
    acknowledge_late: bool = False  # still not registered (or decided by the PR desk) after its date

    @property
    def badge(self) -> str:
        """The Bootstrap colour of the state's badge."""
        return {
            DueState.ON_TIME: "text-bg-success",
            DueState.DUE_SOON: "text-bg-warning",
            DueState.OVERDUE: "text-bg-danger",
            DueState.PAUSED: "text-bg-secondary",
        }.get(DueState(self.state), "text-bg-light")

    @property
    def label(self) -> str:
        return str(DueState(self.state).label)

    def as_api(self) -> dict[str, object]:
        return {
            "acknowledge_by": self.acknowledge_by.isoformat(),
            "answer_by": self.answer_by.isoformat(),
            "days_waiting": self.days_waiting,
            "state": self.state,
        }


def due_from_clock(item: Item, today: datetime.date | None = None) -> Due | None:
    """The item's due state from its clock as loaded with it (``select_related("clock")``); None for
    an item without one (none after the migration that stamped every item)."""
    try:
        clock = item.clock
    except ItemClock.DoesNotExist:
        return None
    return _due(item, clock, today)


def due_of(item: Item, today: datetime.date | None = None, *, clock: ItemClock | None = None) -> Due:
    """The item's due state; pass its ``clock`` when the caller already has it (one read, not two)."""
    return _due(item, clock or clock_of(item), today)


def _due(item: Item, clock: ItemClock, today: datetime.date | None) -> Due:
    today = today or timezone.localdate()
    return Due(
        acknowledge_late=item.status == Status.SUBMITTED and today > clock.acknowledge_by,
        acknowledge_by=clock.acknowledge_by,
        answer_by=clock.answer_by,
        days_waiting=days_waiting(item, today),
        state=due_state(clock, item.status, today),
        paused_working_days=clock.paused_working_days,
        extended_days=clock.extended_days,
    )

"""Overdue work nobody can miss: due-soon and overdue notices, escalation, the daily digest, and the
agency's overdue list.

The worker's periodic loop calls ``deadlines_tick``. Every notice is one row per (item, threshold,
expected date) under a unique constraint, so any number of workers raise it once; a digest is one
row per (person, Tehran day). Recipients: the staff and manager of the unit responsible for the item
(the secretariat while no unit has it); past the escalation threshold, the deputy over that unit, or
the head of the agency where there is none.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from mokatebat.core.jalali import format_jalali_date
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

from .auth import overdue_list_agency_ids
from .models import DeadlineDigest, DeadlineNotice, Item, ItemClock, NoticeRecipient, Referral

logger = logging.getLogger("mokatebat.deadlines")
Threshold = DeadlineNotice.Threshold
UNIT_ROLES = [Role.UNIT_STAFF, Role.UNIT_MANAGER]


def overdue_counts(today: datetime.date | None = None) -> dict[str, int]:
    """Overdue items per agency code (for a Prometheus gauge): one grouped query."""
    today = today or timezone.localdate()
    rows = Item.objects.overdue(today).values("agency__code").annotate(n=Count("pk"))
    return {row["agency__code"]: row["n"] for row in rows}


def responsible_units(items: list[Item]) -> dict[int, Unit]:
    """The unit that must answer each item: its open referral for action (none while the secretariat has it)."""
    referrals = Referral.objects.filter(
        item__in=items, role=Referral.Role.MAIN, state__in=[Referral.State.OPEN, Referral.State.ACCEPTED]
    ).select_related("unit__parent")
    return {r.item_id: r.unit for r in referrals}


def _candidates(threshold: str, today: datetime.date) -> QuerySet[ItemClock]:
    running = ItemClock.objects.running()
    if threshold == Threshold.DUE_SOON:
        running = running.filter(due_soon_on__lte=today, answer_by__gte=today)
    elif threshold == Threshold.OVERDUE:
        running = running.filter(answer_by__lt=today)
    else:
        running = running.filter(escalate_on__lt=today)
    raised = DeadlineNotice.objects.filter(
        item_id=OuterRef("item_id"), threshold=threshold, answer_by=OuterRef("answer_by")
    )
    return running.filter(~Exists(raised)).select_related("item__agency")


def _unit_people(unit: Unit) -> set[int]:
    return set(Membership.objects.active().filter(role__in=UNIT_ROLES, units=unit).values_list("user_id", flat=True))


def _escalation_people(agency: Organization, unit: Unit | None) -> set[int]:
    """The deputy over the unit (a deputy's membership lists its deputyship), else the head."""
    ancestors = []
    while unit is not None:
        ancestors.append(unit.pk)
        unit = unit.parent
    memberships = Membership.objects.active().filter(organization=agency)
    deputies = set(memberships.filter(role=Role.DEPUTY, units__in=ancestors).values_list("user_id", flat=True))
    return deputies or set(memberships.filter(role=Role.HEAD).values_list("user_id", flat=True))


def _secretariat_people(agency: Organization) -> set[int]:
    memberships = Membership.objects.active().filter(organization=agency, role=Role.SECRETARIAT_CLERK)
    return set(memberships.values_list("user_id", flat=True))


def recipients_for(item: Item, unit: Unit | None, threshold: str) -> set[int]:
    if threshold == Threshold.ESCALATED:
        return _escalation_people(item.agency, unit)
    return _unit_people(unit) if unit is not None else _secretariat_people(item.agency)


def raise_notices(today: datetime.date | None = None, *, limit: int = 500) -> int:
    """Raise every notice now due, once each however many workers run; returns how many this call raised."""
    today = today or timezone.localdate()
    raised = 0
    for threshold in (Threshold.DUE_SOON, Threshold.OVERDUE, Threshold.ESCALATED):
        clocks = list(_candidates(threshold, today)[:limit])
        units = responsible_units([clock.item for clock in clocks])
        for clock in clocks:
            unit = units.get(clock.item_id)
            try:
                with transaction.atomic():
                    notice = DeadlineNotice.objects.create(
                        item=clock.item, threshold=threshold, answer_by=clock.answer_by, unit=unit
                    )
                    people = recipients_for(clock.item, unit, threshold)
                    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, user_id=pk) for pk in people])
            except IntegrityError:
                continue  # another worker raised it first
            raised += 1
    return raised


def unread_count(user: User) -> int:
    return NoticeRecipient.objects.filter(user=user, read_at__isnull=True).count()


def deadline_summary(user: User) -> dict[str, object]:
    """What the staff home shows: unread notices, and the agency's overdue count for those who steer."""
    agency_ids = overdue_list_agency_ids(user)
    overdue = Item.objects.filter(agency_id__in=agency_ids).overdue(timezone.localdate()).count() if agency_ids else 0
    return {"unread_notices": unread_count(user), "sees_overdue_list": bool(agency_ids), "overdue_total": overdue}


def notices_for(user: User) -> QuerySet[NoticeRecipient]:
    return (
        NoticeRecipient.objects.filter(user=user)
        .select_related("notice__item__clock", "notice__unit")
        .order_by("read_at", "-notice__created_at", "-pk")
    )


def send_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail a day per person with notices not e-mailed yet (and an address); returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = NoticeRecipient.objects.filter(emailed_at__isnull=True).exclude(user__email="")
    sent = 0
    for user_id in waiting.values_list("user_id", flat=True).distinct():
        try:
            with transaction.atomic():
                digest = DeadlineDigest.objects.create(user_id=user_id, day=today, sent_at=now)
                rows = list(
                    waiting.filter(user_id=user_id)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("notice__item", "user")
                )
                if not rows:
                    raise IntegrityError("nothing left to send")
                _send_digest(rows, today)
                digest.notices = len(rows)
                digest.save(update_fields=["notices"])
                NoticeRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=now)
        except IntegrityError:
            continue  # already sent today (by this or another worker), or nothing left
        sent += 1
    return sent


def _send_digest(rows: list[NoticeRecipient], today: datetime.date) -> None:
    user = rows[0].user
    with override("fa"):
        lines = [
            f"- {row.notice.get_threshold_display()}: {row.notice.item.subject} "
            f"({_('مهلت')} {format_jalali_date(row.notice.answer_by)})"
            for row in rows
        ]
        subject = _("مکاتبات: %(count)s مورد نزدیک یا گذشته از مهلت") % {"count": len(rows)}
        body = "\n".join([_("خلاصه روزانه مهلت‌ها — %(day)s") % {"day": format_jalali_date(today)}, "", *lines])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


_last_tick: list[datetime.datetime] = []
TICK_EVERY = datetime.timedelta(minutes=5)


def deadlines_tick(now: datetime.datetime | None = None, *, force: bool = False) -> int:
    """The worker's periodic job: raise due notices and send the day's digests, at most every few
    minutes per process; never raises (a deadline problem must not stop the worker)."""
    now = now or timezone.now()
    if not force and _last_tick and now - _last_tick[0] < TICK_EVERY:
        return 0
    _last_tick[:] = [now]
    try:
        return raise_notices(timezone.localdate(now)) + send_digests(now)
    except Exception:
        logger.exception("deadline notices could not be raised; trying again later")
        return 0


# --- The agency's overdue list ------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    item: Item
    unit: Unit | None
    responsible: list[str]
    days_late: int
    may_open: bool


def overdue_by_unit(
    agency_ids: set[int], visible_ids: set[int], today: datetime.date
) -> list[tuple[str, list[OverdueRow]]]:
    """Every overdue item of these agencies grouped by the unit that must answer, with its manager(s)."""
    items = list(
        Item.objects.filter(agency_id__in=agency_ids)
        .overdue(today)
        .select_related("agency", "clock")
        .order_by("clock__answer_by", "pk")[:1000]
    )
    units = responsible_units(items)
    managers: dict[int, list[str]] = defaultdict(list)
    memberships = Membership.objects.active().filter(role=Role.UNIT_MANAGER, units__in=set(units.values()))
    for unit_id, first, last, username in memberships.values_list(
        "units", "user__first_name", "user__last_name", "user__username"
    ):
        managers[unit_id].append(f"{first} {last}".strip() or username)
    groups: dict[str, list[OverdueRow]] = defaultdict(list)
    for item in items:
        unit = units.get(item.pk)
        late = max(0, (today - item.clock.answer_by).days)
        responsible = managers.get(unit.pk, []) if unit else []
        name = unit.path_name if unit else _("دبیرخانه (ثبت یا ارجاع نشده)")
        groups[name].append(OverdueRow(item, unit, responsible, late, item.pk in visible_ids))
    return sorted(groups.items(), key=lambda group: -len(group[1]))

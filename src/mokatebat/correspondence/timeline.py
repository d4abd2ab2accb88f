"""What the citizen reads on tracking: public events only, in plain Persian."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from mokatebat.core.jalali import format_jalali_date

from .models import Channel, EventKind, Item, ItemEvent, Resolution, Status


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    title: str
    detail: str


def _deadline_step(event: ItemEvent) -> tuple[str, str]:
    """The answer clock's public steps: an extension with its reason, a pause and its end."""
    data = event.data
    if event.kind == EventKind.DEADLINE_EXTENDED:
        detail = _("تاریخ تازه پاسخ: %(date)s — دلیل: %(reason)s") % {
            "date": _jalali(data.get("after", "")),
            "reason": event.note,
        }
        return _("مهلت پاسخ تمدید شد"), detail
    if event.kind == EventKind.CLOCK_PAUSED:
        return _("مهلت پاسخ متوقف شد: در انتظار پاسخ شما"), _("تا پاسخ شما، روزها از مهلت دستگاه کم نمی‌شود.")
    return _("مهلت پاسخ ادامه یافت"), _("تاریخ تازه پاسخ: %(date)s") % {"date": _jalali(data.get("answer_by", ""))}


DEADLINE_STEPS = {EventKind.DEADLINE_EXTENDED, EventKind.CLOCK_PAUSED, EventKind.CLOCK_RESUMED}


def describe(event: ItemEvent) -> TimelineEntry:
    if event.kind in DEADLINE_STEPS:
        title, detail = _deadline_step(event)
        return TimelineEntry(occurred_at=event.occurred_at, title=title, detail=detail)
    data = event.data
    kind = event.kind
    detail = ""
    if kind == EventKind.SUBMITTED:
        title = _("نامه دریافت شد")
        detail = _("روش ارسال: %(channel)s") % {"channel": Channel(data.get("channel", Channel.ONLINE)).label}
    elif kind == EventKind.REGISTERED:
        title = _("در دبیرخانه ثبت شد")
        detail = _("شماره ثبت: %(number)s") % {"number": data.get("registration_number", "")}
    elif kind == EventKind.REFERRED:
        title = _("برای رسیدگی ارجاع شد")
        detail = _("واحد رسیدگی‌کننده: %(unit)s") % {"unit": data.get("unit", "")}
    elif kind == EventKind.ACTION:
        title = _("اقدام انجام شد")
        detail = event.note
    elif kind == EventKind.RESPONSE_ISSUED:
        title = _("پاسخ صادر شد")
        detail = _("شماره نامه صادره: %(number)s") % {"number": data.get("outgoing_number", "")}
    elif kind == EventKind.CLOSED:
        title = _("رسیدگی پایان یافت")
        detail = str(Resolution(data.get("resolution", "")).label) if data.get("resolution") else ""
    elif kind == EventKind.HANDED_OVER:
        title = _("پاسخ در دفتر پیشخوان تحویل شد")
        detail = _("دفتر: %(office)s") % {"office": data.get("office", "")}
    elif kind in (EventKind.MEETING_SCHEDULED, EventKind.MEETING_CANCELLED, EventKind.MEETING_REJECTED):
        title = str(EventKind(kind).label)
        detail = event.note  # the meeting's time and place, or the reason, as the citizen's SMS said
    else:
        title = str(EventKind(kind).label)
    return TimelineEntry(occurred_at=event.occurred_at, title=title, detail=detail)


def _jalali(iso_day: str) -> str:
    try:
        return format_jalali_date(date.fromisoformat(iso_day))
    except ValueError:
        return ""


def public_timeline(item: Item) -> list[TimelineEntry]:
    """Only events marked public; internal notes and instructions never reach this list."""
    return [describe(event) for event in item.events.filter(is_public=True).order_by("occurred_at", "id")]


def citizen_statuses(items: list[Item]) -> dict[int, str]:
    """Where each item is, in the citizen's words (tracking page, account, API track).

    The PR desk's items (R17–R20) never wait for the secretariat, and a public meeting is best told by
    the meeting's own state; everything else reads its status. Two queries whatever the number of items."""
    # The PR desk builds on this app; its rules are asked, not repeated (as ``auth.get_item_for_user`` does).
    from mokatebat.publicrelations.auth import pr_desk_agencies
    from mokatebat.publicrelations.models import PR_KINDS, Meeting

    pr_items = [item for item in items if item.kind in PR_KINDS]
    desks = set(pr_desk_agencies().filter(organization_id__in={i.agency_id for i in pr_items})) if pr_items else set()
    meetings = dict(Meeting.objects.filter(item__in=pr_items).values_list("item_id", "state")) if pr_items else {}
    labels: dict[int, str] = {}
    for item in items:
        label = str(item.get_status_display())
        meeting = meetings.get(item.pk)
        if meeting == Meeting.State.HELD:
            label = _("ملاقات برگزار شد")
            if item.status == Status.REFERRED:
                label = _("ملاقات برگزار شد؛ در دست پیگیری")
        elif meeting == Meeting.State.SCHEDULED:
            label = _("وقت ملاقات تعیین شد")
        elif item.status == Status.SUBMITTED and item.agency_id in desks:
            label = _("در انتظار بررسی ارتباطات مردمی")
        labels[item.pk] = label
    return labels


def citizen_status(item: Item) -> str:
    return citizen_statuses([item])[item.pk]

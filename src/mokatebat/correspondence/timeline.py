"""What the citizen reads on tracking: public events only, in plain Persian."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from .models import Channel, EventKind, Item, ItemEvent, Resolution


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    title: str
    detail: str


def describe(event: ItemEvent) -> TimelineEntry:
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


def public_timeline(item: Item) -> list[TimelineEntry]:
    """Only events marked public; internal notes and instructions never reach this list."""
    return [describe(event) for event in item.events.filter(is_public=True).order_by("occurred_at", "id")]

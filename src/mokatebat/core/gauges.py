"""The project's own Prometheus gauges (see ``core/metrics.py``); read from the database at scrape time."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from .heartbeat import heartbeat_ages
from .metrics import GaugeSamples, register_gauge


@register_gauge("mokatebat_sms_outbox_messages", "SMS outbox messages by state.", ["state"])
def outbox_by_state() -> GaugeSamples:
    from mokatebat.notifications.models import OutboxMessage, SmsState

    counts = dict(OutboxMessage.objects.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))
    for state in SmsState.values:
        yield (state,), counts.get(state, 0)


@register_gauge(
    "mokatebat_sms_outbox_oldest_pending_age_seconds",
    "Age of the oldest SMS the worker still has to send (0 when none).",
)
def outbox_oldest_pending() -> GaugeSamples:
    from mokatebat.notifications.models import PENDING_STATES, OutboxMessage

    oldest = OutboxMessage.objects.filter(state__in=PENDING_STATES).aggregate(at=Min("created_at"))["at"]
    yield (), (timezone.now() - oldest).total_seconds() if oldest else 0.0


@register_gauge("mokatebat_inquiries", "Inquiries by state.", ["state"])
def inquiries_by_state() -> GaugeSamples:
    from mokatebat.inquiries.models import Inquiry, InquiryState

    counts = dict(Inquiry.objects.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))
    for state in InquiryState.values:
        yield (state,), counts.get(state, 0)


@register_gauge("mokatebat_items_received", "Items received since the start, by channel.", ["channel"])
def items_by_channel() -> GaugeSamples:
    from mokatebat.correspondence.models import Channel, Item

    counts = dict(Item.objects.order_by().values("channel").annotate(n=Count("id")).values_list("channel", "n"))
    for channel in Channel.values:
        yield (channel,), counts.get(channel, 0)


@register_gauge(
    "mokatebat_worker_heartbeat_age_seconds",
    "Seconds since a worker loop last came round (newest of all workers; -1 when it never did).",
    ["loop"],
)
def worker_heartbeat_age() -> GaugeSamples:
    for loop, age in sorted(heartbeat_ages().items()):
        yield (loop,), -1.0 if age is None else age


@register_gauge("mokatebat_items_overdue", "Open items past their answer date, by agency.", ["agency"])
def items_overdue() -> GaugeSamples:
    from mokatebat.correspondence.escalation import overdue_counts

    for agency, count in sorted(overdue_counts().items()):
        yield (agency,), count

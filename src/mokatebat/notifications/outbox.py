"""Queue an SMS inside the caller's transaction (sending happens later, in ``worker.py``), and
apply the gateway's delivery reports."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from .messages import SMS_TEMPLATES, sms_segments
from .models import OutboxMessage, SmsState

if TYPE_CHECKING:
    from mokatebat.correspondence.models import Item


def render_sms(template: str, context: dict[str, str]) -> str:
    """Render a registered template; a missing or extra variable is a programming error."""
    spec = SMS_TEMPLATES[template]
    if set(context) != spec.variables:
        raise ValueError(f"SMS {template!r} needs {sorted(spec.variables)}, got {sorted(context)}")
    with translation.override(settings.LANGUAGE_CODE):
        return str(spec.text).format(**context)


def queue_sms(
    *, dedup_key: str, template: str, mobile: str, context: dict[str, str], item: Item | None = None
) -> OutboxMessage:
    """Write the message to the outbox. Must run inside the transaction of the step it reports,
    so the SMS exists exactly when the step does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_sms must be called inside the step's transaction")
    body = render_sms(template, context)
    message, _created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key,
        defaults={"item": item, "template": template, "mobile": mobile, "body": body, "segments": sms_segments(body)},
    )
    return message


# A report only moves a message forward. "delivered" is the last word, even after we saw a timeout or
# gave up (the gateway had taken the message after all); "failed" only follows "sent", so a late or
# repeated "failed" cannot undo a "delivered" and a "failed" for a message we never sent is ignored.
DELIVERED_AFTER = [
    SmsState.SENDING,
    SmsState.SENT,
    SmsState.TEMPORARY_FAILURE,
    SmsState.TECHNICAL_FAILURE,
    SmsState.UNKNOWN,
    SmsState.UNCONFIRMED,
]
FAILED_AFTER = [SmsState.SENT]


def record_delivery_report(*, reference: uuid.UUID, delivered: bool) -> OutboxMessage | None:
    """Apply one delivery report; idempotent. Returns the message, or None for an unknown reference."""
    now = timezone.now()
    messages = OutboxMessage.objects.filter(reference=reference)
    if delivered:
        messages.filter(state__in=DELIVERED_AFTER).update(
            state=SmsState.DELIVERED,
            delivered_at=now,
            # The report can beat the worker's own UPDATE; keep when it was sent if we know it.
            sent_at=Coalesce("sent_at", models.Value(now, output_field=models.DateTimeField())),
            lease_expires_at=None,
            updated_at=now,
        )
    else:
        messages.filter(state__in=FAILED_AFTER).update(
            state=SmsState.PERMANENT_FAILURE, last_error="the gateway reported it undelivered", updated_at=now
        )
    return messages.first()

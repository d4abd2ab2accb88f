"""The SMS outbox: one row per message, with its own delivery state (GOV.UK Notify's model)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.logs import current_request_id


class SmsState(models.TextChoices):
    CREATED = "created", _("در صف ارسال")
    SENDING = "sending", _("در حال ارسال")
    SENT = "sent", _("تحویل سامانه پیامک شد")
    DELIVERED = "delivered", _("به گوشی رسید")
    TEMPORARY_FAILURE = "temporary_failure", _("خطای موقت؛ تلاش دوباره")
    PERMANENT_FAILURE = "permanent_failure", _("غیرقابل ارسال (شماره نامعتبر)")
    TECHNICAL_FAILURE = "technical_failure", _("ارسال ناموفق پس از چند تلاش")
    # The gateway did not answer in time: it may have taken the message. The worker asks the
    # gateway about it before it would ever send it again (see ``worker.py``).
    UNKNOWN = "unknown", _("نامعلوم؛ پیش از ارسال دوباره از سامانه پیامک پرسیده می‌شود")
    # Still unknown when the retries ran out: it may have reached the phone, so it is not "failed".
    UNCONFIRMED = "unconfirmed", _("ارسال تأیید نشد؛ سامانه پیامک پاسخ نداد")


# States the worker still has to act on; the rest are terminal or waiting on a delivery report.
PENDING_STATES = [SmsState.CREATED, SmsState.TEMPORARY_FAILURE, SmsState.UNKNOWN, SmsState.SENDING]
# Waiting for a retry (or, for UNKNOWN, for the question to the gateway) at ``next_attempt_at``.
RETRY_STATES = [SmsState.CREATED, SmsState.TEMPORARY_FAILURE, SmsState.UNKNOWN]


class OutboxMessageQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: datetime | None = None) -> OutboxMessageQuerySet:
        """Messages to send now: new or retrying ones whose time has come, and abandoned claims."""
        now = now or timezone.now()
        waiting = Q(state__in=RETRY_STATES, next_attempt_at__lte=now)
        abandoned = Q(state=SmsState.SENDING, lease_expires_at__lte=now)
        return self.filter(waiting | abandoned)

    def failed(self) -> OutboxMessageQuerySet:
        return self.filter(state__in=[SmsState.PERMANENT_FAILURE, SmsState.TECHNICAL_FAILURE])

    def awaiting_report(self, provider: str, now: datetime | None = None) -> OutboxMessageQuerySet:
        """Sent through ``provider`` and due for a delivery-status question (``next_attempt_at``)."""
        now = now or timezone.now()
        return self.filter(state=SmsState.SENT, provider=provider, next_attempt_at__lte=now).exclude(
            provider_message_id=""
        )


class OutboxMessage(models.Model):
    """One SMS to one mobile for one step. Written in the same transaction as the step itself."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # "<event public_id>:<mobile>": the same step can never queue the same SMS twice.
    dedup_key = models.CharField(max_length=100, unique=True)
    item = models.ForeignKey(
        "correspondence.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="sms_messages"
    )
    template = models.CharField(_("قالب"), max_length=50)
    mobile = models.CharField(_("شماره تلفن همراه"), max_length=11)
    body = models.TextField(_("متن پیامک"))
    state = models.CharField(_("وضعیت"), max_length=20, choices=SmsState.choices, default=SmsState.CREATED)
    attempts = models.PositiveSmallIntegerField(_("تعداد تلاش"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("آخرین خطا"), blank=True)
    provider = models.CharField(max_length=30, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    # Billed parts (UCS-2 for Persian: 70 characters in one part, 67 per part after) and what the
    # gateway said it cost (Kavenegar: rials; SMS.ir: credits), when it says.
    segments = models.PositiveSmallIntegerField(_("تعداد بخش"), default=1)
    cost = models.DecimalField(_("هزینه"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("زمان ایجاد"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The id of the request that queued it: the worker logs its sending under the same id.
    request_id = models.CharField(max_length=64, blank=True, default=current_request_id, editable=False)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("پیامک")
        verbose_name_plural = _("صندوق پیامک‌ها")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["created", "temporary_failure", "unknown", "sending"]),
                name="outbox_pending",
            ),
            # Delivery-status polling looks at recently sent messages only.
            models.Index(fields=["next_attempt_at"], condition=Q(state="sent"), name="outbox_awaiting_report"),
        ]

    def __str__(self) -> str:
        return f"{self.mobile}: {self.template} ({self.state})"


class GatewayPause(models.Model):
    """Sending is paused because the gateway refused our key or our credit (401/403, or the gateway's
    own code for it): every message would fail the same way, so none is tried until a check of the
    account passes. One row per provider; ``paused_at`` is null while sending runs."""

    provider = models.CharField(max_length=30, unique=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("توقف ارسال پیامک")
        verbose_name_plural = _("توقف ارسال پیامک")

    def __str__(self) -> str:
        return f"{self.provider}: {'paused' if self.paused_at else 'running'}"

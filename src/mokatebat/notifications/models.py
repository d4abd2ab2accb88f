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


# States the worker still has to act on; the rest are terminal or waiting on a delivery report.
PENDING_STATES = [SmsState.CREATED, SmsState.TEMPORARY_FAILURE, SmsState.SENDING]


class OutboxMessageQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: datetime | None = None) -> OutboxMessageQuerySet:
        """Messages to send now: new or retrying ones whose time has come, and abandoned claims."""
        now = now or timezone.now()
        waiting = Q(state__in=[SmsState.CREATED, SmsState.TEMPORARY_FAILURE], next_attempt_at__lte=now)
        abandoned = Q(state=SmsState.SENDING, lease_expires_at__lte=now)
        return self.filter(waiting | abandoned)

    def failed(self) -> OutboxMessageQuerySet:
        return self.filter(state__in=[SmsState.PERMANENT_FAILURE, SmsState.TECHNICAL_FAILURE])


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
                condition=Q(state__in=["created", "temporary_failure", "sending"]),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mobile}: {self.template} ({self.state})"

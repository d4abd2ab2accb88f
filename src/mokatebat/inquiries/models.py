"""Inquiries (استعلام, R7): questions an item's handlers ask another agency or an external registry.

An ``InquiryType`` is an agency's reusable kind of question (a service will reference the types
it needs); an ``Inquiry`` is one question asked for one item. The item's timeline keeps the
history; this row keeps where the question is now. State changes happen only in ``workflow.py``
(staff steps) and ``worker.py`` (the registry adapter).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.correspondence.models import Attachment, Item
from mokatebat.organization.models import Organization


class Adapter(models.TextChoices):
    NETWORK_AGENCY = "network_agency", _("دستگاه دیگر در شبکه")
    HTTP_REGISTRY = "http_registry", _("سامانه استعلام برخط (HTTP)")


class SharedField(models.TextChoices):
    """What an inquiry may carry about the requester. The tracking code is never one of them: with
    the national ID it opens the citizen's tracking page."""

    FULL_NAME = "full_name", _("نام و نام خانوادگی متقاضی")
    NATIONAL_ID = "national_id", _("کد ملی متقاضی")
    MOBILE = "mobile", _("شماره تلفن همراه متقاضی")
    ADDRESS = "address", _("نشانی متقاضی")
    LEGAL_NAME = "legal_name", _("نام شخص حقوقی")
    LEGAL_NATIONAL_ID = "legal_national_id", _("شناسه ملی شخص حقوقی")
    SUBJECT = "subject", _("موضوع نامه یا درخواست")


class InquiryState(models.TextChoices):
    PENDING = "pending", _("در صف ارسال")
    SENT = "sent", _("فرستاده شد، در انتظار پاسخ")
    WAITING_RETRY = "waiting_retry", _("سامانه پاسخ نداد؛ دوباره تلاش می‌شود")
    ANSWERED = "answered", _("پاسخ رسید")
    FAILED = "failed", _("ناموفق")
    CANCELLED = "cancelled", _("لغو شد")


class ErrorKind(models.TextChoices):
    """Why the registry did not answer, as staff read it. Stored as a code so the page can speak
    the reader's language; the HTTP status (when there was one) is kept beside it."""

    NONE = "", _("—")
    NOT_CONFIGURED = "not_configured", _("نشانی سامانه استعلام تنظیم نشده است.")
    HOST_NOT_ALLOWED = "host_not_allowed", _("نشانی سامانه استعلام در فهرست سامانه‌های مجاز نیست.")
    UNREACHABLE = "unreachable", _("اتصال به سامانه استعلام برقرار نشد؛ سامانه در دسترس نیست.")
    TIMEOUT = "timeout", _("سامانه استعلام در مهلت تعیین‌شده پاسخ نداد.")
    SERVER_ERROR = "server_error", _("سامانه استعلام با خطای داخلی پاسخ داد.")
    BAD_ANSWER = "bad_answer", _("پاسخ سامانه استعلام قابل خواندن نبود.")
    BUSY = "busy", _("سامانه استعلام پرکار است و خواست بعداً تلاش شود.")
    REFUSED = "refused", _("سامانه استعلام درخواست را نپذیرفت.")
    INTERRUPTED = "interrupted", _("ارسال نیمه‌کاره ماند (توقف پردازشگر).")


def registry_host_allowed(url: str) -> bool:
    """Only the configured registry's host and the hosts the operator listed may be called."""
    host = urlsplit(url).hostname
    allowed = set(settings.INQUIRY_REGISTRY_ALLOWED_HOSTS)
    default_host = urlsplit(settings.INQUIRY_REGISTRY_URL).hostname
    if default_host:
        allowed.add(default_host)
    return bool(host) and host in allowed


class InquiryTypeQuerySet(models.QuerySet["InquiryType"]):
    def active(self) -> InquiryTypeQuerySet:
        return self.filter(is_active=True)


class InquiryType(models.Model):
    """A reusable kind of inquiry an agency asks, e.g. «استعلام هویت از ثبت احوال»."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه پرسنده"), on_delete=models.PROTECT, related_name="inquiry_types"
    )
    name = models.CharField(_("عنوان"), max_length=200)
    adapter = models.CharField(_("روش استعلام"), max_length=20, choices=Adapter.choices)
    target_agency = models.ForeignKey(
        Organization,
        verbose_name=_("دستگاه پاسخ‌دهنده"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("فقط برای استعلام از دستگاه دیگر در شبکه"),
    )
    registry_url = models.URLField(
        _("نشانی سامانه استعلام"),
        blank=True,
        help_text=_("فقط برای سامانه برخط؛ اگر خالی بماند نشانی عمومی تنظیمات (INQUIRY_REGISTRY_URL) به کار می‌رود."),
    )
    registry_code = models.SlugField(
        _("شناسه استعلام در سامانه"), max_length=60, blank=True, help_text=_("در درخواست JSON فرستاده می‌شود")
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("مهلت پاسخ (ثانیه)"), default=10)
    max_attempts = models.PositiveSmallIntegerField(_("بیشترین دفعات تلاش"), default=5)
    shared_fields = ArrayField(
        models.CharField(max_length=30, choices=SharedField.choices),
        verbose_name=_("اطلاعاتی که فرستاده می‌شود"),
        default=list,
        blank=True,
    )
    show_to_citizen = models.BooleanField(
        _("نمایش به متقاضی"), default=True, help_text=_("متقاضی در پیگیری می‌بیند که استعلام انجام شد (بی جزئیات).")
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InquiryTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("نوع استعلام")
        verbose_name_plural = _("انواع استعلام")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="inquiry_type_unique_name"),
            models.CheckConstraint(
                condition=models.Q(adapter="http_registry", target_agency__isnull=True)
                | models.Q(adapter="network_agency", target_agency__isnull=False),
                name="inquiry_type_target_matches_adapter",
            ),
            models.CheckConstraint(
                condition=models.Q(timeout_seconds__gte=1, timeout_seconds__lte=120, max_attempts__gte=1),
                name="inquiry_type_sane_limits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.adapter == Adapter.NETWORK_AGENCY:
            if self.target_agency_id is None:
                raise ValidationError({"target_agency": _("دستگاه پاسخ‌دهنده را انتخاب کنید.")})
            if self.target_agency_id == self.agency_id:
                raise ValidationError({"target_agency": _("دستگاه نمی‌تواند از خودش استعلام کند.")})
        elif self.adapter == Adapter.HTTP_REGISTRY and self.target_agency_id is not None:
            raise ValidationError({"target_agency": _("سامانه برخط دستگاه پاسخ‌دهنده ندارد؛ این خانه را خالی بگذارید.")})
        if not 1 <= (self.timeout_seconds or 0) <= 120:
            raise ValidationError({"timeout_seconds": _("مهلت پاسخ باید بین ۱ تا ۱۲۰ ثانیه باشد.")})

    def shared_field_labels(self) -> list[str]:
        labels = dict(SharedField.choices)
        return [str(labels[key]) for key in self.shared_fields if key in labels]

    @property
    def effective_url(self) -> str:
        return self.registry_url or settings.INQUIRY_REGISTRY_URL

    @property
    def is_available(self) -> bool:
        """Can be asked now: active, and an HTTP type needs somewhere to send to."""
        if not self.is_active:
            return False
        if self.adapter == Adapter.NETWORK_AGENCY:
            return True
        return bool(self.effective_url) and registry_host_allowed(self.effective_url)


class InquiryQuerySet(models.QuerySet["Inquiry"]):
    def due(self, now: datetime.datetime) -> InquiryQuerySet:
        """Registry inquiries the worker should send now, including abandoned claims."""
        waiting = models.Q(state__in=[InquiryState.PENDING, InquiryState.WAITING_RETRY], next_attempt_at__lte=now)
        abandoned = models.Q(state=InquiryState.SENT, lease_expires_at__lte=now)
        return self.filter(models.Q(adapter=Adapter.HTTP_REGISTRY) & (waiting | abandoned))

    def received_by(self, agency_ids: set[int]) -> InquiryQuerySet:
        """Network inquiries other agencies sent to these agencies."""
        return self.filter(adapter=Adapter.NETWORK_AGENCY, target_agency_id__in=agency_ids)


class Inquiry(models.Model):
    """One question asked for one item, and its answer. Never deleted; cancelled at most."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="inquiries")
    inquiry_type = models.ForeignKey(
        InquiryType, verbose_name=_("نوع استعلام"), on_delete=models.PROTECT, related_name="inquiries"
    )
    # Copied from the type when asked: editing a type later does not move questions already asked.
    adapter = models.CharField(max_length=20, choices=Adapter.choices)
    target_agency = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="received_inquiries"
    )
    question = models.TextField(_("پرسش"), blank=True)
    # Exactly what leaves the agency: the shared fields' values at the time of asking.
    request_payload: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    state = models.CharField(_("وضعیت"), max_length=20, choices=InquiryState.choices, default=InquiryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("دفعات تلاش"), default=0)
    total_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error_kind = models.CharField(max_length=20, choices=ErrorKind.choices, default=ErrorKind.NONE, blank=True)
    last_error_status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer_text = models.TextField(_("پاسخ"), blank=True)
    answer_payload: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    answer_attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiry_answer"
    )
    # None when the system asked on its own (a service's declared inquiries, asked on submission).
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("استعلام")
        verbose_name_plural = _("استعلام‌ها")
        ordering = ["asked_at", "id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="inquiry_due"),
            models.Index(fields=["target_agency", "state", "-asked_at"], name="inquiry_received"),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_type} ({self.get_state_display()})"

    @property
    def last_error(self) -> str:
        """The reason staff read on the item page, with the registry's HTTP status when there was one."""
        if not self.last_error_kind:
            return ""
        message = str(ErrorKind(self.last_error_kind).label)
        if self.last_error_status:
            return f"{message} (HTTP {self.last_error_status})"
        return message

    @property
    def can_retry(self) -> bool:
        return self.adapter == Adapter.HTTP_REGISTRY and self.state in (InquiryState.FAILED, InquiryState.WAITING_RETRY)

    @property
    def can_cancel(self) -> bool:
        return self.state in (InquiryState.PENDING, InquiryState.WAITING_RETRY, InquiryState.FAILED) or (
            self.state == InquiryState.SENT and self.adapter == Adapter.NETWORK_AGENCY
        )

    @property
    def is_open(self) -> bool:
        return self.state in (InquiryState.PENDING, InquiryState.SENT, InquiryState.WAITING_RETRY)

    def shared_values(self) -> list[tuple[str, str]]:
        """The payload as (label, value) rows for pages; unknown keys are shown by name."""
        labels = dict(SharedField.choices)
        return [(str(labels.get(key, key)), str(value)) for key, value in self.request_payload.items()]

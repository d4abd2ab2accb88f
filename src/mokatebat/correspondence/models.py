"""Items (letters, requests, complaints…), their append-only timeline, attachments, referrals, responses.

State changes happen only in ``workflow.py``; this module holds data and single-object rules.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.citizens.models import Requester
from mokatebat.organization.models import Organization, Unit


class Kind(models.TextChoices):
    LETTER = "letter", _("نامه")
    REQUEST = "request", _("درخواست")
    COMPLAINT = "complaint", _("شکایت")
    CRITICISM = "criticism", _("انتقاد")
    SUGGESTION = "suggestion", _("پیشنهاد")
    REPORT = "report", _("گزارش")
    MEETING_REQUEST = "meeting_request", _("درخواست ملاقات")


class Channel(models.TextChoices):
    ONLINE = "online", _("اینترنتی")
    COUNTER_OFFICE = "counter_office", _("دفتر پیشخوان")
    PHONE = "phone", _("تلفنی")
    POST = "post", _("پستی")
    IN_PERSON = "in_person", _("حضوری")


class Status(models.TextChoices):
    """Where the item is now. How it ended is ``Resolution``."""

    SUBMITTED = "submitted", _("در انتظار بررسی دبیرخانه")
    REGISTERED = "registered", _("ثبت شده")
    REFERRED = "referred", _("ارجاع شده")
    ANSWERED = "answered", _("پاسخ داده شده")
    CLOSED = "closed", _("مختومه")


class Resolution(models.TextChoices):
    NONE = "", _("—")
    ANSWERED = "answered", _("پاسخ داده شد")
    OUT_OF_SCOPE = "out_of_scope", _("خارج از حیطه وظایف")
    FORWARDED = "forwarded", _("به دستگاه دیگر فرستاده شد")
    NO_ACTION_NEEDED = "no_action_needed", _("نیازی به اقدام نداشت")
    DUPLICATE = "duplicate", _("تکراری")


class ItemQuerySet(models.QuerySet["Item"]):
    def for_agency(self, agency: Organization) -> ItemQuerySet:
        return self.filter(agency=agency)

    def open(self) -> ItemQuerySet:
        return self.exclude(status=Status.CLOSED)

    def of_requester(self, *, national_id: str = "", legal_national_id: str = "", mobile: str = "") -> ItemQuerySet:
        """Items whose requester matches any given identifier: the secretariat's history (سوابق)."""
        match = models.Q(pk__in=[])
        if national_id:
            match |= models.Q(requester__national_id=national_id)
        if legal_national_id:
            match |= models.Q(requester__legal_national_id=legal_national_id)
        if mobile:
            match |= models.Q(requester__mobile=mobile)
        return self.filter(match)


class Item(models.Model):
    """One letter, request or complaint from a citizen to one agency, from submission to closing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_code = models.CharField(_("کد رهگیری"), max_length=13, unique=True, editable=False)
    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="items")
    addressed_unit = models.ForeignKey(
        Unit, verbose_name=_("واحد گیرنده"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices, default=Kind.LETTER)
    channel = models.CharField(_("روش دریافت"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    subject = models.CharField(_("موضوع"), max_length=200)
    body = models.TextField(_("متن نامه"))
    requester = models.OneToOneField(Requester, verbose_name=_("متقاضی"), on_delete=models.PROTECT, related_name="item")
    status = models.CharField(_("وضعیت"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    resolution = models.CharField(
        _("نتیجه"), max_length=20, choices=Resolution.choices, default=Resolution.NONE, blank=True
    )
    registration_number = models.CharField(_("شماره ثبت"), max_length=60, blank=True)
    registered_at = models.DateTimeField(_("تاریخ ثبت"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("تاریخ ارسال"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counter_office = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="registered_items"
    )
    # A form nonce or an API Idempotency-Key: a retried submit finds the item instead of making another.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # Normalised subject + body (ی/ک, digits, no diacritics) for full-text and trigram search.
    search_document = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("مکاتبه")
        verbose_name_plural = _("مکاتبات")
        indexes = [
            models.Index(fields=["agency", "status", "-submitted_at"], name="item_agency_status_recent"),
            models.Index(fields=["agency", "-submitted_at", "-id"], name="item_agency_recent"),
            GinIndex(fields=["search_document"], name="item_search_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "registration_number"],
                condition=~models.Q(registration_number=""),
                name="item_registration_number_unique_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} — {self.subject}"

    @property
    def is_registered(self) -> bool:
        return bool(self.registration_number)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("ارسال شد")
    REGISTERED = "registered", _("ثبت شد")
    REFERRED = "referred", _("ارجاع شد")
    ACTION = "action", _("اقدام")
    RESPONSE_ISSUED = "response_issued", _("پاسخ صادر شد")
    CLOSED = "closed", _("مختومه شد")


class ItemEvent(models.Model):
    """One step on an item's timeline. Append-only: a database trigger refuses UPDATE and DELETE."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    is_public = models.BooleanField(default=True, help_text=_("نمایش به متقاضی در پیگیری"))
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("رویداد")
        verbose_name_plural = _("رویدادها")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["item", "occurred_at"], name="event_item_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.occurred_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random stored name: the citizen's file name is kept only as data, never as a path."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(_("نام پرونده"), max_length=200)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Referral(models.Model):
    """An item sent to a unit: one main responsible unit, others for information."""

    class Role(models.TextChoices):
        MAIN = "main", _("اقدام")
        COPY = "copy", _("اطلاع")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="referrals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="referrals")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    instruction = models.TextField(_("دستور"), blank=True)
    deadline = models.DateField(_("مهلت"), null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("ارجاع")
        verbose_name_plural = _("ارجاعات")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["unit", "is_active", "deadline"], name="referral_unit_open")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.unit}"


class Response(models.Model):
    """The agency's issued answer (نامه صادره): numbered from the outgoing register, never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="responses")
    outgoing_number = models.CharField(_("شماره نامه صادره"), max_length=60)
    issued_at = models.DateTimeField(_("تاریخ صدور"), default=timezone.now)
    body = models.TextField(_("متن پاسخ"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("پاسخ")
        verbose_name_plural = _("پاسخ‌ها")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return self.outgoing_number


class RegisterCounter(models.Model):
    """Last number used in one register of one agency in one Jalali year: gapless, row-locked."""

    class Register(models.TextChoices):
        INCOMING = "incoming", _("وارده")
        OUTGOING = "outgoing", _("صادره")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    register = models.CharField(max_length=10, choices=Register.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "register", "year"], name="register_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.register}/{self.year}: {self.last_number}"


class PendingUpload(models.Model):
    """A checked attachment of a form that came back with errors, kept so a citizen on a slow
    connection does not upload it again. Bound to the form's secret nonce; claimed on submit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form_nonce = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name

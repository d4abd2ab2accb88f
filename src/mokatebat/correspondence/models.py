"""Items (letters, requests, complaints…), their append-only timeline, attachments, referrals, responses.

State changes happen only in ``workflow.py``; this module holds data and single-object rules.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class Priority(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("priority", "عادی")
    URGENT = "urgent", _("فوری")
    IMMEDIATE = "immediate", _("آنی")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("confidentiality", "عادی")
    CONFIDENTIAL = "confidential", _("محرمانه")


class SubjectCategory(models.Model):
    """An agency's own subject taxonomy, managed by its admin (طبقه‌بندی موضوعی)."""

    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="subject_categories"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("دسته بالادست"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("عنوان"), max_length=120)
    response_days = models.PositiveSmallIntegerField(_("مهلت پاسخ (روز کاری)"), default=10)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("موضوع")
        verbose_name_plural = _("طبقه‌بندی موضوعی")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "parent", "name"], name="category_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name if self.parent is None else f"{self.parent.name} › {self.name}"


class Bundle(models.Model):
    """Many items on one subject (a peak event), processed and answered once, each requester kept apart."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="bundles")
    title = models.CharField(_("عنوان مجموعه"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("مجموعه نامه‌های مشابه")
        verbose_name_plural = _("مجموعه‌های نامه‌های مشابه")

    def __str__(self) -> str:
        return self.title


class ItemQuerySet(models.QuerySet["Item"]):
    def for_agency(self, agency: Organization) -> ItemQuerySet:
        return self.filter(agency=agency)

    def open(self) -> ItemQuerySet:
        return self.exclude(status=Status.CLOSED)

    def waiting_for_secretariat(self) -> ItemQuerySet:
        """New, registered but not referred, and returned by a unit: the secretariat's to move on."""
        return self.filter(status__in=[Status.SUBMITTED, Status.REGISTERED])

    def with_due_state(self, state: str, today: datetime.date) -> ItemQuerySet:
        """Items whose answer clock is in ``state`` (see ``deadlines.DueState``) on ``today``."""
        done = [Status.ANSWERED, Status.CLOSED]
        if state == "answered":
            return self.filter(status__in=done)
        waiting = self.exclude(status__in=done)
        if state == "paused":
            return waiting.filter(clock__paused_since__isnull=False)
        running = waiting.filter(clock__paused_since__isnull=True)
        if state == "overdue":
            return running.filter(clock__answer_by__lt=today)
        if state == "due_soon":
            return running.filter(clock__due_soon_on__lte=today, clock__answer_by__gte=today)
        if state == "on_time":
            return running.filter(clock__due_soon_on__gt=today)
        return self

    def overdue(self, today: datetime.date) -> ItemQuerySet:
        return self.with_due_state("overdue", today)

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
    category = models.ForeignKey(
        SubjectCategory, verbose_name=_("موضوع"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(_("فوریت"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    confidentiality = models.CharField(
        _("طبقه‌بندی حفاظتی"), max_length=15, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("مجموعه"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # Bumped by every workflow step: a form carries the version it was drawn from, so two clerks
    # acting on one item cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    # A form nonce or an API Idempotency-Key: a retried submit finds the item instead of making another.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # SHA-256 of what was submitted with that key: the same key with another letter is refused, never
    # answered with the first letter (empty for items stored before fingerprints, and without a key).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Normalised subject + body (ی/ک, digits, no diacritics) for full-text and trigram search.
    search_document = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("مکاتبه")
        verbose_name_plural = _("مکاتبات")
        indexes = [
            models.Index(fields=["agency", "status", "-submitted_at", "-id"], name="item_agency_status_recent"),
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
    CLASSIFIED = "classified", _("طبقه‌بندی شد")
    REFERRAL_ACCEPTED = "referral_accepted", _("ارجاع پذیرفته شد")
    REFERRAL_RETURNED = "referral_returned", _("ارجاع برگشت داده شد")
    RETURNED_TO_SECRETARIAT = "returned_to_secretariat", _("به دبیرخانه برگشت")
    INFO_REQUESTED = "info_requested", _("اطلاعات تکمیلی خواسته شد")
    CITIZEN_REPLIED = "citizen_replied", _("متقاضی پاسخ داد")
    REJECTED = "rejected", _("خارج از حیطه")
    FORWARDED = "forwarded", _("به دستگاه دیگر فرستاده شد")
    RECEIVED_FROM_AGENCY = "received_from_agency", _("از دستگاه دیگر رسید")
    DRAFT_SIGNED = "draft_signed", _("پاسخ امضا شد")
    BUNDLED = "bundled", _("به مجموعه افزوده شد")
    # Inquiries (R7, app ``inquiries``): only INQUIRY_DONE is public, and it carries no answer.
    INQUIRY_ASKED = "inquiry_asked", _("استعلام فرستاده شد")
    INQUIRY_ANSWERED = "inquiry_answered", _("پاسخ استعلام رسید")
    INQUIRY_DONE = "inquiry_done", _("استعلام انجام شد")
    INQUIRY_FAILED = "inquiry_failed", _("استعلام ناموفق ماند")
    INQUIRY_RETRIED = "inquiry_retried", _("استعلام دوباره فرستاده شد")
    INQUIRY_CANCELLED = "inquiry_cancelled", _("استعلام لغو شد")
    # Public relations (publicrelations app, R17–R20)
    PR_DECIDED = "pr_decided", _("ارتباطات مردمی تصمیم گرفت")
    ANONYMISED = "anonymised", _("نسخه بی‌نام‌شده برای واحد فرستاده شد")
    IDENTITY_REVEALED = "identity_revealed", _("هویت متقاضی نمایش داده شد")
    ANSWER_TO_PR = "answer_to_pr", _("گزارش واحد به ارتباطات مردمی")
    MEETING_SCHEDULED = "meeting_scheduled", _("وقت ملاقات تعیین شد")
    MEETING_CANCELLED = "meeting_cancelled", _("ملاقات لغو شد")
    MEETING_REJECTED = "meeting_rejected", _("درخواست ملاقات رد شد")
    MEETING_HELD = "meeting_held", _("ملاقات برگزار شد")
    # Deadlines (``deadlines.py``)
    DEADLINE_EXTENDED = "deadline_extended", _("مهلت پاسخ تمدید شد")
    CLOCK_PAUSED = "clock_paused", _("مهلت پاسخ متوقف شد")
    CLOCK_RESUMED = "clock_resumed", _("مهلت پاسخ ادامه یافت")
    DEADLINE_RESTAMPED = "deadline_restamped", _("مهلت پاسخ با موضوع تازه تعیین شد")
    # Counter offices (counters app, R24): the issued answer was handed to the citizen.
    HANDED_OVER = "handed_over", _("پاسخ در دفتر پیشخوان تحویل شد")


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


def new_verification_code() -> str:
    """Short enough for a clean QR code, long enough (96 bits) not to be guessed."""
    return secrets.token_urlsafe(12)


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
    # Set for files that came with a later step (e.g. the citizen's reply), not with the letter itself.
    event = models.ForeignKey("ItemEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")

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

    class State(models.TextChoices):
        OPEN = "open", _("در انتظار پذیرش")
        ACCEPTED = "accepted", _("در دست اقدام")
        RETURNED = "returned", _("برگشت داده شد")
        RE_REFERRED = "re_referred", _("به واحد دیگر ارجاع شد")
        DONE = "done", _("انجام شد")
        WITHDRAWN = "withdrawn", _("لغو شد")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="referrals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="referrals")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    instruction = models.TextField(_("دستور"), blank=True)
    deadline = models.DateField(_("مهلت"), null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)
    state = models.CharField(_("وضعیت ارجاع"), max_length=15, choices=State.choices, default=State.OPEN)
    # The referral this one came from when a unit re-referred the item: the chain is kept.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="re_referrals")
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("دلیل برگشت"), blank=True)
    suggested_unit = models.ForeignKey(
        Unit, verbose_name=_("واحد صالح"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

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
    # Sanitised HTML (a small allow-list of formatting), fixed at issue time.
    body = models.TextField(_("متن پاسخ"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("امضاکننده"), max_length=120, blank=True)
    signer_title = models.CharField(_("سمت امضاکننده"), max_length=120, blank=True)
    unit_name = models.CharField(_("واحد صادرکننده"), max_length=200, blank=True)
    in_reply_to = models.CharField(_("عطف به شماره"), max_length=60, blank=True)
    # The short code in the QR link of the public verification page, and the hash it shows.
    verification_code = models.CharField(max_length=24, unique=True, default=new_verification_code, editable=False)
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)

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


class ResponseDraft(models.Model):
    """A response being written by a unit and signed by its manager; becomes a ``Response`` on issue."""

    class State(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        AWAITING_SIGNATURE = "awaiting_signature", _("در انتظار امضا")
        ISSUED = "issued", _("صادر شده")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="response_drafts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("متن پاسخ"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(_("نظر بازبین"), blank=True)
    response = models.OneToOneField(Response, null=True, blank=True, on_delete=models.PROTECT, related_name="draft")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("پیش‌نویس پاسخ")
        verbose_name_plural = _("پیش‌نویس‌های پاسخ")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_state_display()}"


class InfoRequest(models.Model):
    """A unit asks the citizen for more information; the citizen answers on the tracking page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="info_requests")
    question = models.TextField(_("پرسش"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("درخواست اطلاعات تکمیلی")
        verbose_name_plural = _("درخواست‌های اطلاعات تکمیلی")

    def __str__(self) -> str:
        return self.question[:60]


class Forwarding(models.Model):
    """An item handed over to another agency on the network (R15); the old agency keeps read access."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="forwardings")
    from_agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    from_registration_number = models.CharField(max_length=60, blank=True)
    note = models.TextField(_("یادداشت"), blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ارسال به دستگاه دیگر")
        verbose_name_plural = _("ارسال‌ها به دستگاه‌های دیگر")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_agency_id} → {self.to_agency_id}"


# --- Deadlines: policies, each item's clocks, and the notices they raise (``deadlines.py``) ----------


class DeadlinePolicy(models.Model):
    """How long an agency gives itself, for one kind of item or (kind blank) for everything else.

    The most specific rule wins: a service card's declared duration, then the subject category's
    ``response_days``, then the policy of the item's kind, then the agency's default policy, then the
    national practice in ``deadlines.DEFAULTS``. Changing a policy never moves an existing item's
    dates: they were stamped on its clock when it was received.
    """

    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="deadline_policies"
    )
    kind = models.CharField(
        _("نوع"), max_length=20, choices=Kind.choices, blank=True, help_text=_("خالی: پیش‌فرض همه انواع")
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("مهلت ثبت یا تصمیم (روز کاری)"), default=2)
    answer_days = models.PositiveSmallIntegerField(_("مهلت پاسخ (روز کاری)"))
    due_soon_days = models.PositiveSmallIntegerField(_("هشدار نزدیک شدن مهلت (روز کاری مانده)"), default=3)
    max_extension_days = models.PositiveSmallIntegerField(_("حداکثر تمدید (روز کاری)"), default=15)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("ارجاع به معاون یا رئیس پس از تأخیر (روز کاری)"), default=5
    )
    pause_for_inquiries = models.BooleanField(_("توقف مهلت در انتظار پاسخ استعلام از دستگاه دیگر"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("سیاست مهلت پاسخ")
        verbose_name_plural = _("سیاست‌های مهلت پاسخ")
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="deadline_policy_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_kind_display() or _('پیش‌فرض')}"


class ClockSource(models.TextChoices):
    SERVICE_CARD = "service_card", _("شناسنامه خدمت")
    CATEGORY = "category", _("موضوع")
    KIND = "kind", _("نوع مکاتبه")
    AGENCY = "agency", _("پیش‌فرض دستگاه")
    NATIONAL = "national", _("رویه کشوری")


class ItemClockQuerySet(models.QuerySet["ItemClock"]):
    def running(self) -> ItemClockQuerySet:
        """Clocks of items still waiting for their answer, not paused."""
        return self.filter(paused_since__isnull=True).exclude(item__status__in=[Status.ANSWERED, Status.CLOSED])


class ItemClock(models.Model):
    """An item's two clocks, stamped at receipt: acknowledge (registered or decided by the PR desk)
    and answer (the final response), in working days of the agency's calendar. The answer clock
    pauses while the item waits for the citizen (and, if the policy says so, for another agency);
    ``answer_by`` is always the current expected date: pauses and extensions move it forward."""

    item = models.OneToOneField(Item, primary_key=True, on_delete=models.PROTECT, related_name="clock")
    source = models.CharField(_("مبنای مهلت"), max_length=20, choices=ClockSource.choices)
    acknowledge_days = models.PositiveSmallIntegerField()
    answer_days = models.PositiveSmallIntegerField()
    due_soon_days = models.PositiveSmallIntegerField()
    max_extension_days = models.PositiveSmallIntegerField()
    escalate_after_days = models.PositiveSmallIntegerField()
    pause_for_inquiries = models.BooleanField(default=False)
    received_on = models.DateField(_("تاریخ دریافت"))
    acknowledge_by = models.DateField(_("مهلت ثبت"))
    answer_by = models.DateField(_("مهلت پاسخ"))
    due_soon_on = models.DateField()
    escalate_on = models.DateField()
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    extended_days = models.PositiveSmallIntegerField(default=0)
    stamped_at = models.DateTimeField(default=timezone.now)

    objects = ItemClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("مهلت مکاتبه")
        verbose_name_plural = _("مهلت‌های مکاتبات")
        indexes = [
            # Inboxes sort and filter by the answer date; the worker's sweep and the overdue lists
            # look at clocks that run, by date.
            models.Index(fields=["answer_by", "item"], name="clock_answer_by"),
            models.Index(
                fields=["answer_by"], condition=models.Q(paused_since__isnull=True), name="clock_running_answer_by"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer_by}"


class DeadlineNotice(models.Model):
    """One notice per item, threshold and expected date: the unique constraint is what keeps two
    workers from raising it twice. A new date (an extension) may raise the threshold again."""

    class Threshold(models.TextChoices):
        DUE_SOON = "due_soon", _("نزدیک به پایان مهلت")
        OVERDUE = "overdue", _("گذشته از مهلت")
        ESCALATED = "escalated", _("تأخیر طولانی؛ ارجاع به مقام بالاتر")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="deadline_notices")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    answer_by = models.DateField()
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("اعلان مهلت")
        verbose_name_plural = _("اعلان‌های مهلت")
        constraints = [models.UniqueConstraint(fields=["item", "threshold", "answer_by"], name="deadline_notice_once")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.threshold} {self.answer_by}"


class NoticeRecipient(models.Model):
    """Who a notice is for: in the staff home's count until read, and in one daily e-mail digest."""

    notice = models.ForeignKey(DeadlineNotice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deadline_notices")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}"


class DeadlineDigest(models.Model):
    """One daily e-mail per member of staff and Tehran day, however many workers run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notices = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="deadline_digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"

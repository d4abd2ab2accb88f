"""The public-relations unit (ارتباطات مردمی, seed 003): PR decisions on items, anonymised copies for
units, identity reveals, guidance-only visits and calls, and the head's public meetings (R17–R20).

PR items are ordinary ``correspondence.Item`` rows (kind complaint, criticism, suggestion, report or
meeting request) with the same tracking code and timeline; this app adds what PR needs around them.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.workdays import FRIDAY
from mokatebat.correspondence.models import Attachment, Item, Kind
from mokatebat.organization.models import Organization, Unit

# The kinds the PR unit handles; the first four can be referred anonymised (R18, R19).
FEEDBACK_KINDS = (Kind.COMPLAINT, Kind.CRITICISM, Kind.SUGGESTION, Kind.REPORT)
PR_KINDS = (*FEEDBACK_KINDS, Kind.MEETING_REQUEST)
# Kinds whose online form asks "about whom" (a unit of the agency or a typed name).
ABOUT_WHOM_KINDS = (Kind.COMPLAINT, Kind.CRITICISM, Kind.REPORT)
WEEKEND_SLOT_MESSAGE = _("روز تعطیل هفته (جمعه) وقت ملاقات ندارد؛ روز کاری دیگری انتخاب کنید.")


class ExtraCategory(models.Model):
    """A category an agency adds for items citizens bring from national systems (idea, plan, request…)."""

    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("شناسه"), max_length=30)
    name = models.CharField(_("عنوان"), max_length=80)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("دسته دیگر ارتباطات مردمی")
        verbose_name_plural = _("دسته‌های دیگر ارتباطات مردمی")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="pr_extra_category_unique_code")]

    def __str__(self) -> str:
        return self.name


DEFAULT_EXTRA_CATEGORIES = (("idea", _("ایده")), ("plan", _("طرح")), ("request", _("درخواست")))

# The thank-you text when no action is needed, unless the agency wrote its own (R19).
DEFAULT_THANKS: dict[str, str] = {
    Kind.COMPLAINT: "از اینکه شکایت خود را با ما در میان گذاشتید سپاسگزاریم. موضوع بررسی شد و نیاز به اقدام نداشت.",
    Kind.CRITICISM: "از انتقاد سازنده شما سپاسگزاریم. دیدگاه شما در بهبود کارها به کار می‌رود.",
    Kind.SUGGESTION: "از پیشنهاد ارزشمند شما سپاسگزاریم. پیشنهاد شما بررسی و ثبت شد.",
    Kind.REPORT: "از گزارش شما سپاسگزاریم. گزارش شما بررسی شد.",
}
DEFAULT_THANKS_OTHER = "از اینکه با ارتباطات مردمی در تماس بودید سپاسگزاریم."


class ThankYouText(models.Model):
    """An agency's own thank-you SMS text for one kind (or an extra category's code)."""

    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("نوع"), max_length=30)
    text = models.CharField(_("متن پیامک تشکر"), max_length=300)

    class Meta:
        verbose_name = _("متن پیامک تشکر")
        verbose_name_plural = _("متن‌های پیامک تشکر")
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="pr_thanks_unique_kind")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.kind}"


class Decision(models.TextChoices):
    PENDING = "", _("در انتظار بررسی")
    ACTION = "action", _("نیاز به اقدام دارد")
    NO_ACTION = "no_action", _("نیاز به اقدام ندارد")


class PrCase(models.Model):
    """What PR knows about an item beyond the letter itself: about whom, extra category, decision."""

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="pr_case")
    extra_category = models.ForeignKey(
        ExtraCategory, verbose_name=_("دسته دیگر"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_unit = models.ForeignKey(
        Unit, verbose_name=_("درباره واحد"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_text = models.CharField(_("درباره چه کسی / چه واحدی"), max_length=200, blank=True)
    decision = models.CharField(
        _("تصمیم"), max_length=10, choices=Decision.choices, default=Decision.PENDING, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("پرونده ارتباطات مردمی")
        verbose_name_plural = _("پرونده‌های ارتباطات مردمی")

    def __str__(self) -> str:
        return str(self.item)

    @property
    def about(self) -> str:
        return self.about_unit.name if self.about_unit else self.about_text


class RedactedCopy(models.Model):
    """The anonymised copy (نسخه بی‌نام‌شده) units see instead of the item: a separate projection of
    the data, stored once the PR expert approved it, never a template that hides fields."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="redacted_copy")
    subject = models.CharField(_("موضوع (بی‌نام‌شده)"), max_length=200)
    body = models.TextField(_("متن (بی‌نام‌شده)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("نسخه بی‌نام‌شده")
        verbose_name_plural = _("نسخه‌های بی‌نام‌شده")

    def __str__(self) -> str:
        return self.subject


def cleaned_file_path(instance: RedactedAttachment, filename: str) -> str:
    return f"anonymised/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class RedactedAttachment(models.Model):
    """An attachment the PR expert looked at and chose to pass on: the unit gets ``file``, a cleaned
    copy (neutral name, no metadata, covered regions painted over), never the original."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    copy = models.ForeignKey(RedactedCopy, on_delete=models.PROTECT, related_name="attachments")
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(_("نام پرونده"), max_length=200)
    file = models.FileField(upload_to=cleaned_file_path, max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Rectangles the expert covered, in percent of the page: [{"page", "x", "y", "width", "height"}].
    covered_regions: models.JSONField[list[dict[str, float]]] = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["copy", "attachment"], name="pr_redacted_attachment_once"),
        ]

    def __str__(self) -> str:
        return self.display_name


class IdentityReveal(models.Model):
    """Someone allowed to see who wrote an anonymised item asked to, with a reason. Append-only."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="identity_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("دلیل"))
    revealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("نمایش هویت متقاضی")
        verbose_name_plural = _("نمایش‌های هویت متقاضی")

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.user_id}"


class GuidanceCategory(models.TextChoices):
    SERVICE_INFO = "service_info", _("اطلاعات خدمات")
    PROCEDURE = "procedure", _("روال اداری")
    FOLLOW_UP = "follow_up", _("پیگیری پرونده")
    REFERRAL_INFO = "referral_info", _("معرفی به مرجع دیگر")
    OTHER = "other", _("سایر")


class GuidanceRecord(models.Model):
    """A visit or a call that ended with guidance (or a transfer), kept so it is counted (R17)."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("حضوری")
        PHONE = "phone", _("تلفنی")

    class Outcome(models.TextChoices):
        GUIDED = "guided", _("راهنمایی شد")
        TRANSFERRED = "transferred", _("به واحد وصل شد")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("روش"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(_("نتیجه"), max_length=12, choices=Outcome.choices, default=Outcome.GUIDED)
    transferred_to = models.ForeignKey(
        Unit, verbose_name=_("واحد"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("موضوع"), max_length=200)
    category = models.CharField(_("دسته"), max_length=20, choices=GuidanceCategory.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("مدت (دقیقه)"))
    requester_name = models.CharField(_("نام مراجعه‌کننده"), max_length=120, blank=True)
    requester_mobile = models.CharField(_("شماره تلفن همراه"), max_length=11, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("راهنمایی حضوری یا تلفنی")
        verbose_name_plural = _("راهنمایی‌های حضوری و تلفنی")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="guided") | Q(transferred_to__isnull=False), name="pr_guidance_transfer_has_unit"
            )
        ]

    def __str__(self) -> str:
        return self.topic


# Friday is never a working day in any agency (core.workdays); Thursday is each agency's own choice.
WEEKLY_DAYS_OFF = frozenset({FRIDAY})


def falls_on_weekend(moment: datetime.datetime) -> bool:
    """True on the network's weekly day off (Friday)."""
    return timezone.localtime(moment).weekday() in WEEKLY_DAYS_OFF


class MeetingSlotQuerySet(models.QuerySet["MeetingSlot"]):
    def on_working_days(self) -> MeetingSlotQuerySet:
        """Slots that are not on a weekly day off: a Friday slot made before the rule is never offered."""
        # Django's week_day runs Sunday=1 … Saturday=7 (in the current time zone); Python's Monday=0.
        return self.exclude(starts_at__week_day__in=[(day + 1) % 7 + 1 for day in WEEKLY_DAYS_OFF])


class MeetingSlot(models.Model):
    """A time on the head's calendar offered for public meetings (ملاقات مردمی)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("زمان"))
    place = models.CharField(_("محل"), max_length=200)
    is_active = models.BooleanField(_("فعال"), default=True)

    objects = MeetingSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("وقت ملاقات")
        verbose_name_plural = _("وقت‌های ملاقات")
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "starts_at"], name="pr_slot_unique_time")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} — {self.place}"

    def clean(self) -> None:
        if self.starts_at and falls_on_weekend(self.starts_at):
            raise ValidationError({"starts_at": WEEKEND_SLOT_MESSAGE})


class Meeting(models.Model):
    """A public meeting request's way through the head's office (R20)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("در انتظار تصمیم")
        SCHEDULED = "scheduled", _("وقت داده شد")
        REJECTED = "rejected", _("رد شد")
        REDIRECTED = "redirected", _("به واحد صالح ارجاع شد")
        CANCELLED = "cancelled", _("لغو شد")
        HELD = "held", _("برگزار شد")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        FOLLOW_UP = "follow_up", _("نیاز به پیگیری")
        NO_ACTION = "no_action", _("نیاز به اقدام بیشتری نداشت")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="meeting")
    state = models.CharField(_("وضعیت"), max_length=12, choices=State.choices, default=State.REQUESTED)
    slot = models.ForeignKey(
        MeetingSlot, verbose_name=_("وقت ملاقات"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("دلیل"), blank=True)
    outcome = models.CharField(_("نتیجه ملاقات"), max_length=10, choices=Outcome.choices, default="", blank=True)
    outcome_note = models.TextField(_("شرح نتیجه"), blank=True)
    # Set in the same transaction that queues the reminder: each appointment is reminded once.
    reminded_slot = models.ForeignKey(MeetingSlot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ملاقات مردمی")
        verbose_name_plural = _("ملاقات‌های مردمی")
        constraints = [
            # No double booking: one scheduled meeting per slot, enforced by PostgreSQL.
            models.UniqueConstraint(fields=["slot"], condition=Q(state="scheduled"), name="pr_slot_booked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_state_display()}"


__all__ = [
    "ABOUT_WHOM_KINDS",
    "FEEDBACK_KINDS",
    "PR_KINDS",
    "Decision",
    "ExtraCategory",
    "GuidanceRecord",
    "IdentityReveal",
    "Meeting",
    "MeetingSlot",
    "PrCase",
    "RedactedAttachment",
    "RedactedCopy",
    "ThankYouText",
]

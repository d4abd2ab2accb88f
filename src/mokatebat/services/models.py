"""The e-service desk's data: services (R5), their card versions, their form versions (R6), and the
service request that ties a submitted item to the card and form it was filled with (R8).

Card and form versions are records: written once, never updated (``save`` refuses an update), so
what a citizen read and filled stays provable. State changes happen only in ``workflow.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.persian import search_stems
from mokatebat.correspondence.models import Item, Response
from mokatebat.organization.models import Organization, Unit


class ServiceChannel(models.TextChoices):
    ONLINE = "online", _("اینترنتی (میز خدمت الکترونیکی)")
    COUNTER_OFFICE = "counter_office", _("دفاتر پیشخوان دولت")
    IN_PERSON = "in_person", _("حضوری (میز خدمت حضوری)")


class FieldType(models.TextChoices):
    TEXT = "text", _("متن کوتاه")
    LONG_TEXT = "long_text", _("متن بلند")
    NUMBER = "number", _("عدد")
    JALALI_DATE = "jalali_date", _("تاریخ (شمسی)")
    CHOICE = "choice", _("انتخاب از فهرست")
    NATIONAL_ID = "national_id", _("کد ملی")
    LEGAL_ID = "legal_id", _("شناسه ملی شخص حقوقی")
    MOBILE = "mobile", _("تلفن همراه")
    POSTAL_CODE = "postal_code", _("کد پستی")
    FILE = "file", _("بارگذاری مدرک")


class Immutable(models.Model):
    """A record written once: an update is a programming error, not a path the system offers."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} is immutable; write a new version instead")
        super().save(*args, **kwargs)


class ServiceQuerySet(models.QuerySet["Service"]):
    def published(self) -> ServiceQuerySet:
        return self.filter(published_version__isnull=False, agency__is_active=True)

    def matching(self, query: str) -> ServiceQuerySet:
        """Published cards that hold every word of ``query`` in any of its forms, in the title,
        category, description or the card's own keywords and synonyms."""
        services = self
        for stem in search_stems(query):
            services = services.filter(published_version__search_document__contains=stem)
        return services


class Service(models.Model):
    """One service of one agency. Its content lives in versions; this row holds identity and pointers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="services"
    )
    code = models.SlugField(
        _("شناسه خدمت"), max_length=40, help_text=_("در نشانی صفحه خدمت؛ فقط حروف لاتین، عدد و خط تیره")
    )
    # The newest card version, and the newest one marked published (what the public sees).
    current_version = models.ForeignKey(
        "ServiceCardVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_version = models.ForeignKey(
        "ServiceCardVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The form being built (a list of field specs); publishing copies it into a FormVersion.
    form_draft: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    form_version = models.ForeignKey("FormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("خدمت")
        verbose_name_plural = _("خدمات")
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="service_code_unique_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.code}"


class ServiceCardVersion(Immutable):
    """One saved state of a service card (شناسنامه خدمت) with every field of the ASO directive."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="card_versions")
    number = models.PositiveIntegerField(_("نسخه"))
    created_at = models.DateTimeField(_("زمان ذخیره"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("عنوان خدمت"), max_length=200)
    category = models.CharField(_("دسته"), max_length=100)
    description = models.TextField(_("شرح خدمت"))
    steps = ArrayField(models.TextField(), verbose_name=_("مراحل گردش کار"), default=list, blank=True)
    required_documents = ArrayField(models.TextField(), verbose_name=_("مدارک لازم"), default=list, blank=True)
    # [{"title": …, "url": …}]
    laws: models.JSONField[list[dict[str, str]]] = models.JSONField(_("قوانین و مقررات"), default=list, blank=True)
    # [{"question": …, "answer": …}]
    faq: models.JSONField[list[dict[str, str]]] = models.JSONField(_("پرسش‌های متداول"), default=list, blank=True)
    expected_duration = models.CharField(_("مدت زمان انجام"), max_length=120)
    fees = models.TextField(_("هزینه‌ها"), blank=True)
    complaint_procedure = models.TextField(_("رویه شکایت و پیگیری"))
    responsible_title = models.CharField(_("سمت مسئول ارائه خدمت"), max_length=200)
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("واحد مسئول"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channels = ArrayField(
        models.CharField(max_length=20, choices=ServiceChannel.choices), verbose_name=_("روش‌های ارائه"), default=list
    )
    appointment_required = models.BooleanField(_("نیاز به نوبت حضوری"), default=False)
    # Inquiries the system asks as soon as a request is submitted (R7); part of the version.
    inquiry_types = models.ManyToManyField(
        "inquiries.InquiryType", verbose_name=_("استعلام‌های خودکار"), blank=True, related_name="+"
    )
    is_published = models.BooleanField(_("منتشر شده"), default=False)
    # The words citizens use for this service besides its official title (مجوز for پروانه…).
    keywords = ArrayField(
        models.CharField(max_length=100), verbose_name=_("کلیدواژه‌ها و هم‌معناها"), default=list, blank=True
    )
    # Normalised title, category, description and keywords for the catalogue search.
    search_document = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("نسخه شناسنامه خدمت")
        verbose_name_plural = _("نسخه‌های شناسنامه خدمت")
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="card_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def channel_labels(self) -> list[str]:
        return [str(ServiceChannel(value).label) for value in self.channels if value in ServiceChannel.values]


class FormVersion(Immutable):
    """A published form: the field list exactly as citizens saw it. Requests point here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="form_versions")
    number = models.PositiveIntegerField(_("نسخه"))
    fields: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("نسخه فرم")
        verbose_name_plural = _("نسخه‌های فرم")
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="form_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.service} form v{self.number}"


class OutcomeKind(models.TextChoices):
    DOCUMENT = "document", _("سند صادره (PDF با رمزینه تأیید)")
    DECISION = "decision", _("متن تصمیم")


class ServiceRequest(models.Model):
    """A submitted item that is a request for a service: which card and form it answered, and how."""

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="service_request")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    card_version = models.ForeignKey(ServiceCardVersion, on_delete=models.PROTECT, related_name="+")
    form_version = models.ForeignKey(FormVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # {field key: value}; files as {"name": …, "attachment": <attachment public_id>}.
    answers: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The delivered outcome (R8) is an ordinary issued response: numbered, verifiable by QR.
    outcome_kind = models.CharField(max_length=10, choices=OutcomeKind.choices, blank=True)
    outcome = models.OneToOneField(Response, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("درخواست خدمت")
        verbose_name_plural = _("درخواست‌های خدمت")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.service_id}"

"""Government counter offices (دفتر پیشخوان): their official tariff and the log of what each counter did.

The log is append-only in the database (see migration 0002) because it is what a citizen's
overcharging complaint and the office's monthly settlement are checked against.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokatebat.organization.models import Organization


class Service(models.TextChoices):
    LETTER_REGISTRATION = "letter_registration", _("ثبت و ارسال نامه")
    RESPONSE_PRINTOUT = "response_printout", _("چاپ و تحویل نامه پاسخ")


class CounterFeeQuerySet(models.QuerySet["CounterFee"]):
    def official_amount(self, *, office: Organization, service: str, on: datetime.date) -> int:
        """The tariff in force on ``on``: the office's own row if it has one, else the network-wide one."""
        rows = self.filter(service=service, valid_from__lte=on).filter(Q(office=office) | Q(office__isnull=True))
        # An office-specific row wins over the network tariff; among equals, the newest one.
        fee = rows.order_by(models.F("office").asc(nulls_last=True), "-valid_from", "-pk").first()
        return fee.amount if fee else 0


class CounterFee(models.Model):
    """One line of the official tariff. Null office = the network-wide tariff every office applies."""

    office = models.ForeignKey(
        Organization,
        verbose_name=_("دفتر پیشخوان"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counter_fees",
        limit_choices_to={"kind": Organization.Kind.COUNTER_OFFICE},
        help_text=_("خالی یعنی تعرفه رسمی همه دفاتر پیشخوان"),
    )
    service = models.CharField(_("خدمت"), max_length=40, choices=Service.choices)
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))
    valid_from = models.DateField(_("معتبر از"))

    objects = CounterFeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("تعرفه خدمت پیشخوان")
        verbose_name_plural = _("تعرفه‌های خدمات پیشخوان")
        ordering = ["service", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "valid_from"], name="counterfee_one_per_day", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} — {self.amount}"


class VisitAction(models.TextChoices):
    REGISTERED = "registered", _("ثبت نامه")
    LOOKED_UP = "looked_up", _("استعلام")
    PRINTED_RESPONSE = "printed_response", _("چاپ پاسخ")
    HANDED_OVER = "handed_over", _("تحویل پاسخ")
    LOOKUP_FAILED = "lookup_failed", _("استعلام ناموفق")


class CounterVisitQuerySet(models.QuerySet["CounterVisit"]):
    def between(self, first: datetime.date, last: datetime.date) -> CounterVisitQuerySet:
        """Visits on Tehran calendar days ``first``..``last`` inclusive (USE_TZ converts ``__date``)."""
        return self.filter(at__date__gte=first, at__date__lte=last)


class CounterVisit(models.Model):
    """One thing a counter did for a walk-in applicant. Never updated, never deleted."""

    office = models.ForeignKey(
        Organization, verbose_name=_("دفتر پیشخوان"), on_delete=models.PROTECT, related_name="counter_visits"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("اپراتور"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "correspondence.Item",
        verbose_name=_("نامه"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counter_visits",
    )
    action = models.CharField(_("اقدام"), max_length=20, choices=VisitAction.choices)
    fee = models.PositiveBigIntegerField(_("مبلغ دریافتی (ریال)"), default=0)
    # Keyed SHA-256 of the ID typed for a lookup: repeated tries on one ID can be counted, the ID
    # itself is never stored.
    national_id_hash = models.CharField(_("چکیده کد ملی"), max_length=64, blank=True)
    at = models.DateTimeField(_("زمان"))

    objects = CounterVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("مراجعه به پیشخوان")
        verbose_name_plural = _("مراجعات به پیشخوان")
        indexes = [models.Index(fields=["office", "at"], name="countervisit_office_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%Y-%m-%d %H:%M}"

"""The contact centre (R14, R17): the log of status lookups an operator read out to callers.

Registering an item needs no table of its own: the item carries channel = phone and the operator
as ``created_by``, and its timeline records the step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mokatebat.organization.models import Organization


class CallLookup(models.Model):
    """Who looked up what, when, found or not. Never updated, never deleted."""

    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("اپراتور"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "correspondence.Item",
        verbose_name=_("نامه"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_lookups",
    )
    # Keyed hash of the ID the caller gave: repeated tries on one ID can be counted, the ID is not kept.
    national_id_hash = models.CharField(_("چکیده کد ملی"), max_length=64)
    found = models.BooleanField(_("پیدا شد"))
    at = models.DateTimeField(_("زمان"))

    class Meta:
        verbose_name = _("استعلام تلفنی")
        verbose_name_plural = _("استعلام‌های تلفنی")
        indexes = [models.Index(fields=["operator", "at"], name="calllookup_operator_at")]

    def __str__(self) -> str:
        return f"{self.operator_id} @ {self.at:%Y-%m-%d %H:%M}"

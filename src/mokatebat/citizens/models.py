"""Citizens as they present themselves on an item: a natural person or a legal person's representative."""

from __future__ import annotations

import hmac
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Requester(models.Model):
    """The requester as stated on one item, kept as written (a record, not a profile that drifts).

    Kept apart from the item so that anonymised views of an item never load it at all.
    """

    class Kind(models.TextChoices):
        NATURAL = "natural", _("شخص حقیقی")
        LEGAL = "legal", _("شخص حقوقی")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("نوع متقاضی"), max_length=10, choices=Kind.choices, default=Kind.NATURAL)
    full_name = models.CharField(_("نام و نام خانوادگی"), max_length=120)
    national_id = models.CharField(_("کد ملی"), max_length=10, db_index=True)
    mobile = models.CharField(_("شماره تلفن همراه"), max_length=11, db_index=True)
    email = models.EmailField(_("پست الکترونیک"), blank=True)
    address = models.TextField(_("نشانی"), blank=True)
    legal_name = models.CharField(_("نام شخص حقوقی"), max_length=200, blank=True)
    legal_national_id = models.CharField(_("شناسه ملی"), max_length=11, blank=True, db_index=True)
    created_at = models.DateTimeField(_("تاریخ ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("متقاضی")
        verbose_name_plural = _("متقاضیان")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.LEGAL:
            return f"{self.legal_name} ({_('نماینده')}: {self.full_name})"
        return self.full_name

    def identifies_with(self, national_id: str) -> bool:
        """True when ``national_id`` is the person's national ID or the company's legal ID."""
        given = national_id.encode()
        # compare_digest keeps a wrong ID as slow as a right one.
        matches_person = hmac.compare_digest(given, self.national_id.encode())
        matches_company = hmac.compare_digest(given, self.legal_national_id.encode())
        return bool(national_id) and (matches_person or matches_company)

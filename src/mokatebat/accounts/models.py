"""Citizen sign-in (R12): a one-time code sent by SMS to the mobile the citizen gave.

Why not django-otp: its devices (``SMSDevice``, ``EmailDevice``, …) belong to a Django ``User``
through a foreign key, and citizens are deliberately not users (a citizen is identified by national
ID + a mobile they can prove they hold, not by an account with a password). So the code lives in
this one small table, and only as a keyed hash.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 5
CODE_LIFETIME = datetime.timedelta(minutes=5)


class SignInCode(models.Model):
    """One code sent to one mobile for one (national or legal) ID. Kept as the sign-in record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identifier = models.CharField(_("کد ملی یا شناسه ملی"), max_length=11)
    mobile = models.CharField(_("شماره تلفن همراه"), max_length=11)
    # HMAC-SHA-256 of the code keyed with SECRET_KEY and this row's public_id; the code itself is
    # only in the SMS.
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("زمان ارسال"))
    expires_at = models.DateTimeField(_("انقضا"))
    attempts = models.PositiveSmallIntegerField(_("تعداد تلاش"), default=0)
    used_at = models.DateTimeField(_("زمان ورود"), null=True, blank=True)

    class Meta:
        verbose_name = _("کد ورود شهروند")
        verbose_name_plural = _("کدهای ورود شهروندان")
        indexes = [models.Index(fields=["mobile", "created_at"], name="signincode_mobile_created")]

    def __str__(self) -> str:
        return f"{self.mobile} @ {self.created_at:%Y-%m-%d %H:%M}"

    def is_spent(self, now: datetime.datetime) -> bool:
        """Used, expired or out of attempts: no code typed into it can ever succeed again."""
        return self.used_at is not None or now >= self.expires_at or self.attempts >= MAX_ATTEMPTS

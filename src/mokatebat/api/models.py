"""Client systems of agencies that use the API, and the public face of Open311 requests."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, User

TOKEN_PREFIX = "mk_"  # noqa: S105 - a visible prefix, not a secret


class Scope(models.TextChoices):
    ITEMS_READ = "items:read", _("خواندن نامه‌های دستگاه")
    ITEMS_WRITE = "items:write", _("ثبت، ارجاع و اقدام روی نامه‌ها")
    RESPONSES_WRITE = "responses:write", _("پیش‌نویس پاسخ برای امضای مدیر واحد")
    OPEN311 = "open311", _("ارسال درخواست از راه Open311")


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is enough to make a leaked table useless."""
    return hashlib.sha256(token.encode()).hexdigest()


class ClientSystemQuerySet(models.QuerySet["ClientSystem"]):
    def active(self) -> ClientSystemQuerySet:
        return self.filter(is_active=True, agency__is_active=True)


class ClientSystem(models.Model):
    """Another program of an agency (its own records system, a mobile app, a city portal) that calls the API.

    It acts through a service account of its own (``user``): a secretariat role in its agency, no
    usable password. So the one permission rule of ``correspondence.auth`` decides what it sees,
    and every step it takes carries it as the actor on the item's timeline.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="client_systems"
    )
    name = models.CharField(_("نام سامانه"), max_length=120)
    is_active = models.BooleanField(_("فعال"), default=True)
    scopes = ArrayField(models.CharField(max_length=30, choices=Scope.choices), verbose_name=_("دسترسی‌ها"))
    rate_limit = models.CharField(_("سقف درخواست"), max_length=20, default="600/h", help_text=_("مثلاً 600/h"))
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="client_system", editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so an admin can tell which token a log line or a client means.
    token_hint = models.CharField(_("آغاز توکن"), max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ClientSystemQuerySet.as_manager()

    class Meta:
        verbose_name = _("سامانه متصل")
        verbose_name_plural = _("سامانه‌های متصل")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="client_system_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def set_new_token(self) -> str:
        """Make a new token, keep only its hash, and return it: the one time anyone sees it."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_hint = token[:10]
        return token


def new_request_id() -> str:
    return secrets.token_hex(8)


class Open311Request(models.Model):
    """What an Open311 client sent besides the letter itself, and the request's public id.

    ``service_request_id`` is public (it appears in the public listing), unlike the tracking code,
    which together with the national ID is the citizen's key to the whole item.
    """

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="open311")
    service_request_id = models.CharField(max_length=32, unique=True, default=new_request_id, editable=False)
    token = models.CharField(max_length=32, unique=True, default=new_request_id, editable=False)
    service_code = models.CharField(max_length=80)
    client = models.ForeignKey(ClientSystem, on_delete=models.PROTECT, related_name="open311_requests")
    address = models.CharField(max_length=500, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("درخواست Open311")
        verbose_name_plural = _("درخواست‌های Open311")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.service_request_id

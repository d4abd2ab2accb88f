"""The government network: organisations (agencies and counter offices), unit trees, staff roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. Citizens never hold a password account; they use tracking codes or SMS codes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(_("شماره تلفن همراه"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def agencies(self) -> OrganizationQuerySet:
        """Agencies that accept letters from citizens (counter offices do not)."""
        return self.filter(kind=Organization.Kind.AGENCY, is_active=True)

    def counter_offices(self) -> OrganizationQuerySet:
        return self.filter(kind=Organization.Kind.COUNTER_OFFICE, is_active=True)


class Organization(models.Model):
    """A tenant of the network: an agency (دستگاه اجرایی) or a government counter office."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("دستگاه اجرایی")
        COUNTER_OFFICE = "counter_office", _("دفتر پیشخوان دولت")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    name = models.CharField(_("نام"), max_length=200, unique=True)
    short_name = models.CharField(_("نام کوتاه"), max_length=60, blank=True)
    code = models.SlugField(_("شناسه"), max_length=40, unique=True, help_text=_("در نشانی‌ها و گزارش‌ها"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("سازمان بالادست"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.CharField(_("استان"), max_length=60, blank=True)
    city = models.CharField(_("شهر"), max_length=60, blank=True)
    address = models.TextField(_("نشانی"), blank=True)
    phone = models.CharField(_("تلفن"), max_length=30, blank=True)
    registration_format = models.CharField(
        _("قالب شماره ثبت"),
        max_length=60,
        default="{year}/{number}",
        help_text=_("مثلاً {year}/{number} یا م‌ب/{year}/{number:05d}"),
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    # Changed only through organization.workflow.agency_mobile_code_set, which records who and when.
    submit_mobile_code_required = models.BooleanField(
        _("تأیید شماره همراه پیش از پیامک کد رهگیری"),
        default=False,
        editable=False,
        help_text=_("نامه‌ای که در وبگاه فرستاده می‌شود، پس از وارد کردن کد یک‌بارمصرفِ پیامک‌شده ثبت می‌شود."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("سازمان")
        verbose_name_plural = _("سازمان‌ها")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_letters(self) -> bool:
        return self.kind == self.Kind.AGENCY and self.is_active


class Unit(models.Model):
    """A unit in an agency's tree: deputy (معاونت) → department (اداره کل) → office (اداره)."""

    class Kind(models.TextChoices):
        HEAD_OFFICE = "head_office", _("حوزه ریاست")
        DEPUTY = "deputy", _("معاونت")
        DEPARTMENT = "department", _("اداره کل")
        OFFICE = "office", _("اداره")
        SECRETARIAT = "secretariat", _("دبیرخانه")
        PUBLIC_RELATIONS = "public_relations", _("ارتباطات مردمی")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("سازمان"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("واحد بالادست"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("نوع واحد"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    name = models.CharField(_("نام واحد"), max_length=200)
    accepts_letters = models.BooleanField(_("قابل انتخاب برای نامه‌های مردمی"), default=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("واحد")
        verbose_name_plural = _("واحدها")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "parent", "name"], name="unit_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path_name(self) -> str:
        """ "معاونت درمان › اداره کل نظارت" — enough context to pick the right unit from a list."""
        names = [self.name]
        parent = self.parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.parent
        return " › ".join(reversed(names))


class Role(models.TextChoices):
    SECRETARIAT_CLERK = "secretariat_clerk", _("کارشناس دبیرخانه")
    PR_EXPERT = "pr_expert", _("کارشناس ارتباطات مردمی")
    PHONE_OPERATOR = "phone_operator", _("اپراتور تلفن")
    UNIT_STAFF = "unit_staff", _("کارشناس واحد")
    UNIT_MANAGER = "unit_manager", _("مدیر واحد")
    HEAD = "head", _("رئیس دستگاه")
    DEPUTY = "deputy", _("معاون")
    SERVICE_OWNER = "service_owner", _("مالک خدمت")
    AGENCY_ADMIN = "agency_admin", _("مدیر سامانه دستگاه")
    AUDITOR = "auditor", _("بازرس")
    COUNTER_OPERATOR = "counter_operator", _("اپراتور دفتر پیشخوان")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True, organization__is_active=True)


class Membership(models.Model):
    """A staff member's role in one organisation, limited to some units for unit roles."""

    user = models.ForeignKey(User, verbose_name=_("کاربر"), on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("سازمان"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("نقش"), max_length=30, choices=Role.choices)
    units = models.ManyToManyField(Unit, verbose_name=_("واحدها"), blank=True, related_name="memberships")
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(_("تاریخ ایجاد"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("عضویت و نقش")
        verbose_name_plural = _("عضویت‌ها و نقش‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(is_active=True),
                name="membership_one_active_role_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class SettingChange(models.Model):
    """An agency setting changed: by whom, when, from what to what. Append-only, like the timeline."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("سازمان"), on_delete=models.PROTECT, related_name="setting_changes"
    )
    actor = models.ForeignKey(
        User, verbose_name=_("کاربر"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    setting = models.CharField(_("تنظیم"), max_length=60)
    before = models.CharField(_("پیش از تغییر"), max_length=200)
    after = models.CharField(_("پس از تغییر"), max_length=200)
    changed_at = models.DateTimeField(_("زمان"))

    class Meta:
        verbose_name = _("تغییر تنظیمات سازمان")
        verbose_name_plural = _("تغییرات تنظیمات سازمان‌ها")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} — {self.setting}: {self.before} → {self.after}"

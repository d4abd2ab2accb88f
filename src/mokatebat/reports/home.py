"""What waits for each person on the staff home: one section per role they hold, each a few counts
that link to the list behind them, and the actions of the role.

Every count is taken from the same querysets the linked pages use (the apps' ``auth.py``), so the
number on the home page is the number of rows the person finds after the click.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mokatebat.bookings.auth import MANAGER_ROLES as BOOKING_MANAGER_ROLES
from mokatebat.bookings.auth import calendars_for_staff
from mokatebat.bookings.models import Booking
from mokatebat.correspondence.auth import (
    SECRETARIAT_ROLES,
    UNIT_ROLES,
    referrals_for_user,
    secretariat_items,
    unit_ids_of,
)
from mokatebat.correspondence.escalation import deadline_summary
from mokatebat.correspondence.models import Item, Referral, ResponseDraft, Status
from mokatebat.correspondence.staff_forms import WAITING_FOR_SECRETARIAT
from mokatebat.counters.auth import operator_offices
from mokatebat.inquiries.auth import received_inquiries
from mokatebat.inquiries.models import InquiryState
from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Role, User
from mokatebat.publicrelations.auth import (
    MEETING_ROLES,
    PR_ROLES,
    SETTINGS_ROLES,
    meetings_for,
    pr_items,
    without_hidden_identity,
)
from mokatebat.publicrelations.models import Meeting
from mokatebat.services.auth import OWNER_ROLES, services_editable_by
from mokatebat.surveys.auth import RESULT_ROLES

from .dashboard import DASHBOARD_ROLES

# A referral still in a unit's hands; the others are history.
OPEN_REFERRAL_STATES = (Referral.State.OPEN, Referral.State.ACCEPTED)
DUE_SOON_DAYS = 2


@dataclass(frozen=True)
class Card:
    """One thing waiting: a label, how many (None for a plain action) and where the list is."""

    label: str
    url: str
    count: int | None = None
    urgent: bool = False
    test_id: str = ""  # a stable handle for tests on counts that change often


@dataclass
class Section:
    title: str
    cards: list[Card] = field(default_factory=list)


def _url(name: str, **query: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def home_sections(user: User) -> list[Section]:
    """The sections of this person's home page, in the order of the day's work."""
    roles = {Role(m.role) for m in active_memberships(user)}
    if user.is_superuser:
        roles |= set(Role)
    builders = (
        (bool(roles), _deadlines_section),
        (bool(roles & {Role.COUNTER_OPERATOR}) and bool(operator_offices(user)), _counter_section),
        (bool(roles & SECRETARIAT_ROLES), _secretariat_section),
        (bool(roles & UNIT_ROLES), _unit_section),
        (Role.UNIT_MANAGER in roles, _signature_section),
        (bool(roles & PR_ROLES), _pr_section),
        (bool(roles & MEETING_ROLES) and not roles & PR_ROLES, _meetings_section),
        (Role.PHONE_OPERATOR in roles, _contact_centre_section),
        (bool(roles & OWNER_ROLES), _services_section),
        (bool(roles & BOOKING_MANAGER_ROLES), _appointments_section),
        (bool(roles & DASHBOARD_ROLES), _dashboard_section),
        (bool(roles & RESULT_ROLES), _results_section),
        (Role.AGENCY_ADMIN in roles or user.is_superuser, _settings_section),
    )
    return [build(user) for applies, build in builders if applies]


def _counter_section(user: User) -> Section:
    offices = operator_offices(user)
    today = timezone.localdate()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone())
    registered_today = Item.objects.filter(counter_office__in=offices, submitted_at__gte=start).count()
    return Section(
        _("دفتر پیشخوان"),
        [
            Card(_("میز پیشخوان"), _url("counter-home")),
            Card(_("ثبت نامه متقاضی"), _url("counter-letter-new")),
            Card(_("استعلام و تحویل پاسخ"), _url("counter-lookup")),
            Card(_("نامه‌های ثبت‌شده امروز در این دفتر"), _url("counter-report"), registered_today),
        ],
    )


def _secretariat_section(user: User) -> Section:
    items = without_hidden_identity(user, secretariat_items(user))
    waiting = received_inquiries(user).filter(state__in=[InquiryState.PENDING, InquiryState.SENT])
    return Section(
        _("دبیرخانه"),
        [
            Card(
                _("همه نامه‌های در انتظار دبیرخانه"),
                _url("secretariat-inbox", status=WAITING_FOR_SECRETARIAT),
                items.waiting_for_secretariat().count(),
            ),
            Card(
                _("نامه‌های تازه (بررسی و ثبت)"),
                _url("secretariat-inbox", status=Status.SUBMITTED),
                items.filter(status=Status.SUBMITTED).count(),
            ),
            Card(
                _("ثبت‌شده، در انتظار ارجاع"),
                _url("secretariat-inbox", status=Status.REGISTERED),
                items.filter(status=Status.REGISTERED).count(),
            ),
            Card(_("استعلام‌های دریافتی بی‌پاسخ"), _url("inquiry-received"), waiting.count()),
            Card(_("ثبت نامه دریافتی (حضوری یا پستی)"), _url("received-letter-new")),
        ],
    )


def _open_referrals(user: User) -> QuerySet[Referral]:
    return referrals_for_user(user).filter(state__in=OPEN_REFERRAL_STATES)


def _unit_section(user: User) -> Section:
    today = timezone.localdate()
    referrals = _open_referrals(user)
    due_soon = referrals.filter(item__in=Item.objects.with_due_state("due_soon", today)).count()
    overdue = referrals.filter(item__in=Item.objects.with_due_state("overdue", today)).count()
    replied = referrals.filter(item__info_requests__answered_at__isnull=False, item__status=Status.REFERRED)
    return Section(
        _("کارتابل واحد"),
        [
            Card(_("ارجاع‌های باز به واحدهای شما"), _url("unit-inbox"), referrals.count()),
            Card(_("سررسید نزدیک"), _url("unit-inbox", due="due_soon"), due_soon),
            Card(_("گذشته از مهلت"), _url("unit-inbox", due="overdue"), overdue, urgent=overdue > 0),
            Card(_("پاسخ شهروند به درخواست اطلاعات"), _url("unit-inbox"), replied.distinct().count()),
        ],
    )


def _deadlines_section(user: User) -> Section:
    """Everyone's deadline notices; the agency-wide overdue list for those who steer."""
    summary = deadline_summary(user)
    unread = cast(int, summary["unread_notices"])
    cards = [Card(_("اعلان‌های مهلت خوانده‌نشده"), _url("staff-notices"), unread, unread > 0, "unread-notices")]
    if summary["sees_overdue_list"]:
        overdue = cast(int, summary["overdue_total"])
        cards.append(Card(_("کارهای گذشته از مهلت در دستگاه"), _url("staff-overdue"), overdue, urgent=overdue > 0))
    return Section(_("مهلت‌ها"), cards)


def _signature_section(user: User) -> Section:
    drafts = ResponseDraft.objects.filter(
        unit_id__in=unit_ids_of(user, managers_only=True), state=ResponseDraft.State.AWAITING_SIGNATURE
    )
    count = drafts.count()
    return Section(
        _("امضای پاسخ‌ها"),
        [Card(_("پیش‌نویس‌های در انتظار امضای شما"), _url("unit-inbox"), count, urgent=count > 0)],
    )


def _pr_section(user: User) -> Section:
    open_items = pr_items(user).exclude(status=Status.CLOSED)
    undecided = open_items.filter(Q(pr_case__isnull=True) | Q(pr_case__decided_at__isnull=True))
    requested = meetings_for(user).filter(state=Meeting.State.REQUESTED).count()
    return Section(
        _("ارتباطات مردمی"),
        [
            Card(_("موارد باز کارتابل"), _url("pr-inbox"), open_items.count()),
            Card(_("در انتظار تصمیم شما"), _url("pr-inbox"), undecided.count()),
            Card(_("درخواست‌های ملاقات برای تعیین وقت"), _url("pr-meetings"), requested, urgent=requested > 0),
            Card(_("ثبت مراجعه حضوری"), _url("pr-visit-new")),
            Card(_("ثبت تماس تلفنی"), _url("pr-call-new")),
        ],
    )


def _meetings_section(user: User) -> Section:
    meetings = meetings_for(user)
    requested = meetings.filter(state=Meeting.State.REQUESTED).count()
    upcoming = meetings.filter(state=Meeting.State.SCHEDULED, slot__starts_at__gte=timezone.now()).count()
    return Section(
        _("ملاقات‌های مردمی"),
        [
            Card(_("درخواست‌های در انتظار تصمیم"), _url("pr-meetings"), requested),
            Card(_("ملاقات‌های پیش رو"), _url("pr-meetings"), upcoming),
        ],
    )


def _contact_centre_section(_user: User) -> Section:
    return Section(
        _("مرکز تماس"),
        [
            Card(_("استعلام وضعیت برای تماس‌گیرنده"), _url("call-home")),
            Card(_("ثبت درخواست تلفنی"), _url("call-letter-new")),
        ],
    )


def _services_section(user: User) -> Section:
    return Section(
        _("خدمات الکترونیکی"),
        [Card(_("شناسنامه‌ها و فرم‌های خدمت"), _url("staff-services"), services_editable_by(user).count())],
    )


def _appointments_section(user: User) -> Section:
    today = timezone.localdate()
    bookings = Booking.objects.filter(calendar__in=calendars_for_staff(user)).held().on_day(today)
    return Section(
        pgettext("staff home", "نوبت‌دهی"),
        [Card(_("نوبت‌های امروز"), _url("staff-bookings"), bookings.count())],
    )


def _dashboard_section(_user: User) -> Section:
    return Section(
        _("نمای کلی دستگاه"), [Card(_("داشبورد: دریافت، پاسخ، مانده کار و رضایت"), _url("agency-dashboard"))]
    )


def _results_section(_user: User) -> Section:
    return Section(_("کیفیت پاسخ‌گویی"), [Card(_("نتایج نظرسنجی رضایت"), _url("survey-results"))])


def _settings_section(user: User) -> Section:
    cards = [Card(_("طبقه‌بندی موضوعی"), _url("staff-categories"))]
    roles = {m.role for m in active_memberships(user)}
    if user.is_superuser or roles & SETTINGS_ROLES:
        cards.append(Card(_("تنظیمات ارتباطات مردمی"), _url("pr-settings")))
    cards.append(Card(_("تقویم‌های نوبت‌دهی"), _url("staff-calendars")))
    if user.is_staff:
        cards.append(Card(_("مدیریت سامانه"), reverse("admin:index")))
    return Section(_("تنظیمات دستگاه"), cards)

"""Appointment booking (نوبت‌دهی, R13): calendars with weekly opening hours, closed on the agency's
holidays (``core.Holiday``, the one working calendar deadlines count with too),
per-slot counters that PostgreSQL keeps within capacity, and the citizens' bookings.

State changes happen only in ``workflow.py``; the slot arithmetic lives in ``slots.py``.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.jalali import TEHRAN

# The agency's closed days live in its working calendar (core); named here too for the bookings code.
from mokatebat.core.models import Holiday as Holiday
from mokatebat.core.models import HolidayQuerySet as HolidayQuerySet
from mokatebat.organization.models import Organization, Unit

# No 0/O, 1/I/L: a code read aloud on the phone or copied from an SMS is typed right.
BOOKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BOOKING_CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 (≈ 39.6 bits); a lookup also needs the national ID and an SMS code


def new_booking_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _i in range(BOOKING_CODE_LENGTH))


class Weekday(models.IntegerChoices):
    """Python's ``date.weekday()`` numbers, listed in the Iranian order (Saturday first)."""

    SATURDAY = 5, _("شنبه")
    SUNDAY = 6, _("یکشنبه")
    MONDAY = 0, _("دوشنبه")
    TUESDAY = 1, _("سه‌شنبه")
    WEDNESDAY = 2, _("چهارشنبه")
    THURSDAY = 3, _("پنجشنبه")
    FRIDAY = 4, _("جمعه")


class CalendarQuerySet(models.QuerySet["Calendar"]):
    def bookable(self) -> CalendarQuerySet:
        return self.filter(is_active=True, agency__is_active=True)

    def of_agencies(self, agencies: models.QuerySet[Organization]) -> CalendarQuerySet:
        return self.filter(agency__in=agencies)


class Calendar(models.Model):
    """One place where citizens can book a visit: an office or desk of an agency (or of one unit)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="booking_calendars"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("واحد"), null=True, blank=True, on_delete=models.PROTECT, related_name="booking_calendars"
    )
    name = models.CharField(_("عنوان"), max_length=200)
    place = models.CharField(_("محل مراجعه"), max_length=300, blank=True)
    address = models.TextField(_("نشانی"), blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("مدت هر نوبت (دقیقه)"), default=15)
    capacity = models.PositiveSmallIntegerField(_("ظرفیت هر نوبت (نفر)"), default=1)
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        verbose_name = _("تقویم نوبت‌دهی")
        verbose_name_plural = _("تقویم‌های نوبت‌دهی")
        ordering = ["agency", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="calendar_slot_len"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="calendar_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One open range on one weekday; a day may have several (e.g. a morning and an afternoon shift)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("روز هفته"), choices=Weekday.choices)
    opens_at = models.TimeField(_("از ساعت"))
    closes_at = models.TimeField(_("تا ساعت"))

    class Meta:
        verbose_name = _("ساعت کاری")
        verbose_name_plural = _("ساعات کاری")
        ordering = ["calendar", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="opening_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Slot(models.Model):
    """The counter row of one slot: created on first booking, row-locked by every booking of it.

    ``capacity`` is copied from the calendar when the row is made, so a later change of the
    calendar never overfills a slot people already hold; the CHECK makes over-capacity impossible
    even for code that forgets the lock.
    """

    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(state=Booking.State.BOOKED)

    def upcoming(self, now: datetime.datetime | None = None) -> BookingQuerySet:
        return self.active().filter(slot__starts_at__gte=now or timezone.now())

    def of_person(self, national_id: str, mobile: str) -> BookingQuerySet:
        """A person's bookings: the ID alone is not enough, national IDs are not secret."""
        return self.filter(national_id=national_id, mobile=mobile)

    def held(self) -> BookingQuerySet:
        """Every booking someone still holds or already used: all but the cancelled ones."""
        return self.exclude(state=Booking.State.CANCELLED)

    def on_day(self, day: datetime.date) -> BookingQuerySet:
        """Bookings of one Tehran calendar day."""
        first = datetime.datetime.combine(day, datetime.time.min, tzinfo=TEHRAN)
        return self.filter(slot__starts_at__gte=first, slot__starts_at__lt=first + datetime.timedelta(days=1))


class Booking(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", _("رزرو شده")
        CANCELLED = "cancelled", _("لغو شده")
        ATTENDED = "attended", _("مراجعه کرد")
        NO_SHOW = "no_show", _("مراجعه نکرد")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("کد نوبت"), max_length=12, unique=True, default=new_booking_code, editable=False)
    calendar = models.ForeignKey(Calendar, verbose_name=_("تقویم"), on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    national_id = models.CharField(_("کد ملی"), max_length=10, db_index=True)
    mobile = models.CharField(_("شماره تلفن همراه"), max_length=11)
    # Who is coming and why, so the desk can greet them and prepare (blank on bookings made before).
    full_name = models.CharField(_("نام و نام خانوادگی"), max_length=120, blank=True, default="")
    purpose = models.CharField(_("موضوع مراجعه"), max_length=200, blank=True, default="")
    item = models.ForeignKey(
        "correspondence.Item",
        verbose_name=_("نامه یا درخواست"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    state = models.CharField(_("وضعیت"), max_length=12, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_queued_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("نوبت")
        verbose_name_plural = _("نوبت‌ها")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            # One person, one place in a slot: a double submit cannot take two places.
            models.UniqueConstraint(
                fields=["slot", "national_id"], condition=Q(state="booked"), name="booking_one_per_person_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_state_display()}"

    @property
    def starts_at(self) -> datetime.datetime:
        return self.slot.starts_at


class BookingEvent(models.Model):
    """Append-only history of a booking (booked, rescheduled, cancelled, attended…)."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"


class PhoneCode(models.Model):
    """A one-time code sent by SMS to prove the citizen holds the mobile. Only a keyed hash is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"

"""Every change to a booking, each one transaction that writes its BookingEvent and queues its SMS.

Capacity under concurrency: a booking inserts the slot's counter row if it is missing (ON CONFLICT
DO NOTHING), then locks it with SELECT … FOR UPDATE, so bookings of one slot queue behind each
other and each sees the count its predecessor committed; a CHECK (booked <= capacity) backs it up.
The per-person limit takes a transaction-level advisory lock on the national ID, so two tabs of
one person cannot both pass the count.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mokatebat.core.jalali import TEHRAN, format_jalali_datetime
from mokatebat.core.persian import to_ascii_digits
from mokatebat.correspondence.models import Item
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import User

from .models import Booking, BookingEvent, Calendar, PhoneCode, Slot
from .slots import is_offered

logger = logging.getLogger(__name__)

PHONE_CODE_TTL = datetime.timedelta(minutes=5)
PHONE_CODE_MAX_TRIES = 5


class BookingError(Exception):
    """A booking step that cannot happen; ``message`` is shown to the person as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_active_bookings() -> int:
    return int(getattr(settings, "BOOKINGS_MAX_ACTIVE_PER_PERSON", 2))


def phone_codes_per_hour() -> int:
    return int(getattr(settings, "BOOKINGS_PHONE_CODES_PER_HOUR", 5))


# --- the SMS one-time code that proves the citizen holds the mobile ---------------------------


def _code_digest(phone_code: PhoneCode, code: str) -> str:
    key = f"booking-phone-code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{phone_code.public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_send(*, mobile: str, purpose: str, now: datetime.datetime | None = None) -> PhoneCode:
    """Make a 6-digit code, keep only its keyed hash, queue it by SMS. At most a few per mobile per hour."""
    now = now or timezone.now()
    with transaction.atomic():
        # Serialise per mobile so a burst of requests cannot all pass the hourly count.
        _advisory_lock(f"phone-code:{mobile}")
        recent = PhoneCode.objects.filter(mobile=mobile, created_at__gte=now - datetime.timedelta(hours=1))
        if recent.count() >= phone_codes_per_hour():
            raise BookingError(_("برای این شماره کد زیادی فرستاده شده است. یک ساعت دیگر دوباره تلاش کنید."))
        code = f"{secrets.randbelow(10**6):06d}"
        phone_code = PhoneCode(mobile=mobile, purpose=purpose, created_at=now, expires_at=now + PHONE_CODE_TTL)
        phone_code.code_hash = _code_digest(phone_code, code)
        phone_code.save()
        queue_sms(
            dedup_key=f"phone-code:{phone_code.public_id}",
            template="booking_code",
            mobile=mobile,
            context={"code": code},
        )
    return phone_code


def phone_code_check(*, phone_code: PhoneCode, code: str, now: datetime.datetime | None = None) -> bool:
    """True once for the right code within 5 minutes and 5 tries; every try counts, right or wrong."""
    now = now or timezone.now()
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().get(pk=phone_code.pk)
        if row.used_at is not None or row.expires_at < now or row.attempts >= PHONE_CODE_MAX_TRIES:
            return False
        row.attempts += 1
        matches = hmac.compare_digest(row.code_hash, _code_digest(row, to_ascii_digits(code.strip())))
        if matches:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
    return matches


# --- bookings ----------------------------------------------------------------------------------


def _advisory_lock(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


def _ensure_slot(calendar: Calendar, starts_at: datetime.datetime) -> None:
    """INSERT … ON CONFLICT DO NOTHING: two first bookings of a slot both end up on the one row."""
    Slot.objects.bulk_create(
        [Slot(calendar=calendar, starts_at=starts_at, capacity=calendar.capacity)], ignore_conflicts=True
    )


def _locked_slot(calendar: Calendar, starts_at: datetime.datetime) -> Slot:
    _ensure_slot(calendar, starts_at)
    return Slot.objects.select_for_update().get(calendar=calendar, starts_at=starts_at)


def _take_place(calendar: Calendar, starts_at: datetime.datetime, national_id: str) -> Slot:
    if not is_offered(calendar, starts_at):
        raise BookingError(_("این نوبت دیگر قابل رزرو نیست؛ یکی از نوبت‌های خالی را انتخاب کنید."))
    slot = _locked_slot(calendar, starts_at)
    if slot.booked >= slot.capacity:
        raise BookingError(_("ظرفیت این نوبت همین حالا پر شد؛ یکی از نوبت‌های خالی دیگر را انتخاب کنید."))
    if slot.bookings.active().filter(national_id=national_id).exists():
        raise BookingError(_("شما همین نوبت را پیش‌تر رزرو کرده‌اید."))
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    return slot


def _free_place(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)


def _when(starts_at: datetime.datetime) -> str:
    return to_ascii_digits(format_jalali_datetime(starts_at))


def _notify(booking: Booking, template: str, step: str) -> None:
    calendar = booking.calendar
    context = {
        "agency": calendar.agency.short_name or calendar.agency.name,
        "calendar": calendar.name,
        "when": _when(booking.slot.starts_at),
        "booking_code": booking.code,
    }
    if template in {"booking_confirmed", "booking_rescheduled"}:
        context["site"] = settings.PUBLIC_SITE_URL + "/appointments/manage/"
    if template == "booking_reminder":
        context["place"] = calendar.place or calendar.name
    queue_sms(
        dedup_key=f"booking:{booking.public_id}:{step}",
        template=template,
        mobile=booking.mobile,
        context=context,
        item=booking.item,
    )


def _event(booking: Booking, kind: str, actor: User | None = None, **data: str) -> BookingEvent:
    return BookingEvent.objects.create(booking=booking, kind=kind, actor=actor, data=data)


def booking_create(
    *, calendar: Calendar, starts_at: datetime.datetime, national_id: str, mobile: str, item: Item | None = None
) -> Booking:
    """Take one place in a slot for a person whose mobile was verified; confirmation SMS with the code."""
    with transaction.atomic():
        _advisory_lock(f"booking-person:{national_id}")
        limit = max_active_bookings()
        if Booking.objects.upcoming().filter(national_id=national_id).count() >= limit:
            raise BookingError(
                _(
                    "هر شخص هم‌زمان حداکثر %(limit)s نوبت فعال می‌تواند داشته باشد. "
                    "نوبت قبلی را لغو کنید یا پس از آن مراجعه کنید."
                )
                % {"limit": limit}
            )
        slot = _take_place(calendar, starts_at, national_id)
        booking = Booking.objects.create(
            calendar=calendar, slot=slot, national_id=national_id, mobile=mobile, item=item
        )
        _event(booking, "booked", starts_at=starts_at.isoformat())
        _notify(booking, "booking_confirmed", "booked")
    return booking


def _locked_booking(booking: Booking) -> Booking:
    locked = Booking.objects.select_for_update().select_related("calendar__agency", "slot").get(pk=booking.pk)
    if locked.state != Booking.State.BOOKED:
        raise BookingError(_("این نوبت دیگر فعال نیست."))
    if locked.slot.starts_at <= timezone.now():
        raise BookingError(_("زمان این نوبت گذشته است و دیگر قابل تغییر نیست."))
    return locked


def booking_cancel(*, booking: Booking, actor: User | None = None) -> Booking:
    with transaction.atomic():
        booking = _locked_booking(booking)
        _free_place(booking.slot)
        booking.state = Booking.State.CANCELLED
        booking.save(update_fields=["state", "updated_at"])
        event = _event(booking, "cancelled", actor)
        _notify(booking, "booking_cancelled", f"cancelled:{event.pk}")
    return booking


def booking_reschedule(*, booking: Booking, starts_at: datetime.datetime) -> Booking:
    """Move to another slot of the same calendar: the new place is taken before the old one is freed."""
    with transaction.atomic():
        booking = _locked_booking(booking)
        if starts_at == booking.slot.starts_at:
            return booking
        old_slot = booking.slot
        if is_offered(booking.calendar, starts_at):
            # Lock both counter rows in time order, so two people swapping slots wait instead of deadlocking.
            _ensure_slot(booking.calendar, starts_at)
            pair = Slot.objects.filter(calendar=booking.calendar, starts_at__in=[starts_at, old_slot.starts_at])
            list(pair.select_for_update().order_by("starts_at"))
        booking.slot = _take_place(booking.calendar, starts_at, national_id=booking.national_id)
        _free_place(old_slot)
        booking.reminder_queued_at = None  # the new day gets its own reminder
        booking.save(update_fields=["slot", "reminder_queued_at", "updated_at"])
        event = _event(booking, "rescheduled", starts_at=starts_at.isoformat(), previous=old_slot.starts_at.isoformat())
        _notify(booking, "booking_rescheduled", f"rescheduled:{event.pk}")
    return booking


def booking_mark(*, booking: Booking, actor: User, attended: bool) -> Booking:
    """The desk records whether the person came. Only on or after the day of the visit."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        if booking.state not in (Booking.State.BOOKED, Booking.State.ATTENDED, Booking.State.NO_SHOW):
            raise BookingError(_("نوبت لغوشده را نمی‌توان علامت زد."))
        if booking.slot.starts_at.astimezone(TEHRAN).date() > timezone.localdate():
            raise BookingError(_("روز این نوبت هنوز نرسیده است."))
        booking.state = Booking.State.ATTENDED if attended else Booking.State.NO_SHOW
        booking.marked_by = actor
        booking.save(update_fields=["state", "marked_by", "updated_at"])
        _event(booking, booking.state, actor)
    return booking


def reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue the day-before reminder for every active booking of tomorrow (Tehran), once each.

    Safe to run as often as one likes and from several workers: a booking is claimed with SKIP
    LOCKED and marked in the same transaction, and the outbox de-duplicates on the booking and slot.
    """
    now = now or timezone.now()
    tomorrow = now.astimezone(TEHRAN).date() + datetime.timedelta(days=1)
    first = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=TEHRAN)
    last = first + datetime.timedelta(days=1)
    queued = 0
    with transaction.atomic():
        due = (
            Booking.objects.active()
            .filter(reminder_queued_at__isnull=True, slot__starts_at__gte=first, slot__starts_at__lt=last)
            .select_related("calendar__agency", "slot", "item")
            .select_for_update(skip_locked=True, of=("self",))
        )
        for booking in due:
            _notify(booking, "booking_reminder", f"reminder:{booking.slot.starts_at.isoformat()}")
            booking.reminder_queued_at = now
            booking.save(update_fields=["reminder_queued_at", "updated_at"])
            queued += 1
    return queued


_last_tick: list[datetime.datetime] = []
TICK_EVERY = datetime.timedelta(minutes=5)


def reminders_tick(now: datetime.datetime | None = None) -> int:
    """Called from the SMS worker's loop: queue due reminders at most every few minutes per process."""
    now = now or timezone.now()
    if _last_tick and now - _last_tick[0] < TICK_EVERY:
        return 0
    _last_tick[:] = [now]
    try:
        return reminders_queue(now=now)
    except Exception:
        # A reminder problem must never stop the worker from delivering the rest of the outbox.
        logger.exception("appointment reminders could not be queued; trying again later")
        return 0

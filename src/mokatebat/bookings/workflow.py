"""Every change to a booking, each one transaction that writes its BookingEvent and queues its SMS.

Capacity under concurrency: a booking inserts the slot's counter row if it is missing (ON CONFLICT
DO NOTHING), then locks it with SELECT … FOR UPDATE, so bookings of one slot queue behind each
other and each sees the count its predecessor committed; a CHECK (booked <= capacity) backs it up.
The per-person limit takes a transaction-level advisory lock on the national ID, so two tabs of
one person cannot both pass the count.

Hours and holidays against bookings: every booking or rescheduling holds its calendar's advisory
lock shared, a change of the calendar's hours or a new holiday of its agency holds it exclusive. So
the change sees every booking that was made under the old hours, and no booking slips in under the
old hours while the change checks which bookings it would strand; a change that would strand any is
refused, naming them, and nothing of it is saved. Calendar and holiday changes are recorded in the
admin's history (``LogEntry``), as changes made in the admin are.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import connection, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mokatebat.core.jalali import TEHRAN, format_jalali_date, format_jalali_datetime
from mokatebat.core.persian import to_ascii_digits, to_persian_digits
from mokatebat.correspondence.models import Item
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import Organization, Unit, User

from .models import Booking, BookingEvent, Calendar, Holiday, OpeningHours, PhoneCode, Slot
from .slots import is_offered, off_the_grid

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


def _advisory_lock(name: str, *, shared: bool = False) -> None:
    sql = (
        "SELECT pg_advisory_xact_lock_shared(hashtextextended(%s, 0))"
        if shared
        else "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [name])


def _calendar_lock(calendar_id: int) -> str:
    return f"booking-calendar:{calendar_id}"


def _hold_calendar(calendar: Calendar) -> None:
    """Bookings of one calendar run side by side; a change of its hours waits for them, and they for it.

    Taken before any row lock, so it never waits while holding a row a change needs. The slot
    length and capacity are read again under it: the calendar may have changed since it was loaded.
    """
    _advisory_lock(_calendar_lock(calendar.pk), shared=True)
    calendar.refresh_from_db(fields=["slot_minutes", "capacity"])


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


def _notify(booking: Booking, template: str, step: str, **extra: str) -> None:
    calendar = booking.calendar
    context = {
        "agency": calendar.agency.short_name or calendar.agency.name,
        "calendar": calendar.name,
        "when": _when(booking.slot.starts_at),
        "booking_code": booking.code,
        **extra,
    }
    if template in {"booking_confirmed", "booking_rescheduled", "booking_moved_by_agency"}:
        context["site"] = settings.PUBLIC_SITE_URL + "/appointments/manage/"
    if template == "booking_cancelled_by_agency":
        context["site"] = settings.PUBLIC_SITE_URL + "/appointments/"
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
    *,
    calendar: Calendar,
    starts_at: datetime.datetime,
    national_id: str,
    mobile: str,
    item: Item | None = None,
    full_name: str = "",
    purpose: str = "",
) -> Booking:
    """Take one place in a slot for a person whose mobile was verified; confirmation SMS with the code."""
    with transaction.atomic():
        _advisory_lock(f"booking-person:{national_id}")
        _hold_calendar(calendar)
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
            calendar=calendar,
            slot=slot,
            national_id=national_id,
            mobile=mobile,
            item=item,
            full_name=full_name,
            purpose=purpose,
        )
        _event(booking, "booked", starts_at=starts_at.isoformat())
        _notify(booking, "booking_confirmed", "booked")
    return booking


def _locked_booking(booking: Booking) -> Booking:
    # Only the booking's own row: locking the joined calendar too would hold back every booking of the
    # calendar (its INSERT takes a key-share lock on the calendar row) while this one waits for their
    # slot row, a deadlock between a reschedule or a cancel and a booking of the slot it goes to.
    rows = Booking.objects.select_for_update(of=("self",)).select_related("calendar__agency", "slot")
    locked = rows.get(pk=booking.pk)
    if locked.state != Booking.State.BOOKED:
        raise BookingError(_("این نوبت دیگر فعال نیست."))
    if locked.slot.starts_at <= timezone.now():
        raise BookingError(_("زمان این نوبت گذشته است و دیگر قابل تغییر نیست."))
    return locked


def booking_cancel(*, booking: Booking, actor: User | None = None) -> Booking:
    return _cancel(booking, actor, "booking_cancelled")


def _cancel(booking: Booking, actor: User | None, template: str, reason: str | None = None) -> Booking:
    """Free the place and keep the booking as cancelled, with its history entry and SMS; the agency's
    reason, when it gives one, goes on both."""
    given = {} if reason is None else {"reason": reason}
    with transaction.atomic():
        booking = _locked_booking(booking)
        _free_place(booking.slot)
        booking.state = Booking.State.CANCELLED
        booking.save(update_fields=["state", "updated_at"])
        event = _event(booking, "cancelled", actor, **given)
        _notify(booking, template, f"cancelled:{event.pk}", **{k: _for_sms(v) for k, v in given.items()})
    return booking


def booking_reschedule(*, booking: Booking, starts_at: datetime.datetime) -> Booking:
    """Move to another slot of the same calendar: the new place is taken before the old one is freed."""
    with transaction.atomic():
        booking, old_slot = _move(booking, starts_at)
        if old_slot is None:
            return booking
        event = _event(booking, "rescheduled", starts_at=starts_at.isoformat(), previous=old_slot.starts_at.isoformat())
        _notify(booking, "booking_rescheduled", f"rescheduled:{event.pk}")
    return booking


def _move(booking: Booking, starts_at: datetime.datetime) -> tuple[Booking, Slot | None]:
    """Inside the caller's transaction: take the new place, then free the old one. The old slot, or
    None when the booking already is at ``starts_at`` (nothing changed)."""
    _advisory_lock(_calendar_lock(booking.calendar_id), shared=True)  # before the row locks, see _hold_calendar
    booking = _locked_booking(booking)
    if starts_at == booking.slot.starts_at:
        return booking, None
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
    return booking, old_slot


# --- the agency cancels or moves a citizen's booking (a closure, a burst pipe, a strike day) -----


def _staff_reason(reason: str) -> str:
    """The reason the citizen reads in the SMS; a staff change without one is refused."""
    reason = reason.strip()
    if not reason:
        raise BookingError(_("دلیل را بنویسید؛ مراجعه‌کننده آن را در پیامک می‌خواند."))
    return reason


def _for_sms(reason: str) -> str:
    return reason.rstrip(". ")  # the template ends the sentence itself


def booking_cancel_by_staff(*, booking: Booking, actor: User, reason: str) -> Booking:
    """The agency cancels a booking: the place is freed, the history keeps who and why, and the
    citizen gets the reason by SMS. The booking row stays (cancelled); its code still finds it."""
    return _cancel(booking, actor, "booking_cancelled_by_agency", reason=_staff_reason(reason))


def booking_move_by_staff(*, booking: Booking, actor: User, starts_at: datetime.datetime, reason: str) -> Booking:
    """The agency moves a booking to another free slot of its calendar, under the same locks and
    capacity rule as the citizen's own reschedule; the citizen gets the new time and the reason by SMS."""
    reason = _staff_reason(reason)
    with transaction.atomic():
        booking, old_slot = _move(booking, starts_at)
        if old_slot is None:
            raise BookingError(_("نوبت هم‌اکنون در همین زمان است؛ زمان دیگری را انتخاب کنید."))
        event = _event(
            booking,
            "rescheduled",
            actor,
            starts_at=starts_at.isoformat(),
            previous=old_slot.starts_at.isoformat(),
            reason=reason,
        )
        extra = {"previous": _when(old_slot.starts_at), "reason": _for_sms(reason)}
        _notify(booking, "booking_moved_by_agency", f"moved:{event.pk}", **extra)
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


# --- calendars, opening hours and holidays (kept by the agency's managers) ---------------------


@dataclass(frozen=True)
class OpenRange:
    """One open range of one weekday (Python's weekday numbers, see ``Weekday``)."""

    weekday: int
    opens_at: datetime.time
    closes_at: datetime.time


@dataclass(frozen=True)
class CalendarSettings:
    name: str
    unit: Unit | None
    place: str
    address: str
    slot_minutes: int
    capacity: int
    is_active: bool


class BookingsInTheWay(BookingError):
    """A change that would leave people without the visit they booked; nothing of it was saved."""

    def __init__(self, message: str, bookings: Sequence[Booking]) -> None:
        super().__init__(message)
        self.bookings = list(bookings)

    @property
    def by_day(self) -> list[tuple[Calendar, datetime.date, list[Booking]]]:
        """(calendar, Tehran day, its affected bookings by time) for each day with any, in order."""
        groups: dict[tuple[Calendar, datetime.date], list[Booking]] = {}
        for booking in sorted(self.bookings, key=lambda b: (b.slot.starts_at, b.pk)):
            groups.setdefault((booking.calendar, booking.slot.starts_at.astimezone(TEHRAN).date()), []).append(booking)
        rows = sorted(groups.items(), key=lambda row: (row[0][1], row[0][0].name))
        return [(calendar, day, bookings) for (calendar, day), bookings in rows]

    @property
    def by_agency(self) -> list[tuple[Organization, int]]:
        """(agency, how many) in name order: where a network-wide holiday is refused."""
        counts = Counter(b.calendar.agency for b in self.bookings)
        return sorted(counts.items(), key=lambda row: row[0].name)


def _audit(actor: User, obj: models.Model, flag: int, message: list[dict[str, Any]]) -> None:
    """Into the admin's history of the object (who, when, what), where the admin's own changes go."""
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )


def _apply_settings(calendar: Calendar, values: CalendarSettings) -> list[str]:
    """Copy the settings onto the calendar; the names of the fields that changed."""
    changed = []
    for name in ("name", "unit", "place", "address", "slot_minutes", "capacity", "is_active"):
        value = getattr(values, name)
        if getattr(calendar, name) != value:
            setattr(calendar, name, value)
            changed.append(_untranslated(getattr(Calendar._meta.get_field(name), "verbose_name", name)))
    return changed


def _untranslated(label: Any) -> str:
    """A label as the admin's history stores it: the msgid, translated when the history is shown."""
    with translation.override(None):
        return str(label)


def _current_hours(calendar: Calendar) -> list[OpenRange]:
    rows = OpeningHours.objects.filter(calendar=calendar).order_by("weekday", "opens_at")
    return [OpenRange(row.weekday, row.opens_at, row.closes_at) for row in rows]


def _sorted_hours(hours: Sequence[OpenRange]) -> list[OpenRange]:
    return sorted(hours, key=lambda r: (r.weekday, r.opens_at))


def _replace_hours(calendar: Calendar, hours: Sequence[OpenRange]) -> None:
    # Opening hours are the calendar's configuration, not history: nothing refers to a row, and the
    # slots people booked live on in their Slot rows. So the week is replaced as a whole.
    OpeningHours.objects.filter(calendar=calendar).delete()
    OpeningHours.objects.bulk_create(
        [OpeningHours(calendar=calendar, weekday=r.weekday, opens_at=r.opens_at, closes_at=r.closes_at) for r in hours]
    )


def calendar_create(
    *, agency: Organization, actor: User, values: CalendarSettings, hours: Sequence[OpenRange]
) -> Calendar:
    with transaction.atomic():
        calendar = Calendar(agency=agency)
        _apply_settings(calendar, values)
        calendar.save()
        _replace_hours(calendar, _sorted_hours(hours))
        _audit(actor, calendar, ADDITION, [{"added": {}}])
    return calendar


def calendar_update(
    *,
    calendar: Calendar,
    actor: User,
    values: CalendarSettings,
    hours: Sequence[OpenRange],
    now: datetime.datetime | None = None,
) -> Calendar:
    """Change the settings and the weekly hours. Refused, saving nothing, when a booked visit from
    now on would no longer be a slot; a new capacity applies to the slots already booked too (never
    below the places taken), so a raise gives them the extra places."""
    now = now or timezone.now()
    hours = _sorted_hours(hours)
    with transaction.atomic():
        _advisory_lock(_calendar_lock(calendar.pk))  # waits for bookings in flight, holds new ones back
        calendar = Calendar.objects.select_related("agency", "unit").get(pk=calendar.pk)
        old_minutes, old_capacity = calendar.slot_minutes, calendar.capacity
        changed = _apply_settings(calendar, values)
        calendar.save()
        hours_changed = _current_hours(calendar) != hours
        if hours_changed:
            _replace_hours(calendar, hours)
            changed.append(_untranslated(OpeningHours._meta.verbose_name_plural))
        if hours_changed or calendar.slot_minutes != old_minutes:
            _refuse_stranding(calendar, now)
        if calendar.capacity != old_capacity:
            places = Greatest(Value(calendar.capacity), F("booked"), output_field=models.PositiveSmallIntegerField())
            Slot.objects.filter(calendar=calendar, starts_at__gte=now).update(capacity=places)
        if changed:
            _audit(actor, calendar, CHANGE, [{"changed": {"fields": changed}}])
    return calendar


def _refuse_stranding(calendar: Calendar, now: datetime.datetime) -> None:
    upcoming = calendar.bookings.upcoming(now).select_related("slot", "calendar")
    stranded = off_the_grid(calendar, upcoming)
    if stranded:
        raise BookingsInTheWay(
            _(
                "تغییر ذخیره نشد: %(count)s نوبت گرفته‌شده در ساعت‌هایی است که با این تغییر دیگر ارائه نمی‌شود. "
                "فهرست آن‌ها در زیر آمده است؛ تا این نوبت‌ها برگزار، لغو یا جابه‌جا نشده‌اند، "
                "آن ساعت‌ها و مدت نوبت را نگه دارید."
            )
            % {"count": to_persian_digits(len(stranded))},
            stranded,
        )


def holiday_add(
    *, agency: Organization, day: datetime.date, name: str, actor: User, today: datetime.date | None = None
) -> Holiday:
    """A holiday of this agency only: all its calendars are closed that day. Refused for a past day,
    a day that is already a holiday, and a day on which anyone holds a booking with the agency."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _advisory_lock(f"booking-holidays:{agency.pk}")
        for calendar_id in Calendar.objects.filter(agency=agency).order_by("pk").values_list("pk", flat=True):
            _advisory_lock(_calendar_lock(calendar_id))
        holiday_check(agency=agency, day=day, today=today)
        holiday = Holiday.objects.create(agency=agency, date=day, name=name)
        _audit(actor, holiday, ADDITION, [{"added": {}}])
    return holiday


def network_holiday_add(*, day: datetime.date, name: str, actor: User, today: datetime.date | None = None) -> Holiday:
    """An official holiday of the whole network (entered by the network admin in the admin): every
    calendar of every agency is closed that day. Refused like an agency's holiday, across all agencies."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # The same locks as holiday_add, for every agency, in the same order (holidays, then calendars).
        for agency_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
            _advisory_lock(f"booking-holidays:{agency_id}")
        for calendar_id in Calendar.objects.order_by("pk").values_list("pk", flat=True):
            _advisory_lock(_calendar_lock(calendar_id))
        holiday_check(agency=None, day=day, today=today)
        holiday = Holiday.objects.create(agency=None, date=day, name=name)
        _audit(actor, holiday, ADDITION, [{"added": {}}])
    return holiday


def holiday_check(*, agency: Organization | None, day: datetime.date, today: datetime.date | None = None) -> None:
    """Why ``day`` cannot become a holiday of ``agency`` (None: the whole network), as a BookingError;
    silent when it can. Reads only: the adding functions call it again under their locks."""
    today = today or timezone.localdate()
    if day < today:
        raise BookingError(_("این روز گذشته است؛ تعطیل را برای امروز یا روزهای پیش رو ثبت کنید."))
    same_day = Holiday.objects.for_agency(agency) if agency else Holiday.objects.filter(agency__isnull=True)
    existing = same_day.filter(date=day).first()
    if existing is not None:
        already = {"day": format_jalali_date(day), "name": existing.name}
        raise BookingError(_("%(day)s پیش‌تر تعطیل ثبت شده است: %(name)s.") % already)
    on_that_day = Booking.objects.held().on_day(day)
    if agency is not None:
        on_that_day = on_that_day.filter(calendar__agency=agency)
    held = list(on_that_day.select_related("slot", "calendar__agency"))
    if held:
        raise BookingsInTheWay(
            _(
                "تعطیل ثبت نشد: برای %(day)s هم‌اکنون %(count)s نوبت گرفته شده است. "
                "فهرست آن‌ها در زیر آمده است؛ تا این نوبت‌ها لغو یا به روز دیگری منتقل نشده‌اند، "
                "این روز را نمی‌توان تعطیل کرد."
            )
            % {"day": format_jalali_date(day), "count": to_persian_digits(len(held))},
            held,
        )


def holiday_remove(*, holiday: Holiday, actor: User, today: datetime.date | None = None) -> None:
    """Open the day again. A holiday is configuration nothing refers to, so its row is deleted; who
    removed it stays in the admin's history. Past holidays stay: they explain past working-day counts."""
    today = today or timezone.localdate()
    if holiday.is_network_wide:
        raise BookingError(_("تعطیلات رسمی سراسری را فقط مدیر شبکه می‌تواند تغییر دهد."))
    if holiday.date < today:
        raise BookingError(_("تعطیل روزهای گذشته را نمی‌توان برداشت."))
    with transaction.atomic():
        _audit(actor, holiday, DELETION, [])
        holiday.delete()

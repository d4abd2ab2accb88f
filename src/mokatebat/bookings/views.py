"""Appointment pages (R13). Citizens: agency → calendar → free slots → national ID + mobile → SMS
code → booked; later see, cancel or reschedule with national ID + booking code + SMS code.
Staff: the circular's 3-working-day overview for managers, and a calendar's day list; the agency's
managers keep its calendars (settings and weekly hours) and its holidays, and cancel or move a
citizen's booking with a reason (from the day list, or from a refused change that it stands in the way of).

A citizen's access to a booking lives only in their session, for a short while after the SMS code
was right; booking codes and national IDs travel in POST bodies, never in URLs.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import client_ip, rate_limited_response
from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.persian import normalize_text, to_ascii_digits
from mokatebat.core.ratelimit import exceeded
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import Organization

from . import workflow as bw
from .auth import (
    calendars_for_staff,
    can_keep_calendars,
    get_booking_for_staff,
    get_calendar_for_staff,
    get_kept_agency,
    get_kept_booking,
    get_kept_calendar,
    get_kept_holiday,
    is_manager,
    kept_agencies_or_403,
    kept_calendars,
    sees_full_identity,
    staff_user,
)
from .forms import (
    BookForm,
    CalendarForm,
    DayForm,
    HolidayForm,
    ManageForm,
    PhoneCodeForm,
    StaffCancelForm,
    StaffMoveForm,
)
from .models import Booking, Calendar, Holiday, PhoneCode
from .slots import calendar_health, free_slots, group_by_day, is_offered, parse_slot_key
from .templatetags.booking_tags import day_param, when

PENDING_KEY = "booking_pending"
GRANT_KEY = "booking_grant"
GRANT_FOR = datetime.timedelta(minutes=30)
SLOTS_SHOWN = 36
RATE_PER_CLIENT = getattr(settings, "BOOKINGS_RATE_PER_CLIENT", "20/h")
RATE_PER_NATIONAL_ID = getattr(settings, "BOOKINGS_RATE_PER_NATIONAL_ID", "10/h")


def _limited(request: HttpRequest, group: str, *keys: str) -> bool:
    """Counted per client address and per national ID, so neither one phone nor many can guess."""
    checks = [(f"{group}-client", client_ip(request), RATE_PER_CLIENT)]
    checks += [(f"{group}-id", key, RATE_PER_NATIONAL_ID) for key in keys if key]
    return exceeded(request, checks)


def _bookable_calendar(public_id: uuid.UUID) -> Calendar:
    calendar = Calendar.objects.bookable().select_related("agency", "unit").filter(public_id=public_id).first()
    if calendar is None:
        raise Http404
    return calendar


def _granted_booking(request: HttpRequest) -> Booking:
    """The booking this browser proved it may manage (SMS code) in the last half hour; 404 otherwise."""
    grant = request.session.get(GRANT_KEY) or {}
    try:
        until = datetime.datetime.fromisoformat(grant["until"])
        public_id = uuid.UUID(grant["id"])
    except (KeyError, TypeError, ValueError):
        raise Http404 from None
    if until < timezone.now():
        raise Http404
    booking = Booking.objects.select_related("calendar__agency", "slot").filter(public_id=public_id).first()
    if booking is None:
        raise Http404
    return booking


def _grant(request: HttpRequest, booking: Booking) -> None:
    request.session[GRANT_KEY] = {"id": str(booking.public_id), "until": (timezone.now() + GRANT_FOR).isoformat()}


# --- citizen pages -------------------------------------------------------------------------------


@require_GET
def agencies(request: HttpRequest) -> HttpResponse:
    agency_ids = Calendar.objects.bookable().values("agency")
    listed = Organization.objects.agencies().filter(pk__in=agency_ids).order_by("name")
    return render(request, "bookings/agencies.html", {"agencies": listed})


@require_GET
def agency_calendars(request: HttpRequest, agency_code: str) -> HttpResponse:
    agency = Organization.objects.agencies().filter(code=agency_code).first()
    if agency is None:
        raise Http404
    calendars = Calendar.objects.bookable().filter(agency=agency).select_related("unit").order_by("name")
    rows = [(calendar, next(iter(free_slots(calendar, limit=1)), None)) for calendar in calendars]
    return render(request, "bookings/calendars.html", {"agency": agency, "rows": rows})


@require_GET
def calendar_slots(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    calendar = _bookable_calendar(public_id)
    days = group_by_day(free_slots(calendar, limit=SLOTS_SHOWN))
    return render(request, "bookings/slots.html", {"calendar": calendar, "days": days})


@never_cache
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    calendar = _bookable_calendar(public_id)
    key = request.POST.get("slot") or request.GET.get("slot", "")
    starts_at = parse_slot_key(key)
    if starts_at is None or not is_offered(calendar, starts_at):
        messages.warning(request, _("این نوبت دیگر در دسترس نیست؛ یکی از نوبت‌های خالی را انتخاب کنید."))
        return redirect("booking-slots", public_id=calendar.public_id)
    context: dict[str, Any] = {"calendar": calendar, "starts_at": starts_at, "slot_key": key}
    if request.method != "POST":
        return render(request, "bookings/book.html", {**context, "form": BookForm()})
    form = BookForm(request.POST)
    national_id = form.data.get("national_id", "")
    if _limited(request, "booking-book", national_id):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "bookings/book.html", {**context, "form": form}, status=400)
    try:
        phone_code = bw.phone_code_send(mobile=form.cleaned_data["mobile"], purpose="book")
    except bw.BookingError as error:
        form.add_error(None, error.message)
        return render(request, "bookings/book.html", {**context, "form": form}, status=429)
    request.session[PENDING_KEY] = {
        "purpose": "book",
        "code": str(phone_code.public_id),
        "calendar": str(calendar.public_id),
        "slot": key,
        "national_id": form.cleaned_data["national_id"],
        "mobile": form.cleaned_data["mobile"],
        "full_name": form.cleaned_data["full_name"],
        "visit_purpose": form.cleaned_data["purpose"],
    }
    return redirect("booking-verify")


def _pending_code(request: HttpRequest) -> tuple[dict[str, str], PhoneCode]:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        raise Http404
    try:
        phone_code = PhoneCode.objects.filter(public_id=uuid.UUID(pending["code"])).first()
    except (KeyError, TypeError, ValueError):
        raise Http404 from None
    if phone_code is None:
        raise Http404
    return pending, phone_code


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    pending, phone_code = _pending_code(request)
    context = {"mobile_tail": phone_code.mobile[-4:], "purpose": pending["purpose"]}
    if request.method != "POST":
        return render(request, "bookings/verify.html", {**context, "form": PhoneCodeForm()})
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "bookings/verify.html", {**context, "form": form}, status=400)
    if not bw.phone_code_check(phone_code=phone_code, code=form.cleaned_data["code"]):
        form.add_error("code", _("کد درست نیست یا منقضی شده است. دوباره وارد کنید یا از ابتدا کد تازه بگیرید."))
        return render(request, "bookings/verify.html", {**context, "form": form}, status=400)
    del request.session[PENDING_KEY]
    if pending["purpose"] == "manage":
        booking = Booking.objects.get(public_id=pending["booking"])
        _grant(request, booking)
        return redirect("booking-detail")
    return _finish_booking(request, pending)


def _finish_booking(request: HttpRequest, pending: dict[str, str]) -> HttpResponse:
    calendar = _bookable_calendar(uuid.UUID(pending["calendar"]))
    starts_at = parse_slot_key(pending["slot"])
    try:
        if starts_at is None:
            raise bw.BookingError(_("این نوبت دیگر در دسترس نیست."))
        booking = bw.booking_create(
            calendar=calendar,
            starts_at=starts_at,
            national_id=pending["national_id"],
            mobile=pending["mobile"],
            full_name=pending.get("full_name", ""),
            purpose=pending.get("visit_purpose", ""),
        )
    except bw.BookingError as error:
        messages.error(request, error.message)
        return redirect("booking-slots", public_id=calendar.public_id)
    _grant(request, booking)
    messages.success(request, _("نوبت شما ثبت شد و پیامک آن فرستاده شد."))
    return redirect("booking-detail")


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "bookings/manage.html", {"form": ManageForm()})
    form = ManageForm(request.POST)
    if _limited(request, "booking-manage", form.data.get("national_id", "")):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "bookings/manage.html", {"form": form}, status=400)
    booking = Booking.objects.filter(
        code=form.cleaned_data["booking_code"], national_id=form.cleaned_data["national_id"]
    ).first()
    if booking is None:
        # One answer for a wrong ID, a wrong code or both.
        return render(request, "bookings/manage.html", {"form": form, "not_found": True}, status=404)
    try:
        phone_code = bw.phone_code_send(mobile=booking.mobile, purpose="manage")
    except bw.BookingError as error:
        form.add_error(None, error.message)
        return render(request, "bookings/manage.html", {"form": form}, status=429)
    request.session[PENDING_KEY] = {
        "purpose": "manage",
        "code": str(phone_code.public_id),
        "booking": str(booking.public_id),
    }
    return redirect("booking-verify")


@never_cache
@require_GET
def booking_detail(request: HttpRequest) -> HttpResponse:
    booking = _granted_booking(request)
    changeable = booking.state == Booking.State.BOOKED and booking.slot.starts_at > timezone.now()
    others = [s for s in free_slots(booking.calendar, limit=SLOTS_SHOWN) if s.starts_at != booking.slot.starts_at]
    days = group_by_day(others) if changeable else []
    context = {"booking": booking, "calendar": booking.calendar, "changeable": changeable, "days": days}
    return render(request, "bookings/booking.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest) -> HttpResponse:
    """GET asks once whether to cancel (one tap must not lose a booking); POST cancels."""
    booking = _granted_booking(request)
    if request.method == "GET":
        if booking.state != Booking.State.BOOKED or booking.slot.starts_at <= timezone.now():
            return redirect("booking-detail")
        return render(request, "bookings/booking_cancel.html", {"booking": booking, "calendar": booking.calendar})
    try:
        bw.booking_cancel(booking=booking)
    except bw.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("نوبت لغو شد و پیامک آن فرستاده شد."))
    return redirect("booking-detail")


@require_POST
def booking_reschedule(request: HttpRequest) -> HttpResponse:
    booking = _granted_booking(request)
    starts_at = parse_slot_key(request.POST.get("slot", ""))
    try:
        if starts_at is None:
            raise bw.BookingError(_("یکی از نوبت‌های خالی را انتخاب کنید."))
        bw.booking_reschedule(booking=booking, starts_at=starts_at)
    except bw.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("زمان نوبت تغییر کرد و پیامک آن فرستاده شد."))
    return redirect("booking-detail")


# --- staff pages ---------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_overview(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not is_manager(user):
        raise PermissionDenied
    calendars = (
        calendars_for_staff(user).filter(is_active=True).prefetch_related("opening_hours").order_by("agency", "name")
    )
    rows = [calendar_health(calendar) for calendar in calendars]
    context = {"rows": rows, "can_keep": can_keep_calendars(user)}
    return render(request, "bookings/staff_overview.html", context)


@staff_required
@require_GET
def staff_day(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    calendar = get_calendar_for_staff(staff_user(request), public_id)
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or timezone.localdate()
    bookings = calendar.bookings.held().on_day(day).select_related("slot").order_by("slot__starts_at", "pk")
    if not form.is_bound:
        form = DayForm(initial={"day": format_jalali_date(day)})
    # Who may edit the calendar may also cancel or move its bookings; everyone else reads the list.
    can_change = kept_calendars(staff_user(request)).filter(pk=calendar.pk).exists()
    context = {
        "calendar": calendar,
        "form": form,
        "day": day,
        "bookings": bookings,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "can_change": can_change,
        "full_identity": sees_full_identity(staff_user(request), calendar),
    }
    return render(request, "bookings/staff_day.html", context, status=400 if form.errors else 200)


def _day_url(booking: Booking) -> str:
    url = reverse("staff-booking-day", kwargs={"public_id": booking.calendar.public_id})
    return f"{url}?day={to_ascii_digits(format_jalali_date(booking.slot.starts_at))}"


@staff_required
@require_POST
def staff_mark(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    booking = get_booking_for_staff(user, public_id)
    try:
        bw.booking_mark(booking=booking, actor=user, attended=request.POST.get("outcome") == "attended")
    except bw.BookingError as error:
        messages.error(request, error.message)
    return redirect(_day_url(booking))


def _return_to(request: HttpRequest, booking: Booking) -> str:
    """Back to the page that sent the manager here (a refused change of hours or a holiday, the day
    list), only ever one of these staff pages; else the booking's day list."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target.startswith("/staff/appointments/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return _day_url(booking)


def _changeable(booking: Booking) -> bool:
    return booking.state == Booking.State.BOOKED and booking.slot.starts_at > timezone.now()


@staff_required
@require_http_methods(["GET", "POST"])
def staff_booking_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking = get_kept_booking(staff_user(request), public_id)
    back = _return_to(request, booking)
    form = StaffCancelForm(request.POST or None, initial={"next": back})
    if request.method == "POST" and form.is_valid():
        try:
            bw.booking_cancel_by_staff(booking=booking, actor=staff_user(request), reason=form.cleaned_data["reason"])
        except bw.BookingError as error:
            form.add_error(None, error.message)
        else:
            done = _("نوبت %(code)s لغو شد و دلیل آن برای مراجعه‌کننده پیامک شد.") % {"code": booking.code}
            messages.success(request, done)
            return redirect(back)
    context = {"booking": booking, "form": form, "back": back, "changeable": _changeable(booking)}
    context["full_identity"] = sees_full_identity(staff_user(request), booking.calendar)
    return render(request, "bookings/staff_booking_cancel.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_booking_move(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking = get_kept_booking(staff_user(request), public_id)
    back = _return_to(request, booking)
    form = StaffMoveForm(request.POST or None, initial={"next": back})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = bw.booking_move_by_staff(
                booking=booking, actor=staff_user(request), starts_at=data["slot"], reason=data["reason"]
            )
        except bw.BookingError as error:
            form.add_error(None, error.message)
        else:
            done = _("نوبت %(code)s به %(when)s منتقل شد و پیامک آن فرستاده شد.")
            messages.success(request, done % {"code": moved.code, "when": when(moved.slot.starts_at)})
            return redirect(back)
    others = [s for s in free_slots(booking.calendar, limit=SLOTS_SHOWN) if s.starts_at != booking.slot.starts_at]
    context = {"booking": booking, "form": form, "back": back, "changeable": _changeable(booking)}
    context["full_identity"] = sees_full_identity(staff_user(request), booking.calendar)
    context["days"] = group_by_day(others)
    return render(request, "bookings/staff_booking_move.html", context, status=400 if form.errors else 200)


# --- staff: the agency's managers keep its calendars, weekly hours and holidays ----------------


def _status(form: CalendarForm | HolidayForm, in_the_way: bw.BookingsInTheWay | None) -> int:
    return 409 if in_the_way else 400 if form.errors else 200


@staff_required
@require_GET
def staff_calendars(request: HttpRequest) -> HttpResponse:
    agencies = kept_agencies_or_403(staff_user(request))
    upcoming = Q(bookings__state=Booking.State.BOOKED, bookings__slot__starts_at__gte=timezone.now())
    calendars = (
        kept_calendars(staff_user(request))
        .annotate(upcoming=Count("bookings", filter=upcoming))
        .prefetch_related("opening_hours")
        .order_by("name")
    )
    groups = [(agency, [c for c in calendars if c.agency_id == agency.pk]) for agency in agencies]
    return render(request, "bookings/staff_calendars.html", {"groups": groups})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_calendar_new(request: HttpRequest) -> HttpResponse:
    agencies = kept_agencies_or_403(staff_user(request))
    form = CalendarForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid() and form.chosen_agency is not None:
        calendar = bw.calendar_create(
            agency=form.chosen_agency, actor=staff_user(request), values=form.settings(), hours=form.opening_hours
        )
        messages.success(request, _("تقویم «%(name)s» ساخته شد.") % {"name": calendar.name})
        return redirect("staff-calendars")
    return render(request, "bookings/staff_calendar_form.html", {"form": form}, status=_status(form, None))


@staff_required
@require_http_methods(["GET", "POST"])
def staff_calendar_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    calendar = get_kept_calendar(staff_user(request), public_id)
    form = CalendarForm(request.POST or None, agencies=[calendar.agency], calendar=calendar)
    in_the_way = None
    if request.method == "POST" and form.is_valid():
        try:
            bw.calendar_update(
                calendar=calendar, actor=staff_user(request), values=form.settings(), hours=form.opening_hours
            )
        except bw.BookingsInTheWay as error:
            form.add_error(None, error.message)
            in_the_way = error
        else:
            messages.success(request, _("تغییرات تقویم «%(name)s» ذخیره شد.") % {"name": form.cleaned_data["name"]})
            return redirect("staff-calendars")
    context = {"form": form, "calendar": calendar, "in_the_way": in_the_way, "return_to": request.path}
    return render(request, "bookings/staff_calendar_form.html", context, status=_status(form, in_the_way))


@staff_required
@require_http_methods(["GET", "POST"])
def staff_holidays(request: HttpRequest, agency_code: str) -> HttpResponse:
    agency = get_kept_agency(staff_user(request), agency_code)
    # Back from cancelling or moving a booking in the way, the form shows the day and name again.
    typed = {key: normalize_text(request.GET.get(key, ""), multiline=False) for key in ("day", "name")}
    form = HolidayForm(request.POST or None, initial=typed)
    in_the_way = return_to = None
    if request.method == "POST" and form.is_valid():
        day, name = form.cleaned_data["day"], form.cleaned_data["name"]
        try:
            bw.holiday_add(agency=agency, day=day, name=name, actor=staff_user(request))
        except bw.BookingsInTheWay as error:
            form.add_error(None, error.message)
            in_the_way = error
            return_to = f"{request.path}?{urlencode({'day': day_param(day), 'name': name})}"
        except bw.BookingError as error:
            form.add_error("day", error.message)
        else:
            messages.success(
                request, _("%(day)s برای همه تقویم‌های این دستگاه تعطیل شد.") % {"day": format_jalali_date(day)}
            )
            return redirect("staff-holidays", agency_code=agency.code)
    holidays = Holiday.objects.for_agency(agency).from_day(timezone.localdate()).order_by("date")
    context = {"agency": agency, "form": form, "holidays": holidays, "in_the_way": in_the_way, "return_to": return_to}
    return render(request, "bookings/staff_holidays.html", context, status=_status(form, in_the_way))


@staff_required
@require_POST
def staff_holiday_remove(request: HttpRequest, agency_code: str) -> HttpResponse:
    holiday = get_kept_holiday(staff_user(request), agency_code, request.POST.get("day", ""))
    try:
        bw.holiday_remove(holiday=holiday, actor=staff_user(request))
    except bw.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("تعطیل %(day)s برداشته شد و آن روز دوباره نوبت می‌پذیرد.") % {"day": format_jalali_date(holiday.date)},
        )
    return redirect("staff-holidays", agency_code=agency_code)

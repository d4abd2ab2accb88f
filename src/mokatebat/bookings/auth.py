"""Which calendars and bookings a member of staff may open, and who counts as a manager here.

A staff member sees the calendars of the agencies they hold an active role in; other agencies'
calendars and bookings answer 404. Calendars, their hours and the agency's holidays are kept by
the agency's managers (``CALENDAR_KEEPER_ROLES``), who may also cancel or move a citizen's booking:
anyone else gets 404 for a calendar, a booking's cancel or move page or an agency's holidays, and
403 for the list and the new-calendar form (as for the overview).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, OrganizationQuerySet, Role, User

from .models import Booking, Calendar, CalendarQuerySet, Holiday

MANAGER_ROLES = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.UNIT_MANAGER, Role.AGENCY_ADMIN, Role.SERVICE_OWNER, Role.AUDITOR}
)
# The managers who see the overview may also change calendars, hours and holidays, except the
# auditor: an auditor reads records and audit trails and changes nothing.
CALENDAR_KEEPER_ROLES = MANAGER_ROLES - {Role.AUDITOR}


def sees_full_identity(user: User, calendar: Calendar) -> bool:
    """Who calls the citizen or checks their card at the desk sees the full national ID and mobile of
    a booking: the staff and manager of the calendar's unit (the agency's secretariat clerks for a
    calendar of the whole agency) and the agency's phone operators. Everyone else — heads, deputies,
    the managers who keep calendars, service owners, system admins, auditors, the superuser — sees
    them masked (``0912***4567``)."""
    desk = (
        Q(role=Role.SECRETARIAT_CLERK)
        if calendar.unit_id is None
        else Q(role__in=(Role.UNIT_STAFF, Role.UNIT_MANAGER), units=calendar.unit_id)
    )
    roles = active_memberships(user).filter(organization=calendar.agency_id)
    return roles.filter(desk | Q(role=Role.PHONE_OPERATOR)).exists()


def staff_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # staff_required ran first; this only narrows the type
        raise PermissionDenied
    return user


def calendars_for_staff(user: User) -> CalendarQuerySet:
    calendars = Calendar.objects.select_related("agency", "unit")
    if user.is_superuser:
        return calendars.all()
    agencies = active_memberships(user).values("organization")
    return calendars.filter(agency__in=agencies)


def is_manager(user: User) -> bool:
    return user.is_superuser or active_memberships(user).filter(role__in=MANAGER_ROLES).exists()


def get_calendar_for_staff(user: User, public_id: uuid.UUID) -> Calendar:
    calendar = calendars_for_staff(user).filter(public_id=public_id).first()
    if calendar is None:
        raise Http404
    return calendar


def get_booking_for_staff(user: User, public_id: uuid.UUID) -> Booking:
    booking = (
        Booking.objects.filter(calendar__in=calendars_for_staff(user), public_id=public_id)
        .select_related("calendar", "slot")
        .first()
    )
    if booking is None:
        raise Http404
    return booking


# --- keeping calendars, opening hours and holidays ---------------------------------------------


def agencies_kept_by(user: User) -> OrganizationQuerySet:
    """The agencies whose calendars and holidays this person keeps."""
    agencies = Organization.objects.agencies()
    if user.is_superuser:
        return agencies
    kept = active_memberships(user).filter(role__in=CALENDAR_KEEPER_ROLES).values("organization")
    return agencies.filter(pk__in=kept)


def kept_agencies_or_403(user: User) -> list[Organization]:
    """For the pages that list or create: someone who keeps no agency's calendars may not open them."""
    agencies = list(agencies_kept_by(user).order_by("name"))
    if not agencies:
        raise PermissionDenied
    return agencies


def can_keep_calendars(user: User) -> bool:
    return agencies_kept_by(user).exists()


def kept_calendars(user: User) -> CalendarQuerySet:
    return Calendar.objects.of_agencies(agencies_kept_by(user)).select_related("agency", "unit")


def get_kept_calendar(user: User, public_id: uuid.UUID) -> Calendar:
    calendar = kept_calendars(user).filter(public_id=public_id).first()
    if calendar is None:
        raise Http404
    return calendar


def get_kept_agency(user: User, agency_code: str) -> Organization:
    agency = agencies_kept_by(user).filter(code=agency_code).first()
    if agency is None:
        raise Http404
    return agency


def get_kept_holiday(user: User, agency_code: str, day: str) -> Holiday:
    """The agency's own holiday on that day (``2026-12-09``): a holiday has no id of its own, the
    agency and the day name it. The network's official holidays are kept in the admin."""
    agency = get_kept_agency(user, agency_code)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    holiday = Holiday.objects.filter(agency=agency, date=date).select_related("agency").first()
    if holiday is None:
        raise Http404
    return holiday


def get_kept_booking(user: User, public_id: uuid.UUID) -> Booking:
    """A booking the agency's managers may cancel or move: the same rule as editing its calendar.
    Another agency's booking, or a user who keeps no calendars (a clerk, an auditor), gets 404."""
    booking = (
        Booking.objects.filter(calendar__in=kept_calendars(user), public_id=public_id)
        .select_related("calendar__agency", "slot")
        .first()
    )
    if booking is None:
        raise Http404
    return booking

"""Which calendars and bookings a member of staff may open, and who counts as a manager here.

A staff member sees the calendars of the agencies they hold an active role in; other agencies'
calendars and bookings answer 404.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Role, User

from .models import Booking, Calendar, CalendarQuerySet

MANAGER_ROLES = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.UNIT_MANAGER, Role.AGENCY_ADMIN, Role.SERVICE_OWNER, Role.AUDITOR}
)


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

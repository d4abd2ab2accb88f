"""Issue 18, point 5: booked citizens' national ID and mobile are masked for staff, except for those
who call the citizen or check their card at the desk (the calendar's unit, or the secretariat for a
calendar of the whole agency, and the phone operators)."""

from __future__ import annotations

import time_machine
from django.utils.translation import gettext as _

from mokatebat.bookings import workflow as bw
from mokatebat.bookings.models import Calendar
from mokatebat.core.persian import to_persian_digits
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

from .conftest import NOW, at, open_desk, person, signed_in, staff_of

MOBILE = "09121234567"


def day_page(user: User, calendar: Calendar) -> str:
    with time_machine.travel(NOW, tick=False):
        response = signed_in(user).get(f"/staff/appointments/calendars/{calendar.public_id}/", {"day": "1405/09/02"})
    assert response.status_code == 200
    return response.content.decode()


def booked(calendar: Calendar) -> str:
    with time_machine.travel(NOW, tick=False):
        bw.booking_create(calendar=calendar, starts_at=at(23, 8), national_id=person(3), mobile=MOBILE)
    return person(3)


def test_a_head_sees_a_booked_citizen_masked(agency: Organization, desk: Calendar) -> None:
    national_id = booked(desk)
    page = day_page(staff_of(agency, "head", Role.HEAD), desk)
    assert to_persian_digits("0912***4567") in page
    assert to_persian_digits(f"{national_id[:2]}***{national_id[-3:]}") in page
    assert to_persian_digits(national_id) not in page
    assert to_persian_digits(MOBILE) not in page
    assert _("کد ملی") in page


def test_the_secretariat_desk_and_phone_operators_see_them_in_full(agency: Organization, desk: Calendar) -> None:
    national_id = booked(desk)
    for username, role in (("desk", Role.SECRETARIAT_CLERK), ("phone", Role.PHONE_OPERATOR)):
        page = day_page(staff_of(agency, username, role), desk)
        assert to_persian_digits(national_id) in page
        assert to_persian_digits(MOBILE) in page


def test_a_unit_calendar_shows_them_to_its_own_unit_only(agency: Organization, unit: Unit) -> None:
    calendar = open_desk(agency, name="میز پروانه‌ها")
    calendar.unit = unit
    calendar.save()
    national_id = booked(calendar)
    own = staff_of(agency, "own", Role.UNIT_STAFF)
    Membership.objects.get(user=own).units.add(unit)
    other_unit = Unit.objects.create(organization=agency, name="اداره دیگر")
    other = staff_of(agency, "other", Role.UNIT_STAFF)
    Membership.objects.get(user=other).units.add(other_unit)
    clerk = staff_of(agency, "clerk2", Role.SECRETARIAT_CLERK)
    assert to_persian_digits(national_id) in day_page(own, calendar)
    for user in (other, clerk):
        page = day_page(user, calendar)
        assert to_persian_digits(national_id) not in page
        assert to_persian_digits("0912***4567") in page

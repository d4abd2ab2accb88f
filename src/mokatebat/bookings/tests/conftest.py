"""The bookings cast: an agency desk open Saturday–Thursday 08:00–10:00 (30-minute slots, 2 places each),
a fixed 'now' on a Saturday morning in Tehran, and staff of this and another agency."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from mokatebat.bookings.models import Calendar, OpeningHours, Weekday
from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.jalali import TEHRAN
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.testing.staff import login_verified

# Saturday 1405/08/30 07:00 Tehran.
NOW = datetime.datetime(2026, 11, 21, 7, 0, tzinfo=TEHRAN)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A Tehran wall-clock time in the week of NOW (day 21 = Saturday … 26 = Thursday, 27 = Friday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def frozen_now() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def open_desk(agency: Organization, *, capacity: int = 2, name: str = "میز خدمت حضوری") -> Calendar:
    calendar = Calendar.objects.create(
        agency=agency, name=name, place="ساختمان مرکزی، طبقه همکف", capacity=capacity, slot_minutes=30
    )
    for weekday in Weekday.values:
        if weekday != Weekday.FRIDAY:
            OpeningHours.objects.create(
                calendar=calendar, weekday=weekday, opens_at=datetime.time(8), closes_at=datetime.time(10)
            )
    return calendar


@pytest.fixture
def desk(agency: Organization) -> Calendar:
    return open_desk(agency)


def person(seed: int) -> str:
    return generate_national_id(random.Random(seed))


def staff_of(agency: Organization, username: str, role: str) -> User:
    user = User.objects.create_user(username, password="a-long-test-password")
    Membership.objects.create(user=user, organization=agency, role=role)
    return user


@pytest.fixture
def manager(agency: Organization) -> User:
    return staff_of(agency, "manager", Role.UNIT_MANAGER)


@pytest.fixture
def outsider(other_agency: Organization) -> User:
    return staff_of(other_agency, "outsider", Role.UNIT_MANAGER)


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def anyone(db: Any) -> Client:
    return Client()

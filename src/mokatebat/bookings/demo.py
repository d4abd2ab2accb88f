"""Demo data for appointments and surveys: the official holidays of 1405, three booking calendars
with opening hours and some bookings, and answers to some of the surveys the demo letters got.

Idempotent (get_or_create, and bookings/answers only when there are none yet), so it also runs on a
database loaded before these apps existed.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.national_holidays import seed_national_holidays
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.organization.models import Organization
from mokatebat.surveys import workflow as sw
from mokatebat.surveys.models import Survey

from . import workflow as bw
from .models import Calendar, OpeningHours, Weekday
from .slots import free_slots

SEED = 1405

# (agency code, name, place, slot minutes, capacity, {weekday: [(open, close), …]})
WORKDAYS = [Weekday.SATURDAY, Weekday.SUNDAY, Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY]
CALENDARS = [
    (
        "moh",
        "میز خدمت حضوری ستاد وزارت",
        "تهران، شهرک قدس، ساختمان مرکزی وزارت بهداشت، طبقه همکف",
        20,
        2,
        {day: [("08:00", "12:00")] for day in WORKDAYS},
    ),
    (
        "hormozgan",
        "دفتر ارتباطات مردمی استانداری",
        "بندرعباس، بلوار امام خمینی، استانداری هرمزگان",
        30,
        1,
        {**{day: [("08:00", "11:00")] for day in WORKDAYS}, Weekday.MONDAY: [("08:00", "11:00"), ("16:00", "18:00")]},
    ),
    (
        "hz-roads",
        "کمیسیون ماده ۹۹ (نوبت کارشناسی)",
        "بندرعباس، اداره کل راه و شهرسازی، اتاق ۲۱۴",
        60,
        1,
        {Weekday.WEDNESDAY: [("09:00", "11:00")]},
    ),
]


FULLY_BOOKED = {"hz-roads"}


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def load_holidays() -> None:
    """The network's official holidays of this Jalali year and the next two, from the maintained
    ``holidays`` package (the agencies' working calendar, core)."""
    seed_national_holidays([SEED, SEED + 1, SEED + 2])


def load_calendars() -> list[Calendar]:
    calendars = []
    for code, name, place, minutes, capacity, hours in CALENDARS:
        agency = Organization.objects.filter(code=code).first()
        if agency is None:
            continue
        calendar, created = Calendar.objects.get_or_create(
            agency=agency, name=name, defaults={"place": place, "slot_minutes": minutes, "capacity": capacity}
        )
        if created:
            for weekday, ranges in hours.items():
                for opens, closes in ranges:
                    OpeningHours.objects.create(
                        calendar=calendar, weekday=weekday, opens_at=_time(opens), closes_at=_time(closes)
                    )
        calendars.append(calendar)
    return calendars


DEMO_VISITORS = (
    ("مریم احمدی", "تحویل مدارک پروانه مطب"),
    ("علی رضایی", "پیگیری نامه ثبت‌شده"),
    ("زهرا کاظمی", "مشاوره پیش از ثبت درخواست"),
    ("حسین موسوی", "امضای صورت‌جلسه کمیسیون"),
)


def load_bookings(calendars: list[Calendar], rng: random.Random) -> None:
    """A few bookings per calendar; the small commission is booked full for its next two sessions,
    so the managers' page shows a calendar beyond the circular's 3 working days."""
    for calendar in calendars:
        if calendar.bookings.exists():
            continue
        offered = free_slots(calendar, limit=12)
        # The commission's next session is booked out: its first free slot is a week away.
        picks = offered[:2] if calendar.agency.code in FULLY_BOOKED else offered[::3][:4]
        for index, slot in enumerate(picks):
            mobile = f"0912{rng.randrange(10**7):07d}"
            full_name, purpose = DEMO_VISITORS[index % len(DEMO_VISITORS)]
            bw.booking_create(
                calendar=calendar,
                starts_at=slot.starts_at,
                national_id=generate_national_id(rng),
                mobile=mobile,
                full_name=full_name,
                purpose=purpose,
            )
    # Demo messages describe made-up people: mark them sent so the worker does not send them.
    OutboxMessage.objects.filter(template__startswith="booking_").exclude(state=SmsState.SENT).update(
        state=SmsState.SENT, attempts=1, provider="demo", sent_at=timezone.now()
    )


def load_survey_answers(rng: random.Random) -> None:
    """Answer two thirds of the surveys offered in the last 30 days, mostly satisfied."""
    if Survey.objects.answered().exists():
        return
    now = timezone.now()
    recent = Survey.objects.filter(offered_at__gte=now - sw.OPEN_FOR + datetime.timedelta(days=1)).order_by("pk")
    for survey in recent:
        if rng.random() > 0.66:
            continue
        at = min(survey.offered_at + datetime.timedelta(hours=rng.randint(1, 48)), now)
        survey = sw.survey_rate(survey=survey, rating=rng.choice([5, 5, 4, 4, 4, 3, 2, 1]), at=at)
        if rng.random() < 0.5 and survey.question_set is not None:
            ratings = {q: rng.randint(3, 5) for q in survey.question_set.questions.all()}
            sw.survey_complete(survey=survey, ratings=ratings, comment="", at=at)


def load_demo() -> None:
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo content, nothing secret
    load_holidays()
    load_bookings(load_calendars(), rng)
    load_survey_answers(rng)

"""Demo data for public relations: extra categories, the head's meeting calendar, anonymised
referrals, PR decisions, meeting requests and guidance records. Idempotent (get_or_create and
idempotency keys), so it also runs on a database loaded before this app existed."""

from __future__ import annotations

import datetime
import random

from django.db.models import F
from django.utils import timezone

from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import RequesterDetails, item_submit
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.organization.models import Organization, Unit, User

from . import workflow as pr
from .models import DEFAULT_EXTRA_CATEGORIES, ExtraCategory, GuidanceCategory, MeetingSlot, falls_on_weekend

AGENCY = "moh"
KEY = "demo-pr:"


def _person(seed: int, name: str, mobile: str) -> RequesterDetails:
    return RequesterDetails(
        kind="natural",
        full_name=name,
        national_id=generate_national_id(random.Random(1000 + seed)),  # noqa: S311 - fixed demo data
        mobile=mobile,
        email=f"citizen{seed}@example.ir",
        address="تهران، خیابان انقلاب، کوچه یاس، پلاک ۷",
    )


CASES: tuple[tuple[int, str, str, str, str, str], ...] = (
    (1, "complaint", "شکایت از برخورد کارکنان داروخانه بیمارستان", "رقیه امیری", "09121110001", "refer"),
    (2, "complaint", "شکایت از طولانی شدن نوبت آنژیوگرافی", "کاظم نیک‌نام", "09121110002", "refer_answered"),
    (3, "suggestion", "پیشنهاد راه‌اندازی نوبت‌دهی پیامکی", "پریسا سلطانی", "09121110003", ""),
    (4, "criticism", "انتقاد از نبود تابلوی راهنما در ورودی", "جواد شریفی", "09121110004", "thanks"),
    (5, "meeting_request", "درخواست ملاقات با رئیس درباره پرونده درمانی", "نسرین قربانی", "09121110005", ""),
    (6, "meeting_request", "درخواست ملاقات درباره احداث درمانگاه روستا", "عباس رستمی", "09121110006", "schedule"),
    (7, "report", "گزارش عملکرد خوب پرستاران بخش اطفال", "لیلا صفری", "09121110007", ""),
)


def _body(name: str, person: RequesterDetails, subject: str) -> str:
    return (
        f"با سلام و احترام، اینجانب {name} به کد ملی {person.national_id} و شماره همراه {person.mobile} "
        f"درباره «{subject}» مطالبی دارم. لطفاً رسیدگی فرمایید. نشانی رایانامه: {person.email}"
    )


def _slots(agency: Organization, now: datetime.datetime) -> list[MeetingSlot]:
    slots = []
    today = timezone.localtime(now).date()
    for day in range(1, 8):
        for hour in (10, 11):
            starts = timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=day), datetime.time(hour))
            )
            if falls_on_weekend(starts):
                continue
            slot, _created = MeetingSlot.objects.get_or_create(
                agency=agency, starts_at=starts, defaults={"place": "دفتر ریاست، ساختمان ستاد، طبقه سوم"}
            )
            slots.append(slot)
    return slots


def load_demo(now: datetime.datetime | None = None) -> int:
    """Create what is missing; returns the number of PR items created."""
    now = now or timezone.now()
    agency = Organization.objects.filter(code=AGENCY).first()
    users = {u.username: u for u in User.objects.filter(username__in=["moh.pr", "moh.phone", "moh.head", "moh.unit"])}
    if agency is None or len(users) < 4:
        return 0
    for code, label in DEFAULT_EXTRA_CATEGORIES:
        ExtraCategory.objects.get_or_create(agency=agency, code=code, defaults={"name": str(label)})
    slots = _slots(agency, now)
    expert, head, unit_user = users["moh.pr"], users["moh.head"], users["moh.unit"]
    unit = Unit.objects.filter(organization=agency, name="اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها").first()
    unit = unit or Unit.objects.filter(organization=agency, memberships__user=unit_user).first()
    created_count = 0
    for seed, kind, subject, name, mobile, step in CASES:
        person = _person(seed, name, mobile)
        item, created = item_submit(
            agency=agency,
            unit=None,
            kind=kind,
            subject=subject,
            body=_body(name, person, subject),
            requester=person,
            idempotency_key=f"{KEY}{seed}",
            at=now - datetime.timedelta(days=8 - seed, hours=seed),
        )
        if not created:
            continue
        created_count += 1
        pr.pr_received_online(item, None, "")
        _advance(item, step, expert=expert, head=head, unit_user=unit_user, unit=unit, slot=slots[seed % len(slots)])
    _guidance(agency, users["moh.phone"], expert, unit)
    # These SMS describe the past: the worker must not send them on first start.
    OutboxMessage.objects.filter(item__idempotency_key__startswith=KEY, state=SmsState.CREATED).update(
        state=SmsState.SENT, attempts=1, provider="demo", sent_at=F("created_at")
    )
    return created_count


def _advance(
    item: Item, step: str, *, expert: User, head: User, unit_user: User, unit: Unit | None, slot: MeetingSlot
) -> None:
    identity = pr.requester_identity(item)
    if step in ("refer", "refer_answered") and unit is not None:
        pr.pr_refer_anonymised(
            item=item,
            actor=expert,
            unit=unit,
            subject=pr.redact(item.subject, identity),
            body=pr.redact(item.body, identity),
            instruction="بررسی و گزارش اقدام به ارتباطات مردمی",
        )
        if step == "refer_answered":
            referral = item.referrals.get()
            pr.unit_answer_to_pr(referral=referral, actor=unit_user, text="موضوع بررسی شد؛ نوبت‌ها بازتنظیم شد.")
    elif step == "thanks":
        pr.pr_close_no_action(item=item, actor=expert)
    elif step == "schedule":
        pr.meeting_schedule(meeting=item.meeting, actor=head, slot=slot)


def _guidance(agency: Organization, operator: User, expert: User, unit: Unit | None) -> None:
    rows = (
        ("in_person", expert, "مدارک لازم برای کمیسیون پزشکی", GuidanceCategory.PROCEDURE, 10, "guided"),
        ("in_person", expert, "ساعت کار واحد صدور مجوز", GuidanceCategory.SERVICE_INFO, 4, "guided"),
        ("phone", operator, "پیگیری پرونده بیمه", GuidanceCategory.FOLLOW_UP, 6, "transferred"),
        ("phone", operator, "نشانی مراکز واکسیناسیون", GuidanceCategory.SERVICE_INFO, 3, "guided"),
    )
    for index, (channel, actor, topic, category, minutes, outcome) in enumerate(rows):
        if outcome == "transferred" and unit is None:
            continue
        pr.guidance_record(
            agency=agency,
            actor=actor,
            channel=channel,
            topic=topic,
            category=category,
            duration_minutes=minutes,
            outcome=outcome,
            transferred_to=unit if outcome == "transferred" else None,
            idempotency_key=f"{KEY}guidance:{index}",
        )

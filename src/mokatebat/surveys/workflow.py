"""Offering a survey when a service is delivered, and recording the citizen's answer (R11).

``survey_offer`` is called by ``correspondence.workflow.response_issue`` and ``item_close`` inside
their transaction (the item row is locked there), so the invitation and its SMS exist exactly when
the step does.

Which items are *not counted* (no survey offered, so no answer can enter the results): an item
entered by a member of staff (``created_by`` set) and then answered or closed by that same person,
or whose requester's mobile is that staff member's own mobile. Such an item never passed through
anyone but the person who would be rated: its rating says nothing about the service and would let
staff pad their own figures. Items a citizen sent online (no ``created_by``) and items a counter
operator or clerk entered for a real applicant and someone else answered are counted. Items closed
as forwarded to another agency or as duplicates were not delivered here and get no survey either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokatebat.correspondence.models import Item, Referral, Resolution
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import Organization, Unit, User

from .models import Question, QuestionAnswer, QuestionSet, Survey

OPEN_FOR = datetime.timedelta(days=30)
NOT_DELIVERED = frozenset({Resolution.FORWARDED, Resolution.DUPLICATE})
DEFAULT_QUESTIONS = [
    gettext_lazy("پاسخ یا خدمت در زمان مناسب به دست شما رسید؟"),
    gettext_lazy("برخورد و راهنمایی کارکنان چگونه بود؟"),
    gettext_lazy("پاسخ روشن و قابل فهم بود؟"),
]


class SurveyError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_question_set() -> QuestionSet:
    question_set, created = QuestionSet.objects.get_or_create(
        agency=None, defaults={"title": str(gettext_lazy("پرسش‌های پیش‌فرض"))}
    )
    if created:
        for order, text in enumerate(DEFAULT_QUESTIONS, start=1):
            Question.objects.create(question_set=question_set, text=str(text), order=order)
    return question_set


def question_set_for(agency: Organization) -> QuestionSet:
    own = QuestionSet.objects.filter(agency=agency).first()
    return own or default_question_set()


def is_self_served(item: Item, actors: Iterable[User | None]) -> bool:
    """Staff entered the item and the same person ended it (see the module docstring)."""
    creator = item.created_by
    if creator is None:
        return False
    if any(actor is not None and actor.pk == creator.pk for actor in actors):
        return True
    return bool(creator.mobile) and creator.mobile == item.requester.mobile


def _responsible_unit(item: Item, unit: Unit | None) -> Unit | None:
    if unit is not None:
        return unit
    referral = item.referrals.filter(role=Referral.Role.MAIN).order_by("-created_at", "-pk").first()
    return referral.unit if referral else item.addressed_unit


def survey_offer(
    *,
    item: Item,
    staff: User | None,
    actors: Iterable[User | None] = (),
    unit: Unit | None = None,
    resolution: str = "",
    at: datetime.datetime | None = None,
) -> Survey | None:
    """Invite the requester by SMS, once per item. Returns None when no survey is due."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("survey_offer must run inside the step's transaction")
    if resolution in NOT_DELIVERED or not item.requester.mobile:
        return None
    if Survey.objects.filter(item=item).exists() or is_self_served(item, [staff, *actors]):
        return None
    survey = Survey.objects.create(
        item=item,
        agency=item.agency,
        unit=_responsible_unit(item, unit),
        staff=staff,
        kind=item.kind,
        service_code=_service_code(item),
        question_set=question_set_for(item.agency),
        offered_at=at or timezone.now(),
    )
    queue_sms(
        dedup_key=f"survey:{item.public_id}",  # never the token: staff read dedup keys in the admin
        template="survey_invite",
        mobile=item.requester.mobile,
        context={
            "agency": item.agency.short_name or item.agency.name,
            "tracking_code": item.tracking_code,
            "link": f"{settings.PUBLIC_SITE_URL}/s/{survey.token}",
        },
        item=item,
    )
    return survey


def _locked_open(survey: Survey, now: datetime.datetime) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.completed_at is not None:
        raise SurveyError(_("این نظرسنجی پیش‌تر پاسخ داده شده است. از شما سپاسگزاریم."))
    if locked.offered_at + OPEN_FOR < now:
        raise SurveyError(_("مهلت پاسخ به این نظرسنجی تمام شده است."))
    return locked


def survey_rate(*, survey: Survey, rating: int, at: datetime.datetime | None = None) -> Survey:
    """The one-tap overall rating, saved at once; it may be changed until the answer is completed."""
    if rating not in range(1, 6):
        raise SurveyError(_("یکی از گزینه‌های ۱ تا ۵ را انتخاب کنید."))
    now = at or timezone.now()
    with transaction.atomic():
        survey = _locked_open(survey, now)
        survey.rating = rating
        survey.answered_at = survey.answered_at or now
        survey.save(update_fields=["rating", "answered_at"])
    return survey


def survey_complete(
    *, survey: Survey, ratings: Mapping[Question, int], comment: str, at: datetime.datetime | None = None
) -> Survey:
    """The optional questions and comment; after this the answer is final."""
    now = at or timezone.now()
    with transaction.atomic():
        survey = _locked_open(survey, now)
        if survey.rating is None:
            raise SurveyError(_("ابتدا رضایت کلی خود را انتخاب کنید."))
        for question, rating in ratings.items():
            if question.question_set_id != survey.question_set_id or rating not in range(1, 6):
                raise SurveyError(_("پاسخ یکی از پرسش‌ها معتبر نیست."))
            QuestionAnswer.objects.create(survey=survey, question=question, rating=rating)
        survey.comment = comment
        survey.completed_at = now
        survey.save(update_fields=["comment", "completed_at"])
    return survey


def _service_code(item: Item) -> str:
    """Results per service (R11): a service request counts under its service's code."""
    from mokatebat.services.models import ServiceRequest  # the service desk is optional to surveys

    request = ServiceRequest.objects.filter(item=item).select_related("service").first()
    return request.service.code if request is not None else ""

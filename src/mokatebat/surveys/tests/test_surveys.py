"""R11: a survey is offered once per delivered item by SMS with a short secret link; one answer per
item; items staff entered and ended themselves are not counted; results per service, unit, staff."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from mokatebat.correspondence.models import Channel, Item, Resolution
from mokatebat.correspondence.workflow import RequesterDetails, item_close, item_submit, response_issue
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.surveys import workflow as sw
from mokatebat.surveys.models import Question, Survey
from mokatebat.surveys.results import survey_results
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(agency: Organization) -> User:
    user = User.objects.create_user("signer", password="a-long-test-password", first_name="زهرا", last_name="کریمی")
    Membership.objects.create(user=user, organization=agency, role=Role.UNIT_MANAGER)
    return user


def survey_link(item: Item) -> str:
    body = OutboxMessage.objects.get(item=item, template="survey_invite").body
    return body[body.index("/s/") :].split()[0]


def test_issuing_a_response_offers_one_survey_with_a_short_secret_link(
    submit: Callable[..., Item], signer: User, unit: Unit
) -> None:
    item = submit()
    response_issue(item=item, actor=signer, body="<p>انجام شد.</p>", unit=unit)
    item_close(item=item, actor=signer, resolution=Resolution.ANSWERED)
    survey = Survey.objects.get(item=item)
    assert (survey.staff, survey.unit, survey.kind) == (signer, unit, "letter")
    assert len(survey.token) == 12
    assert survey_link(item) == f"/s/{survey.token}"  # 72 random bits
    assert OutboxMessage.objects.filter(template="survey_invite").count() == 1


def test_one_answer_per_item_is_a_database_rule(submit: Callable[..., Item], signer: User) -> None:
    item = submit()
    response_issue(item=item, actor=signer, body="<p>پاسخ</p>")
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(item=item, agency=item.agency, kind=item.kind)


def test_an_item_staff_entered_and_closed_themselves_is_not_surveyed(agency: Organization, clerk: User) -> None:
    requester = RequesterDetails(
        kind="natural", full_name="مراجعه‌کننده", national_id="0013542419", mobile="09351112233"
    )
    item, _created = item_submit(
        agency=agency,
        unit=None,
        kind="letter",
        channel=Channel.IN_PERSON,
        subject="موضوع",
        body="متن",
        requester=requester,
        created_by=clerk,
    )
    item_close(item=item, actor=clerk, resolution=Resolution.NO_ACTION_NEEDED)
    assert not Survey.objects.exists()
    assert not OutboxMessage.objects.filter(template="survey_invite").exists()


def test_an_item_staff_entered_for_a_citizen_and_a_colleague_answered_counts(
    agency: Organization, clerk: User, signer: User
) -> None:
    requester = RequesterDetails(
        kind="natural", full_name="مراجعه‌کننده", national_id="0013542419", mobile="09351112233"
    )
    item, _created = item_submit(
        agency=agency,
        unit=None,
        kind="letter",
        channel=Channel.IN_PERSON,
        subject="موضوع",
        body="متن",
        requester=requester,
        created_by=clerk,
    )
    response_issue(item=item, actor=signer, body="<p>پاسخ</p>")
    assert Survey.objects.filter(item=item).exists()


def test_staff_using_their_own_mobile_as_requester_is_not_surveyed(
    agency: Organization, clerk: User, signer: User
) -> None:
    clerk.mobile = "09351112233"
    clerk.save()
    requester = RequesterDetails(kind="natural", full_name="خودم", national_id="0013542419", mobile="09351112233")
    item, _created = item_submit(
        agency=agency, unit=None, kind="letter", subject="موضوع", body="متن", requester=requester, created_by=clerk
    )
    response_issue(item=item, actor=signer, body="<p>پاسخ</p>")
    assert not Survey.objects.exists()


def test_forwarded_or_duplicate_items_get_no_survey(submit: Callable[..., Item], signer: User) -> None:
    item = submit()
    item_close(item=item, actor=signer, resolution=Resolution.DUPLICATE)
    assert not Survey.objects.exists()


def test_one_tap_rating_then_optional_questions_then_closed(submit: Callable[..., Item], signer: User) -> None:
    item = submit()
    response_issue(item=item, actor=signer, body="<p>پاسخ</p>")
    survey = Survey.objects.get(item=item)
    client = Client()
    page = client.get(f"/s/{survey.token}")
    assert page.status_code == 200
    assert 'name="rating"' in page.content.decode()
    assert client.post(f"/survey/{survey.token}/rate/", {"rating": "9"}).status_code == 400
    assert client.post(f"/survey/{survey.token}/rate/", {"rating": "x"}).status_code == 400
    assert client.post(f"/survey/{survey.token}/rate/", {"rating": "۴"}).status_code == 302
    survey.refresh_from_db()
    assert survey.rating == 4
    assert survey.answered_at is not None
    first_question = Question.objects.filter(question_set=survey.question_set).first()
    assert first_question is not None
    answer = {f"q{first_question.pk}": "5", "comment": "برخورد كاركنان خوب بود"}
    assert client.post(f"/survey/{survey.token}/more/", answer).status_code == 302
    survey.refresh_from_db()
    assert survey.comment == "برخورد کارکنان خوب بود"
    assert survey.completed_at is not None
    assert survey.answers.get().rating == 5
    assert client.post(f"/survey/{survey.token}/rate/", {"rating": "1"}).status_code == 400
    survey.refresh_from_db()
    assert survey.rating == 4


def test_unknown_survey_token_is_404(db: Any) -> None:
    assert Client().get("/s/notARealToken").status_code == 404


def test_results_per_service_unit_and_staff_over_a_jalali_range(
    submit: Callable[..., Item], signer: User, unit: Unit, agency: Organization, other_agency: Organization
) -> None:
    at = datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)
    ratings = [5, 3, 4]
    for index, rating in enumerate(ratings):
        item = submit(kind="complaint" if index == 0 else "letter")
        response_issue(item=item, actor=signer, body="<p>پاسخ</p>", unit=unit, at=at)
        sw.survey_rate(survey=Survey.objects.get(item=item), rating=rating, at=at)
    late = submit()
    response_issue(item=late, actor=signer, body="<p>پاسخ</p>", at=at)
    sw.survey_rate(survey=Survey.objects.get(item=late), rating=1, at=at + datetime.timedelta(days=20))
    result = survey_results([agency], datetime.date(2026, 11, 22), datetime.date(2026, 11, 30))
    assert (result.offered, result.answered, result.average) == (4, 3, 4.0)
    assert {(r.label, r.count, r.average) for r in result.by_service} == {("شکایت", 1, 5.0), ("نامه", 2, 3.5)}
    assert [(r.label, r.count) for r in result.by_unit] == [(unit.name, 3)]
    assert [(r.label, r.count, r.average) for r in result.by_staff] == [("زهرا کریمی", 3, 4.0)]
    assert survey_results([other_agency], datetime.date(2026, 11, 22), datetime.date(2026, 11, 30)).answered == 0


def test_results_page_needs_a_manager_role(signer: User, clerk: User) -> None:
    manager = Client()
    login_verified(manager, signer)
    assert manager.get("/staff/surveys/?date_from=1405/09/01&date_to=۱۴۰۵/۰۹/۳۰").status_code == 200
    other = Client()
    login_verified(other, clerk)
    assert other.get("/staff/surveys/").status_code == 403

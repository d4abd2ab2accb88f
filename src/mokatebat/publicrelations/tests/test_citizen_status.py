"""Issue 16 (4): the citizen reads where a PR item really is: the PR desk, not the secretariat, looks
at a complaint first; a meeting that took place says so, with its own step on the timeline."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import RequesterDetails
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import Meeting, MeetingSlot
from mokatebat.publicrelations.workflow import case_of, meeting_record_outcome, meeting_schedule

pytestmark = pytest.mark.django_db

SECRETARIAT_WAIT = "در انتظار بررسی دبیرخانه"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def tracking_page(item: Item, national_id: str) -> str:
    client = Client()
    response = client.post("/track/", {"national_id": national_id, "tracking_code": item.tracking_code}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def api_track(item: Item, national_id: str) -> dict[str, Any]:
    response = Client().post(
        "/api/v1/track/",
        {"national_id": national_id, "tracking_code": item.tracking_code},
        content_type="application/json",
    )
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_a_complaint_waits_for_the_pr_desk_not_the_secretariat(
    submit_complaint: Callable[..., Item], pr_expert: User, complainant: RequesterDetails
) -> None:
    item = submit_complaint()

    page = tracking_page(item, complainant.national_id)

    assert "در انتظار بررسی ارتباطات مردمی" in page
    assert SECRETARIAT_WAIT not in page
    assert api_track(item, complainant.national_id)["status_label"] == "در انتظار بررسی ارتباطات مردمی"


def test_without_a_pr_desk_the_secretariat_handles_a_complaint_and_says_so(
    submit_complaint: Callable[..., Item], complainant: RequesterDetails
) -> None:
    item = submit_complaint()

    assert SECRETARIAT_WAIT in tracking_page(item, complainant.national_id)


def test_a_held_meeting_shows_as_held_with_its_step_and_without_the_heads_notes(
    submit: Callable[..., Item], head: User, agency: Organization, unit: Unit, citizen: RequesterDetails
) -> None:
    item = submit(kind="meeting_request", subject="درخواست ملاقات درباره بیمه")
    case_of(item)
    meeting = Meeting.objects.create(item=item)
    day = timezone.localdate() + datetime.timedelta(days=2)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    slot = MeetingSlot.objects.create(agency=agency, starts_at=starts, place="دفتر ریاست")
    meeting_schedule(meeting=meeting, actor=head, slot=slot)
    assert "وقت ملاقات تعیین شد" in tracking_page(item, citizen.national_id)

    with time_machine.travel(starts + datetime.timedelta(hours=2)):
        meeting_record_outcome(
            meeting=meeting, actor=head, note="یادداشت محرمانه ریاست", follow_ups=[(unit, "بررسی پرونده")]
        )
        page = tracking_page(item, citizen.national_id)
        tracked = api_track(item, citizen.national_id)

    assert "ملاقات برگزار شد؛ در دست پیگیری" in page
    assert "ارجاع شده" not in page.split("مراحل رسیدگی")[0]
    assert "یادداشت محرمانه ریاست" not in page
    assert "ملاقات برگزار شد" in [entry["title"] for entry in tracked["timeline"]]
    assert tracked["status_label"] == "ملاقات برگزار شد؛ در دست پیگیری"

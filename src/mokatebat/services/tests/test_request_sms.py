"""What the citizen reads by SMS about a service request: one text for the submission, with the
tracking code, naming the service; later steps speak of «درخواست», never of «نامه»."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from mokatebat.correspondence import workflow as cw
from mokatebat.correspondence.models import EventKind, Item, Resolution
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service

from .conftest import answers, build_service

pytestmark = pytest.mark.django_db

AGENCY = "وزارت بهداشت"
SERVICE = "صدور مجوز تأسیس مطب"
# 25 March 2025, 11:30 in Tehran: 5 Farvardin 1404.
A_DAY_IN_FARVARDIN = datetime.datetime(2025, 3, 25, 8, 0, tzinfo=datetime.UTC)


def submit(service: Service, doctor_id: str, applicant_id: str, **overrides: Any) -> Item:
    page = Client().post(
        reverse("service-request", args=[service.agency.code, service.code]),
        answers(doctor_id, applicant_id, **overrides),
    )
    assert page.status_code == 302
    return Item.objects.get()


def texts(item: Item) -> list[str]:
    return list(OutboxMessage.objects.filter(item=item).order_by("pk").values_list("body", flat=True))


@pytest.fixture
def unrouted(agency: Organization, owner: User) -> Service:
    """A service whose card names no responsible unit: requests wait in the secretariat."""
    return build_service(agency, owner, None, code="no-unit")


def test_an_auto_routed_request_sends_one_sms_naming_the_service_with_tracking_code_and_number(
    service: Service, doctor_id: str, applicant_id: str
) -> None:
    with time_machine.travel(A_DAY_IN_FARVARDIN):
        item = submit(service, doctor_id, applicant_id)

    assert texts(item) == [
        f"{AGENCY}: درخواست خدمت «{SERVICE}» با شماره {item.registration_number} در تاریخ 1404/01/05 ثبت شد. "
        f"کد رهگیری: {item.tracking_code}"
    ]


def test_an_auto_routed_request_keeps_submitted_registered_and_referred_on_its_public_timeline(
    service: Service, doctor_id: str, applicant_id: str
) -> None:
    item = submit(service, doctor_id, applicant_id)

    public = list(item.events.filter(is_public=True).order_by("pk").values_list("kind", flat=True))
    assert public == [EventKind.SUBMITTED, EventKind.REGISTERED, EventKind.REFERRED]
    assert OutboxMessage.objects.filter(item=item).count() == 1


def test_a_request_without_a_responsible_unit_gets_one_received_sms_with_its_tracking_code(
    unrouted: Service, doctor_id: str, applicant_id: str
) -> None:
    item = submit(unrouted, doctor_id, applicant_id)

    assert texts(item) == [
        f"{AGENCY}: درخواست خدمت «{SERVICE}» دریافت شد. کد رهگیری: {item.tracking_code}. "
        f"پیگیری با کد ملی و کد رهگیری در {settings.PUBLIC_SITE_URL}/track/?code={item.tracking_code}"
    ]
    assert item.events.get(kind=EventKind.SUBMITTED).is_public


def test_a_request_routed_to_a_closed_unit_is_texted_as_received(
    service: Service, unit: Unit, doctor_id: str, applicant_id: str
) -> None:
    unit.is_active = False
    unit.save(update_fields=["is_active"])

    item = submit(service, doctor_id, applicant_id)

    assert [sms.template for sms in OutboxMessage.objects.filter(item=item)] == ["service_request_submitted"]


@pytest.fixture
def request_item(unrouted: Service, doctor_id: str, applicant_id: str) -> Item:
    return submit(unrouted, doctor_id, applicant_id)


def _registered(item: Item, clerk: User) -> Item:
    return cw.item_register(item=item, actor=clerk)


def _referred(item: Item, clerk: User, unit: Unit) -> Item:
    cw.item_refer(item=_registered(item, clerk), actor=clerk, unit=unit)
    return item


# step -> (bring the request to where the step can happen, then take the step)
LATER_STEPS: dict[str, Callable[[Item, User, Unit, Organization], object]] = {
    "registered": lambda item, clerk, unit, other: _registered(item, clerk),
    "referred": lambda item, clerk, unit, other: _referred(item, clerk, unit),
    "action": lambda item, clerk, unit, other: cw.action_record(
        item=_referred(item, clerk, unit), actor=clerk, text="بازدید کارشناس انجام شد.", public=True
    ),
    "info_requested": lambda item, clerk, unit, other: cw.info_request(
        item=_referred(item, clerk, unit), actor=clerk, question="تصویر سند مطب را بفرستید."
    ),
    "rejected": lambda item, clerk, unit, other: cw.item_reject(item=item, actor=clerk, reason="خارج از حیطه"),
    "forwarded": lambda item, clerk, unit, other: cw.item_forward(item=item, actor=clerk, to_agency=other),
    "response_issued": lambda item, clerk, unit, other: sw.service_outcome_issue(
        service_request=_referred(item, clerk, unit).service_request,
        actor=clerk,
        kind="document",
        title="پروانه",
        text="پروانه تأسیس مطب صادر شد.",
    ),
    "handed_over": lambda item, clerk, unit, other: _handed_over(item, clerk, unit, other),
    "closed": lambda item, clerk, unit, other: cw.item_close(
        item=_registered(item, clerk), actor=clerk, resolution=Resolution.NO_ACTION_NEEDED
    ),
    "deadline_extended": lambda item, clerk, unit, other: cw.item_extend_deadline(
        item=_referred(item, clerk, unit), actor=clerk, days=5, reason="نیاز به بازدید کارشناس"
    ),
}


def _handed_over(item: Item, clerk: User, unit: Unit, other: Organization) -> object:
    LATER_STEPS["response_issued"](item, clerk, unit, other)
    return cw.response_hand_over(item=item, actor=clerk, office="پیشخوان ۱۲۳")


def test_every_step_the_citizen_hears_about_has_its_service_request_wording() -> None:
    assert set(LATER_STEPS) | {EventKind.SUBMITTED} == set(cw.SERVICE_REQUEST_SMS_FOR_STEP)


@pytest.mark.parametrize("step", LATER_STEPS)
def test_each_later_step_texts_the_citizen_about_their_request_not_a_letter(
    request_item: Item, clerk: User, unit: Unit, other_agency: Organization, step: str
) -> None:
    LATER_STEPS[step](request_item, clerk, unit, other_agency)

    sms = (
        OutboxMessage.objects.filter(item=request_item)
        .exclude(template="survey_invite")  # the satisfaction survey rides along with the outcome (R11)
        .order_by("pk")
        .last()
    )
    assert sms is not None
    assert sms.template == cw.SERVICE_REQUEST_SMS_FOR_STEP[step]
    assert "درخواست" in sms.body
    assert "نامه" not in sms.body
    assert request_item.tracking_code in sms.body


def test_the_outcome_sms_names_the_service(
    request_item: Item, clerk: User, unit: Unit, other_agency: Organization
) -> None:
    LATER_STEPS["response_issued"](request_item, clerk, unit, other_agency)

    sms = OutboxMessage.objects.get(item=request_item, template="service_request_response_issued")
    assert sms.body == (
        f"{AGENCY}: نتیجه درخواست خدمت «{SERVICE}» با کد رهگیری {request_item.tracking_code} صادر شد. "
        f"مشاهده و دریافت در {settings.PUBLIC_SITE_URL}/track/?code={request_item.tracking_code}"
    )


def test_an_unproven_mobile_over_its_daily_cap_gets_no_sms_but_every_request_is_kept(
    service: Service, doctor_id: str, applicant_id: str, settings: Any
) -> None:
    """Issue 18: a public form must not let anyone make the agency text a stranger's phone all day."""
    settings.SMS_UNPROVEN_PER_MOBILE_PER_DAY = "2/d"
    url = reverse("service-request", args=[service.agency.code, service.code])
    for _ in range(3):
        assert Client().post(url, answers(doctor_id, applicant_id)).status_code == 302

    assert Item.objects.count() == 3
    assert OutboxMessage.objects.filter(mobile="09121234567").count() == 2
    last = Item.objects.order_by("-pk").first()
    assert last is not None
    assert last.registration_number  # registered and referred as always, only not texted
    assert last.events.filter(kind=EventKind.REGISTERED, is_public=True).exists()

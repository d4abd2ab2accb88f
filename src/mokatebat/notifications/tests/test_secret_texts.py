"""Survey links and one-time codes are never readable by staff: the person being rated could open
the link and rate themselves. Every staff page that shows an SMS shows it with the token masked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item, Resolution
from mokatebat.correspondence.workflow import item_close, response_issue
from mokatebat.notifications import worker
from mokatebat.notifications.messages import MASK, staff_text
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.surveys.models import Survey
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(agency: Organization) -> User:
    user = User.objects.create_user("signer", password="a-long-test-password", first_name="زهرا", last_name="کریمی")
    Membership.objects.create(user=user, organization=agency, role=Role.UNIT_MANAGER)
    return user


@pytest.fixture
def surveyed(submit: Callable[..., Item], signer: User, unit: Unit) -> tuple[Item, Survey]:
    item = submit()
    response_issue(item=item, actor=signer, body="<p>انجام شد.</p>", unit=unit)
    item_close(item=item, actor=signer, resolution=Resolution.ANSWERED)
    return item, Survey.objects.get(item=item)


def _staff_pages(item: Item, invite: OutboxMessage) -> list[str]:
    return [
        "/staff/sms/",
        "/staff/sms/?state=created",
        f"/staff/items/{item.public_id}/",
        "/staff/surveys/",
        "/admin/notifications/outboxmessage/",
        f"/admin/notifications/outboxmessage/{invite.pk}/change/",
        f"/admin/notifications/outboxmessage/?q={item.requester.mobile}",
    ]


def test_no_staff_member_can_read_the_survey_link_anywhere(surveyed, clerk, signer):
    item, survey = surveyed
    invite = OutboxMessage.objects.get(template="survey_invite")
    assert survey.token in invite.body, "the citizen's SMS carries the link"
    admin = User.objects.create_superuser("root", password="a-long-test-password")

    for user in (clerk, signer, admin):
        client = Client()
        login_verified(client, user)
        for url in _staff_pages(item, invite):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (user, url, response.status_code)
            assert survey.token not in response.content.decode(), f"{user} read the survey link at {url}"


def test_the_staff_sms_page_shows_the_survey_sms_with_its_token_masked(surveyed, clerk):
    item, _survey = surveyed
    client = Client()
    login_verified(client, clerk)

    page = client.get("/staff/sms/").content.decode()

    assert f"/s/{MASK}" in page
    assert item.tracking_code in page


def test_a_one_time_code_is_masked_too():
    body = "کد ورود شما به سامانه مکاتبات: 482913\nاین کد تا 5 دقیقه معتبر است."

    assert "482913" not in staff_text("account_sign_in_code", body)
    assert staff_text("item_submitted", "کد رهگیری: 1234567890123") == "کد رهگیری: 1234567890123"


@pytest.mark.django_db(transaction=True)
def test_once_sent_the_survey_link_is_gone_from_the_database(surveyed, settings):
    _item, survey = surveyed
    settings.SMS_PROVIDER = "console"

    worker.run_once()

    assert not OutboxMessage.objects.filter(body__contains=survey.token).exists()

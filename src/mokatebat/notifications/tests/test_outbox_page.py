"""The staff outbox page (/staff/sms/): a verified staff login required, and a clerk sees only their agency's SMS."""

from __future__ import annotations

import pytest

from mokatebat.notifications.models import SmsState
from mokatebat.testing.staff import login_verified

URL = "/staff/sms/"


@pytest.fixture
def two_agencies_items(submit, other_agency):
    return submit(), submit(agency=other_agency)


def test_a_clerk_sees_the_sms_of_their_agency_and_not_of_another(client, clerk, two_agencies_items):
    own, other = two_agencies_items
    login_verified(client, clerk)

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert own.tracking_code in content
    assert other.tracking_code not in content


def test_filtering_by_state_does_not_reveal_another_agencys_sms(client, clerk, two_agencies_items):
    own, other = two_agencies_items
    login_verified(client, clerk)

    content = client.get(URL, {"state": SmsState.CREATED}).content.decode()

    assert own.tracking_code in content
    assert other.tracking_code not in content


def test_a_state_filter_hides_messages_in_other_states(client, clerk, two_agencies_items):
    login_verified(client, clerk)

    content = client.get(URL, {"state": SmsState.SENT}).content.decode()

    assert two_agencies_items[0].tracking_code not in content


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, two_agencies_items):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={URL}"

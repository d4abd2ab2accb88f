"""The gateway's delivery reports: authenticated with the gateway key, idempotent, never moving a
message backwards, and never a 500 whatever the body."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from mokatebat.notifications.models import OutboxMessage, SmsState

KEY = "gateway-test-key"
URL = "/sms/delivery/"


@pytest.fixture
def gateway_client(settings) -> Client:
    settings.SMS_GATEWAY_API_KEY = KEY
    # CSRF checks on, as in production: the gateway has no CSRF token and needs none.
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {KEY}"})


@pytest.fixture
def message_in(queue_message):
    def _in(state: SmsState) -> OutboxMessage:
        message = queue_message()
        OutboxMessage.objects.filter(pk=message.pk).update(state=state, attempts=1)
        return message

    return _in


def _report(client: Client, reference: object, status: str):
    return client.post(URL, {"reference": str(reference), "status": status}, content_type="application/json")


def _fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_a_delivered_report_after_sent_marks_the_message_delivered(gateway_client, message_in):
    message = message_in(SmsState.SENT)

    response = _report(gateway_client, message.reference, "delivered")

    assert response.status_code == 200
    assert response.json() == {"reference": str(message.reference), "state": "delivered"}
    message = _fresh(message)
    assert message.state == SmsState.DELIVERED
    assert message.delivered_at is not None


def test_a_repeated_delivered_report_changes_nothing(gateway_client, message_in):
    message = message_in(SmsState.SENT)
    _report(gateway_client, message.reference, "delivered")
    first = _fresh(message)

    response = _report(gateway_client, message.reference, "delivered")

    assert response.status_code == 200
    assert _fresh(message).delivered_at == first.delivered_at


def test_a_late_failed_report_never_moves_a_delivered_message_back(gateway_client, message_in):
    message = message_in(SmsState.SENT)
    _report(gateway_client, message.reference, "delivered")

    response = _report(gateway_client, message.reference, "failed")

    assert response.json()["state"] == "delivered"
    assert _fresh(message).state == SmsState.DELIVERED


def test_a_failed_report_after_sent_is_a_visible_permanent_failure(gateway_client, message_in):
    message = message_in(SmsState.SENT)

    _report(gateway_client, message.reference, "failed")
    _report(gateway_client, message.reference, "failed")

    message = _fresh(message)
    assert message.state == SmsState.PERMANENT_FAILURE
    assert message.last_error == "the gateway reported it undelivered"


@pytest.mark.parametrize("state", [SmsState.SENDING, SmsState.TEMPORARY_FAILURE, SmsState.TECHNICAL_FAILURE])
def test_a_delivered_report_wins_over_our_own_doubt(gateway_client, message_in, state):
    # A timeout whose message the gateway had taken after all: no retry is needed any more.
    message = message_in(state)

    _report(gateway_client, message.reference, "delivered")

    message = _fresh(message)
    assert message.state == SmsState.DELIVERED
    assert message.sent_at is not None


def test_a_report_keeps_the_time_the_worker_recorded_as_sent(gateway_client, message_in):
    message = message_in(SmsState.SENT)
    sent_at = timezone.now() - timezone.timedelta(minutes=5)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=sent_at)

    _report(gateway_client, message.reference, "delivered")

    assert _fresh(message).sent_at == sent_at


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (SmsState.CREATED, "delivered"),
        (SmsState.PERMANENT_FAILURE, "delivered"),
        (SmsState.TEMPORARY_FAILURE, "failed"),
    ],
)
def test_a_report_that_does_not_fit_the_message_is_ignored(gateway_client, message_in, state, status):
    message = message_in(state)

    response = _report(gateway_client, message.reference, status)

    assert response.status_code == 200
    assert _fresh(message).state == state


def test_an_unknown_reference_is_a_json_404(gateway_client, db):
    response = _report(gateway_client, uuid.uuid4(), "delivered")

    assert response.status_code == 404
    assert response.json() == {"error": "unknown reference"}


@pytest.mark.parametrize("authorization", ["", "Bearer wrong-key", f"bearer {KEY}", KEY, f"Bearer {KEY} "])
def test_a_report_without_the_gateway_key_is_forbidden(gateway_client, message_in, authorization):
    message = message_in(SmsState.SENT)
    client = Client(headers={"Authorization": authorization} if authorization else {})

    assert _report(client, message.reference, "delivered").status_code == 403
    assert _fresh(message).state == SmsState.SENT


def test_no_report_is_accepted_while_no_gateway_key_is_configured(settings, message_in):
    settings.SMS_GATEWAY_API_KEY = ""
    message = message_in(SmsState.SENT)
    client = Client(headers={"Authorization": "Bearer "})

    assert _report(client, message.reference, "delivered").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"delivered"',
        b"{}",
        b'{"reference": "not-a-uuid", "status": "delivered"}',
        json.dumps({"reference": str(uuid.uuid4()), "status": "read"}).encode(),
        json.dumps({"reference": str(uuid.uuid4()), "status": ["delivered"]}).encode(),
    ],
)
def test_a_malformed_report_is_a_400_not_a_500(gateway_client, db, body):
    response = gateway_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.json()


def test_the_webhook_only_takes_post(gateway_client, db):
    assert gateway_client.get(URL).status_code == 405

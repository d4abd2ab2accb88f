"""An SMS is never delivered twice: after a timeout the outcome is unknown, the worker asks the
gateway before sending again, and a message the gateway took never ends as a technical failure.
A gateway refusing our key or credit pauses sending instead of burning every message's retries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mokatebat.notifications import worker
from mokatebat.notifications.health import sms_problems
from mokatebat.notifications.models import GatewayPause, OutboxMessage, SmsState
from mokatebat.testing.staff import login_verified

from .fake_gateway import BAD_KEY, HANG, LATE, NO_CREDIT, OK

pytestmark = pytest.mark.django_db(transaction=True)


def _fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def _run_until_settled(clock, rounds: int = 20) -> None:
    """Run the worker, moving the clock to each next retry, until nothing is left to do."""
    for _round in range(rounds):
        worker.run_once()
        pending = OutboxMessage.objects.filter(
            state__in=[SmsState.UNKNOWN, SmsState.TEMPORARY_FAILURE, SmsState.CREATED]
        )
        upcoming = pending.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
        if upcoming is None:
            return
        clock.move_to(max(upcoming, timezone.now()) + datetime.timedelta(seconds=1))
    pytest.fail("the outbox did not settle")


def test_a_late_answer_leaves_the_outcome_unknown_not_failed(queue_message, any_gateway):
    message = queue_message()
    any_gateway.answer(LATE)

    worker.run_once()

    message = _fresh(message)
    assert message.state == SmsState.UNKNOWN
    assert "did not answer" in message.last_error
    assert message.next_attempt_at >= timezone.now()


def test_after_a_late_answer_the_worker_asks_and_does_not_send_again(queue_message, any_gateway):
    any_gateway.honour_localid = False  # our lookup, not the gateway's de-duplication, must prevent it
    message = queue_message()
    any_gateway.answer(LATE)

    with time_machine.travel(timezone.now(), tick=True) as clock:
        _run_until_settled(clock)

    message = _fresh(message)
    assert message.state == SmsState.SENT
    assert message.provider_message_id == str(any_gateway.phone[0].id)
    assert list(any_gateway.phone_counts().values()) == [1]
    assert len(any_gateway.sends()) == 1, "asked about it, never resent"


def test_every_message_reaches_the_phone_once_when_the_gateway_accepts_and_answers_late(queue_message, any_gateway):
    any_gateway.honour_localid = False
    messages = [queue_message(mobile=f"0912000{index:04d}") for index in range(8)]
    any_gateway.answer(*[LATE] * 5)  # the first five are taken, their answers lost

    with time_machine.travel(timezone.now(), tick=True) as clock:
        _run_until_settled(clock)

    assert sorted(any_gateway.phone_counts().values()) == [1] * 8
    assert {_fresh(m).state for m in messages} == {SmsState.SENT}
    assert len(any_gateway.sends()) == 8


def test_a_message_the_gateway_never_took_is_sent_after_asking(queue_message, any_gateway):
    message = queue_message()
    any_gateway.answer(HANG)

    with time_machine.travel(timezone.now(), tick=True) as clock:
        _run_until_settled(clock)

    assert _fresh(message).state == SmsState.SENT
    assert list(any_gateway.phone_counts().values()) == [1]
    assert len(any_gateway.sends()) == 2


def test_while_the_gateway_cannot_be_asked_nothing_is_resent(queue_message, any_gateway):
    message = queue_message()
    any_gateway.answer(LATE)
    worker.run_once()
    any_gateway.lookups_fail = True

    with time_machine.travel(_fresh(message).next_attempt_at + datetime.timedelta(seconds=1)):
        worker.run_once()

    message = _fresh(message)
    assert message.state == SmsState.UNKNOWN
    assert "could not ask the gateway" in message.last_error
    assert len(any_gateway.sends()) == 1


def test_an_outcome_still_unknown_when_retries_run_out_is_unconfirmed_never_a_technical_failure(
    queue_message, kavenegar, settings
):
    settings.SMS_MAX_ATTEMPTS = 2
    message = queue_message()
    kavenegar.answer(LATE)
    worker.run_once()
    kavenegar.lookups_fail = True

    with time_machine.travel(_fresh(message).next_attempt_at + datetime.timedelta(seconds=1)):
        worker.run_once()

    message = _fresh(message)
    assert message.state == SmsState.UNCONFIRMED
    assert list(kavenegar.phone_counts().values()) == [1]


def test_a_message_found_already_delivered_is_recorded_delivered(queue_message, any_gateway):
    message = queue_message()
    any_gateway.answer(LATE)
    worker.run_once()
    any_gateway.deliver_all()

    with time_machine.travel(_fresh(message).next_attempt_at + datetime.timedelta(seconds=1)):
        worker.run_once()

    message = _fresh(message)
    assert message.state == SmsState.DELIVERED
    assert message.delivered_at is not None


def test_the_delivery_report_is_fetched_from_the_gateway(queue_message, any_gateway):
    delivered, undelivered = queue_message(mobile="09120000001"), queue_message(mobile="09120000002")
    worker.run_once()
    assert _fresh(delivered).state == SmsState.SENT
    with any_gateway._lock:  # by number: a batch is sent by several threads, in no fixed order
        reached = {sent.mobile: sent for sent in any_gateway.phone}
        reached["09120000001"].delivery, reached["09120000002"].delivery = "delivered", "failed"

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert worker.run_once() == 0

    assert _fresh(delivered).state == SmsState.DELIVERED
    assert _fresh(undelivered).state == SmsState.PERMANENT_FAILURE


def test_a_message_not_yet_delivered_is_asked_about_again_later(queue_message, kavenegar):
    message = queue_message()
    worker.run_once()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        worker.run_once()
        assert _fresh(message).next_attempt_at > timezone.now()

    assert _fresh(message).state == SmsState.SENT


@pytest.mark.parametrize("answer", [BAD_KEY, NO_CREDIT])
def test_a_refused_key_or_credit_pauses_sending_without_using_up_retries(queue_message, any_gateway, answer, settings):
    settings.SMS_SEND_CONCURRENCY = 1  # one message in flight: the first refusal stops the batch
    first, second, third = queue_message(), queue_message(), queue_message()
    any_gateway.answer(answer)

    assert worker.run_once() == 1

    assert {(_fresh(m).state, _fresh(m).attempts) for m in (first, second, third)} == {(SmsState.CREATED, 0)}
    assert worker.run_once() == 0, "nothing is claimed while paused"
    assert len(any_gateway.sends()) == 1
    [problem] = sms_problems()
    assert "paused" in problem
    assert GatewayPause.objects.get().paused_at is not None


def test_sending_resumes_by_itself_once_the_account_works_again(queue_message, any_gateway, settings):
    message = queue_message()
    any_gateway.answer(NO_CREDIT)
    any_gateway.credit = 0
    worker.run_once()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        clock.shift(settings.SMS_PAUSE_CHECK_SECONDS + 1)
        assert worker.run_once() == 0, "the account check still fails: still paused"
        any_gateway.credit = 1000
        assert worker.run_once() == 0, "checked at most once a minute"
        clock.shift(settings.SMS_PAUSE_CHECK_SECONDS + 1)
        assert worker.run_once() == 1

    assert _fresh(message).state == SmsState.SENT
    assert sms_problems() == []
    assert list(any_gateway.phone_counts().values()) == [1]


def test_the_staff_sms_page_shows_the_pause(queue_message, kavenegar, clerk):
    kavenegar.answer(BAD_KEY)
    queue_message()
    worker.run_once()
    client = Client()
    login_verified(client, clerk)

    page = client.get("/staff/sms/").content.decode()

    assert "ارسال پیامک متوقف شده است" in page
    assert "API key not valid" in page


def test_health_is_fine_with_the_console_and_flags_a_half_configured_gateway(settings, db):
    settings.SMS_PROVIDER = "console"
    assert sms_problems() == []
    settings.SMS_PROVIDER, settings.SMS_GATEWAY_API_KEY = "kavenegar", ""
    [problem] = sms_problems()
    assert "misconfigured" in problem


def test_a_normal_send_needs_no_question_first(queue_message, any_gateway):
    queue_message()
    any_gateway.answer(OK)

    worker.run_once()

    assert [r.method for r in any_gateway.requests] == ["POST"], "no lookup before a first attempt"

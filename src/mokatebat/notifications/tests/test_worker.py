"""The worker claims, sends and records: retries with backoff, gives up visibly, never lets a stale
claim overwrite a newer one. These tests need the worker's own transactions, hence transaction=True."""

from __future__ import annotations

import datetime
import signal
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mokatebat.notifications import worker
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.notifications.outbox import queue_sms
from mokatebat.notifications.providers import SendResult

from .fake_gateway import INVALID_NUMBER, OK, SERVER_ERROR, throttled

pytestmark = pytest.mark.django_db(transaction=True)


def _fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_a_claim_marks_messages_sending_with_one_more_attempt_and_a_lease(queue_message, settings):
    message = queue_message()

    [claimed] = worker.claim_batch(10)

    message = _fresh(message)
    assert message.state == SmsState.SENDING
    assert message.attempts == claimed.attempts == 1
    assert message.lease_expires_at == claimed.lease_expires_at
    assert message.lease_expires_at > timezone.now() + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS - 5)
    assert worker.claim_batch(10) == [], "a claimed message is not due again while its lease runs"


def test_a_claim_whose_lease_expired_is_due_again(queue_message, settings):
    queue_message()
    worker.claim_batch(10)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS + 1)):
        [reclaimed] = worker.claim_batch(10)

    assert reclaimed.attempts == 2


def test_a_successful_send_is_recorded_as_sent_with_the_gateways_id(queue_message, kavenegar):
    message = queue_message()

    assert worker.run_once() == 1

    message = _fresh(message)
    assert message.state == SmsState.SENT
    assert (message.provider, message.provider_message_id) == ("kavenegar", str(kavenegar.phone[0].id))
    assert message.cost == 1200 * message.segments == 2400, "Kavenegar bills per part, in rials"
    assert message.sent_at is not None
    assert message.lease_expires_at is None
    assert message.last_error == ""


def test_server_errors_are_retried_with_exponentially_growing_delays(queue_message, kavenegar, monkeypatch):
    # Take the top of each jitter range so the growth is visible.
    monkeypatch.setattr(worker.random, "uniform", lambda _low, high: high)
    message = queue_message()
    kavenegar.answer(SERVER_ERROR, SERVER_ERROR, SERVER_ERROR, OK)
    delays = []

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(3):
            worker.run_once()
            message = _fresh(message)
            assert message.state == SmsState.TEMPORARY_FAILURE
            assert worker.run_once() == 0, "nothing is sent before the retry is due"
            delays.append((message.next_attempt_at - timezone.now()).total_seconds())
            clock.move_to(message.next_attempt_at)
        worker.run_once()

    assert delays == [10, 20, 40]
    assert _fresh(message).state == SmsState.SENT
    assert len(kavenegar.sends()) == 4


def test_a_rate_limit_waits_as_long_as_the_gateways_retry_after(queue_message, kavenegar):
    message = queue_message()
    kavenegar.answer(throttled("300"))

    with time_machine.travel(timezone.now(), tick=False):
        worker.run_once()
        now = timezone.now()

    message = _fresh(message)
    assert message.state == SmsState.TEMPORARY_FAILURE
    assert message.next_attempt_at == now + datetime.timedelta(seconds=300)
    assert "429" in message.last_error


def test_a_refused_message_is_a_permanent_failure_and_never_retried(queue_message, kavenegar):
    message = queue_message()
    kavenegar.answer(INVALID_NUMBER)

    worker.run_once()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert worker.run_once() == 0

    message = _fresh(message)
    assert message.state == SmsState.PERMANENT_FAILURE
    assert "411" in message.last_error
    assert len(kavenegar.sends()) == 1


def test_after_the_last_attempt_a_message_becomes_a_technical_failure(queue_message, kavenegar, settings):
    settings.SMS_MAX_ATTEMPTS = 3
    kavenegar.default = SERVER_ERROR
    message = queue_message()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(3):
            worker.run_once()
            clock.move_to(_fresh(message).next_attempt_at)
        assert worker.run_once() == 0

    message = _fresh(message)
    assert message.state == SmsState.TECHNICAL_FAILURE
    assert message.last_error == "gave up after 3 attempts: Kavenegar: gateway error (500)"
    assert len(kavenegar.requests) == 3


def test_a_message_older_than_the_retry_window_fails_technically_on_its_next_error(queue_message, kavenegar, settings):
    message = queue_message()
    kavenegar.answer(SERVER_ERROR)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS + 1)):
        worker.run_once()

    assert _fresh(message).state == SmsState.TECHNICAL_FAILURE


def test_a_stale_worker_sends_nothing_once_its_claim_was_taken_over(queue_message, kavenegar, settings):
    queue_message()
    [stale] = worker.claim_batch(10)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS + 1)):
        [current] = worker.claim_batch(10)
        assert worker.deliver(stale) is None
        assert worker.deliver(current) == SmsState.SENT

    assert [request.method for request in kavenegar.requests] == ["GET", "POST"], "asked about it, then sent once"


class _TakenOverDuringSend:
    """A provider during whose call another worker claims the same message."""

    name = "stub"

    def send(self, message: OutboxMessage) -> SendResult:
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
        return SendResult(provider_message_id="late")


def test_a_stale_workers_outcome_never_overwrites_a_newer_claim(queue_message):
    message = queue_message()
    [claimed] = worker.claim_batch(10)

    assert worker.deliver(claimed, _TakenOverDuringSend()) is None

    message = _fresh(message)
    assert (message.state, message.attempts, message.provider_message_id) == (SmsState.SENDING, 2, "")


def test_an_abandoned_claim_with_no_attempts_left_is_asked_about_and_not_sent_again(queue_message, kavenegar, settings):
    message = queue_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=SmsState.SENDING, attempts=settings.SMS_MAX_ATTEMPTS, lease_expires_at=timezone.now()
    )

    assert worker.run_once() == 1

    message = _fresh(message)
    assert message.state == SmsState.TECHNICAL_FAILURE
    assert message.last_error.endswith("the gateway never took it")
    assert kavenegar.sends() == [], "asked about, never sent again"


def test_a_claim_the_worker_keeps_dying_on_ends_unconfirmed_not_failed(queue_message, settings):
    message = queue_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=SmsState.SENDING, attempts=settings.SMS_MAX_ATTEMPTS + 3, lease_expires_at=timezone.now()
    )

    assert worker.claim_batch(10) == []
    assert _fresh(message).state == SmsState.UNCONFIRMED


class _Broken:
    name = "broken"

    def send(self, message: OutboxMessage) -> SendResult:
        raise KeyError("bug")


def test_a_provider_bug_is_an_unknown_outcome_and_does_not_stop_the_worker(queue_message):
    message = queue_message()

    assert worker.run_once(provider=_Broken()) == 1

    message = _fresh(message)
    assert message.state == SmsState.UNKNOWN, "the request may have gone out before the bug"
    assert message.last_error == "unexpected error in the provider (KeyError)"


def test_deliver_refuses_to_run_inside_a_transaction(queue_message):
    queue_message()
    [claimed] = worker.claim_batch(10)

    with transaction.atomic(), pytest.raises(RuntimeError):
        worker.deliver(claimed)


class _StopsTheWorker:
    """A provider during whose call the worker is asked to stop (SIGTERM arrives mid-send)."""

    name = "stub"

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def send(self, message: OutboxMessage) -> SendResult:
        self.stop.set()
        return SendResult(provider_message_id="ok")


def test_a_stop_mid_batch_finishes_the_message_in_hand_and_hands_the_rest_back(queue_message, settings):
    settings.SMS_SEND_CONCURRENCY = 1
    first, second, third = queue_message(), queue_message(), queue_message()
    stop = threading.Event()

    assert worker.run_once(provider=_StopsTheWorker(stop), stop_event=stop) == 1

    assert _fresh(first).state == SmsState.SENT
    handed_back = worker.claim_batch(10)
    assert {message.pk for message in handed_back} == {second.pk, third.pk}, "due at once, no lease to wait out"
    assert all(message.attempts == 1 for message in handed_back), "the unused attempt was undone"


def test_run_worker_once_sends_what_is_due_and_exits(queue_message, settings):
    settings.SMS_PROVIDER = "console"
    message = queue_message()
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    try:
        call_command("run_worker", "--once")
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    message = _fresh(message)
    assert (message.state, message.provider) == (SmsState.SENT, "console")


def test_a_one_time_code_is_sent_and_then_gone_from_the_database(kavenegar):
    with transaction.atomic():
        message = queue_sms(
            dedup_key="sign-in-code-test",
            template="account_sign_in_code",
            mobile="09121234567",
            context={"code": "482913", "minutes": "5"},
        )

    assert worker.run_once() == 1

    assert "482913" in kavenegar.phone[-1].text, "the citizen still receives the code"
    assert _fresh(message).state == SmsState.SENT
    assert not OutboxMessage.objects.filter(body__contains="482913").exists()

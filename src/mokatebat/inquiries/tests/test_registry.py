"""Adapter 2, an external JSON registry, against a real fake registry on 127.0.0.1: it answers,
fails with 500, hangs past the timeout, sends garbage, refuses, or is not there at all. Nothing is
lost; staff read why on the item page and can send it again."""

from __future__ import annotations

import datetime
import socket
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mokatebat.core.management.commands.run_worker import run_loops, worker_loops
from mokatebat.correspondence.models import EventKind, Item
from mokatebat.inquiries import worker
from mokatebat.inquiries.models import ErrorKind, Inquiry, InquiryState, InquiryType
from mokatebat.inquiries.workflow import inquiry_ask
from mokatebat.organization.models import User

from .conftest import signed_in
from .fake_registry import ANSWER, FakeRegistry

# The worker refuses to call the registry inside a transaction, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def asked(item: Item, inquiry_type: InquiryType, clerk: User) -> Inquiry:
    return inquiry_ask(item=item, inquiry_type=inquiry_type, asked_by=clerk, question="تطبیق هویت")


def later(minutes: int) -> Any:
    """Move the clock past any backoff (the worker compares with Python's clock, not the database's)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True)


def test_the_registry_answers_and_the_answer_is_recorded(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    inquiry = asked(item, registry_type, clerk)
    assert inquiry.state == InquiryState.PENDING
    assert worker.run_once() == 1
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert inquiry.answer_text == ANSWER["answer"]
    assert inquiry.answer_payload == ANSWER
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1
    # What left the agency: the reference, the type's code and only the declared fields.
    [request] = registry.requests
    assert request["idempotency_key"] == str(inquiry.public_id)
    assert request["body"] == {
        "reference": str(inquiry.public_id),
        "inquiry": "identity",
        "agency": item.agency.code,
        "question": "تطبیق هویت",
        "fields": {"national_id": item.requester.national_id},
    }
    assert worker.run_once() == 0  # nothing left to send


def test_a_500_waits_then_succeeds_on_the_automatic_retry(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["500", "answer"]
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.WAITING_RETRY
    assert inquiry.last_error_kind == ErrorKind.SERVER_ERROR
    assert inquiry.last_error_status == 500
    assert inquiry.next_attempt_at is not None
    assert inquiry.next_attempt_at > timezone.now()
    assert worker.run_once() == 0  # backing off: not due yet
    with later(minutes=5):
        assert worker.run_once() == 1
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert inquiry.total_attempts == 2
    assert len(registry.requests) == 2


def test_staff_see_why_in_persian_and_can_send_again_at_once(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["500", "answer"]
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    client = signed_in(clerk)
    page = client.get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "سامانه استعلام با خطای داخلی پاسخ داد." in page
    assert "تلاش دوباره" in page
    assert client.post(reverse("inquiry-retry", args=[item.public_id, inquiry.public_id])).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.PENDING
    assert worker.run_once() == 1
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert item.events.filter(kind=EventKind.INQUIRY_RETRIED).count() == 1


def test_a_hanging_registry_times_out_and_the_inquiry_waits(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["hang"]
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.WAITING_RETRY
    assert inquiry.last_error_kind == ErrorKind.TIMEOUT
    assert inquiry.lease_expires_at is None


def test_attempts_used_up_the_inquiry_fails_visibly_and_can_be_retried(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["500"]
    inquiry = asked(item, registry_type, clerk)
    for minutes in (0, 10, 30):  # three attempts (max_attempts=3), each after the backoff
        with later(minutes):
            worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.FAILED
    assert inquiry.attempts == 3
    assert len(registry.requests) == 3
    failed = item.events.get(kind=EventKind.INQUIRY_FAILED)
    assert not failed.is_public
    assert "خطای داخلی" in failed.note
    with later(120):
        assert worker.run_once() == 0  # failed for good: the worker leaves it alone
    page = signed_in(clerk).get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "ناموفق" in page
    assert "تلاش دوباره" in page
    registry.script = ["answer"]
    signed_in(clerk).post(reverse("inquiry-retry", args=[item.public_id, inquiry.public_id]))
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED


@pytest.mark.parametrize("behaviour", ["garbage", "list", "huge"])
def test_an_unreadable_answer_is_not_recorded_and_is_retried(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType, behaviour: str
) -> None:
    registry.script = [behaviour]
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.WAITING_RETRY
    assert inquiry.last_error_kind == ErrorKind.BAD_ANSWER
    assert inquiry.answer_payload is None
    assert not item.events.filter(kind=EventKind.INQUIRY_ANSWERED).exists()


def test_a_refusal_fails_at_once_because_a_retry_cannot_help(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["400"]
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.FAILED
    assert inquiry.last_error_kind == ErrorKind.REFUSED
    assert inquiry.last_error == "سامانه استعلام درخواست را نپذیرفت. (HTTP 400)"


def test_a_registry_that_is_down_leaves_the_inquiry_waiting(
    item: Item, clerk: User, registry_type: InquiryType
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry_type.registry_url = f"http://127.0.0.1:{port}/inquiries"
    registry_type.save()
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.WAITING_RETRY
    assert inquiry.last_error_kind == ErrorKind.UNREACHABLE


def test_without_a_configured_registry_the_type_is_unavailable_and_staff_are_told(
    item: Item, clerk: User, registry_type: InquiryType, settings: Any
) -> None:
    settings.INQUIRY_REGISTRY_URL = ""
    registry_type.registry_url = ""
    registry_type.save()
    client = signed_in(clerk)
    page = client.get(reverse("staff-item", args=[item.public_id])).content.decode()
    assert "در دسترس نیست" in page
    response = client.post(
        reverse("inquiry-ask", args=[item.public_id]),
        {"inquiry_type": str(registry_type.public_id), "question": "تطبیق"},
    )
    assert response.status_code == 400
    assert "سامانه استعلام آن وصل یا مجاز نیست" in response.content.decode()
    assert 'value="تطبیق"' not in response.content.decode() or "تطبیق" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_global_registry_setting_is_used_when_a_type_has_no_url(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType, settings: Any
) -> None:
    settings.INQUIRY_REGISTRY_URL = registry.url
    registry_type.registry_url = ""
    registry_type.save()
    inquiry = asked(item, registry_type, clerk)
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED


def test_a_claim_abandoned_by_a_dead_worker_is_sent_again_and_recorded_once(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    inquiry = asked(item, registry_type, clerk)
    [claimed] = worker.claim_batch()  # this worker "dies" before sending
    assert worker.run_once() == 0  # the lease still holds
    with later(minutes=5):
        assert worker.run_once() == 1
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    # The dead worker's late outcome belongs to an old claim: not recorded.
    assert worker.send(claimed) == ""
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1


def test_a_claim_abandoned_on_its_last_attempt_fails_with_the_reason(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry_type.max_attempts = 1
    registry_type.save()
    inquiry = asked(item, registry_type, clerk)
    worker.claim_batch()  # this worker "dies" before sending, on the only attempt allowed
    with later(minutes=5):
        assert worker.run_once() == 0
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.FAILED
    assert inquiry.last_error_kind == ErrorKind.INTERRUPTED
    assert registry.requests == []
    assert item.events.filter(kind=EventKind.INQUIRY_FAILED).count() == 1


def test_the_task_worker_loops_send_registry_inquiries(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    inquiry = asked(item, registry_type, clerk)
    stop = threading.Event()

    def run() -> None:
        try:
            run_loops(worker_loops(), poll_seconds=0.05, stop=stop)
        finally:
            connection.close()

    loop = threading.Thread(target=run)
    loop.start()
    try:
        for _ in range(200):  # wait for the loop, up to ~10 s; the assertion below is not about time
            inquiry.refresh_from_db()
            if inquiry.state == InquiryState.ANSWERED:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        loop.join()
    assert inquiry.state == InquiryState.ANSWERED


def test_a_registry_host_nobody_allowed_is_never_called(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType, settings: Any
) -> None:
    inquiry = asked(item, registry_type, clerk)
    settings.INQUIRY_REGISTRY_ALLOWED_HOSTS = []  # e.g. the operator removed it after the inquiry was queued
    worker.run_once()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.FAILED
    assert inquiry.last_error_kind == ErrorKind.HOST_NOT_ALLOWED
    assert registry.requests == []

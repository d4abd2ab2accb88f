"""Registry inquiries have their own loop in the task worker: a registry that hangs never holds up an
SMS, a stop finishes the call in hand and hands the rest back, and `run_worker --once` handles every
queue. Real worker process, real PostgreSQL, a fake registry and a fake SMS gateway on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from mokatebat.bookings import workflow as bookings
from mokatebat.bookings.tests.conftest import NOW, at, open_desk, person
from mokatebat.correspondence.models import Item
from mokatebat.inquiries.models import Inquiry, InquiryState, InquiryType
from mokatebat.inquiries.workflow import inquiry_ask
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.notifications.outbox import queue_sms
from mokatebat.notifications.tests.fake_gateway import FakeGateway
from mokatebat.notifications.tests.test_worker_crash import _test_database_url
from mokatebat.organization.models import Organization, User

from .fake_registry import FakeRegistry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    fake.start()
    yield fake
    fake.stop()


def asked(item: Item, inquiry_type: InquiryType, clerk: User) -> Inquiry:
    return inquiry_ask(item=item, inquiry_type=inquiry_type, asked_by=clerk, question="تطبیق هویت")


def queued_sms() -> OutboxMessage:
    with transaction.atomic():
        return queue_sms(
            dedup_key=str(uuid.uuid4()),
            template="item_submitted",
            mobile="09121234567",
            context={"agency": "وزارت بهداشت", "tracking_code": "1234567890123", "site": "https://example.ir"},
        )


def start_worker(gateway: FakeGateway, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test",
        "DATABASE_URL": _test_database_url(),
        "SMS_PROVIDER": gateway.protocol,
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": gateway.api_key,
        "SMS_SENDER": "40401234",
        "SMS_TIMEOUT_SECONDS": "3",
        "SMS_LEASE_SECONDS": "30",
        "INQUIRY_REGISTRY_ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker", "--poll", "0.1"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], bool], what: str, log: Path, timeout: float = 60) -> None:
    """A bound so a broken worker fails the test instead of hanging it; never an assertion on time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}; worker log:\n{log.read_text()}")
        time.sleep(0.05)


def state(model: type[Inquiry] | type[OutboxMessage], pk: int) -> str:
    return str(model.objects.values_list("state", flat=True).get(pk=pk))


def test_an_sms_goes_out_while_a_registry_call_hangs_and_a_stop_finishes_that_call(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType, gateway: FakeGateway, tmp_path: Path
) -> None:
    # The registry holds the first call until released, or 30 s: past this type's timeout.
    registry_type.timeout_seconds = 20
    registry_type.save()
    registry.script = ["hold", "answer"]
    in_hand = asked(item, registry_type, clerk)
    behind = asked(item, registry_type, clerk)  # claimed in the same batch, behind the hanging call
    log = tmp_path / "worker.log"

    worker = start_worker(gateway, log)
    try:
        wait_for(registry.holding.is_set, "the worker to call the registry", log)
        sms = queued_sms()  # queued while the worker is waiting on the registry
        seen: list[tuple[str, str]] = []

        def sms_out_or_call_over() -> bool:
            # The SMS first, then the call: the call never returns to `sent`, so a call still open
            # at the second read was open when the SMS was seen.
            sms_state, call_state = state(OutboxMessage, sms.pk), state(Inquiry, in_hand.pk)
            seen.append((sms_state, call_state))
            return sms_state == SmsState.SENT or call_state != InquiryState.SENT

        wait_for(sms_out_or_call_over, "the SMS to go out or the registry call to end", log)
        assert seen[-1] == (SmsState.SENT, InquiryState.SENT), "the SMS went out only once the registry call ended"
        assert gateway.phone_counts()[sms.body] == 1
        assert len(registry.requests) == 1

        worker.send_signal(signal.SIGTERM)
        wait_for(lambda: "SIGTERM received" in log.read_text(), "the worker to take the stop", log)
        registry.release()  # the registry answers the call in hand only now
        assert worker.wait(timeout=60) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()

    in_hand.refresh_from_db()
    assert in_hand.state == InquiryState.ANSWERED, "the call in hand was finished and recorded"
    behind.refresh_from_db()
    assert (behind.state, behind.attempts) == (InquiryState.SENT, 0), "handed back, the unused attempt undone"
    assert Inquiry.objects.due(timezone.now()).filter(pk=behind.pk).exists(), "due again at once, not after a lease"
    assert len(registry.requests) == 1, "nothing was called after the stop"
    assert not OutboxMessage.objects.exclude(state=SmsState.SENT).exists()
    assert set(gateway.phone_counts().values()) == {1}, "no SMS went out twice"


@pytest.fixture
def tehran_saturday_morning() -> Iterator[None]:
    """The bookings tests' week, so that a booking for tomorrow is due its reminder."""
    with time_machine.travel(NOW, tick=True):
        yield


def test_run_worker_once_sends_the_sms_the_reminders_and_the_registry_inquiries(
    tehran_saturday_morning: None,
    agency: Organization,
    item: Item,
    clerk: User,
    registry: FakeRegistry,
    registry_type: InquiryType,
    gateway: FakeGateway,
    settings: Any,
) -> None:
    settings.SMS_PROVIDER = gateway.protocol
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_API_KEY = gateway.api_key
    settings.SMS_SENDER = "40401234"
    bookings._last_tick.clear()  # another test in this process may have ticked the reminders
    desk = open_desk(agency)
    bookings.booking_create(calendar=desk, starts_at=at(22, 8), national_id=person(41), mobile="09127654321")
    inquiry = asked(item, registry_type, clerk)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    try:
        call_command("run_worker", "--once")
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert len(registry.requests) == 1
    reminder = OutboxMessage.objects.get(template="booking_reminder")
    assert reminder.state == SmsState.SENT, "queued by the periodic jobs and sent in the same run"
    assert not OutboxMessage.objects.exclude(state=SmsState.SENT).exists(), "the item's and booking's SMS too"
    assert set(gateway.phone_counts().values()) == {1}

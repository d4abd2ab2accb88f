"""Two real worker processes drain one outbox: every message reaches the phone exactly once, and
both processes take part (batch claims with SKIP LOCKED). Throughput is `make bench`'s business
(bench/sms_dispatch.py); nothing here is timed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.notifications.outbox import queue_sms

from .fake_gateway import FakeGateway
from .test_worker_crash import _test_database_url, _wait_for

MESSAGES = 400


def _start_worker(gateway: FakeGateway, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test",
        "DATABASE_URL": _test_database_url(),
        "SMS_PROVIDER": gateway.protocol,
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": gateway.api_key,
        "SMS_SENDER": "40401234",
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker", "--poll", "0.1"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _sent_by(log: Path) -> set[str]:
    return set(re.findall(r"SMS ([0-9a-f-]{36}): sent after attempt", log.read_text()))


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_send_every_message_exactly_once(kavenegar_gateway: FakeGateway, tmp_path: Path):
    gateway = kavenegar_gateway
    gateway.honour_localid = False  # a duplicate would show on the phone
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_start_worker(gateway, log) for log in logs]
    try:
        for log in logs:
            _wait_for(lambda log=log: "worker loop sms started" in log.read_text(), "the workers to start", log)
        with transaction.atomic():  # all at once, as a burst of submissions would
            for index in range(MESSAGES):
                queue_sms(
                    dedup_key=str(uuid.uuid4()),
                    template="item_registered",
                    mobile=f"0912{index:07d}",
                    context={
                        "agency": "وزارت بهداشت",
                        "registration_number": str(index),
                        "date": "1405/09/13",
                        "tracking_code": str(index),
                    },
                )
        _wait_for(
            lambda: not OutboxMessage.objects.exclude(state=SmsState.SENT).exists(), "every message to be sent", logs[0]
        )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()

    assert len(gateway.phone) == MESSAGES
    assert set(gateway.phone_counts().values()) == {1}, "no message reached the phone twice"
    assert len(gateway.sends()) == MESSAGES
    first, second = (_sent_by(log) for log in logs)
    assert first, "the first process sent some"
    assert second, "the second process sent some"
    assert not first & second, "no message was sent by both"
    assert first | second == {str(reference) for reference in OutboxMessage.objects.values_list("reference", flat=True)}

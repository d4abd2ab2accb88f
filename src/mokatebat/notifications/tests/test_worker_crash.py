"""A worker process killed in the middle of a send loses nothing and sends nothing twice: the
messages it held are sent by the next worker, which first asks the gateway about the one in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from mokatebat.notifications.models import OutboxMessage, SmsState

from .fake_gateway import LATE, OK


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
    # dj-database-url keeps a Unix socket directory (the embedded server's) in OPTIONS.
    host, port = db["HOST"] or db["OPTIONS"].get("host", ""), db["PORT"] or ""
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{quote(db['NAME'])}?host={quote(host)}"
    return f"postgresql://{credentials}@{host}{':' + str(port) if port else ''}/{quote(db['NAME'])}"


def _start_worker(gateway, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings.test",
        "DATABASE_URL": _test_database_url(),
        "SMS_PROVIDER": gateway.protocol,
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": gateway.api_key,
        "SMS_SENDER": "40401234",
        "SMS_SEND_CONCURRENCY": "1",  # one message in flight, so the kill lands on the hanging one
        # The kill lands while the worker waits on the hanging gateway; a short lease lets the
        # next worker take the abandoned messages over quickly.
        "SMS_TIMEOUT_SECONDS": "3",
        "SMS_LEASE_SECONDS": "4",
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker", "--poll", "0.2"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait_for(condition, what: str, log: Path, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}; worker log:\n{log.read_text()}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_no_message_and_sends_none_twice(queue_message, kavenegar_gateway, tmp_path):
    gateway = kavenegar_gateway
    gateway.honour_localid = False  # the second worker's lookup, not the gateway, must prevent a copy
    gateway.late_seconds = 60
    messages = [queue_message() for _ in range(4)]
    # The first message goes through; the gateway takes the second and then never answers.
    gateway.answer(OK, LATE)
    log = tmp_path / "worker.log"

    first = _start_worker(gateway, log)
    try:
        _wait_for(lambda: len(gateway.sends()) == 2, "the worker to reach the hanging gateway", log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    second = _start_worker(gateway, log)  # the gateway answers OK from now on
    try:
        _wait_for(
            lambda: OutboxMessage.objects.exclude(state=SmsState.SENT).count() == 0, "every message to be sent", log
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0, log.read_text()
    finally:
        if second.poll() is None:
            second.kill()

    texts = {message.body for message in messages}
    on_phone = gateway.phone_counts()
    assert set(on_phone) == texts, "every message reached the phone"
    assert sorted(on_phone.values()) == [1] * 4, "the message in flight at the kill was asked about, not resent"
    assert len(gateway.sends()) == 4
    assert "SMS worker started" in log.read_text()

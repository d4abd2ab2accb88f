"""Fixtures for the SMS tests: real fake gateways (Kavenegar, SMS.ir), the worker pointed at one, and
queued messages."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from mokatebat.notifications.models import OutboxMessage
from mokatebat.notifications.outbox import queue_sms

from .fake_gateway import FakeGateway


def _running(protocol: str) -> Iterator[FakeGateway]:
    fake = FakeGateway(protocol=protocol)
    fake.start()
    yield fake
    fake.stop()


def point_at(settings: Any, fake: FakeGateway) -> FakeGateway:
    """The worker sends through ``fake``'s protocol to ``fake``, with a short timeout."""
    settings.SMS_PROVIDER = fake.protocol
    settings.SMS_GATEWAY_URL = fake.url
    settings.SMS_GATEWAY_API_KEY = fake.api_key
    settings.SMS_SENDER = "40401234"  # a government line: just the configured sender
    settings.SMS_TIMEOUT_SECONDS = 0.5
    settings.SMS_LEASE_SECONDS = 30
    return fake


@pytest.fixture
def kavenegar_gateway() -> Iterator[FakeGateway]:
    yield from _running("kavenegar")


@pytest.fixture
def smsir_gateway() -> Iterator[FakeGateway]:
    yield from _running("smsir")


@pytest.fixture
def kavenegar(settings: Any, kavenegar_gateway: FakeGateway) -> FakeGateway:
    return point_at(settings, kavenegar_gateway)


@pytest.fixture
def smsir(settings: Any, smsir_gateway: FakeGateway) -> FakeGateway:
    return point_at(settings, smsir_gateway)


@pytest.fixture(params=["kavenegar", "smsir"])
def any_gateway(request: pytest.FixtureRequest, settings: Any) -> Iterator[FakeGateway]:
    """Each test using this runs once against each gateway."""
    for fake in _running(request.param):
        yield point_at(settings, fake)


@pytest.fixture
def queue_message(db: Any) -> Callable[..., OutboxMessage]:
    """Queue one SMS the way a workflow step does (inside a transaction), without an item. Each gets
    its own tracking code, so every text is different."""

    def _queue(mobile: str = "09121234567") -> OutboxMessage:
        with transaction.atomic():
            return queue_sms(
                dedup_key=str(uuid.uuid4()),
                template="item_submitted",
                mobile=mobile,
                context={
                    "agency": "وزارت بهداشت",
                    "tracking_code": str(secrets.randbelow(10**13)).zfill(13),
                    "site": "https://example.ir",
                },
            )

    return _queue

"""Fixtures for the SMS tests: a real fake gateway, the HTTP provider pointed at it, queued messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from mokatebat.notifications.models import OutboxMessage
from mokatebat.notifications.outbox import queue_sms

from .fake_gateway import FakeGateway


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def http_sms(settings: Any, gateway: FakeGateway) -> FakeGateway:
    """The worker sends through the HTTP provider to the fake gateway, with a short timeout."""
    settings.SMS_PROVIDER = "http"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_API_KEY = gateway.api_key
    settings.SMS_TIMEOUT_SECONDS = 0.5
    settings.SMS_LEASE_SECONDS = 30
    return gateway


@pytest.fixture
def queue_message(db: Any) -> Callable[..., OutboxMessage]:
    """Queue one SMS the way a workflow step does (inside a transaction), without an item."""

    def _queue(mobile: str = "09121234567") -> OutboxMessage:
        with transaction.atomic():
            return queue_sms(
                dedup_key=str(uuid.uuid4()),
                template="item_submitted",
                mobile=mobile,
                context={"agency": "وزارت بهداشت", "tracking_code": "1234567890123", "site": "https://example.ir"},
            )

    return _queue

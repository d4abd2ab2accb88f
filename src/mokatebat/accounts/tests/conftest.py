"""The account cast: a citizen with letters, a company whose representative signs in, and a stranger."""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from mokatebat.core.identifiers import generate_legal_id, generate_national_id
from mokatebat.correspondence.workflow import RequesterDetails
from mokatebat.notifications.models import OutboxMessage

COMPANY_MOBILE = "09177654321"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


# Rate-limit windows have fixed edges; a test that counts requests stands still inside one window.
STILL = datetime.datetime(2026, 1, 10, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def time_stands_still() -> Iterator[None]:
    with time_machine.travel(STILL, tick=False):
        yield


@pytest.fixture
def stranger() -> RequesterDetails:
    return RequesterDetails(
        kind="natural", full_name="حسن کریمی", national_id=generate_national_id(random.Random(99)), mobile="09351112233"
    )


@pytest.fixture
def company() -> RequesterDetails:
    """A legal person's letter, sent by its representative with the representative's own ID and mobile."""
    return RequesterDetails(
        kind="legal",
        full_name="نرگس احمدی",
        national_id=generate_national_id(random.Random(3)),
        mobile=COMPANY_MOBILE,
        legal_name="شرکت کشتیرانی خلیج فارس",
        legal_national_id=generate_legal_id(random.Random(5)),
    )


def request_code(client: Client, identifier: str, mobile: str, **extra: Any) -> Any:
    return client.post("/account/sign-in/", {"identifier": identifier, "mobile": mobile}, **extra)


def sent_code(mobile: str) -> str:
    """The code as the citizen reads it in the SMS (the newest sign-in message to this mobile)."""
    message = OutboxMessage.objects.filter(template="account_sign_in_code", mobile=mobile).latest("id")
    match = re.search(r"\d{6}", message.body)
    assert match is not None, message.body
    return match.group()


def sign_in(client: Client, identifier: str, mobile: str) -> None:
    assert request_code(client, identifier, mobile).status_code == 302
    response = client.post("/account/sign-in/code/", {"code": sent_code(mobile)})
    assert response.status_code == 302, response
    assert response["Location"] == "/account/"

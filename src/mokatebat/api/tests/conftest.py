"""The API cast: the shared agency (with a unit) and another agency, each with client systems,
and a real HTTP client talking to the live test server."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache

from mokatebat.api.models import ClientSystem, Scope
from mokatebat.api.workflow import client_create
from mokatebat.core.identifiers import generate_national_id
from mokatebat.organization.models import Organization

ALL_SCOPES = [Scope.ITEMS_READ, Scope.ITEMS_WRITE, Scope.RESPONSES_WRITE, Scope.OPEN311]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def http(live_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client


def make_client(agency: Organization, name: str, scopes: list[str], rate: str = "600/h") -> tuple[ClientSystem, str]:
    return client_create(agency=agency, name=name, scopes=scopes, rate_limit=rate)


@pytest.fixture
def full_token(agency: Organization) -> str:
    return make_client(agency, "سامانه اتوماسیون اداری وزارت", ALL_SCOPES)[1]


@pytest.fixture
def read_token(agency: Organization) -> str:
    return make_client(agency, "داشبورد گزارش‌ها", [Scope.ITEMS_READ])[1]


@pytest.fixture
def other_token(other_agency: Organization) -> str:
    return make_client(other_agency, "سامانه استانداری", ALL_SCOPES)[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def applicant_id() -> str:
    return generate_national_id(random.Random(1405))


def letter(agency: Organization, national_id: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": agency.code,
        "kind": "complaint",
        "subject": "شكايت از تأخير در رسيدگي",  # Arabic kaf and yeh, as some keyboards type them
        "body": "با سلام، پرونده اينجانب سه ماه است بي‌پاسخ مانده است.",
        "full_name": "زهرا كريمي",
        "national_id": national_id,
        "mobile": "۰۹۱۲۳۴۵۶۷۸۹",
    }
    data.update(overrides)
    return data


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["message"]), error["message"]  # Persian
    assert isinstance(error["fields"], dict)
    return error

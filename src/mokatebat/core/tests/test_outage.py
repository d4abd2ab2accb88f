"""With the database unreachable, pages answer 503 with Retry-After and a Persian page, the API and
Open311 keep their own error shapes, and every error page shows a reference that is in the log."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from .conftest import log_lines


@pytest.fixture
def http() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/", "/letters/new/", "/services/"])
def test_pages_answer_503_with_a_persian_page_and_a_logged_reference(
    http: Client, database_down: None, log_stream: io.StringIO, path: str
) -> None:
    response = http.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "سامانه موقتاً در دسترس نیست" in page
    assert 'dir="rtl"' in page
    reference = response["X-Request-ID"]
    assert reference in page
    logged = [line for line in log_lines(log_stream) if line["request_id"] == reference]
    assert any(line["level"] == "ERROR" and "database unavailable" in line["message"] for line in logged)


def test_the_api_answers_503_in_its_own_shape(http: Client, database_down: None) -> None:
    response = http.get("/api/v1/agencies/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert "موقتاً" in error["message"]
    assert error["reference"] == response["X-Request-ID"]


def test_a_post_to_the_api_answers_503_in_its_own_shape(http: Client, database_down: None) -> None:
    letter = {
        "agency": "moh",
        "kind": "letter",
        "subject": "درخواست آزمایشی",
        "body": "با سلام، این یک نامه آزمایشی است.",
        "full_name": "زهرا کریمی",
        "national_id": "0013542419",
        "mobile": "09123456789",
    }
    response = http.post("/api/v1/items/", letter, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_open311_answers_503_as_its_error_list(http: Client, database_down: None) -> None:
    response = http.get("/open311/v2/services.json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    [error] = response.json()
    assert error["code"] == 503
    assert response["X-Request-ID"] in error["description"]

    xml = http.get("/open311/v2/services.xml")
    assert xml.status_code == 503
    root = ET.fromstring(xml.content)  # noqa: S314 - our own response
    assert root.tag == "errors"
    assert root.find("error/code").text == "503"


def test_readyz_says_the_database_is_down(http: Client, database_down: None) -> None:
    response = http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_the_404_page_shows_a_reference_that_is_logged(http: Client, db: Any, log_stream: io.StringIO) -> None:
    response = http.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "صفحه پیدا نشد" in page
    reference = response["X-Request-ID"]
    assert reference in page
    assert any(line["request_id"] == reference for line in log_lines(log_stream))

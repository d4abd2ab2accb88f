"""Log lines are JSON with the request id; a national ID or mobile never reaches a log line; the id of
the request that queued an SMS is on the outbox row and on the worker's lines about sending it."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.test import Client

from mokatebat.core.logs import bind_request_id, redact, reset_request_id
from mokatebat.notifications import worker
from mokatebat.notifications.models import OutboxMessage
from mokatebat.notifications.providers import ConsoleProvider

from .conftest import log_lines


@pytest.mark.parametrize(
    "text",
    [
        "citizen 0013542419 asked",
        "mobile 09123456789 texted",
        "mobile +989123456789 texted",
        "mobile ۰۹۱۲۳۴۵۶۷۸۹ texted",
        "national id ۰۰۱۳۵۴۲۴۱۹ typed in Persian digits",
        "query q=0013542419&x=1",
    ],
)
def test_identifiers_are_masked(text: str) -> None:
    masked = redact(text)
    assert not any(run in masked for run in ("0013542419", "9123456789", "۹۱۲۳۴۵۶۷۸۹", "۰۰۱۳۵۴۲۴۱۹"))


def test_tracking_codes_and_references_stay_readable() -> None:
    # 13-digit tracking codes and ids are what support searches by.
    assert redact("code 4717801800518 ref 3f2a") == "code 4717801800518 ref 3f2a"


def test_a_log_line_is_json_with_the_request_id_and_no_identifiers(log_stream: io.StringIO) -> None:
    token = bind_request_id("abc123def456")
    try:
        logging.getLogger("mokatebat.test").info("lookup by %s for %s", "0013542419", "09123456789")
        try:
            raise ValueError("bad mobile 09123456789")
        except ValueError:
            logging.getLogger("mokatebat.test").exception("failed for 0013542419")
    finally:
        reset_request_id(token)
    first, second = log_lines(log_stream)
    assert first["request_id"] == "abc123def456"
    assert first["level"] == "INFO"
    assert first["logger"] == "mokatebat.test"
    text = log_stream.getvalue()
    assert "0013542419" not in text
    assert "09123456789" not in text
    assert "[national-id]" in first["message"]
    assert "ValueError" in second["exc_info"]


@pytest.mark.django_db(transaction=True)
def test_the_request_id_follows_a_submission_into_the_worker(agency: Any, log_stream: io.StringIO) -> None:
    client = Client()
    response = client.post(
        "/api/v1/items/",
        {
            "agency": agency.code,
            "kind": "letter",
            "subject": "درخواست آزمایشی",
            "body": "با سلام، این یک نامه آزمایشی است.",
            "full_name": "زهرا کریمی",
            "national_id": "0013542419",
            "mobile": "09123456789",
        },
        content_type="application/json",
        HTTP_X_REQUEST_ID="submission-0001",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "submission-0001"
    message = OutboxMessage.objects.get()
    assert message.request_id == "submission-0001"

    worker.run_once(provider=ConsoleProvider())
    sending = [line for line in log_lines(log_stream) if line["logger"].startswith("mokatebat.notifications")]
    assert sending
    assert all(line["request_id"] == "submission-0001" for line in sending)
    assert "09123456789" not in log_stream.getvalue()


def test_an_unusable_request_id_from_outside_is_replaced(db: Any) -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_a_query_string_in_django_s_request_log_is_masked(db: Any, log_stream: io.StringIO) -> None:
    Client().get("/no-such-page/?national_id=0013542419&mobile=09123456789")
    text = log_stream.getvalue()
    assert "Not Found" in text
    assert "0013542419" not in text
    assert "09123456789" not in text


def test_error_reports_carry_no_identifiers() -> None:
    from mokatebat.core.logs import scrub_sentry_event

    event = {
        "message": "failed for 0013542419",
        "exception": {"values": [{"value": "bad mobile 09123456789"}]},
        "request": {"url": "/track/", "data": {"national_id": "0013542419"}, "cookies": "sessionid=x"},
        "timestamp": 1733331234.5,
    }
    scrubbed = scrub_sentry_event(event)
    assert "0013542419" not in str(scrubbed)
    assert "09123456789" not in str(scrubbed)
    assert "data" not in scrubbed["request"]
    assert "cookies" not in scrubbed["request"]
    assert scrubbed["timestamp"] == 1733331234.5


def test_a_reference_that_happens_to_hold_ten_digits_stays_readable() -> None:
    """An SMS reference (a UUID) whose last group is ten digits and two letters is not a national ID."""
    from mokatebat.core.logs import redact

    reference = "2f878f44-8efa-40c6-b358-8423746884fa"
    assert redact(f"SMS {reference}: sent after attempt 1") == f"SMS {reference}: sent after attempt 1"
    assert redact("national ID 0013542419, mobile 09123456789") == "national ID [national-id], mobile [mobile]"

"""The external registry adapter: claim due registry inquiries, POST each as JSON, record the outcome.

``manage.py run_worker`` calls ``run_once`` in a loop of its own thread, apart from the SMS outbox:
a registry that is slow or hangs (each call may wait up to its type's timeout) then delays only
other inquiries, never an SMS. The same three rules as the SMS outbox apply:

1. Claiming is one short ``SELECT … FOR UPDATE SKIP LOCKED`` transaction: two workers never hold
   the same inquiry. A claim moves it to ``sent``, bumps the attempt counters and sets a lease
   longer than the registry's timeout; an inquiry whose lease expired (the worker died) is due again.
2. The HTTP call happens outside any transaction, so no row lock is held while we wait.
3. The outcome is recorded by ``workflow.record_registry_answer`` / ``record_registry_failure``,
   which lock the row and check the claim still holds: an answer is written once, never twice.

Request: ``POST <url>`` with ``Idempotency-Key: <inquiry id>`` and a JSON body
``{"reference", "inquiry", "agency", "question", "fields"}``. Expected answer: HTTP 2xx with a JSON
object; its ``"answer"`` string is shown to staff, the whole object is kept. Timeouts, refused
connections, 5xx, 408/429 and unreadable bodies are retried with backoff; other 4xx fail at once.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from typing import Any

import httpx
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ErrorKind, Inquiry, InquiryState, registry_host_allowed
from .workflow import record_registry_answer, record_registry_failure

logger = logging.getLogger(__name__)

LEASE_MARGIN_SECONDS = 30
# The longest timeout an inquiry type may have (InquiryType's check constraint): how long a stopping
# worker may still be waiting on a registry before it can record the answer in hand.
LONGEST_TIMEOUT_SECONDS = 120
MAX_ANSWER_CHARS = 5000
MAX_RESPONSE_BYTES = 256 * 1024


def _lease(inquiry: Inquiry, now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=inquiry.inquiry_type.timeout_seconds + LEASE_MARGIN_SECONDS)


def claim_batch(limit: int = 10) -> list[Inquiry]:
    """Take up to ``limit`` due registry inquiries for this worker, in one short transaction."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            Inquiry.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("inquiry_type", "item__agency")
            .order_by("next_attempt_at", "id")
        )
        rows = list(due[:limit])
        claimed: list[Inquiry] = []
        for row in rows:
            if row.state == InquiryState.SENT and row.attempts >= row.inquiry_type.max_attempts:
                # A worker died on this one again and again: stop and let staff see it.
                record_registry_failure(
                    inquiry_pk=row.pk, attempt=row.total_attempts, kind=ErrorKind.INTERRUPTED, status=None, retry=False
                )
                continue
            lease = _lease(row, now)
            Inquiry.objects.filter(pk=row.pk).update(
                state=InquiryState.SENT,
                attempts=F("attempts") + 1,
                total_attempts=F("total_attempts") + 1,
                lease_expires_at=lease,
                sent_at=now,
                updated_at=now,
            )
            row.state, row.attempts, row.total_attempts = InquiryState.SENT, row.attempts + 1, row.total_attempts + 1
            row.lease_expires_at = lease
            claimed.append(row)
    return claimed


def _renew_lease(inquiry: Inquiry) -> bool:
    """Restart the lease just before the call, so it covers the whole request even late in a batch."""
    now = timezone.now()
    lease = _lease(inquiry, now)
    renewed = Inquiry.objects.filter(
        pk=inquiry.pk, state=InquiryState.SENT, total_attempts=inquiry.total_attempts, lease_expires_at__gt=now
    ).update(lease_expires_at=lease)
    return bool(renewed)


def request_body(inquiry: Inquiry) -> dict[str, Any]:
    return {
        "reference": str(inquiry.public_id),
        "inquiry": inquiry.inquiry_type.registry_code,
        "agency": inquiry.item.agency.code,
        "question": inquiry.question,
        "fields": inquiry.request_payload,
    }


def _post(url: str, body: dict[str, Any], inquiry: Inquiry) -> tuple[int, bytes | None]:
    """POST the inquiry; the status and the body, or None for a body larger than we accept
    (read in chunks, so a runaway registry cannot fill the worker's memory)."""
    with httpx.stream(
        "POST",
        url,
        json=body,
        headers={"Idempotency-Key": str(inquiry.public_id), "Accept": "application/json"},
        timeout=float(inquiry.inquiry_type.timeout_seconds),
        follow_redirects=False,
    ) as response:
        received = bytearray()
        for chunk in response.iter_bytes():
            received.extend(chunk)
            if len(received) > MAX_RESPONSE_BYTES:
                return response.status_code, None
        return response.status_code, bytes(received)


def _classify(status: int) -> tuple[ErrorKind, bool] | None:
    """(error, retry?) for a response that is not an answer; None for a 2xx."""
    if 200 <= status < 300:
        return None
    if status in (408, 429):
        return ErrorKind.BUSY, True
    if status >= 500:
        return ErrorKind.SERVER_ERROR, True
    return ErrorKind.REFUSED, False


def send(inquiry: Inquiry) -> str:
    """Send one claimed inquiry and record the outcome. Returns the new state ("" if not ours)."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("send() must run outside a transaction: no lock is held while waiting on the registry")
    if not _renew_lease(inquiry):
        logger.warning("Inquiry %s: claim lapsed before sending; skipped", inquiry.public_id)
        return ""
    kind = inquiry.inquiry_type
    claim = {"inquiry_pk": inquiry.pk, "attempt": inquiry.total_attempts}
    url = kind.effective_url
    if not url:
        return record_registry_failure(**claim, kind=ErrorKind.NOT_CONFIGURED, status=None, retry=True)
    if not registry_host_allowed(url):
        return record_registry_failure(**claim, kind=ErrorKind.HOST_NOT_ALLOWED, status=None, retry=False)
    try:
        status, body = _post(url, request_body(inquiry), inquiry)
    except httpx.TimeoutException:
        return record_registry_failure(**claim, kind=ErrorKind.TIMEOUT, status=None, retry=True)
    except httpx.HTTPError as error:
        logger.info("Inquiry %s: registry unreachable: %s", inquiry.public_id, type(error).__name__)
        return record_registry_failure(**claim, kind=ErrorKind.UNREACHABLE, status=None, retry=True)
    problem = _classify(status)
    if problem is not None:
        error_kind, retry = problem
        return record_registry_failure(**claim, kind=error_kind, status=status, retry=retry)
    try:
        data = json.loads(body) if body is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        # An HTML error page from a proxy in front of the registry looks like this: worth a retry.
        return record_registry_failure(**claim, kind=ErrorKind.BAD_ANSWER, status=status, retry=True)
    answer = data.get("answer")
    text = answer[:MAX_ANSWER_CHARS] if isinstance(answer, str) else ""
    recorded = record_registry_answer(**claim, text=text, payload=data)
    return InquiryState.ANSWERED if recorded else ""


def run_once(limit: int = 10, *, stop_event: threading.Event | None = None) -> int:
    """Claim one batch and send it. Returns how many inquiries were handled."""
    inquiries = claim_batch(limit)
    for index, inquiry in enumerate(inquiries):
        if stop_event is not None and stop_event.is_set():
            # Hand the rest back at once instead of waiting for their leases to expire.
            for rest in inquiries[index:]:
                Inquiry.objects.filter(pk=rest.pk, state=InquiryState.SENT, total_attempts=rest.total_attempts).update(
                    lease_expires_at=timezone.now(), attempts=F("attempts") - 1
                )
            return index
        try:
            send(inquiry)
        except Exception:
            # A bug in one inquiry must not stop the inquiry loop; its lease lapses and it is tried again.
            logger.exception("Inquiry %s: unexpected error while sending", inquiry.public_id)
    return len(inquiries)

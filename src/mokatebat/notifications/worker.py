"""The SMS worker: claim due outbox rows, send each through the provider, record the outcome.

How a message moves (see also ``docs/sms.md``)::

    created ─claim─> sending ─gateway 2xx─> sent ─delivery report─> delivered
                        ├─ timeout/5xx/429 ─> temporary_failure ─(backoff)─> claimed again
                        ├─ other 4xx, invalid number ─> permanent_failure
                        └─ attempts or retry window used up ─> technical_failure

Three rules make every message go out once:

1. Claiming is one short transaction (``SELECT … FOR UPDATE SKIP LOCKED``): two workers never hold
   the same row. A claim bumps ``attempts`` and sets a lease; a row whose lease expires is due again.
2. The provider is called outside any transaction, just after renewing the lease, so no lock is
   held while we wait on the network and the lease always outlasts the HTTP timeout.
3. The outcome is written by a conditional UPDATE (still ``sending``, same ``attempts``), so a
   worker whose claim lapsed and was taken over cannot overwrite the newer attempt.

The one duplicate window: the gateway accepted a message but we never recorded that. The worker
died between the gateway's answer and our UPDATE (or the answer was lost on the way back and looked
like a timeout). The message is then sent again once its lease expires (or its retry is due), with
the same ``reference``; a gateway that de-duplicates on it drops the copy. Nothing is lost: an
unrecorded message stays ``sending`` until its lease expires and another claim picks it up.

``manage.py run_worker`` calls ``run_once`` in a loop of its own thread, apart from registry inquiries
and periodic jobs, so nothing else the worker does can hold up an SMS; this module knows only SMS.
"""

from __future__ import annotations

import datetime
import logging
import random
import threading
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mokatebat.core.logs import bind_request_id

from .messages import SECRET_REMOVED, is_secret
from .models import OutboxMessage, OutboxMessageQuerySet, SmsState
from .providers import PermanentSendError, Provider, TemporarySendError, get_provider

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 30 * 60.0


def check_settings() -> None:
    """A lease shorter than the HTTP timeout would let a second worker resend a message in flight."""
    if settings.SMS_LEASE_SECONDS <= settings.SMS_TIMEOUT_SECONDS:
        raise ImproperlyConfigured("SMS_LEASE_SECONDS must be longer than SMS_TIMEOUT_SECONDS.")


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed try.

    Exponential from 10 s, capped at 30 min, with full jitter (a uniform draw below the ceiling) so
    messages that failed together do not all hit a recovering gateway at the same moment. A longer
    Retry-After from the gateway wins.
    """
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 20))
    delay = random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret
    return max(delay, retry_after or 0.0)


def claim_batch(limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this worker, in one short transaction."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS)
    with transaction.atomic():
        due = OutboxMessage.objects.due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "id")
        rows = list(due[:limit])
        # Only an abandoned claim can get here with its attempts used up: a worker died on it again
        # and again. Stop resending and let staff see it.
        given_up = [row.pk for row in rows if row.attempts >= settings.SMS_MAX_ATTEMPTS]
        OutboxMessage.objects.filter(pk__in=given_up).update(
            state=SmsState.TECHNICAL_FAILURE,
            lease_expires_at=None,
            last_error=f"the worker stopped while sending, {settings.SMS_MAX_ATTEMPTS} times",
            updated_at=now,
        )
        claimed = [row for row in rows if row.pk not in given_up]
        OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
            state=SmsState.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease, updated_at=now
        )
    for message in claimed:
        message.state, message.attempts, message.lease_expires_at = SmsState.SENDING, message.attempts + 1, lease
    return claimed


def deliver(message: OutboxMessage, provider: Provider | None = None) -> SmsState | None:
    """Send one claimed message and record how it went. Returns the new state, or None when the
    claim was no longer ours (nothing sent, or the outcome belongs to a newer attempt)."""
    if transaction.get_connection().in_atomic_block:
        # A rollback after the gateway took the message would resend it: record outside any transaction.
        raise RuntimeError("deliver() must run outside a transaction")
    bind_request_id(message.request_id)  # its log lines carry the id of the request that queued it
    if not _renew_lease(message):
        logger.warning(
            "SMS %s: claim for attempt %s lapsed before sending; skipped", message.reference, message.attempts
        )
        return None
    provider = provider or get_provider()
    try:
        result = provider.send(message)
    except TemporarySendError as error:
        return _record_temporary_failure(message, error.reason, error.retry_after)
    except PermanentSendError as error:
        return _record(message, SmsState.PERMANENT_FAILURE, last_error=error.reason[:200])
    except Exception as error:
        # A provider bug must not stop the worker; it counts as a failed attempt like a timeout.
        logger.exception("SMS %s: provider %s raised", message.reference, provider.name)
        return _record_temporary_failure(message, f"unexpected error in the provider ({type(error).__name__})", None)
    return _record(
        message,
        SmsState.SENT,
        sent_at=timezone.now(),
        provider=provider.name,
        provider_message_id=result.provider_message_id,
        last_error="",
    )


def run_once(limit: int = 50, *, provider: Provider | None = None, stop_event: threading.Event | None = None) -> int:
    """Claim one batch and deliver it. Returns how many messages were handled.

    When ``stop_event`` is set mid-batch, the message in hand is finished and the rest are handed
    back at once rather than waiting for their leases to expire.
    """
    provider = provider or get_provider()
    messages = claim_batch(limit)
    for index, message in enumerate(messages):
        if stop_event is not None and stop_event.is_set():
            _release(messages[index:])
            return index
        deliver(message, provider)
    return len(messages)


def _renew_lease(message: OutboxMessage) -> bool:
    """Restart the lease just before sending, so it covers the whole HTTP call even late in a batch."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS)
    renewed = _still_ours(message).filter(lease_expires_at__gt=now).update(lease_expires_at=lease)
    if renewed:
        message.lease_expires_at = lease
    return bool(renewed)


def _record_temporary_failure(message: OutboxMessage, reason: str, retry_after: float | None) -> SmsState | None:
    now = timezone.now()
    too_old = message.created_at < now - datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS)
    if message.attempts >= settings.SMS_MAX_ATTEMPTS or too_old:
        return _record(
            message, SmsState.TECHNICAL_FAILURE, last_error=f"gave up after {message.attempts} attempts: {reason}"[:200]
        )
    next_attempt_at = now + datetime.timedelta(seconds=retry_delay(message.attempts, retry_after))
    deadline = message.created_at + datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS)
    # A gateway asking us to wait beyond the window still gets one last try at its end, not later.
    next_attempt_at = min(next_attempt_at, max(deadline, now))
    return _record(message, SmsState.TEMPORARY_FAILURE, next_attempt_at=next_attempt_at, last_error=reason[:200])


# Once here, the text is no longer needed for a retry.
FINAL_STATES = frozenset({SmsState.SENT, SmsState.PERMANENT_FAILURE, SmsState.TECHNICAL_FAILURE})


def _record(message: OutboxMessage, state: SmsState, **fields: object) -> SmsState | None:
    if state in FINAL_STATES and is_secret(message.template):
        fields["body"] = SECRET_REMOVED  # a one-time code must not outlive its delivery in the database
    updated = _still_ours(message).update(state=state, lease_expires_at=None, updated_at=timezone.now(), **fields)
    if not updated:
        logger.warning(
            "SMS %s: attempt %s ended (%s) after its claim was taken over; not recorded",
            message.reference,
            message.attempts,
            state,
        )
        return None
    logger.info("SMS %s: %s after attempt %s", message.reference, state, message.attempts)
    message.state = state
    return state


def _release(messages: Sequence[OutboxMessage]) -> None:
    """Hand back claimed messages that were never tried: due again now, the unused attempt undone."""
    now = timezone.now()
    for message in messages:
        _still_ours(message).update(lease_expires_at=now, attempts=F("attempts") - 1, updated_at=now)


def _still_ours(message: OutboxMessage) -> OutboxMessageQuerySet:
    return OutboxMessage.objects.filter(pk=message.pk, state=SmsState.SENDING, attempts=message.attempts)

"""The SMS worker: claim due outbox rows, send each through the provider, record the outcome.

How a message moves (see also ``docs/sms.md``)::

    created ─claim─> sending ─gateway took it─> sent ─delivery report/poll─> delivered
                        ├─ refused, throttled, 5xx ─> temporary_failure ─(backoff)─> claimed again
                        ├─ no answer in time ─> unknown ─(backoff)─> claimed: ask the gateway first
                        │                          ├─ it has the message ─> sent (or delivered)
                        │                          └─ it has none ─> sent now, with the same reference
                        ├─ invalid number, bad text ─> permanent_failure
                        ├─ our key/credit refused ─> handed back, sending paused (GatewayPause)
                        └─ attempts or retry window used up ─> technical_failure (never taken)
                                                             or unconfirmed (we never learnt)

Four rules make every message go out once:

1. Claiming is one short transaction (``SELECT … FOR UPDATE SKIP LOCKED``): two workers never hold
   the same row. A claim bumps ``attempts`` and sets a lease; a row whose lease expires is due again.
2. The provider is called outside any transaction, just after renewing the lease, so no lock is
   held while we wait on the network and the lease always outlasts the HTTP timeout.
3. The outcome is written by a conditional UPDATE (still ``sending``, same ``attempts``), so a
   worker whose claim lapsed and was taken over cannot overwrite the newer attempt.

4. A message whose last attempt may have reached the gateway (no answer in time, a broken
   connection, a worker that died mid-send and left its lease to expire) is never sent blindly
   again: the next claim asks the gateway about it first (``Provider.lookup``; each provider says
   how it de-duplicates) and sends only when the gateway has no record of it. Kavenegar also drops a
   second send with the same ``localid`` on its side.

When the gateway refuses our credentials or credit (401/403 or its own code), sending pauses: the
message in hand and the rest of the batch are handed back untouched, nothing is claimed while the
pause lasts, and every ``SMS_PAUSE_CHECK_SECONDS`` the worker asks the gateway about the account
and resumes once it answers. The pause lives in the database (``GatewayPause``), shows on the staff
SMS page, and ``health.sms_problems()`` reports it.

``manage.py run_worker`` calls ``run_once`` in a loop of its own thread, apart from registry inquiries
and periodic jobs, so nothing else the worker does can hold up an SMS; this module knows only SMS.
"""

from __future__ import annotations

import datetime
import enum
import logging
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mokatebat.core.logs import bind_request_id, reset_request_id

from .messages import SECRET_REMOVED, is_secret
from .models import GatewayPause, OutboxMessage, OutboxMessageQuerySet, SmsState
from .outbox import record_delivery_report
from .providers import (
    Delivery,
    GatewayAccountError,
    OutcomeUnknownError,
    PermanentSendError,
    Provider,
    SendError,
    SendResult,
    TemporarySendError,
    get_provider,
)

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 30 * 60.0
LEASE_MARGIN_SECONDS = 5.0
# Outcomes of a batch are written at least this often, so a slow gateway never holds them long.
RECORD_EVERY_SECONDS = 1.0
# A message a worker keeps dying on is given up after this many claims beyond SMS_MAX_ATTEMPTS.
EXTRA_CLAIMS_FOR_LOOKUP = 3
# Delivery status is asked from 30 s after sending, then less and less often, for two days.
REPORT_FIRST_SECONDS = 30.0
REPORT_CAP_SECONDS = 30 * 60.0
REPORT_WINDOW = datetime.timedelta(days=2)


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
    """Take up to ``limit`` due messages for this worker, in one short transaction. A message whose
    last attempt may have reached the gateway comes back with ``needs_lookup`` set."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS)
    with transaction.atomic():
        due = OutboxMessage.objects.due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "id")
        rows = list(due[:limit])
        # Only a claim a worker died on again and again gets here: stop, and let staff see it. It
        # may have reached the phone, so it is unconfirmed, not failed.
        given_up = [row.pk for row in rows if row.attempts >= settings.SMS_MAX_ATTEMPTS + EXTRA_CLAIMS_FOR_LOOKUP]
        if given_up:
            OutboxMessage.objects.filter(pk__in=given_up).update(
                state=SmsState.UNCONFIRMED,
                lease_expires_at=None,
                last_error=f"the worker stopped while sending, {settings.SMS_MAX_ATTEMPTS} times",
                updated_at=now,
            )
        claimed = [row for row in rows if row.pk not in given_up]
        OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
            state=SmsState.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease, updated_at=now
        )
    for message in claimed:
        # Abandoned mid-send, or no answer last time: the gateway may have it.
        message.needs_lookup = message.state in (SmsState.SENDING, SmsState.UNKNOWN)  # type: ignore[attr-defined]
        message.state, message.attempts, message.lease_expires_at = SmsState.SENDING, message.attempts + 1, lease
    return claimed


def deliver(message: OutboxMessage, provider: Provider | None = None) -> SmsState | None:
    """Send one claimed message and record how it went. Returns the new state, or None when the
    claim was no longer ours (nothing sent, or the outcome belongs to a newer attempt) or sending
    was paused (the message is handed back)."""
    if transaction.get_connection().in_atomic_block:
        # No row lock may be held while we wait on the network, and an outcome must not be rolled back.
        raise RuntimeError("deliver() must run outside a transaction")
    bind_request_id(message.request_id)  # its log lines carry the id of the request that queued it
    if not _renew_lease(message):
        logger.warning(
            "SMS %s: claim for attempt %s lapsed before sending; skipped", message.reference, message.attempts
        )
        return None
    provider = provider or get_provider()
    outcome = _attempt(message, provider)
    if isinstance(outcome, _Paused):
        _pause(provider, [message], outcome.reason)
        return None
    return _record(message, outcome.state, **outcome.fields)


@dataclass(frozen=True)
class _Outcome:
    """How an attempt ended, to be written by ``_record`` (at once, or with the rest of a batch)."""

    state: SmsState
    fields: dict[str, object]

    @classmethod
    def of(cls, state: SmsState, **fields: object) -> _Outcome:
        return cls(state, fields)


@dataclass(frozen=True)
class _Paused:
    """The gateway refused our account: the message goes back untouched and sending pauses."""

    reason: str


def _attempt(message: OutboxMessage, provider: Provider) -> _Outcome | _Paused:
    """Talk to the gateway about one claimed message. Network only, no database: it runs in the
    batch's sending threads, each line it logs carrying the id of the request that queued it."""
    token = bind_request_id(message.request_id)
    try:
        if getattr(message, "needs_lookup", False):
            asked = _ask_gateway_first(message, provider)
            if asked is not _Lookup.NOT_THERE:
                return asked
        return _send(message, provider)
    finally:
        reset_request_id(token)


class _Lookup(enum.Enum):
    NOT_THERE = "the gateway has no record of it: safe to send"


def _ask_gateway_first(message: OutboxMessage, provider: Provider) -> _Outcome | _Paused | Literal[_Lookup.NOT_THERE]:
    """The last attempt may have reached the gateway: ask it before sending again."""
    try:
        found = provider.lookup(message)
    except GatewayAccountError as error:
        return _Paused(error.reason)
    except Exception as error:  # the gateway cannot tell us now: still unknown, never a blind resend
        reason = error.reason if isinstance(error, SendError) else type(error).__name__
        return _record_unknown(message, f"could not ask the gateway about it: {reason}")
    if found is not None:
        logger.info("SMS %s: the gateway already had it; not sent again", message.reference)
        return _record_taken(message, provider, found)
    if message.attempts > settings.SMS_MAX_ATTEMPTS:
        return _Outcome.of(
            SmsState.TECHNICAL_FAILURE,
            last_error=f"gave up after {settings.SMS_MAX_ATTEMPTS} attempts; the gateway never took it",
        )
    return _Lookup.NOT_THERE


def _send(message: OutboxMessage, provider: Provider) -> _Outcome | _Paused:
    try:
        result = provider.send(message)
    except OutcomeUnknownError as error:
        return _record_unknown(message, error.reason)
    except GatewayAccountError as error:
        return _Paused(error.reason)
    except TemporarySendError as error:
        return _record_temporary_failure(message, error.reason, error.retry_after)
    except PermanentSendError as error:
        return _Outcome.of(SmsState.PERMANENT_FAILURE, last_error=error.reason[:200])
    except Exception as error:
        # A provider bug must not stop the worker. The request may have gone out before it broke,
        # so the outcome is unknown: the next attempt asks the gateway first.
        logger.exception("SMS %s: provider %s raised", message.reference, provider.name)
        return _record_unknown(message, f"unexpected error in the provider ({type(error).__name__})")
    return _record_taken(message, provider, result)


def run_once(limit: int = 50, *, provider: Provider | None = None, stop_event: threading.Event | None = None) -> int:
    """Claim one batch and deliver it; when there is little to send, ask the gateway about delivery.
    Returns how many messages were handled.

    When ``stop_event`` is set mid-batch, the message in hand is finished and the rest are handed
    back at once rather than waiting for their leases to expire. Nothing is claimed while sending
    is paused; the account is checked instead.
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("run_once() must run outside a transaction")  # see deliver()
    provider = provider or get_provider()
    if not _sending_allowed(provider):
        return 0
    messages = claim_batch(limit)
    batch = _send_all(messages, provider, stop_event)
    untried = list(messages[batch.next_index :])
    if batch.paused_for:
        _pause(provider, batch.refused + untried, batch.paused_for)
    elif untried:  # asked to stop: hand the rest back at once
        _release(untried)
    elif len(messages) < limit:
        poll_delivery(provider)
    return batch.handled


@dataclass
class _Batch:
    handled: int = 0
    next_index: int = 0  # messages from here on were never tried
    paused_for: str = ""
    refused: list[OutboxMessage] = field(default_factory=list)


def _send_all(messages: Sequence[OutboxMessage], provider: Provider, stop_event: threading.Event | None) -> _Batch:
    """Send a claimed batch, several messages in flight at once (a gateway's round trip, not our
    CPU, bounds a worker), and write the outcomes together, one commit for many messages. Safe: a
    batch lost before its commit leaves its messages `sending`, and their next claim asks the
    gateway before sending anything again. Stops taking new messages when asked to stop or when
    the gateway refuses our account."""
    concurrency = max(1, settings.SMS_SEND_CONCURRENCY)
    batch, pending = _Batch(), []
    in_flight: dict[Future[_Outcome | _Paused], OutboxMessage] = {}
    flushed_at = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sms-send") as pool:
        while True:
            stopping = batch.paused_for or (stop_event is not None and stop_event.is_set())
            while not stopping and batch.next_index < len(messages) and len(in_flight) < concurrency:
                message = messages[batch.next_index]
                batch.next_index += 1
                if _renew_lease(message):
                    in_flight[pool.submit(_attempt, message, provider)] = message
                else:
                    logger.warning("SMS %s: claim lapsed before sending; skipped", message.reference)
            if not in_flight:
                break
            done, _running = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                message, outcome = in_flight.pop(future), future.result()
                batch.handled += 1
                if isinstance(outcome, _Paused):
                    batch.paused_for = batch.paused_for or outcome.reason
                    batch.refused.append(message)
                else:
                    pending.append((message, outcome))
            if time.monotonic() - flushed_at > RECORD_EVERY_SECONDS:
                _record_all(pending)
                pending, flushed_at = [], time.monotonic()
    _record_all(pending)
    return batch


def _record_all(pending: Sequence[tuple[OutboxMessage, _Outcome]]) -> None:
    with transaction.atomic():
        for message, outcome in pending:
            token = bind_request_id(message.request_id)  # the outcome's log line keeps the request's id
            try:
                _record(message, outcome.state, **outcome.fields)
            finally:
                reset_request_id(token)


def poll_delivery(provider: Provider, limit: int = 100) -> int:
    """Ask the gateway what became of recently sent messages (Kavenegar ``sms/status.json``, SMS.ir
    ``/v1/send/{id}``) and apply the answers like delivery reports. Returns how many were asked about."""
    if not getattr(provider, "reports_delivery", False):
        return 0
    now = timezone.now()
    batch = list(
        OutboxMessage.objects.awaiting_report(provider.name, now).filter(sent_at__gte=now - REPORT_WINDOW)[:limit]
    )
    if not batch:
        return 0
    try:
        answers = provider.delivery(batch)
    except SendError as error:
        logger.warning("SMS delivery status: the gateway did not answer (%s)", error.reason)
        answers = {}
    for message in batch:
        delivery = answers.get(message.pk, Delivery.PENDING)
        if delivery is Delivery.PENDING:
            age = (now - (message.sent_at or now)).total_seconds()
            wait = min(REPORT_CAP_SECONDS, max(REPORT_FIRST_SECONDS, age / 2))
            OutboxMessage.objects.filter(pk=message.pk, state=SmsState.SENT).update(
                next_attempt_at=now + datetime.timedelta(seconds=wait), updated_at=now
            )
        else:
            record_delivery_report(reference=message.reference, delivered=delivery is Delivery.DELIVERED)
    return len(batch)


def paused(provider_name: str) -> GatewayPause | None:
    return GatewayPause.objects.filter(provider=provider_name, paused_at__isnull=False).first()


def pause_sending(provider_name: str, reason: str) -> None:
    """Stop claiming messages until the gateway accepts our account again (kept in the database, so
    every worker process stops, and staff see it)."""
    now = timezone.now()
    with transaction.atomic():
        pause, _created = GatewayPause.objects.select_for_update().get_or_create(provider=provider_name)
        if pause.paused_at is None:
            logger.error("SMS sending paused: %s", reason)
            pause.paused_at = now
        pause.reason, pause.checked_at = reason[:200], now
        pause.save()


def _sending_allowed(provider: Provider) -> bool:
    """False while paused; every SMS_PAUSE_CHECK_SECONDS one worker asks the gateway about the account."""
    pause = paused(provider.name)
    if pause is None:
        return True
    now = timezone.now()
    due = now - datetime.timedelta(seconds=settings.SMS_PAUSE_CHECK_SECONDS)
    # Claim the check so that of many workers only one asks.
    if not GatewayPause.objects.filter(pk=pause.pk, checked_at__lte=due).update(checked_at=now):
        return False
    try:
        provider.check_account()
    except GatewayAccountError as error:
        GatewayPause.objects.filter(pk=pause.pk).update(reason=error.reason[:200])
        return False
    except SendError as error:
        logger.warning("SMS sending still paused: the account check failed (%s)", error.reason)
        return False
    GatewayPause.objects.filter(pk=pause.pk).update(paused_at=None, reason="")
    logger.warning("SMS sending resumed: the gateway accepts our account again")
    return True


def _pause(provider: Provider, messages: Sequence[OutboxMessage], reason: str) -> None:
    pause_sending(provider.name, reason)
    _release(messages)


def _renew_lease(message: OutboxMessage) -> bool:
    """Restart the lease just before sending, so it covers the whole HTTP call even late in a batch."""
    now = timezone.now()
    # A lease that still covers a lookup and a send is still ours (a claim only takes expired
    # leases): no need to ask the database, which keeps a batch at one UPDATE per message.
    still_covered = datetime.timedelta(seconds=2 * settings.SMS_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS)
    if message.lease_expires_at is not None and message.lease_expires_at - now > still_covered:
        return True
    lease = now + datetime.timedelta(seconds=settings.SMS_LEASE_SECONDS)
    renewed = _still_ours(message).filter(lease_expires_at__gt=now).update(lease_expires_at=lease)
    if renewed:
        message.lease_expires_at = lease
    return bool(renewed)


def _record_temporary_failure(message: OutboxMessage, reason: str, retry_after: float | None) -> _Outcome:
    now = timezone.now()
    too_old = message.created_at < now - datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS)
    if message.attempts >= settings.SMS_MAX_ATTEMPTS or too_old:
        return _Outcome.of(
            SmsState.TECHNICAL_FAILURE, last_error=f"gave up after {message.attempts} attempts: {reason}"[:200]
        )
    next_attempt_at = now + datetime.timedelta(seconds=retry_delay(message.attempts, retry_after))
    deadline = message.created_at + datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS)
    # A gateway asking us to wait beyond the window still gets one last try at its end, not later.
    next_attempt_at = min(next_attempt_at, max(deadline, now))
    return _Outcome.of(SmsState.TEMPORARY_FAILURE, next_attempt_at=next_attempt_at, last_error=reason[:200])


def _record_unknown(message: OutboxMessage, reason: str) -> _Outcome:
    """The gateway may have the message. Ask it before anything else, after giving it time to file it."""
    now = timezone.now()
    too_old = message.created_at < now - datetime.timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS)
    if message.attempts >= settings.SMS_MAX_ATTEMPTS or too_old:
        return _Outcome.of(
            SmsState.UNCONFIRMED, last_error=f"no answer after {message.attempts} attempts: {reason}"[:200]
        )
    wait = max(retry_delay(message.attempts), settings.SMS_TIMEOUT_SECONDS)
    next_attempt_at = now + datetime.timedelta(seconds=wait)
    return _Outcome.of(SmsState.UNKNOWN, next_attempt_at=next_attempt_at, last_error=reason[:200])


def _record_taken(message: OutboxMessage, provider: Provider, result: SendResult) -> _Outcome:
    """The gateway has the message (it said so now, or a lookup found it)."""
    now = timezone.now()
    fields: dict[str, object] = {
        "sent_at": now,
        "provider": provider.name,
        "provider_message_id": result.provider_message_id,
        "last_error": "",
        "next_attempt_at": now + datetime.timedelta(seconds=REPORT_FIRST_SECONDS),  # first delivery question
    }
    if result.cost is not None:
        fields["cost"] = result.cost
    if result.delivery is Delivery.DELIVERED:
        return _Outcome.of(SmsState.DELIVERED, delivered_at=now, **fields)
    if result.delivery is Delivery.FAILED:
        return _Outcome.of(
            SmsState.PERMANENT_FAILURE, **{**fields, "last_error": "the gateway reported it undelivered"}
        )
    return _Outcome.of(SmsState.SENT, **fields)


# Once here, the text is no longer needed for a retry.
FINAL_STATES = frozenset(
    {
        SmsState.SENT,
        SmsState.DELIVERED,
        SmsState.PERMANENT_FAILURE,
        SmsState.TECHNICAL_FAILURE,
        SmsState.UNCONFIRMED,
    }
)


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
    """Hand back claimed messages that were never tried: due again now, in the state they were
    claimed in, the unused attempt undone."""
    now = timezone.now()
    for message in messages:
        if getattr(message, "needs_lookup", False):
            state = SmsState.UNKNOWN
        else:
            state = SmsState.CREATED if message.attempts <= 1 else SmsState.TEMPORARY_FAILURE
        _still_ours(message).update(
            state=state, lease_expires_at=None, next_attempt_at=now, attempts=F("attempts") - 1, updated_at=now
        )


def _still_ours(message: OutboxMessage) -> OutboxMessageQuerySet:
    return OutboxMessage.objects.filter(pk=message.pk, state=SmsState.SENDING, attempts=message.attempts)

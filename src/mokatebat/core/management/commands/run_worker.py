"""Run the task worker: `manage.py run_worker [--once] [--poll SECONDS]`. `manage.py serve` starts it.

One worker process runs three independent loops, each in its own thread:

- ``sms``: the SMS outbox (``notifications.worker.run_once``);
- ``inquiries``: calls to external registries (``inquiries.worker.run_once``), each of which may
  wait up to its inquiry type's timeout;
- ``periodic``: jobs that queue work on a timer: the day-before appointment reminders (R13) and the
  deadline notices and daily digest (``correspondence.escalation``), and the daily roll-ups of the
  reports (``reports.rollup``).

Why threads in one process: a registry that is slow or hangs then holds up only the inquiries
thread, so an SMS never waits behind a registry call; `manage.py run_worker` with no options still
does everything (deploys rely on it), so nobody has to remember to start a second kind of worker.
Separate processes per queue would buy nothing here: every loop spends its time waiting on the
network or the database (the GIL is released meanwhile), Django gives each thread its own database
connection, and the loops share no state. Any number of workers can still run side by side: every
queue claims its rows with ``SELECT … FOR UPDATE SKIP LOCKED``.

Stopping: SIGTERM/SIGINT set one event that every loop checks between items. Each loop finishes
the item in hand (an SMS or a registry call, up to its timeout), hands the rest of its batch back
at once (due again, the unused attempt undone) and closes its connection; the process exits when
the last loop has. A loop that dies of an unexpected error stops the others and the process exits
non-zero, so its supervisor restarts the worker instead of it running on without, say, SMS.

``--once`` runs one batch of every queue in turn and exits: the periodic jobs first (the reminders
they queue go out in the same run), then SMS, then registry inquiries, so SMS never wait behind a
registry there either.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connections

from mokatebat.bookings.workflow import reminders_tick
from mokatebat.core import ratelimit
from mokatebat.core.heartbeat import Heartbeat, forget_old_heartbeats
from mokatebat.core.logs import bind_request_id
from mokatebat.correspondence.escalation import deadlines_tick
from mokatebat.inquiries import worker as inquiry_worker
from mokatebat.notifications import worker as sms_worker
from mokatebat.notifications.providers import get_provider
from mokatebat.reports.rollup import rollup_tick

logger = logging.getLogger("mokatebat.worker")


@dataclass(frozen=True)
class Loop:
    """One queue of the worker. ``tick`` handles one batch and returns how many items it handled;
    it must return promptly once the stop event is set (finishing only the item in hand)."""

    name: str
    tick: Callable[[threading.Event], int]


def worker_loops() -> list[Loop]:
    """The worker's queues, in the order ``--once`` runs them."""
    sms_provider = get_provider()
    return [
        # The periodic ticks (reminders, deadlines, roll-ups, the rate-limit sweep) throttle themselves
        # and never raise.
        Loop(
            "periodic",
            lambda _stop: reminders_tick() + deadlines_tick() + rollup_tick() + ratelimit.sweep_tick(),
        ),
        Loop("sms", lambda stop: sms_worker.run_once(provider=sms_provider, stop_event=stop)),
        Loop("inquiries", lambda stop: inquiry_worker.run_once(stop_event=stop)),
    ]


def run_loop(loop: Loop, *, poll_seconds: float, stop: threading.Event) -> None:
    """Run one queue until ``stop`` is set, sleeping ``poll_seconds`` whenever nothing was due.
    Each time round it beats its heartbeat (``/readyz`` sees a hung or dead loop by its silence)."""
    heartbeat = Heartbeat(loop.name)
    try:
        while not stop.is_set():
            # As Django does per request: drop this thread's connection if it is too old or broken.
            close_old_connections()
            bind_request_id("")  # a job's request id (set while sending its SMS) ends with the job
            try:
                heartbeat.beat()
                handled = loop.tick(stop)
            except DatabaseError:
                logger.exception("worker loop %s: database error; trying again in %ss", loop.name, poll_seconds)
                handled = 0
            if not handled:
                stop.wait(poll_seconds)
    finally:
        connections.close_all()  # this thread's connections only


def run_loops(loops: Sequence[Loop], *, poll_seconds: float, stop: threading.Event) -> list[str]:
    """Run every loop in its own thread until ``stop`` is set or one of them dies; wait for all of
    them to finish the item in hand. Returns the names of the loops that died of an error."""
    crashed: list[str] = []

    def run(loop: Loop) -> None:
        logger.info("worker loop %s started", loop.name)
        try:
            run_loop(loop, poll_seconds=poll_seconds, stop=stop)
        except BaseException:
            logger.exception("worker loop %s died; stopping the worker", loop.name)
            crashed.append(loop.name)
            stop.set()
        else:
            logger.info("worker loop %s stopped", loop.name)

    threads = [threading.Thread(target=run, args=(loop,), name=f"worker-{loop.name}") for loop in loops]
    for thread in threads:
        thread.start()
    # The main thread only watches: signal handlers run here, and it never holds the event's lock
    # (time.sleep, not stop.wait), so a handler's stop.set() cannot deadlock against it.
    while not stop.is_set():
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    return crashed


class Command(BaseCommand):
    help = (
        "Send the SMS outbox, call registries for inquiries and queue appointment reminders, each in its "
        "own loop, until SIGTERM/SIGINT; the item in hand is finished first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Handle one batch of each queue (reminders, SMS, inquiries), then exit."
        )
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds a loop waits when nothing is due.")

    def handle(self, *args: Any, **options: Any) -> None:
        sms_worker.check_settings()
        stop = threading.Event()

        def request_stop(signum: int, _frame: object) -> None:
            # Only set a flag: the item in hand in every loop completes and is recorded before it ends.
            logger.info("worker: %s received, stopping after the items in hand", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        logger.info(
            "SMS worker started: provider=%s, poll=%ss, lease=%ss, timeout=%ss",
            settings.SMS_PROVIDER,
            options["poll"],
            settings.SMS_LEASE_SECONDS,
            settings.SMS_TIMEOUT_SECONDS,
        )
        loops = worker_loops()
        try:
            forget_old_heartbeats()
        except DatabaseError:
            logger.warning("worker: could not tidy old heartbeats (database unavailable)")
        finally:
            connections.close_all()  # the main thread only watches: it keeps no connection open
        if options["once"]:
            for loop in loops:
                if not stop.is_set():
                    loop.tick(stop)
            logger.info("worker stopped after one batch of each queue")
            return
        crashed = run_loops(loops, poll_seconds=options["poll"], stop=stop)
        if crashed:
            raise CommandError(f"worker loop(s) {', '.join(crashed)} died; see the log above")
        logger.info("worker stopped")

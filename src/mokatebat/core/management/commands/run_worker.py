"""Run the SMS worker: `manage.py run_worker [--once] [--poll SECONDS]`. `manage.py serve` starts it."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mokatebat.notifications import worker

logger = logging.getLogger("mokatebat.notifications.worker")


class Command(BaseCommand):
    help = "Send the SMS outbox until SIGTERM/SIGINT, finishing the message in hand first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Deliver one batch of due messages, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds to wait when nothing is due.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker.check_settings()
        stop = threading.Event()

        def request_stop(signum: int, _frame: object) -> None:
            # Only set a flag: the send in progress completes and is recorded before the loop ends.
            logger.info("SMS worker: %s received, stopping after the message in hand", signal.Signals(signum).name)
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
        if options["once"]:
            worker.run_once(stop_event=stop)
        else:
            worker.run_forever(poll_seconds=options["poll"], stop_event=stop)
        logger.info("SMS worker stopped")

"""Serve the web app and the task worker together; Ctrl-C stops both and the embedded database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mokatebat import embedded_db
from mokatebat.inquiries import worker as inquiry_worker


class Command(BaseCommand):
    help = "Run the web server and the SMS/task worker until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        address = f"{options['host']}:{options['port']}"
        children = [
            subprocess.Popen([*manage, "runserver", address, "--noreload"]),  # noqa: S603
            subprocess.Popen([*manage, "run_worker"]),  # noqa: S603
        ]
        self.stdout.write(self.style.SUCCESS(f"Mokatebat is on http://{address}/ — Ctrl-C stops it."))
        stopping = False

        def stop(_signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            # Long enough for the worker to finish and record what it has in hand: an SMS, and a
            # registry call in its own loop (up to its timeout). Killed sooner, a claim only waits
            # out its lease and is sent again with the same reference / Idempotency-Key.
            grace = max(settings.SMS_TIMEOUT_SECONDS, inquiry_worker.LONGEST_TIMEOUT_SECONDS) + 10
            for child in children:
                try:
                    child.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    child.kill()
            if not os.environ.get("DATABASE_URL"):
                embedded_db.stop()
                self.stdout.write("Stopped. The data stays in var/; the next `make run` continues with it.")

"""Serve the web app and the task worker together, as `make run` (gunicorn) and `make dev`
(runserver with autoreload) do; Ctrl-C stops both and the embedded database.

The worker is supervised: when it dies it is started again (with a log line, backing off if it
keeps dying) while the web server keeps serving. If the web server itself stops, everything stops
and the command exits non-zero: there is nothing left to serve. Both processes' output goes to
this terminal and to ``var/log/mokatebat.log`` (JSON lines).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokatebat import embedded_db
from mokatebat.core.serving import refuse_debug_off_loopback
from mokatebat.inquiries import worker as inquiry_worker
from mokatebat.settings.base import served_url

# A worker that dies again sooner than this after its start waits longer before the next try.
STABLE_AFTER_SECONDS = 30.0
MAX_RESTART_DELAY_SECONDS = 30.0


class Output:
    """Copies children's output lines to our stdout and the log file, whole lines at a time."""

    def __init__(self, log_path: Path) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.file = log_path.open("a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()

    def write(self, line: str) -> None:
        with self.lock:
            sys.stdout.write(line)
            sys.stdout.flush()
            self.file.write(line)

    def note(self, message: str, level: str = "INFO") -> None:
        """A line of the supervisor itself, in the same JSON shape as the app's."""
        time_ = datetime.now(UTC).isoformat(timespec="milliseconds")
        text = message.replace("\\", "\\\\").replace('"', '\\"')
        self.write(f'{{"time": "{time_}", "level": "{level}", "logger": "mokatebat.serve", "message": "{text}"}}\n')

    def pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.write(line)


class Supervised:
    """The worker process: started again when it dies, sooner if it had been running a while."""

    def __init__(self, start: Callable[[], subprocess.Popen[str]], output: Output) -> None:
        self.start, self.output = start, output
        self.delay = 1.0
        self._launch("started")

    def _launch(self, verb: str) -> None:
        self.process, self.started = self.start(), time.monotonic()
        self.output.note(f"worker {verb} (pid {self.process.pid})", "INFO" if verb == "started" else "WARNING")

    def keep_alive(self, stopping: threading.Event) -> None:
        if self.process.poll() is None:
            return
        lived = time.monotonic() - self.started
        self.delay = 1.0 if lived >= STABLE_AFTER_SECONDS else min(self.delay * 2, MAX_RESTART_DELAY_SECONDS)
        self.output.note(
            f"worker exited with status {self.process.returncode} after {lived:.0f}s; "
            f"restarting in {self.delay:.0f}s (the web server keeps serving)",
            "ERROR",
        )
        if not stopping.wait(self.delay):
            self._launch("restarted")


class Command(BaseCommand):
    help = "Run the web server (gunicorn; runserver with --dev) and the supervised task worker until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--dev", action="store_true", help="runserver with autoreload and DEBUG (loopback only)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], str(options["port"])
        refuse_debug_off_loopback(host)
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        # The children's settings see the address they serve: PUBLIC_SITE_URL follows it unless set.
        os.environ["HOST"], os.environ["PORT"] = host, port
        public_url = os.environ.get("PUBLIC_SITE_URL") or served_url()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log_path = settings.VAR_DIR / "log" / "mokatebat.log"
        output = Output(log_path)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if options["dev"]:
            web_command = [*manage, "runserver", address]
        else:
            config = str(settings.BASE_DIR / "gunicorn.conf.py")
            web_command = [sys.executable, "-m", "gunicorn", "-c", config, "--bind", address]

        def start(command: list[str]) -> subprocess.Popen[str]:
            # A session of its own: Ctrl-C reaches only this supervisor, which stops the children in order.
            child = subprocess.Popen(  # noqa: S603
                command,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                start_new_session=True,
            )
            assert child.stdout is not None
            threading.Thread(target=output.pump, args=(child.stdout,), daemon=True).start()
            return child

        web = start(web_command)
        self._banner(address, public_url, log_path, dev=options["dev"], host=host)
        worker = Supervised(lambda: start([*manage, "run_worker"]), output)
        stopping = threading.Event()

        def stop(_signum: int, _frame: object) -> None:
            stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping.is_set() and web.poll() is None:
                worker.keep_alive(stopping)
                time.sleep(0.2)
        finally:
            if web.returncode is not None:
                output.note(f"web server exited with status {web.returncode}; stopping", "ERROR")
            self._stop_all([web, worker.process])
            if not os.environ.get("DATABASE_URL"):
                embedded_db.stop()
                self.stdout.write("Stopped. The data stays in var/; the next `make run` continues with it.")
            output.file.close()
        if web.returncode is not None and not stopping.is_set():
            raise CommandError("the web server stopped; see the log above")

    def _banner(self, address: str, public_url: str, log_path: Path, *, dev: bool, host: str) -> None:
        base = f"http://{address}"
        kind = "runserver (development, DEBUG on, autoreload)" if dev else "gunicorn (production settings, DEBUG off)"
        lines = [
            f"Mokatebat is on {base}/ — {kind}. Ctrl-C stops it.",
            f"  Links in SMS, PDFs and QR codes: {public_url}",
            f"  Health: {base}/healthz   Ready: {base}/readyz   Metrics: {base}/metrics (from this machine)",
            f"  Logs: this terminal and {log_path} ({'plain text' if dev else 'JSON lines'})",
        ]
        if not dev and host not in {"127.0.0.1", "localhost", "::1"}:
            lines.append("  Note: the demo accounts and their published password are reachable from the network.")
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)

    def _stop_all(self, children: list[subprocess.Popen[str]]) -> None:
        for child in children:
            if child.poll() is None:
                # The whole process group: runserver's autoreloader and gunicorn's workers too.
                os.killpg(child.pid, signal.SIGTERM)
        # Long enough for the worker to finish and record what it has in hand: an SMS, and a
        # registry call in its own loop (up to its timeout). Killed sooner, a claim only waits
        # out its lease and is sent again with the same reference / Idempotency-Key.
        grace = max(settings.SMS_TIMEOUT_SECONDS, inquiry_worker.LONGEST_TIMEOUT_SECONDS) + 10
        for child in children:
            try:
                child.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)

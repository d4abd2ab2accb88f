"""The server `make run` starts, started the same way (`collectstatic`, then `manage.py serve` with
the local settings) on a free port, checked from outside as an operator would: a production
server, DEBUG off, compressed long-lived static files, the Persian 404, health, readiness and
metrics; a hung or killed worker turns /readyz red and comes back by itself; 50,000 requests leave
PostgreSQL with no more connections than the web threads and the worker's loops hold."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psutil
import pytest
from django.conf import settings
from django.db import connection

from mokatebat.core.models import WorkerHeartbeat
from mokatebat.organization.models import Organization

WEB_PROCESSES, WEB_THREADS, WORKER_LOOPS = 2, 2, 3
REQUESTS = int(os.environ.get("MAKE_RUN_TEST_REQUESTS", "50000"))
HEARTBEAT_MAX_AGE = 8  # seconds; loops then beat every 2 s


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
    host, port = db["HOST"] or db["OPTIONS"].get("host", ""), db["PORT"] or ""
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{quote(db['NAME'])}?host={quote(host)}"
    return f"postgresql://{credentials}@{host}{':' + str(port) if port else ''}/{quote(db['NAME'])}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(condition: Callable[[], Any], what: str, log: Path, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except httpx.TransportError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f}s waiting for {what}; server log:\n{log.read_text()[-6000:]}")
        time.sleep(0.25)


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log
        self.http = httpx.Client(base_url=base, timeout=10)

    def worker(self) -> psutil.Process | None:
        """The live worker process, if there is exactly one."""
        workers = []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "run_worker" in " ".join(child.cmdline()):
                    workers.append(child)
            except psutil.Error:
                continue  # gone meanwhile
        return workers[0] if len(workers) == 1 else None

    def readyz(self) -> httpx.Response:
        return self.http.get("/readyz")


@pytest.fixture
def server(transactional_db: Any, tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = {
        **os.environ,
        "MOKATEBAT_ENV": "local",
        "DJANGO_SETTINGS_MODULE": "mokatebat.settings",
        "MOKATEBAT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": _test_database_url(),
        "WEB_CONCURRENCY": str(WEB_PROCESSES),
        "GUNICORN_THREADS": str(WEB_THREADS),
        "WORKER_HEARTBEAT_MAX_AGE_SECONDS": str(HEARTBEAT_MAX_AGE),
        "API_PUBLIC_SUBMIT_RATE": "1000/h",
    }
    for name in ("PUBLIC_SITE_URL", "HOST", "PORT", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    log = tmp_path / "serve.log"
    # As `make run`: the database is migrated (by pytest-django here), then `createcachetable`, the
    # `static` step and `manage.py serve`.
    subprocess.run([*manage, "createcachetable"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*manage, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_for(lambda: server.http.get("/healthz").status_code == 200, "the server to answer", log, 60)
        yield server
    finally:
        server.http.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                for child in psutil.Process(process.pid).children(recursive=True):
                    child.kill()
                process.kill()
        WorkerHeartbeat.objects.all().delete()


def _client_connections() -> list[tuple[Any, ...]]:
    """Connections of the server's processes to the test database (not this test's own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, left(query, 60) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return list(cursor.fetchall())


async def _hammer(base: str, paths: list[str], total: int, concurrency: int = 32) -> dict[int, int]:
    """``total`` GET requests over ``concurrency`` keep-alive connections; returns counts by status.

    A few lines of HTTP/1.1 on asyncio streams rather than an HTTP client library: the client then
    costs far less CPU than the server it measures, on a machine where they share two cores."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    statuses: dict[int, int] = {}
    remaining = iter(range(total))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for n in remaining:
            request = f"GET {paths[n % len(paths)]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            while True:
                try:
                    writer.write(request)
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                    break
                except (asyncio.IncompleteReadError, ConnectionError):
                    # gunicorn recycled the process behind this connection (max_requests): reconnect.
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
            status = int(head.split(" ", 2)[1])
            length = re.search(r"(?im)^content-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            statuses[status] = statuses.get(status, 0) + 1
            if re.search(r"(?im)^connection:\s*close", head):
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
        writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return statuses


def test_make_run_serves_like_production_and_stays_up(server: Server) -> None:
    http = server.http
    home = http.get("/")
    assert home.status_code == 200
    # Not a development server, and not in DEBUG.
    assert home.headers["server"] == "gunicorn"
    assert "WSGIServer" not in home.headers["server"]

    missing = http.get("/no-such-page/")
    assert missing.status_code == 404
    assert "صفحه پیدا نشد" in missing.text
    assert "Using the URLconf" not in missing.text  # Django's technical 404, shown only with DEBUG on
    reference = missing.headers["x-request-id"]
    assert reference in missing.text  # the reference id on the page…
    # …is in the log line of that request.
    _wait_for(lambda: reference in server.log.read_text(), "the 404's log line", server.log, 10)

    # A static file: hashed name, compressed, cached for a year or more.
    stylesheet = re.search(r'href="(/static/vendor/bootstrap\.rtl\.min\.[0-9a-f]{12}\.css)"', home.text)
    assert stylesheet, home.text[:2000]
    static = http.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert static.headers["content-encoding"] == "gzip"
    max_age = int(re.search(r"max-age=(\d+)", static.headers["cache-control"]).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in static.headers["cache-control"]

    assert http.get("/healthz").json() == {"status": "ok"}
    ready = _wait_for(lambda: (r := server.readyz()).status_code == 200 and r, "/readyz to pass", server.log, 30)
    assert ready.json()["status"] == "ok"
    assert set(ready.json()["checks"]) >= {"database", "migrations", "worker_heartbeats", "sms_backlog"}

    metrics = http.get("/metrics")
    assert metrics.status_code == 200
    assert 'mokatebat_sms_outbox_messages{state="created"}' in metrics.text
    assert "mokatebat_sms_outbox_oldest_pending_age_seconds" in metrics.text
    assert 'mokatebat_http_request_duration_seconds_count{method="GET",status="404",view="<unresolved>"}' in (
        metrics.text
    )

    # A submission: its SMS links to the address actually served, and the worker sends it under the
    # request id of the submission; the mobile and national ID appear nowhere in the logs.
    agency = Organization.objects.create(name="وزارت آزمون", short_name="وزارت آزمون", code="testmin")
    national_id, mobile = "0013542419", "09123456789"
    submitted = http.post(
        "/api/v1/items/",
        json={
            "agency": agency.code,
            "kind": "letter",
            "subject": "درخواست آزمایشی",
            "body": "با سلام، این یک نامه آزمایشی است.",
            "full_name": "زهرا کریمی",
            "national_id": national_id,
            "mobile": mobile,
        },
    )
    assert submitted.status_code == 201, submitted.text
    request_id = submitted.headers["x-request-id"]

    def sent_line() -> dict[str, Any] | None:
        for line in server.log.read_text().splitlines():
            if line.startswith("{") and '"mokatebat.notifications.worker"' in line:
                record = json.loads(line)
                if record.get("request_id") == request_id and "sent" in record["message"]:
                    return record
        return None

    _wait_for(sent_line, "the worker to send the submission's SMS", server.log, 30)
    log_text = server.log.read_text()
    assert f"http://127.0.0.1:{server.base.rsplit(':', 1)[1]}" in log_text  # the link in the SMS text
    assert mobile not in log_text
    assert national_id not in log_text

    # A hung worker (stopped, not dead) stops beating: /readyz fails within its threshold…
    hung = server.worker()
    assert hung is not None
    hung.send_signal(signal.SIGSTOP)
    stopped_at = time.monotonic()
    failing = _wait_for(
        lambda: (r := server.readyz()).status_code == 503 and r, "/readyz to fail", server.log, HEARTBEAT_MAX_AGE + 10
    )
    assert time.monotonic() - stopped_at <= HEARTBEAT_MAX_AGE + 5  # threshold + slack
    assert failing.json()["checks"]["worker_heartbeats"]["ok"] is False
    assert http.get("/").status_code == 200  # the web keeps serving meanwhile
    # …and a killed worker is started again by itself, with a log line, and /readyz recovers.
    hung.kill()
    _wait_for(lambda: (new := server.worker()) and new.pid != hung.pid, "a new worker", server.log, 30)
    assert "worker exited" in server.log.read_text()
    _wait_for(lambda: server.readyz().status_code == 200, "/readyz to pass again", server.log, 40)

    # 50,000 requests; the database connections stay bounded by what the processes can hold.
    started = time.monotonic()
    # In its own thread: a browser test earlier in the run may have left an event loop on this one.
    paths = ["/api/v1/agencies/", "/healthz", "/api/v1/agencies/", "/"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        statuses = pool.submit(asyncio.run, _hammer(server.base, paths, REQUESTS)).result()
    print(f"{REQUESTS} requests in {time.monotonic() - started:.0f}s")
    assert sum(statuses.values()) == REQUESTS
    assert set(statuses) == {200}, statuses
    connected = _client_connections()
    assert len(connected) <= WEB_PROCESSES * WEB_THREADS + WORKER_LOOPS, connected
    assert server.process.poll() is None

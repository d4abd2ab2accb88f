"""`make bench`, SMS dispatch: how many messages per second worker processes move from the outbox to
a local fake Kavenegar gateway, and a check that each message reached the "phone" exactly once.

1. creates a database `mokatebat_bench_sms` on the same PostgreSQL server and migrates it;
2. starts the fake Kavenegar gateway (the tests' own, `notifications/tests/fake_gateway.py`, speaking
   Kavenegar's protocol over keep-alive HTTP/1.1 on 127.0.0.1) and two `manage.py run_worker`
   processes with production settings (batch claims with SKIP LOCKED, one pooled keep-alive HTTP
   client per process);
3. once both are idle, commits N messages at once (a burst), and times from that commit until the
   last one is `sent`;
4. prints messages/s against the goal (500/s) and whether every message went out exactly once, and
   adds the figure under `sms_dispatch` to var/bench/results.json, keeping every other key.

Run alone: `.venv/bin/python bench/sms_dispatch.py [--messages 20000] [--workers 2] [--keep-db]`.
The figure is for comparing runs on one machine; nothing asserts on it.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from run import base_database_url, with_database  # noqa: E402 - bench/ is on the path when run as a script

from mokatebat.notifications.tests.fake_gateway import FakeGateway  # noqa: E402 - after the path

OUT_DIR = ROOT / "var" / "bench"
DATABASE = "mokatebat_bench_sms"
GOAL_PER_SECOND = 500


def environment(database_url: str, gateway: FakeGateway) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MOKATEBAT_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "mokatebat.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "MOKATEBAT_VAR_DIR": str(OUT_DIR / "var"),
            "SMS_PROVIDER": "kavenegar",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_API_KEY": gateway.api_key,
            "SMS_SENDER": "40401234",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def queue_burst(database_url: str, count: int) -> None:
    """N messages committed in one transaction, as the outbox rows of N steps would be."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            """
            INSERT INTO notifications_outboxmessage
                (reference, dedup_key, template, mobile, body, state, attempts, next_attempt_at,
                 last_error, provider, provider_message_id, segments, request_id, created_at, updated_at)
            SELECT gen_random_uuid(), 'bench:' || g, 'item_registered', '0912' || lpad(g::text, 7, '0'),
                   'وزارت بهداشت: نامه شما با شماره ' || g || ' ثبت شد. کد رهگیری: ' || (1000000000000 + g),
                   'created', 0, now(), '', '', '', 1, 'bench-' || g, now(), now()
            FROM generate_series(1, %s) AS g
            """,
            (count,),
        )


def sent_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM notifications_outboxmessage WHERE state = 'sent'").fetchone()
    return int(row[0]) if row else 0


def wait_for_start(logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(log.exists() and "worker loop sms started" in log.read_text() for log in logs):
        if time.monotonic() > deadline:
            sys.exit("The SMS workers did not start; see " + ", ".join(str(log) for log in logs))
        time.sleep(0.1)


def run(messages: int, workers: int, keep_db: bool) -> dict[str, object]:
    base_url = base_database_url()
    database_url = with_database(base_url, DATABASE)
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    gateway = FakeGateway(protocol="kavenegar", honour_localid=False)  # a duplicate would show on the phone
    gateway.start()
    env = environment(database_url, gateway)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        print(f"SMS dispatch: migrating {DATABASE}…", flush=True)
        subprocess.run(manage("migrate", "--noinput", "--verbosity", "0"), env=env, check=True)
        logs = [OUT_DIR / f"sms-worker-{index + 1}.log" for index in range(workers)]
        for log in logs:
            log.unlink(missing_ok=True)
            with log.open("ab") as output:
                command = manage("run_worker", "--poll", "0.05")
                processes.append(subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT))
        wait_for_start(logs)
        started = time.monotonic()
        queue_burst(database_url, messages)
        deadline = started + max(120.0, messages / 50)
        while (done := sent_count(database_url)) < messages:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        gateway.stop()
        if not keep_db:
            with psycopg.connect(base_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    copies = gateway.phone_counts()
    exactly_once = done == messages and len(copies) == messages and set(copies.values()) == {1}
    return {
        "messages": messages,
        "worker_processes": workers,
        "sent": done,
        "seconds": round(seconds, 3),
        "messages_per_second": round(done / seconds, 1) if seconds else 0.0,
        "goal_messages_per_second": GOAL_PER_SECOND,
        "exactly_once": exactly_once,
        "gateway_send_calls": len(gateway.sends()),
        "gateway": "fake Kavenegar on 127.0.0.1 (keep-alive HTTP/1.1, ThreadingHTTPServer)",
    }


def record(result: dict[str, object]) -> Path:
    """Add the figure to results.json, keeping whatever the other benchmarks wrote there."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / "results.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report["sms_dispatch"] = result
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    result = run(args.messages, args.workers, args.keep_db)
    rate = result["messages_per_second"]
    verdict = "meets" if isinstance(rate, float) and rate >= GOAL_PER_SECOND else "below"
    print(
        f"SMS dispatch: {result['sent']:,} of {args.messages:,} messages in {result['seconds']} s with "
        f"{args.workers} worker processes = {rate} msgs/s ({verdict} the goal of {GOAL_PER_SECOND}/s); "
        f"exactly once: {'yes' if result['exactly_once'] else 'NO'} "
        f"({result['gateway_send_calls']:,} send calls)",
        flush=True,
    )
    path = record(result)
    print(f"Written to {path.relative_to(ROOT)} (key sms_dispatch)")


if __name__ == "__main__":
    main()

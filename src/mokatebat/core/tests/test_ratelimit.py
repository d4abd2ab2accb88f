"""The rate limiter: one round trip per request, on PostgreSQL or on a real Redis server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from mokatebat.core import ratelimit
from mokatebat.core.models import RateCounter
from mokatebat.core.ratelimit import exceeded, parse_rate

pytestmark = pytest.mark.django_db

CHECKS = [("t-client", "10.0.0.1", "3/h"), ("t-id", "0012345679", "2/h"), ("t-code", "1234567890123", "5/h")]


def request() -> Any:
    return RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")


def test_rates_are_read_as_django_ratelimit_wrote_them() -> None:
    assert parse_rate("30/h") == (30, 3600)
    assert parse_rate("3/15m") == (3, 900)
    assert parse_rate("10/d") == (10, 86400)
    with pytest.raises(ValueError, match="Not a rate"):
        parse_rate("often")


def test_all_checks_of_a_request_are_one_statement_and_none_reads_the_cache_table() -> None:
    with CaptureQueriesContext(connection) as queries:
        exceeded(request(), CHECKS)

    assert len(queries.captured_queries) == 1
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert not any("cache_entries" in q["sql"] for q in queries.captured_queries)


def test_the_strictest_allowance_decides_and_every_check_is_counted() -> None:
    answers = [exceeded(request(), CHECKS) for _ in range(4)]

    assert answers == [False, False, True, True]
    # The code's counter was counted on every attempt although the ID's limit was reached first.
    assert sorted(c.count for c in RateCounter.objects.all()) == [4, 4, 4]


def test_peeking_counts_nothing_and_says_whether_the_next_attempt_is_over() -> None:
    checks = [("login", "moh.clerk", "2/h")]
    assert exceeded(request(), checks, increment=False) is False
    exceeded(request(), checks)
    assert exceeded(request(), checks, increment=False) is False
    exceeded(request(), checks)

    assert exceeded(request(), checks, increment=False) is True
    assert RateCounter.objects.get().count == 2


def test_a_new_window_starts_from_zero_and_the_sweep_removes_ended_ones() -> None:
    checks = [("w", "x", "1/h")]
    exceeded(request(), checks)
    assert exceeded(request(), checks) is True
    RateCounter.objects.update(window_end=int(time.time()) - 1)  # the window has ended

    assert exceeded(request(), checks) is False
    RateCounter.objects.update(window_end=int(time.time()) - 1)
    assert ratelimit.sweep() == 1
    assert not RateCounter.objects.exists()


def test_counted_values_are_not_stored_readably() -> None:
    exceeded(request(), [("track-id", "0012345679", "10/h")])

    bucket = RateCounter.objects.get().bucket
    assert bucket.startswith("track-id:")
    assert "0012345679" not in bucket


# --- Redis (REDIS_URL) against a real server -------------------------------------------------------


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The machine's Redis on 6379 if it answers, else one started here; neither fails loudly."""
    if _answers(6379):
        yield "redis://127.0.0.1:6379/15"
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("REDIS_URL is untested: no Redis answers on 127.0.0.1:6379 and redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder: Path = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if _answers(port):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/15"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def on_redis(redis_url: str, settings: Any) -> Iterator[Any]:
    settings.REDIS_URL = redis_url
    client = ratelimit._redis_client(redis_url)
    _forget_counters(client)
    yield client
    _forget_counters(client)


def _forget_counters(client: Any) -> None:
    # Only our own keys: the machine's Redis may be shared.
    for key in client.scan_iter("ratelimit:*"):
        client.delete(key)


def test_with_redis_url_the_counters_live_in_redis_in_one_round_trip(on_redis: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        answers = [exceeded(request(), CHECKS) for _ in range(3)]

    assert answers == [False, False, True]
    assert queries.captured_queries == []
    keys = on_redis.keys("ratelimit:*")
    assert len(keys) == 3
    assert all(0 < on_redis.ttl(key) <= 3600 + 60 for key in keys)
    assert not RateCounter.objects.exists()


def test_with_redis_url_peeking_counts_nothing(on_redis: Any) -> None:
    checks = [("login", "moh.clerk", "1/h")]
    assert exceeded(request(), checks, increment=False) is False
    exceeded(request(), checks)

    assert exceeded(request(), checks, increment=False) is True
    assert int(on_redis.get(on_redis.keys("ratelimit:*")[0])) == 1


def test_django_redis_cache_works_with_the_redis_package(redis_url: str, settings: Any) -> None:
    """REDIS_URL crashed at start when `redis` was in no requirements file (issue 14)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    cache = caches.create_connection("default")
    assert isinstance(cache, RedisCache)

    cache.set("mokatebat-test", {"fa": "سلام"}, 30)

    assert cache.get("mokatebat-test") == {"fa": "سلام"}
    cache.delete("mokatebat-test")

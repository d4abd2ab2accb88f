"""Rate limits in one round trip: windowed counters in PostgreSQL, or in Redis when REDIS_URL is set.

``exceeded(request, [(group, value, rate), ...])`` counts one attempt against every check and says
whether any of them is over its limit. A rate is ``"<count>/<period>"`` with a period of ``s``, ``m``,
``h`` or ``d``, optionally multiplied (``"3/15m"``), as django-ratelimit wrote them.

Why not Django's cache (what django-ratelimit used): on the database cache every counter costs a
SELECT, a ``SELECT COUNT(*)`` over the whole cache table (its culling check, which grows with
traffic), BEGIN, SELECT, UPDATE or INSERT and COMMIT — 18 statements for the three tracking limits.
Here all checks of a request are one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement on a
small table with one row per (group, value); with Redis they are one pipeline.

Windows are fixed per key, as in django-ratelimit: a window of ``period`` seconds ends at a moment
shifted by a hash of the key, so all counters do not reset at the same second. Values are never
stored: the row's key is an HMAC of the group and the value (national IDs and mobiles stay out of
the table). Expired rows are deleted by the worker's periodic loop (``sweep``).
"""

from __future__ import annotations

import functools
import re
import time
import zlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

__all__ = ["exceeded", "parse_rate", "sweep", "sweep_tick"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")
_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
TABLE = "core_ratecounter"


@functools.cache
def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/h"`` → (30, 3600); ``"3/15m"`` → (3, 900)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"Not a rate: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), _PERIODS[unit] * int(multiplier or 1)


def _bucket(group: str, value: str) -> str:
    # The group stays readable for operators; the value (an ID, a mobile, an address) does not.
    digest = salted_hmac("mokatebat.ratelimit", f"{group}\0{value}").hexdigest()[:32]
    return f"{group}:{digest}"


def _window_end(bucket: str, period: int, now: int) -> int:
    """The end of the key's current window (django-ratelimit's jittered fixed windows)."""
    if period == 1:
        return now
    end = now - (now % period) + (zlib.crc32(bucket.encode()) % period)
    return end + period if end < now else end


def _counters(checks: Sequence[tuple[str, str, str]]) -> dict[str, tuple[int, int]]:
    """bucket → (limit, window end), one entry per distinct (group, value); the strictest rate wins."""
    now = int(time.time())
    counters: dict[str, tuple[int, int]] = {}
    for group, value, rate in checks:
        limit, period = parse_rate(rate)
        bucket = _bucket(group, value)
        if bucket not in counters or limit < counters[bucket][0]:
            counters[bucket] = (limit, _window_end(bucket, period, now))
    return counters


def exceeded(request: HttpRequest, checks: Sequence[tuple[str, str, str]], *, increment: bool = True) -> bool:
    """Count this attempt against every (group, value, rate) check; True if any is over its limit.

    Every check is counted (no short-circuit), so one attempt uses up each allowance it touches.
    With ``increment=False`` nothing is counted and the answer is whether the *next* attempt would
    be over a limit (an allowance already used up), e.g. to refuse a sign-in before checking it.
    """
    del request  # part of the signature so callers need not change if a limit ever keys on it
    counters = _counters(checks)
    if not counters:
        return False
    counts = _redis_counts(counters, increment) if settings.REDIS_URL else _postgres_counts(counters, increment)
    if increment:
        return any(counts.get(bucket, 0) > limit for bucket, (limit, _end) in counters.items())
    return any(counts.get(bucket, 0) >= limit for bucket, (limit, _end) in counters.items())


def _postgres_counts(counters: dict[str, tuple[int, int]], increment: bool) -> dict[str, int]:
    # Sorted so concurrent requests touching the same rows take their locks in the same order.
    buckets = sorted(counters)
    with connection.cursor() as cursor:
        if increment:
            rows = ", ".join(["(%s, %s, 1)"] * len(buckets))
            params: list[Any] = []
            for bucket in buckets:
                params += [bucket, counters[bucket][1]]
            # A newer window restarts the count; an older one (a node's clock behind) still counts.
            cursor.execute(
                f"INSERT INTO {TABLE} AS c (bucket, window_end, count) VALUES {rows} "  # noqa: S608
                "ON CONFLICT (bucket) DO UPDATE SET "
                "count = CASE WHEN c.window_end >= EXCLUDED.window_end THEN c.count + 1 ELSE 1 END, "
                "window_end = GREATEST(c.window_end, EXCLUDED.window_end) "
                "RETURNING bucket, count",
                params,
            )
            return dict(cursor.fetchall())
        cursor.execute(f"SELECT bucket, window_end, count FROM {TABLE} WHERE bucket = ANY(%s)", [buckets])  # noqa: S608
        return {bucket: count for bucket, end, count in cursor.fetchall() if end >= counters[bucket][1]}


@functools.cache
def _redis_client(url: str) -> Any:
    import redis  # only needed when REDIS_URL is set

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _redis_counts(counters: dict[str, tuple[int, int]], increment: bool) -> dict[str, int]:
    client = _redis_client(settings.REDIS_URL)
    keys = {bucket: f"ratelimit:{bucket}:{end}" for bucket, (_limit, end) in counters.items()}
    if not increment:
        values = client.mget(list(keys.values()))
        return {bucket: int(value or 0) for bucket, value in zip(keys, values, strict=True)}
    now = int(time.time())
    pipe = client.pipeline(transaction=False)
    for bucket, key in keys.items():
        # Created with its expiry (window end + a minute) the first time, then only incremented.
        pipe.set(key, 0, nx=True, ex=max(counters[bucket][1] - now, 1) + 60)
        pipe.incr(key)
    results = pipe.execute()
    return {bucket: int(results[2 * index + 1]) for index, bucket in enumerate(keys)}


def sweep() -> int:
    """Delete counters whose window has ended (Redis keys expire by themselves). Returns the count."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE window_end < %s", [int(time.time())])  # noqa: S608
        return int(cursor.rowcount)


SWEEP_EVERY_SECONDS = 300
_last_sweep = 0.0


def sweep_tick() -> int:
    """The worker's periodic loop calls this often; it sweeps at most every few minutes per process."""
    global _last_sweep
    if time.monotonic() - _last_sweep < SWEEP_EVERY_SECONDS:
        return 0
    _last_sweep = time.monotonic()
    sweep()
    return 0  # never "busy": the loop goes back to its normal pace

"""Retry delays: exponential from 10 s, capped at 30 min, full jitter, a longer Retry-After wins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mokatebat.notifications import worker


@given(attempts=st.integers(min_value=1, max_value=1000), retry_after=st.none() | st.floats(0, 10_000))
def test_the_retry_delay_is_jittered_below_a_capped_exponential_ceiling_unless_retry_after_is_longer(
    attempts, retry_after
):
    ceiling = min(30 * 60, 10 * 2 ** min(attempts - 1, 20))

    delay = worker.retry_delay(attempts, retry_after)

    assert 0 <= delay <= max(ceiling, retry_after or 0)
    assert delay >= (retry_after or 0)


def test_the_ceiling_doubles_from_ten_seconds_up_to_thirty_minutes(monkeypatch):
    monkeypatch.setattr(worker.random, "uniform", lambda _low, high: high)

    assert [worker.retry_delay(attempts) for attempts in range(1, 10)] == [10, 20, 40, 80, 160, 320, 640, 1280, 1800]

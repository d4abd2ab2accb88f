"""The task worker's loops stop together: a loop that dies of a bug takes the others down with it, so
the process exits and its supervisor restarts it, instead of running on without SMS, say."""

from __future__ import annotations

import threading

import pytest

from mokatebat.core.management.commands.run_worker import Loop, run_loops


def test_a_loop_that_dies_stops_the_other_loops_and_is_reported() -> None:
    stop = threading.Event()
    other_ticks: list[int] = []
    result: list[list[str]] = []

    def busy(_stop: threading.Event) -> int:
        other_ticks.append(1)
        return 0

    def broken(_stop: threading.Event) -> int:
        if not other_ticks:
            return 0  # dies only once the other loop is surely running
        raise KeyError("a bug")

    def run() -> None:
        result.append(run_loops([Loop("busy", busy), Loop("broken", broken)], poll_seconds=0.01, stop=stop))

    runner = threading.Thread(target=run)
    runner.start()
    runner.join(timeout=30)  # a bound so a broken runner fails the test rather than hanging it
    if runner.is_alive():
        stop.set()
        runner.join()
        pytest.fail("the other loop kept running after one died")

    assert result == [["broken"]]
    assert stop.is_set()

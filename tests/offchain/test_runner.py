"""The one keeper runner: rounds, --once, limits, back-off that says what it is doing, Ctrl-C."""

from __future__ import annotations

import pytest
import requests

from synor.runner import Outcome, Runner


def _runner(**kwargs):
    logs: list[str] = []
    sleeps: list[float] = []
    runner = Runner(interval=10.0, log=logs.append, sleep=sleeps.append, **kwargs)
    return runner, logs, sleeps


def test_once_runs_one_round_and_never_sleeps():
    runner, _, sleeps = _runner(once=True)
    rounds = []
    assert runner.run(lambda: rounds.append(1), "polling") == 1
    assert rounds == [1] and sleeps == []


def test_limit_counts_only_counted_rounds_and_waits_are_capped_by_the_interval():
    runner, _, sleeps = _runner(limit=2)
    outcomes = iter([Outcome(counted=False, wait=3), Outcome(counted=False, wait=99), Outcome(), Outcome()])
    assert runner.run(lambda: next(outcomes), "checking") == 2
    assert sleeps == [3, 10.0, 10.0]


def test_network_failures_back_off_exponentially_and_say_what_was_being_done():
    runner, logs, sleeps = _runner(once=True, max_delay=1.5)
    failures = [
        requests.exceptions.ConnectionError("refused"),
        TimeoutError("slow"),
        ConnectionError("reset"),
    ]

    def round_():
        if failures:
            raise failures.pop(0)
        return Outcome()

    assert runner.run(round_, "settling") == 1
    assert sleeps == [0.5, 1.0, 1.5]
    assert logs[0] == "settling: ConnectionError; retrying in 0.5s (attempt 1)"
    assert "settling: TimeoutError; retrying in 1.0s (attempt 2)" in logs


def test_ctrl_c_stops_with_a_word():
    runner, logs, _ = _runner()

    def round_():
        raise KeyboardInterrupt

    assert runner.run(round_, "watching") == 0
    assert logs == ["stopped"]


def test_other_errors_are_not_swallowed():
    runner, _, _ = _runner()
    with pytest.raises(ZeroDivisionError):
        runner.run(lambda: 1 // 0, "x")

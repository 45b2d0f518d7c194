"""The oracle keeper's update survives an unreachable node and a failed transaction, saying so each time."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from synor.chain import ChainError
from synor.cli.keeper import _update_with_retries


class FlakyOracle:
    """Fails as scripted, then records a round (what OracleClient.update returns)."""

    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.calls = 0

    def update(self, signer: object) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "round 7"


def test_network_errors_then_a_failed_transaction_are_retried_with_back_off():
    oracle: Any = FlakyOracle(  # stands in for an OracleClient
        [
            requests.exceptions.ConnectionError("refused"),
            TimeoutError("slow"),
            ChainError("reverted in tx 0xab"),
        ]
    )
    logs: list[str] = []
    sleeps: list[float] = []
    result: Any = _update_with_retries(oracle, None, attempts=3, log=logs.append, sleep=sleeps.append)
    assert result == "round 7"
    assert oracle.calls == 4
    assert sleeps == [0.5, 1.0, 1.0]  # two network back-offs inside a send, then one between sends
    assert "retrying in 0.5s (attempt 1)" in logs[0]
    assert "update failed (reverted in tx 0xab); retrying in 1s (attempt 1 of 3)" in logs[2]


def test_gives_up_after_the_attempts_and_says_why():
    oracle: Any = FlakyOracle([ChainError("no gas")] * 3)
    logs: list[str] = []
    with pytest.raises(ChainError, match="no gas"):
        _update_with_retries(oracle, None, attempts=3, log=logs.append, sleep=lambda _: None)
    assert oracle.calls == 3
    assert [line.split(";")[0] for line in logs] == ["update failed (no gas)"] * 2


def test_a_node_down_for_good_becomes_one_clear_error():
    oracle: Any = FlakyOracle([requests.exceptions.ConnectionError("refused")] * 9)
    with pytest.raises(ChainError, match="sending the oracle update failed after 3 attempts"):
        _update_with_retries(oracle, None, attempts=1, log=lambda _: None, sleep=lambda _: None)

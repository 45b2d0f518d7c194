"""The one keeper runner: rounds on an interval, exponential back-off on network failures, ``--once``.

``synor app watch``, ``synor keeper settle`` and ``synor keeper oracle`` (and the keepers to come) each
describe one round; this module runs it. A round reads the chain afresh and decides from that alone, so
retrying a round that failed half-way sends nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from synor.errors import ChainError

T = TypeVar("T")


def network_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "the node did not answer" (retried), as opposed to "the node said no"."""
    import requests

    return (
        requests.exceptions.ConnectionError,
        requests.exceptions.Timeout,
        ConnectionError,
        TimeoutError,
    )


def with_backoff(
    action: Callable[[], T],
    describe: str,
    log: Callable[[str], None],
    attempts: int | None = None,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Runs ``action``, retrying network failures with exponential back-off and saying so each time.

    ``attempts=None`` retries for ever (keepers); a number gives up after that many tries.
    """
    retried = network_errors()
    delay, attempt = first_delay, 0
    while True:
        attempt += 1
        try:
            return action()
        except retried as error:
            if attempts is not None and attempt >= attempts:
                raise ChainError(f"{describe} failed after {attempt} attempts: {error}") from None
            log(f"{describe}: {type(error).__name__}; retrying in {delay:.1f}s (attempt {attempt})")
            sleep(delay)
            delay = min(delay * 2, max_delay)


@dataclass(frozen=True)
class Outcome:
    """What a round did: whether it counts towards ``--rounds`` / ``--polls``, and when to run the next
    (``wait`` seconds, capped by the interval; None: after the interval)."""

    counted: bool = True
    wait: float | None = None


@dataclass
class Runner:
    """Runs a keeper's rounds until ``once``, ``limit`` counted rounds, or Ctrl-C."""

    interval: float
    log: Callable[[str], None]
    once: bool = False
    limit: int | None = None
    sleep: Callable[[float], None] = time.sleep
    max_delay: float = 30.0

    def run(self, round_: Callable[[], Outcome | None], what: str) -> int:
        """Runs ``round_`` repeatedly; a round that fails to reach the node is retried with back-off
        (saying ``what`` it was doing). Returns the number of counted rounds."""
        count = 0
        try:
            while True:
                outcome = (
                    with_backoff(round_, what, self.log, sleep=self.sleep, max_delay=self.max_delay)
                    or Outcome()
                )
                if outcome.counted:
                    count += 1
                if self.once or (self.limit is not None and count >= self.limit):
                    return count
                pause = self.interval if outcome.wait is None else min(outcome.wait, self.interval)
                self.sleep(pause)
        except KeyboardInterrupt:
            self.log("stopped")
            return count

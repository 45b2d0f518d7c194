"""Billing periods: fixed lengths from a genesis time, and the window in which a period takes events.

Period ``p`` covers ``[genesis + p·length, genesis + (p+1)·length)``. It takes events until its end
plus ``late_window``; later events are refused (`Reason.PERIOD_CLOSED`). The late window is derived
from the chain's settlement window: reports for a period are accepted on chain until its end plus the
settlement window (7 days by default), and the meter keeper needs a margin (1 day by default) to turn
the final aggregates into reports, so events stop 6 days after the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass

from synor.metering.events import EventRejected, Reason

DAY = 86_400
PERIOD_LENGTH = 30 * DAY
SETTLEMENT_WINDOW = 7 * DAY
KEEPER_MARGIN = DAY
MAX_CLOCK_SKEW = 300


@dataclass(frozen=True)
class Periods:
    """Period arithmetic and the acceptance rule. All times are Unix seconds."""

    genesis: int = 0
    length: int = PERIOD_LENGTH
    late_window: int = SETTLEMENT_WINDOW - KEEPER_MARGIN
    max_future: int = MAX_CLOCK_SKEW

    def __post_init__(self) -> None:
        if self.length <= 0 or self.late_window < 0 or self.max_future < 0 or self.genesis < 0:
            raise ValueError("periods need a positive length and non-negative genesis, late window and skew")

    @classmethod
    def from_settlement(
        cls,
        genesis: int,
        length: int = PERIOD_LENGTH,
        settlement_window: int = SETTLEMENT_WINDOW,
        keeper_margin: int = KEEPER_MARGIN,
    ) -> Periods:
        """Periods whose late window is the chain's settlement window less the keeper's margin."""
        if keeper_margin > settlement_window:
            raise ValueError("the keeper margin cannot exceed the settlement window")
        return cls(genesis, length, settlement_window - keeper_margin)

    def period_of(self, time: int) -> int:
        if time < self.genesis:
            raise ValueError(f"time {time} is before genesis {self.genesis}")
        return (time - self.genesis) // self.length

    def start(self, period: int) -> int:
        return self.genesis + period * self.length

    def end(self, period: int) -> int:
        """The first second after the period."""
        return self.start(period + 1)

    def closes_at(self, period: int) -> int:
        """The first second at which the period refuses events."""
        return self.end(period) + self.late_window

    def accept(self, time: int, now: int) -> int:
        """The period of an event at ``time`` seen at ``now``; raises `EventRejected` when refused."""
        if time < self.genesis:
            raise EventRejected(
                Reason.BEFORE_GENESIS, f"time {time} is before the billing genesis {self.genesis}"
            )
        if time > now + self.max_future:
            raise EventRejected(
                Reason.IN_FUTURE, f"time {time} is more than {self.max_future} s ahead of now ({now})"
            )
        period = (time - self.genesis) // self.length
        if now >= self.closes_at(period):
            raise EventRejected(
                Reason.PERIOD_CLOSED,
                f"period {period} stopped taking events at {self.closes_at(period)} (its end plus {self.late_window} s)",
            )
        return period

"""Aggregates per (account, operator, resource, period): sum, count, max and the time-weighted mean.

Every catalogue resource is billed on the **sum** of its base quantities. Each aggregate also keeps
the **count** of events, the largest single quantity (**max**) and the first and last event times.
For time-integral resources (byte-seconds, domain-seconds, …) the sum *is* the time integral of the
level, so the **time-weighted** mean level over a span is ``sum / seconds`` (an exact `Fraction`).
Aggregation is commutative and, behind the stores' deduplication, applied once per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from synor.metering.events import UsageEvent
from synor.pricing.catalogue import CATALOGUE


@dataclass(frozen=True, order=True)
class AggregateKey:
    account: str
    operator: str
    resource: str
    period: int


@dataclass
class Aggregate:
    total: int = 0
    count: int = 0
    maximum: int = 0
    first_time: int | None = None
    last_time: int | None = None

    def add(self, quantity: int, time: int) -> None:
        self.total += quantity
        self.count += 1
        self.maximum = max(self.maximum, quantity)
        self.first_time = time if self.first_time is None else min(self.first_time, time)
        self.last_time = time if self.last_time is None else max(self.last_time, time)

    def merge(self, other: Aggregate) -> None:
        self.total += other.total
        self.count += other.count
        self.maximum = max(self.maximum, other.maximum)
        for time in (other.first_time, other.last_time):
            if time is not None:
                self.first_time = time if self.first_time is None else min(self.first_time, time)
                self.last_time = time if self.last_time is None else max(self.last_time, time)


def time_weighted_mean(resource: str, total: int, seconds: int) -> Fraction:
    """The mean level over ``seconds`` of a time-integral resource whose sum is ``total``."""
    if not CATALOGUE[resource].is_time_integral:
        raise ValueError(f"{resource} is not integrated over time: it has no time-weighted mean")
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    return Fraction(total, seconds)


def aggregate(stamped: Iterable[tuple[UsageEvent, int]]) -> dict[AggregateKey, Aggregate]:
    """Aggregates of (event, period) pairs, in memory (the reference the stores must agree with)."""
    result: dict[AggregateKey, Aggregate] = {}
    for event, period in stamped:
        key = AggregateKey(event.subject, event.operator, event.resource, period)
        entry = result.get(key)
        if entry is None:
            entry = result[key] = Aggregate()
        entry.add(event.quantity, event.time)
    return result

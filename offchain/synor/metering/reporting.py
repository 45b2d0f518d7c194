"""What the meter keeper reports: pure planning from aggregates and what the chain already charged.

Reports are cumulative, so the chain is the keeper's only memory: an aggregate is reported when its
total is above the cumulative the settlement contract charged for it, and a report the chain has
already seen charges nothing. A keeper killed at any moment and restarted therefore neither loses a
report nor charges one twice; it just plans again from the store and the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from synor.metering.aggregate import Aggregate, AggregateKey

MAX_BATCH = 100
"""Reports per `settleBatch` (one signature each): the size the gas benchmark measures."""
QUANTITY_LIMIT = 2**128
"""The settlement refuses cumulatives at or above this (`Settlement_QuantityTooLarge`)."""


@dataclass(frozen=True)
class Planned:
    """One report to sign: an aggregate's cumulative total, above what the chain charged."""

    key: AggregateKey
    cumulative: int
    charged: int


@dataclass(frozen=True)
class Plan:
    batches: list[list[Planned]]
    """Reports in batches of at most ``MAX_BATCH``, ordered so one account's reports of one period are
    consecutive (the settlement charges them to the escrow in one call)."""
    settled: int
    """Aggregates the chain already charged in full."""
    closed: list[AggregateKey]
    """Aggregates above the chain's figure whose period no longer accepts reports (lost to billing)."""
    too_large: list[AggregateKey]
    """Aggregates whose total the settlement would refuse (2^128 or more)."""

    @property
    def reports(self) -> int:
        return sum(len(batch) for batch in self.batches)


def candidates(
    aggregates: Mapping[AggregateKey, Aggregate], operators: Iterable[str], current_period: int
) -> list[AggregateKey]:
    """The aggregates a keeper for ``operators`` may report now (not in a future period), sorted."""
    mine = {operator.lower() for operator in operators}
    return sorted(
        key
        for key, aggregate in aggregates.items()
        if key.operator.lower() in mine and key.period <= current_period and aggregate.total > 0
    )


def plan(
    aggregates: Mapping[AggregateKey, Aggregate],
    charged: Mapping[AggregateKey, int],
    keys: Iterable[AggregateKey],
    oldest_open_period: int,
    max_batch: int = MAX_BATCH,
) -> Plan:
    """Batches of reports for ``keys`` (see :func:`candidates`) given the chain's charged cumulatives."""
    if max_batch < 1:
        raise ValueError("a batch holds at least one report")
    due: list[Planned] = []
    settled = 0
    closed: list[AggregateKey] = []
    too_large: list[AggregateKey] = []
    for key in keys:
        total, already = aggregates[key].total, charged.get(key, 0)
        if total <= already:
            settled += 1
        elif key.period < oldest_open_period:
            closed.append(key)
        elif total >= QUANTITY_LIMIT:
            too_large.append(key)
        else:
            due.append(Planned(key, total, already))
    due.sort(key=lambda p: (p.key.operator.lower(), p.key.account.lower(), p.key.period, p.key.resource))
    batches: list[list[Planned]] = []
    for report in due:
        if not batches or len(batches[-1]) == max_batch or batches[-1][0].key.operator != report.key.operator:
            batches.append([])
        batches[-1].append(report)
    return Plan(batches, settled, closed, too_large)

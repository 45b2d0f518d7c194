"""The embedded pipeline (the default: no server) and NDJSON ingest into any sink.

A *sink* takes validated events: `EmbeddedPipeline` commits them straight into a store (one process,
one machine, `make demo`); `synor.metering.redis_streams.RedisProducer` appends them to Redis
Streams for aggregators. Period acceptance (the late window) is checked against the clock when an
event is submitted and again right before the commit that aggregates it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from synor.metering.events import EventRejected, Rejection, UsageEvent, parse_line
from synor.metering.periods import Periods
from synor.metering.store import Stamped, UsageStore

Clock = Callable[[], int]
"""Unix seconds now (injectable for tests)."""

BATCH = 5_000


def system_clock() -> int:
    return int(time.time())


@dataclass
class IngestResult:
    """``accepted``: events aggregated (embedded) or durably queued (Redis); ``duplicates``: events the
    store already had; ``rejected``: refused events with their reasons."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected


class Sink(Protocol):
    def submit(self, events: Sequence[tuple[UsageEvent, int | None]]) -> IngestResult:
        """Takes validated events (with their NDJSON line numbers, if any)."""
        ...


def stamp(
    events: Iterable[tuple[UsageEvent, int | None]], periods: Periods, now: int
) -> tuple[list[Stamped], list[Rejection]]:
    """Each event with its period, or a rejection when its period no longer (or not yet) takes it."""
    stamped: list[Stamped] = []
    rejected: list[Rejection] = []
    for event, line in events:
        try:
            stamped.append((event, periods.accept(event.time, now)))
        except EventRejected as error:
            rejected.append(Rejection(error.reason, error.detail, event.source, event.id, line))
    return stamped, rejected


class EmbeddedPipeline:
    """Validated events → store, in process. ``submit`` commits in batches of ``batch`` events."""

    def __init__(
        self,
        store: UsageStore,
        periods: Periods | None = None,
        clock: Clock = system_clock,
        batch: int = BATCH,
    ) -> None:
        self.store = store
        self.periods = periods or Periods()
        self.clock = clock
        self.batch = batch

    def submit(self, events: Sequence[tuple[UsageEvent, int | None]]) -> IngestResult:
        result = IngestResult()
        for start in range(0, len(events), self.batch):
            stamped, rejected = stamp(events[start : start + self.batch], self.periods, self.clock())
            if stamped:
                committed = self.store.commit(stamped)
                result.accepted += committed.accepted
                result.duplicates += committed.duplicates
            if rejected:
                self.store.record_rejections(rejected)
            result.rejected += rejected
        return result


def ingest_lines(
    lines: Iterable[str | bytes],
    sink: Sink,
    batch: int = BATCH,
    on_reject: Callable[[Rejection], None] | None = None,
) -> IngestResult:
    """Parses NDJSON (blank lines skipped), validates each event and submits the valid ones in batches.

    Events refused by parsing are reported with their line number (and, when recorded, kept by the
    sink's store only if they got that far: parse errors are returned, not stored)."""
    result = IngestResult()
    pending: list[tuple[UsageEvent, int | None]] = []

    def drain() -> None:
        outcome = sink.submit(pending)
        result.add(outcome)
        if on_reject is not None:
            for rejection in outcome.rejected:
                on_reject(rejection)
        pending.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            pending.append((parse_line(line), number))
        except EventRejected as error:
            rejection = Rejection.of(error, number)
            result.rejected.append(rejection)
            if on_reject is not None:
                on_reject(rejection)
        if len(pending) >= batch:
            drain()
    if pending:
        drain()
    return result

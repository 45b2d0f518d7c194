"""Redis Streams transport: producers append usage events, aggregators in one consumer group commit them.

Layout: ``shards`` streams ``synor:usage:{sNNN}``, an account always in the same shard (a SHA-256 of
its address), each with its dead-letter stream ``synor:usage:{sNNN}:dead``. The ``{sNNN}`` hash tag
keeps a stream and its dead letters in one Redis Cluster slot, and every command names one stream, so
the layout moves to Redis Cluster unchanged.

An aggregator's `step`, per shard: (1) its own pending entries first (delivered before a crash, never
acknowledged), (2) entries stuck with another consumer for ``claim_idle_ms`` (``XAUTOCLAIM``: that
consumer is presumed dead), (3) new entries (``XREADGROUP >``). A redelivered entry delivered more than
``max_deliveries`` times goes to the dead-letter stream (with its delivery count) and is acknowledged.
The rest are validated (a refused event is recorded with its reason and acknowledged: a final outcome),
committed to the store in one transaction — where (source, id) deduplication happens — and only then
acknowledged (``XACK``). A crash between commit and acknowledgement redelivers entries the store
already has: they count once. `trim` removes only entries below every group's oldest pending entry
and last delivered id, i.e. entries whose aggregates are committed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from synor.metering.events import EventRejected, Rejection, UsageEvent, parse_line
from synor.metering.periods import Periods
from synor.metering.pipeline import Clock, IngestResult, stamp, system_clock
from synor.metering.store import UsageStore, transient_errors

PREFIX = "synor:usage"
SHARDS = 16
GROUP = "aggregators"


def shard_of(account: str, shards: int = SHARDS) -> int:
    """The shard of an account (stable across processes and machines)."""
    return int.from_bytes(hashlib.sha256(account.lower().encode()).digest()[:8], "big") % shards


def stream_key(shard: int) -> str:
    return f"{PREFIX}:{{s{shard:03d}}}"


def dead_letter_key(shard: int) -> str:
    return f"{stream_key(shard)}:dead"


Entry = tuple[str, dict[Any, Any]]
"""A stream entry: its id and its fields."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisProducer:
    """A sink that appends validated events to their account's stream (a pipeline per batch)."""

    def __init__(
        self,
        client: redis.Redis,
        periods: Periods | None = None,
        clock: Clock = system_clock,
        shards: int = SHARDS,
    ) -> None:
        self.client = client
        self.periods = periods or Periods()
        self.clock = clock
        self.shards = shards

    def submit(self, events: Sequence[tuple[UsageEvent, int | None]]) -> IngestResult:
        stamped, rejected = stamp(events, self.periods, self.clock())
        with self.client.pipeline(transaction=False) as pipe:
            for event, _period in stamped:
                pipe.xadd(stream_key(shard_of(event.subject, self.shards)), {"e": event.to_json_line()})
            pipe.execute()
        return IngestResult(accepted=len(stamped), rejected=rejected)


@dataclass
class StepResult:
    """What one aggregator step did: entries read, events newly aggregated, duplicates, rejected, dead."""

    read: int = 0
    committed: int = 0
    duplicates: int = 0
    rejected: int = 0
    dead_lettered: int = 0


class RedisAggregator:
    """One consumer of the group: reads, commits durably, then acknowledges."""

    def __init__(
        self,
        client: redis.Redis,
        store: UsageStore,
        consumer: str,
        *,
        periods: Periods | None = None,
        clock: Clock = system_clock,
        group: str = GROUP,
        shards: int = SHARDS,
        batch: int = 1_000,
        claim_idle_ms: int = 30_000,
        max_deliveries: int = 5,
        before_ack: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.consumer = consumer
        self.periods = periods or Periods()
        self.clock = clock
        self.group = group
        self.shards = shards
        self.batch = batch
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self.before_ack = before_ack
        self._claim_cursor = ["0-0"] * shards
        self.ensure_groups()

    def ensure_groups(self) -> None:
        for shard in range(self.shards):
            try:
                self.client.xgroup_create(stream_key(shard), self.group, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    # -- reading -------------------------------------------------------------------------------
    def _read(self) -> list[tuple[list[Entry], list[Entry]]]:
        """(redelivered entries, new entries) of every shard, in three round trips.

        Each phase sends one command per shard in a pipeline (no transaction, each command names one
        stream, so a Redis Cluster client splits it by slot): (1) this consumer's own pending entries,
        (2) where room is left, entries idle with another consumer (``XAUTOCLAIM``), (3) where room is
        still left, new entries."""
        shards = range(self.shards)
        redelivered: list[list[Entry]] = [[] for _ in shards]
        with self.client.pipeline(transaction=False) as pipe:
            for shard in shards:
                pipe.xreadgroup(self.group, self.consumer, {stream_key(shard): "0"}, count=self.batch)
            for shard, own in zip(shards, pipe.execute(), strict=True):
                for _stream, entries in own or []:
                    redelivered[shard] += [(_text(i), fields) for i, fields in entries if fields]
        claiming = [shard for shard in shards if len(redelivered[shard]) < self.batch]
        with self.client.pipeline(transaction=False) as pipe:
            for shard in claiming:
                pipe.xautoclaim(
                    stream_key(shard),
                    self.group,
                    self.consumer,
                    self.claim_idle_ms,
                    self._claim_cursor[shard],
                    count=self.batch - len(redelivered[shard]),
                )
            for shard, claim in zip(claiming, pipe.execute() if claiming else [], strict=True):
                cursor, claimed = claim[0], claim[1]
                self._claim_cursor[shard] = _text(cursor)
                if claimed:
                    seen = {entry_id for entry_id, _ in redelivered[shard]}
                    redelivered[shard] += [(_text(i), f) for i, f in claimed if f and _text(i) not in seen]
        fresh: list[list[Entry]] = [[] for _ in shards]
        reading = [shard for shard in shards if len(redelivered[shard]) < self.batch]
        with self.client.pipeline(transaction=False) as pipe:
            for shard in reading:
                pipe.xreadgroup(
                    self.group,
                    self.consumer,
                    {stream_key(shard): ">"},
                    count=self.batch - len(redelivered[shard]),
                )
            for shard, new in zip(reading, pipe.execute() if reading else [], strict=True):
                for _stream, entries in new or []:
                    fresh[shard] += [(_text(i), fields) for i, fields in entries]
        return list(zip(redelivered, fresh, strict=True))

    def _deliveries(self, shard: int, entry_ids: list[str]) -> dict[str, int]:
        if not entry_ids:
            return {}
        rows = self.client.xpending_range(
            stream_key(shard),
            self.group,
            min(entry_ids, key=_order),
            max(entry_ids, key=_order),
            len(entry_ids) + 2 * self.batch,
            consumername=self.consumer,  # every redelivered entry is this consumer's now
        )
        return {_text(row["message_id"]): int(row["times_delivered"]) for row in rows}

    # -- one step ------------------------------------------------------------------------------
    def step(self) -> StepResult:
        """Reads every shard once, commits what it read in one store transaction, then acknowledges."""
        result = StepResult()
        to_ack: dict[int, list[str]] = {}
        events: list[tuple[UsageEvent, int | None]] = []
        rejections: list[Rejection] = []
        for shard, (redelivered, fresh) in enumerate(self._read()):
            if not redelivered and not fresh:
                continue
            deliveries = self._deliveries(shard, [entry_id for entry_id, _ in redelivered])
            dead = [(i, f) for i, f in redelivered if deliveries.get(i, 0) > self.max_deliveries]
            if dead:
                self._dead_letter(shard, dead, deliveries)
                result.dead_lettered += len(dead)
            dead_ids = {entry_id for entry_id, _ in dead}
            for entry_id, fields in [*redelivered, *fresh]:
                if entry_id in dead_ids:
                    continue
                result.read += 1
                to_ack.setdefault(shard, []).append(entry_id)
                raw = fields.get(b"e", fields.get("e", b""))
                try:
                    events.append((parse_line(raw), None))
                except EventRejected as error:
                    rejections.append(Rejection.of(error))
        stamped, late = stamp(events, self.periods, self.clock())
        rejections += late
        if stamped:
            committed = self.store.commit(stamped)
            result.committed, result.duplicates = committed.accepted, committed.duplicates
        if rejections:
            self.store.record_rejections(rejections)
            result.rejected = len(rejections)
        if self.before_ack is not None:
            self.before_ack()
        with self.client.pipeline(transaction=False) as pipe:
            for shard, entry_ids in to_ack.items():
                pipe.xack(stream_key(shard), self.group, *entry_ids)
            pipe.execute()
        return result

    def _dead_letter(
        self, shard: int, dead: list[tuple[str, dict[Any, Any]]], deliveries: dict[str, int]
    ) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            for entry_id, fields in dead:
                pipe.xadd(
                    dead_letter_key(shard),
                    {
                        "e": fields.get(b"e", fields.get("e", b"")),
                        "entry": entry_id,
                        "deliveries": deliveries.get(entry_id, 0),
                        "consumer": self.consumer,
                    },
                )
            pipe.xack(stream_key(shard), self.group, *[entry_id for entry_id, _ in dead])
            pipe.execute()

    def run(
        self,
        *,
        stop: Callable[[], bool] = lambda: False,
        idle_sleep: float = 0.05,
        trim_every: int = 100,
        log: Callable[[str], None] = lambda message: None,
        first_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Steps until ``stop()``; sleeps ``idle_sleep`` when a step found nothing; trims now and then.

        An unreachable Redis or store is retried with exponential back-off, saying so through ``log``;
        what was read and not committed stays pending and is read again first."""
        transient: tuple[type[BaseException], ...] = (
            redis.ConnectionError,
            redis.TimeoutError,
            *transient_errors(),
        )
        steps, delay = 0, first_delay
        while not stop():
            try:
                outcome = self.step()
                steps += 1
                if steps % trim_every == 0:
                    self.trim()
            except transient as error:
                log(f"aggregator {self.consumer}: {type(error).__name__}: {error}; retrying in {delay:.1f}s")
                sleep(delay)
                delay = min(delay * 2, max_delay)
                continue
            delay = first_delay
            if outcome.read == 0 and outcome.dead_lettered == 0:
                sleep(idle_sleep)

    # -- trimming ------------------------------------------------------------------------------
    def trim(self) -> int:
        """Removes entries every group has delivered and acknowledged; returns how many."""
        removed = 0
        for shard in range(self.shards):
            key = stream_key(shard)
            bound: tuple[int, int] | None = None
            for info in self.client.xinfo_groups(key):
                name = _text(info["name"])
                candidates = [_order(_text(info["last-delivered-id"]))]
                if int(info["pending"]):
                    summary = self.client.xpending(key, name)
                    candidates.append(_order(_text(summary["min"])))
                group_bound = min(candidates)
                bound = group_bound if bound is None else min(bound, group_bound)
            if bound is None or bound == (0, 0):
                continue
            removed += int(self.client.xtrim(key, minid=f"{bound[0]}-{bound[1]}", approximate=False))
        return removed


def _order(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return (int(milliseconds), int(sequence or 0))


def stream_lengths(client: redis.Redis, shards: int = SHARDS) -> dict[str, int]:
    """Entries held per stream and dead-letter stream (for status and tests)."""
    lengths: dict[str, int] = {}
    for shard in range(shards):
        for key in (stream_key(shard), dead_letter_key(shard)):
            lengths[key] = int(client.xlen(key))
    return lengths


def lag(client: redis.Redis, shards: int = SHARDS, group: str = GROUP) -> dict[str, Any]:
    """Per stream: entries held, entries not yet delivered to the group, pending per consumer, dead letters."""
    streams: dict[str, Any] = {}
    for shard in range(shards):
        key = stream_key(shard)
        entry: dict[str, Any] = {
            "length": int(client.xlen(key)),
            "undelivered": None,
            "pending": {},
            "dead_lettered": int(client.xlen(dead_letter_key(shard))),
        }
        if client.exists(key):
            for info in client.xinfo_groups(key):
                if _text(info["name"]) == group:
                    entry["undelivered"] = None if info.get("lag") is None else int(info["lag"])
                    if int(info["pending"]):
                        summary = client.xpending(key, group)
                        entry["pending"] = {_text(c["name"]): int(c["pending"]) for c in summary["consumers"]}
        streams[key] = entry
    return streams

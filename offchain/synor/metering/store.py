"""Durable usage stores behind one interface: SQLite (default) and PostgreSQL (several aggregators).

`UsageStore.commit` deduplicates a batch by (source, id) **in the same transaction** as the
aggregate update, so an event delivered twice — a replay, a redelivery after a crash before the
acknowledgement, two aggregators racing — is aggregated once. PostgreSQL does it in one statement:
``INSERT … ON CONFLICT DO NOTHING RETURNING`` inside a CTE whose returned rows, and only those,
are summed into the aggregates. SQLite does the same with a multi-row ``INSERT … ON CONFLICT DO
NOTHING RETURNING`` and a read-modify-write of the touched aggregates under ``BEGIN IMMEDIATE``
(WAL, ``synchronous=FULL``: a returned commit survives a crash). Quantities above 2⁶³ are kept exactly:
NUMERIC in PostgreSQL, decimal text in SQLite. No ORM.
"""

from __future__ import annotations

import json
import sqlite3
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from synor.metering.aggregate import Aggregate, AggregateKey
from synor.metering.events import Rejection, UsageEvent

Stamped = tuple[UsageEvent, int]
"""A validated event and the billing period it was accepted into."""


def transient_errors() -> tuple[type[BaseException], ...]:
    """Store failures worth retrying: a locked SQLite file, a PostgreSQL server down or restarting."""
    import psycopg

    return (sqlite3.OperationalError, psycopg.OperationalError)


@dataclass(frozen=True)
class CommitResult:
    """``accepted``: events aggregated by this commit; ``duplicates``: events already stored."""

    accepted: int
    duplicates: int


class UsageStore(Protocol):
    def commit(self, batch: Sequence[Stamped]) -> CommitResult:
        """Stores the new events of ``batch`` and adds them to their aggregates, atomically."""
        ...

    def record_rejections(self, rejections: Sequence[Rejection]) -> None:
        """Keeps refused events' reasons (never aggregated)."""
        ...

    def aggregates(self) -> dict[AggregateKey, Aggregate]: ...

    def rejections(self, limit: int = 100) -> list[Rejection]: ...

    def rejection_counts(self) -> dict[str, int]:
        """Refused events per reason."""
        ...

    def event_count(self) -> int: ...

    def event_leaves(self, key: AggregateKey) -> list[bytes]:
        """The evidence leaves (`synor.metering.evidence.leaf`) of every event behind one aggregate."""
        ...

    def close(self) -> None: ...


def _unique(batch: Sequence[Stamped]) -> dict[tuple[str, str], Stamped]:
    """The batch without repeats of an identity (the first occurrence wins)."""
    unique: dict[tuple[str, str], Stamped] = {}
    for stamped in batch:
        unique.setdefault(stamped[0].key, stamped)
    return unique


def _dimensions(event: UsageEvent) -> str:
    if not event.dimensions:
        return "{}"
    try:
        return orjson.dumps(event.dimensions, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits
        return json.dumps(dict(event.dimensions), separators=(",", ":"), sort_keys=True)


Delta = list[int]
"""A batch's sum for one aggregate: [total, count, maximum, first time, last time]."""


def _deltas(stamped: Iterable[Stamped]) -> dict[tuple[str, str, str, int], Delta]:
    """The new events summed per (account, operator, resource, period), exactly."""
    deltas: dict[tuple[str, str, str, int], Delta] = {}
    for event, period in stamped:
        key = (event.subject, event.operator, event.resource, period)
        quantity, time = event.quantity, event.time
        delta = deltas.get(key)
        if delta is None:
            deltas[key] = [quantity, 1, quantity, time, time]
            continue
        delta[0] += quantity
        delta[1] += 1
        if quantity > delta[2]:
            delta[2] = quantity
        if time < delta[3]:
            delta[3] = time
        if time > delta[4]:
            delta[4] = time
    return deltas


def _add_text(a: str | int, b: str | int) -> str:
    """SQLite function ``synor_add``: the exact sum of two decimal integers (as text)."""
    return str(int(a) + int(b))


def _max_text(a: str | int, b: str | int) -> str:
    """SQLite function ``synor_max``: the larger of two decimal integers (as text)."""
    return str(max(int(a), int(b)))


def open_store(url: str) -> UsageStore:
    """``sqlite:PATH`` (or a plain path) opens SQLite; ``postgresql://…`` opens PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    path = url.removeprefix("sqlite:").removeprefix("//")
    return SqliteStore(Path(path))


class SqliteStore:
    """The default store: one SQLite file in WAL mode."""

    CHUNK = 2_000
    """Events per multi-row INSERT (9 parameters each: within SQLite's 32,766)."""
    CACHE_KIB = 16_384
    """Page cache (SQLite's default is 2 MiB): the aggregates a batch touches stay in memory."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(f"PRAGMA cache_size=-{self.CACHE_KIB}")
        # Exact arithmetic on decimal text (totals and maxima may exceed SQLite's 64-bit integers).
        self._db.create_function("synor_add", 2, _add_text, deterministic=True)
        self._db.create_function("synor_max", 2, _max_text, deterministic=True)
        limit = self._db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._chunk = max(1, min(self.CHUNK, limit // 9))
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS usage_events (
                source TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, operator TEXT NOT NULL,
                resource TEXT NOT NULL, period INTEGER NOT NULL, time INTEGER NOT NULL,
                quantity TEXT NOT NULL, dimensions TEXT NOT NULL,
                UNIQUE (source, id));
            CREATE TABLE IF NOT EXISTS usage_aggregates (
                account TEXT NOT NULL, operator TEXT NOT NULL, resource TEXT NOT NULL, period INTEGER NOT NULL,
                total TEXT NOT NULL, count INTEGER NOT NULL, maximum TEXT NOT NULL,
                first_time INTEGER NOT NULL, last_time INTEGER NOT NULL,
                PRIMARY KEY (account, operator, resource, period)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS usage_events_by_aggregate
                ON usage_events (account, operator, resource, period);
            CREATE TABLE IF NOT EXISTS usage_rejections (
                seq INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, source TEXT, id TEXT,
                line INTEGER, reason TEXT NOT NULL, detail TEXT NOT NULL);
            """
        )

    def commit(self, batch: Sequence[Stamped]) -> CommitResult:
        unique = _unique(batch)
        rows = [
            (e.source, e.id, e.subject, e.operator, e.resource, p, e.time, str(e.quantity), _dimensions(e))
            for e, p in unique.values()
        ]
        self._db.execute("BEGIN IMMEDIATE")
        try:
            inserted: list[tuple[str, str]] = []
            for start in range(0, len(rows), self._chunk):
                chunk = rows[start : start + self._chunk]
                placeholders = ",".join(["(?,?,?,?,?,?,?,?,?)"] * len(chunk))
                inserted += self._db.execute(
                    f"INSERT INTO usage_events VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING source, id",
                    [value for row in chunk for value in row],
                ).fetchall()
            # Only the rows the INSERT returned (the new events) are aggregated: summed here first,
            # then added to the stored aggregates by one upsert per touched aggregate.
            deltas = _deltas(unique[key] for key in inserted)
            self._db.executemany(
                "INSERT INTO usage_aggregates VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (account, operator, resource, period) DO UPDATE SET "
                "total = synor_add(total, excluded.total), count = count + excluded.count, "
                "maximum = synor_max(maximum, excluded.maximum), "
                "first_time = min(first_time, excluded.first_time), last_time = max(last_time, excluded.last_time)",
                [(*key, str(d[0]), d[1], str(d[2]), d[3], d[4]) for key, d in deltas.items()],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return CommitResult(len(inserted), len(batch) - len(inserted))

    def record_rejections(self, rejections: Sequence[Rejection]) -> None:
        now = int(clock.time())
        with self._db:
            self._db.executemany(
                "INSERT INTO usage_rejections (received_at, source, id, line, reason, detail) VALUES (?,?,?,?,?,?)",
                [(now, r.source, r.event_id, r.line, r.reason, r.detail) for r in rejections],
            )

    def aggregates(self) -> dict[AggregateKey, Aggregate]:
        rows = self._db.execute("SELECT * FROM usage_aggregates").fetchall()
        return {
            AggregateKey(a, o, r, p): Aggregate(int(total), count, int(maximum), first, last)
            for a, o, r, p, total, count, maximum, first, last in rows
        }

    def rejections(self, limit: int = 100) -> list[Rejection]:
        rows = self._db.execute(
            "SELECT reason, detail, source, id, line FROM usage_rejections ORDER BY seq DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [Rejection(*row) for row in rows]

    def rejection_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT reason, count(*) FROM usage_rejections GROUP BY reason").fetchall()
        return {reason: int(count) for reason, count in rows}

    def event_count(self) -> int:
        count: int = self._db.execute("SELECT count(*) FROM usage_events").fetchone()[0]
        return count

    def event_leaves(self, key: AggregateKey) -> list[bytes]:
        from synor.metering.evidence import leaf  # eth-abi: loaded only when evidence is asked for

        rows = self._db.execute(
            "SELECT source, id, quantity FROM usage_events "
            "WHERE account = ? AND operator = ? AND resource = ? AND period = ?",
            (key.account, key.operator, key.resource, key.period),
        ).fetchall()
        return [leaf(source, event_id, int(quantity)) for source, event_id, quantity in rows]

    def close(self) -> None:
        self._db.close()


_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage_events (
    source TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, operator TEXT NOT NULL,
    resource TEXT NOT NULL, period BIGINT NOT NULL, time BIGINT NOT NULL,
    quantity NUMERIC(78, 0) NOT NULL, dimensions JSONB NOT NULL,
    PRIMARY KEY (source, id));
CREATE TABLE IF NOT EXISTS usage_aggregates (
    account TEXT NOT NULL, operator TEXT NOT NULL, resource TEXT NOT NULL, period BIGINT NOT NULL,
    total NUMERIC NOT NULL, count BIGINT NOT NULL, maximum NUMERIC(78, 0) NOT NULL,
    first_time BIGINT NOT NULL, last_time BIGINT NOT NULL,
    PRIMARY KEY (account, operator, resource, period));
CREATE INDEX IF NOT EXISTS usage_events_by_aggregate ON usage_events (account, operator, resource, period);
CREATE TABLE IF NOT EXISTS usage_rejections (
    seq BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, source TEXT, id TEXT,
    line BIGINT, reason TEXT NOT NULL, detail TEXT NOT NULL);
"""

# A batch is copied (COPY, the fastest way in) into a temporary table emptied at each commit.
_PG_BATCH = """
CREATE TEMPORARY TABLE IF NOT EXISTS usage_batch (
    source TEXT, id TEXT, account TEXT, operator TEXT, resource TEXT, period BIGINT, time BIGINT,
    quantity NUMERIC(78, 0), dimensions JSONB) ON COMMIT DELETE ROWS
"""
_PG_COPY = "COPY usage_batch FROM STDIN"

# Dedup and aggregation in one statement (so in one transaction): only the rows the INSERT returns
# reach the aggregates. Inputs are sorted, so concurrent aggregators lock rows in the same order.
_PG_COMMIT = """
WITH inserted AS (
    INSERT INTO usage_events SELECT * FROM usage_batch ORDER BY source, id ON CONFLICT DO NOTHING
    RETURNING account, operator, resource, period, time, quantity
), summed AS (
    INSERT INTO usage_aggregates AS a
    SELECT account, operator, resource, period, sum(quantity), count(*), max(quantity), min(time), max(time)
    FROM inserted GROUP BY account, operator, resource, period ORDER BY account, operator, resource, period
    ON CONFLICT (account, operator, resource, period) DO UPDATE SET
        total = a.total + EXCLUDED.total, count = a.count + EXCLUDED.count,
        maximum = GREATEST(a.maximum, EXCLUDED.maximum),
        first_time = LEAST(a.first_time, EXCLUDED.first_time), last_time = GREATEST(a.last_time, EXCLUDED.last_time)
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM summed)
"""


class PostgresStore:
    """PostgreSQL (psycopg 3), for several aggregators sharing one database."""

    RETRIES = 5

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._url = url
        self._conn = psycopg.connect(url, autocommit=True)
        with self._db.transaction():
            # One schema creation at a time when several aggregators start together.
            self._db.execute("SELECT pg_advisory_xact_lock(4242009)")
            self._db.execute(_PG_SCHEMA)

    @property
    def _db(self) -> Any:
        """The connection, opened again after the server dropped it (the failed call raised already)."""
        if self._conn.closed or self._conn.broken:
            self._conn = self._psycopg.connect(self._url, autocommit=True)
        return self._conn

    def commit(self, batch: Sequence[Stamped]) -> CommitResult:
        rows = [
            (e.source, e.id, e.subject, e.operator, e.resource, p, e.time, str(e.quantity), _dimensions(e))
            for e, p in _unique(batch).values()
        ]
        errors = self._psycopg.errors
        for attempt in range(self.RETRIES):
            try:
                with self._db.transaction(), self._db.cursor() as cursor:
                    cursor.execute(_PG_BATCH)
                    with cursor.copy(_PG_COPY) as copy:
                        for values in rows:
                            copy.write_row(values)
                    row = cursor.execute(_PG_COMMIT).fetchone()
                assert row is not None
                inserted = int(row[0])
                return CommitResult(inserted, len(batch) - inserted)
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == self.RETRIES - 1:
                    raise
                clock.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    def record_rejections(self, rejections: Sequence[Rejection]) -> None:
        now = int(clock.time())
        with self._db.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO usage_rejections (received_at, source, id, line, reason, detail) "
                "VALUES (%s,%s,%s,%s,%s,%s)",
                [(now, r.source, r.event_id, r.line, r.reason, r.detail) for r in rejections],
            )

    def aggregates(self) -> dict[AggregateKey, Aggregate]:
        with self._db.transaction():
            rows = self._db.execute(
                "SELECT account, operator, resource, period, total, count, maximum, first_time, last_time "
                "FROM usage_aggregates"
            ).fetchall()
        return {
            AggregateKey(a, o, r, int(p)): Aggregate(
                int(total), int(count), int(maximum), int(first), int(last)
            )
            for a, o, r, p, total, count, maximum, first, last in rows
        }

    def rejections(self, limit: int = 100) -> list[Rejection]:
        with self._db.transaction():
            rows = self._db.execute(
                "SELECT reason, detail, source, id, line FROM usage_rejections ORDER BY seq DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [
            Rejection(reason, detail, source, event_id, line)
            for reason, detail, source, event_id, line in rows
        ]

    def rejection_counts(self) -> dict[str, int]:
        with self._db.transaction():
            rows = self._db.execute(
                "SELECT reason, count(*) FROM usage_rejections GROUP BY reason"
            ).fetchall()
        return {reason: int(count) for reason, count in rows}

    def event_count(self) -> int:
        with self._db.transaction():
            row = self._db.execute("SELECT count(*) FROM usage_events").fetchone()
        assert row is not None
        return int(row[0])

    def event_leaves(self, key: AggregateKey) -> list[bytes]:
        from synor.metering.evidence import leaf  # eth-abi: loaded only when evidence is asked for

        with self._db.transaction():
            rows = self._db.execute(
                "SELECT source, id, quantity FROM usage_events "
                "WHERE account = %s AND operator = %s AND resource = %s AND period = %s",
                (key.account, key.operator, key.resource, key.period),
            ).fetchall()
        return [leaf(source, event_id, int(quantity)) for source, event_id, quantity in rows]

    def close(self) -> None:
        self._conn.close()

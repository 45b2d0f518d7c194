"""Metering throughput, latency and memory (issue 9), on real servers and without the chain.

Starts its own redis-server (append-only file on) and PostgreSQL (fsync on) on free local ports and
stops them. Events are CloudEvents NDJSON lines generated up front (generation is not timed): ids in
time order, 10,000 accounts, four sources, every catalogue resource, quantities as decimal strings.

- ``metering.ingest.embedded.events_per_s``: NDJSON lines → `ingest_lines` → embedded pipeline →
  SQLite (WAL, ``synchronous=FULL``), i.e. what ``synor usage ingest`` does, committed durably.
- ``metering.ingest.events_per_s``: a pre-filled set of Redis streams drained into SQLite by one
  `RedisAggregator` (read, validate, commit, acknowledge).
- ``metering.ingest.postgres.events_per_s``: the same into PostgreSQL, one aggregator process.
- ``metering.scale.two_aggregators_ratio``: two aggregator processes sharing the consumer group over
  PostgreSQL, events/s divided by one aggregator process's events/s on the same stream content.
- ``metering.latency.p99_ms``: a producer appends 10,000 events/s to Redis (accepted = ``XADD``
  returned) while one aggregator runs into SQLite; 99th percentile of accepted → committed.
- ``….events_per_cpu_s``: the same events per CPU second of the ingesting or aggregating process(es)
  (the Redis and PostgreSQL servers' CPU not counted): less sensitive to other work on the machine.
- ``metering.memory.peak_mb``: peak resident memory of a process ingesting 1,000,000 events over
  10,000 accounts (embedded, SQLite), lines generated on the fly; ``metering.memory.peak_mb_small``
  is the same for 100,000 events, to show it does not grow with the number of events.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path
from typing import Any

import psycopg
import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
import services  # noqa: E402

from synor.metering.events import parse_address  # noqa: E402
from synor.metering.pipeline import EmbeddedPipeline, ingest_lines  # noqa: E402
from synor.metering.redis_streams import RedisAggregator, shard_of, stream_key  # noqa: E402
from synor.metering.store import SqliteStore, open_store  # noqa: E402
from synor.pricing.catalogue import CATALOGUE  # noqa: E402

THROUGHPUT_EVENTS = 200_000
ACCOUNTS = 10_000
LATENCY_RATE = 10_000
LATENCY_SECONDS = 10
MEMORY_EVENTS = 1_000_000
MEMORY_EVENTS_SMALL = 100_000
OPERATOR = "0x" + "22" * 20
RESOURCES = list(CATALOGUE)

Metric = dict[str, Any]


def _accounts(count: int) -> list[str]:
    return [parse_address(f"0x{index + 1:040x}") for index in range(count)]


def lines(count: int, accounts: list[str], *, first: int = 0, prefix: str = "e") -> Iterator[bytes]:
    """``count`` valid CloudEvents NDJSON lines (ids ``prefix`` + a zero-padded sequence number)."""
    now = int(time.time())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60))
    for n in range(first, first + count):
        account, resource = accounts[n % len(accounts)], RESOURCES[n % len(RESOURCES)]
        yield (
            f'{{"specversion":"1.0","id":"{prefix}{n:012d}","source":"synor://bench/node-{n % 4}",'
            f'"type":"synor.usage","subject":"{account}","time":"{stamp}","data":{{"resource":"{resource}",'
            f'"quantity":"{1_000 + n}","operator":"{OPERATOR}","region":"eu"}}}}'
        ).encode()


def _rate(events_per_s: float) -> Metric:
    return {"value": round(events_per_s), "unit": "events/s"}


# -- embedded ------------------------------------------------------------------------------------
def embedded_rate(folder: Path, count: int = THROUGHPUT_EVENTS) -> tuple[float, float]:
    """(events per second, events per CPU second of the ingesting process)."""
    data = list(lines(count, _accounts(ACCOUNTS)))
    store = SqliteStore(folder / "embedded.db")
    start, cpu = time.perf_counter(), time.process_time()
    result = ingest_lines(data, EmbeddedPipeline(store))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert result.accepted == count and not result.rejected, result
    store.close()
    return count / elapsed, count / cpu


# -- Redis ---------------------------------------------------------------------------------------
def prefill(redis_url: str, count: int, prefix: str = "e") -> None:
    """Flushes Redis and appends ``count`` events to their accounts' shard streams."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    accounts = _accounts(ACCOUNTS)
    shard = {account: stream_key(shard_of(account)) for account in accounts}
    pipe = client.pipeline(transaction=False)
    for n, line in enumerate(lines(count, accounts, prefix=prefix)):
        pipe.xadd(shard[accounts[n % len(accounts)]], {"e": line})
        if n % 5_000 == 4_999:
            pipe.execute()
    pipe.execute()
    client.close()


def _drain(
    redis_url: str, store_url: str, consumer: str, barrier: Barrier | None = None
) -> tuple[int, float]:
    """Steps one aggregator until two steps in a row find nothing; returns (events read, CPU seconds)."""
    client = redis.Redis.from_url(redis_url)
    store = open_store(store_url)
    aggregator = RedisAggregator(client, store, consumer)
    if barrier is not None:
        barrier.wait()
    cpu = time.process_time()
    read, idle = 0, 0
    while idle < 2:
        step = aggregator.step()
        read += step.read
        idle = idle + 1 if step.read == 0 else 0
    cpu = time.process_time() - cpu
    store.close()
    client.close()
    return read, cpu


def _drain_worker(redis_url: str, store_url: str, consumer: str, barrier: Barrier, done: Any) -> None:
    read, cpu = _drain(redis_url, store_url, consumer, barrier)
    done.put((read, cpu, time.perf_counter()))


def drain_rate(redis_url: str, store_url: str, count: int, processes: int = 1) -> tuple[float, float]:
    """Events/s of ``processes`` aggregator processes draining ``count`` pre-filled events, and events
    per CPU second of the aggregators (the servers' CPU not counted)."""
    prefill(redis_url, count)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    done = context.Queue()
    workers = [
        context.Process(target=_drain_worker, args=(redis_url, store_url, f"agg-{i}", barrier, done))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    outcomes = [done.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed: float = max(finished for _, _, finished in outcomes) - start
    assert sum(read for read, _, _ in outcomes) >= count, outcomes
    store = open_store(store_url)
    assert store.event_count() == count
    store.close()
    return count / elapsed, count / sum(cpu for _, cpu, _ in outcomes)


def _fresh_database(postgres_server: str, name: str) -> str:
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"


# -- latency -------------------------------------------------------------------------------------
class _TimedStore:
    """A store that notes when each committed event became visible (the commit's return)."""

    def __init__(self, store: Any, seen: dict[str, float]) -> None:
        self._store = store
        self._seen = seen

    def commit(self, batch: Any) -> Any:
        result = self._store.commit(batch)
        now = time.time()
        for event, _period in batch:
            self._seen.setdefault(event.id, now)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _latency_worker(redis_url: str, store_url: str, ready: Event, stop: Event, done: Any) -> None:
    client = redis.Redis.from_url(redis_url)
    seen: dict[str, float] = {}
    aggregator = RedisAggregator(client, _TimedStore(open_store(store_url), seen), "latency")
    ready.set()
    aggregator.run(stop=stop.is_set, idle_sleep=0.005)
    done.put(seen)


def latency_p99_ms(
    redis_url: str, store_url: str, rate: int = LATENCY_RATE, seconds: int = LATENCY_SECONDS
) -> float:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    context = multiprocessing.get_context("spawn")
    ready, stop, done = context.Event(), context.Event(), context.Queue()
    worker = context.Process(target=_latency_worker, args=(redis_url, store_url, ready, stop, done))
    worker.start()
    ready.wait(timeout=120)
    accounts = _accounts(ACCOUNTS)
    shard = {account: stream_key(shard_of(account)) for account in accounts}
    tick = 0.01  # one batch every 10 ms
    per_tick = round(rate * tick)
    accepted: dict[str, float] = {}
    start = time.perf_counter()
    for batch in range(round(seconds / tick)):
        delay = start + batch * tick - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        first = batch * per_tick
        pipe = client.pipeline(transaction=False)
        for n, line in enumerate(lines(per_tick, accounts, first=first), start=first):
            pipe.xadd(shard[accounts[n % len(accounts)]], {"e": line})
        pipe.execute()
        now = time.time()
        for n in range(first, first + per_tick):
            accepted[f"e{n:012d}"] = now
    deadline = time.time() + 60
    total = len(accepted)
    while time.time() < deadline:
        store = open_store(store_url)
        count = store.event_count()
        store.close()
        if count >= total:
            break
        time.sleep(0.05)
    stop.set()
    seen: dict[str, float] = done.get(timeout=120)
    worker.join()
    client.close()
    latencies = sorted((seen[key] - accepted[key]) * 1_000 for key in accepted)
    assert len(latencies) == total
    return float(statistics.quantiles(latencies, n=100)[98])


# -- memory --------------------------------------------------------------------------------------
def _memory_worker(path: str, count: int, done: Any) -> None:
    store = SqliteStore(path)
    result = ingest_lines(lines(count, _accounts(ACCOUNTS)), EmbeddedPipeline(store))
    assert result.accepted == count and not result.rejected
    store.close()
    done.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def peak_mb(folder: Path, count: int) -> float:
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    worker = context.Process(target=_memory_worker, args=(str(folder / f"memory-{count}.db"), count, done))
    worker.start()
    peak: float = done.get(timeout=1_800)
    worker.join()
    return peak


# -- the suite -----------------------------------------------------------------------------------
def run(project: Any, accounts: Any) -> dict[str, Metric]:
    del project, accounts  # no chain needed
    results: dict[str, Metric] = {}
    with tempfile.TemporaryDirectory(prefix="synor-bench-") as temporary:
        folder = Path(temporary)
        rate, per_cpu = embedded_rate(folder)
        results["metering.ingest.embedded.events_per_s"] = _rate(rate)
        results["metering.ingest.embedded.events_per_cpu_s"] = _rate(per_cpu)
        with services.redis_server() as redis_url, services.postgres_server(fsync=True) as postgres:
            rate, per_cpu = drain_rate(redis_url, f"sqlite:{folder / 'redis.db'}", THROUGHPUT_EVENTS)
            results["metering.ingest.events_per_s"] = _rate(rate)
            results["metering.ingest.events_per_cpu_s"] = _rate(per_cpu)
            one, per_cpu = drain_rate(redis_url, _fresh_database(postgres, "one"), THROUGHPUT_EVENTS)
            results["metering.ingest.postgres.events_per_s"] = _rate(one)
            results["metering.ingest.postgres.events_per_cpu_s"] = _rate(per_cpu)
            two, _ = drain_rate(redis_url, _fresh_database(postgres, "two"), THROUGHPUT_EVENTS, processes=2)
            results["metering.scale.two_aggregators_ratio"] = {"value": round(two / one, 2), "unit": "ratio"}
            p99 = latency_p99_ms(redis_url, f"sqlite:{folder / 'latency.db'}")
            results["metering.latency.p99_ms"] = {"value": round(p99, 1), "unit": "ms"}
        results["metering.memory.peak_mb"] = {"value": round(peak_mb(folder, MEMORY_EVENTS), 1), "unit": "MB"}
        results["metering.memory.peak_mb_small"] = {
            "value": round(peak_mb(folder, MEMORY_EVENTS_SMALL), 1),
            "unit": "MB",
        }
    return results


if __name__ == "__main__":  # python -m bench.metering: this suite alone, printed
    for key, metric in run(None, None).items():
        print(f"{key:<42} {metric['value']:>12,} {metric['unit']}")

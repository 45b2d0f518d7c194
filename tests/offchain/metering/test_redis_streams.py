"""The Redis Streams path on a real redis-server: pending first, acknowledge after the durable commit,
reclaim from dead consumers, dead letters, safe trimming, and exactly-once totals under crashes."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
import redis
from redis.crc import key_slot

from synor.metering.aggregate import aggregate
from synor.metering.events import Reason
from synor.metering.periods import Periods
from synor.metering.pipeline import ingest_lines
from synor.metering.redis_streams import (
    RedisAggregator,
    RedisProducer,
    dead_letter_key,
    shard_of,
    stream_key,
    stream_lengths,
)
from synor.metering.store import PostgresStore, SqliteStore

from .helpers import ACCOUNTS, T0, event

SHARDS = 4
PERIODS = Periods()


class Crash(Exception):
    """A simulated kill -9 of an aggregator at a chosen point."""


def producer(client):
    return RedisProducer(client, PERIODS, clock=lambda: T0, shards=SHARDS)


def aggregator(client, store, name, **options):
    values = {"periods": PERIODS, "clock": lambda: T0, "shards": SHARDS, "batch": 50, **options}
    return RedisAggregator(client, store, name, **values)


def publish(client, events):
    result = producer(client).submit([(e, None) for e in events])
    assert result.accepted == len(events) and not result.rejected


def drained(client, group="aggregators"):
    for shard in range(SHARDS):
        for info in client.xinfo_groups(stream_key(shard)):
            if _name(info["name"]) == group and (int(info["pending"]) or int(info["lag"] or 0)):
                return False
    return True


def _name(value):
    return value.decode() if isinstance(value, bytes) else value


def stamped(events):
    return [(e, PERIODS.period_of(e.time)) for e in {e.key: e for e in events}.values()]


def test_layout_shards_accounts_with_hash_tags_for_redis_cluster():
    assert stream_key(3) == "synor:usage:{s003}" and dead_letter_key(3) == "synor:usage:{s003}:dead"
    assert key_slot(stream_key(3).encode()) == key_slot(dead_letter_key(3).encode()) == key_slot(b"s003")
    assert shard_of(ACCOUNTS[0], 16) == shard_of(ACCOUNTS[0].lower(), 16)
    assert len({shard_of(a, SHARDS) for a in ACCOUNTS}) > 1  # accounts spread over shards


def test_events_flow_from_ingest_through_streams_into_the_store(redis_client, tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    events = [event(f"e{n}", quantity=n + 1, account=ACCOUNTS[n % 8]) for n in range(200)]
    lines = [e.to_json_line() for e in events] + [events[0].to_json_line(), "{bad"]
    result = ingest_lines(lines, producer(redis_client))
    assert result.accepted == 201 and [r.reason for r in result.rejected] == [Reason.MALFORMED_JSON]
    for shard in range(SHARDS):  # each account's events are in its own shard's stream
        for _id, fields in redis_client.xrange(stream_key(shard)):
            assert shard_of(json.loads(fields[b"e"])["subject"], SHARDS) == shard
    worker = aggregator(redis_client, store, "a")
    steps = [worker.step() for _ in range(4)]
    assert sum(s.committed for s in steps) == 200 and sum(s.duplicates for s in steps) == 1
    assert drained(redis_client) and store.aggregates() == aggregate(stamped(events))


def test_a_crash_after_the_commit_and_before_the_ack_redelivers_pending_first_and_counts_once(
    redis_client, tmp_path
):
    store = SqliteStore(tmp_path / "usage.db")
    events = [event(f"e{n}", quantity=10) for n in range(30)]
    publish(redis_client, events)

    def crash():
        raise Crash

    with pytest.raises(Crash):
        aggregator(redis_client, store, "a", before_ack=crash).step()
    assert store.event_count() == 30 and not drained(redis_client)  # committed, not acknowledged
    publish(redis_client, [event("late", quantity=1)])
    restarted = aggregator(redis_client, store, "a", batch=30)  # same consumer name after the restart
    first = restarted.step()
    assert (first.read, first.committed, first.duplicates) == (30, 0, 30)  # its pending entries, first
    second = restarted.step()
    assert (second.read, second.committed) == (1, 1)
    assert drained(redis_client)
    [total] = store.aggregates().values()
    assert (total.total, total.count) == (301, 31)


def test_entries_stuck_with_a_dead_consumer_are_reclaimed(redis_client, tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    publish(redis_client, [event(f"e{n}") for n in range(20)])

    def die():
        raise Crash

    with pytest.raises(Crash):
        aggregator(redis_client, SqliteStore(tmp_path / "other.db"), "dead", before_ack=die).step()
    survivor = aggregator(redis_client, store, "alive", claim_idle_ms=2_000)
    assert survivor.step().read == 0  # not idle long enough yet: the other consumer may be alive
    time.sleep(2.05)
    assert survivor.step().committed == 20
    assert drained(redis_client) and store.event_count() == 20


class FailingStore(SqliteStore):
    def commit(self, batch):
        raise RuntimeError("the database is down")


def test_an_entry_that_keeps_failing_goes_to_the_dead_letter_stream(redis_client, tmp_path):
    publish(redis_client, [event("poison", account=ACCOUNTS[0])])
    shard = shard_of(ACCOUNTS[0], SHARDS)
    worker = aggregator(redis_client, FailingStore(tmp_path / "usage.db"), "a", max_deliveries=2)
    for _ in range(2):  # delivered twice, failed twice
        with pytest.raises(RuntimeError):
            worker.step()
    outcome = worker.step()  # the third delivery exceeds the limit
    assert outcome.dead_lettered == 1 and outcome.committed == 0
    [(_id, fields)] = redis_client.xrange(dead_letter_key(shard))
    assert json.loads(fields[b"e"])["id"] == "poison" and fields[b"deliveries"] == b"3"
    assert drained(redis_client)


def test_refused_entries_are_recorded_with_a_reason_and_acknowledged(redis_client, tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    redis_client.xadd(stream_key(0), {"e": b'{"id": 1}'})
    publish(redis_client, [event("old", time=T0)])
    later = T0 + 60 * 86_400  # by the time the aggregator runs, the event's period has closed
    outcome = aggregator(redis_client, store, "a", clock=lambda: later).step()
    assert (outcome.rejected, outcome.committed) == (2, 0)
    assert sorted(r.reason for r in store.rejections()) == [Reason.BAD_ID, Reason.PERIOD_CLOSED]
    assert drained(redis_client) and store.aggregates() == {}


def test_trimming_keeps_everything_not_yet_committed(redis_client, tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    events = [event(f"e{n}", account=ACCOUNTS[0]) for n in range(10)]
    publish(redis_client, events)
    key = stream_key(shard_of(ACCOUNTS[0], SHARDS))

    def crash():
        raise Crash

    with pytest.raises(Crash):
        aggregator(redis_client, store, "a", batch=4, before_ack=crash).step()  # 4 entries pending
    other = aggregator(redis_client, store, "b")
    other.step()  # reads and acknowledges the other 6
    assert other.trim() == 0 and redis_client.xlen(key) == 10  # the oldest entries are still pending
    publish(redis_client, [event(f"n{n}", account=ACCOUNTS[0]) for n in range(5)])  # never delivered
    aggregator(redis_client, store, "a", batch=4).step()  # "a" restarts and commits its 4
    other.step()  # and the 5 new ones
    assert other.trim() == 14 and redis_client.xlen(key) == 1  # all committed; the last id is kept
    publish(redis_client, [event("fresh", account=ACCOUNTS[0])])
    assert other.trim() == 0 and redis_client.xlen(key) == 2  # undelivered entries are never trimmed
    assert stream_lengths(redis_client, SHARDS)[key] == 2


class FlakyStore(PostgresStore):
    """A store whose process may die right before a commit."""

    def __init__(self, url, rng, rate, crashes):
        super().__init__(url)
        self.rng, self.rate, self.crashes = rng, rate, crashes

    def commit(self, batch):
        if self.rng.random() < self.rate:
            self.crashes["before commit"] += 1
            raise Crash
        return super().commit(batch)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exactly_once_with_two_aggregators_duplicates_replays_and_crashes(redis_server, postgres_url, seed):
    """Random duplicates and replays go in; two aggregators share the group over PostgreSQL and are
    killed at random before commits and between commits and acknowledgements, restarting under the
    same or a new name; the totals equal a from-scratch recount of the distinct events."""
    rng = random.Random(seed)
    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    events = [
        event(f"e{n}", account=rng.choice(ACCOUNTS), quantity=rng.choice([1, rng.randrange(2**80)]),
              resource=rng.choice(["storage.capacity", "network.egress", "compute.cpu"]),
              time=T0 - rng.randrange(3 * 86_400), source=rng.choice(["node-1", "node-2"]))
        for n in range(600)
    ]  # fmt: skip
    stream = [e for e in events for _ in range(rng.choice([1, 1, 2, 3]))]  # duplicates …
    rng.shuffle(stream)
    stream += rng.sample(events, 100)  # … and a replay of old events

    def worker(index):
        local = random.Random(seed * 10 + index)
        connection = redis.Redis.from_url(redis_server)
        generation = 0
        while not (done.is_set() and drained(connection)):
            name = f"agg{index}-{generation}" if local.random() < 0.5 else f"agg{index}-0"
            store = FlakyStore(postgres_url, local, 0.2, crashes)

            def maybe_die(local=local):
                if local.random() < 0.2:
                    crashes["before ack"] += 1
                    raise Crash

            agg = aggregator(
                connection,
                store,
                name,
                batch=10,
                claim_idle_ms=20,
                before_ack=maybe_die,
                max_deliveries=1_000,
            )
            try:
                while not (done.is_set() and drained(connection)):
                    if agg.step().read == 0:
                        time.sleep(0.005)
            except Crash:
                generation += 1  # killed: a new process starts
            finally:
                store.close()
        connection.close()

    crashes = {"before commit": 0, "before ack": 0}
    done = threading.Event()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for start in range(0, len(stream), 150):
        publish(client, stream[start : start + 150])
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert min(crashes.values()) >= 3, crashes  # both kinds of crash happened, several times
    check = PostgresStore(postgres_url)
    assert check.aggregates() == aggregate(stamped(events))
    assert check.event_count() == len(events)
    check.close()
    assert all(client.xlen(dead_letter_key(s)) == 0 for s in range(SHARDS))
    client.close()


def run_cli(*args, input=None):
    from click.testing import CliRunner

    from synor.cli import main

    result = CliRunner(mix_stderr=False).invoke(main, ["usage", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_to_redis_then_aggregate_and_status(redis_server, redis_client, tmp_path):
    now = int(time.time())
    events = [event(f"e{n}", quantity=n, account=ACCOUNTS[n % 3], time=now) for n in range(1, 41)]
    lines = "\n".join(e.to_json_line() for e in events) + "\n" + events[0].to_json_line() + "\n"
    common = ["--redis", redis_server, "--shards", str(SHARDS)]
    store = ["--store", f"sqlite:{tmp_path / 'usage.db'}"]
    code, out, _ = run_cli("ingest", "-", *common, "--json", input=lines)
    assert code == 0 and json.loads(out) == {"accepted": 41, "duplicates": 0, "rejected": 0}  # queued
    code, out, _ = run_cli("status", *store, *common, "--json")
    streams = json.loads(out)["streams"]
    assert sum(s["length"] for s in streams.values()) == 41
    code, out, _ = run_cli("aggregate", *store, *common, "--once", "--consumer", "cli", "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["committed"], summary["duplicates"], summary["dead_lettered"]) == (40, 1, 0)
    code, out, _ = run_cli("status", *store, *common, "--json")
    payload = json.loads(out)
    assert sum(int(a["total"]) for a in payload["aggregates"]) == sum(range(1, 41))
    assert all(s["pending"] == {} and s["undelivered"] == 0 for s in payload["streams"].values())
    code, out, _ = run_cli("status", *store, *common)
    assert code == 0 and "pending none" in out


def test_lag_reports_pending_per_consumer_and_dead_letters(redis_client, tmp_path):
    from synor.metering.redis_streams import lag

    publish(redis_client, [event(f"e{n}", account=ACCOUNTS[0]) for n in range(5)])

    def crash():
        raise Crash

    with pytest.raises(Crash):
        aggregator(
            redis_client, SqliteStore(tmp_path / "usage.db"), "worker-1", batch=3, before_ack=crash
        ).step()
    shard = stream_key(shard_of(ACCOUNTS[0], SHARDS))
    report = lag(redis_client, SHARDS)[shard]
    assert report == {"length": 5, "undelivered": 2, "pending": {"worker-1": 3}, "dead_lettered": 0}


def test_cli_refuses_an_unreachable_redis_in_one_line():
    from free_port import free_port

    code, _, err = run_cli("ingest", "-", "--redis", f"redis://127.0.0.1:{free_port()}", input="")
    assert code == 2 and err.startswith("error: cannot reach Redis at redis://127.0.0.1:")


def test_an_aggregator_rides_out_a_redis_restart_and_the_append_only_file_keeps_the_entries(tmp_path):
    from free_port import free_port

    from .conftest import start_redis, stop_redis

    folder, port = tmp_path / "redis", free_port()
    folder.mkdir()
    client = start_redis(folder, port)
    store = SqliteStore(tmp_path / "usage.db")
    worker = aggregator(redis.Redis(port=port), store, "a")
    publish(client, [event(f"e{n}", account=ACCOUNTS[n % 8]) for n in range(50)])
    stop_redis(client)  # Redis goes down after taking the events
    delays: list[float] = []
    messages: list[str] = []

    def sleep(seconds):
        delays.append(seconds)
        if len(delays) == 1:
            start_redis(folder, port)  # and comes back, reloading its append-only file

    worker.run(stop=lambda: store.event_count() == 50, log=messages.append, sleep=sleep, first_delay=0.5)
    assert delays[0] == 0.5 and "ConnectionError" in messages[0] and "retrying in 0.5s" in messages[0]
    assert store.event_count() == 50 and drained(redis.Redis(port=port))
    stop_redis(redis.Redis(port=port))


def test_an_aggregator_rides_out_a_dropped_database_connection(redis_client, postgres_url):
    import psycopg

    store = PostgresStore(postgres_url)
    publish(redis_client, [event(f"e{n}") for n in range(20)])
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # the server drops the connection
        admin.execute("SELECT pg_terminate_backend(%s)", (store._conn.info.backend_pid,))
    delays: list[float] = []
    messages: list[str] = []
    worker = aggregator(redis_client, store, "a")
    check = PostgresStore(postgres_url)
    worker.run(
        stop=lambda: check.event_count() == 20, log=messages.append, sleep=delays.append, first_delay=0.25
    )
    check.close()
    assert "AdminShutdown: terminating connection" in messages[0] and delays[0] == 0.25
    assert drained(redis_client) and sum(a.total for a in store.aggregates().values()) == 20
    store.close()

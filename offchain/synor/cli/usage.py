"""`synor usage`: usage events in (NDJSON), through the embedded pipeline or Redis Streams, into a store."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from synor.cli.root import SynorGroup
from synor.metering.events import Rejection
from synor.metering.periods import Periods
from synor.metering.pipeline import EmbeddedPipeline, Sink, ingest_lines
from synor.metering.store import UsageStore, open_store
from synor.units import InputError, parse_duration

json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
store_option = click.option(
    "--store",
    "store_url",
    envvar="SYNOR_USAGE_STORE",
    default="sqlite:usage.db",
    show_default=True,
    help="sqlite:PATH or postgresql://… (env SYNOR_USAGE_STORE).",
)
redis_option = click.option(
    "--redis", "redis_url", envvar="SYNOR_REDIS_URL", help="redis://… (env SYNOR_REDIS_URL)."
)
shards_option = click.option("--shards", type=click.IntRange(1, 4096), default=16, show_default=True)


def _periods(genesis: int, period_length: str, late_window: str) -> Periods:
    try:
        return Periods(
            genesis=genesis, length=parse_duration(period_length), late_window=parse_duration(late_window)
        )
    except ValueError as error:
        raise InputError(str(error)) from None


def period_options(function: Any) -> Any:
    function = click.option(
        "--late-window", default="6d", show_default=True, help="How long after its end a period takes events."
    )(function)
    function = click.option("--period-length", default="30d", show_default=True)(function)
    return click.option(
        "--genesis",
        type=click.IntRange(0),
        envvar="SYNOR_USAGE_GENESIS",
        default=0,
        show_default=True,
        help="Start of period 0, Unix seconds (env SYNOR_USAGE_GENESIS).",
    )(function)


@contextmanager
def _store(url: str) -> Iterator[UsageStore]:
    try:
        store = open_store(url)
    except Exception as error:  # sqlite3 / psycopg errors: one line, not a traceback
        raise InputError(f"cannot open the usage store {url!r}: {error}") from None
    try:
        yield store
    finally:
        store.close()


def _redis(url: str) -> Any:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as error:
        raise InputError(f"cannot reach Redis at {url}: {error}") from None
    return client


@click.group(cls=SynorGroup)
def usage() -> None:
    """Metered usage: ingest CloudEvents usage events and aggregate them."""


@usage.command()
@click.argument("source", type=click.File("rb"))
@store_option
@redis_option
@shards_option
@period_options
@json_option
def ingest(
    source: IO[bytes],
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: str,
    late_window: str,
    as_json: bool,
) -> None:
    """Ingest NDJSON usage events from SOURCE (a file, or - for stdin).

    Without --redis, events are validated and committed to the store at once (embedded pipeline).
    With --redis, they are validated and appended to Redis Streams for `synor usage aggregate`.
    Prints accepted, duplicate and rejected counts; with --json, each rejection as it happens and then
    the counts, one JSON object per line.
    """
    periods = _periods(genesis, period_length, late_window)

    def report(rejection: Rejection) -> None:
        if as_json:
            click.echo(json.dumps(rejection.to_json(), sort_keys=True))

    def run(sink: Sink) -> None:
        result = ingest_lines(source, sink, on_reject=report)
        counts = {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": len(result.rejected),
        }
        if as_json:
            click.echo(json.dumps(counts, sort_keys=True))
        else:
            click.echo(
                f"accepted {result.accepted}, duplicates {result.duplicates}, rejected {len(result.rejected)}"
            )
            if result.rejected:
                click.echo("use --json to see why each rejected event was refused", err=True)

    if redis_url:
        from synor.metering.redis_streams import RedisProducer

        run(RedisProducer(_redis(redis_url), periods, shards=shards))
    else:
        with _store(store_url) as store:
            run(EmbeddedPipeline(store, periods))


@usage.command()
@store_option
@redis_option
@shards_option
@period_options
@click.option("--consumer", default=lambda: f"{socket.gethostname()}-{os.getpid()}", help="Consumer name.")
@click.option("--once", is_flag=True, help="Drain what is there now, then stop.")
@click.option("--claim-idle", "claim_idle_ms", type=click.IntRange(0), default=30_000, show_default=True)
@click.option("--max-deliveries", type=click.IntRange(1), default=5, show_default=True)
@json_option
def aggregate(
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: str,
    late_window: str,
    consumer: str,
    once: bool,
    claim_idle_ms: int,
    max_deliveries: int,
    as_json: bool,
) -> None:
    """Aggregate events from Redis Streams into the store (one consumer of the group)."""
    from synor.metering.redis_streams import RedisAggregator

    if not redis_url:
        raise InputError("aggregate reads Redis Streams: pass --redis redis://… or set SYNOR_REDIS_URL")
    periods = _periods(genesis, period_length, late_window)
    client = _redis(redis_url)
    with _store(store_url) as store:
        aggregator = RedisAggregator(
            client,
            store,
            consumer,
            periods=periods,
            shards=shards,
            claim_idle_ms=claim_idle_ms,
            max_deliveries=max_deliveries,
        )
        totals = {"read": 0, "committed": 0, "duplicates": 0, "rejected": 0, "dead_lettered": 0}
        if once:
            while True:
                step = aggregator.step()
                for name in totals:
                    totals[name] += getattr(step, name)
                if step.read == 0 and step.dead_lettered == 0:
                    break
            totals["trimmed"] = aggregator.trim()
            if as_json:
                click.echo(json.dumps(totals, sort_keys=True))
            else:
                click.echo(", ".join(f"{name.replace('_', ' ')} {value}" for name, value in totals.items()))
        else:
            click.echo(f"aggregating as {consumer} (Ctrl-C stops)", err=True)
            with contextlib.suppress(KeyboardInterrupt):
                aggregator.run(log=lambda message: click.echo(message, err=True))


@usage.command()
@store_option
@redis_option
@shards_option
@click.option(
    "--limit", type=click.IntRange(0), default=10, show_default=True, help="Latest rejections shown."
)
@json_option
def status(store_url: str, redis_url: str | None, shards: int, limit: int, as_json: bool) -> None:
    """Aggregates per (account, operator, resource, period), rejections by reason, and with --redis the
    pipeline's lag: entries per stream, not yet delivered, pending per consumer, dead-lettered."""
    with _store(store_url) as store:
        aggregates = sorted(store.aggregates().items())
        counts = store.rejection_counts()
        latest = store.rejections(limit)
    streams = None
    if redis_url:
        from synor.metering.redis_streams import lag

        streams = lag(_redis(redis_url), shards)
    if as_json:
        payload = {
            "aggregates": [
                {"account": k.account, "operator": k.operator, "resource": k.resource, "period": k.period,
                 "total": str(a.total), "count": a.count, "max": str(a.maximum),
                 "first_time": a.first_time, "last_time": a.last_time}
                for k, a in aggregates
            ],
            "rejections": {"by_reason": counts, "latest": [r.to_json() for r in latest]},
            "streams": streams,
        }  # fmt: skip
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
        return
    click.echo(f"aggregates: {len(aggregates)}")
    for key, entry in aggregates:
        click.echo(
            f"  period {key.period}  {key.account}  {key.resource:<22} total {entry.total}  "
            f"events {entry.count}  max {entry.maximum}  operator {key.operator}"
        )
    click.echo(f"rejected: {sum(counts.values())}" + "".join(f"  {r} {n}" for r, n in sorted(counts.items())))
    for rejection in latest:
        click.echo(
            f"  {rejection.reason}: {rejection.detail} (source {rejection.source}, id {rejection.event_id})"
        )
    if streams is not None:
        for name, stream in streams.items():
            pending = ", ".join(f"{c} {n}" for c, n in stream["pending"].items()) or "none"
            click.echo(
                f"{name}: {stream['length']} entries, {stream['undelivered']} undelivered, pending {pending}, "
                f"{stream['dead_lettered']} dead-lettered"
            )


keys_option = click.option(
    "--keys",
    "keys_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SYNOR_USAGE_KEYS",
    default=Path("usage-keys.json"),
    show_default=True,
    help="Source keys (hashes only) for `synor usage serve` (env SYNOR_USAGE_KEYS).",
)


@usage.command("key")
@keys_option
@click.option("--source", required=True, help="The CloudEvents source this key may send for.")
@click.option("--operator", required=True, help="The operator address this key may bill for.")
@json_option
def issue_key(keys_path: Path, source: str, operator: str, as_json: bool) -> None:
    """Issue a key for one source and operator; it is printed once, and only its hash is kept."""
    from synor.metering.http_api import KeyRing

    ring = KeyRing.load(keys_path)
    try:
        key = ring.issue(source, operator)
    except ValueError as error:
        raise InputError(f"cannot issue a key: {error}") from None
    ring.save(keys_path)
    if as_json:
        click.echo(json.dumps({"key": key, "source": source, "keys_file": str(keys_path)}, sort_keys=True))
    else:
        click.echo(key)
        click.echo(f"(for source {source!r}; only its hash is in {keys_path}: store the key now)", err=True)


@usage.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8088, show_default=True)
@keys_option
@store_option
@redis_option
@shards_option
@period_options
def serve(
    host: str,
    port: int,
    keys_path: Path,
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: str,
    late_window: str,
) -> None:
    """Answer POST /events (one CloudEvent or a batch) with 202 and per-event rejections."""
    from synor.metering.http_api import KeyRing, make_server

    periods = _periods(genesis, period_length, late_window)
    ring = KeyRing.load(keys_path)
    with contextlib.ExitStack() as stack:
        sink: Sink
        if redis_url:
            from synor.metering.redis_streams import RedisProducer

            sink = RedisProducer(_redis(redis_url), periods, shards=shards)
        else:
            sink = EmbeddedPipeline(stack.enter_context(_store(store_url)), periods)
        server = make_server(host, port, ring, sink)
        click.echo(f"listening on http://{host}:{server.server_port}/events", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@usage.command()
@click.option("--accounts", type=click.IntRange(1, 10_000), default=5, show_default=True)
@click.option("--duration", default="1d", show_default=True, help="Simulated time, ending now.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--operator", default="0x" + "22" * 20, show_default=True, help="The operator address.")
@click.option("--genesis", type=click.IntRange(0), envvar="SYNOR_USAGE_GENESIS", default=0, show_default=True)
def simulate(accounts: int, duration: str, seed: int, operator: str, genesis: int) -> None:
    """Print NDJSON usage events of a deterministic load driving all five meters (for demos and tests)."""
    import time

    from synor.metering.events import parse_address
    from synor.metering.loadgen import simulate as generate

    try:
        seconds = parse_duration(duration)
        parse_address(operator)
    except ValueError as error:
        raise InputError(str(error)) from None
    end = int(time.time()) // 3_600 * 3_600
    addresses = [f"0x{n + 1:040x}" for n in range(accounts)]
    for event in generate(
        addresses, operator, max(genesis, end - seconds), seconds, seed=seed, genesis=genesis
    ):
        click.echo(event.to_json_line())

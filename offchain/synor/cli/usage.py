"""`synor usage`: usage events in (NDJSON), through the embedded pipeline or Redis Streams, into a store.

Options parse through the shared types (synor.cli.options); refusals are ``InputError``s, which the
root group prints as one line on stderr with exit code 2 (``{"error": …}`` under ``--json``).
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import (
    COUNT,
    Address,
    Duration,
    Host,
    Name,
    RedisUrl,
    StoreUrl,
    UriReference,
    json_option,
)
from synor.metering.aggregate import AggregateKey
from synor.metering.events import Rejection
from synor.metering.periods import Periods
from synor.metering.pipeline import EmbeddedPipeline, Sink, ingest_lines
from synor.metering.store import UsageStore, open_store
from synor.units import InputError

if TYPE_CHECKING:
    from synor.metering.http_api import KeyRing

F = TypeVar("F", bound=Callable[..., Any])

MAX_SIMULATED_SECONDS = 366 * 86_400
"""`synor usage simulate --duration` is at most a year (its output grows with it)."""

store_option = click.option(
    "--store",
    "store_url",
    type=StoreUrl(),
    envvar="SYNOR_USAGE_STORE",
    default="sqlite:usage.db",
    show_default=True,
    help="sqlite:PATH or postgresql://… (env SYNOR_USAGE_STORE).",
)
redis_option = click.option(
    "--redis",
    "redis_url",
    type=RedisUrl(),
    envvar="SYNOR_REDIS_URL",
    help="redis://… (env SYNOR_REDIS_URL).",
)
shards_option = click.option("--shards", type=click.IntRange(1, 4096), default=16, show_default=True)
genesis_option = click.option(
    "--genesis",
    type=click.IntRange(0),
    envvar="SYNOR_USAGE_GENESIS",
    default=0,
    show_default=True,
    help="Start of period 0, Unix seconds (env SYNOR_USAGE_GENESIS).",
)


def _periods(genesis: int, period_length: int, late_window: int) -> Periods:
    try:
        return Periods(genesis=genesis, length=period_length, late_window=late_window)
    except ValueError as error:
        raise InputError(str(error)) from None


def period_options(function: Any) -> Any:
    function = click.option(
        "--late-window",
        type=Duration(),
        default="6d",
        show_default=True,
        help="How long after its end a period takes events.",
    )(function)
    function = click.option("--period-length", type=Duration(minimum=1), default="30d", show_default=True)(
        function
    )
    return genesis_option(function)


@contextmanager
def opened_store(url: str) -> Iterator[UsageStore]:
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


@click.group()
def usage() -> None:
    """Metered usage: ingest and aggregate usage events; sign and submit usage reports."""


@usage.command()
@click.argument("source", type=click.File("rb"))
@store_option
@redis_option
@shards_option
@period_options
@json_option
@pass_context
def ingest(
    context: Context,
    source: IO[bytes],
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: int,
    late_window: int,
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
            context.emit_json(rejection.to_json())

    def run(sink: Sink) -> None:
        result = ingest_lines(source, sink, on_reject=report)
        counts = {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": len(result.rejected),
        }
        if as_json:
            context.emit_json(counts)
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
        with opened_store(store_url) as store:
            run(EmbeddedPipeline(store, periods))


@usage.command()
@store_option
@redis_option
@shards_option
@period_options
@click.option(
    "--consumer",
    type=Name("consumer name"),
    default=lambda: f"{socket.gethostname()}-{os.getpid()}",
    help="Consumer name in the group (default: HOST-PID).",
)
@click.option("--once", is_flag=True, help="Drain what is there now, then stop.")
@click.option(
    "--claim-idle",
    "claim_idle_ms",
    type=click.IntRange(0),
    default=30_000,
    show_default=True,
    help="Milliseconds after which another consumer's pending entry is claimed.",
)
@click.option(
    "--max-deliveries",
    type=COUNT,
    default=5,
    show_default=True,
    help="Deliveries after which an entry goes to the dead-letter stream.",
)
@json_option
@pass_context
def aggregate(
    context: Context,
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: int,
    late_window: int,
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
    with opened_store(store_url) as store:
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
                context.emit_json(totals)
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
@click.option(
    "--chain",
    "with_chain",
    is_flag=True,
    help="Also say, per aggregate, what the settlement contract has charged and what awaits settlement.",
)
@json_option
@pass_context
def status(
    context: Context,
    store_url: str,
    redis_url: str | None,
    shards: int,
    limit: int,
    with_chain: bool,
    as_json: bool,
) -> None:
    """Aggregates per (account, operator, resource, period), rejections by reason, with --redis the
    pipeline's lag (entries per stream, not yet delivered, pending per consumer, dead-lettered), and with
    --chain what was settled and what awaits settlement."""
    with opened_store(store_url) as store:
        aggregates = sorted(store.aggregates().items())
        counts = store.rejection_counts()
        latest = store.rejections(limit)
    settled: dict[AggregateKey, int] = {}
    if with_chain:
        settled = _charged_on_chain(context, [key for key, _ in aggregates])
    streams = None
    if redis_url:
        from synor.metering.redis_streams import lag

        streams = lag(_redis(redis_url), shards)
    if as_json:
        context.emit_json({
            "aggregates": [
                {"account": k.account, "operator": k.operator, "resource": k.resource, "period": k.period,
                 "total": str(a.total), "count": a.count, "max": str(a.maximum),
                 "first_time": a.first_time, "last_time": a.last_time}
                | ({"settled": str(settled[k]), "awaiting": str(max(0, a.total - settled[k]))}
                   if k in settled else {})
                for k, a in aggregates
            ],
            "rejections": {"by_reason": counts, "latest": [r.to_json() for r in latest]},
            "streams": streams,
        })  # fmt: skip
        return
    click.echo(f"aggregates: {len(aggregates)}")
    for key, entry in aggregates:
        click.echo(
            f"  period {key.period}  {key.account}  {key.resource:<22} total {entry.total}  "
            f"events {entry.count}  max {entry.maximum}  operator {key.operator}"
            + (_settlement_text(entry.total, settled[key]) if key in settled else "")
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


def _charged_on_chain(context: Context, keys: list[AggregateKey]) -> dict[AggregateKey, int]:
    """The cumulative the settlement contract charged for each aggregate."""
    from synor.billing.settlement import SettlementClient
    from synor.metering.keeper import charged_on_chain

    return charged_on_chain(SettlementClient(context.chain), keys)


def _settlement_text(total: int, settled: int) -> str:
    if settled >= total:
        return "  settled"
    return f"  settled {settled}, awaiting settlement {total - settled}"


def keys_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--keys",
        "keys_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="SYNOR_USAGE_KEYS",
        default=Path("usage-keys.json"),
        show_default=True,
        help=help + " (env SYNOR_USAGE_KEYS).",
    )


def _load_keys(path: Path) -> KeyRing:
    from synor.metering.http_api import KeyRing

    try:
        return KeyRing.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:  # unreadable, not JSON, not a key file
        raise InputError(f"cannot read the keys file {str(path)!r}: {error}") from None


@usage.command("key")
@keys_option("Key file (hashes only) to add the key to; created if missing")
@click.option(
    "--source",
    type=UriReference(),
    required=True,
    help="The CloudEvents source this key may send for.",
)
@click.option(
    "--operator",
    type=Address(what="operator address"),
    required=True,
    help="The operator address this key may bill for.",
)
@json_option
@pass_context
def issue_key(context: Context, keys_path: Path, source: str, operator: str, as_json: bool) -> None:
    """Issue a key for one source and operator; it is printed once, and only its hash is kept."""
    ring = _load_keys(keys_path)
    try:
        key = ring.issue(source, operator)
    except ValueError as error:
        raise InputError(f"cannot issue a key: {error}") from None
    try:
        ring.save(keys_path)
    except OSError as error:
        raise InputError(f"cannot write the keys file {str(keys_path)!r}: {error}") from None
    if as_json:
        context.emit_json({"key": key, "source": source, "keys_file": str(keys_path)})
    else:
        click.echo(key)
        click.echo(f"(for source {source!r}; only its hash is in {keys_path}: store the key now)", err=True)


@usage.command()
@click.option("--host", type=Host(), default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8088, show_default=True, help="0 picks a free port."
)
@keys_option("Key file written by `synor usage key`; must exist")
@store_option
@redis_option
@shards_option
@period_options
@json_option
@pass_context
def serve(
    context: Context,
    host: str,
    port: int,
    keys_path: Path,
    store_url: str,
    redis_url: str | None,
    shards: int,
    genesis: int,
    period_length: int,
    late_window: int,
    as_json: bool,
) -> None:
    """Answer POST /events (one CloudEvent or a batch) with 202 and per-event rejections.

    Says where it listens on stderr (with --json, as {"listening": URL} on stdout); Ctrl-C stops it.
    """
    from synor.metering.http_api import make_server

    periods = _periods(genesis, period_length, late_window)
    if not keys_path.exists():
        raise InputError(
            f"no keys file at {str(keys_path)!r}: issue a key first with `synor usage key` "
            "(every request without a key would be refused)"
        )
    ring = _load_keys(keys_path)
    with contextlib.ExitStack() as stack:
        sink: Sink
        if redis_url:
            from synor.metering.redis_streams import RedisProducer

            sink = RedisProducer(_redis(redis_url), periods, shards=shards)
        else:
            sink = EmbeddedPipeline(stack.enter_context(opened_store(store_url)), periods)
        try:
            server = make_server(host, port, ring, sink)
        except OSError as error:  # port in use, host not on this machine
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        url = f"http://{host}:{server.server_port}/events"
        try:  # Ctrl-C as soon as it says where it listens stops it cleanly too
            if as_json:
                context.emit_json({"listening": url})
            else:
                click.echo(f"listening on {url}", err=True)
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@usage.command()
@click.option(
    "--accounts", type=click.IntRange(1, 10_000), default=5, show_default=True, help="Accounts simulated."
)
@click.option(
    "--duration",
    type=Duration(minimum=1),
    default="1d",
    show_default=True,
    help="Simulated time, ending now (at most 366d).",
)
@click.option(
    "--subject",
    "subjects",
    type=Address(what="account"),
    multiple=True,
    help="Simulate these paying accounts (repeatable) instead of --accounts synthetic ones.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same events.")
@click.option(
    "--operator",
    type=Address(what="operator address"),
    default="0x" + "22" * 20,
    show_default=True,
    help="The operator address.",
)
@genesis_option
@json_option
def simulate(
    accounts: int,
    duration: int,
    subjects: tuple[str, ...],
    seed: int,
    operator: str,
    genesis: int,
    as_json: bool,
) -> None:
    """Print NDJSON usage events of a deterministic load driving all five meters (for demos and tests).

    The output is JSON lines with or without --json (which makes errors JSON too).
    """
    import time

    from synor.metering.loadgen import simulate as generate

    if duration > MAX_SIMULATED_SECONDS:
        raise InputError(f"invalid duration: {duration} seconds; simulate at most 366d")
    end = int(time.time()) // 3_600 * 3_600
    addresses = list(subjects) or [f"0x{n + 1:040x}" for n in range(accounts)]
    for event in generate(
        addresses, operator, max(genesis, end - duration), duration, seed=seed, genesis=genesis
    ):
        click.echo(event.to_json_line())


def _add_report_commands() -> None:
    """`synor usage sign|submit` live in their own module (signed reports, not metering)."""
    from synor.cli.usage_reports import sign, submit

    usage.add_command(sign)
    usage.add_command(submit)


_add_report_commands()

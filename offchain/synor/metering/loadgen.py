"""A deterministic load generator that drives all five meters the way real services would.

Per account, every ``step`` seconds: storage levels that grow, retrievals and deals; nginx and Caddy
access-log lines for its domains, with domains and certificates turned on and off; database query and
vector-search counters (with a server restart); cgroup v2 samples of a container (CPU microseconds,
memory, GPUs for some accounts, a container restart); serverless invocation counters; and a 32-bit
egress counter that wraps and resets on a reboot. The same seed gives the same events, ids included.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from typing import Any

from synor.metering.events import UsageEvent, parse_address
from synor.metering.meters import (
    US,
    ComputeMeter,
    DatabaseMeter,
    HostingMeter,
    Meter,
    MeterConfig,
    NetworkMeter,
    StorageMeter,
)
from synor.metering.periods import PERIOD_LENGTH


def simulate(
    accounts: Sequence[str],
    operator: str,
    start: int,
    seconds: int,
    *,
    seed: int = 0,
    step: int = 60,
    window: int = 3_600,
    genesis: int = 0,
    source_prefix: str = "synor://demo-node",
) -> Iterator[UsageEvent]:
    """Usage events of ``accounts`` over ``[start, start + seconds)``, windows of ``window`` seconds."""
    rng = random.Random(seed)
    who = [parse_address(a) for a in accounts]

    def config(meter: str) -> MeterConfig:
        return MeterConfig(f"{source_prefix}/{meter}", operator, genesis, window, PERIOD_LENGTH)

    domains = {f"app{n}.example": account for n, account in enumerate(who)}
    storage, database, compute, network = (
        StorageMeter(config("storage")),
        DatabaseMeter(config("database")),
        ComputeMeter(config("compute")),
        NetworkMeter(config("network"), width_bits=32),
    )
    hosting = HostingMeter(config("hosting"), domains)
    meters: list[Meter] = [storage, hosting, database, compute, network]
    state = {
        a: {
            "stored": rng.randrange(10**9, 10**12),
            "queries": 0,
            "searches": 0,
            "cpu": 0,
            "memory": rng.randrange(2**28, 2**33),
            "gpus": rng.choice([1, 2]) if n == 0 else rng.choice([0, 0, 1, 2]),  # someone rents GPUs
            "invocations": 0,
            "egress": rng.randrange(2**32),
            "boot": 0,
            "container": 0,
        }
        for n, a in enumerate(who)
    }
    for n, account in enumerate(who):
        host = f"app{n}.example"
        hosting.domain(account, host, True, start * US)
        hosting.certificate(account, host, True, start * US)
    for tick in range(0, seconds, step):
        now = start + tick
        at = now * US
        for n, account in enumerate(who):
            s = state[account]
            s["stored"] += rng.randrange(0, 10**8)
            storage.stored(account, s["stored"], at)
            if rng.random() < 0.3:
                storage.retrieved(account, rng.randrange(10**6, 10**9), at)
            if rng.random() < 0.05:
                storage.deals_created(account, rng.randrange(1, 4), at)
            host = f"app{n}.example"
            for _ in range(rng.randrange(0, 4)):
                moment = now + rng.randrange(step)
                size = rng.randrange(200, 5 * 10**6)
                line: dict[str, Any]
                if rng.random() < 0.5:
                    line = {
                        "msec": f"{moment}.{rng.randrange(1000):03d}",
                        "host": host,
                        "bytes_sent": str(size),
                    }
                else:
                    line = {
                        "ts": moment + rng.randrange(1000) / 1000,
                        "request": {"host": host},
                        "size": size,
                    }
                hosting.access_log(json.dumps(line))
            if rng.random() < 0.01:  # a custom domain and its certificate come and go
                active = rng.random() < 0.5
                hosting.domain(account, f"www.{host}", active, at)
                hosting.certificate(account, f"www.{host}", active, at)
            if rng.random() < 0.002:  # the database server restarts: its counters start from 0
                s["queries"], s["searches"], s["boot"] = 0, 0, s["boot"] + 1
            s["queries"] += rng.randrange(0, 20_000)
            s["searches"] += rng.randrange(0, 500)
            database.counters(
                account, at, queries=s["queries"], vector_searches=s["searches"], epoch=f"db-{s['boot']}"
            )
            database.size(account, s["stored"] // 10, at)
            if rng.random() < 0.002:  # the container is replaced: a new cgroup, counters from 0
                s["container"], s["cpu"] = s["container"] + 1, 0
            s["cpu"] += rng.randrange(0, 2 * step * US)
            s["memory"] = max(2**26, s["memory"] + rng.randrange(-(2**26), 2**26))
            compute.cgroup(
                account,
                "web",
                at,
                usage_usec=s["cpu"],
                memory_current=s["memory"],
                gpus=s["gpus"],
                epoch=f"c-{s['container']}",
                fresh=tick == 0 or s["cpu"] == 0,
            )
            s["invocations"] += rng.randrange(0, 300)
            compute.invocations(account, s["invocations"], at, function="handler", fresh=tick == 0)
            s["egress"] = (s["egress"] + rng.randrange(0, 10**8)) % 2**32
            network.egress(account, "eth0", s["egress"], at, epoch="boot-0")
        for meter in meters:
            yield from meter.flush(at)
    end = (start + seconds) * US
    for meter in meters:
        yield from meter.flush(end)

"""Runs the benchmark suites on a private anvil and writes, or checks, the figures.

    python -m bench                 # every suite: bench/results.json and bench/gas-snapshot.json (make bench)
    python -m bench --gas           # the gas suites only: refresh the gas figures in both files (make gas-snapshot)
    python -m bench --gas --check   # the gas suites only: fail if any gas figure differs from the snapshot
                                    # (make gas-check, run by make test); writes nothing

- ``bench/results.json``: ``{"metric.name": {"value": number, "unit": "..."}}`` for every metric.
- ``bench/gas-snapshot.json``: the gas metrics alone, committed so that reviews see gas changes.

Each run starts its own anvil on a free port (never a node already running on 8545) and pins block
timestamps (a fixed start, then 12 seconds per block), so gas figures are the same on every run of
the same code. Timing metrics (``throughput.*``) are reported, never checked.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
from free_port import free_port  # noqa: E402

GAS_SUITES = ["bench.gas_factory", "bench.gas_oracle", "bench.gas_revenue", "bench.gas_usage"]
SUITES = [*GAS_SUITES, "bench.throughput", "bench.metering"]
SNAPSHOT = HERE / "gas-snapshot.json"
RESULTS = HERE / "results.json"
REFRESH = "make gas-snapshot (or make bench)"

START_TIMESTAMP = 2_000_000_000
"""Every run's first block time (2033-05-18): gas must not depend on the day the benchmark runs."""
BLOCK_INTERVAL = 12
"""Seconds between consecutive blocks, as on Ethereum: no two blocks share a timestamp."""

Metric = dict[str, Any]


def measure(suites: list[str], console: Console) -> dict[str, Metric]:
    """Runs ``suites`` on a fresh private anvil with pinned block times; returns their metrics."""
    # ape-foundry reads APE_FOUNDRY_HOST when it connects: a free port makes it start its own anvil
    # there instead of attaching to whatever listens on the configured 127.0.0.1:8545.
    os.environ["APE_FOUNDRY_HOST"] = f"http://127.0.0.1:{free_port()}"
    from ape import accounts, chain, networks, project
    from ape.logging import logger

    logger.set_level("WARNING")  # one line per transaction would bury the figures
    results: dict[str, Metric] = {}
    with networks.parse_network_choice("ethereum:local:foundry") as provider:
        chain.pending_timestamp = START_TIMESTAMP
        chain.mine()
        provider.make_request("anvil_setBlockTimestampInterval", [BLOCK_INTERVAL])
        for name in track(suites, description="benchmarking", console=console, transient=True):
            suite = importlib.import_module(name)
            results.update(suite.run(project, accounts.test_accounts))
    return dict(sorted(results.items()))


def gas_only(results: dict[str, Metric]) -> dict[str, int]:
    return {key: int(metric["value"]) for key, metric in results.items() if key.startswith("gas.")}


def differences(old: dict[str, int], new: dict[str, int]) -> list[str]:
    """One line per gas metric that changed, appeared or disappeared (``name: old → new``)."""
    lines = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            lines.append(f"{key}: (new) → {after:,}")
        elif after is None:
            lines.append(f"{key}: {before:,} → (gone)")
        else:
            lines.append(f"{key}: {before:,} → {after:,} ({after - before:+,})")
    return lines


def check(new: dict[str, int], console: Console) -> int:
    old = {key: int(value) for key, value in json.loads(SNAPSHOT.read_text()).items()}
    changed = differences(old, new)
    if not changed:
        console.print(f"gas check: all {len(new)} gas figures match {SNAPSHOT.relative_to(HERE.parent)}")
        return 0
    console.print(
        f"gas check: {len(changed)} gas figure(s) differ from {SNAPSHOT.relative_to(HERE.parent)}:",
        highlight=False,
    )
    for line in changed:
        console.print(f"  {line}", highlight=False)
    console.print(f"If the change is intended, refresh the snapshot with `{REFRESH}` and commit it.")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Synor benchmarks")
    parser.add_argument("--gas", action="store_true", help="run the gas suites only")
    parser.add_argument("--check", action="store_true", help="compare gas with the snapshot; write nothing")
    args = parser.parse_args(argv)
    console = Console(soft_wrap=True)
    results = measure(GAS_SUITES if args.gas or args.check else SUITES, console)
    gas = gas_only(results)
    if args.check:
        return check(gas, console)
    SNAPSHOT.write_text(json.dumps(gas, indent=2) + "\n")
    if args.gas and RESULTS.exists():  # keep the timing figures, refresh the gas ones
        kept = {k: v for k, v in json.loads(RESULTS.read_text()).items() if not k.startswith("gas.")}
        results = dict(sorted({**kept, **results}.items()))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    written = [SNAPSHOT, RESULTS]
    width = max(len(key) for key in results)
    for key, metric in results.items():
        console.print(f"{key:<{width}}  {metric['value']:>14,}  {metric['unit']}")
    console.print("wrote " + " and ".join(str(path.relative_to(HERE.parent)) for path in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())

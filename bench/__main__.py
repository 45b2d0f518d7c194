"""Runs every benchmark suite on a fresh anvil and writes the figures.

- ``bench/results.json``: ``{"metric.name": {"value": number, "unit": "..."}}`` for every metric.
- ``bench/gas-snapshot.json``: the gas metrics alone, committed so that reviews see gas changes.

Figures are reported, never asserted: tests check behaviour, benchmarks measure it.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track

HERE = Path(__file__).resolve().parent
SUITES = ["bench.gas_factory", "bench.gas_oracle", "bench.gas_revenue", "bench.throughput"]

Metric = dict[str, Any]


def main() -> int:
    from ape import accounts, networks, project

    console = Console()
    results: dict[str, Metric] = {}
    with networks.parse_network_choice("ethereum:local:foundry"):
        for name in track(SUITES, description="benchmarking", console=console):
            suite = importlib.import_module(name)
            results.update(suite.run(project, accounts.test_accounts))
    ordered = dict(sorted(results.items()))
    (HERE / "results.json").write_text(json.dumps(ordered, indent=2) + "\n")
    gas = {key: value["value"] for key, value in ordered.items() if key.startswith("gas.")}
    (HERE / "gas-snapshot.json").write_text(json.dumps(gas, indent=2) + "\n")
    width = max(len(key) for key in ordered)
    for key, metric in ordered.items():
        console.print(f"{key:<{width}}  {metric['value']:>14,}  {metric['unit']}")
    console.print(f"wrote {HERE / 'results.json'} and {HERE / 'gas-snapshot.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

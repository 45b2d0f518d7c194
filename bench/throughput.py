"""Off-chain throughput of the pure logic: pricing and the runway schedule a node operator runs."""

from __future__ import annotations

import time
from typing import Any

from synor.money import runway_cost
from synor.runway.schedule import RunwaySchedule

PRICE = 33_052_248_677_249_000_000


def _rate(operations: int, seconds: float) -> dict[str, Any]:
    return {"value": round(operations / seconds), "unit": "ops/s"}


def run(project: Any, accounts: Any) -> dict[str, dict[str, Any]]:
    del project, accounts
    count = 200_000
    start = time.perf_counter()
    for seconds in range(count):
        runway_cost(seconds, PRICE)
    pricing = time.perf_counter() - start

    apps = 50_000
    schedule = RunwaySchedule()
    start = time.perf_counter()
    for index in range(apps):
        schedule.record(f"0x{index:040x}", 1_000 + index)
    schedule.reconcile(0)
    schedule.reconcile(1_000 + apps // 2)
    reconcile = time.perf_counter() - start

    return {
        "throughput.money.runway_cost": _rate(count, pricing),
        "throughput.schedule.events": _rate(apps, reconcile),
    }

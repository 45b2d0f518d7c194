"""Off-chain throughput of the pure logic: usage rating, runway pricing and the runway schedule a node
operator runs."""

from __future__ import annotations

import time
from typing import Any

from synor.money import runway_cost
from synor.pricing.rating import UNBOUNDED, RateCard, Tier, TierMode, slice_charge_up
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

    ratings = 100_000
    # Storage at 0.02 SYNOR per GB-month with a free first GB-month and a cheaper tier above 1,000.
    tiered = RateCard(
        unit_size=2_592 * 10**12,
        tiers=(Tier(2_592 * 10**12, 0), Tier(2_592 * 10**15, 20 * 10**15), Tier(UNBOUNDED, 15 * 10**15)),
        mode=TierMode.GRADUATED,
    )
    start = time.perf_counter()
    for index in range(ratings):
        slice_charge_up(tiered, index * 10**16, (index + 1) * 10**16)
    rating = time.perf_counter() - start

    return {
        "throughput.pricing.rate": _rate(ratings, rating),
        "throughput.money.runway_cost": _rate(count, pricing),
        "throughput.schedule.events": _rate(apps, reconcile),
    }

"""Planning the meter keeper's reports from aggregates and the chain's charged cumulatives."""

from __future__ import annotations

import pytest

from synor.metering.aggregate import Aggregate, AggregateKey
from synor.metering.reporting import MAX_BATCH, QUANTITY_LIMIT, candidates, plan

OP = "0x" + "a" * 40
OTHER = "0x" + "b" * 40


def key(account: int, resource: str = "compute.cpu", period: int = 3, operator: str = OP) -> AggregateKey:
    return AggregateKey(f"0x{account:040x}", operator, resource, period)


def test_only_this_operators_reportable_aggregates_are_candidates():
    aggregates = {
        key(1): Aggregate(total=5),
        key(2, operator=OTHER): Aggregate(total=5),
        key(3, period=4): Aggregate(total=5),  # a future period
        key(4): Aggregate(total=0),  # nothing metered
    }
    assert candidates(aggregates, [OP.upper().replace("0X", "0x")], current_period=3) == [key(1)]


def test_reports_only_what_the_chain_has_not_charged_and_explains_the_rest():
    aggregates = {
        key(1): Aggregate(total=10),
        key(2): Aggregate(total=10),
        key(3, period=1): Aggregate(total=10),
        key(4): Aggregate(total=QUANTITY_LIMIT),
    }
    charged = {key(1): 10, key(2): 4}
    result = plan(aggregates, charged, sorted(aggregates), oldest_open_period=2)
    assert [(p.key, p.cumulative, p.charged) for batch in result.batches for p in batch] == [(key(2), 10, 4)]
    assert result.settled == 1
    assert result.closed == [key(3, period=1)]
    assert result.too_large == [key(4)]
    assert result.reports == 1


def test_batches_keep_an_accounts_period_together_and_hold_at_most_max_batch():
    aggregates = {
        key(a, resource, period): Aggregate(total=1)
        for a in range(30)
        for resource in ("compute.cpu", "storage.capacity", "network.egress", "database.queries")
        for period in (2, 3)
    }
    result = plan(aggregates, {}, list(aggregates), oldest_open_period=2)
    flat = [p.key for batch in result.batches for p in batch]
    assert sorted(flat) == sorted(aggregates)
    assert all(len(batch) <= MAX_BATCH for batch in result.batches)
    assert [len(b) for b in result.batches] == [100, 100, 40]
    runs = [(k.account, k.period) for k in flat]
    # each (account, period) forms one consecutive run
    seen: list[tuple[str, int]] = []
    for item in runs:
        if not seen or seen[-1] != item:
            assert item not in seen
            seen.append(item)


def test_a_batch_never_mixes_operators():
    aggregates = {key(1): Aggregate(total=1), key(2, operator=OTHER): Aggregate(total=1)}
    result = plan(aggregates, {}, list(aggregates), oldest_open_period=0)
    assert [[p.key.operator for p in batch] for batch in result.batches] == [[OP], [OTHER]]


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="at least one"):
        plan({}, {}, [], 0, max_batch=0)

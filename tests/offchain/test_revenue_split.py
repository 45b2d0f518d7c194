"""The Python mirror of the splitter's and staking's money math: exact, integer, property-tested."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.revenue.split import (
    BPS,
    PRECISION,
    SEED_SERVICE,
    SEED_TRANSACTION,
    Accumulator,
    ServiceShares,
    TransactionShares,
    buyback_amount_out,
    buyback_min_out,
    earned,
    max_buyback_in,
    split_service,
    split_transaction,
)

amounts = st.integers(min_value=0, max_value=2**128 - 1)


def service_shares():
    return (
        st.tuples(st.integers(0, BPS), st.integers(0, BPS))
        .filter(lambda t: t[0] + t[1] <= BPS)
        .map(lambda t: ServiceShares(BPS - t[0] - t[1], t[0], t[1]))
    )


@given(amounts, service_shares())
def test_service_parts_sum_exactly_and_only_operators_get_the_remainder(amount, shares):
    parts = split_service(amount, shares)
    assert parts.total == amount
    assert parts.treasury == amount * shares.treasury_bps // BPS
    assert parts.burn == amount * shares.burn_bps // BPS
    exact_operators = amount * shares.operators_bps / BPS
    assert exact_operators <= parts.operators + 1e-9 * max(1, amount)
    assert 0 <= parts.operators - amount * shares.operators_bps // BPS < 3  # two floors' dust plus its own


@given(amounts)
def test_transaction_parts_sum_exactly_and_stakers_get_the_remainder(amount):
    parts = split_transaction(amount)
    assert parts.total == amount
    assert (parts.burn, parts.community, parts.validators) == (
        amount // 10,
        amount // 5,
        amount // 10,
    )
    assert 0 <= parts.stakers - amount * 6 // 10 < 4  # three floors' dust plus its own


def test_seed_schedules_and_examples():
    assert split_service(1_000_000_004) == type(split_service(0))(700_000_004, 200_000_000, 100_000_000)
    assert split_transaction(1_000_000_004).stakers == 600_000_004
    assert ServiceShares(7000, 2000, 1000) == SEED_SERVICE
    assert TransactionShares(1000, 6000, 2000, 1000) == SEED_TRANSACTION


@pytest.mark.parametrize("bad", [(7000, 2000, 999), (7001, 2000, 1000), (-1, 10_001, 0)])
def test_service_shares_must_sum_to_10000(bad):
    with pytest.raises(ValueError):
        ServiceShares(*bad)


def test_transaction_shares_must_sum_to_10000():
    with pytest.raises(ValueError):
        TransactionShares(1000, 6000, 2000, 999)


@pytest.mark.parametrize("amount", [-1, 2**128])
def test_amounts_out_of_the_contracts_range_are_refused(amount):
    with pytest.raises(ValueError):
        split_service(amount)
    with pytest.raises(ValueError):
        split_transaction(amount)


@given(
    st.lists(st.integers(1, 10**6), min_size=1, max_size=5),  # weights
    st.lists(st.integers(0, 10**30), min_size=1, max_size=20),  # rewards
)
def test_accumulator_never_overpays_and_loses_less_than_one_unit_per_member(weights, rewards):
    total = sum(weights)
    acc = Accumulator()
    for reward in rewards:
        acc = acc.fold(reward, total)
    paid = sum(earned(w, acc.per_weight, 0) for w in weights)
    assert paid <= sum(rewards)
    assert sum(rewards) - paid <= len(weights)  # carried remainders: dust below one unit per member
    assert acc.carry < total


def test_rewards_with_no_weight_stay_queued():
    acc = Accumulator()
    assert acc.fold(100, 0) == acc
    assert Accumulator().fold(3, 3) == Accumulator(PRECISION, 0)
    with pytest.raises(ValueError):
        earned(1, 0, 1)


@given(st.integers(1, 10**30), st.integers(1, 10**30), st.integers(1, 10**30), st.integers(0, 5000))
def test_buyback_bound_and_the_largest_acceptable_slice(amount_in, reserve_in, reserve_out, slippage):
    out = buyback_amount_out(amount_in, reserve_in, reserve_out)
    assert out < reserve_out
    assert out * reserve_in <= amount_in * reserve_out  # never better than the pre-trade price
    bound = buyback_min_out(amount_in, reserve_in, reserve_out, 0, slippage)
    assert bound >= buyback_min_out(amount_in, reserve_in, reserve_out, 0, min(slippage + 1, BPS))
    assert buyback_min_out(amount_in, reserve_in, reserve_out, out + 1, slippage) > out
    slice_in = max_buyback_in(reserve_in, slippage)
    if slice_in > 0 and reserve_out // reserve_in > 10**3:
        # The largest slice stays within the bound (up to one unit of rounding, which the keeper handles).
        assert buyback_amount_out(slice_in, reserve_in, reserve_out) + 1 >= buyback_min_out(
            slice_in, reserve_in, reserve_out, 0, slippage
        )


def test_buyback_math_refuses_nonsense():
    with pytest.raises(ValueError):
        buyback_amount_out(1, 0, 1)
    with pytest.raises(ValueError):
        buyback_min_out(1, 1, 1, 0, BPS + 1)
    assert max_buyback_in(0, 100) == 0
    assert max_buyback_in(10**12, 30) == 0  # 0.3% slippage cannot even pay Uniswap's fee

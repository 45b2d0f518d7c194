"""The settlement keeper's planner: from chain state to the steps that settle it, idempotently."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.revenue.settle import Policy, Step, StepKind, TokenState, buyback_step, plan
from synor.revenue.split import buyback_amount_out, buyback_min_out, split_service

USDC = "0x" + "11" * 20
SYNOR = "0x" + "22" * 20


def settled(token=USDC, is_synor=False, **changes):
    state = TokenState(token=token, is_synor=is_synor, unaccounted=0, stakers_due=0, pending_burn=0)
    return dataclasses.replace(state, **changes)


def test_nothing_to_do_plans_nothing():
    assert plan([settled(), settled(SYNOR, True)]) == []


def test_order_is_split_release_sync_then_burns():
    states = [
        settled(
            SYNOR,
            True,
            unaccounted=5,
            stakers_due=6,
            pending_burn=7,
            staking_listed=True,
            staking_unsynced=8,
            total_staked=1,
        ),
        settled(USDC, unaccounted=1, has_pair=True, pending_burn=100, reserve_in=10**12, reserve_out=10**25),
    ]
    kinds = [(s.kind, s.token) for s in plan(states)]
    assert kinds == [
        (StepKind.SPLIT, SYNOR),
        (StepKind.RELEASE, SYNOR),
        (StepKind.SYNC, SYNOR),
        (StepKind.SPLIT, USDC),
        (StepKind.BURN, SYNOR),
        (StepKind.BUYBACK, USDC),
    ]


def test_release_and_sync_wait_for_listing_but_not_for_stakers():
    # A release reverts while staking does not list the token; a sync only exists for listed tokens.
    assert plan([settled(staking_listed=False, stakers_due=5, staking_unsynced=5, total_staked=9)]) == []
    # With nobody staked a synced stream waits for the first staker instead of being stranded: sync anyway.
    steps = plan([settled(staking_listed=True, stakers_due=4, staking_unsynced=5, total_staked=0)])
    assert [(s.kind, s.amount) for s in steps] == [(StepKind.RELEASE, 4), (StepKind.SYNC, 5)]


def test_thresholds_hold_small_amounts_back():
    policy = Policy(min_amount=1_000)
    assert plan([settled(unaccounted=999, stakers_due=999, staking_listed=True)], policy) == []
    assert [s.kind for s in plan([settled(unaccounted=1_000)], policy)] == [StepKind.SPLIT]


def test_buyback_needs_a_pair_and_liquidity():
    assert buyback_step(settled(pending_burn=10, has_pair=False), Policy()) is None
    assert buyback_step(settled(pending_burn=10, has_pair=True), Policy()) is None  # empty pool
    assert (
        buyback_step(
            settled(SYNOR, True, pending_burn=10, has_pair=True, reserve_in=1, reserve_out=1), Policy()
        )
        is None
    )


def test_policy_validation():
    with pytest.raises(ValueError):
        Policy(min_amount=0)
    with pytest.raises(ValueError):
        Policy(max_slippage_bps=10_001)


@given(
    pending=st.integers(1, 10**18),
    reserve_in=st.integers(10**6, 10**18),
    price=st.integers(10**6, 10**16),
    slippage=st.integers(31, 5000),
    tolerance=st.integers(0, 1000),
)
def test_a_planned_buyback_always_passes_the_contracts_bounds(
    pending, reserve_in, price, slippage, tolerance
):
    reserve_out = reserve_in * price
    policy = Policy(max_slippage_bps=slippage, keeper_tolerance_bps=tolerance)
    step = buyback_step(
        settled(pending_burn=pending, has_pair=True, reserve_in=reserve_in, reserve_out=reserve_out), policy
    )
    assert step is not None  # a pool this deep always takes some slice above the 0.3% fee
    assert 1 <= step.amount <= pending
    out = buyback_amount_out(step.amount, reserve_in, reserve_out)
    assert out >= step.min_out
    assert out >= buyback_min_out(step.amount, reserve_in, reserve_out, step.min_out, slippage)


def _apply(state: TokenState, step: Step) -> TokenState:
    """What each step does to the state, as the contracts do it."""
    if step.kind is StepKind.SPLIT:
        burn = split_service(state.unaccounted).burn
        return dataclasses.replace(state, unaccounted=0, pending_burn=state.pending_burn + burn)
    if step.kind is StepKind.RELEASE:  # the splitter sends the share and staking syncs it at once
        return dataclasses.replace(state, stakers_due=0)
    if step.kind is StepKind.SYNC:
        return dataclasses.replace(state, staking_unsynced=0)
    if step.kind is StepKind.BURN:
        return dataclasses.replace(state, pending_burn=0)
    out = buyback_amount_out(step.amount, state.reserve_in, state.reserve_out)
    return dataclasses.replace(
        state,
        pending_burn=state.pending_burn - step.amount,
        reserve_in=state.reserve_in + step.amount,
        reserve_out=state.reserve_out - out,
    )


@given(
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.booleans(),
)
def test_following_the_plan_one_step_at_a_time_settles_everything(unaccounted, due, burn, unsynced, synor):
    state = settled(
        SYNOR if synor else USDC,
        synor,
        unaccounted=unaccounted,
        stakers_due=due,
        pending_burn=burn,
        staking_listed=True,
        staking_unsynced=unsynced,
        total_staked=10**18,
        has_pair=not synor,
        reserve_in=10**15,
        reserve_out=10**26,
    )
    for _ in range(200):
        steps = plan([state])
        if not steps:
            break
        state = _apply(state, steps[0])  # the keeper re-reads the chain after every step
    assert plan([state]) == []
    assert (state.unaccounted, state.stakers_due, state.staking_unsynced) == (0, 0, 0)
    assert state.pending_burn == 0

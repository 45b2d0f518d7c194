"""Manipulation resistance and every way a price is refused: each read reverts with the named error."""

from __future__ import annotations

from math import isqrt

import ape

from devstack.uniswap import FULL_RANGE_60, ONE, Pool, advance, create_v2_pool, sqrt_price_x96
from tests.contracts.oracle.conftest import (
    FLOOR,
    MAX_AGE,
    START_PRICE,
    WINDOW,
    add_sources,
    make_oracle,
    oracle_config,
    run_round,
)

OK, TOO_FEW, DIVERGE, OUT_OF_BOUNDS, MOVE = 1, 2, 3, 4, 5
STALE, THIN, HISTORY = 2, 3, 4


def within(value, target, bps):
    return abs(value - target) * 10_000 <= target * bps


def reads(oracle):
    """The billing reads (the Chainlink-style reads never revert for a refused round or staleness)."""
    return (
        oracle.price,
        lambda: oracle.usdToToken(ONE),
        lambda: oracle.tokenToUsd(ONE),
    )


def test_a_single_block_manipulation_moves_the_price_less_than_one_percent(oracle, pools, deployer):
    before = oracle.price()
    for victim in (pools[0], pools[3]):  # one V2 pair, then the V3 pool
        victim.move_to(START_PRICE * 10, deployer)  # a 10x pump ...
        advance(2)
        victim.move_to(START_PRICE, deployer)  # ... undone in the next block
        run_round(oracle, deployer)
        assert within(oracle.price(), before, 100)
    # Even the manipulated source's own average barely moves on V3 (geometric mean of 2 s at 10x).
    v3_index = 3
    quote = oracle.sourceQuote(v3_index)
    assert quote.low == quote.high
    assert within(quote.low, before, 100)


def test_a_sustained_move_in_a_minority_of_pools_is_cut_off(oracle, pools, deployer):
    before = oracle.price()
    pools[1].move_to(START_PRICE * 13 // 10, deployer)  # one pool of four at +30% all window
    receipt = run_round(oracle, deployer)
    event = receipt.events.filter(oracle.PriceUpdated)[0]
    assert (event.status, event.sources) == (OK, 3)  # the outlier is dropped
    assert within(oracle.price(), before, 10)


def test_diverging_sources_are_refused_and_the_accepted_price_stays_until_max_age(oracle, pools, deployer):
    before = oracle.price()
    accepted_at = oracle.state().acceptedAt
    for pool in pools[:2]:  # half the pools at +30%: half is not a majority
        pool.move_to(START_PRICE * 13 // 10, deployer)
    receipt = run_round(oracle, deployer)
    state = oracle.state()
    assert receipt.events.filter(oracle.PriceUpdated)[0].status == DIVERGE
    refused = receipt.events.filter(oracle.RoundRefused)[0]
    assert (refused.status, refused.valid, refused.agreeing, refused.detailBps) == (
        DIVERGE,
        4,
        0,
        state.detailBps,
    )
    assert state.detailBps > 500
    assert (state.price, state.acceptedAt) == (before, accepted_at)
    assert oracle.price() == before
    assert oracle.usdToToken(ONE) == -(-ONE * ONE // before)
    assert oracle.tokenToUsd(ONE) == before
    # Refused rounds until the accepted price is older than maxAge: then reads name the refusal.
    while ape.chain.pending_timestamp <= accepted_at + MAX_AGE:
        run_round(oracle, deployer)
    ape.chain.mine()
    state = oracle.state()
    assert state.status == DIVERGE
    for read in reads(oracle):
        with ape.reverts(
            oracle.TwapOracle_SourcesDiverge, agreeing=0, required=3, deviationBps=state.detailBps
        ):
            read()
    for pool in pools[:2]:
        pool.move_to(START_PRICE, deployer)
    run_round(oracle, deployer)
    assert oracle.state().status == OK


def test_a_stale_oracle_reverts_and_stale_v2_sources_are_re_recorded(oracle, pools, deployer):
    state = oracle.state()
    advance(MAX_AGE + 1)
    ape.chain.mine()
    for read in reads(oracle):
        with ape.reverts(oracle.TwapOracle_StalePrice, updatedAt=state.acceptedAt, maxAge=MAX_AGE):
            read()
    with ape.reverts(oracle.TwapOracle_StaleSource, pool=pools[0].address):
        oracle.sourcePrice(0)
    receipt = oracle.update(sender=deployer)
    skipped = receipt.events.filter(oracle.SourceSkipped)
    assert sorted(e.pool for e in skipped) == sorted(p.address for p in pools if p.kind == 0)
    assert {e.reason for e in skipped} == {STALE}
    for read in reads(oracle):
        with ape.reverts(oracle.TwapOracle_TooFewSources, valid=1, required=2):
            read()
    run_round(oracle, deployer)
    assert oracle.state().status == OK
    assert oracle.state().sources == 4


def test_thin_sources_are_skipped_and_too_few_remain(
    project,
    deployer,
    synor,
    timelock,
    stables,
    pools,
    v2_factory,
    v2_pair_container,
    v3_factory,
    v3_pool_container,
    router,
):
    usds = project.TestStablecoin.deploy("Thin USD", "USDS", 18, sender=deployer)
    usds.mint(deployer, 10**9 * ONE, sender=deployer)
    usds.approve(router, 2**256 - 1, sender=deployer)
    thin_v2 = create_v2_pool(v2_factory, v2_pair_container, synor, usds, START_PRICE, 10_000 * ONE, deployer)
    thin_v3_contract = v3_pool_container.at(
        v3_factory.createPool(synor, usds, 500, sender=deployer).events[0].pool
    )
    thin_v3 = Pool(1, thin_v3_contract, synor, usds, router)
    thin_v3_contract.initialize(sqrt_price_x96(START_PRICE, thin_v3.synor_is_token0, 18), sender=deployer)
    router.mint(
        thin_v3_contract, deployer, -887270, 887270, isqrt(10_000 * ONE * 5_000 * ONE), sender=deployer
    )
    # $5k of DAI in each, below the $10k floor; plus one healthy pool.
    oracle = make_oracle(project, deployer, synor, timelock, [thin_v2, thin_v3, pools[0]])
    state = oracle.state()
    assert (state.status, state.valid, state.sources) == (TOO_FEW, 1, 0)
    for index, pool in enumerate((thin_v2, thin_v3)):
        quote = oracle.sourceQuote(index)
        assert quote.reason == THIN and quote.low == quote.high == 0
        assert within(quote.quoteLiquidity, 5_000 * ONE, 10)
        with ape.reverts(
            oracle.TwapOracle_ThinSource, pool=pool.address, liquidity=quote.quoteLiquidity, floor=FLOOR * ONE
        ):
            oracle.sourcePrice(index)
    receipt = run_round(oracle, deployer)
    skipped = receipt.events.filter(oracle.SourceSkipped)
    assert [(e.pool, e.reason) for e in skipped] == [(thin_v2.address, THIN), (thin_v3.address, THIN)]
    with ape.reverts(oracle.TwapOracle_TooFewSources, valid=1, required=2):
        oracle.price()


def test_too_short_v3_history_is_named_and_grown(
    project, deployer, synor, timelock, stables, pools, v3_factory, v3_pool_container, router
):
    contract = v3_pool_container.at(
        v3_factory.createPool(synor, stables["USDT"], 3000, sender=deployer).events[0].pool
    )
    young = Pool(1, contract, synor, stables["USDT"], router)
    contract.initialize(sqrt_price_x96(START_PRICE, young.synor_is_token0, 6), sender=deployer)
    quote_amount = 2_000_000 * 10**6 // 2
    router.mint(contract, deployer, *FULL_RANGE_60, isqrt(2_000_000 * ONE * quote_amount), sender=deployer)
    oracle = project.TwapOracle.deploy(oracle_config(synor, timelock), sender=deployer)
    add_sources(oracle, timelock, [young, pools[0], pools[1]], deployer)
    young.move_to(START_PRICE * 101 // 100, deployer)  # overwrites the single observation slot
    advance(60)
    ape.chain.mine()
    with ape.reverts(oracle.TwapOracle_HistoryTooShort, pool=contract.address, window=WINDOW):
        oracle.sourcePrice(0)
    receipt = oracle.update(sender=deployer)
    assert next((e.pool, e.reason) for e in receipt.events.filter(oracle.SourceSkipped)) == (
        contract.address,
        HISTORY,
    )
    # Grow the history, let trades fill it for a window, and the source counts again.
    oracle.growHistory(0, 64, sender=deployer)
    for step in range(8):
        advance(WINDOW // 6)
        young.move_to(START_PRICE * (100 + step % 2) // 100, deployer)
    ape.chain.mine()
    assert contract.slot0().observationCardinality == 64
    # A fresh oracle has no observation of its own: only the grown history can answer, and does.
    fresh = project.TwapOracle.deploy(oracle_config(synor, timelock), sender=deployer)
    add_sources(fresh, timelock, [young], deployer)
    low, high = fresh.sourcePrice(0)
    assert low == high and within(low, START_PRICE, 200)


def test_a_large_move_waits_for_a_confirming_round(oracle, pools, deployer):
    before = oracle.price()
    for pool in pools:
        pool.move_to(START_PRICE * 13 // 10, deployer)  # +30%, above the 15% cap
    receipt = run_round(oracle, deployer)
    event = receipt.events.filter(oracle.PriceUpdated)[0]
    state = oracle.state()
    assert event.status == MOVE and event.price == before and state.price == before
    assert receipt.events.filter(oracle.RoundRefused)[0].status == MOVE
    assert state.detailBps > 1500
    candidate = oracle.candidate()
    assert within(candidate, START_PRICE * 13 // 10, 50)
    assert oracle.price() == before  # the accepted price is served while the move awaits confirmation
    run_round(oracle, deployer)  # the next window agrees: accepted
    assert within(oracle.price(), START_PRICE * 13 // 10, 50)


def test_an_unconfirmed_move_is_named_once_the_accepted_price_is_stale(
    project, deployer, synor, timelock, pools
):
    oracle = make_oracle(project, deployer, synor, timelock, pools)
    accepted_at = oracle.state().acceptedAt
    for step, pool in enumerate(pools * 3):  # +30%, -30%, +30% ...: never two rounds alike
        pool.move_to(START_PRICE * (13 if step // 4 % 2 == 0 else 7) // 10, deployer)
        if step % 4 == 3:
            advance(MAX_AGE // 3)
            oracle.update(sender=deployer)
    ape.chain.mine()
    state = oracle.state()
    assert state.status == MOVE and state.acceptedAt == accepted_at
    assert ape.chain.blocks.head.timestamp > accepted_at + MAX_AGE
    for read in reads(oracle):
        with ape.reverts(
            oracle.TwapOracle_MoveTooLarge,
            candidate=oracle.candidate(),
            moveBps=state.detailBps,
            maxMoveBps=1500,
        ):
            read()
    for pool in pools:
        pool.move_to(START_PRICE, deployer)


def test_a_price_outside_the_sanity_bounds_is_refused(project, deployer, synor, timelock, pools):
    oracle = make_oracle(project, deployer, synor, timelock, pools, minPrice=ONE, maxPrice=10 * ONE)
    candidate = oracle.candidate()
    assert within(candidate, START_PRICE, 10)
    for read in reads(oracle):
        with ape.reverts(
            oracle.TwapOracle_PriceOutOfBounds, candidate=candidate, minPrice=ONE, maxPrice=10 * ONE
        ):
            read()

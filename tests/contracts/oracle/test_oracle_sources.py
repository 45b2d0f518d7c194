"""Source management: timelocked add/remove with events, validation, views, V3 history growth."""

from __future__ import annotations

import ape

from devstack.uniswap import ONE, create_v2_pool, through_timelock
from tests.contracts.oracle.conftest import (
    DELAY,
    FLOOR,
    START_PRICE,
    add_source,
    oracle_config,
    remove_source,
    run_round,
)


def test_only_the_timelock_adds_and_removes(bare_oracle, pools, deployer, stranger):
    for caller in (deployer, stranger):
        with ape.reverts(bare_oracle.TwapOracle_NotTimelock, caller=caller.address):
            bare_oracle.addSource(pools[0].address, 0, FLOOR, sender=caller)
        with ape.reverts(bare_oracle.TwapOracle_NotTimelock, caller=caller.address):
            bare_oracle.removeSource(pools[0].address, sender=caller)


def test_a_scheduled_addition_is_public_and_waits_the_delay(bare_oracle, timelock, pools, deployer):
    data = bare_oracle.addSource.encode_input(pools[0].address, 0, FLOOR)
    zero, salt = b"\x00" * 32, b"\x42" * 32
    receipt = timelock.schedule(bare_oracle, 0, data, zero, salt, DELAY, sender=deployer)
    op_id = timelock.hashOperation(bare_oracle, 0, data, zero, salt)
    assert receipt.events.filter(timelock.CallScheduled)[0].id == op_id
    assert timelock.isOperationPending(op_id)
    with ape.reverts(timelock.TimelockUnexpectedOperationState):
        timelock.execute(bare_oracle, 0, data, zero, salt, sender=deployer)
    assert bare_oracle.sourceCount() == 0
    ape.chain.pending_timestamp = timelock.getTimestamp(op_id)
    receipt = timelock.execute(bare_oracle, 0, data, zero, salt, sender=deployer)
    assert bare_oracle.sourceCount() == 1
    event = receipt.events.filter(bare_oracle.SourceAdded)[0]
    assert (event.pool, event.kind, event.minQuoteLiquidity) == (pools[0].address, 0, FLOOR)


def test_added_sources_record_order_and_decimals(bare_oracle, timelock, pools, stables, deployer):
    for pool in pools:
        add_source(bare_oracle, timelock, pool, deployer)
    assert bare_oracle.sourceCount() == len(pools)
    for index, pool in enumerate(pools):
        src = bare_oracle.source(index)
        assert src.pool == pool.address
        assert src.kind == pool.kind
        assert src.tokenIsToken0 == pool.synor_is_token0
        assert src.quoteDecimals == pool.quote_decimals
        assert src.scaleExponent == 36 - pool.quote_decimals  # 30 for 6-decimal coins, 18 for DAI
        assert src.minQuoteLiquidity == FLOOR
    with ape.reverts(bare_oracle.TwapOracle_NoSuchSource, index=len(pools)):
        bare_oracle.source(len(pools))


def test_duplicate_and_foreign_pools_are_rejected(
    bare_oracle, timelock, pools, stables, v2_factory, v2_pair_container, deployer
):
    add_source(bare_oracle, timelock, pools[0], deployer)
    with ape.reverts(bare_oracle.TwapOracle_DuplicateSource, pool=pools[0].address):
        add_source(bare_oracle, timelock, pools[0], deployer)
    # A USDC/DAI pair does not trade SYNOR.
    stable_pair = create_v2_pool(
        v2_factory, v2_pair_container, stables["USDC"], stables["DAI"], ONE, 1000 * 10**6, deployer
    )
    with ape.reverts(bare_oracle.TwapOracle_UnsupportedPool, pool=stable_pair.address):
        add_source(bare_oracle, timelock, stable_pair, deployer)


def test_at_most_eight_sources(
    project, bare_oracle, timelock, synor, v2_factory, v2_pair_container, deployer
):
    pools = []
    for i in range(9):
        coin = project.TestStablecoin.deploy(f"Coin {i}", f"C{i}", 6, sender=deployer)
        coin.mint(deployer, 10**12, sender=deployer)
        pools.append(
            create_v2_pool(v2_factory, v2_pair_container, synor, coin, ONE // 2, 1000 * ONE, deployer)
        )
    for pool in pools[:8]:
        add_source(bare_oracle, timelock, pool, deployer, floor=0)
    with ape.reverts(bare_oracle.TwapOracle_TooManySources):
        add_source(bare_oracle, timelock, pools[8], deployer, floor=0)


def test_removal_through_the_timelock_compacts_the_list(bare_oracle, timelock, pools, deployer):
    for pool in pools:
        add_source(bare_oracle, timelock, pool, deployer)
    receipt = remove_source(bare_oracle, timelock, pools[0], deployer)
    assert receipt.events.filter(bare_oracle.SourceRemoved)[0].pool == pools[0].address
    remaining = [bare_oracle.source(i).pool for i in range(bare_oracle.sourceCount())]
    assert sorted(remaining) == sorted(p.address for p in pools[1:])
    with ape.reverts(bare_oracle.TwapOracle_UnknownSource, pool=pools[0].address):
        remove_source(bare_oracle, timelock, pools[0], deployer)


def test_removing_every_source_empties_the_list_and_it_can_be_refilled(
    bare_oracle, timelock, pools, deployer
):
    # The configurations live in a data contract that each change redeploys (none when empty).
    v2, v3 = pools[0], pools[3]
    add_source(bare_oracle, timelock, v2, deployer)
    add_source(bare_oracle, timelock, v3, deployer, floor=7)
    remove_source(bare_oracle, timelock, v2, deployer)
    assert [bare_oracle.source(0).pool, bare_oracle.source(0).minQuoteLiquidity] == [v3.address, 7]
    remove_source(bare_oracle, timelock, v3, deployer)
    assert bare_oracle.sourceCount() == 0
    with ape.reverts(bare_oracle.TwapOracle_NoSuchSource, index=0):
        bare_oracle.source(0)
    with ape.reverts(bare_oracle.TwapOracle_UnknownSource, pool=v3.address):
        remove_source(bare_oracle, timelock, v3, deployer)
    add_source(bare_oracle, timelock, v3, deployer)
    src = bare_oracle.source(0)
    assert (bare_oracle.sourceCount(), src.pool, src.kind, src.minQuoteLiquidity) == (1, v3.address, 1, FLOOR)


def test_a_stablecoin_is_priced_while_some_source_quotes_it(bare_oracle, timelock, pools, stables, deployer):
    usdc_v2, dai_v2 = pools[0], pools[1]
    for pool in pools:
        add_source(bare_oracle, timelock, pool, deployer)
    remove_source(bare_oracle, timelock, usdc_v2, deployer)  # the V3 pool still quotes USDC
    assert bare_oracle.tokenToUsd(stables["USDC"], 10**6) == ONE
    remove_source(bare_oracle, timelock, dai_v2, deployer)  # nothing quotes DAI any more
    with ape.reverts(bare_oracle.TwapOracle_UnsupportedToken, token=stables["DAI"].address):
        bare_oracle.tokenToUsd(stables["DAI"], ONE)


def test_grow_history_is_permissionless_for_v3_sources_only(bare_oracle, timelock, pools, stranger, deployer):
    v2, v3 = pools[0], pools[3]
    add_source(bare_oracle, timelock, v2, deployer)
    add_source(bare_oracle, timelock, v3, deployer)
    with ape.reverts(bare_oracle.TwapOracle_NotV3Source, pool=v2.address):
        bare_oracle.growHistory(0, 300, sender=stranger)
    receipt = bare_oracle.growHistory(1, 300, sender=stranger)
    event = receipt.events.filter(bare_oracle.HistoryGrown)[0]
    assert (event.pool, event.cardinalityNext) == (v3.address, 300)
    assert v3.contract.slot0().observationCardinalityNext == 300
    with ape.reverts(bare_oracle.TwapOracle_NoSuchSource, index=2):
        bare_oracle.growHistory(2, 300, sender=stranger)


def test_an_uninitialised_v3_pool_is_refused(
    bare_oracle, timelock, synor, stables, v3_factory, v3_pool_container, deployer
):
    receipt = v3_factory.createPool(synor, stables["DAI"], 10_000, sender=deployer)
    pool = v3_pool_container.at(receipt.events[0].pool)
    data = bare_oracle.addSource.encode_input(pool.address, 1, FLOOR)
    with ape.reverts(bare_oracle.TwapOracle_UnsupportedPool, pool=pool.address):
        through_timelock(timelock, bare_oracle, data, deployer)


def test_a_removal_keeps_the_moved_sources_observations(oracle, timelock, pools, deployer):
    remove_source(oracle, timelock, pools[0], deployer)  # the last source moves into slot 0
    receipt = run_round(oracle, deployer, wait=0)
    event = receipt.events.filter(oracle.PriceUpdated)[0]
    assert not receipt.events.filter(oracle.SourceSkipped)
    assert (event.status, event.sources) == (1, 3)
    assert abs(oracle.price() - START_PRICE) * 10_000 <= START_PRICE


def test_floors_above_32_bits_of_whole_coins_are_refused(bare_oracle, timelock, pools, deployer):
    data = bare_oracle.addSource.encode_input(pools[0].address, 0, 2**32)
    with ape.reverts(bare_oracle.TwapOracle_InvalidConfig, field=b"minQuoteLiquidity".ljust(32, b"\0")):
        through_timelock(timelock, bare_oracle, data, deployer)
    add_source(bare_oracle, timelock, pools[0], deployer, floor=2**32 - 1)  # the largest floor
    assert bare_oracle.source(0).minQuoteLiquidity == 2**32 - 1


def test_a_pool_whose_price_scale_exceeds_10_pow_43_is_refused(
    project, deployer, timelock, v2_factory, v2_pair_container
):
    # A 36-decimal token against a 0-decimal coin: 10**(18 + 36 - 0) would overflow the harmonic mean.
    big = project.TestStablecoin.deploy("Big", "BIG", 36, sender=deployer)
    whole = project.TestStablecoin.deploy("Whole", "WHL", 0, sender=deployer)
    oracle = project.TwapOracle.deploy(oracle_config(big, timelock), sender=deployer)
    pair = v2_pair_container.at(v2_factory.createPair(big, whole, sender=deployer).events[0].pair)
    data = oracle.addSource.encode_input(pair.address, 0, 0)
    with ape.reverts(oracle.TwapOracle_UnsupportedPool, pool=pair.address):
        through_timelock(timelock, oracle, data, deployer)

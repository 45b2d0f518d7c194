"""The TWAP on real pools: rounds, skipping, following trades, V2/V3 agreement, the TickMath port."""

from __future__ import annotations

import ape

from devstack.uniswap import (
    MAX_TICK,
    MIN_TICK,
    ONE,
    advance,
    price_from_sqrt,
)
from tests.contracts.oracle.conftest import START_PRICE, WINDOW, add_sources, oracle_config, run_round

OK, TOO_FEW = 1, 2
NOT_READY = 1


def within(value, target, bps):
    return abs(value - target) * 10_000 <= target * bps


def test_v2_sources_wait_one_window_for_their_first_average(project, deployer, synor, timelock, pools):
    oracle = project.TwapOracle.deploy(oracle_config(synor, timelock), sender=deployer)
    add_sources(oracle, timelock, pools, deployer)
    receipt = oracle.update(sender=deployer)  # right after the sources were added
    skipped = receipt.events.filter(oracle.SourceSkipped)
    assert sorted(e.pool for e in skipped) == sorted(p.address for p in pools if p.kind == 0)
    assert {e.reason for e in skipped} == {NOT_READY}
    event = receipt.events.filter(oracle.PriceUpdated)[0]
    assert (event.roundId, event.status, event.sources) == (1, TOO_FEW, 1)
    with ape.reverts(oracle.TwapOracle_SourceNotReady, pool=pools[0].address):
        oracle.sourcePrice(0)
    receipt = run_round(oracle, deployer)
    event = receipt.events.filter(oracle.PriceUpdated)[0]
    assert (event.roundId, event.status, event.sources) == (2, OK, 4)
    assert within(event.price, START_PRICE, 5)
    assert oracle.price() == event.price == event.candidate


def test_update_does_nothing_until_a_window_has_passed(oracle, stranger):
    state = oracle.state()
    assert not oracle.updateDue()
    assert oracle.nextUpdateAt() == state.updatedAt + WINDOW
    assert oracle.update.call(sender=stranger) is False
    receipt = oracle.update(sender=stranger)
    assert not receipt.events.filter(oracle.PriceUpdated)
    assert oracle.state() == state
    ape.chain.mine(timestamp=state.updatedAt + WINDOW)
    assert oracle.updateDue()
    assert oracle.update.call(sender=stranger) is True
    receipt = oracle.update(sender=stranger)
    assert receipt.events.filter(oracle.PriceUpdated)[0].roundId == state.roundId + 1


def test_the_twap_follows_real_trades_and_v2_and_v3_agree(oracle, pools, deployer):
    # Everyone trades up to $0.55 right after a round; the next round sees about $0.55.
    for pool in pools:
        pool.move_to(START_PRICE * 11 // 10, deployer)
    run_round(oracle, deployer)
    assert within(oracle.price(), START_PRICE * 11 // 10, 30)
    # Half a window at $0.55, half at $0.60: the average is about $0.575.
    advance(WINDOW // 2)
    for pool in pools:
        pool.move_to(START_PRICE * 12 // 10, deployer)
    advance(WINDOW // 2)
    ape.chain.mine()
    quotes = [oracle.sourceQuote(i) for i in range(len(pools))]
    v2_prices = [q.high for q, p in zip(quotes, pools, strict=True) if p.kind == 0]
    v3_prices = [q.high for q, p in zip(quotes, pools, strict=True) if p.kind == 1]
    for quote in quotes:
        assert within(quote.low, START_PRICE * 115 // 100, 50)
        assert within(quote.high, START_PRICE * 115 // 100, 50)
        # V2: harmonic <= arithmetic mean, 0.4% apart on this path; V3: one geometric mean.
        assert quote.low <= quote.high and within(quote.low, quote.high, 40)
    # Arithmetic (V2) and geometric (V3) means of the same path agree within 0.2%.
    for v2_price in v2_prices:
        assert within(v3_prices[0], v2_price, 20)
    oracle.update(sender=deployer)
    assert within(oracle.price(), START_PRICE * 115 // 100, 50)


def test_v3_price_is_tickmath_of_the_pools_observed_mean_tick(
    project, oracle, pools, deployer, synor, timelock
):
    harness = project.TickMathHarness.deploy(sender=deployer)
    v3_index = next(i for i, p in enumerate(pools) if p.kind == 1)
    v3 = pools[v3_index]

    def expected(period):
        cumulatives, _ = v3.contract.observe([period, 0])
        mean_tick = (cumulatives[1] - cumulatives[0]) // period  # floors toward -inf, as the oracle
        return price_from_sqrt(harness.getSqrtRatioAtTick(mean_tick), v3.synor_is_token0, v3.quote_decimals)

    v3.move_to(START_PRICE * 103 // 100, deployer)
    advance(WINDOW // 3)
    v3.move_to(START_PRICE * 97 // 100, deployer)
    advance(WINDOW)
    ape.chain.mine()
    # Steady state: the average runs from the oracle's observation at its last round to now.
    period = ape.chain.blocks.head.timestamp - oracle.state().updatedAt
    assert period > WINDOW
    assert tuple(oracle.sourcePrice(v3_index)) == (expected(period), expected(period))
    # A source without an observation of its own uses the pool's history over exactly `window`.
    fresh = project.TwapOracle.deploy(oracle_config(synor, timelock), sender=deployer)
    add_sources(fresh, timelock, [v3], deployer)
    v3.move_to(START_PRICE * 102 // 100, deployer)
    advance(WINDOW // 2)
    ape.chain.mine()
    assert tuple(fresh.sourcePrice(0)) == (expected(WINDOW), expected(WINDOW))


def test_tickmath_matches_real_v3_pool_initialisation(project, deployer, v3_factory, v3_pool_container):
    """The real pool's getTickAtSqrtRatio puts our sqrt(t) at tick t and sqrt(t+1) - 1 still at t: our
    values are exactly the tick boundaries real pools use."""
    harness = project.TickMathHarness.deploy(sender=deployer)
    assert harness.getSqrtRatioAtTick(0) == 2**96
    assert harness.getSqrtRatioAtTick(MIN_TICK) == 4295128739
    assert harness.getSqrtRatioAtTick(MAX_TICK) == 1461446703485210103287273052203988822378723970342
    for tick in (MIN_TICK, -276325, -50001, -1, 0, 1, 23027, 276324, MAX_TICK - 1):
        a = project.TestStablecoin.deploy("A", "A", 18, sender=deployer)
        b = project.TestStablecoin.deploy("B", "B", 18, sender=deployer)
        at = v3_pool_container.at(v3_factory.createPool(a, b, 500, sender=deployer).events[0].pool)
        below = v3_pool_container.at(v3_factory.createPool(a, b, 3000, sender=deployer).events[0].pool)
        at.initialize(harness.getSqrtRatioAtTick(tick), sender=deployer)
        below.initialize(harness.getSqrtRatioAtTick(tick + 1) - 1, sender=deployer)
        assert at.slot0().tick == tick
        assert below.slot0().tick == tick
    with ape.reverts(harness.TickMath_TickOutOfRange, tick=MAX_TICK + 1):
        harness.getSqrtRatioAtTick(MAX_TICK + 1)
    with ape.reverts(harness.TickMath_TickOutOfRange, tick=MIN_TICK - 1):
        harness.getSqrtRatioAtTick(MIN_TICK - 1)


def test_conversions_round_in_favour_of_the_payee(oracle):
    price = oracle.price()
    for usd in (1, 10**6, ONE, 19_990_000 * 10**12, 123_456_789 * ONE + 7):
        tokens = oracle.usdToToken(usd)
        assert tokens * price >= usd * ONE  # enough tokens
        assert (tokens - 1) * price < usd * ONE  # and no more than needed
    for amount in (1, ONE, 3 * ONE + 1, 10**30):
        usd = oracle.tokenToUsd(amount)
        assert usd == amount * price // ONE
    assert oracle.tokenToUsd(oracle.usdToToken(ONE)) >= ONE


def test_latest_round_data_reads_like_a_chainlink_feed(oracle):
    state = oracle.state()
    round_id, answer, started_at, updated_at, answered_in = oracle.latestRoundData()
    assert (round_id, answered_in) == (state.acceptedRound, state.acceptedRound) == (state.roundId,) * 2
    assert answer == oracle.price() == state.price
    assert started_at == updated_at == state.acceptedAt == state.updatedAt
    assert oracle.decimals() == 18


def test_as_a_price_source_it_prices_synor_and_the_sources_stablecoins(oracle, synor, stables, stranger):
    assert oracle.tokenToUsd(synor, 3 * ONE + 1) == oracle.tokenToUsd(3 * ONE + 1)
    assert oracle.usdToToken(synor, 7 * ONE + 1) == oracle.usdToToken(7 * ONE + 1)
    assert oracle.tokenToUsd(stables["USDC"], 1_500_001) == 1_500_001 * 10**12  # 6 decimals, $1 each
    assert oracle.tokenToUsd(stables["DAI"], 2 * ONE) == 2 * ONE
    assert oracle.usdToToken(stables["USDT"], ONE + 1) == 1_000_001  # rounded up
    assert oracle.usdToToken(stables["USDT"], ONE) == 1_000_000
    with ape.reverts(oracle.TwapOracle_UnsupportedToken, token=stranger.address):
        oracle.tokenToUsd(stranger, 1)
    with ape.reverts(oracle.TwapOracle_UnsupportedToken, token=stranger.address):
        oracle.usdToToken(stranger, 1)

"""The TwapOracle as the fee splitter's IPriceSource: a real TWAP over the buy-back pair bounds buy-backs."""

from __future__ import annotations

import ape

from devstack.oracle import OracleOptions, oracle_config
from devstack.uniswap import advance, through_timelock

USDC = 10**6


def test_the_oracle_bounds_buy_backs_through_the_splitter(
    project, splitter, usdc, synor, pair, sponsor, keeper, deployer
):
    options = OracleOptions(min_sources=1, floor_usd=1_000)
    timelock = project.SynorTimelock.deploy(
        options.timelock_delay, [deployer], [ape.utils.ZERO_ADDRESS], ape.utils.ZERO_ADDRESS, sender=deployer
    )
    oracle = project.TwapOracle.deploy(
        oracle_config(synor.address, timelock.address, options), sender=deployer
    )
    through_timelock(
        timelock, oracle, oracle.addSource.encode_input(pair.address, 0, options.floor_usd), deployer
    )
    advance(options.window)
    oracle.update(sender=deployer)
    # The pool's own price, as a TWAP: 1 USDC buys what the pool says.
    r0, r1, _ = pair.getReserves()
    usdc_reserve, synor_reserve = (r0, r1) if pair.token0() == usdc.address else (r1, r0)
    fair = oracle.usdToToken(synor, oracle.tokenToUsd(usdc, USDC))
    assert abs(fair - synor_reserve * USDC // usdc_reserve) * 10_000 <= fair

    splitter.setPriceSource(oracle, sender=deployer)
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    assert splitter.buyBack(usdc, 0, 0, sender=keeper).return_value > 0
    # A stale oracle stops buy-backs rather than letting them trade blind.
    advance(options.max_age + 1)
    usdc.transfer(splitter, 1_000 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    with ape.reverts(oracle.TwapOracle_StalePrice):
        splitter.buyBack(usdc, 0, 0, sender=keeper)

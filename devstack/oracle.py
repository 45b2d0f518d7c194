"""Deploying the SYNOR/USD oracle with real Uniswap pools on a local chain (deploy script, demo, tests).

Imports ape lazily inside functions: importing this module loads nothing heavy and touches no network.
On a public network only the oracle and its timelock are deployed by hand (see README): pools exist
already, and the timelock's delay is real time, not skipped as here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devstack.uniswap import advance, container, create_v2_pool, create_v3_pool
from synor.oracle.twap import ONE


@dataclass(frozen=True)
class OracleOptions:
    """Oracle configuration and, for local chains, the pools to create."""

    window: int = 30 * 60
    max_age: int = 2 * 3600
    min_sources: int = 2
    max_deviation_bps: int = 500
    max_move_bps: int = 1500
    min_price: int = ONE // 1000
    max_price: int = 1000 * ONE
    timelock_delay: int = 3600
    floor_usd: int = 10_000
    """Liquidity floor per source, whole dollars on the pool's stablecoin side."""
    start_price: int = ONE // 2
    """Local pools' starting SYNOR price (18-decimal USD)."""
    pool_synor: int = 2_000_000 * ONE
    """SYNOR per local pool (plus its worth in the stablecoin)."""
    v3_cardinality: int = 200
    """Observations the V3 pool keeps: window / block time with margin (30 min of 12 s blocks = 150)."""


def oracle_config(synor: str, timelock: str, options: OracleOptions) -> tuple[Any, ...]:
    """The TwapOracle constructor's Config tuple."""
    return (
        synor,
        timelock,
        options.window,
        options.max_age,
        options.min_sources,
        options.max_deviation_bps,
        options.max_move_bps,
        options.min_price,
        options.max_price,
    )


def deploy_local_oracle(
    project: Any, deployer: Any, synor: Any, usdc: Any, options: OracleOptions | None = None
) -> dict[str, str]:
    """On a local chain: Uniswap V2 and V3 factories (the npm artifacts), DAI and USDT test coins, three
    V2 pairs (SYNOR/USDC, SYNOR/DAI, SYNOR/USDT) and a V3 pool (SYNOR/USDC 0.3%) with liquidity at
    ``start_price``, the V3 pool's history grown, a SynorTimelock, the TwapOracle, its sources added
    through the timelock (the delay skipped by moving anvil's clock) and its first round run.

    ``deployer`` must hold ``4 * pool_synor`` SYNOR. ``usdc`` is a mintable TestStablecoin. Returns the
    addresses to record (``oracle``, ``oracle_timelock``, ``uniswap_v2_factory``, ``uniswap_v3_factory``,
    ``uniswap_v3_router``, ``pool_*``, ``dai``, ``usdt``).
    """
    from ape.utils import ZERO_ADDRESS

    opts = options or OracleOptions()
    v2_factory = container("UniswapV2Factory").deploy(deployer, sender=deployer)
    v3_factory = container("UniswapV3Factory").deploy(sender=deployer)
    router = project.UniswapV3TestRouter.deploy(sender=deployer)
    dai = project.TestStablecoin.deploy("Test Dai", "DAI", 18, sender=deployer)
    usdt = project.TestStablecoin.deploy("Test Tether", "USDT", 6, sender=deployer)
    for coin in (usdc, dai, usdt):
        coin.mint(deployer, 10**9 * 10 ** int(coin.decimals()), sender=deployer)
        coin.approve(router, 2**256 - 1, sender=deployer)
    synor.approve(router, 2**256 - 1, sender=deployer)

    pair = container("UniswapV2Pair")
    pools = [
        create_v2_pool(v2_factory, pair, synor, coin, opts.start_price, opts.pool_synor, deployer)
        for coin in (usdc, dai, usdt)
    ]
    v3 = create_v3_pool(
        v3_factory,
        container("UniswapV3Pool"),
        router,
        synor,
        usdc,
        opts.start_price,
        opts.pool_synor,
        deployer,
    )
    v3.contract.increaseObservationCardinalityNext(opts.v3_cardinality, sender=deployer)
    pools.append(v3)

    timelock = project.SynorTimelock.deploy(
        opts.timelock_delay, [deployer], [ZERO_ADDRESS], ZERO_ADDRESS, sender=deployer
    )
    oracle = project.TwapOracle.deploy(oracle_config(synor.address, timelock.address, opts), sender=deployer)
    targets = [oracle.address] * len(pools)
    payloads = [oracle.addSource.encode_input(p.address, p.kind, opts.floor_usd) for p in pools]
    salt, predecessor = b"\x00" * 31 + b"\x01", b"\x00" * 32
    values = [0] * len(pools)
    timelock.scheduleBatch(targets, values, payloads, predecessor, salt, opts.timelock_delay, sender=deployer)
    advance(opts.timelock_delay)
    timelock.executeBatch(targets, values, payloads, predecessor, salt, sender=deployer)
    advance(opts.window)
    oracle.update(sender=deployer)  # the first round: every source then spans one window

    names = ("pool_v2_usdc", "pool_v2_dai", "pool_v2_usdt", "pool_v3_usdc")
    return {
        "oracle": oracle.address,
        "oracle_timelock": timelock.address,
        "uniswap_v2_factory": v2_factory.address,
        "uniswap_v3_factory": v3_factory.address,
        "uniswap_v3_router": router.address,
        "dai": dai.address,
        "usdt": usdt.address,
        **{name: pool.address for name, pool in zip(names, pools, strict=True)},
    }

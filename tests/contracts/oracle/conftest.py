"""Fixtures for the oracle tests: real Uniswap V2 and V3 deployments with SYNOR/stablecoin liquidity."""

from __future__ import annotations

from itertools import count

import ape
import pytest

from devstack.uniswap import (
    ONE,
    advance,
    container,
    create_v2_pool,
    create_v3_pool,
    through_timelock,
)

_batch_salts = count(10**6)

WINDOW = 30 * 60
MAX_AGE = 2 * 3600
DELAY = 3600
START_PRICE = ONE // 2  # $0.50 per SYNOR
POOL_SYNOR = 2_000_000 * ONE  # $1M of SYNOR per pool (plus as much in stablecoins)
FLOOR = 10_000  # whole dollars of stablecoin per source
CONFIG = {
    "window": WINDOW,
    "maxAge": MAX_AGE,
    "minSources": 2,
    "maxDeviationBps": 500,
    "maxMoveBps": 1500,
    "minPrice": ONE // 1000,
    "maxPrice": 1000 * ONE,
}


def oracle_config(synor, timelock, **overrides):
    cfg = {"token": synor.address, "timelock": timelock.address, **CONFIG, **overrides}
    return (
        cfg["token"],
        cfg["timelock"],
        cfg["window"],
        cfg["maxAge"],
        cfg["minSources"],
        cfg["maxDeviationBps"],
        cfg["maxMoveBps"],
        cfg["minPrice"],
        cfg["maxPrice"],
    )


@pytest.fixture(scope="session")
def v2_pair_container():
    return container("UniswapV2Pair")


@pytest.fixture(scope="session")
def v3_pool_container():
    return container("UniswapV3Pool")


@pytest.fixture(scope="module")
def v2_factory(deployer):
    return container("UniswapV2Factory").deploy(deployer, sender=deployer)


@pytest.fixture(scope="module")
def v3_factory(deployer):
    return container("UniswapV3Factory").deploy(sender=deployer)


@pytest.fixture(scope="module")
def router(project, deployer):
    return project.UniswapV3TestRouter.deploy(sender=deployer)


@pytest.fixture(scope="module")
def stables(project, deployer, synor, usdc, router):
    """USDC (6 decimals), DAI (18) and a third 6-decimal coin, chosen so that SYNOR is token0 in some
    pools and token1 in others."""
    dai = project.TestStablecoin.deploy("Test Dai", "DAI", 18, sender=deployer)
    coins = [usdc, dai]
    orders = {int(c.address, 16) < int(synor.address, 16) for c in coins}
    while True:
        usdt = project.TestStablecoin.deploy("Test Tether", "USDT", 6, sender=deployer)
        if len(orders | {int(usdt.address, 16) < int(synor.address, 16)}) == 2:
            break
    coins.append(usdt)
    for coin in coins:
        coin.mint(deployer, 10**12 * 10 ** coin.decimals(), sender=deployer)
        coin.approve(router, 2**256 - 1, sender=deployer)
    synor.approve(router, 2**256 - 1, sender=deployer)
    return {"USDC": usdc, "DAI": dai, "USDT": usdt}


@pytest.fixture(scope="module")
def pools(v2_factory, v3_factory, v2_pair_container, v3_pool_container, router, synor, stables, deployer):
    """Three V2 pairs (SYNOR/USDC, SYNOR/DAI, SYNOR/USDT) and one V3 pool (SYNOR/USDC 0.3%), all at
    $0.50 with $1M a side; the V3 pool keeps 200 observations."""
    v2 = [
        create_v2_pool(v2_factory, v2_pair_container, synor, stables[name], START_PRICE, POOL_SYNOR, deployer)
        for name in ("USDC", "DAI", "USDT")
    ]
    v3 = create_v3_pool(
        v3_factory, v3_pool_container, router, synor, stables["USDC"], START_PRICE, POOL_SYNOR, deployer
    )
    v3.contract.increaseObservationCardinalityNext(200, sender=deployer)
    return [*v2, v3]


@pytest.fixture(scope="module")
def timelock(project, deployer):
    return project.SynorTimelock.deploy(
        DELAY, [deployer], [ape.utils.ZERO_ADDRESS], ape.utils.ZERO_ADDRESS, sender=deployer
    )


@pytest.fixture(scope="module")
def bare_oracle(project, deployer, synor, timelock):
    """An oracle without sources."""
    return project.TwapOracle.deploy(oracle_config(synor, timelock), sender=deployer)


def add_source(oracle, timelock, pool, deployer, floor=FLOOR):
    return through_timelock(
        timelock, oracle, oracle.addSource.encode_input(pool.address, pool.kind, floor), deployer
    )


def remove_source(oracle, timelock, pool, deployer):
    return through_timelock(timelock, oracle, oracle.removeSource.encode_input(pool.address), deployer)


def add_sources(oracle, timelock, pools, deployer, floor=FLOOR):
    """Adds several sources in one timelocked batch (as the deploy script does)."""
    salt = next(_batch_salts).to_bytes(32, "big")
    zero = b"\x00" * 32
    targets = [oracle.address] * len(pools)
    values = [0] * len(pools)
    payloads = [oracle.addSource.encode_input(p.address, p.kind, floor) for p in pools]
    timelock.scheduleBatch(targets, values, payloads, zero, salt, DELAY, sender=deployer)
    advance(DELAY)
    return timelock.executeBatch(targets, values, payloads, zero, salt, sender=deployer)


def make_oracle(project, deployer, synor, timelock, pools, **overrides):
    """A fresh oracle over `pools`, with its first round run one window after the sources were added."""
    oracle = project.TwapOracle.deploy(oracle_config(synor, timelock, **overrides), sender=deployer)
    add_sources(oracle, timelock, pools, deployer)
    run_round(oracle, deployer)
    return oracle


@pytest.fixture(scope="module")
def oracle(project, deployer, synor, timelock, pools):
    """An oracle over all four pools whose first round accepted $0.50."""
    oracle = make_oracle(project, deployer, synor, timelock, pools)
    state = oracle.state()
    assert (state.status, state.sources) == (1, 4)
    return oracle


def run_round(oracle, keeper, wait=WINDOW):
    """Waits `wait` seconds and runs an update round; returns the receipt."""
    advance(wait)
    return oracle.update(sender=keeper)

"""Gas of the TwapOracle's hot paths over real Uniswap pools on anvil (three V2 pairs and one V3 pool).

- ``gas.oracle.update``: a steady-state round (every source valid, prices moved since the last round).
- ``gas.oracle.update.skip``: ``update()`` when no window has elapsed.
- ``gas.oracle.read``: ``usdToToken`` called by another contract (cold oracle account included).
- ``gas.oracle.latestRoundData``: the Chainlink-style read, likewise.
"""

from __future__ import annotations

from typing import Any

from bench.metric import gas
from devstack.oracle import OracleOptions, deploy_local_oracle
from devstack.uniswap import Pool, advance, container
from synor.oracle.twap import ONE


def run(project: Any, accounts: Any) -> dict[str, dict[str, Any]]:
    deployer = accounts[0]
    options = OracleOptions()
    synor = project.SynorToken.deploy(deployer, 10**9 * ONE, sender=deployer)
    usdc = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    addresses = deploy_local_oracle(project, deployer, synor, usdc, options)
    oracle = project.TwapOracle.at(addresses["oracle"])
    router = project.UniswapV3TestRouter.at(addresses["uniswap_v3_router"])
    pair, pool_v3 = container("UniswapV2Pair"), container("UniswapV3Pool")
    quotes = {
        "usdc": usdc,
        "dai": project.TestStablecoin.at(addresses["dai"]),
        "usdt": project.TestStablecoin.at(addresses["usdt"]),
    }
    pools = [
        Pool(0, pair.at(addresses[f"pool_v2_{name}"]), synor, quotes[name])
        for name in ("usdc", "dai", "usdt")
    ]
    pools.append(Pool(1, pool_v3.at(addresses["pool_v3_usdc"]), synor, usdc, router))

    # Two rounds with trading in between, as in steady operation (every slot already written once).
    receipt = None
    for step in (1, 2):
        for pool in pools:
            pool.move_to(options.start_price * (100 + step) // 100, deployer)
        advance(options.window)
        receipt = oracle.update(sender=deployer)
    assert receipt is not None and receipt.events.filter(oracle.PriceUpdated)[0].sources == 4
    skip = oracle.update(sender=deployer)
    probe = project.OracleReadProbe.deploy(sender=deployer)
    read_gas, _ = probe.measureUsdToToken(oracle, 20 * ONE)
    feed_gas, _ = probe.measureLatestRoundData(oracle)
    return {
        "gas.oracle.update": gas(receipt.gas_used),
        "gas.oracle.update.skip": gas(skip.gas_used),
        "gas.oracle.read": gas(read_gas),
        "gas.oracle.latestRoundData": gas(feed_gas),
    }

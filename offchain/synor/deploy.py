"""Deploying and wiring the Synor stack with ape (used by `ape run deploy`, the demo and the benchmarks).

Imports ape lazily inside functions: importing this module loads nothing heavy and touches no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synor.deployments import Deployment
from synor.units import parse_rate

CARTESI_PRICE = "0.000033052248677249"
"""The Cartesi example's price, in payment tokens per second."""

SYNOR_SUPPLY = 1_000_000_000 * 10**18
LOCAL_STABLECOIN_GRANT = 1_000_000
"""Whole test-stablecoin tokens minted to each local development account."""


@dataclass(frozen=True)
class StackOptions:
    """What to deploy. Without ``payment_token`` a 6-decimal test stablecoin is deployed (local only)."""

    price_per_token_second: str = CARTESI_PRICE
    payment_token: str | None = None
    payee: str | None = None
    grant_to: tuple[str, ...] = ()


def price_per_second(token_decimals: int, tokens_per_second: str) -> int:
    """The factory's 18-decimal fixed-point price (base units per second) of a price in whole tokens.

    ``0.000033052248677249`` tokens/s of a 6-decimal token is 33.052248677249 base units/s, i.e.
    ``33052248677249000000``. Exact: the decimal text is scaled, never passed through a float.
    """
    rate: int = parse_rate(tokens_per_second) * 10**token_decimals
    return rate


def deploy_stack(
    project: Any, deployer: Any, options: StackOptions, network: str, rpc_url: str
) -> Deployment:
    """Deploys token(s) and the factory, and returns the record to save."""
    from ape import chain

    start_block = chain.blocks.height + 1
    synor = project.SynorToken.deploy(deployer, SYNOR_SUPPLY, sender=deployer)
    if options.payment_token is None:
        token = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
        for holder in (deployer.address, *options.grant_to):
            token.mint(holder, LOCAL_STABLECOIN_GRANT * 10**6, sender=deployer)
    else:
        token = project.TestStablecoin.at(options.payment_token)
    decimals = int(token.decimals())
    price = price_per_second(decimals, options.price_per_token_second)
    factory = project.PayableDAppFactory.deploy(
        token, price, options.payee or deployer.address, sender=deployer
    )
    return Deployment(
        network=network,
        chain_id=int(chain.chain_id),
        rpc_url=rpc_url,
        start_block=start_block,
        contracts={"synor": synor.address, "payment_token": token.address, "factory": factory.address},
        payment_token={"symbol": token.symbol(), "decimals": decimals, "price_per_second": str(price)},
    )

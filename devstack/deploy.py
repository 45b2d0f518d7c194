"""Deploying and wiring the Synor stack with ape (used by `ape run deploy`, the demo and the benchmarks).

Imports ape lazily inside functions: importing this module loads nothing heavy and touches no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from devstack.oracle import OracleOptions, deploy_local_oracle
from devstack.pricing import PriceBookOptions, deploy_price_book
from devstack.revenue import RevenueOptions, deploy_revenue
from devstack.usage import UsageBillingOptions, deploy_usage_billing
from synor.deployments import Deployment
from synor.units import parse_rate

CARTESI_PRICE = "0.000033052248677249"
"""The Cartesi example's price, in payment tokens per second."""

SYNOR_SUPPLY = 1_000_000_000 * 10**18
LOCAL_STABLECOIN_GRANT = 1_000_000
"""Whole test-stablecoin tokens minted to each local development account."""
LOCAL_SYNOR_GRANT = 1_000_000
"""Whole SYNOR transferred to each local development account (to stake, or to pay in SYNOR)."""


@dataclass(frozen=True)
class StackOptions:
    """What to deploy. Without ``payment_token`` a 6-decimal test stablecoin is deployed (local only).

    With ``revenue``, staking and the fee splitter are deployed too and the splitter is the factory's
    payee, unless ``payee`` names another.
    """

    price_per_token_second: str = CARTESI_PRICE
    payment_token: str | None = None
    payee: str | None = None
    grant_to: tuple[str, ...] = ()
    revenue: RevenueOptions | None = None
    local_oracle: OracleOptions | None = None
    """Local chains: Uniswap V2/V3 pools, the TWAP oracle and its timelock, the oracle as the splitter's
    price source, its SYNOR/USDC V2 pair as the buy-back pair and its V2 factory as the splitter's."""
    price_book: PriceBookOptions = field(default_factory=PriceBookOptions)
    """The usage price book (always deployed, seeded with the seed's whole table) and its timelock."""
    usage_billing: UsageBillingOptions = field(default_factory=UsageBillingOptions)
    """The prepaid escrow and usage settlement (deployed with the revenue contracts: they pay the splitter)."""


def local_revenue(dev: list[str]) -> RevenueOptions:
    """The local roles, all anvil development accounts: dev:0 deploys and keeps, dev:4 and dev:5 operate
    (weights 2 and 1), dev:6 is the treasury, dev:7 the community pool and dev:8 a validator. Buy-backs
    go through the oracle's SYNOR/USDC Uniswap V2 pair (set by `deploy_stack`)."""
    return RevenueOptions(
        treasury=dev[6],
        community_pool=dev[7],
        keeper=dev[0],
        weight_manager=dev[0],
        operators=((dev[4], 2), (dev[5], 1)),
        validators=((dev[8], 1),),
    )


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
    """Deploys SYNOR, the payment token (local), revenue contracts (if asked), the seeded price book and
    the factory; returns the record."""
    from ape import chain

    start_block = chain.blocks.height + 1
    synor = project.SynorToken.deploy(deployer, SYNOR_SUPPLY, sender=deployer)
    if options.payment_token is None:
        token = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
        for holder in (deployer.address, *options.grant_to):
            token.mint(holder, LOCAL_STABLECOIN_GRANT * 10**6, sender=deployer)
        for holder in options.grant_to:
            synor.transfer(holder, LOCAL_SYNOR_GRANT * 10**18, sender=deployer)
    else:
        token = project.IERC20Token.at(options.payment_token)
    decimals = int(token.decimals())
    price = price_per_second(decimals, options.price_per_token_second)
    records: dict[str, str] = {}
    revenue_options = options.revenue
    if options.local_oracle is not None:
        records.update(deploy_local_oracle(project, deployer, synor, token, options.local_oracle))
        if revenue_options is not None:
            revenue_options = replace(
                revenue_options,
                buyback_pair=records["pool_v2_usdc"],
                uniswap_v2_factory=records["uniswap_v2_factory"],
            )
    if revenue_options is not None:
        records.update(deploy_revenue(project, deployer, synor, token, revenue_options))
        if "oracle" in records:
            project.FeeSplitter.at(records["splitter"]).setPriceSource(records["oracle"], sender=deployer)
    records.update(deploy_price_book(project, deployer, options.price_book))
    if "splitter" in records:
        records.update(
            deploy_usage_billing(
                project,
                deployer,
                synor.address,
                records["splitter"],
                records["price_book"],
                records.get("oracle"),
                options.usage_billing,
            )
        )
    payee = options.payee or records.get("splitter") or deployer.address
    factory = project.PayableDAppFactory.deploy(token, price, payee, sender=deployer)
    return Deployment(
        network=network,
        chain_id=int(chain.chain_id),
        rpc_url=rpc_url,
        start_block=start_block,
        contracts={
            "synor": synor.address,
            "payment_token": token.address,
            "factory": factory.address,
            **records,
        },
        payment_token={"symbol": token.symbol(), "decimals": decimals, "price_per_second": str(price)},
    )

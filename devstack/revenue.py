"""Deploying and wiring the revenue contracts with ape: staking, fee splitter, and (locally) a real
Uniswap V2 pool from the ``@uniswap/v2-core`` npm build for buy-backs.

Order matters: the Uniswap V2 factory must exist before the splitter (an immutable constructor argument:
only its pairs may be buy-back pairs), and the splitter before the PayableDAppFactory, whose immutable
payee it is.
Imports ape lazily: importing this module loads nothing heavy and touches no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devstack.uniswap import container
from synor.revenue.split import SEED_SERVICE, SEED_TRANSACTION

ZERO_ADDRESS = "0x" + "00" * 20
WEEK = 7 * 24 * 3600
DAY = 24 * 3600


@dataclass(frozen=True)
class RevenueOptions:
    """Who receives and who may act. Unset addresses default to the deployer (fine on anvil only), but the
    treasury and the community pool must differ (the splitter refuses one address in two recipient roles)."""

    treasury: str | None = None
    community_pool: str | None = None
    keeper: str | None = None
    weight_manager: str | None = None
    operators: tuple[tuple[str, int], ...] = ()
    validators: tuple[tuple[str, int], ...] = ()
    cooldown: int = WEEK
    admin_delay: int = DAY
    max_slippage_bps: int = 100
    pool_liquidity: tuple[int, int] | None = None
    """Local chains: (payment-token base units, SYNOR base units) to seed a new Uniswap V2 pair with."""
    buyback_pair: str | None = None
    """An existing payment-token/SYNOR Uniswap V2 pair for buy-backs (instead of seeding a new one); it must
    be ``uniswap_v2_factory``'s pair of the two tokens."""
    uniswap_v2_factory: str | None = None
    """The canonical Uniswap V2 factory whose pairs alone the splitter buys back through. Required unless
    ``pool_liquidity`` is given, which deploys a factory from the npm build (local chains)."""


def deploy_pair(
    deployer: Any, token: Any, synor: Any, token_amount: int, synor_amount: int, factory: Any = None
) -> tuple[Any, Any]:
    """Deploys (unless given) a Uniswap V2 factory and a token/SYNOR pair seeded with liquidity (the
    deployer must hold ``synor_amount`` SYNOR and be able to mint ``token_amount`` of the test token)."""
    if factory is None:
        factory = container("UniswapV2Factory").deploy(deployer, sender=deployer)
    factory.createPair(token, synor, sender=deployer)
    pair = container("UniswapV2Pair").at(factory.getPair(token, synor))
    token.mint(pair, token_amount, sender=deployer)
    synor.transfer(pair, synor_amount, sender=deployer)
    pair.mint(deployer, sender=deployer)
    return factory, pair


def deploy_revenue(
    project: Any, deployer: Any, synor: Any, payment_token: Any, options: RevenueOptions
) -> dict[str, str]:
    """Deploys staking and the splitter with the seed's schedules, wires roles and tokens, and returns
    the addresses to record (``staking``, ``splitter`` and, with liquidity, ``uniswap_factory`` and
    ``uniswap_pair``)."""
    me = deployer.address
    records: dict[str, str] = {}
    pair_address = options.buyback_pair or ZERO_ADDRESS
    uniswap = options.uniswap_v2_factory
    if options.buyback_pair is None and options.pool_liquidity is not None:
        factory, pair = deploy_pair(deployer, payment_token, synor, *options.pool_liquidity, factory=uniswap)
        uniswap, pair_address = factory.address, pair.address
        records.update({"uniswap_factory": factory.address, "uniswap_pair": pair.address})
    if uniswap is None:
        raise ValueError("the splitter needs the canonical Uniswap V2 factory (uniswap_v2_factory)")
    treasury, community_pool = options.treasury or me, options.community_pool or me
    if treasury.lower() == community_pool.lower():
        raise ValueError(f"the treasury and the community pool must be different addresses ({treasury})")
    staking = project.SynorStaking.deploy(synor, options.cooldown, options.admin_delay, me, sender=deployer)
    service = (SEED_SERVICE.operators_bps, SEED_SERVICE.treasury_bps, SEED_SERVICE.burn_bps)
    transaction = (
        SEED_TRANSACTION.burn_bps,
        SEED_TRANSACTION.stakers_bps,
        SEED_TRANSACTION.community_bps,
        SEED_TRANSACTION.validators_bps,
    )
    splitter = project.FeeSplitter.deploy(
        synor,
        treasury,
        community_pool,
        staking,
        uniswap,
        service,
        transaction,
        options.max_slippage_bps,
        options.admin_delay,
        me,
        sender=deployer,
    )
    staking.addRewardToken(synor, sender=deployer)
    staking.addRewardToken(payment_token, sender=deployer)
    records.update({"staking": staking.address, "splitter": splitter.address})
    splitter.acceptToken(payment_token, pair_address, sender=deployer)
    splitter.grantRole(splitter.KEEPER_ROLE(), options.keeper or me, sender=deployer)
    splitter.grantRole(splitter.WEIGHT_MANAGER_ROLE(), options.weight_manager or me, sender=deployer)
    for operator, weight in options.operators:
        splitter.setOperatorWeight(operator, weight, sender=deployer)
    for validator, weight in options.validators:
        splitter.setValidatorWeight(validator, weight, sender=deployer)
    return records

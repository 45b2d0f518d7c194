"""Fixtures of the revenue stack: staking, fee splitter and a real Uniswap V2 USDC/SYNOR pair.

The pair comes from the ``@uniswap/v2-core`` npm artifacts (the authors' own bytecode), never a mock.
"""

from __future__ import annotations

import pytest

from devstack.uniswap import container

SERVICE_SHARES = (7000, 2000, 1000)  # operators, treasury, burn
TX_SHARES = (1000, 6000, 2000, 1000)  # burn, stakers, community, validators
COOLDOWN = 7 * 24 * 3600
ADMIN_DELAY = 24 * 3600
MAX_SLIPPAGE_BPS = 100  # 1%
PRECISION = 10**36

# Pool: 1,000,000 USDC against 10,000,000 SYNOR, i.e. 0.1 USDC per SYNOR.
POOL_USDC = 1_000_000 * 10**6
POOL_SYNOR = 10_000_000 * 10**18


def amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    """Uniswap V2's getAmountOut: constant product with the 0.3% fee."""
    return amount_in * 997 * reserve_out // (reserve_in * 1000 + amount_in * 997)


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def community(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def operator_a(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def operator_b(accounts):
    return accounts[8]


@pytest.fixture(scope="session")
def validator_a(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def extra(accounts):
    """More funded test accounts: keeper, validator_b, stakers."""
    made = [accounts.generate_test_account() for _ in range(4)]
    for account in made:
        accounts[0].transfer(account, 10**20)
    return made


@pytest.fixture(scope="session")
def keeper(extra):
    return extra[0]


@pytest.fixture(scope="session")
def validator_b(extra):
    return extra[1]


@pytest.fixture(scope="session")
def staker_a(extra):
    return extra[2]


@pytest.fixture(scope="session")
def staker_b(extra):
    return extra[3]


@pytest.fixture(scope="session")
def staking(project, deployer, synor, usdc):
    contract = project.SynorStaking.deploy(synor, COOLDOWN, ADMIN_DELAY, deployer, sender=deployer)
    contract.addRewardToken(synor, sender=deployer)
    contract.addRewardToken(usdc, sender=deployer)
    return contract


@pytest.fixture(scope="session")
def uniswap_factory(deployer):
    return container("UniswapV2Factory").deploy(deployer, sender=deployer)


@pytest.fixture(scope="session")
def pair(uniswap_factory, deployer, usdc, synor):
    uniswap_factory.createPair(usdc, synor, sender=deployer)
    contract = container("UniswapV2Pair").at(uniswap_factory.getPair(usdc, synor))
    usdc.mint(contract, POOL_USDC, sender=deployer)
    synor.transfer(contract, POOL_SYNOR, sender=deployer)
    contract.mint(deployer, sender=deployer)
    return contract


def deploy_splitter(
    project, deployer, synor_token, treasury_account, community_account, staking_contract, **overrides
):
    """A FeeSplitter with the seed's schedules; ``uniswap`` (its Uniswap V2 factory) defaults to a new one
    from the npm build, with no pairs."""
    args = {
        "synor": synor_token,
        "treasury": treasury_account,
        "community": community_account,
        "staking": staking_contract,
        "uniswap": None,
        "service": SERVICE_SHARES,
        "tx": TX_SHARES,
        "slippage": MAX_SLIPPAGE_BPS,
    }
    sender = overrides.pop("sender", deployer)
    args.update(overrides)
    if args["uniswap"] is None:
        args["uniswap"] = container("UniswapV2Factory").deploy(deployer, sender=deployer)
    return project.FeeSplitter.deploy(
        args["synor"],
        args["treasury"],
        args["community"],
        args["staking"],
        args["uniswap"],
        args["service"],
        args["tx"],
        args["slippage"],
        ADMIN_DELAY,
        deployer,
        sender=sender,
    )


@pytest.fixture(scope="session")
def splitter(project, deployer, synor, usdc, treasury, community, staking, uniswap_factory, pair, keeper):
    contract = deploy_splitter(
        project, deployer, synor, treasury, community, staking, uniswap=uniswap_factory
    )
    contract.acceptToken(usdc, pair, sender=deployer)
    contract.grantRole(contract.WEIGHT_MANAGER_ROLE(), deployer, sender=deployer)
    contract.grantRole(contract.KEEPER_ROLE(), keeper, sender=deployer)
    return contract


@pytest.fixture(scope="session")
def paid_factory(project, deployer, usdc, splitter):
    """The Cartesi example factory with the splitter as its payee (the full deployment's wiring)."""
    from tests.conftest import CARTESI_PRICE

    return project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, splitter, sender=deployer)

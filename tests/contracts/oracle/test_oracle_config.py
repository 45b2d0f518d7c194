"""TwapOracle deployment: configuration, its validation, constants, feed metadata, reads before any round."""

from __future__ import annotations

import ape
import pytest
from ape.exceptions import ContractLogicError
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from devstack.uniswap import ONE
from tests.contracts.oracle.conftest import CONFIG, oracle_config


def deploy_reverts(project, deployer, config, signature, types=(), values=()):
    """Deploying with `config` reverts with exactly the custom error `signature(values)`.

    The raw revert data is compared, and the deployment comes from an account that deploys nothing
    else: ape decodes a failed deployment's error with the ABI of whatever it once saw at the would-be
    address, which in an earlier (reverted) test may have been another contract."""
    expected = keccak(text=signature)[:4] + encode(list(types), list(values))
    with pytest.raises(ContractLogicError) as info:
        project.TwapOracle.deploy(config, sender=ape.accounts.test_accounts[8])
    assert info.value.revert_message == "0x" + expected.hex()


def test_constructor_records_the_configuration(bare_oracle, synor, timelock):
    cfg = bare_oracle.config()
    assert cfg.token == synor.address
    assert cfg.timelock == timelock.address
    for key, value in CONFIG.items():
        assert getattr(cfg, key) == value
    assert bare_oracle.token() == synor.address
    assert bare_oracle.timelock() == timelock.address
    assert bare_oracle.sourceCount() == 0


def test_constants_and_feed_metadata(bare_oracle):
    assert bare_oracle.MAX_SOURCES() == 8
    assert bare_oracle.MIN_WINDOW() == 30 * 60
    assert bare_oracle.MIN_TIMELOCK_DELAY() == 3600
    assert bare_oracle.decimals() == 18
    assert bare_oracle.description() == "SYNOR / USD"
    assert bare_oracle.version() == 1


@pytest.mark.parametrize("which", ["token", "timelock"])
def test_constructor_rejects_zero_addresses(project, deployer, synor, timelock, which):
    args = list(oracle_config(synor, timelock))
    args[0 if which == "token" else 1] = ape.utils.ZERO_ADDRESS
    deploy_reverts(project, deployer, tuple(args), "TwapOracle_ZeroAddress()")


def test_constructor_rejects_a_timelock_with_a_short_delay(project, deployer, synor):
    quick = project.SynorTimelock.deploy(
        3599, [deployer], [ape.utils.ZERO_ADDRESS], ape.utils.ZERO_ADDRESS, sender=deployer
    )
    config = oracle_config(synor, quick)
    deploy_reverts(
        project, deployer, config, "TwapOracle_TimelockDelayTooShort(uint256)", ["uint256"], [3599]
    )


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("window", {"window": 30 * 60 - 1}),
        ("maxAge", {"maxAge": 30 * 60 - 1}),
        ("minSources", {"minSources": 0}),
        ("minSources", {"minSources": 9}),
        ("maxDeviationBps", {"maxDeviationBps": 0}),
        ("maxDeviationBps", {"maxDeviationBps": 10_001}),
        ("maxMoveBps", {"maxMoveBps": 0}),
        ("maxMoveBps", {"maxMoveBps": 10_001}),
        ("bounds", {"minPrice": 0}),
        ("bounds", {"minPrice": ONE, "maxPrice": ONE}),
    ],
)
def test_constructor_rejects_out_of_range_numbers(project, deployer, synor, timelock, field, overrides):
    config = oracle_config(synor, timelock, **overrides)
    deploy_reverts(
        project,
        deployer,
        config,
        "TwapOracle_InvalidConfig(bytes32)",
        ["bytes32"],
        [field.encode().ljust(32, b"\0")],
    )


def test_every_read_reverts_no_price_before_the_first_round(bare_oracle):
    for read in (
        bare_oracle.price,
        lambda: bare_oracle.usdToToken(ONE),
        lambda: bare_oracle.tokenToUsd(ONE),
        bare_oracle.latestRoundData,
    ):
        with ape.reverts(bare_oracle.TwapOracle_NoPrice):
            read()
    state = bare_oracle.state()
    assert (state.price, state.updatedAt, state.status, state.roundId) == (0, 0, 0, 0)
    assert bare_oracle.candidate() == 0


def test_an_oracle_without_sources_is_due_and_records_too_few_sources(bare_oracle, stranger):
    assert bare_oracle.updateDue()
    assert bare_oracle.nextUpdateAt() == CONFIG["window"]
    receipt = bare_oracle.update(sender=stranger)
    event = receipt.events.filter(bare_oracle.PriceUpdated)[0]
    assert (event.roundId, event.status, event.candidate, event.price, event.sources) == (1, 2, 0, 0, 0)
    with ape.reverts(bare_oracle.TwapOracle_TooFewSources, valid=0, required=2):
        bare_oracle.price()


def test_constructor_rejects_a_token_with_more_than_36_decimals(project, deployer, timelock):
    odd = project.TestStablecoin.deploy("Odd", "ODD", 37, sender=deployer)
    config = oracle_config(odd, timelock)
    field = b"token decimals".ljust(32, b"\0")
    deploy_reverts(project, deployer, config, "TwapOracle_InvalidConfig(bytes32)", ["bytes32"], [field])

"""Issue 7, items 4 and 5: the buy-back trusts only the Uniswap V2 factory's pair and books only the
SYNOR that arrived; the fixed recipients (treasury, community pool, staking) are distinct addresses.

Before the fix a contract that looked like the USDC/SYNOR pair was accepted by `setBuyBackPair`, took the
burn share, sent back no SYNOR (or a tenth of it), and the books recorded the burn share as burned.
"""

from __future__ import annotations

import ape
import pytest

from devstack.uniswap import container
from synor.revenue.split import buyback_amount_out, buyback_min_out
from tests.contracts.revenue.conftest import MAX_SLIPPAGE_BPS, deploy_splitter

ZERO = ape.utils.ZERO_ADDRESS
USDC = 10**6
SYNOR = 10**18


def reserves(pair, token):
    r0, r1, _ = pair.getReserves()
    return (r0, r1) if pair.token0() == token.address else (r1, r0)


@pytest.fixture
def hostile(project, deployer, usdc, synor, pair):
    """Looks like the real pair (same tokens, reserves and balances) but pays out only ``payoutBps``."""
    reserve_usdc, reserve_synor = reserves(pair, usdc)
    contract = project.HostileUniswapV2Pair.deploy(usdc, synor, reserve_usdc, reserve_synor, sender=deployer)
    usdc.mint(contract, reserve_usdc, sender=deployer)
    synor.transfer(contract, reserve_synor, sender=deployer)
    return contract


# ------------------------------------------------------------------ only the factory's pair


def test_a_look_alike_pair_not_from_the_factory_is_refused(project, splitter, usdc, hostile, deployer):
    assert (hostile.token0(), hostile.token1()) == tuple(
        sorted([usdc.address, splitter.synor()], key=str.lower)
    )
    with ape.reverts(splitter.FeeSplitter_PairNotFromFactory, token=usdc.address, pair=hostile.address):
        splitter.setBuyBackPair(usdc, hostile, sender=deployer)
    other = project.TestStablecoin.deploy("Other", "OTH", 6, sender=deployer)
    with ape.reverts(splitter.FeeSplitter_PairNotFromFactory, token=other.address, pair=hostile.address):
        splitter.acceptToken(other, hostile, sender=deployer)


def test_a_genuine_uniswap_pair_from_another_factory_is_refused(splitter, usdc, synor, deployer):
    rogue_factory = container("UniswapV2Factory").deploy(deployer, sender=deployer)
    rogue_factory.createPair(usdc, synor, sender=deployer)
    rogue_pair = rogue_factory.getPair(usdc, synor)
    with ape.reverts(splitter.FeeSplitter_PairNotFromFactory, token=usdc.address, pair=rogue_pair):
        splitter.setBuyBackPair(usdc, rogue_pair, sender=deployer)


def test_the_factorys_pair_of_another_token_is_refused(
    project, splitter, usdc, synor, uniswap_factory, deployer
):
    other = project.TestStablecoin.deploy("Other", "OTH", 6, sender=deployer)
    uniswap_factory.createPair(other, synor, sender=deployer)
    other_pair = uniswap_factory.getPair(other, synor)
    with ape.reverts(splitter.FeeSplitter_PairNotFromFactory, token=usdc.address, pair=other_pair):
        splitter.setBuyBackPair(usdc, other_pair, sender=deployer)
    splitter.acceptToken(other, other_pair, sender=deployer)  # its own pair is accepted
    assert splitter.buyBackPair(other) == other_pair


def test_the_factorys_own_pair_is_accepted(splitter, usdc, pair, uniswap_factory, deployer):
    assert uniswap_factory.getPair(usdc, splitter.synor()) == pair.address
    splitter.setBuyBackPair(usdc, ZERO, sender=deployer)
    receipt = splitter.setBuyBackPair(usdc, pair, sender=deployer)
    assert receipt.events.filter(splitter.BuyBackPairSet) == [
        splitter.BuyBackPairSet(token=usdc.address, pair=pair.address)
    ]


# ------------------------------------------------------------------ only what arrived is burned


@pytest.fixture
def fooled(project, deployer, synor, usdc, treasury, community, staking, hostile, keeper, sponsor):
    """A splitter whose "factory" vouches for the hostile pair: the received-SYNOR check alone stands."""
    contract = deploy_splitter(project, deployer, synor, treasury, community, staking, uniswap=hostile)
    contract.acceptToken(usdc, hostile, sender=deployer)
    contract.grantRole(contract.KEEPER_ROLE(), keeper, sender=deployer)
    usdc.transfer(contract, 1_000 * USDC, sender=sponsor)
    contract.split(usdc, sender=sponsor)
    assert contract.pendingBurn(usdc) == 100 * USDC
    return contract


@pytest.mark.parametrize("payout_bps", [0, 1_000, 9_800])
def test_a_pair_that_pays_less_than_the_bound_is_refused_and_nothing_is_booked(
    fooled, usdc, synor, hostile, keeper, payout_bps
):
    hostile.setPayoutBps(payout_bps, sender=keeper)
    reserve_in, reserve_out = reserves(hostile, usdc)
    quoted = buyback_amount_out(100 * USDC, reserve_in, reserve_out)
    received = quoted * payout_bps // 10_000
    bound = buyback_min_out(100 * USDC, reserve_in, reserve_out, 0, MAX_SLIPPAGE_BPS)
    assert quoted >= bound > received
    supply = synor.totalSupply()
    with ape.reverts(fooled.FeeSplitter_InsufficientOutput, amountOut=received, minOut=bound):
        fooled.buyBack(usdc, 0, 0, sender=keeper)
    assert fooled.pendingBurn(usdc) == 100 * USDC
    assert fooled.book(usdc).burned == 0
    assert usdc.balanceOf(hostile) == reserve_in  # the transfer to it was undone
    assert synor.totalSupply() == supply


def test_a_pair_that_pays_less_than_the_keepers_minimum_is_refused(fooled, usdc, hostile, keeper):
    hostile.setPayoutBps(9_950, sender=keeper)  # within the 1% slippage bound, below the keeper's minimum
    reserve_in, reserve_out = reserves(hostile, usdc)
    quoted = buyback_amount_out(100 * USDC, reserve_in, reserve_out)
    received = quoted * 9_950 // 10_000
    assert received >= buyback_min_out(100 * USDC, reserve_in, reserve_out, 0, MAX_SLIPPAGE_BPS)
    with ape.reverts(fooled.FeeSplitter_InsufficientOutput, amountOut=received, minOut=quoted):
        fooled.buyBack(usdc, 0, quoted, sender=keeper)
    receipt = fooled.buyBack(usdc, 0, received, sender=keeper)  # the keeper accepts that price
    assert receipt.return_value == received


def test_what_is_burned_is_what_arrived(fooled, usdc, synor, hostile, keeper):
    hostile.setPayoutBps(10_000, sender=keeper)
    reserve_in, reserve_out = reserves(hostile, usdc)
    quoted = buyback_amount_out(100 * USDC, reserve_in, reserve_out)
    supply = synor.totalSupply()
    receipt = fooled.buyBack(usdc, 0, 0, sender=keeper)
    assert receipt.return_value == quoted
    assert receipt.events.filter(fooled.BoughtBackAndBurned) == [
        fooled.BoughtBackAndBurned(token=usdc.address, amountIn=100 * USDC, synorBurned=quoted)
    ]
    assert synor.totalSupply() == supply - quoted
    assert synor.balanceOf(fooled) == 0
    assert fooled.book(usdc).burned == 100 * USDC


# ------------------------------------------------------------------ fixed recipients are distinct


@pytest.mark.parametrize(
    ("first", "second"), [("treasury", "community"), ("treasury", "staking"), ("community", "staking")]
)
def test_one_address_cannot_hold_two_recipient_roles(
    project, deployer, synor, treasury, community, staking, first, second
):
    roles = {"treasury": treasury, "community": community, "staking": staking}
    shared = roles[first]
    with ape.reverts(project.FeeSplitter.FeeSplitter_DuplicateRecipient, account=shared.address):
        deploy_splitter(project, deployer, synor, treasury, community, staking, **{second: shared})


def test_distinct_recipients_are_each_paid_their_own_share(splitter, usdc, sponsor, treasury, community):
    usdc.approve(splitter, 1_000 * USDC, sender=sponsor)
    splitter.distribute(usdc, 500 * USDC, ZERO, sender=sponsor)
    splitter.distributeTransactionFees(usdc, 500 * USDC, sender=sponsor)
    assert splitter.claimable(usdc, treasury) == 100 * USDC
    assert splitter.claimable(usdc, community) == 100 * USDC
    assert splitter.claim(usdc, sender=treasury).return_value == 100 * USDC
    assert splitter.claim(usdc, sender=community).return_value == 100 * USDC
    assert splitter.claimable(usdc, treasury) == splitter.claimable(usdc, community) == 0


def test_a_buy_back_that_would_buy_nothing_is_refused(
    project, deployer, synor, usdc, treasury, community, staking, keeper, sponsor
):
    """Reserves that price the burn share at zero SYNOR, no keeper minimum: the bound is one base unit."""
    empty = project.HostileUniswapV2Pair.deploy(usdc, synor, 10**30, 1, sender=deployer)
    usdc.mint(empty, 10**30, sender=deployer)
    empty.setPayoutBps(10_000, sender=deployer)
    contract = deploy_splitter(project, deployer, synor, treasury, community, staking, uniswap=empty)
    contract.acceptToken(usdc, empty, sender=deployer)
    contract.grantRole(contract.KEEPER_ROLE(), keeper, sender=deployer)
    usdc.transfer(contract, 1_000 * USDC, sender=sponsor)
    contract.split(usdc, sender=sponsor)
    assert buyback_amount_out(100 * USDC, 10**30, 1) == 0
    assert buyback_min_out(100 * USDC, 10**30, 1, 0, MAX_SLIPPAGE_BPS) == 1
    with ape.reverts(contract.FeeSplitter_InsufficientOutput, amountOut=0, minOut=1):
        contract.buyBack(usdc, 0, 0, sender=keeper)

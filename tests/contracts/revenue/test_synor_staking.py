"""SynorStaking on anvil: stake, cool-down, withdraw, O(1) streamed rewards in several tokens, roles.

Streams, retirement and misbehaving tokens: test_staking_rewards.py and tests/forge/Staking*.t.sol."""

from __future__ import annotations

import ape
import pytest

from synor.revenue.split import PRECISION, Accumulator, earned, split_transaction
from tests.contracts.revenue.conftest import ADMIN_DELAY, COOLDOWN

ZERO = ape.utils.ZERO_ADDRESS
USDC = 10**6
SYNOR = 10**18
DURATION = 7 * 24 * 3600


def run_stream(chain, receipt) -> None:
    """Mines a block at the end of the stream the synced `receipt` (re)started."""
    chain.mine(timestamp=receipt.timestamp + DURATION)


@pytest.fixture
def funded(synor, staker_a, staker_b, deployer, staking):
    for staker in (staker_a, staker_b):
        synor.transfer(staker, 1_000_000 * SYNOR, sender=deployer)
        synor.approve(staking, 2**256 - 1, sender=staker)
    return staker_a, staker_b


def test_constructor_records_configuration(staking, synor, usdc, deployer):
    assert staking.stakingToken() == synor.address
    assert staking.cooldown() == COOLDOWN
    assert staking.MAX_REWARD_TOKENS() == 8
    assert staking.MAX_RETIRED_REWARD_TOKENS() == 8
    assert staking.REWARD_DURATION() == DURATION
    assert staking.retiredRewardTokens() == []
    assert staking.rewardTokens() == [synor.address, usdc.address]
    assert staking.isRewardToken(usdc) and staking.isRewardToken(synor)
    assert staking.defaultAdmin() == deployer.address
    assert staking.defaultAdminDelay() == ADMIN_DELAY
    assert staking.totalStaked() == 0


def test_constructor_rejects_zero_token(project, accounts, deployer):
    # A fresh sender: its would-be contract address was never used by a test that was rolled back, which
    # would otherwise make ape decode the revert with the ABI it cached for that address.
    fresh = accounts.generate_test_account()
    deployer.transfer(fresh, 10**18)
    with ape.reverts(project.SynorStaking.SynorStaking_ZeroAddress):
        project.SynorStaking.deploy(ZERO, COOLDOWN, ADMIN_DELAY, deployer, sender=fresh)


def test_stake_moves_synor_and_emits(staking, synor, funded):
    staker_a, _ = funded
    receipt = staking.stake(100 * SYNOR, sender=staker_a)
    assert receipt.events.filter(staking.Staked) == [
        staking.Staked(account=staker_a.address, amount=100 * SYNOR)
    ]
    assert staking.stakeOf(staker_a) == 100 * SYNOR
    assert staking.totalStaked() == 100 * SYNOR
    assert synor.balanceOf(staking) == 100 * SYNOR
    with ape.reverts(staking.SynorStaking_ZeroAmount):
        staking.stake(0, sender=staker_a)


def test_rewards_are_shared_pro_rata_in_o1(staking, usdc, sponsor, funded, stranger, chain):
    staker_a, staker_b = funded
    staking.stake(100 * SYNOR, sender=staker_a)
    staking.stake(300 * SYNOR, sender=staker_b)
    usdc.transfer(staking, 1_000 * USDC, sender=sponsor)
    assert staking.unsynced(usdc) == 1_000 * USDC
    receipt = staking.sync(usdc, sender=stranger)
    assert receipt.events.filter(staking.RewardsSynced) == [
        staking.RewardsSynced(
            token=usdc.address, amount=1_000 * USDC, streaming=1_000 * USDC, end=receipt.timestamp + DURATION
        )
    ]
    assert staking.earned(usdc, staker_a) == 0  # streamed, not handed out at one instant
    run_stream(chain, receipt)
    expected = Accumulator().fold(1_000 * USDC, 400 * SYNOR)
    assert staking.rewardPerToken(usdc) == expected.per_weight
    assert staking.rewardReserve(usdc) == 1_000 * USDC
    assert staking.earned(usdc, staker_a) == 250 * USDC
    receipt = staking.claim(usdc, sender=staker_a)
    assert receipt.return_value == 250 * USDC
    assert receipt.events.filter(staking.RewardClaimed) == [
        staking.RewardClaimed(
            token=usdc.address, account=staker_a.address, to=staker_a.address, amount=250 * USDC
        )
    ]
    assert staking.claim(usdc, sender=staker_b).return_value == 750 * USDC
    assert staking.claimed(usdc, staker_b) == 750 * USDC
    assert staking.claim(usdc, sender=staker_b).return_value == 0


def test_rewards_sent_by_transfer_earn_nothing_until_synced(staking, usdc, sponsor, funded, stranger, chain):
    staker_a, _ = funded
    staking.stake(10 * SYNOR, sender=staker_a)
    usdc.transfer(staking, 7 * USDC, sender=sponsor)
    chain.mine(timestamp=chain.blocks.head.timestamp + DURATION)
    assert staking.earned(usdc, staker_a) == 0  # the principal path never reads a reward token's balance
    assert staking.claim(usdc, sender=staker_a).return_value == 0
    run_stream(chain, staking.sync(usdc, sender=stranger))
    assert staking.claim(usdc, sender=staker_a).return_value == 7 * USDC


def test_rewards_arriving_while_nobody_stakes_wait_for_the_next_stakers(
    staking, usdc, sponsor, funded, stranger, chain
):
    staker_a, _ = funded
    usdc.transfer(staking, 500 * USDC, sender=sponsor)
    assert staking.sync(usdc, sender=stranger).return_value == 500 * USDC  # streaming, paused
    chain.mine(timestamp=chain.blocks.head.timestamp + 30 * 24 * 3600)  # a month with nobody staked
    assert staking.rewardStream(usdc)[0] == 500 * USDC  # nothing emitted, nothing lost
    receipt = staking.stake(1 * SYNOR, sender=staker_a)
    assert staking.earned(usdc, staker_a) == 0  # a newcomer earns by time staked, not at once
    run_stream(chain, receipt)  # the paused week resumes when someone stakes
    assert staking.earned(usdc, staker_a) == 500 * USDC
    assert staking.claim(usdc, sender=staker_a).return_value == 500 * USDC


def test_rounding_remainders_are_carried_not_lost(staking, usdc, sponsor, funded, stranger, chain):
    staker_a, staker_b = funded
    staking.stake(1, sender=staker_a)
    staking.stake(2, sender=staker_b)
    usdc.transfer(staking, 3, sender=sponsor)  # three base units streamed to three staked units
    receipt = staking.sync(usdc, sender=stranger)
    chain.mine(timestamp=receipt.timestamp + DURATION // 3)
    staking.claim(usdc, sender=staker_b)  # the stream is emitted in pieces; remainders are carried
    chain.mine(timestamp=receipt.timestamp + DURATION // 2)
    staking.claim(usdc, sender=staker_a)
    run_stream(chain, receipt)
    acc = Accumulator().fold(3, 3)
    assert staking.rewardPerToken(usdc) == acc.per_weight == PRECISION  # three thirds: one unit per unit
    # Each settlement rounds its payout down (under a unit); the dust stays in the reserve, never overpaid.
    total = 0
    for staker, stake in ((staker_a, 1), (staker_b, 2)):
        got = staking.claimed(usdc, staker) + staking.claim(usdc, sender=staker).return_value
        assert stake - 2 <= got <= earned(stake, acc.per_weight, 0) == stake
        total += got
    assert staking.rewardReserve(usdc) == 3 - total


def test_synor_rewards_are_told_apart_from_stakes(staking, synor, sponsor, funded, stranger, chain):
    staker_a, _ = funded
    staking.stake(1_000 * SYNOR, sender=staker_a)
    assert staking.unsynced(synor) == 0
    synor.transfer(staking, 30 * SYNOR, sender=sponsor)
    assert staking.unsynced(synor) == 30 * SYNOR
    staking.requestUnstake(400 * SYNOR, sender=staker_a)  # principal: the reward is not touched
    assert staking.unsynced(synor) == 30 * SYNOR
    run_stream(chain, staking.sync(synor, sender=stranger))
    assert staking.unsynced(synor) == 0
    assert staking.claim(synor, sender=staker_a).return_value == 30 * SYNOR
    assert synor.balanceOf(staking) == 1_000 * SYNOR


def test_request_unstake_stops_earning_and_cools_down(staking, synor, usdc, sponsor, funded, chain):
    staker_a, staker_b = funded
    staking.stake(100 * SYNOR, sender=staker_a)
    staking.stake(100 * SYNOR, sender=staker_b)
    receipt = staking.requestUnstake(100 * SYNOR, sender=staker_a)
    unlock = chain.blocks.head.timestamp + COOLDOWN
    assert receipt.events.filter(staking.UnstakeRequested) == [
        staking.UnstakeRequested(account=staker_a.address, amount=100 * SYNOR, unlockAt=unlock)
    ]
    assert staking.cooling(staker_a) == (100 * SYNOR, unlock)
    assert staking.totalCooling() == 100 * SYNOR
    with ape.reverts(staking.SynorStaking_CoolingDown, unlockAt=unlock):
        staking.withdraw(sender=staker_a)
    usdc.transfer(staking, 10 * USDC, sender=sponsor)
    run_stream(chain, staking.sync(usdc, sender=staker_b))  # ends after the cool-down
    assert staking.earned(usdc, staker_a) == 0
    assert staking.earned(usdc, staker_b) == 10 * USDC
    before = synor.balanceOf(staker_a)
    receipt = staking.withdraw(sender=staker_a)
    assert receipt.events.filter(staking.Withdrawn) == [
        staking.Withdrawn(account=staker_a.address, amount=100 * SYNOR)
    ]
    assert synor.balanceOf(staker_a) - before == 100 * SYNOR
    assert staking.cooling(staker_a) == (0, 0)
    assert staking.totalCooling() == 0
    with ape.reverts(staking.SynorStaking_NothingToWithdraw):
        staking.withdraw(sender=staker_a)


def test_request_unstake_guards(staking, funded):
    staker_a, _ = funded
    staking.stake(5, sender=staker_a)
    with ape.reverts(staking.SynorStaking_ZeroAmount):
        staking.requestUnstake(0, sender=staker_a)
    with ape.reverts(staking.SynorStaking_InsufficientStake, requested=6, staked=5):
        staking.requestUnstake(6, sender=staker_a)


def test_unknown_reward_tokens_are_refused(project, staking, deployer, stranger):
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    with ape.reverts(staking.SynorStaking_NotRewardToken, token=other.address):
        staking.sync(other, sender=stranger)
    with ape.reverts(staking.SynorStaking_NotRewardToken, token=other.address):
        staking.claim(other, sender=stranger)
    assert staking.earned(other, stranger) == 0


def test_claim_to_sends_elsewhere_and_rejects_zero(staking, usdc, sponsor, funded, stranger, chain):
    staker_a, _ = funded
    staking.stake(1 * SYNOR, sender=staker_a)
    usdc.transfer(staking, 3 * USDC, sender=sponsor)
    run_stream(chain, staking.sync(usdc, sender=stranger))
    with ape.reverts(staking.SynorStaking_ZeroAddress):
        staking.claimTo(usdc, ZERO, sender=staker_a)
    before = usdc.balanceOf(stranger)
    receipt = staking.claimTo(usdc, stranger, sender=staker_a)
    assert usdc.balanceOf(stranger) - before == 3 * USDC
    assert receipt.events.filter(staking.RewardClaimed)[0].to == stranger.address


def test_add_reward_token_and_its_guards(project, staking, usdc, deployer, stranger):
    role = staking.DEFAULT_ADMIN_ROLE()
    other = project.TestStablecoin.deploy("Other", "OTH", 18, sender=deployer)
    with ape.reverts(staking.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        staking.addRewardToken(other, sender=stranger)
    with ape.reverts(staking.SynorStaking_ZeroAddress):
        staking.addRewardToken(ZERO, sender=deployer)
    with ape.reverts(staking.SynorStaking_RewardTokenExists, token=usdc.address):
        staking.addRewardToken(usdc, sender=deployer)
    receipt = staking.addRewardToken(other, sender=deployer)
    assert receipt.events.filter(staking.RewardTokenAdded) == [staking.RewardTokenAdded(token=other.address)]
    for i in range(5):
        staking.addRewardToken(
            project.TestStablecoin.deploy(f"R{i}", f"R{i}", 18, sender=deployer), sender=deployer
        )
    with ape.reverts(staking.SynorStaking_TooManyRewardTokens):
        staking.addRewardToken(
            project.TestStablecoin.deploy("R9", "R9", 18, sender=deployer), sender=deployer
        )


def test_transaction_fees_flow_from_the_splitter_to_stakers(
    splitter, staking, usdc, sponsor, funded, stranger, chain
):
    staker_a, staker_b = funded
    staking.stake(1 * SYNOR, sender=staker_a)
    staking.stake(1 * SYNOR, sender=staker_b)
    usdc.approve(splitter, 2_000 * USDC, sender=sponsor)
    receipt = splitter.distributeTransactionFees(usdc, 2_000 * USDC, sender=sponsor)
    stakers = split_transaction(2_000 * USDC).stakers
    assert staking.rewardStream(usdc) == (stakers, receipt.timestamp + DURATION)  # forwarded as it accrued
    assert splitter.releaseToStaking(usdc, sender=stranger).return_value == 0  # no backlog
    run_stream(chain, receipt)
    assert staking.claim(usdc, sender=staker_a).return_value == stakers // 2
    assert staking.claim(usdc, sender=staker_b).return_value == stakers // 2

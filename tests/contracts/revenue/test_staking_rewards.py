"""SynorStaking's reward streams, reward-token retirement, and the splitter forwarding the stakers' share."""

from __future__ import annotations

import ape
import pytest

from synor.revenue.split import split_transaction

ZERO = ape.utils.ZERO_ADDRESS
USDC = 10**6
SYNOR = 10**18
DAY = 24 * 3600
DURATION = 7 * DAY


@pytest.fixture
def staked(synor, staking, staker_a, deployer):
    synor.transfer(staker_a, 1_000 * SYNOR, sender=deployer)
    synor.approve(staking, 2**256 - 1, sender=staker_a)
    staking.stake(100 * SYNOR, sender=staker_a)
    return staker_a


def test_a_stream_emits_linearly_and_re_spreads_when_rewards_arrive(staking, usdc, sponsor, staked, chain):
    usdc.transfer(staking, 700 * USDC, sender=sponsor)
    first = staking.sync(usdc, sender=sponsor)
    assert staking.rewardStream(usdc) == (700 * USDC, first.timestamp + DURATION)
    chain.mine(timestamp=first.timestamp + DAY)
    assert staking.earned(usdc, staked) == 100 * USDC  # one day of seven
    assert staking.rewardStream(usdc) == (600 * USDC, first.timestamp + DURATION)
    chain.pending_timestamp = first.timestamp + DAY
    usdc.transfer(staking, 100 * USDC, sender=sponsor)
    chain.pending_timestamp = first.timestamp + DAY + 1
    second = staking.sync(usdc, sender=sponsor)
    streaming = second.events.filter(staking.RewardsSynced)[0].streaming
    assert 600 * USDC < streaming < 700 * USDC + 1  # what remained (≈600) plus the 100 that arrived
    assert staking.rewardStream(usdc) == (streaming, second.timestamp + DURATION)  # re-spread over 7 days
    chain.mine(timestamp=second.timestamp + DURATION)
    assert staking.claim(usdc, sender=staked).return_value == 800 * USDC
    assert staking.rewardStream(usdc) == (0, 0)
    assert staking.rewardReserve(usdc) == 0


def test_retiring_a_reward_token_is_admin_only_and_emits(
    staking, usdc, sponsor, staked, stranger, deployer, chain
):
    role = staking.DEFAULT_ADMIN_ROLE()
    with ape.reverts(staking.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        staking.retireRewardToken(usdc, sender=stranger)
    with ape.reverts(staking.SynorStaking_NotRewardToken, token=stranger.address):
        staking.retireRewardToken(stranger, sender=deployer)
    usdc.transfer(staking, 700 * USDC, sender=sponsor)
    synced = staking.sync(usdc, sender=sponsor)
    chain.pending_timestamp = synced.timestamp + DAY
    receipt = staking.retireRewardToken(usdc, sender=deployer)
    assert receipt.events.filter(staking.RewardTokenRetired) == [
        staking.RewardTokenRetired(token=usdc.address, undistributed=600 * USDC)
    ]
    assert not staking.isRewardToken(usdc) and staking.isRetiredRewardToken(usdc)
    assert staking.rewardTokens() == [staking.stakingToken()]
    assert staking.retiredRewardTokens() == [usdc.address]
    assert staking.rewardStream(usdc) == (600 * USDC, 0)
    with ape.reverts(staking.SynorStaking_NotRewardToken, token=usdc.address):
        staking.retireRewardToken(usdc, sender=deployer)
    with ape.reverts(staking.SynorStaking_NotRewardToken, token=usdc.address):
        staking.sync(usdc, sender=sponsor)
    with ape.reverts(staking.SynorStaking_RewardTokenExists, token=usdc.address):
        staking.addRewardToken(usdc, sender=deployer)
    # Earned before the retirement stays claimable; nothing more accrues.
    chain.mine(timestamp=synced.timestamp + DURATION)
    assert staking.earned(usdc, staked) == 100 * USDC
    assert staking.claim(usdc, sender=staked).return_value == 100 * USDC


def test_recovering_a_retired_streams_remainder(
    staking, usdc, sponsor, staked, stranger, deployer, treasury, chain
):
    usdc.transfer(staking, 700 * USDC, sender=sponsor)
    synced = staking.sync(usdc, sender=sponsor)
    role = staking.DEFAULT_ADMIN_ROLE()
    with ape.reverts(staking.SynorStaking_NotRetired, token=usdc.address):
        staking.recoverUndistributed(usdc, treasury, sender=deployer)
    chain.pending_timestamp = synced.timestamp + DAY
    staking.retireRewardToken(usdc, sender=deployer)
    with ape.reverts(staking.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role):
        staking.recoverUndistributed(usdc, treasury, sender=stranger)
    with ape.reverts(staking.SynorStaking_ZeroAddress):
        staking.recoverUndistributed(usdc, ZERO, sender=deployer)
    before = usdc.balanceOf(treasury)
    receipt = staking.recoverUndistributed(usdc, treasury, sender=deployer)
    assert receipt.return_value == 600 * USDC
    assert receipt.events.filter(staking.UndistributedRecovered) == [
        staking.UndistributedRecovered(token=usdc.address, to=treasury.address, amount=600 * USDC)
    ]
    assert usdc.balanceOf(treasury) - before == 600 * USDC
    assert staking.recoverUndistributed(usdc, treasury, sender=deployer).return_value == 0
    assert staking.rewardReserve(usdc) == 100 * USDC  # what the staker earned, still held for it
    assert staking.claim(usdc, sender=staked).return_value == 100 * USDC


def test_the_splitter_holds_the_share_of_a_token_staking_does_not_list_until_it_does(
    project, splitter, staking, sponsor, staked, stranger, deployer, chain
):
    eur = project.TestStablecoin.deploy("Euro Coin", "EURC", 6, sender=deployer)
    splitter.acceptToken(eur, ZERO, sender=deployer)
    eur.mint(sponsor, 1_000 * USDC, sender=deployer)
    eur.approve(splitter, 1_000 * USDC, sender=sponsor)
    paid = splitter.distributeTransactionFees(eur, 1_000 * USDC, sender=sponsor)
    assert paid.events.filter(splitter.StakerRewardsReleased) == []
    share = split_transaction(1_000 * USDC).stakers
    assert splitter.book(eur).stakersAccrued - splitter.book(eur).stakersPaid == share
    with ape.reverts(splitter.FeeSplitter_NotStakingReward, token=eur.address):
        splitter.releaseToStaking(eur, sender=stranger)
    staking.addRewardToken(eur, sender=deployer)
    released = splitter.releaseToStaking(eur, sender=stranger)
    assert released.return_value == share
    assert released.events.filter(splitter.StakerRewardsReleased) == [
        splitter.StakerRewardsReleased(token=eur.address, amount=share)
    ]
    assert released.events.filter(staking.RewardsSynced)[0].amount == share  # into the stream at once
    chain.mine(timestamp=released.timestamp + DURATION)
    assert staking.claim(eur, sender=staked).return_value == share

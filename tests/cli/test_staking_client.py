"""RevenueClient's staking methods (stake, request_unstake, withdraw, rewards) against the revenue stack."""

from __future__ import annotations

import pytest

from synor.accounts import dev_account
from synor.chain import Chain, ChainError
from synor.revenue.client import RevenueClient
from synor.revenue.split import split_transaction
from tests.cli.test_fees_commands import PAYER, SYNOR, revenue_stack  # noqa: F401  (the module's stack)

STAKER = 3
DURATION = 7 * 24 * 3600


@pytest.fixture
def client(revenue_stack):  # noqa: F811
    return RevenueClient(Chain.connect("local", None, revenue_stack.folder))


def test_stake_rewards_unstake_and_withdraw(client, revenue_stack, accounts, project, chain):  # noqa: F811
    synor = revenue_stack.synor
    staker = accounts[STAKER]
    synor.transfer(staker, 1_000 * SYNOR, sender=accounts[PAYER])
    signer = dev_account(STAKER)
    staking = project.SynorStaking.at(revenue_stack.record.contracts["staking"])
    before = synor.balanceOf(staking)
    sent = client.stake(signer, 400 * SYNOR)  # approves exactly, then stakes
    assert sent.amount == 400 * SYNOR and sent.tx_hash.startswith("0x")
    assert staking.stakeOf(staker) == 400 * SYNOR
    assert synor.balanceOf(staking) - before == 400 * SYNOR
    assert synor.allowance(staker, staking) == 0
    fees = 1_000 * SYNOR
    synor.approve(revenue_stack.splitter, fees, sender=accounts[PAYER])
    paid = revenue_stack.splitter.distributeTransactionFees(synor, fees, sender=accounts[PAYER])
    chain.mine(timestamp=paid.timestamp + DURATION)
    rewards = {r.symbol: r for r in client.rewards(staker.address)}
    assert set(rewards) == {"SYNOR", "USDC"}
    assert rewards["SYNOR"].earned == pytest.approx(split_transaction(fees).stakers, abs=1)
    assert rewards["SYNOR"].decimals == 18 and not rewards["SYNOR"].retired
    assert rewards["USDC"].earned == 0 and rewards["USDC"].claimed == 0
    assert client.request_unstake(signer, 400 * SYNOR).amount == 400 * SYNOR
    assert staking.stakeOf(staker) == 0
    with pytest.raises(ChainError, match="withdrawing would fail: SynorStaking_CoolingDown"):
        client.withdraw(signer)
    chain.mine(timestamp=chain.blocks.head.timestamp + DURATION + 1)
    assert client.withdraw(signer).amount == 400 * SYNOR
    assert synor.balanceOf(staker) == 1_000 * SYNOR


def test_stake_refusals_send_nothing(client, accounts):
    signer = dev_account(STAKER)
    nonce = accounts[STAKER].nonce
    with pytest.raises(ChainError, match="must be positive"):
        client.stake(signer, 0)
    with pytest.raises(ChainError, match="insufficient SYNOR"):
        client.stake(signer, 10**40)
    with pytest.raises(ChainError, match="must be positive"):
        client.request_unstake(signer, 0)
    with pytest.raises(ChainError, match="requesting unstake would fail: SynorStaking_InsufficientStake"):
        client.request_unstake(signer, 1)
    assert accounts[STAKER].nonce == nonce

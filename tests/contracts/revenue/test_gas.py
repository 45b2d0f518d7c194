"""Gas of the revenue paths, measured on anvil from receipts (targets from ../shared/REFERENCES.md).

`gas_used` includes the 21,000 intrinsic gas and calldata; `execution` below subtracts both, which is
what the references' "routing a held payment ≈ 15-25k" figure counts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.contracts.revenue.conftest import PRECISION  # noqa: F401  (fixture module import keeps order)

USDC = 10**6
SYNOR = 10**18
GAS: dict[str, dict[str, int]] = {}


def intrinsic(receipt) -> int:
    data = bytes(receipt.transaction.data)
    return 21_000 + sum(4 if b == 0 else 16 for b in data)


def record(name: str, receipt) -> int:
    execution: int = receipt.gas_used - intrinsic(receipt)
    GAS[name] = {"gas_used": receipt.gas_used, "execution": execution}
    out = os.environ.get("SYNOR_GAS_REPORT")
    if out:
        Path(out).write_text(json.dumps(GAS, indent=2, sort_keys=True))
    print(f"gas.{name}: gas_used={receipt.gas_used} execution={execution}")
    return execution


def test_routing_a_held_payment_costs_at_most_25k_execution_gas(
    splitter, usdc, sponsor, operator_a, deployer
):
    splitter.setOperatorWeight(operator_a, 1, sender=deployer)
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)  # first split: slots go zero -> non-zero
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    receipt = splitter.split(usdc, sender=sponsor)
    assert receipt.return_value == 100 * USDC
    assert record("splitter.route", receipt) <= 25_000
    assert receipt.gas_used <= 50_000


def test_splitter_claim_costs_at_most_50k(splitter, usdc, sponsor, treasury, operator_a, deployer):
    splitter.setOperatorWeight(operator_a, 1, sender=deployer)
    for _ in range(2):
        usdc.transfer(splitter, 100 * USDC, sender=sponsor)
        splitter.split(usdc, sender=sponsor)
        splitter.claim(usdc, sender=treasury)  # warm: the recipient already holds the token
        splitter.claim(usdc, sender=operator_a)
    usdc.transfer(splitter, 100 * USDC, sender=sponsor)
    splitter.split(usdc, sender=sponsor)
    receipt = splitter.claim(usdc, sender=treasury)
    assert receipt.return_value == 20 * USDC
    assert record("splitter.claim", receipt) <= 50_000
    operator = splitter.claim(usdc, sender=operator_a)
    assert operator.return_value == 70 * USDC
    record("splitter.claim.operator_set_member", operator)


def test_staking_claim_gas(staking, usdc, synor, sponsor, staker_a, deployer, chain):
    synor.transfer(staker_a, 10 * SYNOR, sender=deployer)
    synor.approve(staking, 10 * SYNOR, sender=staker_a)
    staking.stake(10 * SYNOR, sender=staker_a)
    for _ in range(3):
        usdc.transfer(staking, 10 * USDC, sender=sponsor)
        synced = staking.sync(usdc, sender=sponsor)
        chain.mine(timestamp=synced.timestamp + staking.REWARD_DURATION())
        receipt = staking.claim(usdc, sender=staker_a)  # emits the stream, settles, pays
    assert receipt.return_value == 10 * USDC
    assert record("staking.claim", receipt) <= 60_000


def test_staking_principal_gas_with_two_streaming_reward_tokens(
    staking, usdc, synor, sponsor, staker_a, deployer, chain
):
    """stake and requestUnstake accrue and settle every reward token (here SYNOR and USDC, both streaming):
    storage only, no call to a reward token."""
    synor.transfer(staker_a, 100 * SYNOR, sender=deployer)
    synor.approve(staking, 100 * SYNOR, sender=staker_a)
    staking.stake(10 * SYNOR, sender=staker_a)  # first stake: slots go from zero
    usdc.transfer(staking, 10 * USDC, sender=sponsor)
    synor.transfer(staking, 10 * SYNOR, sender=sponsor)
    staking.sync(usdc, sender=sponsor)
    staking.sync(synor, sender=sponsor)
    chain.mine(timestamp=chain.blocks.head.timestamp + 3600)
    staking.stake(10 * SYNOR, sender=staker_a)
    chain.mine(timestamp=chain.blocks.head.timestamp + 3600)
    stake = staking.stake(10 * SYNOR, sender=staker_a)
    chain.mine(timestamp=chain.blocks.head.timestamp + 3600)
    unstake = staking.requestUnstake(10 * SYNOR, sender=staker_a)
    # Per streaming reward token: emit the stream into the accumulator, settle the staker (cold slots).
    assert record("staking.stake", stake) <= 100_000
    assert record("staking.requestUnstake", unstake) <= 125_000  # also starts the cool-down (zero slots)


def test_transaction_fees_with_forwarding_to_staking_gas(splitter, staking, usdc, sponsor, deployer, chain):
    """distributeTransactionFees pulls, splits, forwards the stakers' share and syncs it into staking's stream."""
    usdc.approve(splitter, 2**256 - 1, sender=sponsor)
    splitter.distributeTransactionFees(usdc, 100 * USDC, sender=sponsor)  # first: slots go from zero
    chain.mine(timestamp=chain.blocks.head.timestamp + 3600)
    receipt = splitter.distributeTransactionFees(usdc, 100 * USDC, sender=sponsor)
    assert receipt.events.filter(splitter.StakerRewardsReleased)[0].amount == 60 * USDC
    assert record("splitter.distributeTransactionFees.forwarding", receipt) <= 150_000


def test_extend_runway_with_the_splitter_as_payee(paid_factory, usdc, developer):
    from tests.conftest import TEMPLATE, WEEK

    usdc.approve(paid_factory, 2**256 - 1, sender=developer)
    created = paid_factory.newApplication(developer, TEMPLATE, WEEK, sender=developer)
    app = created.events.filter(paid_factory.ApplicationCreated)[0].app
    receipt = paid_factory.extendRunway(app, WEEK, sender=developer)
    record("factory.extendRunway.with_splitter", receipt)
    assert receipt.gas_used < 100_000

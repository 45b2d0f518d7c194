"""Gas of usage billing: deposits into the prepaid escrow and settling signed usage reports, on anvil.

Deposits are by a funder with an unlimited allowance into an escrow that already holds SYNOR; ``first``
credits a new account. Batches are one operator's 100 reports over 20 accounts x 5 resources (graduated one-tier seed cards),
the shape a meter keeper submits. ``batch100`` figures are steady state: every (account, operator,
resource, period) was charged before, so each report moves a cumulative up; ``first_in_period`` opens
100 new ones. Per-report figures are the whole transaction's gas (intrinsic, calldata and the one
splitter payout included) divided by 100.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from bench.metric import execution, gas
from devstack.pricing import PriceBookOptions, deploy_price_book
from devstack.revenue import RevenueOptions, deploy_revenue
from devstack.usage import UsageBillingOptions, deploy_usage_billing
from synor.pricing.catalogue import CATALOGUE
from synor.usage.signing import sign_batch, sign_report
from synor.usage.typed_data import Domain, Report

SYNOR = 10**18
DAY = 86_400
ACCOUNTS = 20
RESOURCES = ("storage.capacity", "storage.retrieval", "database.queries", "compute.cpu", "network.egress")
EVIDENCE = b"\x42" * 32


def _report(account: str, operator: str, resource: str, period: int, quantity: int) -> Report:
    return (account, operator, CATALOGUE[resource].resource_id, period, quantity, EVIDENCE)


def run(project: Any, accounts: Any) -> dict[str, dict[str, Any]]:
    from ape import chain

    deployer, treasury, community, operator, funder = (accounts[i] for i in range(5))
    payers = [accounts.generate_test_account() for _ in range(ACCOUNTS)]
    synor = project.SynorToken.deploy(deployer, 1_000_000_000 * SYNOR, sender=deployer)
    usdc = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    usdc.mint(deployer, 10**15, sender=deployer)
    records = deploy_revenue(
        project,
        deployer,
        synor,
        usdc,
        RevenueOptions(
            treasury=treasury.address,
            community_pool=community.address,
            operators=((operator.address, 1),),
            pool_liquidity=(1_000_000 * 10**6, 1_000_000 * SYNOR),
        ),
    )
    records.update(deploy_price_book(project, deployer, PriceBookOptions()))
    records.update(
        deploy_usage_billing(
            project,
            deployer,
            synor.address,
            records["splitter"],
            records["price_book"],
            None,
            UsageBillingOptions(operators=(operator.address,)),
        )
    )
    escrow = project.PrepaidEscrow.at(records["escrow"])
    settlement = project.UsageSettlement.at(records["settlement"])
    synor.transfer(funder, 100_000_000 * SYNOR, sender=deployer)
    synor.approve(escrow, 2**256 - 1, sender=funder)

    escrow.deposit(payers[0], 1_000 * SYNOR, sender=funder)  # the escrow's own SYNOR balance is now set
    first = escrow.deposit(payers[1], 1_000 * SYNOR, sender=funder)
    again = escrow.deposit(payers[1], 1_000 * SYNOR, sender=funder)
    for payer in payers[2:]:
        escrow.deposit(payer, 1_000 * SYNOR, sender=funder)
    for payer in payers:
        chain.provider.set_balance(payer.address, 10**18)
        escrow.allow(operator, 2**256 - 1, sender=payer)

    # A fixed key: signatures, hence calldata and gas, are the same on every run.
    signer: LocalAccount = Account.from_key("0x" + "5a" * 32)
    settlement.addSigner(signer.address, sender=operator)
    chain.pending_timestamp = int(chain.blocks.head.timestamp) + DAY + 1
    chain.mine()
    period = int(settlement.currentPeriod())

    def batch(step: int) -> list[Report]:
        return [
            _report(payer.address, operator.address, resource, period, step * 10**15)
            for payer in payers
            for resource in RESOURCES
        ]

    domain = Domain(int(chain.chain_id), settlement.address)

    def settle_signed(reports: list[Report]) -> Any:
        signed = [(r, signer.address, sign_report(signer, domain, r)) for r in reports]
        return settlement.settle(signed, sender=deployer)

    def settle_batch(reports: list[Report]) -> Any:
        signature = sign_batch(signer, domain, operator.address, reports)
        return settlement.settleBatch(operator.address, reports, signer.address, signature, sender=deployer)

    opened = settle_signed(batch(1))
    steady = settle_signed(batch(2))
    steady_batch = settle_batch(batch(3))
    single = settle_signed(batch(4)[:1])
    n = ACCOUNTS * len(RESOURCES)
    return {
        "gas.escrow.deposit.first": gas(first.gas_used),
        "gas.escrow.deposit": gas(again.gas_used),
        "gas.escrow.deposit.execution": gas(execution(again)),
        "gas.settle.per_report.first_in_period": gas(opened.gas_used // n),
        "gas.settle.per_report.batch100": gas(steady.gas_used // n),
        "gas.settle.batch_signed.per_report.batch100": gas(steady_batch.gas_used // n),
        "gas.settle.single_report": gas(single.gas_used),
    }

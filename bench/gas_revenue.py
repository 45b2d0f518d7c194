"""Gas of the revenue paths (fee splitter, staking, burn, buy-back), from real transactions on anvil.

Steady state: every balance and ledger slot a path touches already holds a value, as after the first
payment. ``*.execution`` figures leave out the 21,000 intrinsic gas and the calldata, which is what
the references' "route a held payment ≈ 15-25k" counts. Paying 1,000 stakers costing what one does is
proved by forge (`tests/forge/RevenueGas.t.sol`): it needs 1,000 staking transactions.
"""

from __future__ import annotations

from typing import Any

from bench.metric import execution, gas
from devstack.revenue import RevenueOptions, deploy_revenue

USDC = 10**6
SYNOR = 10**18
WEEK = 604_800
CARTESI_PRICE = 33_052_248_677_249_000_000
TEMPLATE = b"\x11" * 32


def run(project: Any, accounts: Any) -> dict[str, dict[str, Any]]:
    from ape import chain

    deployer, payer, treasury, community, operator, keeper, staker = (accounts[i] for i in range(7))
    synor = project.SynorToken.deploy(deployer, 1_000_000_000 * SYNOR, sender=deployer)
    usdc = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    usdc.mint(payer, 10**15, sender=deployer)
    synor.transfer(payer, 10_000_000 * SYNOR, sender=deployer)
    synor.transfer(staker, 1_000 * SYNOR, sender=deployer)
    records = deploy_revenue(
        project,
        deployer,
        synor,
        usdc,
        RevenueOptions(
            treasury=treasury.address,
            community_pool=community.address,
            keeper=keeper.address,
            operators=((operator.address, 1),),
            validators=((operator.address, 1),),
            pool_liquidity=(1_000_000 * USDC, 10_000_000 * SYNOR),
        ),
    )
    splitter = project.FeeSplitter.at(records["splitter"])
    staking = project.SynorStaking.at(records["staking"])
    factory = project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, splitter, sender=deployer)
    usdc.approve(factory, 2**256 - 1, sender=payer)
    usdc.approve(splitter, 2**256 - 1, sender=payer)
    synor.approve(splitter, 2**256 - 1, sender=payer)
    synor.approve(staking, 2**256 - 1, sender=staker)

    def one_round() -> dict[str, Any]:
        app = (
            factory.newApplication(payer, TEMPLATE, 0, sender=payer)
            .events.filter(factory.ApplicationCreated)[0]
            .app
        )
        runway = factory.extendRunway(app, WEEK, sender=payer)
        return {
            "runway": runway,
            "route": splitter.split(usdc, sender=keeper),
            "distribute": splitter.distribute(usdc, 100 * USDC, operator, sender=payer),
            "tx_fees": splitter.distributeTransactionFees(usdc, 100 * USDC, sender=payer),
            "tx_fees_synor": splitter.distributeTransactionFees(synor, 100 * SYNOR, sender=payer),
            "claim": splitter.claim(usdc, sender=treasury),
            "claim_member": splitter.claim(usdc, sender=operator),
            "release": splitter.releaseToStaking(usdc, sender=keeper),  # nothing held: fees were forwarded
            "sync": _sync_a_transfer(),
            "staking_claim": _claim_an_hour_later(),
            "burn": splitter.burn(sender=keeper),
            "buyback": _buy_back_in_a_later_block(),
        }

    def _sync_a_transfer() -> Any:
        # The splitter forwards the stakers' share itself; sync picks up rewards sent by plain transfer.
        usdc.transfer(staking, 10 * USDC, sender=payer)
        return staking.sync(usdc, sender=keeper)

    def _claim_an_hour_later() -> Any:
        # Rewards stream out over a week: claim once an hour of the stream has been emitted.
        chain.pending_timestamp = chain.blocks.head.timestamp + 3600
        return staking.claim(usdc, sender=staker)

    def _buy_back_in_a_later_block() -> Any:
        # Anvil mines at wall-clock time, so two blocks can share a second and the pair would then skip
        # writing its price accumulators. A real buy-back comes blocks after the last swap: pin that.
        chain.pending_timestamp = chain.blocks.head.timestamp + 12
        return splitter.buyBack(usdc, 0, 0, sender=keeper)

    first_stake = staking.stake(500 * SYNOR, sender=staker)
    one_round()  # first payments: every slot goes from zero to a value
    usdc.mint(staker, 1, sender=deployer)  # the staker already holds USDC in steady state
    again = staking.stake(100 * SYNOR, sender=staker)
    r = one_round()
    unstake = staking.requestUnstake(100 * SYNOR, sender=staker)
    # `stake` above is the staker's first stake change since SYNOR rewards began streaming: its SYNOR
    # accumulator, settlement and balance slots go from zero then. An hour later every slot holds a value.
    chain.pending_timestamp = chain.blocks.head.timestamp + 3600
    steady = staking.stake(100 * SYNOR, sender=staker)
    return {
        "gas.factory.extendRunway.with_splitter": gas(r["runway"].gas_used),
        "gas.splitter.route": gas(r["route"].gas_used),
        "gas.splitter.route.execution": gas(execution(r["route"])),
        "gas.splitter.distribute": gas(r["distribute"].gas_used),
        "gas.splitter.distributeTransactionFees": gas(r["tx_fees"].gas_used),
        "gas.splitter.claim": gas(r["claim"].gas_used),
        "gas.splitter.claim.execution": gas(execution(r["claim"])),
        "gas.splitter.claim.operator_and_validator": gas(r["claim_member"].gas_used),
        "gas.splitter.releaseToStaking": gas(r["release"].gas_used),
        "gas.splitter.burn": gas(r["burn"].gas_used),
        "gas.splitter.buyBack": gas(r["buyback"].gas_used),
        "gas.staking.sync": gas(r["sync"].gas_used),
        "gas.staking.claim": gas(r["staking_claim"].gas_used),
        "gas.staking.claim.execution": gas(execution(r["staking_claim"])),
        "gas.staking.stake.first": gas(first_stake.gas_used),
        "gas.staking.stake": gas(again.gas_used),
        "gas.staking.stake.steady": gas(steady.gas_used),
        "gas.staking.requestUnstake": gas(unstake.gas_used),
    }

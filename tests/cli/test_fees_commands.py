"""`synor fees …` and `synor keeper settle` against the real revenue stack on anvil."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from devstack.revenue import RevenueOptions, deploy_revenue
from synor.chain import Chain
from synor.deployments import Deployment, save
from synor.revenue.client import RevenueClient
from synor.revenue.split import split_service, split_transaction
from tests.cli.conftest import cli_for, json_of

USDC = 10**6
SYNOR = 10**18
CARTESI_PRICE = 33_052_248_677_249_000_000
WEEK = 604_800
TREASURY, COMMUNITY, OPERATOR, KEEPER, PAYER = 5, 6, 7, 8, 2


@pytest.fixture(scope="module")
def revenue_stack(project, accounts, chain, tmp_path_factory):
    deployer = accounts[0]
    start = chain.blocks.height + 1
    synor = project.SynorToken.deploy(deployer, 1_000_000_000 * SYNOR, sender=deployer)
    usdc = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    usdc.mint(accounts[PAYER], 1_000_000 * USDC, sender=deployer)
    synor.transfer(accounts[PAYER], 1_000_000 * SYNOR, sender=deployer)
    options = RevenueOptions(
        treasury=accounts[TREASURY].address,
        community_pool=accounts[COMMUNITY].address,
        keeper=accounts[KEEPER].address,
        operators=((accounts[OPERATOR].address, 1),),
        pool_liquidity=(1_000_000 * USDC, 10_000_000 * SYNOR),
    )
    records = deploy_revenue(project, deployer, synor, usdc, options)
    factory = project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, records["splitter"], sender=deployer)
    record = Deployment(
        network="local",
        chain_id=int(chain.chain_id),
        rpc_url=chain.provider.http_uri,
        start_block=start,
        contracts={
            "synor": synor.address,
            "payment_token": usdc.address,
            "factory": factory.address,
            **records,
        },
        payment_token={"symbol": "USDC", "decimals": 6, "price_per_second": str(CARTESI_PRICE)},
    )
    folder = tmp_path_factory.mktemp("revenue-deployments")
    save(record, folder)
    splitter = project.FeeSplitter.at(records["splitter"])
    return SimpleNamespace(
        folder=folder, record=record, synor=synor, usdc=usdc, factory=factory, splitter=splitter
    )


@pytest.fixture
def cli(revenue_stack):
    return cli_for(revenue_stack.folder)


def _row(status, symbol):
    return next(row for row in status["tokens"] if row["symbol"] == symbol)


def test_status_of_a_fresh_deployment(cli, revenue_stack):
    record = revenue_stack.record
    status = json_of(cli, "fees", "status")
    assert [row["symbol"] for row in status["tokens"]] == ["SYNOR", "USDC"]
    usdc = _row(status, "USDC")
    assert usdc["unsplit"]["base_units"] == "0"
    assert usdc["burn"]["method"] == "buy-back-and-burn"
    assert _row(status, "SYNOR")["burn"]["method"] == "burn"
    assert usdc["stakers"]["address"] == record.contracts["staking"]
    code, out, _ = cli("fees", "status")
    assert code == 0 and "Fee splitter" in out and "SYNOR total supply" in out


def test_runway_payment_flows_to_operators_treasury_and_the_burn(cli, revenue_stack, accounts):
    usdc = revenue_stack.usdc
    factory = revenue_stack.factory
    payer = accounts[PAYER]
    usdc.approve(factory, 2**256 - 1, sender=payer)
    factory.newApplication(payer, b"\x11" * 32, WEEK, sender=payer)
    cost = factory.cost(WEEK)
    assert _row(json_of(cli, "fees", "status"), "USDC")["unsplit"]["base_units"] == str(cost)
    result = json_of(cli, "fees", "split", "USDC", "--account", f"dev:{PAYER}")
    assert result["splits"][0]["split"]["base_units"] == str(cost)
    parts = split_service(cost)
    status = json_of(cli, "fees", "status", "--of", accounts[OPERATOR].address)
    usdc_row = _row(status, "USDC")
    assert usdc_row["treasury"]["earned"]["base_units"] == str(parts.treasury)
    assert usdc_row["holder"]["claimable"]["base_units"] == str(parts.operators)
    claimed = json_of(cli, "fees", "claim", "USDC", "--account", f"dev:{OPERATOR}")
    assert claimed["claimed"]["base_units"] == str(parts.operators)
    again = json_of(cli, "fees", "claim", "usdc", "--account", f"dev:{OPERATOR}")
    assert again["claimed"]["base_units"] == "0"
    treasury = json_of(cli, "fees", "claim", usdc.address, "--account", f"dev:{TREASURY}")
    assert treasury["claimed"]["base_units"] == str(parts.treasury)


def test_keeper_settles_everything_once_and_then_has_nothing_to_do(
    cli, revenue_stack, accounts, project, chain
):
    record = revenue_stack.record
    synor = revenue_stack.synor
    usdc = revenue_stack.usdc
    splitter = revenue_stack.splitter
    payer = accounts[PAYER]
    staking = project.SynorStaking.at(record.contracts["staking"])
    synor.approve(staking, 100 * SYNOR, sender=payer)
    staking.stake(100 * SYNOR, sender=payer)
    usdc.transfer(splitter, 500 * USDC, sender=payer)  # runway-style revenue, unsplit
    usdc.transfer(staking, 30 * USDC, sender=payer)  # a reward sent to staking by plain transfer, unsynced
    synor.approve(splitter, 1_000 * SYNOR, sender=payer)
    # The stakers' share is forwarded to staking's stream inside the payment: no release step is left.
    paid = splitter.distributeTransactionFees(synor, 1_000 * SYNOR, sender=payer)
    supply = synor.totalSupply()
    code, out, err = cli("keeper", "settle", "--once", "--json", "--account", f"dev:{KEEPER}")
    assert code == 0, err
    kinds = {step["step"] for step in _objects(out)}
    assert {"split", "sync", "burn", "buyback"} <= kinds and "release" not in kinds, out
    tx = split_transaction(1_000 * SYNOR)
    assert synor.totalSupply() < supply - tx.burn  # the SYNOR burn share and the SYNOR bought back
    assert splitter.pendingBurn(synor) == 0 and splitter.pendingBurn(usdc) == 0
    assert splitter.unaccounted(usdc) == 0
    assert staking.unsynced(usdc) == 0
    chain.mine(timestamp=paid.timestamp + staking.REWARD_DURATION())  # the week the share streams over
    assert staking.earned(synor, payer) == tx.stakers
    code, out, _ = cli("keeper", "settle", "--once", "--account", f"dev:{KEEPER}")
    assert code == 0 and "nothing to settle" in out
    client = RevenueClient(Chain.connect("local", None, revenue_stack.folder))
    assert all(not s.unaccounted and not s.stakers_due for s in client.states())


def test_a_keeper_without_the_keeper_role_skips_buy_backs_but_settles_the_rest(cli, revenue_stack, accounts):
    usdc = revenue_stack.usdc
    splitter = revenue_stack.splitter
    usdc.transfer(splitter, 100 * USDC, sender=accounts[PAYER])
    code, out, err = cli(
        "keeper", "settle", "--once", "--json", "--account", f"dev:{PAYER}", env={"COLUMNS": "40"}
    )
    assert code == 0
    events = _objects(out)
    kinds = [event["step"] for event in events if "step" in event]
    assert "split" in kinds and "buyback" not in kinds
    (skipped,) = [event for event in events if "skipped" in event]
    assert skipped["skipped"] == "buyback" and "AccessControlUnauthorizedAccount" in skipped["reason"]
    assert "AccessControlUnauthorizedAccount" in err
    # Addresses and errors are never wrapped mid-string on stderr, however narrow the terminal.
    payer = accounts[PAYER].address
    (line,) = [line for line in err.splitlines() if line.startswith("skipped buyback USDC")]
    assert payer in line and "AccessControlUnauthorizedAccount" in line
    assert splitter.pendingBurn(usdc) == split_service(100 * USDC).burn


def test_buyback_command_and_refusals(cli, revenue_stack, accounts):
    synor = revenue_stack.synor
    usdc = revenue_stack.usdc
    splitter = revenue_stack.splitter
    code, _, err = cli("fees", "buyback", "SYNOR", "--account", f"dev:{KEEPER}")
    assert code == 2 and "burned directly" in err
    code, _, err = cli("fees", "buyback", "DAI", "--account", f"dev:{KEEPER}")
    assert code == 2 and "not a token the splitter accepts" in err
    usdc.transfer(splitter, 1_000 * USDC, sender=accounts[PAYER])
    splitter.split(usdc, sender=accounts[PAYER])
    supply = synor.totalSupply()
    result = json_of(cli, "fees", "buyback", "USDC", "--account", f"dev:{KEEPER}")
    assert int(result["synor_burned"]) > 0
    assert synor.totalSupply() == supply - int(result["synor_burned"])
    code, _, err = cli("fees", "buyback", "USDC", "--account", f"dev:{KEEPER}")
    assert code == 2 and "no USDC burn share" in err


def _objects(text: str) -> list[dict[str, Any]]:
    """The JSON lines a stream printed: one object per line."""
    return [json.loads(line) for line in text.splitlines()]


def test_claim_with_nothing_to_claim_sends_nothing_and_exits_0(cli, chain):
    height = chain.blocks.height
    code, out, err = cli("fees", "claim", "USDC", "--account", "dev:9")
    assert chain.blocks.height == height  # no claim() transaction for nothing
    assert code == 0, err
    assert "nothing to claim in USDC" in out and "nothing sent" in out
    result = json_of(cli, "fees", "claim", "SYNOR", "--staking", "--account", "dev:9")
    assert result["claimed"]["base_units"] == "0" and result["transaction"] is None
    code, out, _ = cli("fees", "split", "--account", "dev:9")
    assert code == 0 and "USDC: nothing to split, nothing sent" in out
    assert chain.blocks.height == height


def test_dry_runs_of_claim_split_buyback_and_settle_send_nothing(cli, revenue_stack, accounts, chain):
    usdc = revenue_stack.usdc
    splitter = revenue_stack.splitter
    usdc.transfer(splitter, 200 * USDC, sender=accounts[PAYER])
    height = chain.blocks.height
    plan = json_of(cli, "fees", "split", "--account", f"dev:{PAYER}", "--dry-run")
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["split"]
    code, out, _ = cli("keeper", "settle", "--account", f"dev:{KEEPER}", "--dry-run")
    assert code == 0 and out.startswith("dry run: nothing sent") and "split(" in out
    assert chain.blocks.height == height
    splitter.split(usdc, sender=accounts[PAYER])
    height = chain.blocks.height
    plan = json_of(cli, "fees", "claim", "USDC", "--account", f"dev:{OPERATOR}", "--dry-run")
    assert (
        plan["transactions"][0]["call"].startswith("claim(") and plan["transactions"][0]["gas_estimate"] > 0
    )
    plan = json_of(cli, "fees", "buyback", "USDC", "--account", f"dev:{KEEPER}", "--dry-run")
    assert plan["transactions"][0]["call"].startswith("buyBack(")
    assert chain.blocks.height == height


def test_buyback_of_more_than_is_pending_is_refused_with_a_consistent_message(cli, revenue_stack, accounts):
    splitter = revenue_stack.splitter
    revenue_stack.usdc.transfer(splitter, 100 * USDC, sender=accounts[PAYER])
    splitter.split(revenue_stack.usdc, sender=accounts[PAYER])
    pending = splitter.pendingBurn(revenue_stack.usdc)
    code, _, err = cli("fees", "buyback", "USDC", "--amount", "1000000", "--account", f"dev:{KEEPER}")
    assert code == 2 and "is more than the pending burn share" in err
    code, _, err = cli("fees", "buyback", "USDC", "--amount", "0", "--account", f"dev:{KEEPER}")
    assert code == 2 and "must be more than 0" in err
    assert splitter.pendingBurn(revenue_stack.usdc) == pending

"""`synor stake`, `synor unstake` and `synor rewards` against the deployed stack: results, chain effects,
dry runs and every refusal (one line, exit 2, nothing sent)."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import cli_for, json_of
from tests.cli.test_fees_commands import PAYER, revenue_stack  # noqa: F401  (this module's own stack)

STAKER = PAYER  # holds 1,000,000 SYNOR in the revenue stack
SIGN = ("--account", f"dev:{STAKER}")


@pytest.fixture
def staking(project, revenue_stack):  # noqa: F811
    return project.SynorStaking.at(revenue_stack.record.contracts["staking"])


@pytest.fixture
def synor_token(revenue_stack):  # noqa: F811
    return revenue_stack.synor


@pytest.fixture
def synor(revenue_stack):  # noqa: F811
    return cli_for(revenue_stack.folder)


@pytest.fixture
def synor_json(synor):
    return lambda *args: json_of(synor, *args)


def test_stake_rewards_unstake_and_withdraw(accounts, chain, staking, synor_token, synor, synor_json):
    staker = accounts[STAKER]
    balance = synor_token.balanceOf(staker)
    staked = synor_json("stake", "250.5", *SIGN)
    assert staked["staked"] == {"base_units": str(250_500_000_000_000_000_000), "amount": "250.5"}
    assert staked["transaction"].startswith("0x")
    assert staking.stakeOf(staker) == 250_500_000_000_000_000_000
    assert synor_token.balanceOf(staker) == balance - 250_500_000_000_000_000_000
    assert synor_token.allowance(staker, staking) == 0  # approved exactly what was missing

    shown = synor_json("rewards", "--of", staker.address)
    assert shown["position"]["staked"]["amount"] == "250.5"
    assert {r["symbol"] for r in shown["rewards"]} >= {"SYNOR"}
    code, out, _ = synor("rewards", *SIGN)
    assert code == 0 and f"{staker.address} stakes 250.5 SYNOR" in out

    unstaking = synor_json("unstake", "100", *SIGN)
    assert unstaking["unstaking"]["amount"] == "100"
    assert unstaking["position"]["cooling"]["amount"] == "100"
    assert staking.stakeOf(staker) == 150_500_000_000_000_000_000

    height = chain.blocks.height
    code, _, err = synor("unstake", "--withdraw", *SIGN)
    assert code == 2 and "unlocks in" in err and "nothing sent" in err
    assert chain.blocks.height == height

    unlock_at = unstaking["position"]["unlock_at"]
    chain.mine(timestamp=unlock_at + 1)
    withdrawn = synor_json("unstake", "--withdraw", *SIGN)
    assert withdrawn["withdrawn"]["amount"] == "100"
    assert synor_token.balanceOf(staker) == balance - 150_500_000_000_000_000_000
    synor_json("unstake", "150.5", *SIGN)  # leave nothing staked for other tests


def test_stake_dry_run_plans_approve_and_stake_and_sends_nothing(chain, staking, accounts, synor_json):
    height = chain.blocks.height
    plan = synor_json("stake", "10", *SIGN, "--dry-run")
    assert plan["dry_run"] is True and plan["sent"] is False
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["approve", "stake"]
    assert chain.blocks.height == height
    assert staking.stakeOf(accounts[STAKER]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("stake", "0", *SIGN), "must be more than 0"),
        (("stake", "twelve", *SIGN), "invalid amount"),
        (("stake", "1.0000000000000000001", *SIGN), "decimals"),
        (("stake", "10000000000", *SIGN), "insufficient SYNOR"),
        (("unstake", "5", *SIGN), "cannot unstake 5 SYNOR"),
        (("unstake", *SIGN), "either AMOUNT to unstake or --withdraw"),
        (("unstake", "5", "--withdraw", *SIGN), "either AMOUNT to unstake or --withdraw"),
        (("unstake", "--withdraw", *SIGN), "nothing is cooling down"),
        (("rewards", "--of", "0x1234"), "invalid address"),
    ],
)
def test_refusals_are_one_line_exit_2_and_send_nothing(chain, synor, args, message):
    height = chain.blocks.height
    code, out, err = synor(*args)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert message in err
    code, out, err = synor(*args, "--json")
    assert code == 2 and out == ""
    assert message in json.loads(err)["error"]
    assert chain.blocks.height == height

"""`synor keeper settle` beside a token whose reads revert: that token is skipped and reported each round,
every other token is settled (a keeper must survive a misbehaving token, not stop on it)."""

from __future__ import annotations

import json

from synor.revenue.split import split_service
from tests.cli.conftest import cli_for
from tests.cli.test_fees_commands import KEEPER, PAYER, USDC, revenue_stack  # noqa: F401  (own stack)

ZERO = "0x" + "00" * 20


def test_a_token_whose_balance_reads_revert_stalls_only_itself(project, accounts, revenue_stack):  # noqa: F811
    splitter, usdc = revenue_stack.splitter, revenue_stack.usdc
    broken = project.RevertingBalanceToken.deploy(sender=accounts[0])
    splitter.acceptToken(broken, ZERO, sender=accounts[0])
    broken.mint(splitter, 1_000, sender=accounts[0])
    broken.setBroken(True, sender=accounts[0])
    usdc.transfer(splitter, 100 * USDC, sender=accounts[PAYER])
    cli = cli_for(revenue_stack.folder)

    code, out, err = cli("keeper", "settle", "--once", "--json", "--account", f"dev:{KEEPER}")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    (unreadable,) = [e for e in events if "unreadable" in e]
    assert unreadable["symbol"] == "RBT" and unreadable["reason"].startswith("reverted")
    assert any(e.get("step") == "split" and e["token"] == usdc.address for e in events)
    assert "skipped RBT this round: its state cannot be read" in err
    assert splitter.pendingBurn(usdc) == 0  # the USDC burn share was bought back and burned
    assert splitter.book(usdc).burnAccrued == split_service(100 * USDC).burn

    code, out, err = cli("keeper", "settle", "--once", "--account", f"dev:{KEEPER}")
    assert code == 0, err
    assert "could not read RBT" in out and "nothing to settle" not in out

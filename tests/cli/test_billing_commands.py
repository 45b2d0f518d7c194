"""`synor account …` and `synor operator …` against usage billing deployed on anvil (the local stack with
revenue, hence the escrow and the settlement): results, chain effects, dry runs and the refusals that are
checked against the contracts' views before anything is sent (one line, exit 2, nothing sent)."""

from __future__ import annotations

import pytest
from eth_account import Account

from synor.accounts import dev_account
from synor.pricing.catalogue import CATALOGUE
from tests.cli.conftest import OPERATOR, cli_for, json_of

SYNOR = 10**18
DAY = 24 * 3600
SPARE = 5  # an operator of the splitter, not registered with the settlement at deployment
TREASURY = 6  # reserved: the splitter pays it as the treasury
OUTSIDER = 9  # holds no SYNOR


@pytest.fixture
def synor(billing):
    return cli_for(billing["folder"])


@pytest.fixture
def synor_json(synor):
    return lambda *args: json_of(synor, *args)


def sign(index):
    return ("--account", f"dev:{index}")


def test_deposit_approves_exactly_the_amount_and_credits_the_balance(accounts, billing, synor, synor_json):
    escrow, token = billing["escrow"], billing["synor"]
    payer = accounts[1]
    held = token.balanceOf(payer)
    deposited = synor_json("account", "deposit", "12.5", *sign(1))
    assert deposited["deposited"] == {"base_units": str(12_500_000_000_000_000_000), "amount": "12.5"}
    assert deposited["account"] == payer.address and deposited["transaction"].startswith("0x")
    assert escrow.balanceOf(payer) == 12_500_000_000_000_000_000
    assert token.balanceOf(payer) == held - 12_500_000_000_000_000_000
    assert token.allowance(payer, escrow) == 0  # approved exactly what was missing

    # Anyone may fund anyone: dev:1 funds dev:9, who holds no SYNOR.
    code, out, _ = synor("account", "deposit", "0.5", "--to", accounts[OUTSIDER].address, *sign(1))
    assert code == 0 and f"into {accounts[OUTSIDER].address}" in out and "balance 0.5 SYNOR" in out
    assert escrow.balanceOf(accounts[OUTSIDER]) == SYNOR // 2


def test_deposit_with_a_permit_is_one_transaction(accounts, billing, chain, synor_json):
    escrow, token = billing["escrow"], billing["synor"]
    payer = accounts[2]
    before = escrow.balanceOf(payer)
    height = chain.blocks.height
    synor_json("account", "deposit", "3", "--permit", *sign(2))
    assert chain.blocks.height == height + 1  # no approve transaction
    assert escrow.balanceOf(payer) == before + 3 * SYNOR
    assert token.allowance(payer, escrow) == 0


def test_deposit_dry_run_plans_approve_and_deposit_and_sends_nothing(accounts, billing, chain, synor_json):
    before = billing["escrow"].balanceOf(accounts[1])
    height = chain.blocks.height
    plan = synor_json("account", "deposit", "1", *sign(1), "--dry-run")
    assert plan["dry_run"] is True and plan["sent"] is False
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["approve", "deposit"]
    permit = synor_json("account", "deposit", "1", "--permit", *sign(1), "--dry-run")
    assert [tx["call"].split("(")[0] for tx in permit["transactions"]] == ["depositWithPermit"]
    assert chain.blocks.height == height
    assert billing["escrow"].balanceOf(accounts[1]) == before


def test_deposit_above_the_wallet_balance_or_to_the_zero_address_is_refused(refused):
    zero = "0x" + "00" * 20
    refused("cannot deposit into the zero address", "account", "deposit", "1", "--to", zero, *sign(1))
    refused("cannot withdraw to the zero address", "account", "withdraw", "--to", zero, *sign(1))
    refused("less than the 1 SYNOR to deposit", "account", "deposit", "1", *sign(OUTSIDER))
    refused("less than the 1,000,001 SYNOR", "account", "deposit", "1000001", *sign(1))


def test_allow_and_revoke_with_their_refusals(accounts, billing, refused, synor, synor_json):
    escrow = billing["escrow"]
    account, operator = accounts[2], accounts[OPERATOR].address
    refused("is not a registered operator", "account", "allow", accounts[SPARE].address, *sign(2))
    refused("never allowed", "account", "revoke", operator, *sign(2))

    allowed = synor_json("account", "allow", operator, "--ceiling", "50", *sign(2))
    assert allowed["ceiling"]["amount"] == "50"
    assert escrow.headroom(account, operator) == 50 * SYNOR
    refused(
        "already allowed with a ceiling of 50 SYNOR",
        "account",
        "allow",
        operator,
        "--ceiling",
        "50",
        *sign(2),
    )

    code, out, _ = synor("account", "allow", operator, *sign(2))  # default: no ceiling
    assert code == 0 and "with no ceiling" in out
    assert escrow.headroom(account, operator) == 2**256 - 1
    refused("already allowed with no ceiling", "account", "allow", operator, "--ceiling", "none", *sign(2))
    synor_json("account", "allow", operator, "--ceiling", "0.25", *sign(2))

    state = synor_json("account", "balance", account.address)
    (row,) = state["operators"]
    assert row["operator"] == operator and row["status"] == "allowed"
    assert row["ceiling"]["amount"] == "0.25" and row["headroom"]["amount"] == "0.25"
    assert row["spent_this_period"]["amount"] == "0"

    revoked = synor_json("account", "revoke", operator, *sign(2))
    period = billing["settlement"].currentPeriod()
    assert revoked["last_period"] == period
    assert not escrow.isAllowed(account, operator, period + 1) and escrow.isAllowed(account, operator, period)
    refused(
        f"already revoked (it may charge usage up to period {period})",
        "account",
        "revoke",
        operator,
        *sign(2),
    )
    state = synor_json("account", "balance", account.address)
    assert state["operators"][0]["status"] == "revoked" and state["operators"][0]["until_period"] == period

    plan = synor_json("account", "allow", operator, *sign(2), "--dry-run")
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["allow"]
    synor_json("account", "allow", operator, *sign(2))  # allowing again undoes the revoke
    assert escrow.isAllowed(account, operator, period + 1)
    assert synor_json("account", "balance", account.address)["operators"][0]["status"] == "allowed"


def test_operator_registry_and_signers(accounts, billing, chain, refused, synor, synor_json):
    settlement = billing["settlement"]
    spare, key = accounts[SPARE].address, accounts[7].address
    refused("may not register operators", "operator", "register", spare, *sign(1))
    refused("Settlement_ReservedOperator", "operator", "register", accounts[TREASURY].address, *sign(0))
    refused("is not a registered operator", "operator", "signer", "add", key, *sign(SPARE))

    assert synor_json("operator", "register", spare, *sign(0))["registered"] is True
    assert settlement.isOperator(spare)
    refused("already a registered operator", "operator", "register", spare, *sign(0))

    refused("is not a signer of", "operator", "signer", "revoke", key, *sign(SPARE))
    added = synor_json("operator", "signer", "add", key, *sign(SPARE))
    assert added["active_from"] == settlement.signerActiveFrom(spare, key) > chain.pending_timestamp - 10
    refused("already a signer of", "operator", "signer", "add", key, *sign(SPARE))

    status = synor_json("operator", "status", spare)
    assert status["registered"] is True
    assert status["signers"] == [{"signer": key, "active_from": added["active_from"], "active": False}]
    assert status["period"]["current"] == settlement.currentPeriod()
    assert status["period"]["closes_at"] == settlement.closesAt(settlement.currentPeriod())
    chain.mine(timestamp=added["active_from"] + 1)
    assert synor_json("operator", "status", spare)["signers"][0]["active"] is True
    code, out, _ = synor("operator", "status", *sign(SPARE))
    assert code == 0 and f"{spare}: registered operator" in out and f"signer {key}: active since" in out

    synor_json("operator", "signer", "revoke", key, *sign(SPARE))
    assert settlement.signerActiveFrom(spare, key) == 0
    status = synor_json("operator", "status", spare)
    assert status["signers"] == [] and status["revoked_signers"] == [key]

    assert synor_json("operator", "deregister", spare, *sign(0))["registered"] is False
    assert not settlement.isOperator(spare)
    refused("not a registered operator: nothing to deregister", "operator", "deregister", spare, *sign(0))
    plan = synor_json("operator", "register", spare, *sign(0), "--dry-run")
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["registerOperator"]


def _settle(accounts, settlement, account, deals):
    """Settles one report signed by the operator itself: ``deals`` storage deals this period."""
    key = dev_account(OPERATOR)
    assert key.address == accounts[OPERATOR].address
    report = (
        account,
        key.address,
        CATALOGUE["storage.deal"].resource_id,
        settlement.currentPeriod(),
        deals,
        b"\x00" * 32,
    )
    digest = bytes(settlement.hashReport(report))
    signature = Account.unsafe_sign_hash(digest, key.key).signature
    settlement.settle([(report, key.address, signature)], sender=accounts[0])


def test_debt_is_shown_and_collected_once_funds_exist(accounts, billing, chain, refused, synor, synor_json):
    escrow, settlement = billing["escrow"], billing["settlement"]
    account, operator = accounts[3], accounts[OPERATOR].address
    synor_json("operator", "signer", "add", operator, *sign(OPERATOR))
    chain.mine(timestamp=chain.pending_timestamp + DAY + 1)
    synor_json("account", "deposit", "1", *sign(3))
    synor_json("account", "allow", operator, *sign(3))
    refused("owes", "account", "debt", account.address, "--collect", "--operator", operator, *sign(1))

    _settle(accounts, settlement, account, 5_000)  # 5,000 deals at 0.001 SYNOR: 5 SYNOR, 1 available
    assert escrow.balanceOf(account) == 0
    shown = synor_json("account", "debt", account.address)
    assert shown["total"]["synor"]["amount"] == "4" and shown["total"]["usd"]["amount"] == "0"
    assert shown["debts"] == [
        {
            "operator": operator,
            "synor": {"base_units": str(4 * SYNOR), "amount": "4"},
            "usd": shown["total"]["usd"],
        }
    ]
    assert synor_json("account", "debt", account.address, "--operator", operator)["debts"] == shown["debts"]
    assert (
        synor_json("account", "debt", account.address, "--operator", accounts[SPARE].address)["debts"] == []
    )
    code, out, _ = synor("account", "balance", account.address)
    assert code == 0 and "prepaid balance 0 SYNOR" in out and "debt in total: 4 SYNOR" in out
    refused(
        "has no prepaid balance",
        "account",
        "debt",
        account.address,
        "--collect",
        "--operator",
        operator,
        *sign(1),
    )

    synor_json("account", "deposit", "10", *sign(3))
    collected = synor_json("account", "debt", account.address, "--collect", "--operator", operator, *sign(1))
    assert collected["collected"]["amount"] == "4" and collected["debt"]["synor"]["amount"] == "0"
    assert escrow.balanceOf(account) == 6 * SYNOR and escrow.totalDebtOf(account) == (0, 0)
    assert synor_json("account", "debt", *sign(3))["debts"] == []


def test_collecting_is_refused_at_the_ceiling_and_while_paused(accounts, billing, chain, refused, synor_json):
    escrow, settlement = billing["escrow"], billing["settlement"]
    account, operator = accounts[2], accounts[OPERATOR].address
    settlement.addSigner(operator, sender=accounts[OPERATOR])
    chain.mine(timestamp=chain.pending_timestamp + DAY + 1)
    synor_json("account", "deposit", "1", *sign(2))
    synor_json("account", "allow", operator, "--ceiling", "0.5", *sign(2))
    _settle(accounts, settlement, account, 2_000)  # 2 SYNOR: 0.5 collected (the ceiling), 1.5 owed
    assert escrow.debtOf(account, operator) == (1_500_000_000_000_000_000, 0)
    state = synor_json("account", "balance", account.address)
    assert state["operators"][0]["spent_this_period"]["amount"] == "0.5"
    assert state["operators"][0]["headroom"]["amount"] == "0"
    collect = ("account", "debt", account.address, "--collect", "--operator", operator, *sign(1))
    refused("has reached", *collect)
    synor_json("account", "allow", operator, "--ceiling", "5", *sign(2))
    escrow.pause(sender=accounts[0])
    refused("charging is paused by the guardian", *collect)
    escrow.unpause(sender=accounts[0])
    assert synor_json(*collect)["collected"]["amount"] == "0.5"  # what the balance still holds


def test_withdrawal_thaws_and_leaves_debt_behind(accounts, billing, chain, refused, synor, synor_json):
    escrow, settlement, token = billing["escrow"], billing["settlement"], billing["synor"]
    account, operator = accounts[3], accounts[OPERATOR].address
    refused("has not asked to withdraw", "account", "withdraw", *sign(3))
    refused("has not asked to withdraw: nothing to cancel", "account", "withdraw", "--cancel", *sign(3))
    refused("has no prepaid balance", "account", "withdraw", "--request", *sign(7))
    settlement.addSigner(operator, sender=accounts[OPERATOR])
    chain.mine(timestamp=chain.pending_timestamp + DAY + 1)
    synor_json("account", "deposit", "6", *sign(3))
    synor_json("account", "allow", operator, *sign(3))

    requested = synor_json("account", "withdraw", "--request", *sign(3))
    unlocks_at = settlement.closesAt(settlement.currentPeriod())
    assert requested["unlocks_at"] == unlocks_at == escrow.withdrawalUnlocksAt(account)
    refused("already asked to withdraw", "account", "withdraw", "--request", *sign(3))
    refused("the withdrawal unlocks at", "account", "withdraw", *sign(3))
    assert synor_json("account", "balance", account.address)["withdrawal"] == {
        "status": "locked",
        "unlocks_at": unlocks_at,
    }
    assert synor_json("account", "withdraw", "--cancel", *sign(3))["cancelled"] is True
    assert escrow.withdrawalUnlocksAt(account) == 0

    _settle(accounts, settlement, account, 7_000)  # 7 SYNOR: 6 held, 1 owed
    assert escrow.balanceOf(account) == 0
    synor_json("account", "deposit", "5", *sign(3))
    assert escrow.totalDebtOf(account) == (SYNOR, 0)  # a deposit does not pay debt by itself
    synor_json("account", "withdraw", "--request", *sign(3))
    unlocks_at = escrow.withdrawalUnlocksAt(account)
    chain.mine(timestamp=unlocks_at + 1)
    code, out, _ = synor("account", "balance", account.address)
    assert code == 0 and "unlocked since" in out
    recipient = accounts[8].address
    held = token.balanceOf(recipient)
    withdrawn = synor_json("account", "withdraw", "--to", recipient, *sign(3))
    assert withdrawn["withdrawn"]["amount"] == "4" and withdrawn["to"] == recipient
    assert withdrawn["balance"]["amount"] == "1"  # what it owes stays for the operator
    assert token.balanceOf(recipient) == held + 4 * SYNOR
    assert escrow.balanceOf(account) == SYNOR and escrow.withdrawalUnlocksAt(account) == 0
    synor_json("account", "withdraw", "--request", *sign(3))
    chain.mine(timestamp=escrow.withdrawalUnlocksAt(account) + 1)
    refused("does not exceed its debt", "account", "withdraw", *sign(3))
    collected = synor_json("account", "debt", "--collect", "--operator", operator, *sign(3))
    assert collected["collected"]["amount"] == "1" and escrow.balanceOf(account) == 0


def test_withdraw_flags_that_do_not_go_together_are_refused(refused, accounts):
    refused("not both", "account", "withdraw", "--request", "--cancel", *sign(3))
    refused(
        "--to goes with the withdrawal itself",
        "account",
        "withdraw",
        "--request",
        "--to",
        accounts[1].address,
        *sign(3),
    )
    refused("--collect needs --operator", "account", "debt", "--collect", *sign(3))


def test_balance_of_an_account_that_never_used_the_escrow(accounts, synor, synor_json):
    state = synor_json("account", "balance", accounts[7].address)
    assert state["balance"]["base_units"] == "0" and state["operators"] == []
    assert state["withdrawal"] == {"status": "none", "unlocks_at": None}
    code, out, _ = synor("account", "balance", *sign(7))
    assert code == 0 and "no operator allowed" in out and "no withdrawal requested" in out


def test_a_deployment_without_usage_billing_says_so(stack):
    code, out, err = cli_for(stack[0])("account", "balance", dev_account(1).address)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no 'escrow' in the local deployment: usage billing is deployed with the revenue contracts" in err
    code, _, err = cli_for(stack[0])("operator", "status", dev_account(1).address)
    assert code == 2 and "no 'settlement' in the local deployment" in err


def test_a_missing_role_is_named(accounts, billing):
    from eth_utils.crypto import keccak

    from synor.errors import describe_revert

    settlement = billing["settlement"]
    selector = keccak(text="AccessControlUnauthorizedAccount(address,bytes32)")[:4]
    data = selector + bytes(12) + bytes.fromhex(accounts[1].address[2:])
    data += bytes(settlement.REGISTRAR_ROLE())
    assert describe_revert(data).endswith("neededRole=REGISTRAR_ROLE)")

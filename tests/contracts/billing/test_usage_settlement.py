"""UsageSettlement: operators and signers, EIP-712 reports (per-report and batch signatures, ERC-1271
signers), rating of cumulative slices, every Settlement_* error as a revert or a ReportSkipped reason,
UsageCharged data, one splitter payout per operator, preview, views and the constructor's checks."""

from __future__ import annotations

from typing import Any

import ape
import pytest
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_utils.crypto import keccak

from devstack.usage import create_address
from synor.pricing.rating import MAX_UINT256, UNBOUNDED, RateCard, slice_charge_up
from tests.contracts.billing.conftest import (
    ONE,
    PERIOD,
    SIGNER_DELAY,
    TIERED_CARD,
    TIERED_ID,
    USD_ID,
    WINDOW,
    UsageStack,
    charges,
    error_data,
    fund,
    make_report,
    revert_data,
    sign_report,
    signed,
    skipped_reasons,
)

ZERO = ape.utils.ZERO_ADDRESS
LIMIT = 2**128
REPORT_TYPE = (
    "UsageReport(address account,address operator,bytes32 resource,uint64 period,"
    "uint256 cumulativeQuantity,bytes32 evidenceRoot)"
)
EIP712_TYPES = {
    "UsageReport": [
        {"name": "account", "type": "address"},
        {"name": "operator", "type": "address"},
        {"name": "resource", "type": "bytes32"},
        {"name": "period", "type": "uint64"},
        {"name": "cumulativeQuantity", "type": "uint256"},
        {"name": "evidenceRoot", "type": "bytes32"},
    ],
    "UsageBatch": [
        {"name": "operator", "type": "address"},
        {"name": "reports", "type": "UsageReport[]"},
    ],
}


@pytest.fixture
def stack(usage_stack: UsageStack) -> UsageStack:
    return usage_stack


def settle(stack: UsageStack, *reports: tuple[Any, ...]) -> Any:
    return stack.settlement.settle([signed(stack, r) for r in reports], sender=stack.admin)


def domain(stack: UsageStack, chain_id: int | None = None, contract: str | None = None) -> dict[str, Any]:
    return {
        "name": "Synor Usage",
        "version": "1",
        "chainId": chain_id or ape.chain.chain_id,
        "verifyingContract": contract or stack.settlement.address,
    }


def as_message(report: tuple[Any, ...]) -> dict[str, Any]:
    keys = ("account", "operator", "resource", "period", "cumulativeQuantity", "evidenceRoot")
    return dict(zip(keys, report, strict=True))


def sign_typed_report(stack: UsageStack, report: tuple[Any, ...], **domain_overrides: Any) -> bytes:
    """Signs with eth_account's own EIP-712 encoder (the documented message), not the contract's hash."""
    types = {"UsageReport": EIP712_TYPES["UsageReport"]}
    message = as_message(report)
    signature = Account.sign_typed_data(stack.signer.key, domain(stack, **domain_overrides), types, message)
    return bytes(signature.signature)


def sign_typed_batch(
    stack: UsageStack, operator: str, reports: list[tuple[Any, ...]], **overrides: Any
) -> bytes:
    message = {"operator": operator, "reports": [as_message(r) for r in reports]}
    signature = Account.sign_typed_data(stack.signer.key, domain(stack, **overrides), EIP712_TYPES, message)
    return bytes(signature.signature)


def next_period(stack: UsageStack) -> None:
    ape.chain.pending_timestamp = stack.book.genesis() + (stack.settlement.currentPeriod() + 1) * PERIOD
    ape.chain.mine()


def splits(stack: UsageStack, receipt: Any) -> list[tuple[str, int, int, int, int]]:
    return [
        (e.operator, e.amount, e.operators, e.treasury, e.burn)
        for e in receipt.events.filter(stack.splitter.ServiceRevenueSplit)
    ]


def seventy_twenty_ten(operator: str, amount: int) -> tuple[str, int, int, int, int]:
    operators, treasury = amount * 7000 // 10_000, amount * 2000 // 10_000
    return (operator, amount, operators, treasury, amount - operators - treasury)


def second_operator(stack: UsageStack, accounts: Any) -> tuple[Any, Any]:
    """Another registered operator (a fresh account) with an active signer."""
    operator = accounts.generate_test_account()
    stack.admin.transfer(operator, 10**18)
    stack.settlement.registerOperator(operator, sender=stack.registrar)
    key = Account.from_key(b"\x6b" * 32)
    stack.settlement.addSigner(key.address, sender=operator)
    ape.chain.pending_timestamp = int(ape.chain.pending_timestamp) + SIGNER_DELAY
    ape.chain.mine()
    return operator, key


# ------------------------------------------------------------------ deployment and views


def test_views_record_the_configuration(stack):
    s = stack.settlement
    assert s.priceBook() == stack.book.address
    assert s.escrow() == stack.escrow.address
    assert s.oracle() == stack.oracle.address
    assert s.settlementWindow() == WINDOW and s.signerDelay() == SIGNER_DELAY
    assert s.USAGE_REPORT_TYPEHASH() == keccak(text=REPORT_TYPE)
    assert s.USAGE_BATCH_TYPEHASH() == keccak(
        text="UsageBatch(address operator,UsageReport[] reports)" + REPORT_TYPE
    )
    assert s.REGISTRAR_ROLE() == keccak(text="REGISTRAR_ROLE")
    assert s.hasRole(s.REGISTRAR_ROLE(), stack.registrar)
    assert s.currentPeriod() == stack.book.currentPeriod() == 10
    assert s.closesAt(10) == stack.book.genesis() + 11 * PERIOD + WINDOW
    assert s.isOperator(stack.operator) and not s.isOperator(stack.registrar)
    assert s.isSigner(stack.operator, stack.signer.address)


def _deploy_pair(project, stack, **overrides):
    """Deploys an escrow for the predicted settlement, then the settlement with `overrides`, from a fresh
    account (so ape decodes nothing from an earlier contract at the address); returns the revert data."""
    sender = ape.accounts.test_accounts.generate_test_account()
    stack.admin.transfer(sender, 10**19)
    escrow_settlement = overrides.pop(
        "escrow_settlement", create_address(sender.address, int(sender.nonce) + 1)
    )
    escrow = project.PrepaidEscrow.deploy(
        stack.synor, stack.splitter, ZERO, stack.book, escrow_settlement, 3600, sender, ZERO, sender=sender
    )
    args = {
        "book": stack.book,
        "escrow": escrow,
        "oracle": stack.oracle,
        "window": WINDOW,
        "delay": SIGNER_DELAY,
    }
    args.update(overrides)
    values = [str(getattr(v, "address", v)) if not isinstance(v, int) else v for v in args.values()]
    types = ["address", "address", "address", "uint64", "uint64", "uint48", "address", "address"]
    code = bytes(project.UsageSettlement.contract_type.deployment_bytecode.to_bytes())
    data = code + abi_encode(types, [*values, 3600, sender.address, ZERO])
    return "0x" + revert_data(sender, data).hex()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"book": ZERO}, "Settlement_ZeroAddress()"),
        ({"escrow": ZERO}, "Settlement_ZeroAddress()"),
        ({"window": 0}, "Settlement_BadConfig()"),
        ({"window": PERIOD + 1}, "Settlement_BadConfig()"),
        ({"delay": 0}, "Settlement_BadConfig()"),
    ],
)
def test_constructor_rejects_bad_configuration(project, stack, overrides, error):
    assert _deploy_pair(project, stack, **overrides) == "0x" + error_data(error).hex()


def test_constructor_rejects_an_escrow_for_another_settlement(project, stack):
    other = stack.settlement.address
    data = _deploy_pair(project, stack, escrow_settlement=other)
    assert data == "0x" + error_data("Settlement_EscrowMismatch(address)", ("address",), (other,)).hex()


def test_constructor_rejects_an_oracle_of_another_token(project, stack, deployer, usdc):
    oracle = project.SettablePriceOracle.deploy(usdc, ONE, sender=deployer)
    data = _deploy_pair(project, stack, oracle=oracle)
    assert (
        data == "0x" + error_data("Settlement_OracleMismatch(address)", ("address",), (usdc.address,)).hex()
    )


def test_constructor_accepts_window_of_a_whole_period_and_no_oracle(project, stack):
    sender = ape.accounts.test_accounts.generate_test_account()
    stack.admin.transfer(sender, 10**19)
    escrow = project.PrepaidEscrow.deploy(
        stack.synor,
        stack.splitter,
        ZERO,
        stack.book,
        create_address(sender.address, int(sender.nonce) + 1),
        3600,
        sender,
        ZERO,
        sender=sender,
    )
    settlement = project.UsageSettlement.deploy(
        stack.book, escrow, ZERO, PERIOD, 1, 3600, sender, ZERO, sender=sender
    )
    assert settlement.oracle() == ZERO and settlement.settlementWindow() == PERIOD
    assert not settlement.hasRole(settlement.REGISTRAR_ROLE(), ZERO)


# ------------------------------------------------------------------ operators and signers


def test_register_and_deregister_operator(stack, accounts, stranger):
    new = accounts.generate_test_account()
    with ape.reverts(stack.settlement.AccessControlUnauthorizedAccount):
        stack.settlement.registerOperator(new, sender=stranger)
    receipt = stack.settlement.registerOperator(new, sender=stack.registrar)
    assert receipt.events.filter(stack.settlement.OperatorRegistered)[0].operator == new.address
    assert stack.settlement.isOperator(new)
    with ape.reverts(stack.settlement.Settlement_AlreadyRegistered, operator=new.address):
        stack.settlement.registerOperator(new, sender=stack.registrar)
    with ape.reverts(stack.settlement.AccessControlUnauthorizedAccount):
        stack.settlement.deregisterOperator(new, sender=stranger)
    receipt = stack.settlement.deregisterOperator(new, sender=stack.registrar)
    assert receipt.events.filter(stack.settlement.OperatorDeregistered)[0].operator == new.address
    assert not stack.settlement.isOperator(new)
    with ape.reverts(stack.settlement.Settlement_UnknownOperator, operator=new.address):
        stack.settlement.deregisterOperator(new, sender=stack.registrar)


def test_reserved_addresses_cannot_be_operators(stack):
    s = stack.splitter
    for reserved in (
        ZERO,
        s.treasury(),
        s.communityPool(),
        s.staking(),
        s.address,
        stack.escrow.address,
        stack.settlement.address,
    ):
        with ape.reverts(stack.settlement.Settlement_ReservedOperator, operator=reserved):
            stack.settlement.registerOperator(reserved, sender=stack.registrar)


def test_deregistered_operator_reports_are_refused(stack, developer):
    fund(stack, developer, 100 * ONE)
    report = make_report(stack, developer, 20_000)
    stack.settlement.deregisterOperator(stack.operator, sender=stack.registrar)
    receipt = settle(stack, report)
    expected = error_data("Settlement_UnknownOperator(address)", ("address",), (stack.operator.address,))
    assert skipped_reasons(stack, receipt) == [expected] and charges(stack, receipt) == []
    with ape.reverts(stack.settlement.Settlement_UnknownOperator, operator=stack.operator.address):
        stack.settlement.preview(report)


def test_signer_added_after_a_delay_and_revoked_at_once(stack, developer, stranger):
    fund(stack, developer, 100 * ONE)
    key = Account.from_key(b"\x77" * 32)
    with ape.reverts(stack.settlement.Settlement_NotOperator, caller=stranger.address):
        stack.settlement.addSigner(key.address, sender=stranger)
    with ape.reverts(stack.settlement.Settlement_ZeroAddress):
        stack.settlement.addSigner(ZERO, sender=stack.operator)
    receipt = stack.settlement.addSigner(key.address, sender=stack.operator)
    active_from = receipt.timestamp + SIGNER_DELAY
    event = receipt.events.filter(stack.settlement.SignerAdded)[0]
    assert (event.operator, event.signer, event.activeFrom) == (
        stack.operator.address,
        key.address,
        active_from,
    )
    assert stack.settlement.signerActiveFrom(stack.operator, key.address) == active_from
    assert not stack.settlement.isSigner(stack.operator, key.address)
    for existing in (key.address, stack.signer.address):  # pending and active
        with ape.reverts(
            stack.settlement.Settlement_SignerExists, operator=stack.operator.address, signer=existing
        ):
            stack.settlement.addSigner(existing, sender=stack.operator)
    # A pending signer's report is skipped.
    report = make_report(stack, developer, 20_000)
    receipt = stack.settlement.settle([signed(stack, report, key)], sender=stranger)
    assert skipped_reasons(stack, receipt) == [
        error_data(
            "Settlement_UnknownSigner(address,address,uint256)",
            ("address", "address", "uint256"),
            (stack.operator.address, key.address, active_from),
        )
    ]
    ape.chain.pending_timestamp = active_from
    ape.chain.mine()
    assert stack.settlement.isSigner(stack.operator, key.address)
    receipt = stack.settlement.settle([signed(stack, report, key)], sender=stranger)
    assert len(charges(stack, receipt)) == 1
    # Revoking is immediate.
    receipt = stack.settlement.revokeSigner(key.address, sender=stack.operator)
    event = receipt.events.filter(stack.settlement.SignerRevoked)[0]
    assert (event.operator, event.signer) == (stack.operator.address, key.address)
    assert not stack.settlement.isSigner(stack.operator, key.address)
    assert stack.settlement.signerActiveFrom(stack.operator, key.address) == 0
    receipt = stack.settlement.settle(
        [signed(stack, make_report(stack, developer, 30_000), key)], sender=stranger
    )
    assert skipped_reasons(stack, receipt) == [
        error_data(
            "Settlement_UnknownSigner(address,address,uint256)",
            ("address", "address", "uint256"),
            (stack.operator.address, key.address, 0),
        )
    ]
    with ape.reverts(
        stack.settlement.Settlement_UnknownSigner,
        operator=stack.operator.address,
        signer=key.address,
        activeFrom=0,
    ):
        stack.settlement.revokeSigner(key.address, sender=stack.operator)


# ------------------------------------------------------------------ settle


def test_settle_charges_the_slice_and_emits_the_invoice_line(stack, developer, stranger):
    fund(stack, developer, 1_000 * ONE)
    evidence = b"\xab" * 32
    report = make_report(stack, developer, 1_500_000, evidence=evidence)  # crosses into the third tier
    assert stack.settlement.preview(report) == (slice_charge_up(TIERED_CARD, 0, 1_500_000).amount, 0)
    assert stack.settlement.settle.call([signed(stack, report), signed(stack, report)], sender=stranger) == 1
    receipt = stack.settlement.settle([signed(stack, report)], sender=stranger)
    expected = slice_charge_up(TIERED_CARD, 0, 1_500_000)
    assert expected.amount == 2_970 * ONE + 500 * ONE
    event = receipt.events.filter(stack.settlement.UsageCharged)[0]
    assert (event.account, event.operator, bytes(event.resource)) == (
        developer.address,
        stack.operator.address,
        TIERED_ID,
    )
    record = charges(stack, receipt)[0]
    assert record.period == report[3]
    assert (record.previousCumulative, record.cumulative) == (0, 1_500_000)
    assert record.slices == (10_000, 990_000, 500_000) == expected.slices[:3]
    assert (record.amount, record.usdAmount, record.usdPerSynor) == (expected.amount, 0, 0)
    assert record.collected == 1_000 * ONE  # the balance ran out
    assert record.evidenceRoot == evidence
    assert stack.settlement.chargedCumulative(developer, stack.operator, TIERED_ID, report[3]) == 1_500_000
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (expected.amount - 1_000 * ONE, 0)
    assert splits(stack, receipt) == [seventy_twenty_ten(stack.operator.address, 1_000 * ONE)]


def test_usd_card_converted_at_the_oracle_price(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    stack.oracle.setPrice(3 * ONE, sender=stack.admin)  # 3 USD per SYNOR
    report = make_report(stack, developer, 5, USD_ID)  # 10 USD
    assert stack.settlement.preview(report) == (10 * ONE, 1)
    record = charges(stack, settle(stack, report))[0]
    assert (record.usdAmount, record.usdPerSynor) == (10 * ONE, 3 * ONE)
    assert record.amount == record.collected == (10 * ONE * ONE + 3 * ONE - 1) // (3 * ONE)  # rounded up
    assert record.slices == (5,)


def test_stale_price_makes_usd_debt(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    stack.oracle.setPrice(0, sender=stack.admin)
    record = charges(stack, settle(stack, make_report(stack, developer, 5, USD_ID)))[0]
    assert (record.amount, record.usdAmount, record.usdPerSynor, record.collected) == (0, 10 * ONE, 0, 0)
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (0, 10 * ONE)
    assert stack.escrow.balanceOf(developer) == 1_000 * ONE


def test_many_small_reports_cost_what_one_big_report_costs(stack, developer, sponsor):
    fund(stack, developer, 10_000 * ONE)
    fund(stack, sponsor, 10_000 * ONE)
    steps = [1, 9_999, 10_001, 10_500, 333_333, 999_999, 1_000_001, 1_234_567]
    total = 0
    for cumulative in steps:
        total += charges(stack, settle(stack, make_report(stack, developer, cumulative)))[0].amount
    one = charges(stack, settle(stack, make_report(stack, sponsor, steps[-1])))[0].amount
    assert total == one == slice_charge_up(TIERED_CARD, 0, steps[-1]).amount


def test_replayed_duplicate_and_lower_reports_charge_nothing(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    report = make_report(stack, developer, 20_000)
    first = settle(stack, report)
    amount = charges(stack, first)[0].amount
    balance = stack.escrow.balanceOf(developer)
    not_above = error_data(
        "Settlement_NotAboveCharged(uint256,uint256)", ("uint256", "uint256"), (20_000, 20_000)
    )
    replay = settle(stack, report)
    assert charges(stack, replay) == [] and skipped_reasons(stack, replay) == [not_above]
    lower = settle(stack, make_report(stack, developer, 15_000))
    assert skipped_reasons(stack, lower) == [
        error_data("Settlement_NotAboveCharged(uint256,uint256)", ("uint256", "uint256"), (20_000, 15_000))
    ]
    # Duplicated and reordered in one call: only the highest new figure charges once.
    receipt = settle(
        stack,
        make_report(stack, developer, 30_000),
        make_report(stack, developer, 30_000),
        make_report(stack, developer, 25_000),
    )
    assert [c.amount for c in charges(stack, receipt)] == [
        slice_charge_up(TIERED_CARD, 20_000, 30_000).amount
    ]
    assert len(skipped_reasons(stack, receipt)) == 2
    assert stack.escrow.balanceOf(developer) == balance - 30 * ONE
    assert amount == 30 * ONE
    with ape.reverts(stack.settlement.Settlement_NotAboveCharged, charged=30_000, reported=30_000):
        stack.settlement.preview(make_report(stack, developer, 30_000))


def test_one_payout_per_operator_per_call(stack, accounts, developer, sponsor):
    fund(stack, developer, 1_000 * ONE)
    other, key = second_operator(stack, accounts)
    stack.escrow.allow(other, MAX_UINT256, sender=developer)
    a1 = make_report(stack, developer, 20_000)  # 30
    a2 = make_report(stack, developer, 2, USD_ID)  # 4 USD = 8 SYNOR
    b1 = make_report(stack, developer, 11_000, operator=other)  # 3
    receipt = stack.settlement.settle(
        [signed(stack, a1), signed(stack, b1, key), signed(stack, a2)], sender=sponsor
    )
    assert len(charges(stack, receipt)) == 3
    assert splits(stack, receipt) == [
        seventy_twenty_ten(stack.operator.address, 38 * ONE),
        seventy_twenty_ten(other.address, 3 * ONE),
    ]
    # Zero amounts are not paid out: a free-tier report charges but splits nothing.
    fund(stack, sponsor, 0)
    receipt = settle(stack, make_report(stack, sponsor, 5_000))
    assert [c.amount for c in charges(stack, receipt)] == [0]
    assert splits(stack, receipt) == []


def test_settle_rejects_an_empty_list(stack):
    with ape.reverts(stack.settlement.Settlement_EmptyBatch):
        stack.settlement.settle([], sender=stack.admin)


def test_reports_skipped_for_each_reason(stack, developer, sponsor):
    fund(stack, developer, 1_000 * ONE)
    stack.book.setRateCard(b"\x03" * 32, 10, RateCard.flat(1, UNBOUNDED).as_tuple(), sender=stack.admin)
    current = stack.settlement.currentPeriod()
    closed = current - 2  # closesAt(current - 2) = end of period current - 1 + window: past
    cases = [
        (
            make_report(stack, developer, 1, period=current + 1),
            "Settlement_PeriodNotStarted(uint64)",
            ("uint64",),
            (current + 1,),
        ),
        (
            make_report(stack, developer, 1, period=closed),
            "Settlement_PeriodClosed(uint64,uint256)",
            ("uint64", "uint256"),
            (closed, stack.settlement.closesAt(closed)),
        ),
        (
            make_report(stack, developer, LIMIT),
            "Settlement_QuantityTooLarge(uint256)",
            ("uint256",),
            (LIMIT,),
        ),
        (
            make_report(stack, developer, 2, b"\x03" * 32),
            "Settlement_ChargeTooLarge(uint256)",
            ("uint256",),
            (2 * UNBOUNDED,),
        ),
        (
            make_report(stack, sponsor, 1),
            "Settlement_NotAllowed(address,address,uint64)",
            ("address", "address", "uint64"),
            (sponsor.address, stack.operator.address, current),
        ),
        (
            make_report(stack, developer, 1, b"\x99" * 32),
            "PriceBook_UnknownResource(bytes32,uint64)",
            ("bytes32", "uint64"),
            (b"\x99" * 32, current),
        ),
    ]
    good = make_report(stack, developer, 20_000)
    receipt = settle(stack, *(case[0] for case in cases), good)
    expected = [error_data(sig, types, values) for _, sig, types, values in cases]
    events = receipt.events.filter(stack.settlement.ReportSkipped)
    # A consent refusal is known when its (account, operator, period) group is charged, so skips come in
    # report order except that one; each names its report's index.
    by_index = {int(e.index): bytes(e.reason) for e in events}
    assert [by_index[i] for i in range(len(cases))] == expected
    assert sorted(by_index) == list(range(len(cases)))
    assert (events[0].account, events[0].operator) == (developer.address, stack.operator.address)
    assert [c.cumulative for c in charges(stack, receipt)] == [20_000]
    # preview reverts with the same errors.
    for report, sig, types, values in cases:
        data = stack.settlement.preview.encode_input(report)
        assert revert_data(developer, data, stack.settlement) == error_data(sig, types, values), sig


def test_usd_charge_too_large_after_conversion(stack, developer):
    fund(stack, developer, ONE)
    stack.oracle.setPrice(1, sender=stack.admin)  # 1e-18 USD per SYNOR
    receipt = settle(stack, make_report(stack, developer, 2**64, USD_ID))  # 2^65 USD
    amount = 2 * ONE * 2**64 * ONE
    assert skipped_reasons(stack, receipt) == [
        error_data("Settlement_ChargeTooLarge(uint256)", ("uint256",), (amount,))
    ]


def test_forged_and_foreign_signatures_are_refused(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    report = make_report(stack, developer, 20_000)
    stranger_key = Account.from_key(b"\x13" * 32)
    invalid = error_data("Settlement_InvalidSignature(address)", ("address",), (stack.signer.address,))
    forged = (report, stack.signer.address, sign_report(stack, report, stranger_key))
    other_chain = (
        report,
        stack.signer.address,
        sign_typed_report(stack, report, chain_id=ape.chain.chain_id + 1),
    )
    other_contract = (
        report,
        stack.signer.address,
        sign_typed_report(stack, report, contract=stack.escrow.address),
    )
    tampered = ((*report[:4], 40_000, report[5]), stack.signer.address, sign_report(stack, report))
    receipt = stack.settlement.settle([forged, other_chain, other_contract, tampered], sender=developer)
    assert skipped_reasons(stack, receipt) == [invalid] * 4
    assert charges(stack, receipt) == []
    # The documented EIP-712 message, signed by any library, is what the contract checks.
    good = (report, stack.signer.address, sign_typed_report(stack, report))
    assert good[2] == sign_report(stack, report)
    assert len(charges(stack, stack.settlement.settle([good], sender=developer))) == 1


def test_contract_wallet_signer_through_erc1271(project, stack, developer, deployer):
    fund(stack, developer, 1_000 * ONE)
    owner = Account.from_key(b"\x21" * 32)
    wallet = project.ERC1271Wallet.deploy(owner.address, sender=deployer)
    stack.settlement.addSigner(wallet, sender=stack.operator)
    ape.chain.pending_timestamp = int(ape.chain.pending_timestamp) + SIGNER_DELAY
    ape.chain.mine()
    report = make_report(stack, developer, 20_000)
    good = (report, wallet.address, sign_report(stack, report, owner))
    bad = (make_report(stack, developer, 30_000), wallet.address, sign_report(stack, report, stack.signer))
    receipt = stack.settlement.settle([good, bad], sender=developer)
    assert [c.cumulative for c in charges(stack, receipt)] == [20_000]
    assert skipped_reasons(stack, receipt) == [
        error_data("Settlement_InvalidSignature(address)", ("address",), (wallet.address,))
    ]
    # And a whole batch under one wallet signature.
    batch = [make_report(stack, developer, 40_000)]
    digest = bytes(stack.settlement.hashBatch(stack.operator, batch))
    signature = bytes(owner.unsafe_sign_hash(digest).signature)
    receipt = stack.settlement.settleBatch(stack.operator, batch, wallet, signature, sender=developer)
    assert [c.cumulative for c in charges(stack, receipt)] == [40_000]


def test_rate_card_of_the_usage_period_applies(stack, developer):
    fund(stack, developer, 10_000 * ONE)
    current = stack.settlement.currentPeriod()
    stack.book.setRateCard(
        TIERED_ID, current + 1, RateCard.flat(1_000, 7 * ONE).as_tuple(), sender=stack.admin
    )
    next_period(stack)
    old = charges(stack, settle(stack, make_report(stack, developer, 20_000, period=current)))[0]
    new = charges(stack, settle(stack, make_report(stack, developer, 20_000)))[0]
    assert (old.amount, new.amount) == (30 * ONE, 140 * ONE)


# ------------------------------------------------------------------ settleBatch


def test_settle_batch_with_one_signature(stack, accounts, developer, sponsor, stranger):
    fund(stack, developer, 1_000 * ONE)
    other, _ = second_operator(stack, accounts)
    reports = [
        make_report(stack, developer, 20_000),
        make_report(stack, developer, 20_000, operator=other),  # another operator: skipped
        make_report(stack, developer, 2, USD_ID),
        make_report(stack, developer, 20_000),  # duplicate: skipped
    ]
    operator = stack.operator.address
    digest = bytes(stack.settlement.hashBatch(operator, reports))
    signature = sign_typed_batch(stack, operator, reports)
    assert signature == bytes(stack.signer.unsafe_sign_hash(digest).signature)
    assert (
        stack.settlement.settleBatch.call(operator, reports, stack.signer.address, signature, sender=stranger)
        == 2
    )
    receipt = stack.settlement.settleBatch(
        operator, reports, stack.signer.address, signature, sender=stranger
    )
    assert [c.amount for c in charges(stack, receipt)] == [30 * ONE, 8 * ONE]
    assert skipped_reasons(stack, receipt) == [
        error_data(
            "Settlement_OperatorMismatch(address,address)", ("address", "address"), (other.address, operator)
        ),
        error_data("Settlement_NotAboveCharged(uint256,uint256)", ("uint256", "uint256"), (20_000, 20_000)),
    ]
    assert [e.index for e in receipt.events.filter(stack.settlement.ReportSkipped)] == [1, 3]
    assert splits(stack, receipt) == [seventy_twenty_ten(operator, 38 * ONE)]


def test_settle_batch_reverts_on_bad_signature_signer_or_operator(stack, accounts, developer, stranger):
    fund(stack, developer, 1_000 * ONE)
    operator = stack.operator.address
    reports = [make_report(stack, developer, 20_000)]
    good = sign_typed_batch(stack, operator, reports)
    s = stack.settlement
    with ape.reverts(s.Settlement_EmptyBatch):
        s.settleBatch(operator, [], stack.signer.address, good, sender=stranger)
    for wrong in (
        sign_typed_batch(stack, operator, reports, chain_id=ape.chain.chain_id + 1),
        sign_typed_batch(stack, operator, reports, contract=stack.escrow.address),
        sign_typed_batch(stack, operator, [make_report(stack, developer, 10**9)]),
    ):
        with ape.reverts(s.Settlement_InvalidSignature, signer=stack.signer.address):
            s.settleBatch(operator, reports, stack.signer.address, wrong, sender=stranger)
    with ape.reverts(s.Settlement_UnknownSigner, operator=operator, signer=stranger.address, activeFrom=0):
        s.settleBatch(operator, reports, stranger.address, good, sender=stranger)
    unknown = accounts.generate_test_account().address
    with ape.reverts(s.Settlement_UnknownOperator, operator=unknown):
        s.settleBatch(unknown, reports, stack.signer.address, good, sender=stranger)
    assert (
        len(charges(stack, s.settleBatch(operator, reports, stack.signer.address, good, sender=stranger)))
        == 1
    )


def test_settlement_paused_escrow_reverts_the_batch(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    stack.escrow.pause(sender=stack.guardian)
    reports = [make_report(stack, developer, 20_000)]
    signature = sign_typed_batch(stack, stack.operator.address, reports)
    with ape.reverts(stack.escrow.EnforcedPause):
        stack.settlement.settleBatch(
            stack.operator, reports, stack.signer.address, signature, sender=developer
        )


def test_preview_returns_the_amount_and_currency(stack, developer):
    fund(stack, developer, 0)
    assert stack.settlement.preview(make_report(stack, developer, 1_500_000)) == (
        slice_charge_up(TIERED_CARD, 0, 1_500_000).amount,
        0,
    )
    assert stack.settlement.preview(make_report(stack, developer, 7, USD_ID)) == (14 * ONE, 1)

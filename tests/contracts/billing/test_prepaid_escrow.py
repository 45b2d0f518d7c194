"""PrepaidEscrow: deposits (permit too), consent and ceilings, debt and its collection, thawing
withdrawals, the guardian pause, settlement-only charging and the constructor's checks."""

from __future__ import annotations

from typing import Any

import ape
import pytest
from ape.exceptions import ContractLogicError
from eth_utils.crypto import keccak

from synor.permit import PermitDomain, sign_permit
from synor.pricing.rating import MAX_UINT256, slice_charge_up
from tests.contracts.billing.conftest import (
    ONE,
    PERIOD,
    TIERED_CARD,
    USD_ID,
    USD_PER_SYNOR,
    UsageStack,
    charges,
    error_data,
    fund,
    make_report,
    signed,
)

ZERO = ape.utils.ZERO_ADDRESS
UINT96_MAX = 2**96 - 1


@pytest.fixture
def stack(usage_stack: UsageStack) -> UsageStack:
    return usage_stack


def settle(stack: UsageStack, *reports: tuple[Any, ...], sender: Any = None) -> Any:
    return stack.settlement.settle([signed(stack, r) for r in reports], sender=sender or stack.admin)


def next_period(stack: UsageStack) -> None:
    """Moves the next block to the start of the next period."""
    ape.chain.pending_timestamp = stack.book.genesis() + (stack.settlement.currentPeriod() + 1) * PERIOD
    ape.chain.mine()


def tiered_amount(cumulative: int, previous: int = 0) -> int:
    return slice_charge_up(TIERED_CARD, previous, cumulative).amount


def service_splits(stack: UsageStack, receipt: Any) -> list[tuple[str, int, int, int, int]]:
    return [
        (e.operator, e.amount, e.operators, e.treasury, e.burn)
        for e in receipt.events.filter(stack.splitter.ServiceRevenueSplit)
    ]


# ------------------------------------------------------------------ deployment


def test_constructor_records_wiring_and_roles(stack):
    escrow = stack.escrow
    assert escrow.synor() == stack.synor.address
    assert escrow.splitter() == stack.splitter.address
    assert escrow.oracle() == stack.oracle.address
    assert escrow.settlement() == stack.settlement.address
    assert escrow.GUARDIAN_ROLE() == keccak(text="GUARDIAN_ROLE")
    assert escrow.hasRole(escrow.GUARDIAN_ROLE(), stack.guardian)
    assert not escrow.hasRole(escrow.GUARDIAN_ROLE(), stack.admin)
    assert escrow.owner() == stack.admin.address
    assert stack.synor.allowance(escrow, stack.splitter) == MAX_UINT256


@pytest.mark.parametrize("bad", [0, 1, 3, 4])
def test_constructor_rejects_zero_addresses(project, accounts, stack, bad):
    args = [stack.synor, stack.splitter, stack.oracle, stack.book, stack.settlement, 3600, stack.admin, ZERO]
    args[bad] = ZERO
    deployer = accounts.generate_test_account()
    stack.admin.transfer(deployer, 10**18)
    with pytest.raises(ContractLogicError) as info:
        project.PrepaidEscrow.deploy(*args, sender=deployer)
    assert info.value.revert_message == "0x" + error_data("Escrow_ZeroAddress()").hex()


def test_constructor_without_oracle_or_guardian(project, stack):
    escrow = project.PrepaidEscrow.deploy(
        stack.synor,
        stack.splitter,
        ZERO,
        stack.book,
        stack.settlement,
        3600,
        stack.admin,
        ZERO,
        sender=stack.admin,
    )
    assert escrow.oracle() == ZERO
    assert not escrow.hasRole(escrow.GUARDIAN_ROLE(), ZERO)


# ------------------------------------------------------------------ deposits


def test_anyone_deposits_for_anyone(stack, sponsor, stranger):
    stack.synor.approve(stack.escrow, 5 * ONE, sender=sponsor)
    receipt = stack.escrow.deposit(stranger, 5 * ONE, sender=sponsor)
    assert stack.escrow.balanceOf(stranger) == 5 * ONE
    assert stack.escrow.balanceOf(sponsor) == 0
    assert stack.synor.balanceOf(stack.escrow) == 5 * ONE
    event = receipt.events.filter(stack.escrow.Deposited)[0]
    assert (event.account, event.amount) == (stranger.address, 5 * ONE)
    assert event["from"] == sponsor.address


def test_deposit_rejects_zero_account_and_amount(stack, sponsor):
    stack.synor.approve(stack.escrow, ONE, sender=sponsor)
    with ape.reverts(stack.escrow.Escrow_ZeroAddress):
        stack.escrow.deposit(ZERO, ONE, sender=sponsor)
    with ape.reverts(stack.escrow.Escrow_ZeroAmount):
        stack.escrow.deposit(sponsor, 0, sender=sponsor)


def test_deposit_credits_what_arrived_from_a_fee_on_transfer_token(project, stack, deployer, sponsor):
    token = project.FeeOnTransferToken.deploy(sender=deployer)
    escrow = project.PrepaidEscrow.deploy(
        token, stack.splitter, ZERO, stack.book, stack.settlement, 3600, deployer, ZERO, sender=deployer
    )
    token.mint(sponsor, 1_000, sender=deployer)
    token.approve(escrow, 1_000, sender=sponsor)
    receipt = escrow.deposit(sponsor, 1_000, sender=sponsor)
    assert escrow.balanceOf(sponsor) == 990 == token.balanceOf(escrow)
    assert receipt.events.filter(escrow.Deposited)[0].amount == 990


def _permit(stack: UsageStack, owner: Any, value: int, deadline: int) -> tuple[int, bytes, bytes]:
    token = stack.synor
    domain = PermitDomain(token.name(), "1", ape.chain.chain_manager.chain_id, token.address)
    nonce = token.nonces(owner)
    return sign_permit(owner.private_key, domain, owner.address, stack.escrow.address, value, nonce, deadline)


def test_deposit_with_permit_in_one_transaction(stack, sponsor, stranger):
    deadline = ape.chain.pending_timestamp + 3600
    v, r, s = _permit(stack, sponsor, 3 * ONE, deadline)
    nonce = stack.synor.nonces(sponsor)
    receipt = stack.escrow.depositWithPermit(stranger, 3 * ONE, deadline, v, r, s, sender=sponsor)
    assert stack.escrow.balanceOf(stranger) == 3 * ONE
    assert stack.synor.nonces(sponsor) == nonce + 1
    assert stack.synor.allowance(sponsor, stack.escrow) == 0
    assert receipt.events.filter(stack.escrow.Deposited)[0]["from"] == sponsor.address


def test_front_run_permit_is_tolerated(stack, sponsor, stranger):
    deadline = ape.chain.pending_timestamp + 3600
    v, r, s = _permit(stack, sponsor, 3 * ONE, deadline)
    stack.synor.permit(sponsor, stack.escrow, 3 * ONE, deadline, v, r, s, sender=stranger)
    stack.escrow.depositWithPermit(sponsor, 3 * ONE, deadline, v, r, s, sender=sponsor)
    assert stack.escrow.balanceOf(sponsor) == 3 * ONE


def test_bad_permit_without_allowance_reverts(stack, sponsor):
    deadline = ape.chain.pending_timestamp + 3600
    v, r, s = _permit(stack, sponsor, ONE, deadline)  # signed for less than asked
    with ape.reverts(stack.synor.ERC20InsufficientAllowance):
        stack.escrow.depositWithPermit(sponsor, 2 * ONE, deadline, v, r, s, sender=sponsor)
    assert stack.escrow.balanceOf(sponsor) == 0


# ------------------------------------------------------------------ consent


def test_allow_records_consent_and_ceiling(stack, developer):
    period = stack.settlement.currentPeriod()
    receipt = stack.escrow.allow(stack.operator, 7 * ONE, sender=developer)
    event = receipt.events.filter(stack.escrow.OperatorAllowed)[0]
    assert (event.account, event.operator, event.ceiling) == (
        developer.address,
        stack.operator.address,
        7 * ONE,
    )
    consent = stack.escrow.consent(developer, stack.operator)
    assert (consent.ceiling, consent.spent, consent.untilPeriod) == (7 * ONE, 0, 2**32 - 1)
    assert stack.escrow.isAllowed(developer, stack.operator, period)
    assert stack.escrow.isAllowed(developer, stack.operator, period + 1000)
    assert stack.escrow.headroom(developer, stack.operator) == 7 * ONE


def test_denied_by_default(stack, developer):
    assert not stack.escrow.isAllowed(developer, stack.operator, stack.settlement.currentPeriod())
    assert stack.escrow.headroom(developer, stack.operator) == 0


def test_max_uint256_ceiling_means_none(stack, developer):
    receipt = stack.escrow.allow(stack.operator, MAX_UINT256, sender=developer)
    assert receipt.events.filter(stack.escrow.OperatorAllowed)[0].ceiling == MAX_UINT256
    assert stack.escrow.consent(developer, stack.operator).ceiling == UINT96_MAX
    assert stack.escrow.headroom(developer, stack.operator) == MAX_UINT256


def test_allow_rejects_too_large_zero_ceiling_and_zero_operator(stack, developer):
    for ceiling in (UINT96_MAX, UINT96_MAX + 1, MAX_UINT256 - 1):
        with ape.reverts(stack.escrow.Escrow_CeilingTooLarge, ceiling=ceiling):
            stack.escrow.allow(stack.operator, ceiling, sender=developer)
    with ape.reverts(stack.escrow.Escrow_ZeroAmount):
        stack.escrow.allow(stack.operator, 0, sender=developer)
    with ape.reverts(stack.escrow.Escrow_ZeroAddress):
        stack.escrow.allow(ZERO, ONE, sender=developer)
    stack.escrow.allow(stack.operator, UINT96_MAX - 1, sender=developer)  # the largest real ceiling
    assert stack.escrow.headroom(developer, stack.operator) == UINT96_MAX - 1


def test_no_operator_charges_an_account_that_never_allowed_it(stack, developer):
    stack.synor.approve(stack.escrow, 100 * ONE, sender=developer)
    stack.escrow.deposit(developer, 100 * ONE, sender=developer)
    report = make_report(stack, developer, 50_000)
    receipt = settle(stack, report)
    assert charges(stack, receipt) == []
    period = report[3]
    reason = receipt.events.filter(stack.settlement.ReportSkipped)[0].reason
    assert bytes(reason) == error_data(
        "Settlement_NotAllowed(address,address,uint64)",
        ("address", "address", "uint64"),
        (developer.address, stack.operator.address, period),
    )
    assert stack.escrow.balanceOf(developer) == 100 * ONE
    assert stack.settlement.chargedCumulative(developer, stack.operator, report[2], period) == 0


def test_revoke_keeps_the_current_period_chargeable_but_not_the_next(stack, developer):
    fund(stack, developer, 1_000 * ONE)
    period = stack.settlement.currentPeriod()
    receipt = stack.escrow.revoke(stack.operator, sender=developer)
    event = receipt.events.filter(stack.escrow.OperatorRevoked)[0]
    assert (event.account, event.operator, event.lastPeriod) == (
        developer.address,
        stack.operator.address,
        period,
    )
    assert stack.escrow.consent(developer, stack.operator).untilPeriod == period
    assert stack.escrow.isAllowed(developer, stack.operator, period)
    assert not stack.escrow.isAllowed(developer, stack.operator, period + 1)
    with ape.reverts(
        stack.escrow.Escrow_NotAllowed, account=developer.address, operator=stack.operator.address
    ):
        stack.escrow.revoke(stack.operator, sender=developer)
    next_period(stack)
    # Usage of the revoked period still charges (within its window); the new period's does not.
    receipt = settle(
        stack, make_report(stack, developer, 20_000, period=period), make_report(stack, developer, 20_000)
    )
    assert [c.amount for c in charges(stack, receipt)] == [tiered_amount(20_000)]
    assert len(receipt.events.filter(stack.settlement.ReportSkipped)) == 1
    # Allowing again reopens it.
    stack.escrow.allow(stack.operator, MAX_UINT256, sender=developer)
    assert stack.escrow.isAllowed(developer, stack.operator, period + 5)


def test_revoke_of_an_operator_never_allowed_reverts(stack, developer):
    with ape.reverts(
        stack.escrow.Escrow_NotAllowed, account=developer.address, operator=stack.operator.address
    ):
        stack.escrow.revoke(stack.operator, sender=developer)


def test_ceiling_limits_each_period_and_resets_in_the_next(stack, developer):
    fund(stack, developer, 1_000 * ONE, ceiling=20 * ONE)
    receipt = settle(stack, make_report(stack, developer, 20_000))  # 10 units at 3 SYNOR = 30 SYNOR
    record = charges(stack, receipt)[0]
    assert (record.amount, record.collected) == (30 * ONE, 20 * ONE)
    assert stack.escrow.headroom(developer, stack.operator) == 0
    debt = stack.escrow.debtOf(developer, stack.operator)
    assert (debt.synor, debt.usd) == (10 * ONE, 0)
    consent = stack.escrow.consent(developer, stack.operator)
    assert (consent.spent, consent.spentPeriod) == (20 * ONE, stack.settlement.currentPeriod())
    with ape.reverts(stack.escrow.Escrow_NothingToCollect):
        stack.escrow.collectDebt(developer, stack.operator, sender=developer)
    next_period(stack)
    assert stack.escrow.headroom(developer, stack.operator) == 20 * ONE
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=developer)
    assert receipt.events.filter(stack.escrow.DebtCollected)[0].amount == 10 * ONE
    assert stack.escrow.headroom(developer, stack.operator) == 10 * ONE
    assert stack.escrow.balanceOf(developer) == 970 * ONE


# ------------------------------------------------------------------ debt


def test_short_balance_becomes_debt_collected_later_by_anyone(stack, developer, sponsor, stranger):
    fund(stack, developer, 12 * ONE)
    receipt = settle(stack, make_report(stack, developer, 20_000))  # 30 SYNOR owed
    record = charges(stack, receipt)[0]
    assert (record.amount, record.collected) == (30 * ONE, 12 * ONE)
    assert stack.escrow.balanceOf(developer) == 0
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (18 * ONE, 0)
    assert tuple(stack.escrow.totalDebtOf(developer)) == (18 * ONE, 0)
    with ape.reverts(
        stack.escrow.Escrow_NothingToCollect, account=developer.address, operator=stack.operator.address
    ):
        stack.escrow.collectDebt(developer, stack.operator, sender=stranger)
    # Funds arrive after the period's window closed: the debt is still collected, by anyone.
    ape.chain.pending_timestamp = stack.settlement.closesAt(record.period) + 1
    stack.synor.approve(stack.escrow, 100 * ONE, sender=sponsor)
    stack.escrow.deposit(developer, 100 * ONE, sender=sponsor)
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=stranger)
    event = receipt.events.filter(stack.escrow.DebtCollected)[0]
    assert (event.amount, event.fromUsd, event.usdSettled, event.usdPerSynor) == (18 * ONE, 0, 0, 0)
    assert service_splits(stack, receipt) == [
        (stack.operator.address, 18 * ONE, 18 * ONE * 7 // 10, 18 * ONE * 2 // 10, 18 * ONE // 10)
    ]
    assert stack.escrow.balanceOf(developer) == 82 * ONE
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (0, 0)
    assert tuple(stack.escrow.totalDebtOf(developer)) == (0, 0)
    with ape.reverts(stack.escrow.Escrow_NothingToCollect):
        stack.escrow.collectDebt(developer, stack.operator, sender=stranger)


def test_no_price_becomes_usd_debt_collected_synor_first_then_usd(stack, developer, sponsor):
    fund(stack, developer, 10 * ONE)
    stack.oracle.setPrice(0, sender=stack.admin)  # stale: price() reverts
    receipt = settle(stack, make_report(stack, developer, 20_000), make_report(stack, developer, 3, USD_ID))
    synor_record, usd_record = charges(stack, receipt)
    assert (synor_record.amount, synor_record.collected) == (30 * ONE, 10 * ONE)
    assert (usd_record.amount, usd_record.usdAmount, usd_record.usdPerSynor, usd_record.collected) == (
        0,
        6 * ONE,
        0,
        0,
    )
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (20 * ONE, 6 * ONE)
    stack.synor.approve(stack.escrow, 25 * ONE, sender=sponsor)
    stack.escrow.deposit(developer, 25 * ONE, sender=sponsor)
    # Without a price only the SYNOR debt is collected.
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=sponsor)
    event = receipt.events.filter(stack.escrow.DebtCollected)[0]
    assert (event.amount, event.fromUsd, event.usdSettled, event.usdPerSynor) == (20 * ONE, 0, 0, 0)
    with ape.reverts(stack.escrow.Escrow_NothingToCollect):  # only USD debt left, no price
        stack.escrow.collectDebt(developer, stack.operator, sender=sponsor)
    # With a price (0.50 USD per SYNOR) the 6 USD cost 12 SYNOR; 5 are there: 2.5 USD settled.
    stack.oracle.setPrice(USD_PER_SYNOR, sender=stack.admin)
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=sponsor)
    event = receipt.events.filter(stack.escrow.DebtCollected)[0]
    assert (event.amount, event.fromUsd, event.usdSettled, event.usdPerSynor) == (
        5 * ONE,
        5 * ONE,
        5 * ONE // 2,
        USD_PER_SYNOR,
    )
    assert tuple(stack.escrow.debtOf(developer, stack.operator)) == (0, 7 * ONE // 2)
    stack.synor.approve(stack.escrow, 100 * ONE, sender=sponsor)
    stack.escrow.deposit(developer, 100 * ONE, sender=sponsor)
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=sponsor)
    event = receipt.events.filter(stack.escrow.DebtCollected)[0]
    assert (event.amount, event.fromUsd, event.usdSettled) == (7 * ONE, 7 * ONE, 7 * ONE // 2)
    assert tuple(stack.escrow.totalDebtOf(developer)) == (0, 0)


def test_synor_and_usd_debt_collected_together(stack, developer, sponsor):
    fund(stack, developer, 0)
    stack.oracle.setPrice(0, sender=stack.admin)
    settle(stack, make_report(stack, developer, 20_000), make_report(stack, developer, 3, USD_ID))
    stack.oracle.setPrice(USD_PER_SYNOR, sender=stack.admin)
    stack.synor.approve(stack.escrow, 100 * ONE, sender=sponsor)
    stack.escrow.deposit(developer, 100 * ONE, sender=sponsor)
    receipt = stack.escrow.collectDebt(developer, stack.operator, sender=sponsor)
    event = receipt.events.filter(stack.escrow.DebtCollected)[0]
    assert (event.amount, event.fromUsd, event.usdSettled, event.usdPerSynor) == (
        42 * ONE,
        12 * ONE,
        6 * ONE,
        USD_PER_SYNOR,
    )
    assert stack.escrow.balanceOf(developer) == 58 * ONE


# ------------------------------------------------------------------ withdrawals


def test_withdrawal_thaws_until_the_period_closes(stack, developer, stranger):
    fund(stack, developer, 100 * ONE)
    period = stack.settlement.currentPeriod()
    unlocks = stack.settlement.closesAt(period)
    with ape.reverts(stack.escrow.Escrow_NoWithdrawalRequested, account=developer.address):
        stack.escrow.withdraw(developer, sender=developer)
    receipt = stack.escrow.requestWithdrawal(sender=developer)
    event = receipt.events.filter(stack.escrow.WithdrawalRequested)[0]
    assert (event.account, event.period, event.unlocksAt) == (developer.address, period, unlocks)
    assert stack.escrow.withdrawalUnlocksAt(developer) == unlocks
    with ape.reverts(stack.escrow.Escrow_WithdrawalPending, account=developer.address):
        stack.escrow.requestWithdrawal(sender=developer)
    with ape.reverts(stack.escrow.Escrow_WithdrawalLocked, account=developer.address, unlocksAt=unlocks):
        stack.escrow.withdraw(developer, sender=developer)
    # Still chargeable while thawing, even in the next period for the requested one.
    next_period(stack)
    settle(stack, make_report(stack, developer, 20_000, period=period))  # 30 SYNOR
    ape.chain.pending_timestamp = unlocks - 2
    ape.chain.mine()
    with ape.reverts(stack.escrow.Escrow_WithdrawalLocked):
        stack.escrow.withdraw(developer, sender=developer)
    ape.chain.pending_timestamp = unlocks
    with ape.reverts(stack.escrow.Escrow_ZeroAddress):
        stack.escrow.withdraw(ZERO, sender=developer)
    before = stack.synor.balanceOf(stranger)
    receipt = stack.escrow.withdraw(stranger, sender=developer)
    event = receipt.events.filter(stack.escrow.Withdrawn)[0]
    assert (event.account, event.to, event.amount) == (developer.address, stranger.address, 70 * ONE)
    assert stack.synor.balanceOf(stranger) - before == 70 * ONE
    assert stack.escrow.balanceOf(developer) == 0
    assert stack.escrow.withdrawalUnlocksAt(developer) == 0
    with ape.reverts(stack.escrow.Escrow_NoWithdrawalRequested):
        stack.escrow.withdraw(developer, sender=developer)


def test_cancel_withdrawal(stack, developer):
    with ape.reverts(stack.escrow.Escrow_NoWithdrawalRequested, account=developer.address):
        stack.escrow.cancelWithdrawal(sender=developer)
    stack.escrow.requestWithdrawal(sender=developer)
    receipt = stack.escrow.cancelWithdrawal(sender=developer)
    assert receipt.events.filter(stack.escrow.WithdrawalCancelled)[0].account == developer.address
    assert stack.escrow.withdrawalUnlocksAt(developer) == 0
    stack.escrow.requestWithdrawal(sender=developer)  # may ask again


def test_withdraw_keeps_synor_and_usd_debt_at_the_price(stack, developer, sponsor):
    fund(stack, developer, 10 * ONE)
    stack.oracle.setPrice(0, sender=stack.admin)
    settle(stack, make_report(stack, developer, 20_000), make_report(stack, developer, 3, USD_ID))
    # Debt: 20 SYNOR and 6 USD (12 SYNOR at 0.50).
    stack.synor.approve(stack.escrow, 100 * ONE, sender=sponsor)
    stack.escrow.deposit(developer, 100 * ONE, sender=sponsor)
    stack.escrow.requestWithdrawal(sender=developer)
    ape.chain.pending_timestamp = stack.escrow.withdrawalUnlocksAt(developer)
    ape.chain.mine()
    # No price: the USD debt cannot be valued, so the withdrawal waits for one.
    with ape.reverts(stack.oracle.SettablePriceOracle_NoPrice):
        stack.escrow.withdraw(developer, sender=developer)
    stack.oracle.setPrice(USD_PER_SYNOR, sender=stack.admin)
    receipt = stack.escrow.withdraw(developer, sender=developer)
    assert receipt.events.filter(stack.escrow.Withdrawn)[0].amount == 68 * ONE
    assert stack.escrow.balanceOf(developer) == 32 * ONE
    assert tuple(stack.escrow.totalDebtOf(developer)) == (20 * ONE, 6 * ONE)
    stack.escrow.requestWithdrawal(sender=developer)
    ape.chain.pending_timestamp = stack.escrow.withdrawalUnlocksAt(developer)
    with ape.reverts(stack.escrow.Escrow_NothingToWithdraw, account=developer.address):
        stack.escrow.withdraw(developer, sender=developer)


# ------------------------------------------------------------------ pause and settlement-only


def test_pause_by_guardian_only_unpause_by_admin_only(stack, developer, stranger):
    for who in (stranger, stack.admin):
        with ape.reverts(stack.escrow.AccessControlUnauthorizedAccount):
            stack.escrow.pause(sender=who)
    stack.escrow.pause(sender=stack.guardian)
    assert stack.escrow.paused()
    for who in (stranger, stack.guardian):
        with ape.reverts(stack.escrow.AccessControlUnauthorizedAccount):
            stack.escrow.unpause(sender=who)
    stack.escrow.unpause(sender=stack.admin)
    assert not stack.escrow.paused()


def test_pause_stops_charging_not_deposits_or_withdrawals(stack, developer):
    fund(stack, developer, 100 * ONE)
    settle(stack, make_report(stack, developer, 20_000))
    stack.escrow.pause(sender=stack.guardian)
    with ape.reverts(stack.escrow.EnforcedPause):
        settle(stack, make_report(stack, developer, 30_000))
    with ape.reverts(stack.escrow.EnforcedPause):
        stack.escrow.collectDebt(developer, stack.operator, sender=developer)
    stack.synor.approve(stack.escrow, ONE, sender=developer)
    stack.escrow.deposit(developer, ONE, sender=developer)
    stack.escrow.requestWithdrawal(sender=developer)
    ape.chain.pending_timestamp = stack.escrow.withdrawalUnlocksAt(developer)
    assert (
        stack.escrow.withdraw(developer, sender=developer).events.filter(stack.escrow.Withdrawn)[0].amount
        == 71 * ONE
    )
    stack.escrow.unpause(sender=stack.admin)
    assert len(charges(stack, settle(stack, make_report(stack, developer, 2, USD_ID)))) == 1


def test_charge_and_pay_out_are_settlement_only(stack, developer, stranger):
    fund(stack, developer, 100 * ONE)
    period = stack.settlement.currentPeriod()
    with ape.reverts(stack.escrow.Escrow_NotSettlement, caller=stranger.address):
        stack.escrow.charge(developer, stack.operator, period, ONE, 0, sender=stranger)
    with ape.reverts(stack.escrow.Escrow_NotSettlement, caller=stack.operator.address):
        stack.escrow.payOut(stack.operator, 0, sender=stack.operator)


def test_pay_out_cannot_exceed_what_was_collected(stack, accounts):
    settlement = accounts[stack.settlement.address]  # impersonated on the local node
    settlement.balance = 10**18
    with ape.reverts(stack.escrow.Escrow_PayoutExceedsCollected, amount=1, collected=0):
        stack.escrow.payOut(stack.operator, 1, sender=settlement)


# ------------------------------------------------------------------ misbehaving tokens


def _token_escrow(project: Any, stack: UsageStack, token: Any) -> Any:
    return project.PrepaidEscrow.deploy(
        token.address,
        stack.splitter,
        ZERO,
        stack.book,
        stack.settlement,
        3600,
        stack.admin,
        ZERO,
        sender=stack.admin,
    )


def test_misbehaving_tokens_deposit_and_withdraw_what_arrived(
    project, stack, sponsor, stranger, misbehaving_token
):
    token = misbehaving_token
    escrow = _token_escrow(project, stack, token)
    token.mint(sponsor, 1_000_000)
    token.contract.approve(escrow, 1_000_000, sender=sponsor)
    escrow.deposit(sponsor, 1_000_000, sender=sponsor)
    credited = token.arrives(1_000_000)
    assert escrow.balanceOf(sponsor) == credited == token.balance(escrow)
    escrow.requestWithdrawal(sender=sponsor)
    ape.chain.pending_timestamp = escrow.withdrawalUnlocksAt(sponsor)
    receipt = escrow.withdraw(stranger, sender=sponsor)
    assert receipt.events.filter(escrow.Withdrawn)[0].amount == credited
    assert token.balance(stranger) == token.arrives(credited)
    assert escrow.balanceOf(sponsor) == 0 == token.balance(escrow)


def test_failing_token_withdrawal_fails_whole_and_succeeds_once_restored(
    project, stack, sponsor, failing_token
):
    token = failing_token
    escrow = _token_escrow(project, stack, token)
    token.mint(sponsor, 1_000_000)
    token.contract.approve(escrow, 1_000_000, sender=sponsor)
    escrow.deposit(sponsor, 1_000_000, sender=sponsor)
    escrow.requestWithdrawal(sender=sponsor)
    ape.chain.pending_timestamp = escrow.withdrawalUnlocksAt(sponsor)
    ape.chain.mine()
    error = token.sabotage(escrow, escrow.deposit.encode_input(sponsor.address, 1))
    with ape.reverts(error) if error is not None else ape.reverts():
        escrow.withdraw(sponsor, sender=sponsor)
    assert escrow.balanceOf(sponsor) == 1_000_000
    assert escrow.withdrawalUnlocksAt(sponsor) != 0
    token.restore()
    assert escrow.withdraw(sponsor, sender=sponsor).events.filter(escrow.Withdrawn)[0].amount == 1_000_000
    assert token.balance(sponsor) == 1_000_000

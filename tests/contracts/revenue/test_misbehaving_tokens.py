"""The FeeSplitter against every misbehaving token (fixtures in tests/contracts/conftest.py).

Ordinary state, all six tokens: split, distribute, distributeTransactionFees, claim, claimTo, recover,
buyBack (through a real Uniswap V2 pair) and runway payments from the factory work, and every amount is
what actually arrived (a fee-on-transfer token's fee is never booked as revenue). A token made to fail
(reverting balanceOf, blacklisting, `false` returns, a reentrant callback) stalls only itself: every other
token's payments, claims, burns and buy-backs go on, and once the token works again its claims pay in full.
"""

from __future__ import annotations

import ape
import pytest

from devstack.uniswap import container
from synor.revenue.split import buyback_amount_out, split_service, split_transaction
from tests.conftest import CARTESI_PRICE, TEMPLATE, WEEK
from tests.contracts.revenue.test_fee_splitter import assert_books_balance

ZERO = ape.utils.ZERO_ADDRESS
UNIT = 10**18
MAX = 2**256 - 1


def accept(splitter, token, deployer, payer):
    splitter.acceptToken(token.contract, ZERO, sender=deployer)
    token.mint(payer, 10**9 * UNIT)
    token.contract.approve(splitter, MAX, sender=payer)
    return token


@pytest.fixture
def weird(splitter, misbehaving_token, deployer, sponsor):
    """An accepted misbehaving token (no buy-back pair), the sponsor funded and approved."""
    return accept(splitter, misbehaving_token, deployer, sponsor)


@pytest.fixture
def failing(splitter, failing_token, deployer, sponsor):
    return accept(splitter, failing_token, deployer, sponsor)


# ------------------------------------------------------------------ ordinary state: counted by what arrived


def test_split_counts_what_arrived(splitter, weird, sponsor, stranger):
    weird.contract.transfer(splitter, 10_000 * UNIT, sender=sponsor)
    arrived = weird.arrives(10_000 * UNIT)
    assert weird.balance(splitter) == arrived
    receipt = splitter.split(weird.contract, sender=stranger)
    assert receipt.return_value == arrived
    parts = split_service(arrived)
    assert receipt.events.filter(splitter.ServiceRevenueSplit) == [
        splitter.ServiceRevenueSplit(
            token=weird.address,
            payer=ZERO,
            operator=ZERO,
            amount=arrived,
            operators=parts.operators,
            treasury=parts.treasury,
            burn=parts.burn,
        )
    ]
    assert splitter.book(weird.contract).accounted == arrived
    assert splitter.unaccounted(weird.contract) == 0
    assert_books_balance(splitter, weird.contract)


def test_distribute_counts_what_arrived(splitter, weird, sponsor, operator_a):
    receipt = splitter.distribute(weird.contract, 10_000 * UNIT, operator_a, sender=sponsor)
    arrived = weird.arrives(10_000 * UNIT)
    parts = split_service(arrived)
    event = receipt.events.filter(splitter.ServiceRevenueSplit)[0]
    assert (event.amount, event.operators, event.treasury, event.burn) == (
        arrived,
        parts.operators,
        parts.treasury,
        parts.burn,
    )
    assert splitter.claimable(weird.contract, operator_a) == parts.operators
    assert weird.balance(splitter) == splitter.book(weird.contract).accounted == arrived
    assert_books_balance(splitter, weird.contract)


def test_transaction_fees_count_what_arrived(splitter, weird, sponsor, community):
    receipt = splitter.distributeTransactionFees(weird.contract, 10_000 * UNIT, sender=sponsor)
    arrived = weird.arrives(10_000 * UNIT)
    parts = split_transaction(arrived)
    event = receipt.events.filter(splitter.TransactionFeesSplit)[0]
    assert (event.amount, event.burn, event.stakers, event.community, event.validators) == (
        arrived,
        parts.burn,
        parts.stakers,
        parts.community,
        parts.validators,
    )
    assert splitter.claimable(weird.contract, community) == parts.community
    assert_books_balance(splitter, weird.contract)


def test_claim_and_claim_to_pay_what_is_owed_and_keep_the_books(
    splitter, weird, sponsor, treasury, community, operator_a, stranger
):
    splitter.distribute(weird.contract, 10_000 * UNIT, operator_a, sender=sponsor)
    splitter.distributeTransactionFees(weird.contract, 10_000 * UNIT, sender=sponsor)
    service = split_service(weird.arrives(10_000 * UNIT))
    fees = split_transaction(weird.arrives(10_000 * UNIT))
    token = weird.contract

    assert splitter.claim(token, sender=treasury).return_value == service.treasury
    assert weird.balance(treasury) == weird.arrives(service.treasury)  # the token's fee, not the splitter's
    receipt = splitter.claimTo(token, stranger, sender=community)
    assert receipt.return_value == fees.community
    assert receipt.events.filter(splitter.Claimed) == [
        splitter.Claimed(
            token=weird.address, account=community.address, to=stranger.address, amount=fees.community
        )
    ]
    assert weird.balance(stranger) == weird.arrives(fees.community)
    assert splitter.claim(token, sender=operator_a).return_value == service.operators
    assert weird.balance(operator_a) == weird.arrives(service.operators)

    for account in (treasury, community, operator_a):
        assert splitter.claimable(token, account) == 0
    assert splitter.claimed(token, treasury) == service.treasury
    assert splitter.claimed(token, community) == fees.community
    assert splitter.claim(token, sender=treasury).return_value == 0  # nothing twice
    assert_books_balance(splitter, token)


def test_recover_returns_a_stray_token_sent_by_mistake(splitter, misbehaving_token, deployer, stranger):
    misbehaving_token.mint(splitter, 1_234 * UNIT)
    receipt = splitter.recover(misbehaving_token.contract, stranger, sender=deployer)
    assert receipt.events.filter(splitter.Recovered) == [
        splitter.Recovered(token=misbehaving_token.address, to=stranger.address, amount=1_234 * UNIT)
    ]
    assert misbehaving_token.balance(stranger) == misbehaving_token.arrives(1_234 * UNIT)
    assert misbehaving_token.balance(splitter) == 0


def test_buy_back_through_a_real_pair_burns_the_synor_bought_with_what_arrived(
    splitter, weird, synor, uniswap_factory, sponsor, keeper, deployer
):
    uniswap_factory.createPair(weird.contract, synor, sender=deployer)
    pair = container("UniswapV2Pair").at(uniswap_factory.getPair(weird.contract, synor))
    weird.mint(pair, 1_000_000 * UNIT)
    synor.transfer(pair, 10_000_000 * UNIT, sender=deployer)
    pair.mint(deployer, sender=deployer)
    splitter.setBuyBackPair(weird.contract, pair, sender=deployer)
    splitter.distribute(weird.contract, 1_000 * UNIT, ZERO, sender=sponsor)
    burn_share = split_service(weird.arrives(1_000 * UNIT)).burn
    r0, r1, _ = pair.getReserves()
    reserve_in, reserve_out = (r0, r1) if pair.token0() == weird.address else (r1, r0)
    # The pair receives less than the burn share of a fee-on-transfer token, and is asked only for the
    # output of what it received (asking for the output of the whole share would fail its K check).
    expected = buyback_amount_out(weird.arrives(burn_share), reserve_in, reserve_out)
    supply = synor.totalSupply()

    receipt = splitter.buyBack(weird.contract, 0, 0, sender=keeper)

    assert receipt.return_value == expected
    assert receipt.events.filter(splitter.BoughtBackAndBurned) == [
        splitter.BoughtBackAndBurned(token=weird.address, amountIn=burn_share, synorBurned=expected)
    ]
    assert synor.totalSupply() == supply - expected
    assert synor.balanceOf(splitter) == 0
    assert splitter.pendingBurn(weird.contract) == 0
    assert_books_balance(splitter, weird.contract)


def test_runway_paid_in_the_token_is_split_as_what_arrived(
    project, splitter, weird, sponsor, stranger, deployer
):
    """The factory charges the payer `cost(seconds)`; the splitter (its payee) books what arrived."""
    factory = project.PayableDAppFactory.deploy(weird.contract, CARTESI_PRICE, splitter, sender=deployer)
    weird.contract.approve(factory, MAX, sender=sponsor)
    app = (
        factory.newApplication(sponsor, TEMPLATE, 0, sender=sponsor)
        .events.filter(factory.ApplicationCreated)[0]
        .app
    )
    cost = factory.cost(WEEK)
    before = weird.balance(sponsor)
    factory.extendRunway(app, WEEK, sender=sponsor)
    assert weird.balance(sponsor) == before - cost
    assert splitter.unaccounted(weird.contract) == weird.arrives(cost)
    assert splitter.split(weird.contract, sender=stranger).return_value == weird.arrives(cost)
    assert_books_balance(splitter, weird.contract)


# ------------------------------------------------------------------ a failing token stalls only itself


def _expected_refusal(splitter, failing, named):
    """The error a splitter call fails with once `failing` is sabotaged (`named`: what sabotage returned)."""
    if named is not None:
        return named
    if failing.name == "FalseReturningToken":
        return splitter.SafeERC20FailedOperation
    return splitter.ReentrancyGuardReentrantCall  # the callback token re-entering the splitter


def test_a_failing_token_stalls_only_itself(
    splitter,
    failing,
    usdc,
    synor,
    sponsor,
    treasury,
    community,
    operator_a,
    operator_b,
    keeper,
    deployer,
    stranger,
):
    usdc.approve(splitter, MAX, sender=sponsor)
    synor.approve(splitter, MAX, sender=sponsor)
    splitter.setOperatorWeight(operator_a, 1, sender=deployer)
    for token in (failing.contract, usdc):
        splitter.distribute(token, 10_000 * 10**6, ZERO, sender=sponsor)
        splitter.distributeTransactionFees(token, 10_000 * 10**6, sender=sponsor)
    owed = {who: splitter.claimable(failing.contract, who) for who in (treasury, community, operator_a)}
    assert all(owed.values())

    error = _expected_refusal(
        splitter, failing, failing.sabotage(splitter, splitter.split.encode_input(failing.contract))
    )
    with ape.reverts(error):
        splitter.claim(failing.contract, sender=treasury)
    with ape.reverts(error):
        splitter.claimTo(failing.contract, stranger, sender=operator_a)
    with ape.reverts(error):
        splitter.distribute(failing.contract, 10**6, ZERO, sender=sponsor)

    # Every other token goes on: payments in, claims out, weight changes (which settle every token), burns,
    # buy-backs; and the failing token's books still read.
    usdc.transfer(splitter, 1_000 * 10**6, sender=sponsor)
    assert splitter.split(usdc, sender=stranger).return_value == 1_000 * 10**6
    splitter.distribute(usdc, 1_000 * 10**6, operator_a, sender=sponsor)
    splitter.distributeTransactionFees(usdc, 1_000 * 10**6, sender=sponsor)
    splitter.distributeTransactionFees(synor, 1_000 * UNIT, sender=sponsor)
    splitter.setOperatorWeight(operator_b, 1, sender=deployer)
    for who in (treasury, community, operator_a):
        due = splitter.claimable(usdc, who)
        assert due > 0
        assert splitter.claim(usdc, sender=who).return_value == due
    assert splitter.burn(sender=stranger).return_value == 100 * UNIT
    assert splitter.buyBack(usdc, 0, 0, sender=keeper).return_value > 0
    assert splitter.claimable(failing.contract, treasury) == owed[treasury]
    assert_books_balance(splitter, usdc)

    failing.restore()
    for who, due in owed.items():
        assert splitter.claim(failing.contract, sender=who).return_value == due
        assert failing.balance(who) == due
    assert_books_balance(splitter, failing.contract)


def test_a_seized_balance_stalls_only_its_token(
    project, splitter, usdc, sponsor, treasury, deployer, stranger
):
    """An issuer wipes the splitter's balance: `unaccounted` reads zero instead of reverting on an
    underflow (the keeper reads it for every token), `split` finds nothing, the token's claims fail,
    and USDC is untouched."""
    seized = project.RevertingBalanceToken.deploy(sender=deployer)
    splitter.acceptToken(seized, ZERO, sender=deployer)
    seized.mint(splitter, 1_000 * UNIT, sender=deployer)
    splitter.split(seized, sender=stranger)
    usdc.transfer(splitter, 1_000 * 10**6, sender=sponsor)
    splitter.split(usdc, sender=stranger)

    seized.wipe(splitter, sender=deployer)
    assert splitter.unaccounted(seized) == 0
    assert splitter.split(seized, sender=stranger).return_value == 0
    with ape.reverts(seized.ERC20InsufficientBalance):
        splitter.claim(seized, sender=treasury)
    assert splitter.claim(usdc, sender=treasury).return_value == 200 * 10**6

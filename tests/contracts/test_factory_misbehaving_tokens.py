"""The PayableDAppFactory against every misbehaving token (fixtures in tests/contracts/conftest.py).

The factory holds no tokens: `extendRunway` moves `cost(seconds)` from the payer straight to the payee.
Fee-on-transfer, decided and tested here: the payer is charged exactly `cost(seconds)` (what the runway is
priced at), the runway is extended by the full `seconds`, and the payee receives what the token delivers
(`cost` less the token's fee; the splitter, as payee, books only that — see
tests/contracts/revenue/test_misbehaving_tokens.py). A token that fails the payment (reverting, `false`,
blacklisted, re-entering the factory) is refused with `PayableDAppFactory_PaymentFailed` and moves nothing.
"""

from __future__ import annotations

import ape
import pytest

from tests.conftest import CARTESI_PRICE, TEMPLATE, WEEK

MAX = 2**256 - 1
UNIT = 10**18


def _setup(project, token, deployer, developer, payee):
    factory = project.PayableDAppFactory.deploy(token.contract, CARTESI_PRICE, payee, sender=deployer)
    token.mint(developer, 10**6 * UNIT)
    token.contract.approve(factory, MAX, sender=developer)
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    return factory, receipt.events.filter(factory.ApplicationCreated)[0].app


@pytest.mark.parametrize("batch", [False, True], ids=["extendRunway", "extendRunways"])
def test_the_payer_pays_cost_and_the_payee_gets_what_the_token_delivers(
    project, misbehaving_token, deployer, developer, payee, chain, batch
):
    factory, app = _setup(project, misbehaving_token, deployer, developer, payee)
    cost = factory.cost(WEEK)
    payer_before = misbehaving_token.balance(developer)
    payee_before = misbehaving_token.balance(payee)
    start = factory.runway(app)
    if batch:
        receipt = factory.extendRunways([app], [WEEK], cost, sender=developer)
    else:
        receipt = factory.extendRunway(app, WEEK, sender=developer)
    assert receipt.events.filter(factory.RunwayPaid) == [
        factory.RunwayPaid(app=app, payer=developer.address, seconds_=WEEK, amount=cost)
    ]
    assert factory.runway(app) == max(start, chain.blocks[receipt.block_number].timestamp) + WEEK
    assert misbehaving_token.balance(developer) == payer_before - cost
    assert misbehaving_token.balance(payee) == payee_before + misbehaving_token.arrives(cost)
    assert misbehaving_token.balance(factory) == 0


def test_the_fee_on_transfer_payee_receives_cost_less_the_tokens_fee(project, deployer, developer, payee):
    """The decision, with the figures: one week at the Cartesi price in a 1%-fee token."""
    from tests.contracts.conftest import FeeOnTransfer

    token = FeeOnTransfer(project, deployer)
    factory, app = _setup(project, token, deployer, developer, payee)
    cost = factory.cost(WEEK)
    assert cost == 19_990_001  # base units: 604,800 s x 33.052248677249, rounded up
    factory.extendRunway(app, WEEK, sender=developer)
    assert token.balance(payee) == cost - cost // 100 == 19_790_101


def test_a_failing_payment_is_refused_and_moves_nothing(project, failing_token, deployer, developer, payee):
    factory, app = _setup(project, failing_token, deployer, developer, payee)
    cost = factory.cost(WEEK)
    until = factory.runway(app)
    # The payer is blacklisted, the token broken or refusing; the callback token calls back into the
    # factory to pay for another week inside the payment, which the factory's reentrancy guard refuses.
    holder = factory if failing_token.name == "CallbackToken" else developer
    failing_token.sabotage(holder, factory.extendRunway.encode_input(app, WEEK))
    with ape.reverts(factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=cost):
        factory.extendRunway(app, WEEK, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=cost):
        factory.extendRunways([app], [WEEK], cost, sender=developer)
    assert factory.runway(app) == until
    failing_token.restore()
    assert failing_token.balance(payee) == 0
    factory.extendRunway(app, WEEK, sender=developer)  # the token works again: so does the factory
    assert failing_token.balance(payee) == cost

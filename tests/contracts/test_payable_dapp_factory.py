"""PayableDAppFactory on anvil: pricing, creation, runway, payment paths, every error and event."""

from __future__ import annotations

import ape
import pytest

from synor.money import ONE, runway_cost
from synor.permit import PermitDomain, sign_permit
from tests.conftest import CARTESI_PRICE, TEMPLATE, WEEK

MAX_TIMESTAMP = 2**64 - 1


def created_app(project, factory, receipt):
    return project.Application.at(receipt.events.filter(factory.ApplicationCreated)[0].app)


# ------------------------------------------------------------------ deployment


def test_constructor_records_immutable_configuration(factory, usdc, payee):
    assert factory.paymentToken() == usdc.address
    assert factory.token() == usdc.address  # Sunodo's name
    assert factory.MAX_LOCATION_LENGTH() == 1024
    assert factory.pricePerSecond() == CARTESI_PRICE
    assert factory.payee() == payee.address
    assert factory.applicationCount() == 0
    assert factory.MAX_TIMESTAMP() == MAX_TIMESTAMP
    assert factory.MAX_PRICE_PER_SECOND() == 2**128 - 1


@pytest.mark.parametrize("bad", ["token", "payee"])
def test_constructor_rejects_zero_addresses(project, deployer, usdc, payee, bad):
    token = ape.utils.ZERO_ADDRESS if bad == "token" else usdc
    receiver = ape.utils.ZERO_ADDRESS if bad == "payee" else payee
    with ape.reverts(project.PayableDAppFactory.PayableDAppFactory_ZeroAddress):
        project.PayableDAppFactory.deploy(token, CARTESI_PRICE, receiver, sender=deployer)


def test_constructor_rejects_zero_and_oversized_prices(project, deployer, usdc, payee):
    with ape.reverts(project.PayableDAppFactory.PayableDAppFactory_ZeroPrice):
        project.PayableDAppFactory.deploy(usdc, 0, payee, sender=deployer)
    with ape.reverts(project.PayableDAppFactory.PayableDAppFactory_PriceTooHigh, pricePerSecond=2**128):
        project.PayableDAppFactory.deploy(usdc, 2**128, payee, sender=deployer)


# ------------------------------------------------------------------ pricing


def test_cartesi_example_costs_19_99_per_week_and_39_98_per_two_weeks(factory):
    one_week, two_weeks = factory.cost(WEEK), factory.cost(2 * WEEK)
    assert abs(one_week - 19_990_000) <= 1
    assert abs(two_weeks - 39_980_000) <= 1
    # Rounded up, never down: the payee is never short-changed.
    assert one_week * ONE >= WEEK * CARTESI_PRICE
    assert (one_week - 1) * ONE < WEEK * CARTESI_PRICE


def test_cost_matches_the_python_model_and_rounds_up_sub_unit_prices(project, deployer, usdc, payee):
    tiny = project.PayableDAppFactory.deploy(usdc, ONE // 3, payee, sender=deployer)  # 1/3 unit per second
    for seconds in (0, 1, 2, 3, 4, 1000, WEEK):
        assert tiny.cost(seconds) == runway_cost(seconds, ONE // 3)
    assert tiny.cost(1) == 1  # a third of a unit is still charged one unit, never zero


def test_many_small_purchases_never_cost_less_than_one(factory):
    assert sum(factory.cost(1) for _ in range(60)) >= factory.cost(60)
    assert factory.cost(1) * WEEK >= factory.cost(WEEK)


def test_cost_of_more_than_max_timestamp_reverts_overflow(factory):
    assert factory.cost(MAX_TIMESTAMP) == runway_cost(MAX_TIMESTAMP, CARTESI_PRICE)
    with ape.reverts(factory.PayableDAppFactory_Overflow, seconds_=MAX_TIMESTAMP + 1):
        factory.cost(MAX_TIMESTAMP + 1)


def test_seconds_for_is_the_inverse_rounded_down(factory):
    for amount in (0, 1, 33, 34, 19_990_000, 10**12):
        seconds = factory.secondsFor(amount)
        assert factory.cost(seconds) <= amount
        assert factory.cost(seconds + 1) > amount or seconds == MAX_TIMESTAMP
    assert factory.secondsFor(2**256 - 1) == MAX_TIMESTAMP


# ------------------------------------------------------------------ creation


def test_zero_prefund_registers_without_payment_or_node(project, chain, factory, developer, usdc, payee):
    balance = usdc.balanceOf(developer)
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    app = created_app(project, factory, receipt)
    now = chain.blocks.head.timestamp
    assert receipt.events.filter(factory.ApplicationCreated) == [
        factory.ApplicationCreated(app=app.address, owner=developer, templateHash=TEMPLATE, salt=b"\x00" * 32)
    ]
    assert receipt.events.filter(factory.FinancialRunway) == [
        factory.FinancialRunway(application=app.address, until=now)
    ]
    assert not receipt.events.filter(factory.RunwayPaid)
    assert factory.isRegistered(app) and not factory.isActive(app)
    assert factory.runway(app) == now
    assert usdc.balanceOf(developer) == balance and usdc.balanceOf(payee) == 0
    assert factory.applicationCount() == 1


def test_prefund_pulls_cost_to_payee_and_starts_runway(project, chain, factory, developer, usdc, payee):
    price = factory.cost(WEEK)
    usdc.approve(factory, price, sender=developer)
    balance = usdc.balanceOf(developer)
    receipt = factory.newApplication(developer, TEMPLATE, WEEK, sender=developer)
    app = created_app(project, factory, receipt)
    until = chain.blocks.head.timestamp + WEEK
    assert factory.runway(app) == until and factory.isActive(app)
    assert receipt.events.filter(factory.FinancialRunway) == [
        factory.FinancialRunway(application=app.address, until=until)
    ]
    assert receipt.events.filter(factory.RunwayPaid) == [
        factory.RunwayPaid(app=app.address, payer=developer, seconds_=WEEK, amount=price)
    ]
    assert usdc.balanceOf(developer) == balance - price
    assert usdc.balanceOf(payee) == price
    assert usdc.balanceOf(factory) == 0  # the factory never holds tokens


def test_application_records_owner_template_and_factory(app, factory, developer):
    assert app.owner() == developer.address
    assert app.getTemplateHash() == TEMPLATE
    assert app.factory() == factory.address
    assert app.getMachineLocation() == "" == factory.machineLocation(app)  # created without one


def test_application_ownership_moves_in_two_steps(app, developer, stranger):
    app.transferOwnership(stranger, sender=developer)
    assert app.owner() == developer.address and app.pendingOwner() == stranger.address
    app.acceptOwnership(sender=stranger)
    assert app.owner() == stranger.address


def test_application_cannot_be_initialized_again(app, factory, stranger):
    with ape.reverts(app.Application_Unauthorized, caller=stranger.address):
        app.initialize(stranger, sender=stranger)


def test_application_implementation_is_locked(project, factory, stranger):
    implementation = project.Application.at(factory.applicationImplementation())
    assert implementation.owner() == implementation.address
    with ape.reverts(implementation.Application_Unauthorized, caller=stranger.address):
        implementation.initialize(stranger, sender=stranger)


def test_salted_address_is_computable_beforehand(project, factory, developer, stranger):
    salt = b"\x42" * 32
    predicted = factory.calculateApplicationAddress(developer, stranger, TEMPLATE, salt)
    receipt = factory.newApplication(stranger, TEMPLATE, 0, salt, sender=developer)
    assert created_app(project, factory, receipt).address == predicted
    # The salt is bound to the creator: another creator gets another address.
    assert factory.calculateApplicationAddress(stranger, stranger, TEMPLATE, salt) != predicted


def test_count_numbered_creation_lands_where_calculate_application_address_says(project, factory, developer):
    predicted = factory.calculateApplicationAddress(developer, developer, TEMPLATE)
    count = factory.applicationCount()
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    assert created_app(project, factory, receipt).address == predicted
    assert receipt.events.filter(factory.ApplicationCreated)[0].salt == count.to_bytes(32, "big")
    # The count moved on: the next one lands elsewhere, and the prediction follows it.
    following = factory.calculateApplicationAddress(developer, developer, TEMPLATE)
    assert following != predicted
    second = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    assert created_app(project, factory, second).address == following
    # The prediction is bound to creator and owner, like salted addresses.
    assert factory.calculateApplicationAddress(
        developer, developer, TEMPLATE
    ) != factory.calculateApplicationAddress(developer, ape.utils.ZERO_ADDRESS, TEMPLATE)


def test_same_salt_twice_reverts_and_changes_nothing(factory, developer):
    salt = b"\x07" * 32
    factory.newApplication(developer, TEMPLATE, 0, salt, sender=developer)
    count = factory.applicationCount()
    with ape.reverts():
        factory.newApplication(developer, TEMPLATE, 0, salt, sender=developer)
    assert factory.applicationCount() == count


def test_zero_owner_is_rejected(factory, developer):
    with ape.reverts(factory.PayableDAppFactory_ZeroAddress):
        factory.newApplication(ape.utils.ZERO_ADDRESS, TEMPLATE, 0, sender=developer)


def test_prefund_without_allowance_reverts_payment_failed_and_creates_nothing(factory, developer):
    with ape.reverts(
        factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=factory.cost(WEEK)
    ):
        factory.newApplication(developer, TEMPLATE, WEEK, sender=developer)
    assert factory.applicationCount() == 0


# ------------------------------------------------------------------ runway


def test_anyone_extends_and_an_active_runway_grows_from_its_end(chain, factory, app, sponsor, usdc, payee):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    first = factory.extendRunway(app, WEEK, sender=sponsor)
    until = chain.blocks.head.timestamp + WEEK
    assert factory.runway(app) == until
    receipt = factory.extendRunway(app, 2 * WEEK, sender=sponsor)
    assert factory.runway(app) == until + 2 * WEEK
    assert receipt.return_value == until + 2 * WEEK
    assert usdc.balanceOf(payee) == factory.cost(WEEK) + factory.cost(2 * WEEK)
    assert first.events.filter(factory.RunwayPaid)[0].payer == sponsor.address


def test_lapsed_runway_restarts_from_now_and_gaps_are_free(chain, factory, app, sponsor, usdc):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    factory.extendRunway(app, 3600, sender=sponsor)
    chain.mine(timestamp=chain.blocks.head.timestamp + 10 * 3600)
    assert not factory.isActive(app)
    factory.extendRunway(app, 3600, sender=sponsor)
    assert factory.runway(app) == chain.blocks.head.timestamp + 3600
    assert factory.isActive(app)


def test_runway_expires_exactly_at_until(chain, factory, app, sponsor, usdc):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    factory.extendRunway(app, 100, sender=sponsor)
    until = factory.runway(app)
    chain.mine(timestamp=until - 1)
    assert factory.isActive(app)
    chain.mine(timestamp=until)
    assert not factory.isActive(app)


def test_extend_unknown_application_reverts(factory, sponsor, stranger):
    with ape.reverts(factory.PayableDAppFactory_UnknownApplication, app=stranger.address):
        factory.extendRunway(stranger, WEEK, sender=sponsor)
    assert factory.runway(stranger) == 0 and not factory.isRegistered(stranger)


def test_extend_zero_seconds_reverts(factory, app, sponsor):
    with ape.reverts(factory.PayableDAppFactory_ZeroSeconds):
        factory.extendRunway(app, 0, sender=sponsor)


def test_extend_beyond_max_timestamp_reverts_overflow(factory, app, sponsor, usdc):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    with ape.reverts(factory.PayableDAppFactory_Overflow, seconds_=MAX_TIMESTAMP + 1):
        factory.extendRunway(app, MAX_TIMESTAMP + 1, sender=sponsor)
    with ape.reverts(factory.PayableDAppFactory_Overflow, seconds_=MAX_TIMESTAMP):
        factory.extendRunway(app, MAX_TIMESTAMP, sender=sponsor)  # now + MAX does not fit


def test_extend_without_allowance_or_balance_reverts_payment_failed(factory, app, sponsor, stranger, usdc):
    before = factory.runway(app)
    with ape.reverts(
        factory.PayableDAppFactory_PaymentFailed, payer=sponsor.address, amount=factory.cost(WEEK)
    ):
        factory.extendRunway(app, WEEK, sender=sponsor)
    usdc.approve(factory, 2**256 - 1, sender=stranger)  # allowance but no balance
    with ape.reverts(factory.PayableDAppFactory_PaymentFailed, payer=stranger.address):
        factory.extendRunway(app, WEEK, sender=stranger)
    assert factory.runway(app) == before


def test_false_returning_token_failure_is_named(project, deployer, payee, developer):
    weird = project.FalseReturningToken.deploy(sender=deployer)
    factory = project.PayableDAppFactory.deploy(weird, ONE, payee, sender=deployer)
    with ape.reverts(factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=10):
        factory.newApplication(developer, TEMPLATE, 10, sender=developer)
    weird.mint(developer, 10, sender=deployer)
    weird.approve(factory, 10, sender=developer)
    factory.newApplication(developer, TEMPLATE, 10, sender=developer)
    assert weird.balanceOf(payee) == 10


def test_max_cost_guard(factory, app, sponsor, usdc):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    price = factory.cost(WEEK)
    with ape.reverts(factory.PayableDAppFactory_CostAboveMax, cost=price, maxCost=price - 1):
        factory.extendRunway(app, WEEK, price - 1, sender=sponsor)
    receipt = factory.extendRunway(app, WEEK, price, sender=sponsor)
    assert receipt.events.filter(factory.RunwayPaid)[0].amount == price


# ------------------------------------------------------------------ permit


def _permit(token, owner_key, owner, spender, value, deadline, nonce):
    domain = PermitDomain(token.name(), "1", ape.chain.chain_manager.chain_id, token.address)
    return sign_permit(owner_key, domain, owner, spender, value, nonce, deadline)


def test_extend_with_permit_in_one_transaction(chain, factory, app, usdc, accounts, deployer, payee):
    payer = accounts[5]
    usdc.mint(payer, 100 * 10**6, sender=deployer)
    price = factory.cost(WEEK)
    deadline = chain.pending_timestamp + 3600
    v, r, s = _permit(usdc, payer.private_key, payer.address, factory.address, price, deadline, 0)
    receipt = factory.extendRunwayWithPermit(app, WEEK, price, deadline, v, r, s, sender=payer)
    assert receipt.events.filter(factory.RunwayPaid)[0].amount == price
    assert usdc.balanceOf(payee) == price
    assert usdc.nonces(payer) == 1
    assert usdc.allowance(payer, factory) == 0


def test_front_run_permit_is_tolerated(chain, factory, app, usdc, accounts, deployer, stranger, payee):
    payer = accounts[6]
    usdc.mint(payer, 100 * 10**6, sender=deployer)
    price = factory.cost(WEEK)
    deadline = chain.pending_timestamp + 3600
    v, r, s = _permit(usdc, payer.private_key, payer.address, factory.address, price, deadline, 0)
    usdc.permit(payer, factory, price, deadline, v, r, s, sender=stranger)  # someone used it first
    receipt = factory.extendRunwayWithPermit(app, WEEK, price, deadline, v, r, s, sender=payer)
    assert receipt.events.filter(factory.RunwayPaid)[0].payer == payer.address
    assert usdc.balanceOf(payee) == price


def test_bad_permit_without_allowance_reverts_payment_failed(chain, factory, app, usdc, accounts, deployer):
    payer = accounts[7]
    usdc.mint(payer, 100 * 10**6, sender=deployer)
    price = factory.cost(WEEK)
    deadline = chain.pending_timestamp + 3600
    v, r, s = _permit(usdc, payer.private_key, payer.address, factory.address, price - 1, deadline, 0)
    before = factory.runway(app)
    with ape.reverts(factory.PayableDAppFactory_PaymentFailed, payer=payer.address, amount=price):
        factory.extendRunwayWithPermit(app, WEEK, price, deadline, v, r, s, sender=payer)
    assert factory.runway(app) == before and usdc.nonces(payer) == 0


# ------------------------------------------------------------------ batch


def test_batch_extension_pays_once_for_all(project, chain, factory, developer, sponsor, usdc, payee):
    apps = [
        created_app(project, factory, factory.newApplication(developer, TEMPLATE, 0, sender=developer))
        for _ in range(3)
    ]
    seconds = [3600, WEEK, 2 * WEEK]
    total = sum(factory.cost(t) for t in seconds)
    usdc.approve(factory, total, sender=sponsor)
    receipt = factory.extendRunways(apps, seconds, total, sender=sponsor)
    now = chain.blocks.head.timestamp
    assert [factory.runway(a) for a in apps] == [now + t for t in seconds]
    assert receipt.return_value == [now + t for t in seconds]
    assert len(receipt.events.filter(factory.FinancialRunway)) == 3
    assert [e.amount for e in receipt.events.filter(factory.RunwayPaid)] == [factory.cost(t) for t in seconds]
    assert usdc.balanceOf(payee) == total


def test_batch_errors_change_nothing(factory, app, sponsor, usdc, stranger):
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    with ape.reverts(factory.PayableDAppFactory_BadBatch):
        factory.extendRunways([], [], 0, sender=sponsor)
    with ape.reverts(factory.PayableDAppFactory_BadBatch):
        factory.extendRunways([app], [1, 2], 10**18, sender=sponsor)
    with ape.reverts(factory.PayableDAppFactory_UnknownApplication, app=stranger.address):
        factory.extendRunways([app, stranger], [WEEK, WEEK], 10**18, sender=sponsor)
    total = 2 * factory.cost(WEEK)
    with ape.reverts(factory.PayableDAppFactory_CostAboveMax, cost=total, maxCost=total - 1):
        factory.extendRunways([app, app], [WEEK, WEEK], total - 1, sender=sponsor)
    assert not factory.isActive(app)  # nothing was bought by any of the failed batches


# ------------------------------------------------------------------ 18 decimals


def test_eighteen_decimal_token(project, chain, synor_factory, synor, developer, payee):
    hour_cost = synor_factory.cost(3600)
    assert hour_cost == runway_cost(3600, synor_factory.pricePerSecond())
    assert abs(hour_cost - 5 * 10**17) <= 1
    synor.approve(synor_factory, hour_cost, sender=developer)
    receipt = synor_factory.newApplication(developer, TEMPLATE, 3600, sender=developer)
    app = created_app(project, synor_factory, receipt)
    assert synor_factory.runway(app) == chain.blocks.head.timestamp + 3600
    assert synor.balanceOf(payee) == hour_cost


# ------------------------------------------------------------------ salt spaces (security item 7)


def test_explicit_salt_cannot_block_a_later_count_numbered_creation(project, factory, developer):
    # The griefing sequence: an explicit salt equal to the count the next count-numbered call will use.
    next_count = factory.applicationCount() + 1
    factory.newApplication(developer, TEMPLATE, 0, next_count.to_bytes(32, "big"), sender=developer)
    assert factory.applicationCount() == next_count
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)  # reverted before the fix
    assert factory.isRegistered(created_app(project, factory, receipt))
    assert factory.applicationCount() == next_count + 1


def test_count_numbered_and_explicit_salts_never_share_an_address(factory, developer):
    count = factory.applicationCount()
    counted = factory.calculateApplicationAddress(developer, developer, TEMPLATE)
    assert counted != factory.calculateApplicationAddress(
        developer, developer, TEMPLATE, count.to_bytes(32, "big")
    )


# ------------------------------------------------------------------ machine location (Cartesi/Sunodo)


LOCATION = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def test_new_application_with_location_emits_machine_location_and_records_it(
    project, chain, factory, developer, usdc, payee
):
    predicted = factory.calculateApplicationAddress(developer, developer, TEMPLATE)
    price = factory.cost(WEEK)
    usdc.approve(factory, price, sender=developer)
    before = usdc.balanceOf(payee)
    receipt = factory.newApplication(developer, TEMPLATE, LOCATION, WEEK, sender=developer)
    app = created_app(project, factory, receipt)
    assert app.address == predicted == receipt.return_value
    assert receipt.events.filter(factory.MachineLocation) == [
        factory.MachineLocation(application=app.address, location=LOCATION)
    ]
    until = chain.blocks.head.timestamp + WEEK
    assert receipt.events.filter(factory.FinancialRunway) == [
        factory.FinancialRunway(application=app.address, until=until)
    ]
    assert receipt.events.filter(factory.RunwayPaid)[0].amount == price
    assert usdc.balanceOf(payee) - before == price
    assert factory.machineLocation(app) == LOCATION == app.getMachineLocation()
    assert app.owner() == developer.address and app.getTemplateHash() == TEMPLATE


def test_zero_prefund_with_location_registers_without_payment(
    project, chain, factory, developer, stranger, usdc
):
    balance = usdc.balanceOf(stranger)
    receipt = factory.newApplication(developer, TEMPLATE, LOCATION, 0, sender=stranger)
    app = created_app(project, factory, receipt)
    assert receipt.events.filter(factory.FinancialRunway) == [
        factory.FinancialRunway(application=app.address, until=chain.blocks.head.timestamp)
    ]
    assert not receipt.events.filter(factory.RunwayPaid)
    assert factory.isRegistered(app) and not factory.isActive(app)
    assert usdc.balanceOf(stranger) == balance
    assert app.getMachineLocation() == LOCATION


def test_salted_new_application_with_location(project, factory, developer, stranger):
    salt = b"\x5a" * 32
    predicted = factory.calculateApplicationAddress(stranger, developer, TEMPLATE, salt)
    receipt = factory.newApplication(developer, TEMPLATE, LOCATION, 0, salt, sender=stranger)
    app = created_app(project, factory, receipt)
    assert app.address == predicted and app.owner() == developer.address
    assert receipt.events.filter(factory.ApplicationCreated)[0].salt == salt
    assert receipt.events.filter(factory.MachineLocation)[0].location == LOCATION
    assert app.getMachineLocation() == LOCATION


def test_creation_without_location_emits_no_machine_location(factory, developer):
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    assert not receipt.events.filter(factory.MachineLocation)


def test_location_must_be_one_to_max_length_bytes(project, factory, developer):
    count = factory.applicationCount()
    with ape.reverts(factory.PayableDAppFactory_EmptyLocation):
        factory.newApplication(developer, TEMPLATE, "", 0, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_EmptyLocation):
        factory.newApplication(developer, TEMPLATE, "", 0, b"\x01" * 32, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_LocationTooLong, length=1025):
        factory.newApplication(developer, TEMPLATE, "x" * 1025, 0, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_LocationTooLong, length=1026):
        factory.newApplication(developer, TEMPLATE, "é" * 513, 0, sender=developer)  # bytes, not characters
    assert factory.applicationCount() == count
    receipt = factory.newApplication(developer, TEMPLATE, "x" * 1024, 0, sender=developer)
    assert created_app(project, factory, receipt).getMachineLocation() == "x" * 1024


def test_location_overload_keeps_the_existing_guards(factory, developer):
    with ape.reverts(factory.PayableDAppFactory_ZeroAddress):
        factory.newApplication(ape.utils.ZERO_ADDRESS, TEMPLATE, LOCATION, 0, sender=developer)
    with ape.reverts(
        factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=factory.cost(WEEK)
    ):
        factory.newApplication(developer, TEMPLATE, LOCATION, WEEK, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_Overflow, seconds_=MAX_TIMESTAMP + 1):
        factory.newApplication(developer, TEMPLATE, LOCATION, MAX_TIMESTAMP + 1, sender=developer)


# ------------------------------------------------------------------ importApplication (Cartesi/Sunodo)


@pytest.fixture
def foreign(project, deployer, developer):
    """An application deployed elsewhere, owned by the developer."""
    return project.ForeignApplication.deploy(developer, b"\x22" * 32, sender=deployer)


def test_owner_imports_an_application_without_prefund(chain, factory, foreign, developer, usdc):
    count, balance = factory.applicationCount(), usdc.balanceOf(developer)
    receipt = factory.importApplication(foreign, LOCATION, 0, sender=developer)
    now = chain.blocks.head.timestamp
    assert receipt.events.filter(factory.ApplicationImported) == [
        factory.ApplicationImported(app=foreign.address, owner=developer.address, templateHash=b"\x22" * 32)
    ]
    assert receipt.events.filter(factory.MachineLocation) == [
        factory.MachineLocation(application=foreign.address, location=LOCATION)
    ]
    assert receipt.events.filter(factory.FinancialRunway) == [
        factory.FinancialRunway(application=foreign.address, until=now)
    ]
    assert not receipt.events.filter(factory.RunwayPaid)
    assert factory.isRegistered(foreign) and not factory.isActive(foreign) and factory.runway(foreign) == now
    assert factory.machineLocation(foreign) == LOCATION
    assert factory.applicationCount() == count  # imports are not creations
    assert usdc.balanceOf(developer) == balance


def test_import_with_prefund_pays_the_payee_and_anyone_extends_it_later(
    chain, factory, foreign, developer, sponsor, usdc, payee
):
    price = factory.cost(WEEK)
    usdc.approve(factory, price, sender=developer)
    before = usdc.balanceOf(payee)
    receipt = factory.importApplication(foreign, LOCATION, WEEK, sender=developer)
    until = chain.blocks.head.timestamp + WEEK
    assert factory.runway(foreign) == until and factory.isActive(foreign)
    assert receipt.events.filter(factory.RunwayPaid) == [
        factory.RunwayPaid(app=foreign.address, payer=developer, seconds_=WEEK, amount=price)
    ]
    assert usdc.balanceOf(payee) - before == price
    usdc.approve(factory, price, sender=sponsor)
    factory.extendRunway(foreign, WEEK, sender=sponsor)
    assert factory.runway(foreign) == until + WEEK


def test_an_application_of_another_factory_can_be_imported(
    project, deployer, factory, developer, usdc, payee
):
    elsewhere = project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, payee, sender=deployer)
    app = created_app(project, elsewhere, elsewhere.newApplication(developer, TEMPLATE, 0, sender=developer))
    factory.importApplication(app, LOCATION, 0, sender=developer)
    assert factory.isRegistered(app) and factory.machineLocation(app) == LOCATION
    assert app.getMachineLocation() == ""  # the application reads the factory that created it


def test_only_the_owner_may_import(factory, foreign, stranger):
    with ape.reverts(
        factory.PayableDAppFactory_NotApplicationOwner, app=foreign.address, caller=stranger.address
    ):
        factory.importApplication(foreign, LOCATION, 0, sender=stranger)
    assert not factory.isRegistered(foreign) and factory.machineLocation(foreign) == ""


def test_import_of_a_registered_application_reverts(factory, app, foreign, developer):
    with ape.reverts(factory.PayableDAppFactory_AlreadyRegistered, app=app.address):
        factory.importApplication(app, LOCATION, 0, sender=developer)  # created here
    factory.importApplication(foreign, LOCATION, 0, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_AlreadyRegistered, app=foreign.address):
        factory.importApplication(foreign, "ipfs://elsewhere", 0, sender=developer)  # no re-pointing
    assert factory.machineLocation(foreign) == LOCATION


def test_import_of_what_is_not_an_application_reverts(factory, foreign, synor, developer, stranger):
    for target in (stranger, synor):  # no code; a contract without owner()
        with ape.reverts(factory.PayableDAppFactory_NotAnApplication, app=target.address):
            factory.importApplication(target, LOCATION, 0, sender=developer)
    foreign.dropTemplateHash(sender=developer)
    with ape.reverts(factory.PayableDAppFactory_NotAnApplication, app=foreign.address):
        factory.importApplication(foreign, LOCATION, 0, sender=developer)


def test_import_refuses_an_owner_that_is_not_an_address(factory, foreign, developer):
    foreign.setRawOwner(2**160 + int(developer.address, 16), sender=developer)  # low bits are the caller
    with ape.reverts(factory.PayableDAppFactory_NotAnApplication, app=foreign.address):
        factory.importApplication(foreign, LOCATION, 0, sender=developer)


def test_import_checks_location_and_payment(factory, foreign, developer):
    with ape.reverts(factory.PayableDAppFactory_EmptyLocation):
        factory.importApplication(foreign, "", 0, sender=developer)
    with ape.reverts(factory.PayableDAppFactory_LocationTooLong, length=1025):
        factory.importApplication(foreign, "x" * 1025, 0, sender=developer)
    with ape.reverts(
        factory.PayableDAppFactory_PaymentFailed, payer=developer.address, amount=factory.cost(WEEK)
    ):
        factory.importApplication(foreign, LOCATION, WEEK, sender=developer)
    assert not factory.isRegistered(foreign)


# ------------------------------------------------------------------ the exact Cartesi/Sunodo surface

# What Sunodo's PayableDAppFactory, IFinancialProtocol and IMachineProtocol declare and its clients call:
# (name, input types, output types), and events as (name, [(type, indexed, name)]).
SUNODO_FUNCTIONS = [
    ("newApplication", ["address", "bytes32", "string", "uint256"], ["address"]),
    ("importApplication", ["address", "string", "uint256"], []),
    ("extendRunway", ["address", "uint256"], ["uint256"]),
    ("cost", ["uint256"], ["uint256"]),
    ("runway", ["address"], ["uint256"]),
    ("token", [], ["address"]),
]
SUNODO_EVENTS = [
    ("FinancialRunway", [("address", True, "application"), ("uint256", False, "until")]),
    ("MachineLocation", [("address", True, "application"), ("string", False, "location")]),
]
CARTESI_APPLICATION_FUNCTIONS: list[tuple[str, list[str], list[str]]] = [
    ("getTemplateHash", [], ["bytes32"]),
    ("owner", [], ["address"]),
]


def _functions(contract_type):
    return {
        (item.name, tuple(i.type for i in item.inputs), tuple(o.type for o in item.outputs))
        for item in contract_type.abi
        if item.type == "function"
    }


def test_factory_abi_has_sunodos_exact_signatures_and_event_layouts(project):
    functions = _functions(project.PayableDAppFactory.contract_type)
    for name, inputs, outputs in SUNODO_FUNCTIONS:
        assert (name, tuple(inputs), tuple(outputs)) in functions, name
    events = {
        item.name: item for item in project.PayableDAppFactory.contract_type.abi if item.type == "event"
    }
    for name, layout in SUNODO_EVENTS:
        assert [(i.type, i.indexed, i.name) for i in events[name].inputs] == layout, name
    application = _functions(project.Application.contract_type)
    for name, inputs, outputs in CARTESI_APPLICATION_FUNCTIONS:
        assert (name, tuple(inputs), tuple(outputs)) in application, name

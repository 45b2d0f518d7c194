"""Gas of every external PayableDAppFactory function, measured from real transactions on anvil."""

from __future__ import annotations

from typing import Any

from bench.metric import gas
from synor.permit import PermitDomain, sign_permit

WEEK = 604_800
CARTESI_PRICE = 33_052_248_677_249_000_000
TEMPLATE = b"\x11" * 32
# A typical machine location: an IPFS CIDv1 URL (66 bytes, three storage words with the length).
LOCATION = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def run(project: Any, accounts: Any) -> dict[str, dict[str, Any]]:
    from ape import chain

    deployer, developer, sponsor, payee = accounts[0], accounts[1], accounts[2], accounts[3]
    usdc = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    for holder in (developer, sponsor):
        usdc.mint(holder, 10**15, sender=deployer)
    factory = project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, payee, sender=deployer)
    usdc.approve(factory, 2**256 - 1, sender=developer)
    usdc.approve(factory, 2**256 - 1, sender=sponsor)
    # Warm the payee's balance slot, as in steady operation.
    factory.newApplication(developer, TEMPLATE, 1, sender=developer)

    registered = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    app = registered.events.filter(factory.ApplicationCreated)[0].app
    prefunded = factory.newApplication(developer, TEMPLATE, WEEK, sender=developer)
    salted = factory.newApplication(developer, TEMPLATE, WEEK, b"\x01" * 32, sender=developer)
    located = factory.newApplication(developer, TEMPLATE, LOCATION, WEEK, sender=developer)
    located_salted = factory.newApplication(
        developer, TEMPLATE, LOCATION, WEEK, b"\x02" * 32, sender=developer
    )

    # Applications deployed elsewhere (by another factory), imported by their owner.
    elsewhere = project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, payee, sender=deployer)
    foreign = [
        elsewhere.newApplication(developer, TEMPLATE, 0, sender=developer)
        .events.filter(elsewhere.ApplicationCreated)[0]
        .app
        for _ in range(2)
    ]
    imported = factory.importApplication(foreign[0], LOCATION, WEEK, sender=developer)
    imported_unfunded = factory.importApplication(foreign[1], LOCATION, 0, sender=developer)
    factory.extendRunway(app, WEEK, sender=sponsor)  # first purchase for this app: a cold runway slot
    extension = factory.extendRunway(app, WEEK, sender=sponsor)
    guarded = factory.extendRunway(app, WEEK, factory.cost(WEEK), sender=sponsor)

    apps = [
        factory.newApplication(developer, TEMPLATE, 0, sender=developer)
        .events.filter(factory.ApplicationCreated)[0]
        .app
        for _ in range(10)
    ]
    for each in apps:
        factory.extendRunway(each, 1, sender=sponsor)  # every app already has runway, like a renewal run
    batch = factory.extendRunways(apps, [WEEK] * 10, 2**256 - 1, sender=sponsor)

    permit_payer = accounts[5]
    usdc.mint(permit_payer, 10**12, sender=deployer)
    deadline = 2**255
    v, r, s = _permit(usdc, permit_payer, factory.address, factory.cost(WEEK), deadline)
    with_permit = factory.extendRunwayWithPermit(
        app, WEEK, factory.cost(WEEK), deadline, v, r, s, sender=permit_payer
    )

    application = project.Application.at(app)
    handover = application.transferOwnership(sponsor, sender=developer)
    accepted = application.acceptOwnership(sender=sponsor)

    # Views cost gas when a contract calls them: measured as a call's gas (estimate, minus the 21,000 base).
    salt = b"\x00" * 32
    views = {
        "cost": factory.cost.estimate_gas_cost(WEEK, sender=deployer),
        "secondsFor": factory.secondsFor.estimate_gas_cost(10**9, sender=deployer),
        "runway": factory.runway.estimate_gas_cost(app, sender=deployer),
        "isActive": factory.isActive.estimate_gas_cost(app, sender=deployer),
        "isRegistered": factory.isRegistered.estimate_gas_cost(app, sender=deployer),
        "calculateApplicationAddress": factory.calculateApplicationAddress.estimate_gas_cost(
            developer, developer, TEMPLATE, salt, sender=deployer
        ),
        "calculateApplicationAddress.count_numbered": factory.calculateApplicationAddress.estimate_gas_cost(
            developer, developer, TEMPLATE, sender=deployer
        ),
        "machineLocation": factory.machineLocation.estimate_gas_cost(
            located_app := _created(factory, located), sender=deployer
        ),
        "getMachineLocation": project.Application.at(located_app).getMachineLocation.estimate_gas_cost(
            sender=deployer
        ),
    }

    return {
        **{f"gas.factory.view.{name}": gas(value - 21_000) for name, value in views.items()},
        "gas.application.transferOwnership": gas(handover.gas_used),
        "gas.application.acceptOwnership": gas(accepted.gas_used),
        "gas.factory.newApplication": gas(prefunded.gas_used),
        "gas.factory.newApplication.zero_prefund": gas(registered.gas_used),
        "gas.factory.newApplication.salted": gas(salted.gas_used),
        "gas.factory.newApplication.location": gas(located.gas_used),
        "gas.factory.newApplication.location_salted": gas(located_salted.gas_used),
        "gas.factory.importApplication": gas(imported.gas_used),
        "gas.factory.importApplication.zero_prefund": gas(imported_unfunded.gas_used),
        "gas.factory.extendRunway": gas(extension.gas_used),
        "gas.factory.extendRunway.max_cost": gas(guarded.gas_used),
        "gas.factory.extendRunwayWithPermit": gas(with_permit.gas_used),
        "gas.factory.extendRunways.per_app_of_10": gas(batch.gas_used // 10),
        "gas.factory.deploy": gas(chain.get_receipt(factory.txn_hash).gas_used),
    }


def _created(factory: Any, receipt: Any) -> str:
    return str(receipt.events.filter(factory.ApplicationCreated)[0].app)


def _permit(token: Any, owner: Any, spender: str, value: int, deadline: int) -> tuple[int, bytes, bytes]:
    domain = PermitDomain(token.name(), "1", 31337, token.address)
    return sign_permit(
        owner.private_key, domain, owner.address, spender, value, token.nonces(owner), deadline
    )

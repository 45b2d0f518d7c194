"""SynorToken: supply, burn (supply falls), permit."""

from __future__ import annotations

import ape


def test_fixed_supply_minted_once_to_recipient(project, deployer, stranger):
    token = project.SynorToken.deploy(stranger, 10**27, sender=deployer)
    assert token.totalSupply() == 10**27
    assert token.balanceOf(stranger) == 10**27
    assert (token.name(), token.symbol(), token.decimals()) == ("Synor", "SYNOR", 18)


def test_burn_lowers_total_supply(synor, developer):
    supply, balance = synor.totalSupply(), synor.balanceOf(developer)
    receipt = synor.burn(10**18, sender=developer)
    assert synor.totalSupply() == supply - 10**18
    assert synor.balanceOf(developer) == balance - 10**18
    assert receipt.events.filter(synor.Transfer)[0].to == ape.utils.ZERO_ADDRESS


def test_burn_from_spends_allowance(synor, developer, stranger):
    synor.approve(stranger, 10**18, sender=developer)
    supply = synor.totalSupply()
    synor.burnFrom(developer, 10**18, sender=stranger)
    assert synor.totalSupply() == supply - 10**18
    assert synor.allowance(developer, stranger) == 0
    with ape.reverts(synor.ERC20InsufficientAllowance):
        synor.burnFrom(developer, 1, sender=stranger)


def test_burn_more_than_balance_reverts(synor, stranger):
    with ape.reverts(synor.ERC20InsufficientBalance):
        synor.burn(1, sender=stranger)


def test_permit_nonces_start_at_zero(synor, developer):
    assert synor.nonces(developer) == 0
    assert len(synor.DOMAIN_SEPARATOR()) == 32

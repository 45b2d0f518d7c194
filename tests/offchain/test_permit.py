"""EIP-2612 permit messages: signed by the owner, bound to the token, spender, value, nonce and deadline."""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_typed_data

from synor.permit import PermitDomain, permit_message, sign_permit

DOMAIN = PermitDomain("Test USD Coin", "1", 31337, "0x" + "11" * 20)
SPENDER = "0x" + "22" * 20


def _recover(message, v, r, s):
    return Account.recover_message(encode_typed_data(full_message=message), vrs=(v, r, s))


def test_signature_recovers_to_the_owner():
    owner = Account.create()
    v, r, s = sign_permit(owner.key, DOMAIN, owner.address, SPENDER, 19_990_001, 0, 10**10)
    assert (
        _recover(permit_message(DOMAIN, owner.address, SPENDER, 19_990_001, 0, 10**10), v, r, s)
        == owner.address
    )


def test_changing_any_field_breaks_the_signature():
    owner = Account.create()
    v, r, s = sign_permit(owner.key, DOMAIN, owner.address, SPENDER, 100, 3, 10**10)
    variants = [
        permit_message(DOMAIN, owner.address, SPENDER, 101, 3, 10**10),
        permit_message(DOMAIN, owner.address, SPENDER, 100, 4, 10**10),
        permit_message(DOMAIN, owner.address, SPENDER, 100, 3, 10**10 + 1),
        permit_message(DOMAIN, owner.address, "0x" + "33" * 20, 100, 3, 10**10),
        permit_message(
            PermitDomain("Other", "1", 31337, DOMAIN.verifying_contract),
            owner.address,
            SPENDER,
            100,
            3,
            10**10,
        ),
        permit_message(
            PermitDomain(DOMAIN.name, "1", 1, DOMAIN.verifying_contract),
            owner.address,
            SPENDER,
            100,
            3,
            10**10,
        ),
    ]
    for message in variants:
        assert _recover(message, v, r, s) != owner.address


def test_message_shape():
    message = permit_message(DOMAIN, "0x" + "aa" * 20, SPENDER, 5, 0, 9)
    assert message["primaryType"] == "Permit"
    assert message["domain"]["chainId"] == 31337
    assert message["message"]["value"] == 5 and message["message"]["deadline"] == 9

"""The EIP-712 messages of usage settlement: our digests and signatures equal eth-account's own EIP-712
signer on the full typed-data documents, every field is signed, and recovery names the signer."""

from __future__ import annotations

from eth_abi.abi import encode
from eth_account import Account
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st
from web3 import Web3

from synor.usage.signing import recover_batch_signer, recover_report_signer, sign_batch, sign_report
from synor.usage.typed_data import (
    BATCH_TYPEHASH,
    REPORT_TYPEHASH,
    Domain,
    batch_digest,
    batch_typed_data,
    report_digest,
    report_typed_data,
)

KEY = Account.from_key("0x" + "42" * 32)
DOMAIN = Domain(31337, Web3.to_checksum_address("0x" + "5e" * 20))
ADDRESSES = st.binary(min_size=20, max_size=20).map(lambda b: Web3.to_checksum_address(b))
REPORTS = st.tuples(
    ADDRESSES,
    ADDRESSES,
    st.binary(min_size=32, max_size=32),
    st.integers(0, 2**64 - 1),
    st.integers(0, 2**128 - 1),
    st.binary(min_size=32, max_size=32),
)


def test_type_hashes_are_the_documented_strings():
    report_type = (
        "UsageReport(address account,address operator,bytes32 resource,uint64 period,"
        "uint256 cumulativeQuantity,bytes32 evidenceRoot)"
    )
    assert keccak(text=report_type) == REPORT_TYPEHASH
    assert keccak(text="UsageBatch(address operator,UsageReport[] reports)" + report_type) == BATCH_TYPEHASH


def test_domain_separator_by_hand():
    expected = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(
                    text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak(text="Synor Usage"),
                keccak(text="1"),
                31337,
                DOMAIN.settlement,
            ],
        )
    )
    assert DOMAIN.separator() == expected


@settings(max_examples=60, deadline=None)
@given(REPORTS)
def test_a_report_is_signed_as_eth_account_signs_its_typed_data(report):
    reference = Account.sign_typed_data(KEY.key, full_message=report_typed_data(DOMAIN, report))
    assert sign_report(KEY, DOMAIN, report) == bytes(reference.signature)
    assert recover_report_signer(DOMAIN, report, bytes(reference.signature)) == KEY.address


@settings(max_examples=30, deadline=None)
@given(ADDRESSES, st.lists(REPORTS, min_size=0, max_size=4))
def test_a_batch_is_signed_as_eth_account_signs_its_typed_data(operator, reports):
    reference = Account.sign_typed_data(KEY.key, full_message=batch_typed_data(DOMAIN, operator, reports))
    assert sign_batch(KEY, DOMAIN, operator, reports) == bytes(reference.signature)
    assert recover_batch_signer(DOMAIN, operator, reports, bytes(reference.signature)) == KEY.address


@settings(max_examples=60, deadline=None)
@given(REPORTS, st.integers(0, 5), st.data())
def test_every_field_and_the_domain_are_signed(report, field, data):
    changed = list(report)
    original = changed[field]
    if isinstance(original, int):
        changed[field] = (
            original + 1 if original < (2**64 - 1 if field == 3 else 2**128 - 1) else original - 1
        )
    elif isinstance(original, bytes):
        changed[field] = bytes([original[0] ^ 1]) + original[1:]
    else:
        changed[field] = data.draw(ADDRESSES.filter(lambda a: a != original))
    assert report_digest(DOMAIN, tuple(changed)) != report_digest(DOMAIN, report)
    assert report_digest(Domain(1, DOMAIN.settlement), report) != report_digest(DOMAIN, report)
    other = Domain(DOMAIN.chain_id, Web3.to_checksum_address("0x" + "5f" * 20))
    assert report_digest(other, report) != report_digest(DOMAIN, report)
    signature = sign_report(KEY, DOMAIN, report)
    assert recover_report_signer(DOMAIN, tuple(changed), signature) != KEY.address


def test_batch_order_and_membership_are_signed():
    a = (KEY.address, KEY.address, b"\x01" * 32, 1, 5, b"\x00" * 32)
    b = (KEY.address, KEY.address, b"\x02" * 32, 1, 7, b"\x00" * 32)
    assert batch_digest(DOMAIN, KEY.address, [a, b]) != batch_digest(DOMAIN, KEY.address, [b, a])
    assert batch_digest(DOMAIN, KEY.address, [a]) != batch_digest(DOMAIN, KEY.address, [a, b])


def test_malformed_signatures_recover_nobody():
    report = (KEY.address, KEY.address, b"\x01" * 32, 1, 5, b"\x00" * 32)
    assert recover_report_signer(DOMAIN, report, b"") is None
    assert recover_report_signer(DOMAIN, report, b"\x00" * 64 + b"\x1b") is None
    assert recover_report_signer(DOMAIN, report, sign_report(KEY, DOMAIN, report)[:64] + b"\x05") is None

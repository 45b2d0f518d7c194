"""Usage report files: exact parsing, one clear message per mistake, and a signed file round trip."""

from __future__ import annotations

import pytest
from web3 import Web3

from synor.pricing.catalogue import CATALOGUE
from synor.units import InputError
from synor.usage.files import SignedFile, parse_report, parse_reports, parse_signed, report_json, signed_json

A = Web3.to_checksum_address("0x" + "ab" * 20)
B = Web3.to_checksum_address("0x" + "cd" * 20)
GOOD = {"account": A, "operator": B, "resource": "storage.capacity", "period": 3, "cumulativeQuantity": "10"}


def test_names_ids_and_big_quantities_are_exact():
    big = str(2**128 - 1)
    parsed = parse_report({**GOOD, "cumulativeQuantity": big, "account": A.lower()})
    assert parsed == (A, B, CATALOGUE["storage.capacity"].resource_id, 3, 2**128 - 1, b"\x00" * 32)
    by_id = parse_report(
        {**GOOD, "resource": "0x" + CATALOGUE["compute.cpu"].resource_id.hex(), "cumulativeQuantity": 7}
    )
    assert by_id[2] == CATALOGUE["compute.cpu"].resource_id and by_id[4] == 7
    assert report_json(parsed)["resource"] == "storage.capacity"
    assert report_json(parsed)["cumulativeQuantity"] == big
    assert parse_reports({"reports": [GOOD, GOOD]}) == parse_reports([GOOD, GOOD])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cumulativeQuantity": 1.0}, "must be a whole number"),
        ({"cumulativeQuantity": "-1"}, "must be a whole number"),
        ({"cumulativeQuantity": "1e3"}, "must be a whole number"),
        ({"cumulativeQuantity": str(2**128)}, "below"),
        ({"cumulativeQuantity": True}, "must be a whole number"),
        ({"period": 2**64}, "below"),
        ({"resource": "storage"}, "unknown resource 'storage'"),
        ({"resource": "0x12"}, "64 hex digits"),
        ({"account": "0x" + "AB" * 20}, "EIP-55 checksum"),
        ({"operator": "bob"}, "operator must be a 0x address"),
        ({"evidenceRoot": "0x" + "zz" * 32}, "64 hex digits"),
    ],
)
def test_each_mistake_gets_one_message_naming_the_report_and_field(change, message):
    with pytest.raises(InputError, match=message) as refused:
        parse_reports([GOOD, {**GOOD, **change}])
    assert str(refused.value).startswith("report 1")


def test_the_document_shape_is_checked():
    documents: list[object] = [[], {}, {"reports": []}, "x", [3]]
    for document in documents:
        with pytest.raises(InputError):
            parse_reports(document)


def test_signed_files_round_trip_and_are_checked():
    reports = parse_reports([GOOD])
    batch = SignedFile(A, 31337, B, "batch", reports, [b"\x01" * 65], B)
    assert parse_signed(signed_json(batch)) == batch
    each = SignedFile(A, 31337, B, "reports", reports, [b"\x02" * 65])
    assert parse_signed(signed_json(each)) == each
    with pytest.raises(InputError, match='"mode"'):
        parse_signed({**signed_json(batch), "mode": "other"})
    with pytest.raises(InputError, match="chainId"):
        parse_signed({**signed_json(batch), "chainId": "1"})
    with pytest.raises(InputError, match="65-byte signature"):
        parse_signed({**signed_json(batch), "signature": "0x1234"})

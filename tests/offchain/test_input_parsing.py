"""Addresses (EIP-55), 32-byte values, intervals, RPC URLs and oversized amounts/durations: refused with
a message, never a traceback, before anything touches a node."""

from __future__ import annotations

import pytest

from synor.errors import SynorError
from synor.units import (
    InputError,
    parse_address,
    parse_amount,
    parse_bytes32,
    parse_duration,
    parse_interval,
    parse_rpc_url,
)

CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def test_every_input_error_is_a_synor_error():
    assert issubclass(InputError, SynorError)


@pytest.mark.parametrize("text", [CHECKSUMMED, CHECKSUMMED.lower(), " " + CHECKSUMMED])
def test_addresses_without_or_with_a_valid_checksum(text):
    assert parse_address(text) == CHECKSUMMED


def test_all_uppercase_digits_carry_no_checksum():
    assert parse_address("0x" + CHECKSUMMED[2:].upper()) == CHECKSUMMED


def test_a_wrong_checksum_is_refused():
    typo = CHECKSUMMED[:-1] + "c"  # one letter's case flipped
    with pytest.raises(InputError, match="EIP-55 checksum"):
        parse_address(typo, "owner")


@pytest.mark.parametrize("text", ["", "bob", "0x123", "0x" + "g" * 40, CHECKSUMMED + "00", " 0x"])
def test_malformed_addresses(text):
    with pytest.raises(InputError, match="invalid owner"):
        parse_address(text, "owner")


def test_bytes32():
    assert parse_bytes32("0x" + "42" * 32, "salt") == b"\x42" * 32
    assert parse_bytes32("11" * 32, "salt") == b"\x11" * 32
    for bad in ("0x42", "0x" + "zz" * 32, "0x" + "42" * 33):
        with pytest.raises(InputError, match="invalid salt"):
            parse_bytes32(bad, "salt")


@pytest.mark.parametrize(("text", "seconds"), [("2", 2.0), ("0.5", 0.5), (" 60 ", 60.0)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["0", "-1", "nan", "NaN", "inf", "-inf", "Infinity", "1e9", "soon", ""])
def test_bad_intervals(text):
    with pytest.raises(InputError, match="invalid interval"):
        parse_interval(text)


@pytest.mark.parametrize("text", ["http://127.0.0.1:8545", "https://node.example/v1/key", "http://localhost"])
def test_rpc_urls(text):
    assert parse_rpc_url(text) == text


@pytest.mark.parametrize(
    "text",
    ["localhost:8545", "127.0.0.1:8545", "http://", "ftp://x", "http://h:99999", "http://h:x", "http://a b"],
)
def test_bad_rpc_urls(text):
    with pytest.raises(InputError, match="invalid RPC URL"):
        parse_rpc_url(text)


def test_durations_beyond_uint256_and_long_texts_are_refused():
    with pytest.raises(InputError, match="too long"):
        parse_duration(str(2**256))
    with pytest.raises(InputError, match="longer than 100"):
        parse_duration("9" * 5000)  # int() of this many digits would raise ValueError
    assert parse_duration(str(2**256 - 1)) == 2**256 - 1


@pytest.mark.parametrize("text", ["1e80", "1e1000000", str(2**256)])
def test_amounts_beyond_uint256_are_refused(text):
    with pytest.raises(InputError, match="too large"):
        parse_amount(text, 0)


def test_zero_with_any_exponent_is_zero():
    assert parse_amount("0e999999", 18) == 0

"""Parsing what people type (amounts, durations) exactly, and refusing what cannot be used."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.units import (
    InputError,
    format_amount,
    format_duration,
    format_token_rate,
    parse_amount,
    parse_duration,
    parse_rate,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("604800", 604_800),
        ("1w", 604_800),
        ("3d", 259_200),
        ("12h", 43_200),
        ("90m", 5_400),
        ("45s", 45),
        ("1w2d", 777_600),
        (" 2W ", 1_209_600),
        ("0", 0),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1x", "w", "1.5d", "-1d", "1d2", "1 week", "d1"])
def test_invalid_durations_say_how_to_write_one(text):
    with pytest.raises(InputError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "decimals", "units"),
    [
        ("19.99", 6, 19_990_000),
        ("0.000001", 6, 1),
        ("1", 18, 10**18),
        ("1,000.5", 6, 1_000_500_000),
        ("0", 6, 0),
    ],
)
def test_amounts_are_exact(text, decimals, units):
    assert parse_amount(text, decimals) == units


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0.0000001", "more than 6 decimals"),
        ("abc", "invalid amount"),
        ("-1", "at least 0"),
        ("nan", "finite"),
        ("inf", "finite"),
    ],
)
def test_invalid_amounts(text, match):
    with pytest.raises(InputError, match=match):
        parse_amount(text, 6)


def test_the_cartesi_rate_is_exact():
    assert parse_rate("33.052248677249") == 33_052_248_677_249_000_000
    assert format_token_rate(33_052_248_677_249_000_000, 6) == "0.000033052248677249"


def test_amounts_beyond_28_digits_are_not_rounded():
    assert parse_amount("10000000000000000000000000001", 0) == 10**28 + 1
    assert parse_amount("123456789012345678901234567890.123456789012345678", 18) == (
        123456789012345678901234567890123456789012345678
    )


def test_absurdly_long_amounts_are_refused():
    with pytest.raises(InputError, match="longer than"):
        parse_amount("9" * 500, 6)


@given(st.integers(0, 10**77), st.integers(0, 24))
def test_format_then_parse_round_trips(units, decimals):
    assert parse_amount(format_amount(units, decimals), decimals) == units


@pytest.mark.parametrize(
    ("units", "text"),
    [
        (19_990_001, "19.990001 USDC"),
        (19_990_000, "19.99 USDC"),
        (-5, "-0.000005 USDC"),
        (10**12, "1,000,000 USDC"),
    ],
)
def test_format_amount(units, text):
    assert format_amount(units, 6, "USDC") == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (-3, "0s"), (1_209_600, "2w"), (90_061, "1d 1h 1m 1s")]
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text

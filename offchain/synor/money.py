"""Exact money math shared with the contracts. Integers only: no float ever touches an amount.

Rates are 18-decimal fixed-point numbers of a token's base units per second (``ONE`` is one base
unit per second). Charges round up, in favour of the payee; amounts bought with a budget round down.
"""

from __future__ import annotations

ONE = 10**18
"""One base unit per second, as an 18-decimal fixed-point rate."""

MAX_TIMESTAMP = 2**64 - 1
"""The contracts' ``MAX_TIMESTAMP``: the latest runway end, and the most seconds one purchase buys."""


def ceil_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up, for non-negative integers."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator < 0:
        raise ValueError("numerator must not be negative")
    return -(-numerator // denominator)


def runway_cost(seconds: int, price_per_second: int) -> int:
    """Base units ``seconds`` of runway cost at ``price_per_second`` (18-decimal), rounded up.

    Mirrors ``PayableDAppFactory.cost``.
    """
    if seconds < 0 or seconds > MAX_TIMESTAMP:
        raise ValueError(f"seconds must be between 0 and {MAX_TIMESTAMP}")
    return ceil_div(seconds * price_per_second, ONE)


def seconds_for(amount: int, price_per_second: int) -> int:
    """The most seconds ``amount`` base units buy, rounded down. Mirrors ``secondsFor``."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if price_per_second <= 0:
        raise ValueError("price_per_second must be positive")
    return min(amount * ONE // price_per_second, MAX_TIMESTAMP)


def extended_until(current_until: int, now: int, seconds: int) -> int:
    """Where a runway ends after buying ``seconds``: a lapsed runway restarts from ``now``."""
    return max(current_until, now) + seconds

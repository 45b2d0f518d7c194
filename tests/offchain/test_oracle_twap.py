"""The oracle's Python arithmetic (synor.oracle.twap): known values and properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.oracle.twap import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    ONE,
    RoundRules,
    Status,
    agreeing_median,
    deviation_bps,
    format_usd,
    judge_round,
    mean_tick,
    median,
    price_at_sqrt,
    scale_for,
    seconds_until_due,
    sqrt_ratio_at_tick,
    token_to_usd,
    usd_to_token,
    v2_average_price,
)

ticks = st.integers(MIN_TICK, MAX_TICK)
prices = st.integers(1, 2**128 - 1)
units = st.integers(0, 36).map(lambda d: 10**d)
RULES = RoundRules(
    min_sources=2, max_deviation_bps=500, max_move_bps=1500, min_price=ONE // 1000, max_price=1000 * ONE
)


def test_tick_math_known_values():
    assert sqrt_ratio_at_tick(0) == 2**96
    assert sqrt_ratio_at_tick(MIN_TICK) == MIN_SQRT_RATIO
    assert sqrt_ratio_at_tick(MAX_TICK) == MAX_SQRT_RATIO
    assert sqrt_ratio_at_tick(50) == 79426470787362580746886972461  # v3-core's own test vector
    with pytest.raises(ValueError):
        sqrt_ratio_at_tick(MAX_TICK + 1)


@given(ticks, ticks)
def test_tick_math_is_strictly_increasing(a, b):
    if a < b:
        assert sqrt_ratio_at_tick(a) < sqrt_ratio_at_tick(b)


@given(ticks)
def test_tick_math_is_close_to_the_real_number(tick):
    # sqrt(1.0001^tick) * 2^96 within a relative 1e-12 (checked with integer-only Python floats avoided:
    # compare squares against 1.0001^tick as a fraction for moderate ticks).
    if abs(tick) <= 2000:
        exact_num, exact_den = (10001**tick, 10000**tick) if tick >= 0 else (10000**-tick, 10001**-tick)
        got = sqrt_ratio_at_tick(tick)
        # got^2 / 2^192 ~ num/den  <=>  got^2 * den ~ num * 2^192
        assert abs(got * got * exact_den - exact_num * 2**192) * 10**12 <= exact_num * 2**192


@given(st.integers(-(2**55), 2**55), st.integers(1, 2**32))
def test_mean_tick_floors_toward_negative_infinity(delta, seconds):
    tick = mean_tick(delta, seconds)
    assert tick * seconds <= delta < (tick + 1) * seconds


@given(st.integers(MIN_SQRT_RATIO, MAX_SQRT_RATIO), st.integers(MIN_SQRT_RATIO, MAX_SQRT_RATIO))
def test_price_at_sqrt_moves_with_the_pool_price(x, y):
    low, high = min(x, y), max(x, y)
    scale = scale_for(18, 6)
    assert price_at_sqrt(low, True, scale) <= price_at_sqrt(high, True, scale)
    assert price_at_sqrt(low, False, scale) >= price_at_sqrt(high, False, scale)


def test_half_a_dollar_in_both_token_orders_and_decimals():
    # 0.5 USDC (6 decimals) per SYNOR (18): token1/token0 = 0.5e6 / 1e18 when SYNOR is token0.
    price = 5 * 10**17
    for quote_decimals in (6, 18):
        ratio_num, ratio_den = price * 10**quote_decimals, 10**36
        sqrt0 = _isqrt(ratio_num * 2**192 // ratio_den)
        sqrt1 = _isqrt(ratio_den * 2**192 // ratio_num)
        scale = scale_for(18, quote_decimals)
        assert abs(price_at_sqrt(sqrt0, True, scale) - price) * 10**9 <= price
        assert abs(price_at_sqrt(sqrt1, False, scale) - price) * 10**9 <= price


def _isqrt(n: int) -> int:
    from math import isqrt

    return isqrt(n)


@given(st.integers(1, 10**30), st.integers(1, 10**6))
def test_v2_average_survives_cumulative_wraparound(price_x112, seconds):
    start = 2**224 - price_x112 * seconds // 2  # the cumulative wraps half-way through
    end = (start + price_x112 * seconds) % 2**224
    assert v2_average_price(end - start, seconds, 1) == price_x112 // 2**112


@given(st.integers(0, 2**128 - 1), prices, units)
def test_usd_to_token_rounds_up_exactly(amount_usd, price, unit):
    tokens = usd_to_token(amount_usd, price, unit)
    assert tokens * price >= amount_usd * unit
    assert tokens == 0 or (tokens - 1) * price < amount_usd * unit


@given(st.integers(0, 2**128 - 1), prices, units)
def test_token_to_usd_rounds_down_and_round_trips_in_the_payees_favour(amount, price, unit):
    usd = token_to_usd(amount, price, unit)
    assert usd * unit <= amount * price < (usd + 1) * unit
    assert token_to_usd(usd_to_token(usd, price, unit), price, unit) >= usd


@given(st.integers(0, 2**200), st.integers(1, 2**200))
def test_deviation_rounds_up(a, b):
    d = deviation_bps(a, b)
    assert d * b >= abs(a - b) * 10_000 > (d - 1) * b


@given(st.lists(st.integers(0, 2**128), min_size=1, max_size=8))
def test_median_sits_between_the_middle_values(values):
    ordered = sorted(values)
    m = median(ordered)
    assert ordered[(len(ordered) - 1) // 2] <= m <= ordered[len(ordered) // 2]


@given(st.lists(st.integers(1, 2**128), min_size=1, max_size=8), st.integers(1, 10_000))
def test_agreeing_sources_are_within_the_limit_of_the_overall_median(values, limit):
    agreement = agreeing_median(values, limit)
    overall = median(sorted(values))
    kept = [v for v in values if deviation_bps(v, overall) <= limit]
    assert agreement.agreeing == len(kept)
    if kept:
        assert min(kept) <= agreement.median <= max(kept)


def test_judge_round_outcomes():
    half = ONE // 2
    assert judge_round([half], 0, 0, RULES).status == Status.TOO_FEW_SOURCES
    assert judge_round([half, half * 13 // 10], 0, 0, RULES).status == Status.SOURCES_DIVERGE
    minority = judge_round([half, half, half * 13 // 10], 0, 0, RULES)
    assert (minority.status, minority.price, minority.sources) == (Status.OK, half, 2)
    assert judge_round([ONE * 2000, ONE * 2000], 0, 0, RULES).status == Status.PRICE_OUT_OF_BOUNDS
    jump = judge_round([half * 13 // 10] * 3, half, 0, RULES)
    assert (jump.status, jump.price, jump.candidate) == (Status.MOVE_TOO_LARGE, half, half * 13 // 10)
    confirmed = judge_round([half * 13 // 10] * 3, half, jump.candidate, RULES)
    assert (confirmed.status, confirmed.price) == (Status.OK, half * 13 // 10)


def test_keeper_schedule_and_formatting():
    assert seconds_until_due(now=1000, updated_at=0, window=1800) == 800
    assert seconds_until_due(now=5000, updated_at=0, window=1800) == 0
    assert format_usd(ONE // 2) == "$0.500000"
    assert format_usd(1234 * ONE + 1) == "$1,234.000000"

"""The oracle's Python arithmetic (synor.oracle.twap): known values and properties (hypothesis)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.oracle.twap import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    ONE,
    TICK_FACTORS,
    RoundRules,
    Status,
    agreeing_median,
    deviation_bps,
    format_usd,
    interval_deviation_bps,
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
    v2_harmonic_price,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import tickmath_constants

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


intervals = st.tuples(st.integers(1, 2**128), st.integers(0, 2**64)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(intervals, min_size=1, max_size=8), st.integers(1, 10_000))
def test_agreeing_sources_reach_within_the_limit_of_the_median_of_all_means(means, limit):
    agreement = agreeing_median(means, limit)
    overall = median(sorted(m for pair in means for m in pair))
    kept = [(lo, hi) for lo, hi in means if interval_deviation_bps(lo, hi, overall) <= limit]
    assert agreement.agreeing == len(kept)
    if kept:
        assert min(lo for lo, _ in kept) <= agreement.median <= max(hi for _, hi in kept)


def test_interval_deviation():
    assert interval_deviation_bps(90, 110, 100) == 0
    assert interval_deviation_bps(80, 95, 100) == 500
    assert interval_deviation_bps(106, 200, 100) == 600


def _one_block_pump(factor_num: int, factor_den: int, block: int, period: int) -> tuple[int, int]:
    """A V2 pair at $1 (UQ112x112, scale 1e18) moved to factor_num/factor_den for `block` of `period`
    seconds: its (harmonic, arithmetic) means from the two cumulatives."""
    one = 2**112
    price = one * factor_num // factor_den
    inverse = one * factor_den // factor_num
    cumulative = one * (period - block) + price * block
    inverse_cumulative = one * (period - block) + inverse * block
    return (
        v2_harmonic_price(inverse_cumulative, period, ONE),
        v2_average_price(cumulative, period, ONE),
    )


def test_v2_harmonic_and_arithmetic_means_bracket_a_one_block_spike():
    low, high = _one_block_pump(100, 1, 12, 1800)  # 100x up for 12 s of 30 minutes
    assert high > ONE * 165 // 100  # the arithmetic mean moves 66%
    assert ONE < low < ONE * 10067 // 10_000  # the harmonic mean under 0.67%: 12 / (1800 - 12)
    low, high = _one_block_pump(1, 100, 12, 1800)  # 100x down
    assert low < ONE * 61 // 100
    assert ONE * 9933 // 10_000 < high < ONE
    assert v2_harmonic_price(0, 1800, ONE) == 0


@given(
    st.integers(1, 100),
    st.booleans(),
    st.integers(1, 100),
    st.booleans(),
    st.sampled_from([(0, 1), (0, 3), (2, 3)]),
)
def test_half_the_sources_spiked_for_one_block_move_the_candidate_under_one_percent(
    k1, up1, k2, up2, victims
):
    """Four sources at $1 (three V2, the fourth V3); two spiked up to 100x up or down for one 12-second
    block of a 30-minute window. Accepted or refused, an accepted candidate is within 0.34%."""
    means = [(ONE, ONE)] * 4
    for index, k, up in zip(victims, (k1, k2), (up1, up2), strict=True):
        num, den = (k, 1) if up else (1, k)
        if index == 3:  # V3: the geometric mean k^(12/1800), bounded here by the V2 arithmetic mean
            hm, am = _one_block_pump(num, den, 12, 1800)
            g = am if up else hm
            means[index] = (g, g)
        else:
            means[index] = _one_block_pump(num, den, 12, 1800)
    outcome = judge_round(means, ONE, 0, RULES)
    if outcome.status == Status.OK:
        assert abs(outcome.price - ONE) * 10_000 <= ONE * 34
    else:
        assert outcome.price == ONE


def test_judge_round_outcomes():
    half = ONE // 2
    p = (half, half)
    up30 = (half * 13 // 10, half * 13 // 10)
    assert judge_round([p], 0, 0, RULES).status == Status.TOO_FEW_SOURCES
    assert judge_round([p, up30], 0, 0, RULES).status == Status.SOURCES_DIVERGE
    minority = judge_round([p, p, up30], 0, 0, RULES)
    assert (minority.status, minority.price, minority.sources) == (Status.OK, half, 2)
    # Half is not a majority: two of four at +30% refuse the round and keep the accepted price.
    split = judge_round([p, p, up30, up30], half, 0, RULES)
    assert (split.status, split.price) == (Status.SOURCES_DIVERGE, half)
    assert judge_round([(ONE * 2000, ONE * 2000)] * 2, 0, 0, RULES).status == Status.PRICE_OUT_OF_BOUNDS
    jump = judge_round([up30] * 3, half, 0, RULES)
    assert (jump.status, jump.price, jump.candidate) == (Status.MOVE_TOO_LARGE, half, half * 13 // 10)
    confirmed = judge_round([up30] * 3, half, jump.candidate, RULES)
    assert (confirmed.status, confirmed.price) == (Status.OK, half * 13 // 10)


def test_tick_factors_are_derived_from_the_mathematics():
    """The table equals round(2^128 / sqrt(1.0001)^(2^i)) computed exactly (tools/tickmath_constants.py),
    and TickMath.sol holds the same constants."""
    derived = tickmath_constants.factors()
    assert list(TICK_FACTORS) == derived
    assert tickmath_constants._solidity_constants() == derived


@pytest.mark.parametrize("tick", [MIN_TICK, -77_777, -1, 0, 1, 50, 4_321, 66_666, MAX_TICK])
def test_tick_math_is_within_one_unit_and_2_pow_minus_64_of_the_exact_value(tick):
    exact = tickmath_constants.sqrt_ratio_floor(tick)  # floor(sqrt(1.0001^tick) * 2^96), exactly
    got = sqrt_ratio_at_tick(tick)
    assert abs(got - exact) <= 1 + (exact >> 64)


def test_keeper_schedule_and_formatting():
    assert seconds_until_due(now=1000, updated_at=0, window=1800) == 800
    assert seconds_until_due(now=5000, updated_at=0, window=1800) == 0
    assert format_usd(ONE // 2) == "$0.500000"
    assert format_usd(1234 * ONE + 1) == "$1,234.000000"

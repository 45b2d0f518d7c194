"""The Python money model: exact, rounded the contracts' way (property-based)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synor.money import MAX_TIMESTAMP, ONE, ceil_div, extended_until, runway_cost, seconds_for

prices = st.integers(min_value=1, max_value=2**128 - 1)
durations = st.integers(min_value=0, max_value=MAX_TIMESTAMP)


@given(durations, prices)
def test_cost_is_the_smallest_integer_covering_the_exact_price(seconds, price):
    cost = runway_cost(seconds, price)
    assert cost * ONE >= seconds * price
    assert cost == 0 or (cost - 1) * ONE < seconds * price


@given(st.integers(0, MAX_TIMESTAMP // 2), st.integers(0, MAX_TIMESTAMP // 2), prices)
def test_splitting_a_purchase_never_costs_less(a, b, price):
    assert runway_cost(a, price) + runway_cost(b, price) >= runway_cost(a + b, price)


@given(st.integers(0, 2**200), prices)
def test_seconds_for_buys_the_most_affordable(amount, price):
    seconds = seconds_for(amount, price)
    assert runway_cost(seconds, price) <= amount
    assert seconds == MAX_TIMESTAMP or runway_cost(seconds + 1, price) > amount


def test_cartesi_example():
    price = 33_052_248_677_249_000_000
    assert runway_cost(604_800, price) == 19_990_001
    assert runway_cost(1_209_600, price) == 39_980_001


@given(st.integers(0, 2**40), st.integers(0, 2**40), st.integers(1, 2**40))
def test_lapsed_runway_restarts_from_now(until, now, seconds):
    assert extended_until(until, now, seconds) == max(until, now) + seconds


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ceil_div(1, 0), "denominator"),
        (lambda: ceil_div(-1, 2), "numerator"),
        (lambda: runway_cost(-1, ONE), "seconds"),
        (lambda: runway_cost(MAX_TIMESTAMP + 1, ONE), "seconds"),
        (lambda: seconds_for(-1, ONE), "amount"),
        (lambda: seconds_for(1, 0), "price"),
    ],
)
def test_invalid_arguments_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()

"""synor.pricing.rating: the seed's book, card validation and the rating's properties (hypothesis).

The same rating runs on chain (contracts/billing/lib/Rating.sol); tests/contracts/billing/
test_rating_differential.py requires the two to agree to the base unit.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synor.pricing.catalogue import CATALOGUE, GB, MONTH
from synor.pricing.rating import (
    MAX_UINT256,
    SEED_BOOK,
    UNBOUNDED,
    CardError,
    Currency,
    RateCard,
    RatingOverflow,
    Tier,
    TierMode,
    charge_up,
    mul_div_up,
    rate_sequence,
    slice_charge_up,
    synor_for_usd_up,
)

ONE = 10**18


@st.composite
def cards(draw: st.DrawFn, max_price: int = 2**80, max_step: int = 2**64) -> RateCard:
    n = draw(st.integers(1, 8))
    steps = draw(st.lists(st.integers(1, max_step), min_size=n - 1, max_size=n - 1))
    bounds = []
    total = 0
    for step in steps:
        total += step
        bounds.append(total)
    prices = draw(st.lists(st.one_of(st.just(0), st.integers(0, max_price)), min_size=n, max_size=n))
    return RateCard(
        unit_size=draw(st.one_of(st.sampled_from([1, GB, GB * MONTH, 10**6]), st.integers(1, 2**64))),
        tiers=tuple(Tier(b, p) for b, p in zip([*bounds, UNBOUNDED], prices, strict=True)),
        currency=draw(st.sampled_from(Currency)),
        mode=draw(st.sampled_from(TierMode)),
    ).validate()


quantities = st.one_of(st.integers(0, 10**6), st.integers(0, 2**70), st.integers(0, 2**160))


def exact(card: RateCard, q: int) -> Fraction:
    """The exact charge by definition: graduated sums slices; volume maximises over every q' <= q."""
    lower = 0
    best = Fraction(0)
    total = Fraction(0)
    for i, tier in enumerate(card.tiers):
        upper = MAX_UINT256 if i + 1 == len(card.tiers) else tier.up_to
        if q > lower or i == 0:
            part = min(q, upper)
            total += Fraction((part - lower) * tier.price, card.unit_size)
            best = max(best, Fraction(part * tier.price, card.unit_size))
        lower = upper
    return total if card.mode is TierMode.GRADUATED else best


def test_seed_book_is_the_whole_table_at_seed_prices():
    assert list(SEED_BOOK) == list(CATALOGUE)
    for name, card in SEED_BOOK.items():
        entry = CATALOGUE[name]
        assert card.unit_size == entry.unit_size and card.currency is Currency.SYNOR
        assert charge_up(card, entry.unit_size) == entry.seed_price  # one billing unit costs the seed price
    assert SEED_BOOK["compute.gpu.rtx4090"].tiers == (Tier(UNBOUNDED, ONE // 2),)
    assert charge_up(SEED_BOOK["hosting.ssl"], MAX_UINT256) == 0


def test_500_gb_months_cost_exactly_10_synor_and_one_byte_second_one_base_unit():
    storage = SEED_BOOK["storage.capacity"]
    assert charge_up(storage, 500 * GB * MONTH) == 10 * ONE
    assert charge_up(storage, 1) == 8  # 0.02 SYNOR / 2.592e15 = 7.7 base units, rounded up
    # A thousand one-byte-second reports cost what one report of their total costs (7,716.05 rounded up
    # once), not a thousand roundings (8,000).
    assert sum(rate_sequence(storage, range(1, 1001))) == charge_up(storage, 1000) == 7_717


def test_graduated_and_volume_worked_example():
    tiers = (Tier(100, 0), Tier(1_000, 2 * ONE), Tier(UNBOUNDED, ONE))
    graduated = RateCard(10, tiers)
    volume = RateCard(10, tiers, mode=TierMode.VOLUME)
    # graduated: 100 free, 900 at 0.2 per unit of 1, 500 at 0.1
    assert charge_up(graduated, 1_500) == 900 * 2 * ONE // 10 + 500 * ONE // 10
    # volume: 1,500 units all at 1 per 10 = 150, but the running maximum keeps 1,000 at 2 per 10 = 200
    assert charge_up(volume, 1_000) == 200 * ONE
    assert charge_up(volume, 1_500) == 200 * ONE
    assert charge_up(volume, 2_500) == 250 * ONE
    charge = slice_charge_up(graduated, 50, 1_200)
    assert charge.slices == (50, 900, 200, 0, 0, 0, 0, 0)
    assert charge.amount == charge_up(graduated, 1_200)


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (RateCard(0, (Tier(UNBOUNDED, 1),)), "unit size"),
        (RateCard(1, ()), "1 to 8 tiers"),
        (RateCard(1, (*(Tier(i + 1, 1) for i in range(8)), Tier(UNBOUNDED, 1))), "1 to 8 tiers"),
        (RateCard(1, (Tier(5, 1), Tier(5, 1), Tier(UNBOUNDED, 1))), "not above"),
        (RateCard(1, (Tier(5, 1), Tier(6, 1))), "unbounded"),
        (RateCard(1, (Tier(UNBOUNDED, 2**128),)), "uint128"),
    ],
)
def test_invalid_cards_are_refused(card, message):
    with pytest.raises(CardError, match=message):
        card.validate()


def test_overflow_is_named_and_the_largest_charge_fits():
    card = RateCard.flat(1, UNBOUNDED)
    with pytest.raises(RatingOverflow):
        charge_up(card, 2**200)
    assert charge_up(RateCard.flat(2, 1), MAX_UINT256) == 2**255
    with pytest.raises(RatingOverflow):
        mul_div_up(MAX_UINT256, 3, 2)
    with pytest.raises(ValueError, match="uint256"):
        charge_up(card, -1)


@given(cards(), quantities)
def test_rounds_up_once_on_the_exact_charge(card, q):
    assert charge_up(card, q) == ceil(exact(card, q))


@given(cards(), quantities, quantities)
def test_monotone(card, a, b):
    low, high = sorted((a, b))
    assert charge_up(card, low) <= charge_up(card, high)


@settings(max_examples=200)
@given(cards(), st.lists(quantities, min_size=1, max_size=20))
def test_successive_reports_sum_to_the_rating_of_the_total(card, cumulatives):
    steps = rate_sequence(card, cumulatives)
    assert sum(steps) == charge_up(card, max(cumulatives))
    assert all(step >= 0 for step in steps)


@given(cards(), quantities, quantities)
def test_tier_slices_partition_the_new_quantity(card, a, b):
    old, new = sorted((a, b))
    charge = slice_charge_up(card, old, new)
    assert sum(charge.slices) == new - old
    assert len(charge.slices) == 8 and all(s == 0 for s in charge.slices[len(card.tiers) :])
    assert slice_charge_up(card, new, old).amount == 0 or new == old


@given(st.integers(0, 2**128), st.integers(1, 2**100))
def test_synor_for_usd_rounds_up(usd, price):
    assert synor_for_usd_up(usd, price) == ceil(Fraction(usd * ONE, price))


@given(cards(max_step=1_000), st.integers(0, 10_000))
def test_volume_is_the_running_maximum(card, q):
    """Brute force on small quantities: volume = max over q' <= q of q' at its reached tier's price."""
    volume = RateCard(card.unit_size, card.tiers, card.currency, TierMode.VOLUME)

    def raw(x: int) -> Fraction:
        tier = next(t for i, t in enumerate(volume.tiers) if x <= t.up_to or i + 1 == len(volume.tiers))
        return Fraction(x * tier.price, volume.unit_size)

    assert charge_up(volume, q) == ceil(max(raw(x) for x in range(q + 1)))

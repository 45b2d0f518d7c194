"""Differential test: synor.pricing.rating and the contracts' Rating library agree to the base unit.

Thousands of random cases (cards of 1 to 8 tiers, graduated and volume, SYNOR and USD prices, free
tiers, quantities from single units to beyond 2^128, cumulative sequences with repeated and lower
reports, USD converted at a given rate), rated in Python and on chain through batched views; a case
that overflows must overflow on both sides. The seeded PriceBook is checked the same way.
"""

from __future__ import annotations

import random
from typing import Any

import ape
import pytest
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3.exceptions import ContractLogicError

from synor.pricing.catalogue import CATALOGUE
from synor.pricing.rating import (
    SEED_BOOK,
    UNBOUNDED,
    Currency,
    RateCard,
    RatingOverflow,
    Tier,
    TierMode,
    charge_up,
    rate_sequence,
    slice_charge_up,
    synor_for_usd_up,
)

CARDS = 1_000
BATCH = 50
SEQUENCE = 12  # 1,000 cards x 12 cumulatives: 12,000 ratings, report charges and conversions each


def random_card(rng: random.Random) -> RateCard:
    n = rng.randint(1, 8)
    bits = rng.choice([8, 32, 64, 100, 120])
    bounds = sorted({rng.randrange(1, 2**bits) for _ in range(n - 1)})
    n = len(bounds) + 1
    price_bits = rng.choice([0, 20, 60, 64, 100, 128])
    prices = [0 if rng.random() < 0.15 else rng.randrange(2**price_bits) for _ in range(n)]
    return RateCard(
        unit_size=rng.choice(
            [1, 10**6, 3_600, 10**9, 3_600 * 10**9, 2_592_000 * 10**9, rng.randrange(1, 2**128)]
        ),
        tiers=tuple(Tier(b, p) for b, p in zip([*bounds, UNBOUNDED], prices, strict=True)),
        currency=rng.choice(list(Currency)),
        mode=rng.choice(list(TierMode)),
    ).validate()


def random_cumulatives(rng: random.Random, card: RateCard) -> list[int]:
    edges = [t.up_to for t in card.tiers[:-1]]
    scale = rng.choice([10**3, 2**64, 2**128, 2**200])
    out = []
    current = 0
    for _ in range(SEQUENCE):
        pick = rng.random()
        if pick < 0.2 and edges:
            current = rng.choice(edges) + rng.choice([-1, 0, 1])  # around a tier boundary
        elif pick < 0.3:
            current = max(0, current - rng.randrange(scale))  # a lower report
        elif pick < 0.4:
            pass  # a repeated report
        else:
            current += rng.randrange(scale)
        current = max(0, current)
        out.append(current)
    return out


def python_sequence(
    card: RateCard, cumulatives: list[int], rate: int
) -> tuple[list[int], list[int], list[int]]:
    charges = [charge_up(card, q) for q in cumulatives]
    steps = rate_sequence(card, cumulatives)
    converted = [synor_for_usd_up(c, rate) for c in charges]
    return charges, steps, converted


def test_python_and_chain_agree_on_thousands_of_random_cases(project, deployer):
    harness = project.RatingHarness.deploy(sender=deployer)
    rng = random.Random(20261123)
    cases: list[tuple[RateCard, list[int], int, tuple[list[int], list[int], list[int]]]] = []
    overflowing: list[tuple[RateCard, list[int], int]] = []
    for _ in range(CARDS):
        card = random_card(rng)
        cumulatives = random_cumulatives(rng, card)
        rate = rng.choice(
            [2 * 10**18, 10**18 // 3, rng.randrange(1, 2**100)]
        )  # USD per SYNOR (the oracle's price)
        try:
            cases.append((card, cumulatives, rate, python_sequence(card, cumulatives, rate)))
        except RatingOverflow:
            overflowing.append((card, cumulatives, rate))
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        charges, steps, converted = harness.rateMany(
            [c.as_tuple() for c, _, _, _ in batch], [q for _, q, _, _ in batch], [r for _, _, r, _ in batch]
        )
        for i, (card, _, _, expected) in enumerate(batch):
            assert [list(charges[i]), list(steps[i]), list(converted[i])] == list(map(list, expected)), card
    # What overflows in Python reverts on chain with the named error (checked on the raw revert data:
    # ape's revert tracing would take seconds per case).
    selector = keccak(text="Rating_Overflow()")[:4]
    web3 = ape.chain.provider.web3
    for card, cumulatives, rate in overflowing:
        data = harness.rateSequence.encode_input(card.as_tuple(), cumulatives, rate)
        with pytest.raises(ContractLogicError) as failure:
            web3.eth.call({"to": harness.address, "data": data})
        revert_data = failure.value.data
        assert isinstance(revert_data, str) and HexBytes(revert_data)[:4] == selector
    assert len(cases) * SEQUENCE >= 10_000 and len(overflowing) >= 5  # both paths were exercised


def test_slices_agree(project, deployer):
    harness = project.RatingHarness.deploy(sender=deployer)
    rng = random.Random(7)
    for _ in range(30):
        card = random_card(rng)
        old, new = sorted(random_cumulatives(rng, card)[:2])
        try:
            expected = slice_charge_up(card, old, new)
        except RatingOverflow:
            continue
        amount, slices = harness.slice(card.as_tuple(), old, new)
        assert (amount, tuple(slices)) == (expected.amount, expected.slices)


def test_the_seeded_price_book_rates_like_python(book: Any):
    rng = random.Random(14)
    period = book.currentPeriod()
    for name, card in SEED_BOOK.items():
        resource_id = CATALOGUE[name].resource_id
        for _ in range(2):
            old, new = sorted(rng.randrange(card.unit_size * 10**6) for _ in range(2))
            charge = book.rate(resource_id, period, old, new)
            expected = slice_charge_up(card, old, new)
            assert charge.amount == expected.amount and tuple(charge.slices) == expected.slices, name

"""PriceBook: seeding, timelocked versioned cards, validation, access, rating reads and their gas."""

from __future__ import annotations

from typing import Any

import ape
import pytest

from devstack.pricing import seed_arguments
from devstack.uniswap import through_timelock
from synor.pricing.catalogue import CATALOGUE, GB, MONTH
from synor.pricing.rating import (
    MAX_UINT256,
    SEED_BOOK,
    UNBOUNDED,
    Currency,
    RateCard,
    Tier,
    TierMode,
    charge_up,
    slice_charge_up,
)
from tests.contracts.billing.conftest import PERIOD, set_card

ONE = 10**18
STORAGE = CATALOGUE["storage.capacity"].resource_id
UNKNOWN = b"\x42" * 32
TIERED = RateCard(
    unit_size=1_000,
    tiers=(Tier(10_000, 0), Tier(1_000_000, 3 * ONE), Tier(UNBOUNDED, ONE)),
    currency=Currency.USD,
    mode=TierMode.GRADUATED,
)
EIGHT = RateCard(
    unit_size=GB,
    tiers=(*(Tier(GB * 10 ** (i + 1), ONE // (i + 1)) for i in range(7)), Tier(UNBOUNDED, 1)),
)


def to_card(raw: Any) -> RateCard:
    currency, mode, unit_size, tiers = raw
    return RateCard(
        int(unit_size), tuple(Tier(int(t[0]), int(t[1])) for t in tiers), Currency(currency), TierMode(mode)
    )


def next_period(chain: Any, book: Any) -> None:
    """Moves the next block to the start of the next period."""
    chain.pending_timestamp = book.genesis() + (book.currentPeriod() + 1) * PERIOD
    chain.mine()


# ------------------------------------------------------------------ deployment and seeding


def test_seeds_the_whole_table_from_the_current_period(book, timelock, genesis):
    assert book.timelock() == timelock.address
    assert book.genesis() == genesis and book.periodLength() == PERIOD
    assert book.currentPeriod() == 10
    assert [bytes(r) for r in book.resources()] == [CATALOGUE[n].resource_id for n in CATALOGUE]
    for name, card in SEED_BOOK.items():
        from_period, raw = book.currentRateCard(CATALOGUE[name].resource_id)
        assert from_period == 10 and to_card(raw) == card
        assert book.versionCount(CATALOGUE[name].resource_id) == 1


def test_500_gb_months_of_storage_cost_exactly_10_synor(book):
    charge = book.rate(STORAGE, 10, 0, 500 * GB * MONTH)
    assert charge.amount == 10 * ONE
    assert charge.currency == Currency.SYNOR and charge.tierCount == 1
    assert list(charge.slices) == [500 * GB * MONTH] + [0] * 7


def test_quantities_beyond_2_64_rate_exactly(book):
    ten_tb_month = 10 * 10**12 * MONTH  # > 2**64 byte-seconds
    assert ten_tb_month > 2**64
    assert book.rateCumulative(STORAGE, 10, ten_tb_month) == charge_up(
        SEED_BOOK["storage.capacity"], ten_tb_month
    )
    assert book.rateCumulative(STORAGE, 10, ten_tb_month) == 200 * ONE


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (lambda g, t: (g, 0, t), "PriceBook_ZeroPeriodLength"),
        (lambda g, t: (g, PERIOD, ape.utils.ZERO_ADDRESS), "PriceBook_ZeroAddress"),
        (lambda g, t: (g + 100 * PERIOD, PERIOD, t), "PriceBook_GenesisInFuture"),
    ],
)
def test_constructor_refuses_bad_parameters(project, deployer, timelock, genesis, args, error):
    with ape.reverts(getattr(project.PriceBook, error)):
        project.PriceBook.deploy(*args(genesis, timelock), [], [], sender=deployer)


def test_constructor_refuses_mismatched_lists(project, deployer, timelock, genesis):
    ids, cards = seed_arguments()
    with ape.reverts(project.PriceBook.PriceBook_LengthMismatch):
        project.PriceBook.deploy(genesis, PERIOD, timelock, ids, cards[:-1], sender=deployer)


@pytest.mark.parametrize(
    ("card", "error", "inputs"),
    [
        ((0, 0, 0, [(UNBOUNDED, 1)]), "PriceBook_ZeroUnitSize", {}),
        ((0, 0, 1, []), "PriceBook_BadTierCount", {"count": 0}),
        (
            (0, 0, 1, [(i + 1, 1) for i in range(8)] + [(UNBOUNDED, 1)]),
            "PriceBook_BadTierCount",
            {"count": 9},
        ),
        ((0, 0, 1, [(5, 1), (5, 1), (UNBOUNDED, 1)]), "PriceBook_TiersNotIncreasing", {"index": 1}),
        ((0, 1, 1, [(5, 1), (6, 1)]), "PriceBook_LastTierBounded", {}),
    ],
)
def test_invalid_cards_are_refused(project, deployer, timelock, genesis, card, error, inputs):
    with ape.reverts(getattr(project.PriceBook, error), **inputs):
        project.PriceBook.deploy(genesis, PERIOD, timelock, [UNKNOWN], [card], sender=deployer)


def test_eight_tiers_is_the_limit(project, deployer, timelock, genesis):
    assert project.PriceBook.deploy(genesis, PERIOD, timelock, [UNKNOWN], [EIGHT.as_tuple()], sender=deployer)


# ------------------------------------------------------------------ access


@pytest.mark.parametrize("who", ["deployer", "stranger"])
def test_only_the_timelock_sets_or_cancels_cards(book, request, who):
    caller = request.getfixturevalue(who)
    with ape.reverts(book.PriceBook_NotTimelock, caller=caller.address):
        book.setRateCard(STORAGE, 11, TIERED.as_tuple(), sender=caller)
    with ape.reverts(book.PriceBook_NotTimelock, caller=caller.address):
        book.cancelRateCard(STORAGE, 11, sender=caller)


# ------------------------------------------------------------------ versions


def test_a_scheduled_card_takes_effect_at_the_next_period_boundary(chain, book, timelock, deployer):
    receipt = set_card(book, timelock, deployer, STORAGE, 11, TIERED)
    [event] = receipt.events.filter(book.RateCardSet)
    assert bytes(event.resource) == STORAGE and event.fromPeriod == 11 and to_card(event.card) == TIERED
    # Still period 10: the seed card rates now, the new one is readable as scheduled.
    assert book.currentPeriod() == 10
    assert to_card(book.currentRateCard(STORAGE)[1]) == SEED_BOOK["storage.capacity"]
    scheduled, from_period, raw = book.scheduledRateCard(STORAGE)
    assert scheduled and from_period == 11 and to_card(raw) == TIERED
    assert book.versionCount(STORAGE) == 2
    assert to_card(book.versionAt(STORAGE, 1)[1]) == TIERED
    assert book.versionAt(STORAGE, 0)[0] == 10
    with ape.reverts(book.PriceBook_NoVersion, resource=STORAGE, index=2):
        book.versionAt(STORAGE, 2)
    next_period(chain, book)
    assert book.currentPeriod() == 11
    assert book.currentRateCard(STORAGE)[0] == 11 and to_card(book.currentRateCard(STORAGE)[1]) == TIERED
    assert not book.scheduledRateCard(STORAGE)[0]
    # Usage is rated by the card of the period it happened in, whenever it is rated.
    quantity = 2_000_000
    assert book.rateCumulative(STORAGE, 10, quantity) == charge_up(SEED_BOOK["storage.capacity"], quantity)
    assert book.rateCumulative(STORAGE, 11, quantity) == charge_up(TIERED, quantity)
    assert book.rateCumulative(STORAGE, 500, quantity) == charge_up(TIERED, quantity)
    charge = book.rate(STORAGE, 11, 5_000, quantity)
    expected = slice_charge_up(TIERED, 5_000, quantity)
    assert charge.amount == expected.amount and tuple(charge.slices) == expected.slices
    assert charge.currency == Currency.USD and charge.tierCount == 3


def test_cards_cannot_change_the_current_or_a_past_period(book, timelock, deployer):
    data = book.setRateCard.encode_input(STORAGE, 10, TIERED.as_tuple())
    # The timelock passes the PriceBook's error on as the execution's failure.
    with ape.reverts(book.PriceBook_PeriodNotInFuture, fromPeriod=10, currentPeriod=10):
        through_timelock(timelock, book, data, deployer)


def test_period_rules_checked_directly_as_the_timelock(chain, book, timelock, deployer):
    """The rules, called with the timelock's address as sender (impersonated), so each error is named."""
    tl = ape.accounts[timelock.address]
    deployer.transfer(tl, ONE)
    with ape.reverts(book.PriceBook_PeriodNotInFuture, fromPeriod=9, currentPeriod=10):
        book.setRateCard(STORAGE, 9, TIERED.as_tuple(), sender=tl)
    with ape.reverts(book.PriceBook_PeriodNotInFuture, fromPeriod=10, currentPeriod=10):
        book.setRateCard(STORAGE, 10, TIERED.as_tuple(), sender=tl)
    book.setRateCard(STORAGE, 13, TIERED.as_tuple(), sender=tl)
    with ape.reverts(book.PriceBook_PeriodBeforeScheduled, fromPeriod=12, scheduledPeriod=13):
        book.setRateCard(STORAGE, 12, EIGHT.as_tuple(), sender=tl)
    # The same period replaces the scheduled card.
    book.setRateCard(STORAGE, 13, EIGHT.as_tuple(), sender=tl)
    assert book.versionCount(STORAGE) == 2 and to_card(book.scheduledRateCard(STORAGE)[2]) == EIGHT
    # A later one is appended; the next scheduled is still period 13's.
    book.setRateCard(STORAGE, 14, TIERED.as_tuple(), sender=tl)
    assert book.versionCount(STORAGE) == 3 and book.scheduledRateCard(STORAGE)[1] == 13
    # Cancelling: only the latest, only before it takes effect.
    with ape.reverts(book.PriceBook_NothingScheduled, resource=STORAGE, fromPeriod=13):
        book.cancelRateCard(STORAGE, 13, sender=tl)
    receipt = book.cancelRateCard(STORAGE, 14, sender=tl)
    [event] = receipt.events.filter(book.RateCardCancelled)
    assert bytes(event.resource) == STORAGE and event.fromPeriod == 14
    assert book.versionCount(STORAGE) == 2
    with ape.reverts(book.PriceBook_NothingScheduled, resource=STORAGE, fromPeriod=10):
        book.cancelRateCard(STORAGE, 10, sender=tl)
    with ape.reverts(book.PriceBook_NothingScheduled, resource=UNKNOWN, fromPeriod=11):
        book.cancelRateCard(UNKNOWN, 11, sender=tl)
    for _ in range(3):
        next_period(chain, book)
    assert book.currentPeriod() == 13
    with ape.reverts(book.PriceBook_NothingScheduled, resource=STORAGE, fromPeriod=13):
        book.cancelRateCard(STORAGE, 13, sender=tl)
    assert to_card(book.currentRateCard(STORAGE)[1]) == EIGHT
    assert to_card(book.rateCard(STORAGE, 12)[1]) == SEED_BOOK["storage.capacity"]


def test_a_new_resource_starts_now_and_is_unknown_before(book, timelock, deployer):
    with ape.reverts(book.PriceBook_UnknownResource, resource=UNKNOWN, period=10):
        book.rate(UNKNOWN, 10, 0, 1)
    with ape.reverts(book.PriceBook_UnknownResource, resource=UNKNOWN, period=10):
        book.currentRateCard(UNKNOWN)
    set_card(book, timelock, deployer, UNKNOWN, 10, TIERED)
    assert bytes(book.resources()[-1]) == UNKNOWN and len(book.resources()) == 15
    assert book.rateCumulative(UNKNOWN, 10, 50_000) == charge_up(TIERED, 50_000)
    with ape.reverts(book.PriceBook_UnknownResource, resource=UNKNOWN, period=9):
        book.rateCumulative(UNKNOWN, 9, 50_000)
    with ape.reverts(book.PriceBook_UnknownResource, resource=UNKNOWN, period=9):
        book.rateCard(UNKNOWN, 9)


def test_periods(book, genesis):
    assert book.periodAt(genesis) == 0
    assert book.periodAt(genesis + PERIOD - 1) == 0
    assert book.periodAt(genesis + PERIOD) == 1
    with ape.reverts(book.PriceBook_BeforeGenesis, timestamp=genesis - 1):
        book.periodAt(genesis - 1)
    assert book.periodAt(genesis + PERIOD * (2**64 - 1)) == 2**64 - 1
    with ape.reverts(book.SafeCastOverflowedUintDowncast):
        book.periodAt(genesis + PERIOD * 2**64)


# ------------------------------------------------------------------ rating


def test_lower_or_repeated_cumulatives_charge_nothing(book):
    assert book.rate(STORAGE, 10, 1_000, 1_000).amount == 0
    charge = book.rate(STORAGE, 10, 1_000, 10)
    assert charge.amount == 0 and list(charge.slices) == [0] * 8


def test_an_overflowing_charge_reverts_with_a_named_error(book):
    with ape.reverts(book.Rating_Overflow):
        book.rateCumulative(STORAGE, 10, MAX_UINT256)
    with ape.reverts(book.Rating_Overflow):
        book.rate(STORAGE, 10, 0, MAX_UINT256)


def test_free_ssl_certificates_cost_nothing(book):
    assert book.rateCumulative(CATALOGUE["hosting.ssl"].resource_id, 10, MAX_UINT256) == 0


def test_rating_gas(project, deployer, book, timelock, genesis):
    one_tier = book.rate.estimate_gas_cost(STORAGE, 10, 10**20, 2 * 10**20, sender=deployer)
    eight = project.PriceBook.deploy(
        genesis, PERIOD, timelock, [UNKNOWN], [EIGHT.as_tuple()], sender=deployer
    )
    eight_tiers = eight.rate.estimate_gas_cost(UNKNOWN, 10, GB, 10**20, sender=deployer)
    print(f"\ngas.pricebook.rate.tiers1 {one_tier}\ngas.pricebook.rate.tiers8 {eight_tiers}")
    assert one_tier <= 40_000
    assert eight_tiers <= 70_000


def test_scheduling_gas(chain, book, timelock, deployer):
    """A card change costs a timelock `schedule` and an `execute` (which runs `setRateCard`)."""
    zero = b"\x00" * 32
    for label, card, salt in (
        ("tiers1", RateCard.flat(GB, ONE), b"\x01" * 32),
        ("tiers8", EIGHT, b"\x08" * 32),
    ):
        data = book.setRateCard.encode_input(STORAGE, 11, card.as_tuple())
        scheduled = timelock.schedule(book, 0, data, zero, salt, timelock.getMinDelay(), sender=deployer)
        chain.pending_timestamp += timelock.getMinDelay()
        executed = timelock.execute(book, 0, data, zero, salt, sender=deployer)
        print(f"\ngas.pricebook.schedule.{label} {scheduled.gas_used} execute {executed.gas_used}")
        assert scheduled.gas_used <= 120_000 and executed.gas_used <= 300_000

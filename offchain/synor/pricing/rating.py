"""Rating, identical to the contracts' ``Rating`` library: pure, integer-only, exact.

A rate card prices a resource per *billing unit* (``unit_size`` base quantities) in 18-decimal fixed
point of SYNOR or USD, over 1 to 8 tiers of the cumulative quantity one account used from one operator
in one period. Tier ``i`` covers ``(tiers[i-1].up_to, tiers[i].up_to]`` (from 0 for the first); the last
tier is unbounded (``up_to = UNBOUNDED``).

- graduated: each slice at its tier's price;
- volume: every unit at the reached tier's price, as a running maximum, so a charge never falls;
- a free allowance is a zero-price first tier.

``charge_up(card, q)`` is the exact charge ``sum(slice_i * price_i) / unit_size`` rounded up once, so
``slice_charge_up(card, old, new) = charge_up(new) - charge_up(old)`` over successive cumulatives sums
exactly to ``charge_up(total)``. Amounts above ``2**256 - 1`` raise :class:`RatingOverflow`, as the
contract reverts ``Rating_Overflow``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from synor.pricing.catalogue import CATALOGUE, Resource

MAX_UINT256 = 2**256 - 1
UNBOUNDED = 2**128 - 1
"""The ``up_to`` of a card's last tier: it has no upper bound."""
MAX_TIERS = 8
PRICE_SCALE = 10**18


class RatingOverflow(ArithmeticError):
    """A charge or conversion does not fit in a uint256 (the contract reverts ``Rating_Overflow``)."""


class CardError(ValueError):
    """A rate card the PriceBook would refuse."""


class Currency(enum.IntEnum):
    SYNOR = 0
    USD = 1


class TierMode(enum.IntEnum):
    GRADUATED = 0
    VOLUME = 1


@dataclass(frozen=True)
class Tier:
    up_to: int
    """Last cumulative base quantity of the tier (``UNBOUNDED`` on the last tier)."""
    price: int
    """Per billing unit, 18-decimal fixed point of the card's currency."""


@dataclass(frozen=True)
class RateCard:
    unit_size: int
    tiers: tuple[Tier, ...]
    currency: Currency = Currency.SYNOR
    mode: TierMode = TierMode.GRADUATED

    @classmethod
    def flat(cls, unit_size: int, price: int, currency: Currency = Currency.SYNOR) -> RateCard:
        """One unbounded tier at ``price``."""
        return cls(unit_size, (Tier(UNBOUNDED, price),), currency)

    def validate(self) -> RateCard:
        """The card itself, or :class:`CardError` naming what the PriceBook would refuse."""
        if not 0 < self.unit_size <= UNBOUNDED:
            raise CardError("unit size must be between 1 and 2**128 - 1")
        if not 1 <= len(self.tiers) <= MAX_TIERS:
            raise CardError(f"a card has 1 to {MAX_TIERS} tiers, not {len(self.tiers)}")
        for i, tier in enumerate(self.tiers):
            if not (0 <= tier.up_to <= UNBOUNDED and 0 <= tier.price <= UNBOUNDED):
                raise CardError(f"tier {i}: bound and price are uint128")
            if i and tier.up_to <= self.tiers[i - 1].up_to:
                raise CardError(f"tier {i}: bound not above the previous tier's")
        if self.tiers[-1].up_to != UNBOUNDED:
            raise CardError("the last tier must be unbounded")
        return self

    def as_tuple(self) -> tuple[int, int, int, list[tuple[int, int]]]:
        """The ABI tuple of ``IPriceBook.RateCard`` (currency, mode, unitSize, tiers)."""
        return (int(self.currency), int(self.mode), self.unit_size, [(t.up_to, t.price) for t in self.tiers])


@dataclass(frozen=True)
class Charge:
    """What a slice of usage costs, in the card's currency, and its quantity per tier."""

    amount: int
    slices: tuple[int, ...] = field(default_factory=tuple)


def _mul_div_down_with_remainder(a: int, b: int, d: int) -> tuple[int, int]:
    q, r = divmod(a * b, d)
    if q > MAX_UINT256:
        raise RatingOverflow
    return q, r


def _up(q: int, r: int) -> int:
    if r == 0:
        return q
    if q == MAX_UINT256:
        raise RatingOverflow
    return q + 1


def mul_div_up(a: int, b: int, d: int) -> int:
    """``a * b / d`` rounded up; :class:`RatingOverflow` above a uint256."""
    return _up(*_mul_div_down_with_remainder(a, b, d))


def synor_for_usd_up(usd_amount: int, usd_per_synor: int) -> int:
    """SYNOR base units worth ``usd_amount`` (18-decimal USD) at ``usd_per_synor`` (18-decimal USD per whole
    SYNOR, the oracle's price), rounded up: what settlement charges for a USD-priced slice."""
    return mul_div_up(usd_amount, PRICE_SCALE, usd_per_synor)


def _bounds(card: RateCard) -> list[tuple[int, int]]:
    """Each tier's ``(lower, upper]`` range of cumulative quantities; the last one is unbounded."""
    out = []
    lower = 0
    for i, tier in enumerate(card.tiers):
        upper = MAX_UINT256 if i + 1 == len(card.tiers) else tier.up_to
        out.append((lower, upper))
        lower = upper
    return out


def _graduated_down(card: RateCard, quantity: int) -> tuple[int, int]:
    q = r = 0
    for (lower, upper), tier in zip(_bounds(card), card.tiers, strict=True):
        if quantity <= lower:
            break
        tq, tr = _mul_div_down_with_remainder(min(quantity, upper) - lower, tier.price, card.unit_size)
        q += tq
        if q > MAX_UINT256:
            raise RatingOverflow
        r += tr
    q += r // card.unit_size
    if q > MAX_UINT256:
        raise RatingOverflow
    return q, r % card.unit_size


def _volume_down(card: RateCard, quantity: int) -> tuple[int, int]:
    best = (0, 0)
    for i, tier in enumerate(card.tiers):
        reached = i + 1 == len(card.tiers) or quantity <= tier.up_to
        term = _mul_div_down_with_remainder(quantity if reached else tier.up_to, tier.price, card.unit_size)
        best = max(best, term)  # (quotient, remainder) pairs over one divisor compare exactly
        if reached:
            break
    return best


def charge_up(card: RateCard, quantity: int) -> int:
    """The rating of a cumulative quantity: its exact charge, rounded up once."""
    if quantity < 0 or quantity > MAX_UINT256:
        raise ValueError("a quantity is a uint256")
    if card.mode is TierMode.GRADUATED:
        return _up(*_graduated_down(card, quantity))
    return _up(*_volume_down(card, quantity))


def slice_charge_up(card: RateCard, old: int, new: int) -> Charge:
    """``charge_up(new) - charge_up(old)`` (zero when ``new <= old``) and the quantity of ``(old, new]``
    in each tier (eight entries, as on chain)."""
    slices = [0] * MAX_TIERS
    if new <= old:
        return Charge(0, tuple(slices))
    amount = charge_up(card, new) - charge_up(card, old)
    for i, (lower, upper) in enumerate(_bounds(card)):
        if new > lower and old < upper:
            slices[i] = min(new, upper) - max(old, lower)
    return Charge(amount, tuple(slices))


def rate_sequence(card: RateCard, cumulatives: Sequence[int]) -> list[int]:
    """The charge of each report in a sequence of cumulative reports (lower or repeated ones: zero)."""
    charged = 0
    out = []
    for cumulative in cumulatives:
        step = slice_charge_up(card, charged, cumulative).amount
        out.append(step)
        charged = max(charged, cumulative)
    return out


def seed_card(resource: Resource) -> RateCard:
    """The seed's card of a catalogue resource: one flat SYNOR tier at its seed price."""
    return RateCard.flat(resource.unit_size, resource.seed_price)


SEED_BOOK: dict[str, RateCard] = {name: seed_card(entry) for name, entry in CATALOGUE.items()}
"""The seed's price book (issue 8's table): every catalogue resource, flat, in SYNOR."""

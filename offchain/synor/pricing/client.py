"""Reading the on-chain PriceBook: resources, current and scheduled cards, periods."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synor.chain import Chain
from synor.pricing.catalogue import CATALOGUE, Resource
from synor.pricing.rating import Currency, RateCard, Tier, TierMode
from synor.units import InputError

_BY_ID: dict[bytes, Resource] = {entry.resource_id: entry for entry in CATALOGUE.values()}


def card_from_chain(raw: Any) -> RateCard:
    """A ``RateCard`` from the ABI tuple ``(currency, mode, unitSize, tiers)``."""
    currency, mode, unit_size, tiers = raw
    return RateCard(
        unit_size=int(unit_size),
        tiers=tuple(Tier(int(up_to), int(price)) for up_to, price in tiers),
        currency=Currency(int(currency)),
        mode=TierMode(int(mode)),
    )


def resource_id(name: str) -> bytes:
    """A catalogue name's id, or a ``0x``-prefixed 32-byte id as given; InputError otherwise."""
    if name in CATALOGUE:
        return CATALOGUE[name].resource_id
    if name.startswith("0x") and len(name) == 66:
        try:
            return bytes.fromhex(name[2:])
        except ValueError:
            pass
    known = ", ".join(CATALOGUE)
    raise InputError(f"unknown resource {name!r}: use a catalogue name ({known}) or a 0x-prefixed 32-byte id")


def resource_name(rid: bytes) -> str:
    """The catalogue name of an id, or the id in hex when it is not in the catalogue."""
    entry = _BY_ID.get(rid)
    return entry.name if entry else "0x" + rid.hex()


@dataclass(frozen=True)
class Priced:
    """A resource's current card and the next scheduled one, if any."""

    resource_id: bytes
    name: str
    from_period: int
    card: RateCard
    scheduled_from: int | None
    scheduled: RateCard | None
    versions: int


class PriceBookClient:
    def __init__(self, chain: Chain) -> None:
        self.book = chain.contract("PriceBook", chain.deployment.address("price_book"))

    def current_period(self) -> int:
        return int(self.book.functions.currentPeriod().call())

    def periods(self) -> dict[str, int]:
        f = self.book.functions
        return {
            "genesis": int(f.genesis().call()),
            "period_length": int(f.periodLength().call()),
            "current_period": int(f.currentPeriod().call()),
        }

    def resources(self) -> list[bytes]:
        return [bytes(rid) for rid in self.book.functions.resources().call()]

    def priced(self, rid: bytes) -> Priced:
        f = self.book.functions
        if int(f.versionCount(rid).call()) == 0:
            raise InputError(f"resource {resource_name(rid)} has no card in this price book")
        from_period, raw = f.currentRateCard(rid).call()
        scheduled, scheduled_from, scheduled_raw = f.scheduledRateCard(rid).call()
        return Priced(
            resource_id=rid,
            name=resource_name(rid),
            from_period=int(from_period),
            card=card_from_chain(raw),
            scheduled_from=int(scheduled_from) if scheduled else None,
            scheduled=card_from_chain(scheduled_raw) if scheduled else None,
            versions=int(f.versionCount(rid).call()),
        )

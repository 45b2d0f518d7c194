"""`synor price list|show`: the on-chain price book's cards (current and scheduled), per resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from synor.cli.context import Context, pass_context
from synor.cli.options import json_option
from synor.pricing.catalogue import CATALOGUE, PRICE_DECIMALS
from synor.pricing.rating import UNBOUNDED, RateCard, Tier
from synor.units import format_amount

if TYPE_CHECKING:
    from synor.pricing.client import PriceBookClient, Priced


def _client(context: Context) -> PriceBookClient:
    from synor.pricing.client import PriceBookClient

    return PriceBookClient(context.chain)


def _unit(name: str) -> dict[str, Any]:
    entry = CATALOGUE.get(name)
    if entry is None:
        return {"base_quantity": None, "billing_unit": None}
    return {"base_quantity": entry.base_quantity, "billing_unit": entry.billing_unit}


def _tier(tier: Tier) -> dict[str, Any]:
    return {
        "up_to": None if tier.up_to == UNBOUNDED else str(tier.up_to),
        "price": str(tier.price),
        "price_text": format_amount(tier.price, PRICE_DECIMALS),
    }


def _card(card: RateCard) -> dict[str, Any]:
    return {
        "currency": card.currency.name,
        "mode": card.mode.name.lower(),
        "unit_size": str(card.unit_size),
        "tiers": [_tier(t) for t in card.tiers],
    }


def _payload(priced: Priced) -> dict[str, Any]:
    return {
        "name": priced.name,
        "id": "0x" + priced.resource_id.hex(),
        **_unit(priced.name),
        "from_period": priced.from_period,
        "card": _card(priced.card),
        "scheduled": None
        if priced.scheduled is None
        else {"from_period": priced.scheduled_from, "card": _card(priced.scheduled)},
        "versions": priced.versions,
    }


def _price_text(card: RateCard) -> str:
    """``0.02 SYNOR`` for a flat card, ``free`` at zero, ``tiered (n)`` otherwise."""
    if len(card.tiers) > 1:
        return f"{card.mode.name.lower()}, {len(card.tiers)} tiers"
    price = card.tiers[0].price
    return "free" if price == 0 else f"{format_amount(price, PRICE_DECIMALS)} {card.currency.name}"


@click.group()
def price() -> None:
    """The usage price book: prices per billing unit, tiers, scheduled changes."""


@price.command("list")
@json_option
@pass_context
def list_(context: Context, as_json: bool) -> None:
    """Every resource in the price book with its current price (and any scheduled change)."""
    client = _client(context)
    periods = client.periods()
    book = [client.priced(rid) for rid in client.resources()]
    if as_json:
        context.emit_json({**periods, "resources": [_payload(priced) for priced in book]})
        return
    table = Table(title=f"Price book (period {periods['current_period']})")
    for column in ("resource", "price per unit", "billing unit", "base quantity", "scheduled"):
        table.add_column(column)
    for priced in book:
        unit = _unit(priced.name)
        scheduled = (
            ""
            if priced.scheduled is None
            else f"{_price_text(priced.scheduled)} from period {priced.scheduled_from}"
        )
        table.add_row(
            priced.name,
            _price_text(priced.card),
            f"{unit['billing_unit'] or '?'} ({priced.card.unit_size:,})",
            unit["base_quantity"] or "?",
            scheduled,
        )
    context.out.print(table)


@price.command()
@click.argument("name")
@json_option
@pass_context
def show(context: Context, name: str, as_json: bool) -> None:
    """One resource (catalogue NAME or 0x id): its current card, tier by tier, and any scheduled card."""
    from synor.pricing.client import resource_id

    rid = resource_id(name)
    client = _client(context)
    priced = client.priced(rid)
    payload = _payload(priced)
    if as_json:
        context.emit_json(payload)
        return
    out = context.out
    out.print(f"{payload['name']}  id {payload['id']}")
    if payload["billing_unit"]:
        out.print(
            f"billed per {payload['billing_unit']} = {priced.card.unit_size:,} {payload['base_quantity']}"
        )
    for label, card, since in (
        ("current", priced.card, priced.from_period),
        ("scheduled", priced.scheduled, priced.scheduled_from),
    ):
        if card is None:
            continue
        out.print(f"{label} card, from period {since}: {card.currency.name}, {card.mode.name.lower()}")
        lower = 0
        for tier in card.tiers:
            upper = "∞" if tier.up_to == UNBOUNDED else f"{tier.up_to:,}"
            out.print(f"  ({lower:,}, {upper}]  {format_amount(tier.price, PRICE_DECIMALS)} per unit")
            lower = tier.up_to
    if priced.scheduled is None:
        out.print("no change scheduled")

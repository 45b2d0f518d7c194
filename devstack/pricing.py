"""Deploying the price book: a SynorTimelock that alone may change cards, and the PriceBook seeded with the
seed's whole table (``synor.pricing.rating.SEED_BOOK``) from the current period.

Imports ape lazily inside functions: importing this module loads nothing heavy and touches no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synor.pricing.catalogue import CATALOGUE
from synor.pricing.rating import SEED_BOOK

PERIOD_LENGTH = 30 * 24 * 3600
"""A billing period: 30 days (issue 8's default)."""


@dataclass(frozen=True)
class PriceBookOptions:
    period_length: int = PERIOD_LENGTH
    timelock_delay: int = 3600
    """Seconds between scheduling a card change and executing it (the deployer proposes; anyone executes)."""
    genesis: int | None = None
    """Start of period 0 (default: the latest block's time)."""


def seed_arguments() -> tuple[list[bytes], list[Any]]:
    """The constructor's resource ids and cards: the whole catalogue at the seed's prices, in its order."""
    return [CATALOGUE[name].resource_id for name in SEED_BOOK], [
        card.as_tuple() for card in SEED_BOOK.values()
    ]


def deploy_price_book(project: Any, deployer: Any, options: PriceBookOptions | None = None) -> dict[str, str]:
    """Deploys the price book's timelock and the seeded PriceBook; returns the addresses to record
    (``price_book``, ``price_book_timelock``)."""
    from ape import chain
    from ape.utils import ZERO_ADDRESS

    opts = options or PriceBookOptions()
    timelock = project.SynorTimelock.deploy(
        opts.timelock_delay, [deployer], [ZERO_ADDRESS], ZERO_ADDRESS, sender=deployer
    )
    genesis = opts.genesis if opts.genesis is not None else int(chain.blocks.head.timestamp)
    ids, cards = seed_arguments()
    book = project.PriceBook.deploy(genesis, opts.period_length, timelock, ids, cards, sender=deployer)
    return {"price_book": book.address, "price_book_timelock": timelock.address}

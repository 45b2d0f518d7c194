"""Fixtures for the price book: a timelock, and a PriceBook seeded with the seed's table."""

from __future__ import annotations

from typing import Any

import ape
import pytest

from devstack.pricing import seed_arguments
from devstack.uniswap import through_timelock
from synor.pricing.rating import RateCard

DELAY = 3600
PERIOD = 30 * 24 * 3600


@pytest.fixture(scope="module")
def timelock(project, deployer):
    return project.SynorTimelock.deploy(
        DELAY, [deployer], [ape.utils.ZERO_ADDRESS], ape.utils.ZERO_ADDRESS, sender=deployer
    )


@pytest.fixture(scope="module")
def genesis(chain):
    return chain.blocks.head.timestamp - 10 * PERIOD - 5


@pytest.fixture(scope="module")
def book(project, deployer, timelock, genesis):
    ids, cards = seed_arguments()
    return project.PriceBook.deploy(genesis, PERIOD, timelock, ids, cards, sender=deployer)


def set_card(
    book: Any, timelock: Any, proposer: Any, resource: bytes, from_period: int, card: RateCard
) -> Any:
    """`setRateCard` scheduled on the timelock, delayed, executed; returns the execution receipt."""
    return through_timelock(
        timelock, book, book.setRateCard.encode_input(resource, from_period, card.as_tuple()), proposer
    )

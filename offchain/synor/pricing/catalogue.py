"""The stable catalogue of metered resources: name, base quantity, billing unit and seed price.

Meters report integers of a resource's *base quantity* (bytes, byte-seconds, queries, …); prices are
quoted per *billing unit*, a whole number of base quantities. Seed prices are 18-decimal fixed-point
SYNOR per billing unit, written once as decimal text and converted exactly. A resource's on-chain id
is ``keccak256(name)``. GB = 10⁹ bytes, a month = 30 days = 2,592,000 s, an hour = 3,600 s, 1M = 10⁶.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from eth_utils.crypto import keccak

GB = 10**9
HOUR = 3_600
MONTH = 30 * 24 * HOUR
MILLION = 10**6
PRICE_DECIMALS = 18


@dataclass(frozen=True)
class Resource:
    """One metered resource. ``seed_price`` is SYNOR per billing unit, 18-decimal fixed point."""

    name: str
    base_quantity: str
    billing_unit: str
    unit_size: int
    seed_price_text: str

    @property
    def seed_price(self) -> int:
        scaled = Decimal(self.seed_price_text).scaleb(PRICE_DECIMALS)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{self.name}: seed price {self.seed_price_text} is finer than 18 decimals")
        return int(scaled)

    @cached_property
    def resource_id(self) -> bytes:
        """``keccak256(name)``, the resource's bytes32 id on chain."""
        return keccak(text=self.name)

    @property
    def is_time_integral(self) -> bool:
        """True for quantities integrated over time (byte-seconds, domain-seconds, …)."""
        return self.base_quantity.endswith("-seconds")


_TABLE: tuple[Resource, ...] = (
    Resource("storage.capacity", "byte-seconds", "GB-month", GB * MONTH, "0.02"),
    Resource("storage.retrieval", "bytes", "GB", GB, "0.01"),
    Resource("storage.deal", "deals", "deal", 1, "0.001"),
    Resource("hosting.bandwidth", "bytes", "GB", GB, "0.05"),
    Resource("hosting.domain", "domain-seconds", "month", MONTH, "0.50"),
    Resource("hosting.ssl", "certificate-seconds", "month", MONTH, "0"),
    Resource("database.capacity", "byte-seconds", "GB-month", GB * MONTH, "0.10"),
    Resource("database.queries", "queries", "1M", MILLION, "0.01"),
    Resource("database.vector_search", "searches", "1M", MILLION, "0.05"),
    Resource("compute.cpu", "core-seconds", "core-hour", HOUR, "0.02"),
    Resource("compute.gpu.rtx4090", "GPU-seconds", "hour", HOUR, "0.50"),
    Resource("compute.memory", "byte-seconds", "GB-hour", GB * HOUR, "0.005"),
    Resource("compute.serverless", "invocations", "1M", MILLION, "0.20"),
    # The seed names a network meter but no price: the default is hosting bandwidth's.
    Resource("network.egress", "bytes", "GB", GB, "0.05"),
)

CATALOGUE: dict[str, Resource] = {resource.name: resource for resource in _TABLE}
"""Every resource by name, in the documented order."""


def resource(name: str) -> Resource:
    """The catalogue entry called ``name``; ``KeyError`` when there is none."""
    return CATALOGUE[name]

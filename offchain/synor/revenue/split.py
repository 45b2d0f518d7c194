"""Exact mirror of ``FeeSplitter``'s and ``SynorStaking``'s money math. Integers only, no I/O.

Per payment every share but one is rounded down and the *remainder bucket* takes the rest, so the
parts always sum to the payment: operators for service fees, stakers for transaction fees.
Weighted sets (operators, validators, stakers) use a reward-per-weight accumulator scaled by
``PRECISION`` whose division remainder is carried to the next fold.
"""

from __future__ import annotations

from dataclasses import dataclass

BPS = 10_000
"""Basis points in a whole."""

PRECISION = 10**36
"""Scale of the reward-per-weight accumulators."""


def _check_amount(amount: int) -> None:
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount >= 2**128:
        raise ValueError("amount must be below 2**128 (the contract's SafeCast bound)")


@dataclass(frozen=True)
class ServiceShares:
    """A service-fee schedule in basis points; operators take the rounding remainder."""

    operators_bps: int
    treasury_bps: int
    burn_bps: int

    def __post_init__(self) -> None:
        parts = (self.operators_bps, self.treasury_bps, self.burn_bps)
        if any(p < 0 for p in parts) or sum(parts) != BPS:
            raise ValueError("service shares must be non-negative and sum to 10_000 bps")


@dataclass(frozen=True)
class TransactionShares:
    """A transaction-fee schedule in basis points; stakers take the rounding remainder."""

    burn_bps: int
    stakers_bps: int
    community_bps: int
    validators_bps: int

    def __post_init__(self) -> None:
        parts = (self.burn_bps, self.stakers_bps, self.community_bps, self.validators_bps)
        if any(p < 0 for p in parts) or sum(parts) != BPS:
            raise ValueError("transaction shares must be non-negative and sum to 10_000 bps")


SEED_SERVICE = ServiceShares(operators_bps=7000, treasury_bps=2000, burn_bps=1000)
"""The seed's L2 service fees: 70% operators, 20% treasury, 10% burn."""

SEED_TRANSACTION = TransactionShares(burn_bps=1000, stakers_bps=6000, community_bps=2000, validators_bps=1000)
"""The seed's transaction fees: 10% burn, 60% stakers, 20% community pool, 10% validators."""


@dataclass(frozen=True)
class ServiceSplit:
    operators: int
    treasury: int
    burn: int

    @property
    def total(self) -> int:
        return self.operators + self.treasury + self.burn


@dataclass(frozen=True)
class TransactionSplit:
    burn: int
    stakers: int
    community: int
    validators: int

    @property
    def total(self) -> int:
        return self.burn + self.stakers + self.community + self.validators


def split_service(amount: int, shares: ServiceShares = SEED_SERVICE) -> ServiceSplit:
    """How ``FeeSplitter`` splits ``amount`` of service revenue (``ServiceRevenueSplit``)."""
    _check_amount(amount)
    treasury = amount * shares.treasury_bps // BPS
    burn = amount * shares.burn_bps // BPS
    return ServiceSplit(operators=amount - treasury - burn, treasury=treasury, burn=burn)


def split_transaction(amount: int, shares: TransactionShares = SEED_TRANSACTION) -> TransactionSplit:
    """How ``FeeSplitter`` splits ``amount`` of transaction fees (``TransactionFeesSplit``)."""
    _check_amount(amount)
    burn = amount * shares.burn_bps // BPS
    community = amount * shares.community_bps // BPS
    validators = amount * shares.validators_bps // BPS
    return TransactionSplit(
        burn=burn, stakers=amount - burn - community - validators, community=community, validators=validators
    )


@dataclass(frozen=True)
class Accumulator:
    """One token's reward-per-weight accumulator: the on-chain ``perWeight``/``perToken`` and ``carry``."""

    per_weight: int = 0
    carry: int = 0

    def fold(self, amount: int, total_weight: int) -> Accumulator:
        """Credits ``amount`` to ``total_weight``; with no weight the amount stays queued (unchanged)."""
        _check_amount(amount)
        if total_weight < 0:
            raise ValueError("total_weight must not be negative")
        if amount == 0 or total_weight == 0:
            return self
        numerator = amount * PRECISION + self.carry
        return Accumulator(self.per_weight + numerator // total_weight, numerator % total_weight)


def earned(weight: int, per_weight_now: int, per_weight_paid: int) -> int:
    """What a member of ``weight`` earned between two accumulator values (rounded down)."""
    if weight < 0 or per_weight_now < per_weight_paid:
        raise ValueError("weight must not be negative and the accumulator only grows")
    return weight * (per_weight_now - per_weight_paid) // PRECISION


def buyback_amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    """SYNOR a Uniswap V2 pair pays for ``amount_in`` (constant product, 0.3% fee)."""
    if amount_in < 0 or reserve_in <= 0 or reserve_out <= 0:
        raise ValueError("amount_in must not be negative and reserves must be positive")
    return amount_in * 997 * reserve_out // (reserve_in * 1000 + amount_in * 997)


def buyback_min_out(
    amount_in: int,
    reserve_in: int,
    reserve_out: int,
    keeper_min: int,
    max_slippage_bps: int,
    fair_out: int | None = None,
) -> int:
    """The bound ``FeeSplitter.buyBack`` enforces on the SYNOR it receives: the highest of the keeper's
    minimum, the pool's pre-trade price less the slippage bound, the price source's fair output less the
    bound, and one base unit. ``amount_in`` is what the pair received (less than was sent for a
    fee-on-transfer token)."""
    if not 0 <= max_slippage_bps <= BPS:
        raise ValueError("max_slippage_bps must be between 0 and 10_000")
    keep = BPS - max_slippage_bps
    bound = max(keeper_min, amount_in * reserve_out // reserve_in * keep // BPS)
    if fair_out is not None:
        bound = max(bound, fair_out * keep // BPS)
    return max(bound, 1)


def max_buyback_in(reserve_in: int, max_slippage_bps: int) -> int:
    """The largest input whose price impact plus the 0.3% fee stays within ``max_slippage_bps``
    of the pool's pre-trade price (a keeper splits larger burn shares into several buy-backs)."""
    if reserve_in <= 0:
        return 0
    keep = BPS - max_slippage_bps
    # out/in at spot*keep/BPS: 997*1000*reserve_in*BPS >= keep*(reserve_in*1000 + 997*in)*1000... solved
    # for in: in <= reserve_in * (997*BPS - 1000*keep) / (997*keep); then back off one unit for rounding.
    numerator = reserve_in * (997 * BPS - 1000 * keep)
    if numerator <= 0:
        return 0
    return max(numerator // (997 * keep) - 1, 0)

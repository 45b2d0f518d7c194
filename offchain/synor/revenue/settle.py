"""What the settlement keeper should do next, decided from chain state alone. Pure: no I/O.

The keeper reads a ``TokenState`` per accepted token, asks ``plan`` for the steps, sends the first one,
reads the state again and repeats until the plan is empty. Every step is a no-op on chain when there
is nothing to do, and the plan depends only on current state, so a keeper that restarts (or two
keepers racing) never settles anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from synor.revenue.split import BPS, buyback_amount_out, buyback_min_out, max_buyback_in


class StepKind(StrEnum):
    SPLIT = "split"  # FeeSplitter.split(token): tokens that arrived by plain transfer
    RELEASE = "release"  # FeeSplitter.releaseToStaking(token): a share held while staking did not take it
    SYNC = "sync"  # SynorStaking.sync(token): rewards that reached staking by plain transfer, into the stream
    BURN = "burn"  # FeeSplitter.burn(): the SYNOR burn share
    BUYBACK = "buyback"  # FeeSplitter.buyBack(token, amountIn, minSynorOut)


@dataclass(frozen=True)
class TokenState:
    """One accepted token as the splitter and staking contract see it."""

    token: str
    is_synor: bool
    unaccounted: int  # FeeSplitter.unaccounted
    stakers_due: int  # book.stakersAccrued - book.stakersPaid (forwarded as it accrues when staking lists it)
    pending_burn: int  # FeeSplitter.pendingBurn
    staking_listed: bool = False  # SynorStaking.isRewardToken
    staking_unsynced: int = 0  # SynorStaking.unsynced
    total_staked: int = 0  # SynorStaking.totalStaked (informative: a stream pauses while it is zero)
    has_pair: bool = False  # FeeSplitter.buyBackPair != 0
    reserve_in: int = 0  # the pair's reserve of this token
    reserve_out: int = 0  # the pair's reserve of SYNOR


@dataclass(frozen=True)
class Policy:
    """Keeper thresholds: amounts below ``min_amount`` base units wait for more (gas is not free)."""

    min_amount: int = 1
    max_slippage_bps: int = 100  # must not exceed the splitter's maxSlippageBps or buy-backs revert
    keeper_tolerance_bps: int = 50  # the keeper's own minimum: its quote less this

    def __post_init__(self) -> None:
        if self.min_amount < 1:
            raise ValueError("min_amount must be at least one base unit")
        for bps in (self.max_slippage_bps, self.keeper_tolerance_bps):
            if not 0 <= bps <= BPS:
                raise ValueError("basis points must be between 0 and 10_000")


@dataclass(frozen=True)
class Step:
    kind: StepKind
    token: str
    amount: int = 0
    min_out: int = 0

    def describe(self) -> str:
        if self.kind is StepKind.BUYBACK:
            return f"buyback {self.amount} of {self.token} for at least {self.min_out} SYNOR"
        return f"{self.kind.value} {self.amount} of {self.token}"


def buyback_step(state: TokenState, policy: Policy) -> Step | None:
    """The next buy-back slice: as much of the burn share as the slippage bound allows, or None."""
    if state.is_synor or not state.has_pair or state.pending_burn < policy.min_amount:
        return None
    if state.reserve_in <= 0 or state.reserve_out <= 0:
        return None
    amount = min(state.pending_burn, max_buyback_in(state.reserve_in, policy.max_slippage_bps))
    # Rounding can put the largest slice a unit over the bound: halve until the contract would accept it.
    while amount >= policy.min_amount:
        quote = buyback_amount_out(amount, state.reserve_in, state.reserve_out)
        keeper_min = quote * (BPS - policy.keeper_tolerance_bps) // BPS
        bound = buyback_min_out(
            amount, state.reserve_in, state.reserve_out, keeper_min, policy.max_slippage_bps
        )
        if quote > 0 and quote >= bound:
            return Step(StepKind.BUYBACK, state.token, amount, keeper_min)
        amount //= 2
    return None


def plan(states: list[TokenState], policy: Policy | None = None) -> list[Step]:
    """Every step worth sending now, in dependency order per token: split before release before sync;
    burns and buy-backs last. Empty when everything is settled.

    The splitter forwards the stakers' share as fees are paid, so a release is only due for a share held
    while staking did not list the token (it reverts while staking still does not). A sync adds rewards that
    reached staking by plain transfer to the token's stream, stakers or not: while nobody stakes the stream
    waits, it is not lost."""
    policy = policy or Policy()
    steps: list[Step] = []
    for state in states:
        if state.unaccounted >= policy.min_amount:
            steps.append(Step(StepKind.SPLIT, state.token, state.unaccounted))
        if state.staking_listed and state.stakers_due >= policy.min_amount:
            steps.append(Step(StepKind.RELEASE, state.token, state.stakers_due))
        if state.staking_listed and state.staking_unsynced >= policy.min_amount:
            steps.append(Step(StepKind.SYNC, state.token, state.staking_unsynced))
    for state in states:
        if state.is_synor and state.pending_burn >= policy.min_amount:
            steps.append(Step(StepKind.BURN, state.token, state.pending_burn))
        step = buyback_step(state, policy)
        if step is not None:
            steps.append(step)
    return steps

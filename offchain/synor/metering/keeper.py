"""The meter keeper's round: aggregates in the store → signed cumulative `UsageBatch`es → the settlement.

Each round decides from the store and the chain alone (see `synor.metering.reporting`): what the chain
charged is the only record of what was reported, so a keeper killed between signing and sending, or
after sending and before seeing the receipt, loses nothing and charges nothing twice when it runs again.
The store or the node being unreachable raises a ``ConnectionError`` the keeper runner retries with
back-off, saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from synor.metering.aggregate import AggregateKey
from synor.metering.evidence import root
from synor.metering.reporting import MAX_BATCH, Plan, candidates, plan
from synor.metering.store import UsageStore, transient_errors
from synor.pricing.catalogue import CATALOGUE

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from synor.billing.settlement import ReportTuple, Settled, SettlementClient

SignBatch = Callable[[str, Sequence["ReportTuple"]], bytes]
"""Signs a ``UsageBatch`` of (operator, reports) for the settlement: the 65-byte signature."""


class StoreUnavailable(ConnectionError):
    """The usage store did not answer (retried by the keeper runner)."""


@dataclass
class RoundResult:
    plan: Plan
    settled: list[Settled] = field(default_factory=list)

    @property
    def charged(self) -> int:
        return sum(len(s.charged) for s in self.settled)

    @property
    def amount(self) -> int:
        return sum(c.amount for s in self.settled for c in s.charged)

    @property
    def collected(self) -> int:
        return sum(c.collected for s in self.settled for c in s.charged)


@dataclass
class MeterKeeper:
    store: UsageStore
    settlement: SettlementClient
    submitter: LocalAccount
    """Pays for the transactions (anyone may submit)."""
    signer: str
    """The active signer of every operator in ``operators`` whose key ``sign_batch`` holds."""
    sign_batch: SignBatch
    operators: tuple[str, ...]
    max_batch: int = MAX_BATCH
    log: Callable[[str], None] = print

    def plan(self) -> tuple[Plan, dict[AggregateKey, int]]:
        """What is due now: the plan, and the chain's charged cumulative of every candidate."""
        try:
            aggregates = self.store.aggregates()
        except transient_errors() as error:
            raise StoreUnavailable(f"usage store: {error}") from None
        current = self.settlement.current_period()
        keys = candidates(aggregates, self.operators, current)
        charged = charged_on_chain(self.settlement, keys)
        now = self.settlement.chain.now()
        open_periods = [p for p in sorted({key.period for key in keys}) if self.settlement.closes_at(p) > now]
        oldest_open = open_periods[0] if open_periods else current + 1
        return plan(aggregates, charged, keys, oldest_open, self.max_batch), charged

    def round(self) -> RoundResult:
        """Plans, then signs and submits each batch; returns what the chain charged."""
        planned, _ = self.plan()
        result = RoundResult(planned)
        for key in planned.closed:
            self.log(f"too late to report {_describe(key)}: its period's settlement window has closed")
        for key in planned.too_large:
            self.log(f"cannot report {_describe(key)}: its total is 2^128 or more")
        for batch in planned.batches:
            operator = batch[0].key.operator
            try:
                reports = [self._report(p.key, p.cumulative) for p in batch]
            except transient_errors() as error:
                raise StoreUnavailable(f"usage store: {error}") from None
            signature = self.sign_batch(operator, reports)
            settled = self.settlement.settle_batch(self.submitter, operator, reports, self.signer, signature)
            result.settled.append(settled)
            for skipped in settled.skipped:
                self.log(f"report {skipped.index} skipped: {skipped.reason}")
        return result

    def _report(self, key: AggregateKey, cumulative: int) -> ReportTuple:
        evidence = root(self.store.event_leaves(key))
        return (
            key.account,
            key.operator,
            CATALOGUE[key.resource].resource_id,
            key.period,
            cumulative,
            evidence,
        )


def charged_on_chain(settlement: SettlementClient, keys: Iterable[AggregateKey]) -> dict[AggregateKey, int]:
    """The cumulative the settlement contract has charged for each aggregate (one call each)."""
    return {
        key: settlement.charged_cumulative(
            key.account, key.operator, CATALOGUE[key.resource].resource_id, key.period
        )
        for key in keys
    }


def _describe(key: AggregateKey) -> str:
    return f"{key.resource} of {key.account} for {key.operator} in period {key.period}"

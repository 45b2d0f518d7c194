"""Talking to the UsageSettlement of a deployment: the operator registry, operators' signers, periods,
and submitting signed usage reports (``settle`` / ``settleBatch``; anyone may), decoding what each report
charged or why it was skipped. Writes are checked first against the contract's views, so a transaction
that would revert or change nothing is refused ("…: nothing sent").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from synor.billing.escrow import Sent, escrow_address
from synor.chain import Chain, ChainError, checksum, tx_hash
from synor.errors import describe_contract_error, describe_revert
from synor.units import format_time
from synor.usage.typed_data import Domain

REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Signer:
    """A signer key an operator authorized: its signatures count from ``active_from`` (a Unix time)."""

    address: str
    active_from: int
    now: int

    @property
    def active(self) -> bool:
        return 0 < self.active_from <= self.now


@dataclass(frozen=True)
class OperatorStatus:
    """An operator as the settlement sees it now; ``revoked`` lists signers it revoked (no longer sign)."""

    operator: str
    registered: bool
    signers: list[Signer]
    revoked: list[str]


ReportTuple = tuple[str, str, bytes, int, int, bytes]
"""A ``UsageReport`` as the ABI takes it: (account, operator, resource id, period, cumulative, evidence root)."""


@dataclass(frozen=True)
class Charged:
    """One ``UsageCharged`` event: an invoice line's facts."""

    account: str
    operator: str
    resource: bytes
    period: int
    previous_cumulative: int
    cumulative: int
    slices: tuple[int, ...]
    amount: int
    usd_amount: int
    usd_per_synor: int
    collected: int
    evidence_root: bytes

    @property
    def debt(self) -> int:
        """SYNOR left as debt (a USD slice with no price is USD debt: ``usd_amount``, ``amount`` 0)."""
        return self.amount - self.collected

    @classmethod
    def from_event(cls, args: Mapping[str, Any]) -> Charged:
        c = args["charge"]
        return cls(
            account=str(args["account"]),
            operator=str(args["operator"]),
            resource=bytes(args["resource"]),
            period=int(c["period"]),
            previous_cumulative=int(c["previousCumulative"]),
            cumulative=int(c["cumulative"]),
            slices=tuple(int(x) for x in c["slices"]),
            amount=int(c["amount"]),
            usd_amount=int(c["usdAmount"]),
            usd_per_synor=int(c["usdPerSynor"]),
            collected=int(c["collected"]),
            evidence_root=bytes(c["evidenceRoot"]),
        )


@dataclass(frozen=True)
class Skipped:
    """One ``ReportSkipped`` event: report ``index`` of the call and the named error that skipped it."""

    index: int
    account: str
    operator: str
    resource: bytes
    reason: str


@dataclass(frozen=True)
class Settled:
    tx_hash: str
    charged: list[Charged]
    skipped: list[Skipped]


@dataclass(frozen=True)
class Period:
    """The current billing period and when its reports stop being accepted."""

    index: int
    closes_at: int
    settlement_window: int
    signer_delay: int


class SettlementClient:
    """The UsageSettlement of one deployment (record ``settlement``)."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.settlement: Contract = chain.contract("UsageSettlement", escrow_address(chain, "settlement"))

    # ------------------------------------------------------------------ reads

    @cached_property
    def settlement_window(self) -> int:
        return int(self.settlement.functions.settlementWindow().call())

    @cached_property
    def signer_delay(self) -> int:
        return int(self.settlement.functions.signerDelay().call())

    def current_period(self) -> int:
        return int(self.settlement.functions.currentPeriod().call())

    def closes_at(self, period: int) -> int:
        """When ``period``'s reports stop being accepted (its end plus the settlement window)."""
        return int(self.settlement.functions.closesAt(period).call())

    def period(self) -> Period:
        index = self.current_period()
        return Period(index, self.closes_at(index), self.settlement_window, self.signer_delay)

    def is_operator(self, operator: str) -> bool:
        return bool(self.settlement.functions.isOperator(checksum(operator)).call())

    def is_registrar(self, address: str) -> bool:
        return bool(self.settlement.functions.hasRole(REGISTRAR_ROLE, checksum(address)).call())

    def signer_active_from(self, operator: str, signer: str) -> int:
        """When ``signer``'s signatures count for ``operator`` (0: not a signer)."""
        return int(self.settlement.functions.signerActiveFrom(checksum(operator), checksum(signer)).call())

    def status(self, operator: str) -> OperatorStatus:
        """Registration and signers (from SignerAdded/SignerRevoked logs, checked against the contract)."""
        address = checksum(operator)
        seen: dict[str, None] = {}
        events = self.settlement.events
        for event in (events.SignerAdded, events.SignerRevoked):
            for log in self.chain.scan_logs(event, {"operator": address}):
                seen.setdefault(checksum(log["args"]["signer"]), None)
        now = self.chain.now()
        signers, revoked = [], []
        for signer in seen:
            active_from = self.signer_active_from(address, signer)
            if active_from:
                signers.append(Signer(signer, active_from, now))
            else:
                revoked.append(signer)
        signers.sort(key=lambda s: (s.active_from, s.address))
        return OperatorStatus(address, self.is_operator(address), signers, revoked)

    # ------------------------------------------------------------------ operators (registrar)

    def register(self, signer: LocalAccount, operator: str) -> Sent:
        address = checksum(operator)
        self._require_registrar(signer)
        if self.is_operator(address):
            raise ChainError(f"{address} is already a registered operator: nothing sent")
        receipt = self.chain.send(
            signer, self.settlement.functions.registerOperator(address), "registering the operator"
        )
        return Sent(0, tx_hash(receipt))

    def deregister(self, signer: LocalAccount, operator: str) -> Sent:
        address = checksum(operator)
        self._require_registrar(signer)
        if not self.is_operator(address):
            raise ChainError(f"{address} is not a registered operator: nothing to deregister, nothing sent")
        receipt = self.chain.send(
            signer, self.settlement.functions.deregisterOperator(address), "deregistering the operator"
        )
        return Sent(0, tx_hash(receipt))

    def _require_registrar(self, signer: LocalAccount) -> None:
        if not self.is_registrar(signer.address):
            raise ChainError(
                f"{signer.address} may not register operators (it lacks REGISTRAR_ROLE on "
                f"{self.settlement.address}): nothing sent"
            )

    # ------------------------------------------------------------------ signers (the operator)

    def add_signer(self, operator: LocalAccount, signer: str) -> Sent:
        """Authorizes ``signer`` for the calling operator; ``Sent.amount`` is when it becomes active."""
        address = checksum(signer)
        self._require_operator(operator)
        if address == ZERO_ADDRESS:
            raise ChainError("the zero address cannot sign: nothing sent")
        active_from = self.signer_active_from(operator.address, address)
        if active_from:
            raise ChainError(
                f"{address} is already a signer of {operator.address} (active from {format_time(active_from)}): "
                "nothing sent"
            )
        receipt = self.chain.send(operator, self.settlement.functions.addSigner(address), "adding the signer")
        added = self.settlement.events.SignerAdded().process_receipt(receipt)
        return Sent(int(added[0]["args"]["activeFrom"]) if added else 0, tx_hash(receipt))

    def revoke_signer(self, operator: LocalAccount, signer: str) -> Sent:
        address = checksum(signer)
        if not self.signer_active_from(operator.address, address):
            raise ChainError(
                f"{address} is not a signer of {operator.address}: nothing to revoke, nothing sent"
            )
        receipt = self.chain.send(
            operator, self.settlement.functions.revokeSigner(address), "revoking the signer"
        )
        return Sent(0, tx_hash(receipt))

    def _require_operator(self, operator: LocalAccount) -> None:
        if not self.is_operator(operator.address):
            raise ChainError(
                f"{operator.address} is not a registered operator: only an operator adds its own signers "
                "(pass --account OPERATOR), nothing sent"
            )

    # ------------------------------------------------------------------ settling (anyone)

    def charged_cumulative(self, account: str, operator: str, resource: bytes, period: int) -> int:
        """The cumulative quantity already charged for (account, operator, resource, period)."""
        call = self.settlement.functions.chargedCumulative(
            checksum(account), checksum(operator), resource, period
        )
        return int(call.call())

    def is_signer(self, operator: str, signer: str) -> bool:
        return bool(self.settlement.functions.isSigner(checksum(operator), checksum(signer)).call())

    def require_signer(self, operator: str, signer: str) -> None:
        """Raises ChainError unless ``signer`` may sign for ``operator`` now."""
        if not self.is_signer(operator, signer):
            raise ChainError(
                f"{signer} is not an active signer of operator {operator}: the settlement would refuse its "
                "signatures (the operator adds it with `synor operator signer add`, active after the delay)"
            )

    def domain(self) -> Domain:
        """The EIP-712 domain usage reports are signed in: this chain and this settlement contract."""
        return Domain(self.chain.deployment.chain_id, self.settlement.address)

    def hash_report(self, report: ReportTuple) -> bytes:
        """The contract's EIP-712 digest of ``report`` (what a signer signs)."""
        return bytes(self.settlement.functions.hashReport(report).call())

    def hash_batch(self, operator: str, reports: Sequence[ReportTuple]) -> bytes:
        return bytes(self.settlement.functions.hashBatch(checksum(operator), list(reports)).call())

    def preview(self, report: ReportTuple) -> str | None:
        """None when ``report`` would charge now, else the named error that would skip it."""
        try:
            self.settlement.functions.preview(report).call()
        except Exception as error:
            reason = describe_contract_error(error)
            if reason is None:
                raise
            return reason
        return None

    def settle(self, sender: LocalAccount, signed: Sequence[tuple[ReportTuple, str, bytes]]) -> Settled:
        """Submits reports each with its own ``(signer, signature)``."""
        items = [(report, checksum(signer), signature) for report, signer, signature in signed]
        receipt = self.chain.send(sender, self.settlement.functions.settle(items), "settling usage reports")
        return self._settled(receipt)

    def settle_batch(
        self,
        sender: LocalAccount,
        operator: str,
        reports: Sequence[ReportTuple],
        signer: str,
        signature: bytes,
    ) -> Settled:
        """Submits ``reports`` under one ``UsageBatch`` signature."""
        call = self.settlement.functions.settleBatch(
            checksum(operator), list(reports), checksum(signer), signature
        )
        receipt = self.chain.send(sender, call, "settling a signed usage batch")
        return self._settled(receipt)

    def _settled(self, receipt: TxReceipt) -> Settled:
        events = self.settlement.events
        charged = [
            Charged.from_event(log["args"])
            for log in events.UsageCharged().process_receipt(receipt, errors=DISCARD)
        ]
        skipped = [
            Skipped(
                index=int(log["args"]["index"]),
                account=str(log["args"]["account"]),
                operator=str(log["args"]["operator"]),
                resource=bytes(log["args"]["resource"]),
                reason=describe_revert(bytes(log["args"]["reason"])),
            )
            for log in events.ReportSkipped().process_receipt(receipt, errors=DISCARD)
        ]
        return Settled(tx_hash(receipt), charged, skipped)

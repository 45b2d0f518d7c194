"""The one transaction sender every client uses: estimate, headroom, named errors, spinner, dry runs.

- Every transaction is estimated first: one bound to fail is refused with the contract's named error
  (``PayableDAppFactory_Overflow(seconds_=…)``) and never sent.
- The gas limit is the estimate plus ``GAS_HEADROOM_PERCENT``.
- In a dry run nothing is signed or sent: each transaction is recorded with its estimate and fee, and
  the command ends with ``DryRun`` carrying the plan (the CLI prints it and exits 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from synor.errors import ChainError, describe_contract_error

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from rich.console import Console
    from web3 import Web3
    from web3.contract.contract import ContractFunction
    from web3.types import TxReceipt

GAS_HEADROOM_PERCENT = 130
"""Gas limit = estimate x 1.3. A Uniswap V2 swap in a later block than the pair's last update also writes
the pair's price accumulators, and an oracle round reads pools whose state moves between the estimate and
the block: an estimate made against the pending state does not pay for those."""


def gas_limit(estimate: int) -> int:
    """The gas limit sent for an estimate: the estimate plus the headroom, rounded up."""
    return -(-estimate * GAS_HEADROOM_PERCENT // 100)


@dataclass(frozen=True)
class PlannedTx:
    """A transaction a dry run would have sent."""

    what: str
    sender: str
    to: str
    call: str
    gas_estimate: int | None
    gas_limit: int | None
    gas_price: int
    note: str | None = None

    @property
    def max_fee(self) -> int | None:
        """Wei the transaction may cost at most at the current gas price (limit x price)."""
        return None if self.gas_limit is None else self.gas_limit * self.gas_price

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "from": self.sender,
            "to": self.to,
            "call": self.call,
            "gas_estimate": self.gas_estimate,
            "gas_limit": self.gas_limit,
            "gas_price_wei": str(self.gas_price),
            "max_fee_wei": None if self.max_fee is None else str(self.max_fee),
            "note": self.note,
        }

    def describe(self) -> str:
        from synor.units import format_amount

        if self.gas_estimate is None or self.max_fee is None:
            gas = f"gas not estimated ({self.note})"
        else:
            gas = (
                f"gas {self.gas_estimate:,} (limit {self.gas_limit:,}), "
                f"fee at most {format_amount(self.max_fee, 18)} ETH"
            )
        return f"{self.what}: {self.call} to {self.to} from {self.sender}; {gas}"


class DryRun(Exception):
    """Raised when a dry run reaches its last transaction: carries every transaction it would send."""

    def __init__(self, planned: list[PlannedTx]) -> None:
        super().__init__(f"dry run: {len(planned)} transaction(s) planned, nothing sent")
        self.planned = list(planned)


@dataclass
class Sender:
    """Sends transactions for one chain (or, in a dry run, records them)."""

    w3: Web3
    chain_id: int
    console: Console
    dry_run: bool = False
    planned: list[PlannedTx] = field(default_factory=list)

    def send(
        self, signer: LocalAccount, call: ContractFunction, what: str, *, final: bool = True
    ) -> TxReceipt:
        """Estimates, signs and sends ``call``; a transaction bound to revert becomes a ChainError naming
        the contract's error, and nothing is sent.

        In a dry run the call is recorded instead; ``final=False`` marks a step the caller follows with
        another (an approval before a payment), after which the dry run goes on; otherwise it ends with
        ``DryRun``.
        """
        estimate: int | None
        note: str | None = None
        try:
            estimate = int(call.estimate_gas({"from": signer.address}))
        except Exception as error:
            reason = describe_contract_error(error)
            if reason is None:
                raise
            if not (self.dry_run and self.planned):
                raise ChainError(f"{what} would fail: {reason}") from None
            # In a dry run, a later step may fail only because the earlier ones were not sent.
            estimate, note = None, f"it needs the transaction(s) above first; now: {reason}"
        if self.dry_run:
            self.planned.append(
                PlannedTx(
                    what=what,
                    sender=signer.address,
                    to=str(call.address),
                    call=_render_call(call),
                    gas_estimate=estimate,
                    gas_limit=None if estimate is None else gas_limit(estimate),
                    gas_price=int(self.w3.eth.gas_price),
                    note=note,
                )
            )
            if final:
                raise DryRun(self.planned)
            no_receipt: TxReceipt = _NO_RECEIPT
            return no_receipt
        assert estimate is not None
        tx = call.build_transaction(
            {
                "from": signer.address,
                "nonce": self.w3.eth.get_transaction_count(signer.address, "pending"),
                "chainId": self.chain_id,
                "gas": gas_limit(estimate),
            }
        )
        signed = signer.sign_transaction(dict(tx))  # type: ignore[arg-type]
        with self.console.status(f"{what}: waiting for the transaction to be mined…"):
            tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise ChainError(f"{what} reverted in transaction 0x{bytes(tx_hash).hex()}")
        return receipt

    def finish(self) -> None:
        """Ends a dry run that planned its transactions with ``final=False`` (a loop of steps)."""
        if self.dry_run:
            raise DryRun(self.planned)


_NO_RECEIPT: Any = {"status": 1, "logs": [], "transactionHash": b"\x00" * 32}
"""What a non-final step of a dry run returns: a receipt of nothing (callers of non-final steps only
check that the step went through)."""


def _render_call(call: ContractFunction) -> str:
    arguments = ", ".join(_render(value) for value in call.args)
    return f"{call.fn_name}({arguments})"


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return str(value)

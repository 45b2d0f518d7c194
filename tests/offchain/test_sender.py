"""The one transaction sender: gas headroom, the contract's named error (the factory's Overflow too)
before anything is sent, and dry runs that record instead of sending."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from eth_abi.abi import encode
from eth_utils.abi import function_signature_to_4byte_selector
from rich.console import Console
from web3.exceptions import ContractCustomError

from synor.errors import ChainError
from synor.sender import GAS_HEADROOM_PERCENT, DryRun, Sender, gas_limit

SIGNER = SimpleNamespace(address="0x" + "aa" * 20)


class FakeCall:
    """A ContractFunction stand-in: estimates (or reverts with ``revert``) and builds nothing."""

    address = "0x" + "fa" * 20
    fn_name = "extendRunway"
    args = ("0x" + "01" * 20, 604_800, b"\x01")

    def __init__(self, estimate: int = 50_000, revert: bytes | None = None) -> None:
        self.estimate, self.revert = estimate, revert
        self.built = False

    def estimate_gas(self, _: dict[str, object]) -> int:
        if self.revert is not None:
            raise ContractCustomError("0x" + self.revert.hex(), data="0x" + self.revert.hex())
        return self.estimate

    def build_transaction(self, _: dict[str, object]) -> dict[str, object]:
        self.built = True
        raise AssertionError("a dry run or a refused call must not build a transaction")


def _sender(dry_run: bool = False) -> Sender:
    w3 = SimpleNamespace(eth=SimpleNamespace(gas_price=2 * 10**9))
    return Sender(w3, 31337, Console(stderr=True), dry_run=dry_run)  # type: ignore[arg-type]


def test_gas_limit_adds_headroom_rounding_up():
    assert GAS_HEADROOM_PERCENT == 130
    assert gas_limit(100_000) == 130_000
    assert gas_limit(1) == 2


def test_the_factory_overflow_is_named_and_nothing_is_sent():
    data = function_signature_to_4byte_selector("PayableDAppFactory_Overflow(uint256)") + encode(
        ["uint256"], [2**64]
    )
    call = FakeCall(revert=data)
    with pytest.raises(
        ChainError,
        match=r"extending would fail: PayableDAppFactory_Overflow\(seconds_=18446744073709551616\)",
    ):
        _sender().send(SIGNER, call, "extending")  # type: ignore[arg-type]
    assert not call.built


def test_a_dry_run_records_the_call_its_gas_and_fee():
    sender = _sender(dry_run=True)
    with pytest.raises(DryRun) as done:
        sender.send(SIGNER, FakeCall(estimate=100_000), "extending the runway, paying 19.99 USDC")  # type: ignore[arg-type]
    (planned,) = done.value.planned
    assert planned.gas_estimate == 100_000 and planned.gas_limit == 130_000
    assert planned.max_fee == 130_000 * 2 * 10**9
    assert planned.call == f"extendRunway({'0x' + '01' * 20}, 604800, 0x01)"
    assert "paying 19.99 USDC" in planned.describe() and "fee at most 0.00026 ETH" in planned.describe()
    assert planned.to_json()["max_fee_wei"] == str(260_000 * 10**9)


def test_a_dry_run_goes_on_after_a_non_final_step_and_notes_what_depends_on_it():
    sender = _sender(dry_run=True)
    sender.send(SIGNER, FakeCall(), "approving", final=False)  # type: ignore[arg-type]
    refused = function_signature_to_4byte_selector(
        "PayableDAppFactory_PaymentFailed(address,uint256)"
    ) + encode(["address", "uint256"], [SIGNER.address, 5])
    with pytest.raises(DryRun) as done:
        sender.send(SIGNER, FakeCall(revert=refused), "creating")  # type: ignore[arg-type]
    first, second = done.value.planned
    assert first.gas_estimate == 50_000
    assert second.gas_estimate is None and "needs the transaction(s) above" in (second.note or "")
    assert "gas not estimated" in second.describe()


def test_finish_ends_a_dry_run_and_does_nothing_otherwise():
    _sender().finish()
    with pytest.raises(DryRun):
        _sender(dry_run=True).finish()

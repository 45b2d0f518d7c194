"""The shapes of benchmark figures, shared by every suite."""

from __future__ import annotations

from typing import Any


def gas(value: int) -> dict[str, Any]:
    """A gas figure: ``{"value": gas, "unit": "gas"}``."""
    return {"value": int(value), "unit": "gas"}


def execution(receipt: Any) -> int:
    """A transaction's gas less the 21,000 intrinsic gas and its calldata (what the contract's code cost)."""
    data = bytes(receipt.transaction.data)
    return int(receipt.gas_used) - 21_000 - sum(4 if byte == 0 else 16 for byte in data)

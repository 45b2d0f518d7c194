"""Turning revert data into the contracts' named errors, for one-line messages people can act on."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import decode

from synor.artifacts import custom_errors


def decode_revert(data: bytes) -> tuple[str, dict[str, Any]] | None:
    """``(name, arguments)`` of a custom error from its revert data, or None if unknown."""
    if len(data) < 4:
        return None
    entry = custom_errors().get(bytes(data[:4]))
    if entry is None:
        return None
    types = [item["type"] for item in entry["inputs"]]
    values = decode(types, bytes(data[4:])) if types else ()
    return entry["name"], {item["name"]: value for item, value in zip(entry["inputs"], values, strict=True)}


def describe_revert(data: bytes) -> str:
    """``PayableDAppFactory_CostAboveMax(cost=19990001, maxCost=100)`` or the raw data."""
    decoded = decode_revert(data)
    if decoded is None:
        return f"reverted with data 0x{bytes(data).hex()}" if data else "reverted without a reason"
    name, arguments = decoded
    rendered = ", ".join(f"{key}={_render(value)}" for key, value in arguments.items())
    return f"{name}({rendered})"


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def revert_bytes(data: Any) -> bytes:
    """Revert data as web3 hands it over (bytes or a hex string) as bytes."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return bytes.fromhex(data.removeprefix("0x"))
    return b""

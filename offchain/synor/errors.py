"""The package's one exception root, and turning revert data into the contracts' named errors.

Every error a person can act on derives from ``SynorError``; the CLI maps that root once to one line on
stderr and exit code 2. Importing this module is cheap: the ABI decoder is loaded when revert data is
decoded, not before (``synor --help`` must not pay for the chain stack).
"""

from __future__ import annotations

from typing import Any


class SynorError(Exception):
    """A failure a person can act on; the message is one line saying what is wrong and what to do."""


class ChainError(SynorError, RuntimeError):
    """The chain could not do what was asked; the message is one line saying why and what to do."""


def decode_revert(data: bytes) -> tuple[str, dict[str, Any]] | None:
    """``(name, arguments)`` of a custom error from its revert data, or None if unknown."""
    from eth_abi.abi import decode

    from synor.artifacts import custom_errors

    if len(data) < 4:
        return None
    entry = custom_errors().get(bytes(data[:4]))
    if entry is None:
        return None
    types = [item["type"] for item in entry["inputs"]]
    try:
        values = decode(types, bytes(data[4:])) if types else ()
    except Exception:  # malformed arguments: name the error, show the raw data
        return entry["name"], {"data": "0x" + bytes(data[4:]).hex()}
    return entry["name"], {item["name"]: value for item, value in zip(entry["inputs"], values, strict=True)}


def describe_revert(data: bytes) -> str:
    """``PayableDAppFactory_CostAboveMax(cost=19990001, maxCost=100)`` or the raw data."""
    decoded = decode_revert(data)
    if decoded is None:
        return f"reverted with data 0x{bytes(data).hex()}" if data else "reverted without a reason"
    name, arguments = decoded
    rendered = ", ".join(f"{key}={_render(key, value)}" for key, value in arguments.items())
    return f"{name}({rendered})"


ROLE_NAMES = (
    "DEFAULT_ADMIN_ROLE",
    "KEEPER_ROLE",
    "WEIGHT_MANAGER_ROLE",
    "PROPOSER_ROLE",
    "EXECUTOR_ROLE",
    "REGISTRAR_ROLE",
    "GUARDIAN_ROLE",
)
"""AccessControl roles named in errors (``neededRole=KEEPER_ROLE`` rather than its hash)."""


def _role_name(value: bytes) -> str | None:
    from eth_utils.crypto import keccak

    for name in ROLE_NAMES:
        digest = b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)
        if value == digest:
            return name
    return None


def _render(key: str, value: Any) -> str:
    if isinstance(value, bytes):
        if key.lower().endswith("role") and len(value) == 32:
            return _role_name(value) or "0x" + value.hex()
        return "0x" + value.hex()
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        from eth_utils.address import to_checksum_address

        return str(to_checksum_address(value))  # eth_abi decodes addresses in lowercase
    return str(value)


def revert_bytes(data: Any) -> bytes:
    """Revert data as web3 hands it over (bytes or a hex string) as bytes."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        try:
            return bytes.fromhex(data.removeprefix("0x"))
        except ValueError:
            return b""
    return b""


def describe_contract_error(error: BaseException) -> str | None:
    """One line for a web3 contract error (a custom error by name, a panic, a reason string), or None
    when ``error`` is not one. web3 is only consulted once it is loaded (it raised the error)."""
    import sys

    exceptions = sys.modules.get("web3.exceptions")
    if exceptions is None:
        return None
    if isinstance(error, exceptions.ContractCustomError):
        return describe_revert(revert_bytes(error.data))
    if isinstance(error, exceptions.ContractLogicError):
        decoded = revert_bytes(error.data) if error.data else b""
        if decoded and decode_revert(decoded) is not None:
            return describe_revert(decoded)
        if not decoded and type(error) is exceptions.ContractLogicError:
            # An empty revert from a read is what a contract without the function gives.
            return "it reverted without a reason: is the address a contract of the expected kind?"
        return str(error.message or error)
    if isinstance(error, exceptions.BadFunctionCallOutput):
        return "the contract gave no answer it could give: is the address a contract of the expected kind?"
    return None

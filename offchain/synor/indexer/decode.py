"""Pure decoding of raw ``eth_getLogs`` entries into typed records, by topic0, from the shipped ABIs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.crypto import keccak

from synor.artifacts import _canonical_type, abi

BILLING_CONTRACTS = ("PayableDAppFactory", "PrepaidEscrow", "UsageSettlement", "FeeSplitter", "PriceBook")


@dataclass(frozen=True)
class EventRecord:
    """One decoded event: where it is and its arguments (ints stay ints; JSON encoding is the store's job)."""

    block_number: int
    log_index: int
    tx_hash: str
    contract: str
    name: str
    args: dict[str, Any]


def _hex(value: Any) -> str:
    return value if isinstance(value, str) else "0x" + bytes(value).hex()


def _to_bytes(value: Any) -> bytes:
    return bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)


@cache
def event_table() -> dict[bytes, dict[str, Any]]:
    """Every event of the billing contracts, by topic0."""
    table: dict[bytes, dict[str, Any]] = {}
    for contract in BILLING_CONTRACTS:
        for entry in abi(contract):
            if entry.get("type") == "event" and not entry.get("anonymous", False):
                signature = f"{entry['name']}({','.join(_canonical_type(i) for i in entry['inputs'])})"
                table[keccak(text=signature)] = entry
    return table


def _plain(value: Any, parameter: dict[str, Any]) -> Any:
    kind: str = parameter["type"]
    if kind.endswith("]"):
        inner = {**parameter, "type": kind[: kind.rindex("[")]}
        return [_plain(item, inner) for item in value]
    if kind == "tuple":
        return {c["name"]: _plain(v, c) for v, c in zip(value, parameter["components"], strict=True)}
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def decode_log(log: dict[str, Any]) -> EventRecord | None:
    """The typed record of a raw log, or None when topic0 is not a billing event."""
    topics = [_to_bytes(t) for t in log["topics"]]
    if not topics or topics[0] not in event_table():
        return None
    entry = event_table()[topics[0]]
    indexed = [i for i in entry["inputs"] if i["indexed"]]
    plain = [i for i in entry["inputs"] if not i["indexed"]]
    args: dict[str, Any] = {}
    for parameter, topic in zip(indexed, topics[1:], strict=True):
        (args[parameter["name"]],) = abi_decode([_canonical_type(parameter)], topic)
        args[parameter["name"]] = _plain(args[parameter["name"]], parameter)
    values = abi_decode([_canonical_type(i) for i in plain], _to_bytes(log["data"]))
    for parameter, value in zip(plain, values, strict=True):
        args[parameter["name"]] = _plain(value, parameter)
    number = log["blockNumber"]
    index = log["logIndex"]
    return EventRecord(
        block_number=int(number, 16) if isinstance(number, str) else int(number),
        log_index=int(index, 16) if isinstance(index, str) else int(index),
        tx_hash=_hex(log["transactionHash"]),
        contract=_hex(log["address"]).lower(),
        name=entry["name"],
        args=args,
    )

"""Round trip: every billing event encoded with eth-abi as a raw log decodes back to its arguments."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import encode

from synor.artifacts import _canonical_type
from synor.indexer.decode import decode_log, event_table

WANTED = {
    "RunwayPaid", "ApplicationCreated", "FinancialRunway", "Deposited", "OperatorAllowed", "OperatorRevoked",
    "DebtCollected", "WithdrawalRequested", "WithdrawalCancelled", "Withdrawn", "UsageCharged", "ReportSkipped",
    "OperatorRegistered", "SignerAdded", "SignerRevoked", "ServiceRevenueSplit", "TransactionFeesSplit",
    "Claimed", "Burned", "BoughtBackAndBurned", "RateCardSet",
}  # fmt: skip


def _sample(parameter: dict[str, Any], seed: int) -> tuple[Any, Any]:
    """(value to encode, value expected after decoding)."""
    kind: str = parameter["type"]
    if kind.endswith("[]"):
        inner = {**parameter, "type": kind[:-2]}
        items = [_sample(inner, seed + n) for n in range(2)]
        return [i[0] for i in items], [i[1] for i in items]
    if kind == "tuple":
        pairs = [_sample(c, seed + n) for n, c in enumerate(parameter["components"])]
        return tuple(p[0] for p in pairs), {
            c["name"]: p[1] for c, p in zip(parameter["components"], pairs, strict=True)
        }
    if kind == "address":
        address = "0x" + f"{seed:040x}"
        return address, address
    if kind == "bool":
        return True, True
    if kind.startswith("bytes") and kind != "bytes":
        raw = bytes([seed % 256]) * int(kind[5:])
        return raw, "0x" + raw.hex()
    if kind.startswith(("uint", "int")):
        bits = int(kind.lstrip("uint") or 256)
        number = min(10**20, 2 ** (bits - 1) - 1) - seed
        return number, number
    if kind == "string":
        return f"text{seed}", f"text{seed}"
    if kind == "bytes":
        return b"\x01\x02", "0x0102"
    raise AssertionError(f"no sample for {kind}")


def test_every_billing_event_is_known() -> None:
    assert {e["name"] for e in event_table().values()} >= WANTED


@pytest.mark.parametrize("topic0", list(event_table()), ids=lambda t: event_table()[t]["name"])
def test_round_trip(topic0: bytes) -> None:
    entry = event_table()[topic0]
    topics = ["0x" + topic0.hex()]
    plain_types: list[str] = []
    plain_values: list[Any] = []
    expected: dict[str, Any] = {}
    for seed, parameter in enumerate(entry["inputs"], start=1):
        value, want = _sample(parameter, seed)
        expected[parameter["name"]] = want
        if parameter["indexed"]:
            topics.append("0x" + encode([_canonical_type(parameter)], [value]).hex())
        else:
            plain_types.append(_canonical_type(parameter))
            plain_values.append(value)
    log = {
        "topics": topics,
        "data": "0x" + encode(plain_types, plain_values).hex(),
        "blockNumber": "0x10",
        "logIndex": "0x2",
        "transactionHash": "0x" + "ab" * 32,
        "address": "0x" + "CD" * 20,
    }
    record = decode_log(log)
    assert record is not None
    assert (record.name, record.block_number, record.log_index) == (entry["name"], 16, 2)
    assert record.contract == "0x" + "cd" * 20
    assert record.args == expected


def test_unknown_topic_is_none() -> None:
    log = {"topics": ["0x" + "00" * 32], "data": "0x", "blockNumber": 1, "logIndex": 0,
           "transactionHash": "0x", "address": "0x"}  # fmt: skip
    assert decode_log(log) is None

"""Usage report files: what `synor usage sign` reads and writes and `synor usage submit` sends.

Unsigned (input of ``sign``): a JSON list of reports, or ``{"reports": [...]}``, each::

    {"account": "0x…", "operator": "0x…", "resource": "storage.capacity" (a catalogue name) or "0x…" (its id),
     "period": 0, "cumulativeQuantity": "1296000000000000000" (a decimal string or an integer, never a float),
     "evidenceRoot": "0x…" (32 bytes; optional, zero when absent)}

Signed (output of ``sign``)::

    {"settlement": "0x…", "chainId": 31337, "signer": "0x…", "mode": "batch" | "reports",
     "operator": "0x…" and "signature": "0x…"   (batch mode: one UsageBatch signature),
     "reports": [ {report…, "signature": "0x…" (reports mode: one per report)} ]}

Addresses must be EIP-55 checksummed (or all lower case); every error names the report and the field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import is_checksum_address, is_hex_address
from web3 import Web3

from synor.pricing.catalogue import CATALOGUE
from synor.units import InputError
from synor.usage.typed_data import Report

QUANTITY_LIMIT = 2**128
MAX_PERIOD = 2**64 - 1
ZERO32 = b"\x00" * 32


@dataclass(frozen=True)
class SignedFile:
    settlement: str
    chain_id: int
    signer: str
    mode: str
    reports: list[Report]
    signatures: list[bytes]
    """One per report (reports mode), or the batch's single signature (batch mode)."""
    operator: str | None = None


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path} is not JSON: {error}") from None


def parse_reports(document: Any) -> list[Report]:
    """The reports of an unsigned (or signed) document, validated."""
    items = document.get("reports") if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise InputError('expected a non-empty JSON list of reports (or {"reports": [...]})')
    return [parse_report(item, index) for index, item in enumerate(items)]


def parse_report(item: Any, index: int = 0) -> Report:
    where = f"report {index}"
    if not isinstance(item, dict):
        raise InputError(
            f"{where}: expected an object with account, operator, resource, period, cumulativeQuantity"
        )
    return (
        _address(item, "account", where),
        _address(item, "operator", where),
        _resource(item.get("resource"), where),
        _integer(item, "period", where, MAX_PERIOD + 1),
        _integer(item, "cumulativeQuantity", where, QUANTITY_LIMIT),
        _bytes32(item.get("evidenceRoot", "0x" + "00" * 32), f"{where}: evidenceRoot"),
    )


def report_json(report: Report) -> dict[str, Any]:
    account, operator, resource, period, quantity, evidence = report
    names = {entry.resource_id: name for name, entry in CATALOGUE.items()}
    return {
        "account": account,
        "operator": operator,
        "resource": names.get(resource, "0x" + resource.hex()),
        "period": period,
        "cumulativeQuantity": str(quantity),
        "evidenceRoot": "0x" + evidence.hex(),
    }


def signed_json(signed: SignedFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "settlement": signed.settlement,
        "chainId": signed.chain_id,
        "signer": signed.signer,
        "mode": signed.mode,
    }
    if signed.mode == "batch":
        document |= {"operator": signed.operator, "signature": "0x" + signed.signatures[0].hex()}
        document["reports"] = [report_json(r) for r in signed.reports]
    else:
        document["reports"] = [
            report_json(r) | {"signature": "0x" + s.hex()}
            for r, s in zip(signed.reports, signed.signatures, strict=True)
        ]
    return document


def parse_signed(document: Any) -> SignedFile:
    """A signed document, validated (signatures are checked against the chain by the caller)."""
    if not isinstance(document, dict) or document.get("mode") not in ("batch", "reports"):
        raise InputError(
            'not a signed report file: expected "mode": "batch" or "reports" (make one with `synor usage sign`)'
        )
    chain_id = document.get("chainId")
    if type(chain_id) is not int or chain_id <= 0:
        raise InputError("chainId: expected a positive integer")
    reports = parse_reports(document)
    settlement = _address(document, "settlement", "file")
    signer = _address(document, "signer", "file")
    if document["mode"] == "batch":
        operator = _address(document, "operator", "file")
        return SignedFile(
            settlement,
            chain_id,
            signer,
            "batch",
            reports,
            [_signature(document.get("signature"), "signature")],
            operator,
        )
    items: Sequence[Any] = document["reports"]
    signatures = [_signature(item.get("signature"), f"report {i}: signature") for i, item in enumerate(items)]
    return SignedFile(settlement, chain_id, signer, "reports", reports, signatures)


def _address(item: dict[str, Any], field: str, where: str) -> str:
    value = item.get(field)
    if type(value) is not str or not is_hex_address(value):
        raise InputError(f"{where}: {field} must be a 0x address of 40 hex digits, not {value!r}")
    if value != value.lower() and not is_checksum_address(value):
        raise InputError(f"{where}: {field} {value} fails its EIP-55 checksum: check the address")
    return str(Web3.to_checksum_address(value))


def _resource(value: Any, where: str) -> bytes:
    if type(value) is str and value in CATALOGUE:
        return CATALOGUE[value].resource_id
    if type(value) is str and value.startswith("0x"):
        return _bytes32(value, f"{where}: resource")
    names = ", ".join(sorted(CATALOGUE))
    raise InputError(f"{where}: unknown resource {value!r}: use a catalogue name ({names}) or a 0x id")


def _integer(item: dict[str, Any], field: str, where: str, limit: int) -> int:
    value = item.get(field)
    if type(value) is str and value.isdigit():
        number = int(value)
    elif type(value) is int:
        number = value
    else:
        raise InputError(
            f"{where}: {field} must be a whole number (a decimal string or an integer), not {value!r}"
        )
    if not 0 <= number < limit:
        raise InputError(f"{where}: {field} must be at least 0 and below {limit}, not {number}")
    return number


def _bytes32(value: Any, where: str) -> bytes:
    return _fixed_hex(value, 32, f"{where}: expected 0x and 64 hex digits (32 bytes), not {value!r}")


def _signature(value: Any, where: str) -> bytes:
    return _fixed_hex(value, 65, f"{where}: expected a 65-byte signature (0x and 130 hex digits)")


def _fixed_hex(value: Any, size: int, refusal: str) -> bytes:
    """``size`` bytes from 0x-prefixed hex, else InputError(``refusal``)."""
    if type(value) is not str or not value.startswith("0x") or len(value) != 2 + 2 * size:
        raise InputError(refusal)
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise InputError(refusal) from None

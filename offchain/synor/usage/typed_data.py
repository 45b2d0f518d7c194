"""The one place the EIP-712 messages of usage settlement are built (pure: no network, no keys).

Domain: ``name = "Synor Usage"``, ``version = "1"``, the chain id, verifying contract = the settlement.
Types (exactly as `IUsageSettlement` documents them)::

    UsageReport(address account,address operator,bytes32 resource,uint64 period,uint256 cumulativeQuantity,bytes32 evidenceRoot)
    UsageBatch(address operator,UsageReport[] reports)

A report is the ABI tuple ``(account, operator, resource id, period, cumulativeQuantity, evidenceRoot)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3

from synor.permit import DOMAIN_TYPES

REPORT_TYPE = (
    "UsageReport(address account,address operator,bytes32 resource,uint64 period,"
    "uint256 cumulativeQuantity,bytes32 evidenceRoot)"
)
BATCH_TYPE = "UsageBatch(address operator,UsageReport[] reports)" + REPORT_TYPE
REPORT_TYPEHASH = keccak(text=REPORT_TYPE)
BATCH_TYPEHASH = keccak(text=BATCH_TYPE)
DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
NAME, VERSION = "Synor Usage", "1"

Report = tuple[str, str, bytes, int, int, bytes]
"""(account, operator, resource id, period, cumulativeQuantity, evidenceRoot)."""

_REPORT_FIELDS = [
    {"name": "account", "type": "address"},
    {"name": "operator", "type": "address"},
    {"name": "resource", "type": "bytes32"},
    {"name": "period", "type": "uint64"},
    {"name": "cumulativeQuantity", "type": "uint256"},
    {"name": "evidenceRoot", "type": "bytes32"},
]


@dataclass(frozen=True)
class Domain:
    chain_id: int
    settlement: str

    def separator(self) -> bytes:
        return keccak(
            encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [
                    keccak(text=DOMAIN_TYPE),
                    keccak(text=NAME),
                    keccak(text=VERSION),
                    self.chain_id,
                    self.settlement,
                ],
            )
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": NAME,
            "version": VERSION,
            "chainId": self.chain_id,
            "verifyingContract": self.settlement,
        }


def report_hash(report: Report) -> bytes:
    """The EIP-712 struct hash of a report."""
    account, operator, resource, period, quantity, evidence = report
    return keccak(
        encode(
            ["bytes32", "address", "address", "bytes32", "uint64", "uint256", "bytes32"],
            [REPORT_TYPEHASH, account, operator, resource, period, quantity, evidence],
        )
    )


def batch_hash(operator: str, reports: Sequence[Report]) -> bytes:
    """The EIP-712 struct hash of a batch: the array member hashes to keccak of its members' hashes."""
    members = keccak(b"".join(report_hash(r) for r in reports))
    return keccak(encode(["bytes32", "address", "bytes32"], [BATCH_TYPEHASH, operator, members]))


def digest(domain: Domain, struct_hash: bytes) -> bytes:
    """What is signed: ``keccak256("\\x19\\x01" ‖ domainSeparator ‖ structHash)``."""
    return keccak(b"\x19\x01" + domain.separator() + struct_hash)


def report_digest(domain: Domain, report: Report) -> bytes:
    return digest(domain, report_hash(report))


def batch_digest(domain: Domain, operator: str, reports: Sequence[Report]) -> bytes:
    return digest(domain, batch_hash(operator, reports))


def _report_message(report: Report) -> dict[str, Any]:
    account, operator, resource, period, quantity, evidence = report
    return {
        "account": Web3.to_checksum_address(account),
        "operator": Web3.to_checksum_address(operator),
        "resource": resource,
        "period": period,
        "cumulativeQuantity": quantity,
        "evidenceRoot": evidence,
    }


def report_typed_data(domain: Domain, report: Report) -> dict[str, Any]:
    """The full EIP-712 document of a report (for wallets and other EIP-712 libraries)."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPES, "UsageReport": _REPORT_FIELDS},
        "primaryType": "UsageReport",
        "domain": domain.as_json(),
        "message": _report_message(report),
    }


def batch_typed_data(domain: Domain, operator: str, reports: Sequence[Report]) -> dict[str, Any]:
    """The full EIP-712 document of a batch."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_TYPES,
            "UsageBatch": [
                {"name": "operator", "type": "address"},
                {"name": "reports", "type": "UsageReport[]"},
            ],
            "UsageReport": _REPORT_FIELDS,
        },
        "primaryType": "UsageBatch",
        "domain": domain.as_json(),
        "message": {
            "operator": Web3.to_checksum_address(operator),
            "reports": [_report_message(r) for r in reports],
        },
    }

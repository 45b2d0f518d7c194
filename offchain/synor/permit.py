"""EIP-2612 permits: the typed data a token holder signs to approve a spender without a transaction.

Pure: builds and signs the message; sending it is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data

DOMAIN_TYPES = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
"""The EIP712Domain fields of a domain with name, version, chain id and verifying contract (shared with
`synor.usage.typed_data`)."""
_PERMIT_TYPES = [
    {"name": "owner", "type": "address"},
    {"name": "spender", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


@dataclass(frozen=True)
class PermitDomain:
    """A token's EIP-712 domain (what its `eip712Domain()` returns, or its name, `version()`, chain id and
    address for tokens without EIP-5267, such as mainnet USDC)."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str


def permit_message(
    domain: PermitDomain, owner: str, spender: str, value: int, nonce: int, deadline: int
) -> dict[str, Any]:
    """The full EIP-712 message of a permit."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPES, "Permit": _PERMIT_TYPES},
        "primaryType": "Permit",
        "domain": {
            "name": domain.name,
            "version": domain.version,
            "chainId": domain.chain_id,
            "verifyingContract": domain.verifying_contract,
        },
        "message": {"owner": owner, "spender": spender, "value": value, "nonce": nonce, "deadline": deadline},
    }


def domain_separator(domain: PermitDomain) -> bytes:
    """The EIP-712 domain separator of ``domain``: what the token's `DOMAIN_SEPARATOR()` returns for it."""
    message = permit_message(domain, "0x" + "00" * 20, "0x" + "00" * 20, 0, 0, 0)
    return bytes(encode_typed_data(full_message=message).header)


def sign_permit(
    private_key: Any, domain: PermitDomain, owner: str, spender: str, value: int, nonce: int, deadline: int
) -> tuple[int, bytes, bytes]:
    """``(v, r, s)`` of the owner's permit, ready for `permit` or `extendRunwayWithPermit`."""
    message = permit_message(domain, owner, spender, value, nonce, deadline)
    signed = Account.sign_message(encode_typed_data(full_message=message), private_key)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")

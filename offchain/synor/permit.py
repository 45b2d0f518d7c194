"""EIP-2612 permits: the typed data a token holder signs to approve a spender without a transaction.

Building and signing are pure; `discover_domain` reads a token's domain through a web3 contract handle.
Sending the permit is the caller's business.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_account import Account
from eth_account.messages import encode_typed_data

if TYPE_CHECKING:
    from web3.contract import Contract

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


def discover_domain(token: Contract, chain_id: int) -> PermitDomain | None:
    """``token``'s EIP-2612 domain, checked against its ``DOMAIN_SEPARATOR()``: the one EIP-5267's
    ``eip712Domain()`` names, or for tokens without it (mainnet USDC) its name with its ``version()`` (or
    "1" or "2") on ``chain_id``. None without a permit, or with a domain this client cannot reproduce."""
    try:
        separator = bytes(token.functions.DOMAIN_SEPARATOR().call())
        token.functions.nonces(token.address).call()
    except Exception:  # a token without EIP-2612 simply lacks these functions
        return None
    for domain in _domain_candidates(token, chain_id):
        if domain_separator(domain) == separator:
            return domain
    return None


def _domain_candidates(token: Contract, chain_id: int) -> list[PermitDomain]:
    try:  # EIP-5267: the token says what its domain is
        _, name, version, domain_chain_id, verifying_contract, _, _ = token.functions.eip712Domain().call()
        return [PermitDomain(name, version, domain_chain_id, verifying_contract)]
    except Exception:  # no EIP-5267: its name, its version() or "1" or "2", this chain
        name = str(token.functions.name().call())
        versions = ["1", "2"]
        with contextlib.suppress(Exception):
            reader = token.w3.eth.contract(address=token.address, abi=_VERSION_ABI)
            versions.insert(0, str(reader.functions.version().call()))
        return [PermitDomain(name, version, chain_id, token.address) for version in versions]


_VERSION_ABI = [
    {
        "type": "function",
        "name": "version",
        "inputs": [],
        "outputs": [{"type": "string"}],
        "stateMutability": "view",
    }
]
"""The `version()` getter that tokens without EIP-5267 (mainnet USDC) expose for their permit domain."""

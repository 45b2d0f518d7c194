"""Deploying usage billing with ape: the PrepaidEscrow and the UsageSettlement, bound to each other.

The escrow names the settlement as its only charger in its constructor and the settlement checks it back,
so the settlement's address is predicted from the deployer's nonce (it is deployed right after the escrow).

Imports ape lazily inside functions: importing this module loads nothing heavy and touches no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils.crypto import keccak
from rlp import encode as rlp_encode  # type: ignore[import-untyped]  # pyrlp ships no type stubs
from web3 import Web3

DAY = 24 * 3600


@dataclass(frozen=True)
class UsageBillingOptions:
    settlement_window: int = 7 * DAY
    """Seconds after a period's end during which its reports are still accepted (issue 8's default)."""
    signer_delay: int = DAY
    """Seconds before an operator's newly added signer may sign."""
    admin_delay: int = DAY
    registrar: str | None = None
    """Who registers operators (default: the deployer)."""
    guardian: str | None = None
    """Who may pause charging (default: the deployer)."""
    operators: tuple[str, ...] = ()
    """Operators to register at deployment."""


def create_address(sender: str, nonce: int) -> str:
    """The address a contract created by ``sender`` with ``nonce`` gets (CREATE)."""
    raw = keccak(rlp_encode([bytes.fromhex(sender.removeprefix("0x")), nonce]))[12:]
    return Web3.to_checksum_address(raw)


def deploy_usage_billing(
    project: Any,
    deployer: Any,
    synor: str,
    splitter: str,
    price_book: str,
    oracle: str | None,
    options: UsageBillingOptions | None = None,
) -> dict[str, str]:
    """Deploys the escrow and the settlement; returns the addresses to record (``escrow``, ``settlement``)."""
    from ape.utils import ZERO_ADDRESS

    opts = options or UsageBillingOptions()
    me = deployer.address
    predicted = create_address(me, int(deployer.nonce) + 1)
    escrow = project.PrepaidEscrow.deploy(
        synor,
        splitter,
        oracle or ZERO_ADDRESS,
        price_book,
        predicted,
        opts.admin_delay,
        me,
        opts.guardian or me,
        sender=deployer,
    )
    settlement = project.UsageSettlement.deploy(
        price_book,
        escrow,
        oracle or ZERO_ADDRESS,
        opts.settlement_window,
        opts.signer_delay,
        opts.admin_delay,
        me,
        opts.registrar or me,
        sender=deployer,
    )
    if settlement.address != predicted:
        raise RuntimeError(f"settlement deployed at {settlement.address}, expected {predicted}")
    for operator in opts.operators:
        settlement.registerOperator(operator, sender=deployer)
    return {"escrow": escrow.address, "settlement": settlement.address}

"""Signing and verifying usage reports and batches with an eth-account key (what `synor.accounts`
resolves: an ape keyfile account, a key in the environment, or a local development account)."""

from __future__ import annotations

from collections.abc import Sequence

from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_typing import Hash32
from eth_utils.exceptions import ValidationError

from synor.usage.typed_data import Domain, Report, batch_digest, report_digest


def sign_report(signer: LocalAccount, domain: Domain, report: Report) -> bytes:
    """The 65-byte signature (r ‖ s ‖ v) of ``report``."""
    return bytes(signer.unsafe_sign_hash(Hash32(report_digest(domain, report))).signature)


def sign_batch(signer: LocalAccount, domain: Domain, operator: str, reports: Sequence[Report]) -> bytes:
    """The 65-byte signature of a ``UsageBatch`` of ``reports`` by ``operator``."""
    return bytes(signer.unsafe_sign_hash(Hash32(batch_digest(domain, operator, reports))).signature)


def recover_report_signer(domain: Domain, report: Report, signature: bytes) -> str | None:
    """Who signed ``report`` (None for a malformed signature)."""
    return _recover(report_digest(domain, report), signature)


def recover_batch_signer(
    domain: Domain, operator: str, reports: Sequence[Report], signature: bytes
) -> str | None:
    """Who signed the batch (None for a malformed signature)."""
    return _recover(batch_digest(domain, operator, reports), signature)


def _recover(digest: bytes, signature: bytes) -> str | None:
    if len(signature) != 65 or signature[64] not in (27, 28):
        return None
    try:
        vrs = (
            signature[64] - 27,
            int.from_bytes(signature[:32], "big"),
            int.from_bytes(signature[32:64], "big"),
        )
        public = Signature(vrs=vrs).recover_public_key_from_msg_hash(digest)
    except (BadSignature, ValidationError, ValueError):
        return None
    return str(public.to_checksum_address())

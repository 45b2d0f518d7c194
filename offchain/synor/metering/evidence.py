"""The evidence root a usage report commits to: a Merkle root over the metered events behind it.

Pure and deterministic: anyone holding the events of one (account, operator, resource, period) rebuilds
the same root, whatever order they arrived in, and can prove one event's inclusion to an auditor with
OpenZeppelin's ``MerkleProof.verify`` (sorted-pair hashing):

- leaf = ``keccak256(bytes.concat(keccak256(abi.encode(string source, string id, uint256 quantity))))``
  (hashed twice, as OpenZeppelin recommends, so a leaf can never pass for an inner node);
- the leaves are sorted and paired level by level, each pair hashed smaller-first; an odd node is
  carried up unchanged; the root of no events is 32 zero bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eth_abi.abi import encode
from eth_utils.crypto import keccak

EMPTY_ROOT = b"\x00" * 32


def leaf(source: str, event_id: str, quantity: int) -> bytes:
    """The leaf of one metered event (CloudEvents ``source`` and ``id``, its base quantity)."""
    return keccak(keccak(encode(["string", "string", "uint256"], [source, event_id, quantity])))


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def root(leaves: Iterable[bytes]) -> bytes:
    """The Merkle root of ``leaves`` (any order)."""
    level = sorted(leaves)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        nxt = [_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def proof(leaves: Sequence[bytes], target: bytes) -> list[bytes]:
    """The sibling hashes proving ``target`` is among ``leaves`` (for ``MerkleProof.verify``)."""
    level = sorted(leaves)
    if target not in level:
        raise ValueError("the event is not among the leaves")
    index = level.index(target)
    path: list[bytes] = []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        nxt = [_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level, index = nxt, index // 2
    return path


def verify(proof_path: Sequence[bytes], root_hash: bytes, target: bytes) -> bool:
    """Whether ``proof_path`` leads from ``target`` to ``root_hash`` (what ``MerkleProof.verify`` checks)."""
    node = target
    for sibling in proof_path:
        node = _pair(node, sibling)
    return node == root_hash

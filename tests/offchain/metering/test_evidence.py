"""The evidence root: order-independent, every event provable, nothing else provable."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st

from synor.metering.evidence import EMPTY_ROOT, leaf, proof, root, verify

EVENTS = st.lists(
    st.tuples(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12), st.integers(0, 2**200)),
    min_size=1,
    max_size=40,
    unique_by=lambda e: (e[0], e[1]),
)


def test_leaf_is_the_double_hash_of_the_abi_encoded_event():
    inner = keccak(encode(["string", "string", "uint256"], ["meter/storage", "e-1", 10**20]))
    assert leaf("meter/storage", "e-1", 10**20) == keccak(inner)


def test_small_trees_by_hand():
    a, b, c = (leaf("s", str(i), i) for i in range(3))
    assert root([]) == EMPTY_ROOT
    assert root([a]) == a
    lo, hi = sorted((a, b))
    assert root([b, a]) == keccak(lo + hi)
    ab = keccak(lo + hi)
    first, second, third = sorted((a, b, c))
    pair = keccak(first + second)
    expected = keccak(min(pair, third) + max(pair, third))
    assert root([c, a, b]) == expected != ab


@given(EVENTS, st.randoms())
def test_root_ignores_arrival_order_and_every_event_is_provable(events, rnd):
    leaves = [leaf(*e) for e in events]
    shuffled = leaves[:]
    rnd.shuffle(shuffled)
    top = root(leaves)
    assert root(shuffled) == top
    for item in leaves:
        assert verify(proof(leaves, item), top, item)


@given(EVENTS)
def test_a_changed_or_missing_event_changes_the_root(events):
    leaves = [leaf(*e) for e in events]
    source, event_id, quantity = events[0]
    changed = [leaf(source, event_id, quantity + 1), *leaves[1:]]
    assert root(changed) != root(leaves)
    if len(leaves) > 1:
        assert root(leaves[1:]) != root(leaves)
    outsider = leaf(source + "x", event_id, quantity)
    assert not verify(proof(leaves, leaves[0]), root(leaves), outsider)


def test_proof_of_an_unknown_event_is_refused():
    leaves = [leaf("s", str(i), i) for i in range(5)]
    with pytest.raises(ValueError, match="not among"):
        proof(leaves, leaf("s", "9", 9))

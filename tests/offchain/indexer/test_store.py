"""SQLite store: idempotent writes, big ints as strings, rollback of everything after a block."""

from __future__ import annotations

from synor.indexer.decode import EventRecord
from synor.indexer.store import SqliteStore


def _event(block: int, index: int, amount: int) -> EventRecord:
    return EventRecord(block, index, "0xaa", "0xcc", "Deposited", {"amount": amount, "ok": True})


def test_rewrite_never_duplicates_and_keeps_big_ints_exact() -> None:
    store = SqliteStore(":memory:")
    assert store.next_block() is None
    chunk = [_event(5, 0, 2**200 + 1), _event(6, 1, 3)]
    store.write_chunk([(5, "0x05", "0x04"), (6, "0x06", "0x05")], chunk, 7)
    store.write_chunk([(5, "0x05", "0x04"), (6, "0x06", "0x05")], chunk, 7)
    assert store.counts() == {"Deposited": 2}
    assert store.events()[0] == (5, 0, "Deposited", {"amount": str(2**200 + 1), "ok": True})
    assert (store.next_block(), store.block_hash(6)) == (7, "0x06")


def test_rollback_deletes_after_block_and_moves_cursor() -> None:
    store = SqliteStore(":memory:")
    store.write_chunk([(5, "0x05", "0x04"), (6, "0x06", "0x05")], [_event(5, 0, 1), _event(6, 0, 2)], 7)
    store.rollback_after(5)
    assert [e[0] for e in store.events()] == [5]
    assert (store.next_block(), store.block_hash(6), store.block_hash(5)) == (6, None, "0x05")

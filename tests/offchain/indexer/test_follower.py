"""Follower against a fake node: confirmations, chunk halving, resume, reorg rollback."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import encode

from synor.indexer.decode import event_table
from synor.indexer.follower import Follower
from synor.indexer.store import SqliteStore

BURNED = next(t for t, e in event_table().items() if e["name"] == "Burned")


class FakeNode:
    def __init__(self, blocks: int) -> None:
        self.fork = "a"
        self.height = blocks
        self.max_range = 1000

    def hash(self, n: int, fork: str) -> str:
        return f"0x{fork}{n}"

    def __call__(self, method: str, params: list[Any]) -> Any:
        if method == "eth_blockNumber":
            return hex(self.height)
        if method == "eth_getBlockByNumber":
            n = int(params[0], 16)
            fork = self.fork if n >= 8 else "a"
            return {"hash": self.hash(n, fork), "parentHash": self.hash(n - 1, fork)}
        first, last = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
        if last - first + 1 > self.max_range:
            raise ValueError("query returned too many results")
        amount = 2 if self.fork == "b" else 1
        return [self.log(n, amount if n >= 8 else 1) for n in range(first, last + 1)]

    def log(self, n: int, amount: int) -> dict[str, Any]:
        entry = event_table()[BURNED]
        types = [i["type"] for i in entry["inputs"] if not i["indexed"]]
        return {
            "topics": ["0x" + BURNED.hex()] + ["0x" + "00" * 32] * sum(i["indexed"] for i in entry["inputs"]),
            "data": "0x" + encode(types, [amount] * len(types)).hex(),
            "blockNumber": hex(n), "logIndex": "0x0", "transactionHash": "0x" + "11" * 32, "address": "0x" + "22" * 20,
        }  # fmt: skip


def test_confirmations_chunking_resume_and_reorg() -> None:
    node, store = FakeNode(20), SqliteStore(":memory:")
    follower = Follower(node, store, ["0x" + "22" * 20], start_block=1, confirmations=5, chunk=8)
    node.max_range = 3
    assert follower.round() == 15  # blocks 1..15
    assert follower.chunk <= 3
    assert store.next_block() == 16
    again = Follower(node, store, ["0x" + "22" * 20], start_block=1, confirmations=5, chunk=2)
    assert again.round() == 0  # resume: nothing new, no duplicates
    assert store.counts() == {"Burned": 15}
    node.fork, node.height = "b", 21  # blocks >= 8 replaced
    assert again.round() == 9  # 8..16 re-read from the new fork
    events = store.events()
    assert len(events) == 16
    assert all(set(args.values()) == {"2"} for b, _, _, args in events if b >= 8)
    assert store.block_hash(8) == "0xb8"

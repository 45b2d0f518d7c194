"""Follows the chain: raw eth_getLogs in adaptive chunks up to head - confirmations, reorg-safe."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from synor.indexer.decode import EventRecord, decode_log
from synor.indexer.store import SqliteStore

Rpc = Callable[[str, list[Any]], Any]


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


class Follower:
    """One round reads from the cursor (or start block) to head - confirmations into the store."""

    def __init__(
        self,
        rpc: Rpc,
        store: SqliteStore,
        addresses: Sequence[str],
        start_block: int,
        confirmations: int = 12,
        chunk: int = 2000,
    ) -> None:
        self._rpc, self._store, self._addresses = rpc, store, list(addresses)
        self._start, self._confirmations, self.chunk = start_block, confirmations, chunk

    def _header(self, number: int) -> tuple[str, str]:
        block = self._rpc("eth_getBlockByNumber", [hex(number), False])
        return str(block["hash"]), str(block["parentHash"])

    def _check_reorg(self) -> int:
        """Walk back from the stored tip to the common ancestor; roll back after it. Returns rolled-back blocks."""
        next_block = self._store.next_block()
        if next_block is None:
            return 0
        number = next_block - 1
        dropped = 0
        while number >= self._start:
            stored = self._store.block_hash(number)
            if stored is None or stored == self._header(number)[0]:
                break
            number -= 1
            dropped += 1
        if dropped:
            self._store.rollback_after(number)
        return dropped

    def _logs(self, first: int, last: int) -> list[dict[str, Any]]:
        params = {"fromBlock": hex(first), "toBlock": hex(last), "address": self._addresses}
        logs: list[dict[str, Any]] = self._rpc("eth_getLogs", [params])
        return logs

    def round(self) -> int:
        """Index what is confirmed; the number of events written."""
        self._check_reorg()
        head = _int(self._rpc("eth_blockNumber", []))
        last_ok = head - self._confirmations
        first = self._store.next_block()
        first = self._start if first is None else first
        written = 0
        while first <= last_ok:
            last = min(first + self.chunk - 1, last_ok)
            try:
                logs = self._logs(first, last)
            except Exception as exc:  # the node's "too many results" / limit errors: halve and retry
                if (self.chunk > 1 and "too many" in str(exc).lower()) or "limit" in str(exc).lower():
                    self.chunk = max(1, self.chunk // 2)
                    continue
                raise
            events: list[EventRecord] = [r for r in (decode_log(log) for log in logs) if r is not None]
            blocks = [(n, *self._header(n)) for n in range(first, last + 1)]
            self._store.write_chunk(blocks, events, last + 1)
            written += len(events)
            first = last + 1
        return written

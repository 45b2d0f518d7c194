"""SQLite store of indexed blocks and events, plus a cursor (PostgreSQL not done yet)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from synor.indexer.decode import EventRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, parent_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, contract TEXT NOT NULL,
    name TEXT NOT NULL, args TEXT NOT NULL, PRIMARY KEY (block, log_index));
CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), next_block INTEGER NOT NULL);
"""


def _json_ready(value: Any) -> Any:
    """Big ints as decimal strings (JSON numbers lose precision past 2**53)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


class SqliteStore:
    """Blocks (number, hash, parent hash), events and the next block to read."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path)
        self._db.executescript(_SCHEMA)

    def write_chunk(
        self, blocks: Iterable[tuple[int, str, str]], events: Iterable[EventRecord], next_block: int
    ) -> None:
        """Record a read range in one transaction; re-writing a range never duplicates an event."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?, ?)", list(blocks))
            self._db.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.block_number,
                        e.log_index,
                        e.tx_hash,
                        e.contract,
                        e.name,
                        json.dumps(_json_ready(e.args)),
                    )
                    for e in events
                ],
            )
            self._db.execute("INSERT OR REPLACE INTO cursor VALUES (1, ?)", (next_block,))

    def rollback_after(self, block: int) -> None:
        """Delete every block and event after ``block`` and move the cursor back, in one transaction."""
        with self._db:
            self._db.execute("DELETE FROM blocks WHERE number > ?", (block,))
            self._db.execute("DELETE FROM events WHERE block > ?", (block,))
            self._db.execute("INSERT OR REPLACE INTO cursor VALUES (1, ?)", (block + 1,))

    def next_block(self) -> int | None:
        row = self._db.execute("SELECT next_block FROM cursor").fetchone()
        return None if row is None else int(row[0])

    def block_hash(self, number: int) -> str | None:
        row = self._db.execute("SELECT hash FROM blocks WHERE number = ?", (number,)).fetchone()
        return None if row is None else str(row[0])

    def counts(self) -> dict[str, int]:
        """Events per name."""
        rows = self._db.execute("SELECT name, COUNT(*) FROM events GROUP BY name").fetchall()
        return {str(name): int(count) for name, count in rows}

    def events(self) -> list[tuple[int, int, str, dict[str, Any]]]:
        """(block, log index, name, args) in chain order."""
        rows = self._db.execute("SELECT block, log_index, name, args FROM events ORDER BY block, log_index")
        return [(int(b), int(i), str(n), json.loads(a)) for b, i, n, a in rows.fetchall()]

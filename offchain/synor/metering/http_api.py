"""``POST /events``: usage events over HTTP, single or batch, each source authenticated by its own key.

A key belongs to one ``source`` and one operator: an event whose ``source`` or ``data.operator`` is
not the key's is refused (`Reason.SOURCE_NOT_ALLOWED`, `Reason.OPERATOR_NOT_ALLOWED`), so no source
can bill in another's name or for another operator. Keys are kept only as SHA-256 hashes.

Requests: ``Authorization: Bearer <key>``; a body of one CloudEvent (JSON object) or a batch (JSON
array, at most ``MAX_BATCH`` events, ``MAX_BODY`` bytes). Answers: **202** with
``{"accepted", "duplicates", "rejected": [{"index", "reason", "detail", "source", "id"}]}`` once the
sink has taken the valid events (what that promises depends on the sink: see the README); **401**
without a valid key; **400** when the body is not JSON; **413** when it is too large; **404** elsewhere.
The server is the standard library's, one request at a time (the sinks are not shared across threads).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from synor.metering.events import (
    EventRejected,
    Reason,
    Rejection,
    UsageEvent,
    decode,
    parse_address,
    parse_event,
)
from synor.metering.pipeline import Sink

MAX_BODY = 16 * 1024 * 1024
MAX_BATCH = 10_000


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class SourceKey:
    source: str
    operator: str
    key_sha256: str


class KeyRing:
    """Source keys by hash, stored as JSON (``{"keys": [{"source", "operator", "key_sha256"}]}``)."""

    def __init__(self, keys: Sequence[SourceKey] = ()) -> None:
        self._keys = {key.key_sha256: key for key in keys}

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        if not path.exists():
            return cls()
        document = json.loads(path.read_text())
        return cls([SourceKey(**entry) for entry in document["keys"]])

    def save(self, path: Path) -> None:
        keys = [asdict(key) for key in sorted(self._keys.values(), key=lambda k: (k.source, k.key_sha256))]
        path.write_text(json.dumps({"keys": keys}, indent=2) + "\n")
        path.chmod(0o600)

    def issue(self, source: str, operator: str) -> str:
        """A new random key for ``source`` acting for ``operator``; only its hash is kept."""
        if not source or len(source) > 256:
            raise ValueError("a source is a non-empty string of at most 256 characters")
        key = secrets.token_urlsafe(32)
        self._keys[_hash(key)] = SourceKey(source, parse_address(operator), _hash(key))
        return key

    def authenticate(self, authorization: str | None) -> SourceKey | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        digest = _hash(authorization.removeprefix("Bearer ").strip())
        for known, entry in self._keys.items():  # constant-time comparison of every known hash
            if hmac.compare_digest(known, digest):
                return entry
        return None


def accept_body(body: bytes, key: SourceKey, sink: Sink) -> tuple[int, dict[str, Any]]:
    """Validates a request body for ``key`` and submits its valid events; (HTTP status, JSON answer)."""
    try:
        document = decode(body, MAX_BODY)
    except EventRejected as error:
        status = 413 if error.reason == Reason.TOO_LARGE else 400
        return status, {"error": error.reason, "detail": error.detail}
    documents = document if isinstance(document, list) else [document]
    if len(documents) > MAX_BATCH:
        return 413, {"error": Reason.TOO_LARGE, "detail": f"a batch holds at most {MAX_BATCH} events"}
    valid: list[tuple[UsageEvent, int | None]] = []
    rejected: list[Rejection] = []
    for index, item in enumerate(documents):
        try:
            event = parse_event(item)
            if event.source != key.source:
                raise EventRejected(
                    Reason.SOURCE_NOT_ALLOWED,
                    f"this key sends for source {key.source!r}",
                    event.source,
                    event.id,
                )
            if event.operator != key.operator:
                raise EventRejected(
                    Reason.OPERATOR_NOT_ALLOWED,
                    f"this key sends for operator {key.operator}",
                    event.source,
                    event.id,
                )
            valid.append((event, index))
        except EventRejected as error:
            rejected.append(Rejection.of(error, index))
    result = sink.submit(valid)
    rejected += result.rejected
    return 202, {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": [
            {"index": r.line, "reason": r.reason, "detail": r.detail, "source": r.source, "id": r.event_id}
            for r in sorted(rejected, key=lambda r: r.line or 0)
        ],
    }


def make_server(host: str, port: int, keys: KeyRing, sink: Sink) -> HTTPServer:
    """An HTTP server answering ``POST /events`` (and ``GET /healthz``); call ``serve_forever()``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "synor-usage/1"

        def _answer(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            body = json.dumps(payload, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._answer(200, {"status": "ok"})
            else:
                self._answer(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if self.path != "/events":
                self._answer(404, {"error": "not_found"})
                return
            key = keys.authenticate(self.headers.get("Authorization"))
            if key is None:
                self._answer(401, {"error": "unauthorized"}, {"WWW-Authenticate": "Bearer"})
                return
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._answer(411, {"error": "length_required"})
                return
            if length > MAX_BODY:
                self._answer(413, {"error": Reason.TOO_LARGE, "detail": f"at most {MAX_BODY} bytes"})
                self.close_connection = True
                return
            status, payload = accept_body(self.rfile.read(length), key, sink)
            self._answer(status, payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            pass

    return HTTPServer((host, port), Handler)

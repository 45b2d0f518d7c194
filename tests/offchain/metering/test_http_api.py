"""`POST /events`: per-source keys scoped to their operator, 202 with per-event rejections."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from synor.cli import main
from synor.metering import http_api
from synor.metering.events import Reason
from synor.metering.http_api import KeyRing, make_server
from synor.metering.periods import Periods
from synor.metering.pipeline import EmbeddedPipeline
from synor.metering.store import SqliteStore

from .helpers import ACCOUNTS, OPERATOR, T0, cloudevent

SOURCE = "synor://node-1/storage"
OTHER_OPERATOR = "0x" + "33" * 20


@pytest.fixture
def server(tmp_path):
    """A server on a free port over an embedded pipeline into SQLite; yields (url, key, store path)."""
    ring = KeyRing()
    key = ring.issue(SOURCE, OPERATOR)
    ready, holder = threading.Event(), {}

    def serve():
        store = SqliteStore(tmp_path / "usage.db")  # SQLite connections stay in their thread
        httpd = make_server("127.0.0.1", 0, ring, EmbeddedPipeline(store, Periods(), clock=lambda: T0))
        holder["httpd"] = httpd
        ready.set()
        httpd.serve_forever(poll_interval=0.05)
        httpd.server_close()
        store.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(5)
    yield f"http://127.0.0.1:{holder['httpd'].server_port}", key, tmp_path / "usage.db"
    holder["httpd"].shutdown()
    thread.join(5)


def post(url, body, key=None, path="/events"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method="POST")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_batch_is_answered_202_with_each_rejection_by_index(server):
    url, key, store_path = server
    batch = [
        cloudevent(id="1"),
        cloudevent(id="2", source="synor://node-2/storage"),  # someone else's source
        cloudevent(id="3", data_operator=OTHER_OPERATOR),  # billing for another operator
        cloudevent(id="4", data_quantity="1.5"),
        cloudevent(id="5", time="2020-01-01T00:00:00Z"),  # its period closed long ago
        cloudevent(id="1"),
    ]
    status, answer = post(url, batch, key)
    assert status == 202 and (answer["accepted"], answer["duplicates"]) == (1, 1)
    assert [(r["index"], r["reason"]) for r in answer["rejected"]] == [
        (1, Reason.SOURCE_NOT_ALLOWED),
        (2, Reason.OPERATOR_NOT_ALLOWED),
        (3, Reason.BAD_QUANTITY),
        (4, Reason.PERIOD_CLOSED),
    ]
    assert post(url, cloudevent(id="6", subject=ACCOUNTS[2]), key) == (
        202,
        {"accepted": 1, "duplicates": 0, "rejected": []},
    )
    assert SqliteStore(store_path).event_count() == 2


def test_requests_without_a_valid_key_or_body_are_refused(server):
    url, key, _ = server
    assert post(url, cloudevent(), None) == (401, {"error": "unauthorized"})
    assert post(url, cloudevent(), "not-the-key") == (401, {"error": "unauthorized"})
    status, answer = post(url, b"{not json", key)
    assert status == 400 and answer["error"] == Reason.MALFORMED_JSON
    assert post(url, cloudevent(), key, path="/other")[0] == 404
    with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
        assert json.loads(response.read()) == {"status": "ok"}


def test_oversized_batches_are_refused(server, monkeypatch):
    url, key, _ = server
    monkeypatch.setattr(http_api, "MAX_BATCH", 2)
    status, answer = post(url, [cloudevent(id=str(n)) for n in range(3)], key)
    assert status == 413 and answer["error"] == Reason.TOO_LARGE


def test_keys_are_kept_as_hashes_and_issued_from_the_cli(tmp_path):
    path = tmp_path / "keys.json"
    result = CliRunner(mix_stderr=False).invoke(
        main,
        ["usage", "key", "--keys", str(path), "--source", SOURCE, "--operator", OPERATOR.lower(), "--json"],
    )
    assert result.exit_code == 0, result.stderr
    key = json.loads(result.stdout)["key"]
    assert key not in path.read_text() and oct(path.stat().st_mode)[-3:] == "600"
    entry = KeyRing.load(path).authenticate(f"Bearer {key}")
    assert entry is not None and (entry.source, entry.operator) == (SOURCE, OPERATOR)
    bad = CliRunner(mix_stderr=False).invoke(
        main, ["usage", "key", "--keys", str(path), "--source", SOURCE, "--operator", "node-1"]
    )
    assert (
        bad.exit_code == 2 and bad.stderr.startswith("error: ") and "invalid operator address" in bad.stderr
    )


def test_cli_serve_answers_until_stopped(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from free_port import free_port

    keys = tmp_path / "keys.json"
    ring = KeyRing()
    key = ring.issue(SOURCE, OPERATOR)
    ring.save(keys)
    port = free_port()
    synor = Path(sys.executable).with_name("synor")
    command = [str(synor), "usage", "serve", "--port", str(port), "--keys", str(keys)]
    command += ["--store", f"sqlite:{tmp_path / 'usage.db'}", "--genesis", "0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ})
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        assert post(url, [cloudevent(id="1", time=now)], key) == (
            202,
            {"accepted": 1, "duplicates": 0, "rejected": []},
        )
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=10)
    assert server.returncode == 0 and f"listening on http://127.0.0.1:{port}/events" in err
    assert SqliteStore(tmp_path / "usage.db").event_count() == 1

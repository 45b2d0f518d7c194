"""`synor usage` on the shared CLI plumbing: the option types accept what they should, the key file and
the listening socket fail in one line, and --json means one JSON object per line on every command.
(Every option's bad input is in tests/cli/test_bad_input.py.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from synor.cli import main
from synor.cli.options import Host, Name, RedisUrl, StoreUrl, UriReference
from synor.metering.http_api import KeyRing

OPERATOR = "0x" + "22" * 20


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner(mix_stderr=False).invoke(main, ["usage", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (StoreUrl(), "sqlite:usage.db"),
        (StoreUrl(), "usage.db"),
        (StoreUrl(), "sqlite:///var/lib/synor/usage.db"),
        (StoreUrl(), "postgresql://postgres@127.0.0.1:5432/synor"),
        (StoreUrl(), "postgres:///synor"),
        (RedisUrl(), "redis://127.0.0.1:6379/0"),
        (RedisUrl(), "rediss://user:secret@redis.example.org"),
        (RedisUrl(), "unix:///run/redis.sock"),
        (Host(), "localhost"),
        (Host(), "node-1.example.org"),
        (Host(), "0.0.0.0"),
        (Name("consumer name"), "worker-1"),
        (Name("consumer name"), f"{socket.gethostname()}-{os.getpid()}"),  # the default
        (UriReference(), "synor://node-1/storage"),
        (UriReference(), "/sensors/42"),
    ],
)
def test_the_usage_option_types_accept_well_formed_values(kind, text):
    assert kind.convert(text, None, None) == text


def test_a_host_given_as_an_ip_address_is_normalised():
    assert Host().convert("::", None, None) == "::"
    assert Host().convert("0:0::1", None, None) == "::1"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (StoreUrl(), "mysql://db/usage"),
        (StoreUrl(), "sqlite:"),
        (RedisUrl(), "http://127.0.0.1:6379"),
        (RedisUrl(), "redis://h:0"),
        (Host(), "a_b"),
        (Name("consumer name"), "-worker"),
        (UriReference(), "with space"),
    ],
)
def test_the_usage_option_types_refuse_malformed_values(kind, text):
    with pytest.raises(click.BadParameter):
        kind.convert(text, None, None)


def test_a_key_file_that_is_not_one_is_refused_in_one_line_and_left_alone(tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text("{not json")
    code, out, err = run("key", "--keys", str(keys), "--source", "s", "--operator", OPERATOR)
    assert code == 2 and out == "" and err.startswith("error: cannot read the keys file")
    assert err.count("\n") == 1 and keys.read_text() == "{not json"
    code, _, err = run("serve", "--keys", str(keys), "--store", f"sqlite:{tmp_path / 'u.db'}", "--json")
    assert code == 2 and json.loads(err)["error"].startswith("cannot read the keys file")


def _keys(tmp_path: Path) -> Path:
    keys = tmp_path / "keys.json"
    ring = KeyRing()
    ring.issue("synor://node-1/storage", OPERATOR)
    ring.save(keys)
    return keys


def test_serve_refuses_a_port_in_use_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(
            "serve",
            "--port",
            str(port),
            "--keys",
            str(_keys(tmp_path)),
            "--store",
            f"sqlite:{tmp_path / 'u.db'}",
        )
    assert code == 2 and out == "" and err.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert err.count("\n") == 1


def test_serve_under_json_says_where_it_listens_as_one_json_line(tmp_path):
    synor = Path(sys.executable).with_name("synor")
    command = [str(synor), "usage", "serve", "--port", "0", "--keys", str(_keys(tmp_path))]
    command += ["--store", f"sqlite:{tmp_path / 'u.db'}", "--json"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
    finally:
        server.send_signal(signal.SIGINT)
        rest, err = server.communicate(timeout=10)
    url = json.loads(line)["listening"]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/events") and not url.endswith(":0/events")
    assert server.returncode == 0 and rest == "" and err == ""


def test_status_under_json_is_one_json_line(tmp_path):
    code, out, _ = run("status", "--store", f"sqlite:{tmp_path / 'u.db'}", "--json")
    assert code == 0 and out.count("\n") == 1
    assert json.loads(out) == {
        "aggregates": [],
        "rejections": {"by_reason": {}, "latest": []},
        "streams": None,
    }


def test_simulate_prints_the_same_json_lines_with_or_without_json(monkeypatch):
    import time

    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)  # the load ends at the current hour
    args = ("simulate", "--accounts", "2", "--duration", "3h", "--seed", "7", "--genesis", "0")
    plain, as_json = run(*args), run(*args, "--json")
    assert plain[0] == as_json[0] == 0 and as_json[1] == plain[1]
    lines = plain[1].splitlines()
    assert lines and all(json.loads(line)["specversion"] == "1.0" for line in lines)

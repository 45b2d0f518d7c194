"""A local anvil with the whole stack deployed to it: `make node`, `make deploy` and `make demo`.

The deployment is done by `ape run deploy` attached to the node through ``APE_FOUNDRY_HOST`` (ape then
deploys to that node instead of starting its own). Where the record goes is the caller's choice:
`make node` writes ``deployments/local.json``; the demo writes ``.demo/deployments/local.json`` and
never touches ``deployments/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DEPLOY_ARGS = ("run", "deploy", "--network", "ethereum:local:foundry", "--account", "TEST::0")


class NodeError(RuntimeError):
    """The local node could not be started or deployed to; the message says why."""


@dataclass(frozen=True)
class LocalNode:
    """A running anvil and where its deployment is recorded."""

    rpc_url: str
    record: Path
    deploy_output: str
    """What `ape run deploy` printed (the deployed addresses)."""
    process: subprocess.Popen[bytes]
    """The anvil process."""


def listening(port: int, host: str = HOST) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def start_anvil(port: int, log: Path, host: str = HOST) -> subprocess.Popen[bytes]:
    """Starts anvil on ``host:port`` (its output to ``log``) and waits until it accepts connections."""
    if listening(port, host):
        raise NodeError(f"{host}:{port} is already in use: stop the node running there or pick another port")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        # A session of its own: Ctrl-C reaches only the caller, which then stops anvil and cleans up.
        anvil = subprocess.Popen(
            [str(BIN / "anvil"), "--host", host, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    for _ in range(200):
        if listening(port, host):
            return anvil
        if anvil.poll() is not None:
            break
        time.sleep(0.05)
    stop(anvil)
    raise NodeError(f"anvil did not start on {host}:{port}; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stops a process started here and waits for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def deploy(port: int, out_dir: Path, host: str = HOST) -> str:
    """Deploys the whole stack with `ape run deploy` to the node already listening on ``host:port`` and
    records it in ``out_dir/local.json``; returns what the script printed.

    Refuses when nothing listens there: ape would otherwise start an anvil of its own, deploy to it and
    stop it on exit, leaving a record that points at a node that is gone.
    """
    if not listening(port, host):
        raise NodeError(f"no node listens on {host}:{port}: start one first (`make node`)")
    env = {**os.environ, "APE_FOUNDRY_HOST": f"http://{host}:{port}"}
    result = subprocess.run(
        [str(BIN / "ape"), *DEPLOY_ARGS, "--out", str(out_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise NodeError(f"`ape run deploy` failed:\n{result.stdout}{result.stderr}")
    return "\n".join(
        line for line in result.stdout.splitlines() if not line.startswith(("INFO", "SUCCESS", "WARNING"))
    )


@contextmanager
def local_stack(port: int, out_dir: Path, log: Path, host: str = HOST) -> Iterator[LocalNode]:
    """Starts anvil on ``host:port``, deploys the stack recording it in ``out_dir/local.json``, and yields
    the node; on exit stops anvil and removes the record, which would point at a stopped node."""
    anvil = start_anvil(port, log, host)
    record = out_dir / "local.json"
    deployed = False
    try:
        output = deploy(port, out_dir, host)
        deployed = True
        yield LocalNode(f"http://{host}:{port}", record, output, anvil)
    finally:
        stop(anvil)
        if deployed:
            record.unlink(missing_ok=True)

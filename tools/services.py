"""Throwaway Redis and PostgreSQL servers on free local ports (metering tests and `bench/metering.py`).

PostgreSQL refuses to run as root: as root, its data folder belongs to `postgres` and its tools run
through `runuser -u postgres --`; as an ordinary user they run directly. A missing server raises
`ServiceMissing` saying how to install it (`make setup`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis
from free_port import free_port


class ServiceMissing(RuntimeError):
    """A server is not installed, or did not start."""


def postgres_bin() -> Path:
    """The folder of the newest installed PostgreSQL's programs."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        raise ServiceMissing("PostgreSQL is not installed: run `make setup` (installs Debian's postgresql)")
    return versions[-1].parent


def start_redis(folder: Path, port: int) -> redis.Redis:
    """A redis-server with an append-only file in ``folder`` on ``port``; returns a client once it answers."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(executable).exists():
        raise ServiceMissing(
            "redis-server is not installed: run `make setup` (installs Debian's redis-server)"
        )
    subprocess.run(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--appendonly", "yes",
         "--save", "", "--daemonize", "yes", "--pidfile", str(folder / "redis.pid")],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return client
        except (redis.ConnectionError, redis.BusyLoadingError):
            time.sleep(0.05)
    raise ServiceMissing(f"redis-server did not answer on port {port}")


def stop_redis(client: redis.Redis) -> None:
    with contextlib.suppress(redis.ConnectionError):  # shutting down closes the connection
        client.shutdown(nosave=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh redis-server (append-only file on) for the block; yields its URL, then stops it."""
    folder = Path(tempfile.mkdtemp(prefix="synor-redis-"))
    client = start_redis(folder, free_port())
    port = client.connection_pool.connection_kwargs["port"]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_redis(client)
        client.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_server(*, fsync: bool = True) -> Iterator[str]:
    """A fresh PostgreSQL cluster for the block; yields ``postgresql://postgres@127.0.0.1:PORT``.

    ``fsync=False`` trades crash safety of the server's files for speed (tests only: a test never
    survives an OS crash anyway); commits are still transactional."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="synor-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    data = folder / "data"

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--locale=C.UTF-8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'}"
    run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "pg.log"), "-w", "-o", options, "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)

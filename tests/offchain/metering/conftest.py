"""Throwaway Redis and PostgreSQL servers on free ports for the metering tests, stopped at the end.

PostgreSQL refuses to run as root: as root, its data folder belongs to `postgres` and its tools run
through `runuser -u postgres --`; as an ordinary user they run directly.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from free_port import free_port


def _postgres_bin() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        pytest.fail("PostgreSQL is not installed: run `make setup` (installs Debian's postgresql)")
    return versions[-1].parent


def start_redis(folder: Path, port: int) -> redis.Redis:
    """A redis-server with an append-only file in ``folder`` on ``port``; returns a client once it answers."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(executable).exists():
        pytest.fail("redis-server is not installed: run `make setup` (installs Debian's redis-server)")
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
    pytest.fail(f"redis-server did not answer on port {port}")


def stop_redis(client: redis.Redis) -> None:
    with contextlib.suppress(redis.ConnectionError):  # shutting down closes the connection
        client.shutdown(nosave=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="synor-redis-"))
    port = free_port()
    client = start_redis(folder, port)
    yield f"redis://127.0.0.1:{port}/0"
    stop_redis(client)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_client(redis_server: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    binaries = _postgres_bin()
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
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "pg.log"), "-w", "-o", options, "start")
    yield f"postgresql://postgres@127.0.0.1:{port}"
    run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")

"""Throwaway Redis and PostgreSQL servers on free ports for the metering tests, stopped at the end.

The servers themselves are started by `tools/services.py` (shared with `bench/metering.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
import services


def start_redis(folder: Path, port: int) -> redis.Redis:
    try:
        return services.start_redis(folder, port)
    except services.ServiceMissing as error:
        pytest.fail(str(error))


stop_redis = services.stop_redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    try:
        with services.redis_server() as url:
            yield url
    except services.ServiceMissing as error:
        pytest.fail(str(error))


@pytest.fixture
def redis_client(redis_server: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    try:
        with services.postgres_server(fsync=False) as url:
            yield url
    except services.ServiceMissing as error:
        pytest.fail(str(error))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")

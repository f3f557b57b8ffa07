"""Connections to PostgreSQL for everything that is not the event store, and schema migration."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

# One advisory lock key for schema changes, so parallel starts never run DDL together.
MIGRATION_LOCK_KEY = 0x4D41524B  # "MARK"

Conn = psycopg.Connection[dict[str, Any]]

# What the drivers raise while PostgreSQL cannot be reached (down, restarting, pool exhausted
# by waiting connections): answered `503 database_unavailable`, never 500.
UNAVAILABLE: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    persistence.OperationalError,
    persistence.InterfaceError,
)


# psycopg_pool retries a lost connection with back-off (1, 2, 4 … s) for `reconnect_timeout`
# (default 300 s) before it gives up and lets the next request start afresh: after a long
# outage every request waited on a back-off of a minute or more although the server was back.
# Giving up after a few seconds bounds the recovery to about that.
RECONNECT_SECONDS = 5.0


def recover_quickly(pool: Any) -> None:
    """Make a pool (ours, or the event store's) retry afresh soon after an outage."""
    pool.reconnect_timeout = RECONNECT_SECONDS


class Database:
    """A pool of autocommit connections with dict rows."""

    def __init__(
        self, url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 5.0
    ) -> None:
        self.url = url
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": 5},
            open=True,
            timeout=timeout,  # waiting for a connection, then 503 (not 30 s)
            reconnect_timeout=RECONNECT_SECONDS,
            name="market",
        )

    def connection(self) -> AbstractContextManager[Conn]:
        return self.pool.connection()

    def close(self) -> None:
        self.pool.close()

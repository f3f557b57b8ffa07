"""Idempotency keys of requests running now: claimed in this process by a set, and across
processes by a PostgreSQL session advisory lock on one connection per process, which the server
releases by itself if the process dies (so a crash never leaves a key stuck)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import psycopg


class InFlight:
    """Keys of requests running now, in this process and (advisory locks) in every other."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.Lock()
        self.held: set[bytes] = set()
        self.conn: psycopg.Connection[Any] | None = None

    def try_claim(self, id: bytes) -> bool:
        """Whether this request now owns the key (then `release` it when done)."""
        with self.lock:
            if id in self.held:
                return False
            row = self._execute("SELECT pg_try_advisory_lock(%s)", _lock_key(id)).fetchone()
            if not (row and row[0]):
                return False
            self.held.add(id)
            return True

    def release(self, id: bytes) -> None:
        with self.lock:
            self.held.discard(id)
            # If the connection is gone, the server released its locks with it.
            with contextlib.suppress(psycopg.OperationalError):
                self._execute("SELECT pg_advisory_unlock(%s)", _lock_key(id))

    def _execute(self, query: str, key: int) -> psycopg.Cursor[Any]:
        if self.conn is None or self.conn.closed or self.conn.broken:
            self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        try:
            return self.conn.execute(query, (key,))
        except psycopg.OperationalError:
            self.conn.close()
            self.conn = None
            raise

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


def _lock_key(id: bytes) -> int:
    return int.from_bytes(id[:8], "big", signed=True)

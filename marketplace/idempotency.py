"""Idempotency keys: a repeated POST returns the first response and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.sql import SQL

from marketplace.database import Database

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS idempotency_keys ("
        " scope text NOT NULL, key text NOT NULL, request_sha256 text NOT NULL,"
        " status int, content_type text, body bytea,"
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (scope, key))"
    ),
]


@dataclass(frozen=True)
class StoredResponse:
    request_sha256: str
    status: int | None  # None while the first request is still running
    content_type: str | None
    body: bytes | None


class IdempotencyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def reserve(self, scope: str, key: str, request_sha256: str) -> StoredResponse | None:
        """None if this request now owns the key; else what was stored under it before."""
        with self.db.connection() as conn:
            inserted = conn.execute(
                "INSERT INTO idempotency_keys (scope, key, request_sha256) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING RETURNING key",
                (scope, key, request_sha256),
            ).fetchone()
            if inserted is not None:
                return None
            row = conn.execute(
                "SELECT request_sha256, status, content_type, body FROM idempotency_keys"
                " WHERE scope = %s AND key = %s",
                (scope, key),
            ).fetchone()
        if row is None:  # released in the meantime: try once more
            return self.reserve(scope, key, request_sha256)
        body = row["body"]
        return StoredResponse(
            row["request_sha256"], row["status"], row["content_type"], bytes(body) if body else None
        )

    def complete(self, scope: str, key: str, status: int, content_type: str, body: bytes) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "UPDATE idempotency_keys SET status = %s, content_type = %s, body = %s"
                " WHERE scope = %s AND key = %s",
                (status, content_type, body, scope, key),
            )

    def release(self, scope: str, key: str) -> None:
        """Forget a reservation whose request failed on our side, so it can be retried."""
        with self.db.connection() as conn:
            conn.execute("DELETE FROM idempotency_keys WHERE scope = %s AND key = %s", (scope, key))

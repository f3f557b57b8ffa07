"""Idempotency keys: a repeated POST returns the first answer and writes nothing.

A key's record is scoped to the caller, the method and the path (its id is the SHA-256 of the
four). It is written in two places:

- inside the command's own transaction, by the recorder (`idempotency_record`), when the
  request saves events: a row with the write's position but no answer yet. So after a crash a
  retry finds either this row (the write committed: its answer is rebuilt from what it wrote)
  or nothing (it rolled back: the request runs anew). It is never stuck.
- after the route answered (`complete`): the answer itself, 2xx and 4xx alike, before it is
  sent to the client. Answers of requests that wrote nothing are recorded only this way.

While a request runs, its key is claimed (`in_flight.InFlight`): in this process by a set, across
processes by a PostgreSQL session advisory lock on one connection per process, which the
server drops by itself if the process dies. A repeat meanwhile is told at once.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL
from psycopg.types.json import Jsonb

from marketplace.stores.database import Database
from marketplace.stores.in_flight import InFlight
from marketplace.stores.side_effects import SideEffect

SCHEMA = [
    SQL("DROP TABLE IF EXISTS idempotency_keys"),  # before scopes included method and path
    SQL(
        "CREATE TABLE IF NOT EXISTS idempotency_records ("
        " id bytea PRIMARY KEY,"
        " request_sha256 bytea NOT NULL,"
        " success_status int NOT NULL,"
        " position bigint, written jsonb,"
        " status int, content_type text, body bytea,"
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " expires_at timestamptz NOT NULL)"
    ),
    SQL("ALTER TABLE idempotency_records ADD COLUMN IF NOT EXISTS written jsonb"),
    SQL("ALTER TABLE idempotency_records DROP COLUMN IF EXISTS stream_id"),
    SQL("ALTER TABLE idempotency_records DROP COLUMN IF EXISTS stream_version"),
    SQL(
        "CREATE INDEX IF NOT EXISTS idempotency_records_expires_idx"
        " ON idempotency_records (expires_at)"
    ),
]

CLEAN_UP_EVERY = 60.0  # seconds between deletions of expired records, per process


def record_id(scope: str, method: str, path: str, key: str) -> bytes:
    return hashlib.sha256("\n".join((scope, method, path, key)).encode()).digest()


@dataclass(frozen=True)
class PendingRecord:
    """The key of the request this thread serves, for the recorder to write with its events."""

    id: bytes
    request_sha256: bytes
    success_status: int
    ttl: timedelta


@dataclass(frozen=True)
class StoredAnswer:
    request_sha256: bytes
    status: int  # the answer's status, or the route's success status when rebuilt
    content_type: str
    body: bytes
    rebuilt: bool  # the write committed, but the process died before its answer was kept


# Set by the HTTP layer around a request with an Idempotency-Key; read by the recorder.
pending_record: ContextVar[PendingRecord | None] = ContextVar("pending_record", default=None)

INSERT_PENDING = SQL(
    "INSERT INTO idempotency_records (id, request_sha256, success_status, position,"
    " written, expires_at) VALUES (%s, %s, %s, %s, %s, now() + %s)"
    " ON CONFLICT (id) DO NOTHING"
)


def idempotency_record(position: int, events: Sequence[StoredEvent]) -> SideEffect | None:
    """The statement the recorder runs in the events' transaction, after inserting them."""
    pending = pending_record.get()
    if pending is None:
        return None
    written: dict[str, dict[str, Any]] = {}
    for event in events:  # each aggregate once, at its newest version
        written[str(event.originator_id)] = {
            "stream_id": str(event.originator_id),
            "version": event.originator_version,
            "type": event.topic.partition(":")[2],
        }
    params = (
        pending.id,
        pending.request_sha256,
        pending.success_status,
        position,
        Jsonb(list(written.values())),
        pending.ttl,
    )
    return INSERT_PENDING, params


class IdempotencyStore:
    def __init__(self, db: Database, *, ttl: timedelta = timedelta(hours=24)) -> None:
        self.db = db
        self.ttl = ttl
        self.in_flight = InFlight(db.url)
        self._cleaned_at = 0.0

    def find(self, id: bytes) -> StoredAnswer | None:
        """The answer kept under this record id, if it has not expired."""
        self._clean_up_now_and_then()
        with self.db.connection() as conn:
            # An expired record is gone for good, so the key starts afresh (and its new record
            # is not born expired under the old row's `expires_at`).
            conn.execute(
                "DELETE FROM idempotency_records WHERE id = %s AND expires_at <= now()", (id,)
            )
            row = conn.execute(
                "SELECT request_sha256, success_status, position, written,"
                " status, content_type, body FROM idempotency_records"
                " WHERE id = %s AND expires_at > now()",
                (id,),
            ).fetchone()
        if row is None:
            return None
        if row["status"] is None:
            return _rebuilt(row)
        body = bytes(row["body"] or b"")
        return StoredAnswer(
            bytes(row["request_sha256"]), row["status"], row["content_type"], body, False
        )

    def complete(self, pending: PendingRecord, status: int, content_type: str, body: bytes) -> None:
        """Keep the answer (over the row the command's transaction wrote, if any)."""
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO idempotency_records (id, request_sha256, success_status, status,"
                " content_type, body, expires_at) VALUES (%s, %s, %s, %s, %s, %s, now() + %s)"
                " ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
                " content_type = excluded.content_type, body = excluded.body",
                (
                    pending.id,
                    pending.request_sha256,
                    pending.success_status,
                    status,
                    content_type,
                    body,
                    pending.ttl,
                ),
            )

    def clean_up(self) -> int:
        """Delete expired records; how many."""
        with self.db.connection() as conn:
            cursor = conn.execute("DELETE FROM idempotency_records WHERE expires_at <= now()")
            return cursor.rowcount

    def _clean_up_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at >= CLEAN_UP_EVERY:
            self._cleaned_at = now
            self.clean_up()

    def close(self) -> None:
        self.in_flight.close()


def _rebuilt(row: dict[str, Any]) -> StoredAnswer:
    """The answer of a write that committed while its process died before keeping it: what
    it wrote, so that the client learns that it happened, where, and the ids it made."""
    written: list[dict[str, Any]] = row["written"] or []
    created = [w for w in written if w["version"] == 1] or written
    body: dict[str, Any] = {
        "id": created[0]["stream_id"] if created else None,
        "version": created[0]["version"] if created else None,
        "position": row["position"],
        "written": written,
        "replayed": "the request was carried out; its original answer was lost in a restart",
    }
    for made in created:  # e.g. the contract an accepted bid drafted: `contract_id`
        body.setdefault(_id_field(made["type"]), made["stream_id"])
    return StoredAnswer(
        bytes(row["request_sha256"]),
        row["success_status"],
        "application/json",
        json.dumps(body).encode(),
        True,
    )


def _id_field(event_type: str) -> str:
    """`Contract.Drafted` → `contract_id`, `FinancingNeed.Posted` → `financing_need_id`."""
    aggregate = event_type.partition(".")[0]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", aggregate).lower() + "_id"

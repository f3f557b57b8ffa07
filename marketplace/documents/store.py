"""The documents' records (who uploaded what, when) and what each is attached to.

An upload is no event (it changes no aggregate): its record is a row here, written in its
own transaction with the bytes. What it is attached to is an event on the subject (see
`aggregates.attachments`); the link row below is written in that event's transaction (a
side effect of the recorder), so a document is never attached without its link, and the
purge of unattached uploads cannot race with an attachment: the link's foreign key makes
deleting a linked document fail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg.sql import SQL

from marketplace.stores.database import Database
from marketplace.stores.side_effects import SideEffect

Row = dict[str, Any]

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS documents ("
        " id uuid PRIMARY KEY,"
        " organization_id uuid NOT NULL,"
        " sha256 text NOT NULL,"
        " size bigint NOT NULL,"
        " media_type text NOT NULL,"
        " filename text NOT NULL,"
        " kind text NOT NULL,"
        " uploaded_at timestamptz NOT NULL DEFAULT now(),"
        " released_at timestamptz)"  # when it was last detached from a subject
    ),
    SQL("CREATE INDEX IF NOT EXISTS documents_sha256_idx ON documents (sha256)"),
    SQL("CREATE INDEX IF NOT EXISTS documents_uploaded_idx ON documents (uploaded_at)"),
    SQL(
        "CREATE TABLE IF NOT EXISTS document_links ("
        " subject_id uuid NOT NULL,"
        " document_id uuid NOT NULL REFERENCES documents (id),"
        " subject_type text NOT NULL,"
        " attached_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
        " PRIMARY KEY (subject_id, document_id))"
    ),
    SQL("CREATE INDEX IF NOT EXISTS document_links_document_idx ON document_links (document_id)"),
]

COLUMNS = SQL("d.id, d.organization_id, d.sha256, d.size, d.media_type, d.filename, d.kind")


def hash_lock(sha256: str) -> int:
    """The advisory lock that keeps storing and deleting the same bytes apart."""
    return int.from_bytes(hashlib.sha256(b"document:" + sha256.encode()).digest()[:8], "big") >> 1


class DocumentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, record: Row, store_bytes: Any) -> datetime:
        """Insert the record after `store_bytes()` has stored its bytes, both under the hash's
        lock (a purge of the same bytes waits); the upload time."""
        with self.db.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (hash_lock(record["sha256"]),))
            store_bytes()
            row = conn.execute(
                "INSERT INTO documents (id, organization_id, sha256, size, media_type,"
                " filename, kind) VALUES (%(id)s, %(organization_id)s, %(sha256)s, %(size)s,"
                " %(media_type)s, %(filename)s, %(kind)s) RETURNING uploaded_at",
                record,
            ).fetchone()
        assert row is not None
        return row["uploaded_at"]  # type: ignore[no-any-return]

    def get(self, document_id: UUID) -> Row | None:
        with self.db.connection() as conn:
            return conn.execute(
                SQL("SELECT {}, d.uploaded_at FROM documents d WHERE d.id = %s").format(COLUMNS),
                (document_id,),
            ).fetchone()

    def find(self, document_ids: Iterable[UUID]) -> dict[UUID, Row]:
        with self.db.connection() as conn:
            rows = conn.execute(
                SQL("SELECT {} FROM documents d WHERE d.id = ANY(%s)").format(COLUMNS),
                (list(document_ids),),
            ).fetchall()
        return {row["id"]: row for row in rows}

    def subjects(self, document_id: UUID) -> list[tuple[str, UUID]]:
        """What the document is attached to: (subject type, subject id)."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT subject_type, subject_id FROM document_links WHERE document_id = %s",
                (document_id,),
            ).fetchall()
        return [(row["subject_type"], row["subject_id"]) for row in rows]

    def of_subjects(self, subject_ids: Iterable[UUID]) -> dict[UUID, list[Row]]:
        """The documents attached to each subject, in the order they were attached."""
        ids = list(subject_ids)
        found: dict[UUID, list[Row]] = {i: [] for i in ids}
        if not ids:
            return found
        with self.db.connection() as conn:
            rows = conn.execute(
                SQL(
                    "SELECT l.subject_id, {} FROM document_links l"
                    " JOIN documents d ON d.id = l.document_id WHERE l.subject_id = ANY(%s)"
                    " ORDER BY l.attached_at, d.id"
                ).format(COLUMNS),
                (ids,),
            ).fetchall()
        for row in rows:
            found[row.pop("subject_id")].append(row)
        return found

    def purge(self, older_than: timedelta, delete_bytes: Any) -> int:
        """Delete uploads attached to nothing since `older_than` ago, one at a time; their
        bytes go when no other record has the same hash. The number deleted."""
        with self.db.connection() as conn:
            candidates = conn.execute(
                "SELECT id FROM documents d WHERE uploaded_at < now() - %s"
                " AND (released_at IS NULL OR released_at < now() - %s)"
                " AND NOT EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id)"
                " ORDER BY uploaded_at LIMIT 1000",
                (older_than, older_than),
            ).fetchall()
        return sum(self._purge_one(row["id"], delete_bytes) for row in candidates)

    def _purge_one(self, document_id: UUID, delete_bytes: Any) -> int:
        try:
            with self.db.connection() as conn, conn.transaction():
                row = conn.execute(
                    "DELETE FROM documents d WHERE id = %s AND NOT EXISTS"
                    " (SELECT 1 FROM document_links l WHERE l.document_id = d.id)"
                    " RETURNING sha256",
                    (document_id,),
                ).fetchone()
                if row is None:
                    return 0
                sha256 = row["sha256"]
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (hash_lock(sha256),))
                others = conn.execute(
                    "SELECT 1 FROM documents WHERE sha256 = %s LIMIT 1", (sha256,)
                ).fetchone()
                if others is None:
                    delete_bytes(sha256)
        except psycopg.errors.ForeignKeyViolation:
            return 0  # attached a moment ago: kept
        return 1


def link_statements(
    subject_type: str, subject_id: UUID, document_ids: list[str]
) -> list[SideEffect]:
    """Statements for the recorder, in the events' transaction: the subject's links become
    exactly these documents; those let go are marked released (the purge's clock starts)."""
    ids = [UUID(i) for i in document_ids]
    return [
        (
            "UPDATE documents SET released_at = now() WHERE id IN (SELECT document_id FROM"
            " document_links WHERE subject_id = %s AND NOT document_id = ANY(%s))",
            (subject_id, ids),
        ),
        (
            "DELETE FROM document_links WHERE subject_id = %s AND NOT document_id = ANY(%s)",
            (subject_id, ids),
        ),
        (
            "INSERT INTO document_links (subject_id, document_id, subject_type)"
            " SELECT %s, unnest(%s::uuid[]), %s ON CONFLICT DO NOTHING",
            (subject_id, ids, subject_type),
        ),
    ]

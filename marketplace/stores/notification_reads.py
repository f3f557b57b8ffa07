"""Read marks of notifications: which of its notifications an organization has read.

Like policy read marks, a read mark is the reader's own bookkeeping, not a fact of the market:
a plain table beside the notifications view, so that a rebuild of the view (which gives every
notification the same id again) keeps them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg.sql import SQL

from marketplace.stores.database import Database

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS notification_reads ("
        " organization_id uuid NOT NULL,"
        " notification_id uuid NOT NULL,"
        " read_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (organization_id, notification_id))"
    ),
]


class NotificationReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def mark(self, organization_id: UUID, notification_id: UUID, at: datetime) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO notification_reads (organization_id, notification_id, read_at)"
                " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (organization_id, notification_id, at),
            )

    def mark_all(self, organization_id: UUID, before_position: int, at: datetime) -> int:
        """Mark the organization's notifications at or before the position read; how many
        were unread."""
        with self.db.connection() as conn:
            cursor = conn.execute(
                "INSERT INTO notification_reads (organization_id, notification_id, read_at)"
                " SELECT n.organization_id, n.id, %s FROM notifications n"
                " WHERE n.organization_id = %s AND n.position <= %s"
                " ON CONFLICT DO NOTHING",
                (at, organization_id, before_position),
            )
            return cursor.rowcount

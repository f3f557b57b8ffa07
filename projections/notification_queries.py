"""The notifications tables and the read side of `NotificationsView`: one inbox per
organization, with its read marks (kept beside the view, in `notification_reads`, so that a
rebuild keeps them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from projections.pages import Page, Where, fetch_page
from projections.table import Table


def _utc(value: datetime | None) -> str | None:
    """As the API writes times (pydantic): UTC with a `Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def notification_document(row: dict[str, Any]) -> dict[str, Any]:
    """A notification row as `GET /notifications` answers it: the body of a webhook delivery
    and of a live `notification` message."""
    return {
        "id": str(row["id"]),
        "kind": row["kind"],
        "position": row["position"],
        "created_at": _utc(row["created_at"]),
        "read_at": _utc(row["read_at"]),
        "action_required": row["action_required"],
        "done_at": _utc(row["done_at"]),
        "due_at": _utc(row["due_at"]),
        "subject": {"type": row["subject_type"], "id": str(row["subject_id"])},
        "title": {"zh": row["title_zh"], "en": row["title_en"]},
    }


NOTIFICATIONS = Table(
    "notifications",
    (
        "id uuid PRIMARY KEY",
        "organization_id uuid NOT NULL",
        "kind text NOT NULL",
        "position bigint NOT NULL",
        "seq bigint NOT NULL",  # position and kind in one number: the order of an inbox
        "created_at timestamptz NOT NULL",
        "action_required boolean NOT NULL DEFAULT false",
        "done_at timestamptz",
        "due_at timestamptz",
        "subject_type text NOT NULL",
        "subject_id uuid NOT NULL",
        "title_zh text NOT NULL",
        "title_en text NOT NULL",
        "action_key text",  # which later event answers an action item
    ),
    lookups=("action_key", "subject_id"),
)
# What the folding needs to know of earlier events: who owns a posting, a bid, a need, an
# offer; the parties of a contract; a subject's title and due time; which organizations are
# operators and enterprises (where), for the kinds that go to all of those.
NOTIFICATION_SUBJECTS = Table(
    "notification_subjects",
    (
        "id uuid PRIMARY KEY",
        "type text NOT NULL",
        "owner_id uuid",
        "parent_id uuid",
        "title text NOT NULL DEFAULT ''",
        "due_at timestamptz",
        "region text",  # an enterprise's
        "industry text",
        "data jsonb",  # a contract's parties, an exhibition's signups, a policy's targeting
    ),
    lookups=("type",),
)

_SELECT = SQL(
    "SELECT n.*, r.read_at FROM notifications n"
    " LEFT JOIN notification_reads r"
    " ON r.notification_id = n.id AND r.organization_id = n.organization_id WHERE "
)


class NotificationsQueries:
    """Mixed into `NotificationsView`."""

    pool: ConnectionPool[Any]

    def get_notification(self, notification_id: UUID) -> dict[str, Any] | None:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row: dict[str, Any] | None = cur.execute(
                _SELECT + SQL("n.id = %s"), (notification_id,)
            ).fetchone()
        return row

    def list_notifications(
        self,
        organization_id: UUID,
        *,
        unread: bool | None = None,
        kind: str | None = None,
        action_required: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """The organization's notifications, newest first."""
        where = Where()
        where.add("n.organization_id = %s", organization_id)
        if unread is not None:
            where.add("(r.read_at IS NULL) = %s", unread)
        if kind is not None:
            where.add("n.kind = %s", kind)
        if action_required is not None:
            where.add("n.action_required = %s", action_required)
        return fetch_page(
            self.pool,
            _SELECT + where.sql(),
            where.params,
            order="n.seq",
            cursor=cursor,
            limit=limit,
            newest_first=True,
        )

    def summary(self, organization_id: UUID) -> dict[str, int]:
        """Unread notifications, and action items not done yet."""
        query = SQL(
            "SELECT count(*) FILTER (WHERE r.read_at IS NULL) AS unread,"
            " count(*) FILTER (WHERE n.action_required AND n.done_at IS NULL)"
            " AS action_required FROM notifications n"
            " LEFT JOIN notification_reads r"
            " ON r.notification_id = n.id AND r.organization_id = n.organization_id"
            " WHERE n.organization_id = %s"
        )
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(query, (organization_id,)).fetchone()
        assert row is not None
        return {"unread": row["unread"], "action_required": row["action_required"]}

    def new_for(self, after: int, until: int, organization_ids: list[UUID]) -> list[dict[str, Any]]:
        """The notifications of these organizations that events in (after, until] created,
        in inbox order (for the live stream)."""
        query = _SELECT + SQL(
            "n.position > %s AND n.position <= %s AND n.organization_id = ANY (%s) ORDER BY n.seq"
        )
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows: list[dict[str, Any]] = cur.execute(
                query, (after, until, organization_ids)
            ).fetchall()
        return rows

"""Exhibitions view: exhibitions with their confirmed, waitlisted and checked-in counts, the
seats their confirmed signups hold and the persons checked in."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import (
    ExhibitionStatus,
    SignupStatus,
    public_status,
    signups_open,
)
from projections.engine import View
from projections.pages import Page, Where, decode_cursor, page_of
from projections.rows import Row, Rows
from projections.signups import signup_key
from projections.table import Table

EXHIBITIONS = Table(
    "exhibitions",
    (
        "id uuid PRIMARY KEY",
        "organizer_id uuid NOT NULL",
        "name text NOT NULL",
        "venue text NOT NULL",
        "online boolean NOT NULL",
        "starts_at timestamptz NOT NULL",
        "ends_at timestamptz NOT NULL",
        "capacity int NOT NULL",
        "signup_deadline timestamptz NOT NULL",
        "kind text NOT NULL",
        "description text NOT NULL",
        "status text NOT NULL",
        "cancel_reason text",
        "confirmed_count int NOT NULL DEFAULT 0",
        "waitlist_count int NOT NULL DEFAULT 0",
        "checked_in_count int NOT NULL DEFAULT 0",
        "seats_taken int NOT NULL DEFAULT 0",
        "attended_count int NOT NULL DEFAULT 0",
        "scheduled_at timestamptz NOT NULL",
        "scheduled_position bigint NOT NULL",
        "version int NOT NULL",
        "updated_at timestamptz NOT NULL",
    ),
)
# The seats each signup takes (by `signups.signup_key`), so that a cancellation frees them.
SEATS = Table("exhibition_seats", ("id uuid PRIMARY KEY", "attendees int NOT NULL"))


class ExhibitionsView(View):
    name = "exhibitions"
    version = 3  # 2: kind and description; 3: seats and persons attended
    tables = (EXHIBITIONS, SEATS)
    event_classes = (
        Exhibition.Scheduled,
        Exhibition.SignedUp,
        Exhibition.SignupCancelled,
        Exhibition.CheckedIn,
        Exhibition.Cancelled,
        Exhibition.Closed,
    )
    schema = (
        EXHIBITIONS.create,
        SEATS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS exhibitions_position_idx"
            " ON exhibitions (scheduled_position DESC)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS exhibitions_ends_idx ON exhibitions (status, ends_at)"),
    )

    # Projection ------------------------------------------------------------------------

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Exhibition.Scheduled, rows: Rows, position: int) -> None:
        rows.put(
            "exhibitions",
            {
                "id": event.originator_id,
                "organizer_id": event.organizer_id,
                "name": event.name,
                "venue": event.venue,
                "online": event.online,
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "capacity": event.capacity,
                "signup_deadline": event.signup_deadline,
                "kind": event.kind,
                "description": event.description,
                "status": ExhibitionStatus.SCHEDULED.value,
                "cancel_reason": None,
                "confirmed_count": 0,
                "waitlist_count": 0,
                "checked_in_count": 0,
                "seats_taken": 0,
                "attended_count": 0,
                "scheduled_at": event.timestamp,
                "scheduled_position": position,
                "version": event.originator_version,
                "updated_at": event.timestamp,
            },
        )

    def _touch(self, rows: Rows, event: Any, **changes: Any) -> Row | None:
        return rows.update(
            "exhibitions",
            event.originator_id,
            version=event.originator_version,
            updated_at=event.timestamp,
            **changes,
        )

    def _count(self, rows: Rows, event: Any, **deltas: int) -> None:
        row = rows.get("exhibitions", event.originator_id)
        if row is not None:
            self._touch(rows, event, **{k: row[k] + d for k, d in deltas.items()})

    def _seats(self, rows: Rows, event: Any, organization_id: UUID) -> int:
        row = rows.get("exhibition_seats", signup_key(event.originator_id, organization_id))
        return 1 if row is None else int(row["attendees"])

    @fold.register
    def _(self, event: Exhibition.SignedUp, rows: Rows, position: int) -> None:
        key = signup_key(event.originator_id, event.organization_id)
        rows.put("exhibition_seats", {"id": key, "attendees": event.attendees})
        if event.status == SignupStatus.CONFIRMED:
            self._count(rows, event, confirmed_count=+1, seats_taken=event.attendees)
        else:
            self._count(rows, event, waitlist_count=+1)

    @fold.register
    def _(self, event: Exhibition.SignupCancelled, rows: Rows, position: int) -> None:
        was_confirmed = event.previous_status == SignupStatus.CONFIRMED
        confirmed = -1 if was_confirmed else 0
        waitlisted = -1 if event.previous_status == SignupStatus.WAITLISTED else 0
        seats = -self._seats(rows, event, event.organization_id) if was_confirmed else 0
        for promoted in event.promoted_ids:
            confirmed, waitlisted = confirmed + 1, waitlisted - 1
            seats += self._seats(rows, event, promoted)
        self._count(
            rows, event, confirmed_count=confirmed, waitlist_count=waitlisted, seats_taken=seats
        )

    @fold.register
    def _(self, event: Exhibition.CheckedIn, rows: Rows, position: int) -> None:
        self._count(rows, event, checked_in_count=+1, attended_count=event.attended)

    @fold.register
    def _(self, event: Exhibition.Cancelled, rows: Rows, position: int) -> None:
        self._touch(
            rows, event, status=ExhibitionStatus.CANCELLED.value, cancel_reason=event.reason
        )

    @fold.register
    def _(self, event: Exhibition.Closed, rows: Rows, position: int) -> None:
        self._touch(rows, event, status=ExhibitionStatus.CLOSED.value)

    # Queries ---------------------------------------------------------------------------

    def get_exhibition(self, exhibition_id: UUID, now: datetime) -> dict[str, Any] | None:
        rows = self._select(SQL("e.id = %s"), [exhibition_id], limit=1, now=now)
        return rows[0] if rows else None

    def list_exhibitions(
        self,
        *,
        status: str = "all",
        online: bool | None = None,
        kind: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        now: datetime,
    ) -> Page:
        """Newest scheduled first; `ongoing` is a scheduled exhibition that has started."""
        where = Where()
        if status == "ongoing":
            where.add("e.status = 'scheduled' AND e.starts_at <= %s", now)
        elif status == "scheduled":
            where.add("e.status = 'scheduled' AND e.starts_at > %s", now)
        elif status != "all":
            where.add("e.status = %s", status)
        if online is not None:
            where.add("e.online = %s", online)
        if kind is not None:
            where.add("e.kind = %s", kind)
        before = decode_cursor(cursor)
        if before is not None:
            where.add("e.scheduled_position < %s", before)
        rows = self._select(where.sql(), where.params, limit=limit + 1, now=now)
        return page_of(rows, limit, "scheduled_position")

    def _select(
        self, where: SQL | Composed, params: list[Any], *, limit: int, now: datetime
    ) -> list[dict[str, Any]]:
        query = SQL(
            "SELECT e.*, o.name AS organizer_name FROM exhibitions e"
            " LEFT JOIN organizations o ON o.id = e.organizer_id"
            " WHERE {} ORDER BY e.scheduled_position DESC LIMIT %s"
        ).format(where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, [*params, limit])
            rows: list[dict[str, Any]] = cur.fetchall()
        for row in rows:
            row["signups_open"] = signups_open(row["status"], row["signup_deadline"], now)
            row["status"] = public_status(row["status"], row["starts_at"], now)
        return rows


def ended_exhibitions(pool: ConnectionPool[Any], now: datetime, limit: int = 500) -> list[UUID]:
    """Exhibitions past their end that are not closed yet, for the deadline scheduler."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT id FROM exhibitions WHERE status = 'scheduled' AND ends_at <= %s"
            " ORDER BY ends_at LIMIT %s",
            (now, limit),
        ).fetchall()
    return [row[0] if isinstance(row, tuple) else row["id"] for row in rows]

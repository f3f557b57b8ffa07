"""Signups view: who signed up for which exhibition, confirmed or waitlisted, and check-ins.

Waitlist positions are not stored: the waitlist is in signup order, so a waitlisted signup's
position is the number of waitlisted signups of its exhibition up to and including it. That
way a cancellation or a promotion shifts everyone behind it without rewriting their rows.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID, uuid5

from psycopg.sql import SQL, Composed

from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import SignupStatus
from projections.engine import View
from projections.pages import Page, fetch_page
from projections.rows import Rows
from projections.table import Table

SIGNUPS = Table(
    "exhibition_signups",
    (
        "id uuid PRIMARY KEY",
        "exhibition_id uuid NOT NULL",
        "organization_id uuid NOT NULL",
        "status text NOT NULL",
        "signed_up_at timestamptz NOT NULL",
        "signup_position bigint NOT NULL",
        "checked_in_at timestamptz",
        "attendees int NOT NULL DEFAULT 1",
        "attended int",
        "cancelled_at timestamptz",
        "updated_at timestamptz NOT NULL",
    ),
)


def signup_key(exhibition_id: UUID, organization_id: UUID) -> UUID:
    """One row per exhibition and organization (a new signup after a cancellation reuses it)."""
    return uuid5(exhibition_id, str(organization_id))


class SignupsView(View):
    name = "exhibition_signups"
    version = 2  # 2: attendees and attended
    tables = (SIGNUPS,)
    event_classes = (Exhibition.SignedUp, Exhibition.SignupCancelled, Exhibition.CheckedIn)
    schema = (
        SIGNUPS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS exhibition_signups_exhibition_idx"
            " ON exhibition_signups (exhibition_id, status, signup_position)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS exhibition_signups_organization_idx"
            " ON exhibition_signups (organization_id, signup_position)"
        ),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Exhibition.SignedUp, rows: Rows, position: int) -> None:
        rows.put(
            "exhibition_signups",
            {
                "id": signup_key(event.originator_id, event.organization_id),
                "exhibition_id": event.originator_id,
                "organization_id": event.organization_id,
                "status": event.status,
                "signed_up_at": event.signed_up_at,
                "signup_position": position,
                "checked_in_at": None,
                "attendees": event.attendees,
                "attended": None,
                "cancelled_at": None,
                "updated_at": event.timestamp,
            },
        )

    @fold.register
    def _(self, event: Exhibition.SignupCancelled, rows: Rows, position: int) -> None:
        exhibition_id = event.originator_id
        rows.update(
            "exhibition_signups",
            signup_key(exhibition_id, event.organization_id),
            status=SignupStatus.CANCELLED.value,
            cancelled_at=event.timestamp,
            updated_at=event.timestamp,
        )
        for promoted in event.promoted_ids:
            rows.update(
                "exhibition_signups",
                signup_key(exhibition_id, promoted),
                status=SignupStatus.CONFIRMED.value,
                updated_at=event.timestamp,
            )

    @fold.register
    def _(self, event: Exhibition.CheckedIn, rows: Rows, position: int) -> None:
        rows.update(
            "exhibition_signups",
            signup_key(event.originator_id, event.organization_id),
            checked_in_at=event.checked_in_at,
            attended=event.attended,
            updated_at=event.timestamp,
        )

    def list_signups(
        self,
        exhibition_id: UUID,
        organization_id: UUID | None = None,
        *,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Signups of an exhibition (or only one organization's) in signup order."""
        query: SQL | Composed = SQL(
            "SELECT s.*, o.name AS organization_name,"
            " CASE WHEN s.status = 'waitlisted' THEN ("
            "  SELECT count(*) FROM exhibition_signups w WHERE w.exhibition_id = s.exhibition_id"
            "  AND w.status = 'waitlisted' AND w.signup_position <= s.signup_position"
            " ) END AS waitlist_position"
            " FROM exhibition_signups s LEFT JOIN organizations o ON o.id = s.organization_id"
            " WHERE s.exhibition_id = %s"
        )
        params: list[Any] = [exhibition_id]
        if organization_id is not None:
            query += SQL(" AND s.organization_id = %s")
            params.append(organization_id)
        if status is not None:
            query += SQL(" AND s.status = %s")
            params.append(status)
        return fetch_page(
            self.pool, query, params, order="s.signup_position", cursor=cursor, limit=limit
        )

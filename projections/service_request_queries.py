"""The service requests tables and the read side of `ServiceRequestsView`: one request with its
timeline, pages of requests with filters, and the deadline scheduler's scans."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row, tuple_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from projections.pages import Page, Where, decode_cursor, page_of
from projections.table import Table

SERVICE_REQUESTS = Table(
    "service_requests",
    (
        "id uuid PRIMARY KEY",
        "enterprise_id uuid NOT NULL",
        "category text NOT NULL",
        "title text NOT NULL",
        "description text NOT NULL",
        "urgency text NOT NULL",
        "region text NOT NULL",
        "product_id uuid",
        "provider_id uuid",
        "status text NOT NULL",
        "submitted_at timestamptz NOT NULL",
        "dispatched_at timestamptz",
        "accepted_at timestamptz",
        "resolved_at timestamptz",
        "closed_at timestamptz",
        "accept_by timestamptz",
        "resolve_by timestamptz",
        "overdue_accept boolean NOT NULL DEFAULT false",
        "overdue_resolve boolean NOT NULL DEFAULT false",
        "satisfaction int",
        "submitted_position bigint NOT NULL",
        "version int NOT NULL",
        "position bigint NOT NULL",
    ),
)
# The timeline: one row per event, keyed by its position in the log.
SERVICE_REQUEST_STEPS = Table(
    "service_request_steps",
    (
        "position bigint PRIMARY KEY",
        "request_id uuid NOT NULL",
        "type text NOT NULL",
        "at timestamptz NOT NULL",
        "by_id uuid",
        "text text",
        "details jsonb NOT NULL",
    ),
    key="position",
)


class ServiceRequestsQueries:
    """Mixed into `ServiceRequestsView`."""

    pool: ConnectionPool[Any]

    def get_request(self, request_id: UUID) -> dict[str, Any] | None:
        rows = self._select(SQL("r.id = %s"), [request_id], 1)
        return rows[0] if rows else None

    def list_requests(
        self,
        *,
        enterprise: UUID | None = None,
        assigned: UUID | None = None,
        status: str | None = None,
        category: str | None = None,
        provider: UUID | None = None,
        urgency: str | None = None,
        overdue: bool | None = None,
        region: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest submitted first. `enterprise`/`assigned`: only that enterprise's requests, or
        those dispatched to that provider now (who may see what is the caller's rule)."""
        where = Where()
        for column, value in (
            ("r.enterprise_id = %s", enterprise),
            ("r.provider_id = %s", assigned),
            ("r.status = %s", status),
            ("r.category = %s", category),
            ("r.provider_id = %s", provider),
            ("r.urgency = %s", urgency),
        ):
            if value is not None:
                where.add(column, value)  # type: ignore[arg-type]
        if overdue is not None:
            where.add("(r.overdue_accept OR r.overdue_resolve) = %s", overdue)
        if region:
            where.add("r.region LIKE %s", region + "%")
        if (before := decode_cursor(cursor)) is not None:
            where.add("r.submitted_position < %s", before)
        rows = self._select(where.sql(), where.params, limit + 1)
        return page_of(rows, limit, "submitted_position")

    def timeline(self, request_id: UUID) -> list[dict[str, Any]]:
        """Every step in the order of the log, with the name and kind of who took it."""
        query = (
            "SELECT s.*, o.name AS by_name, o.kind AS by_kind FROM service_request_steps s"
            " LEFT JOIN organizations o ON o.id = s.by_id"
            " WHERE s.request_id = %s ORDER BY s.position"
        )
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            steps: list[dict[str, Any]] = cur.execute(query, (request_id,)).fetchall()
        return steps

    def _select(self, where: SQL | Composed, params: list[Any], limit: int) -> list[dict[str, Any]]:
        query = SQL(
            "SELECT r.*, e.name AS enterprise_name, p.name AS provider_name"
            " FROM service_requests r"
            " LEFT JOIN organizations e ON e.id = r.enterprise_id"
            " LEFT JOIN organizations p ON p.id = r.provider_id"
            " WHERE {} ORDER BY r.submitted_position DESC LIMIT %s"
        ).format(where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows: list[dict[str, Any]] = cur.execute(query, [*params, limit]).fetchall()
        return rows


def overdue_requests(
    pool: ConnectionPool[Any], now: datetime, limit: int = 500
) -> list[tuple[UUID, str]]:
    """Requests whose accept or resolve deadline has passed and is not marked yet."""
    with pool.connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT id, 'accept' FROM service_requests WHERE status = 'dispatched'"
            " AND accept_by <= %s AND NOT overdue_accept"
            " UNION ALL SELECT id, 'resolve' FROM service_requests"
            " WHERE status IN ('accepted', 'reopened') AND resolve_by <= %s AND NOT overdue_resolve"
            " LIMIT %s",
            (now, now, limit),
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


def unrated_requests(
    pool: ConnectionPool[Any], now: datetime, feedback_days: float, limit: int = 500
) -> list[UUID]:
    """Resolved requests left without feedback for `feedback_days`."""
    with pool.connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT id FROM service_requests WHERE status = 'resolved' AND resolved_at <= %s"
            " ORDER BY resolved_at LIMIT %s",
            (now - timedelta(days=feedback_days), limit),
        ).fetchall()
    return [row[0] for row in rows]

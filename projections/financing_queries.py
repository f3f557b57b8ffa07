"""Queries of the financing board (`projections.financing`), and the overdue rule.

A need is overdue while it is open and no bank has made an offer within the response time
(`FINANCING_RESPONSE_DAYS`). The board derives that at read time from `posted_at` and
`first_offer_at`, so it holds from the very moment; the deadline scheduler also appends
`FinancingNeed.BecameOverdue` once per need (found by `needs_without_offer`), from which the
owner's `need_without_offer` notification comes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, LiteralString
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from projections.pages import Page, decode_cursor, page_of
from projections.rows import Row

OVERDUE: LiteralString = (
    "(n.status = 'open' AND n.first_offer_at IS NULL"
    " AND n.posted_at <= %(now)s - %(response_time)s)"
)


def is_overdue(
    status: str, posted_at: datetime, first_offer_at: datetime | None, now: datetime, days: int
) -> bool:
    """The same rule as the SQL above, for needs read from their aggregate."""
    return status == "open" and first_offer_at is None and posted_at <= now - timedelta(days=days)


class FinancingBoardQueries:
    """The read side of `FinancingBoardView`."""

    pool: ConnectionPool[Any]

    def get_need(self, need_id: UUID, *, now: datetime, response_days: int) -> Row | None:
        rows = self._select(SQL("n.id = %(id)s"), {"id": need_id}, now, response_days, limit=1)
        return rows[0] if rows else None

    def list_needs(
        self,
        *,
        now: datetime,
        response_days: int,
        owner: UUID | None = None,
        product_type: str | None = None,
        region: str | None = None,
        status: str | None = None,
        amount_min: Decimal | None = None,
        amount_max: Decimal | None = None,
        overdue: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest first; `status=open` also hides needs past `respond_by` not yet expired."""
        where: list[SQL | Composed] = []
        params: dict[str, Any] = {}

        def add(clause: LiteralString, **values: Any) -> None:
            where.append(SQL(clause))
            params.update(values)

        if owner is not None:
            add("n.owner_id = %(owner)s", owner=owner)
        if product_type:
            add("n.product_type = %(product_type)s", product_type=product_type)
        if region:
            add("n.region LIKE %(region)s", region=region + "%")
        if status:
            add("n.status = %(status)s", status=status)
        if status == "open":
            add("(n.respond_by IS NULL OR n.respond_by > %(now)s)")
        if amount_min is not None:
            add("n.amount >= %(amount_min)s", amount_min=amount_min)
        if amount_max is not None:
            add("n.amount <= %(amount_max)s", amount_max=amount_max)
        if overdue is not None:
            where.append(SQL(OVERDUE) if overdue else SQL("NOT ") + SQL(OVERDUE))
        before = decode_cursor(cursor)
        if before is not None:
            add("n.posted_position < %(before)s", before=before)
        conditions = SQL(" AND ").join(where) if where else SQL("true")
        rows = self._select(conditions, params, now, response_days, limit=limit + 1)
        return page_of(rows, limit, "posted_position")

    def count_overdue(self, *, now: datetime, response_days: int) -> int:
        """Open needs still without an offer after the response time (for the statistics)."""
        query = SQL("SELECT count(*) AS overdue FROM financing_needs n WHERE ") + SQL(OVERDUE)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, {"now": now, "response_time": timedelta(days=response_days)})
            row = cur.fetchone()
        return int(row["overdue"]) if row else 0

    def _select(
        self,
        where: SQL | Composed,
        params: dict[str, Any],
        now: datetime,
        response_days: int,
        *,
        limit: int,
    ) -> list[Row]:
        query = (
            SQL("SELECT n.*, o.name AS owner_name, ")
            + SQL(OVERDUE)
            + SQL(
                " AS overdue FROM financing_needs n LEFT JOIN organizations o ON o.id = n.owner_id"
                " WHERE {} ORDER BY n.posted_position DESC LIMIT %(limit)s"
            ).format(where)
        )
        values = {**params, "now": now, "response_time": timedelta(days=response_days)}
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, {**values, "limit": limit})
            rows: list[Row] = cur.fetchall()
        return rows


def needs_past_respond_by(pool: ConnectionPool[Any], now: datetime, limit: int = 500) -> list[UUID]:
    """Open needs whose `respond_by` passed without a match, for the deadline scheduler."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT id FROM financing_needs WHERE status = 'open' AND respond_by <= %s"
            " ORDER BY respond_by LIMIT %s",
            (now, limit),
        ).fetchall()
    return [row[0] if isinstance(row, tuple) else row["id"] for row in rows]


def needs_without_offer(
    pool: ConnectionPool[Any], now: datetime, response_days: int, limit: int = 500
) -> list[UUID]:
    """Open needs gone the response days without any offer and not marked overdue yet (nor
    past `respond_by` by then: those expire instead), for the deadline scheduler."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT id FROM financing_needs WHERE status = 'open' AND first_offer_at IS NULL"
            " AND overdue_at IS NULL AND posted_at <= %(now)s - %(days)s"
            " AND (respond_by IS NULL OR respond_by > posted_at + %(days)s)"
            " ORDER BY posted_at LIMIT %(limit)s",
            {"now": now, "days": timedelta(days=response_days), "limit": limit},
        ).fetchall()
    return [row[0] if isinstance(row, tuple) else row["id"] for row in rows]

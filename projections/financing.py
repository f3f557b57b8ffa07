"""Financing board: enterprises' financing needs for banks, with filters and derived overdue.

A need is overdue while it is open and no bank has made an offer within the response time
(`FINANCING_RESPONSE_DAYS`). That is derived here at read time from `posted_at` and
`first_offer_at`, not recorded as an event: nothing happened, time only passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import singledispatchmethod
from typing import Any, LiteralString
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from aggregates.financing_need import FinancingNeed
from projections.engine import View
from projections.pages import Page, decode_cursor, page_of
from projections.rows import Row, Rows, Table

FINANCING_NEEDS = Table(
    "financing_needs",
    (
        "id", "owner_id", "amount", "currency", "term_months", "purpose", "product_type",
        "region", "respond_by", "status", "offer_count", "first_offer_at", "posted_at",
        "posted_position", "matched_offer_id", "matched_bank_id", "contract_id",
        "amount_matched", "matched_at", "amount_disbursed", "disbursed_at", "version",
        "updated_at",
    ),
)  # fmt: skip

OVERDUE: LiteralString = (
    "(n.status = 'open' AND n.first_offer_at IS NULL"
    " AND n.posted_at <= %(now)s - %(response_time)s)"
)


def is_overdue(
    status: str, posted_at: datetime, first_offer_at: datetime | None, now: datetime, days: int
) -> bool:
    """The same rule as the SQL above, for needs read from their aggregate."""
    return status == "open" and first_offer_at is None and posted_at <= now - timedelta(days=days)


class FinancingBoardView(View):
    name = "financing_needs"
    tables = (FINANCING_NEEDS,)
    event_classes = (
        FinancingNeed.Posted,
        FinancingNeed.Withdrawn,
        FinancingNeed.Expired,
        FinancingNeed.OfferMade,
        FinancingNeed.OfferWithdrawn,
        FinancingNeed.OfferExpired,
        FinancingNeed.OfferAccepted,
        FinancingNeed.Disbursed,
    )
    schema = (
        SQL(
            "CREATE TABLE IF NOT EXISTS financing_needs ("
            " id uuid PRIMARY KEY, owner_id uuid NOT NULL, amount numeric NOT NULL,"
            " currency text NOT NULL, term_months int NOT NULL, purpose text NOT NULL,"
            " product_type text NOT NULL, region text NOT NULL, respond_by timestamptz,"
            " status text NOT NULL, offer_count int NOT NULL DEFAULT 0,"
            " first_offer_at timestamptz, posted_at timestamptz NOT NULL,"
            " posted_position bigint NOT NULL, matched_offer_id uuid, matched_bank_id uuid,"
            " contract_id uuid, amount_matched numeric, matched_at timestamptz,"
            " amount_disbursed numeric, disbursed_at timestamptz, version int NOT NULL,"
            " updated_at timestamptz NOT NULL)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_status_idx"
            " ON financing_needs (status, posted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_owner_idx"
            " ON financing_needs (owner_id, posted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_region_idx"
            " ON financing_needs (region text_pattern_ops)"
        ),
    )

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    # Projection ------------------------------------------------------------------------

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: FinancingNeed.Posted, rows: Rows, position: int) -> None:
        row: Row = dict.fromkeys(FINANCING_NEEDS.columns)
        row.update(
            id=event.originator_id,
            owner_id=event.owner_id,
            amount=event.amount,
            currency=event.currency,
            term_months=event.term_months,
            purpose=event.purpose,
            product_type=event.product_type,
            region=event.region,
            respond_by=event.respond_by,
            status="open",
            offer_count=0,
            posted_at=event.timestamp,
            posted_position=position,
            version=event.originator_version,
            updated_at=event.timestamp,
        )
        rows.put("financing_needs", row)

    def _touch(self, rows: Rows, event: Any, **changes: Any) -> Row | None:
        return rows.update(
            "financing_needs",
            event.originator_id,
            version=event.originator_version,
            updated_at=event.timestamp,
            **changes,
        )

    @fold.register
    def _(self, event: FinancingNeed.Withdrawn, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="withdrawn")

    @fold.register
    def _(self, event: FinancingNeed.Expired, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="expired")

    @fold.register
    def _(self, event: FinancingNeed.OfferMade, rows: Rows, position: int) -> None:
        row = rows.get("financing_needs", event.originator_id)
        if row is not None:
            first = row["first_offer_at"] or event.made_at
            self._touch(rows, event, offer_count=row["offer_count"] + 1, first_offer_at=first)

    @fold.register
    def _(self, event: FinancingNeed.OfferWithdrawn, rows: Rows, position: int) -> None:
        row = rows.get("financing_needs", event.originator_id)
        if row is not None:
            self._touch(rows, event, offer_count=row["offer_count"] - 1)

    @fold.register
    def _(self, event: FinancingNeed.OfferExpired, rows: Rows, position: int) -> None:
        self._touch(rows, event)

    @fold.register
    def _(self, event: FinancingNeed.OfferAccepted, rows: Rows, position: int) -> None:
        self._touch(
            rows,
            event,
            status="matched",
            matched_offer_id=event.offer_id,
            matched_bank_id=event.bank_id,
            contract_id=event.contract_id,
            amount_matched=event.amount,
            matched_at=event.timestamp,
        )

    @fold.register
    def _(self, event: FinancingNeed.Disbursed, rows: Rows, position: int) -> None:
        self._touch(
            rows,
            event,
            status="disbursed",
            amount_disbursed=event.amount,
            disbursed_at=event.disbursed_at,
        )

    # Queries ---------------------------------------------------------------------------

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

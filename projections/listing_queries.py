"""The listings table and the read side of `ListingsView`: one posting, pages of postings
with filters and ranked full text (`listing_search`), open postings past expiry (scheduler)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier
from psycopg_pool import ConnectionPool

from projections.listing_search import any_tier, decode_rank_cursor, encode_rank_cursor, search
from projections.pages import Page, Where, active_owner, decode_cursor, page_of
from projections.table import Table
from projections.text import SEARCH_COLUMNS, query_terms

LISTINGS = Table(
    "listings",
    (
        "id uuid PRIMARY KEY",
        "owner_id uuid NOT NULL",
        "side text NOT NULL",
        "title text NOT NULL",
        "description text NOT NULL",
        "category text NOT NULL",
        "quantity numeric NOT NULL",
        "unit text NOT NULL",
        "price_min numeric",
        "price_max numeric",
        "currency text NOT NULL",
        "region text NOT NULL",
        "expires_at timestamptz NOT NULL",
        "status text NOT NULL",
        "removal_reason text",
        "bid_count int NOT NULL DEFAULT 0",
        "published_at timestamptz NOT NULL",
        "published_position bigint NOT NULL",
        "version int NOT NULL",
        "updated_at timestamptz NOT NULL",
        *SEARCH_COLUMNS,
    ),
)
# What a list shows: every column but the search terms (reading those would double the row).
_LISTED = SQL(", ").join(
    SQL("l.{}").format(Identifier(c)) for c in LISTINGS.columns if not c.startswith("search")
)
_ALL = SQL("l.*")


class ListingsQueries:
    """Mixed into `ListingsView`."""

    pool: ConnectionPool[Any]

    def get_posting(self, posting_id: UUID) -> dict[str, Any] | None:
        rows = self._select(SQL("l.id = %s"), [posting_id], 1, _ALL)
        return rows[0] if rows else None

    def list_postings(
        self,
        *,
        side: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        owner: UUID | None = None,
        status: str = "open",
        price_max: Decimal | None = None,
        limit: int = 50,
        cursor: str | None = None,
        sort: str = "newest",
        now: datetime,
    ) -> Page:
        """Newest first, or with `q` and `sort="relevance"` best match first
        (`listing_search`); `status=open` also hides postings past expiry the scheduler
        missed. Removed postings and those of suspended owners are never listed."""
        where = Where()
        where.add("l.status <> 'removed'")
        where.add(active_owner("l.owner_id"))
        if status != "all":
            where.add("l.status = %s", status)
        if status == "open":
            where.add("l.expires_at > %s", now)
        if side:
            where.add("l.side = %s", side)
        if category:
            where.add("l.category = %s", category)
        if region:
            where.add("l.region LIKE %s", region + "%")
        if owner:
            where.add("l.owner_id = %s", owner)
        if price_max is not None:
            where.add("coalesce(l.price_min, l.price_max, 0) <= %s", price_max)
        if q and sort == "relevance":
            return self._search(q, where, limit, cursor)
        if q:
            if (terms := query_terms(q)).empty:
                return Page([], None)
            where.add(any_tier(terms))
        if (before := decode_cursor(cursor)) is not None:
            where.add("l.published_position < %s", before)
        rows = self._select(where.sql(), where.params, limit + 1, _LISTED)
        return page_of(rows, limit, "published_position")

    def _search(self, q: str, where: Where, limit: int, cursor: str | None) -> Page:
        terms, after = query_terms(q), decode_rank_cursor(cursor)
        if terms.empty:
            return Page([], None)
        with self.pool.connection() as conn:
            ranked = search(conn, where.sql(), where.params, terms, after, limit + 1)
        found = self._select(SQL("l.id = ANY(%s)"), [[r[0] for r in ranked]], None, _LISTED)
        by_id = {row["id"]: row for row in found}
        items = [by_id[r[0]] for r in ranked[:limit] if r[0] in by_id]
        if len(ranked) <= limit:
            return Page(items, None)
        return Page(items, encode_rank_cursor(ranked[limit - 1][1], ranked[limit - 1][2]))

    def _select(
        self, where: SQL | Composed, params: list[Any], limit: int | None, columns: SQL | Composed
    ) -> list[dict[str, Any]]:
        query = SQL(
            "SELECT {}, o.name AS owner_name FROM listings l"
            " LEFT JOIN organizations o ON o.id = l.owner_id"
            " WHERE {} ORDER BY l.published_position DESC LIMIT %s"
        ).format(columns, where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, [*params, limit])
            rows: list[dict[str, Any]] = cur.fetchall()
            return rows


def overdue_postings(pool: ConnectionPool[Any], now: datetime, limit: int = 500) -> list[UUID]:
    """Open postings past their expiry, for the deadline scheduler."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT id FROM listings WHERE status = 'open' AND expires_at <= %s"
            " ORDER BY expires_at LIMIT %s",
            (now, limit),
        ).fetchall()
    return [row[0] if isinstance(row, tuple) else row["id"] for row in rows]

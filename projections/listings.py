"""Listings view: postings with filters, region prefix, Chinese and English full text."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier
from psycopg_pool import ConnectionPool

from aggregates.posting import Posting
from projections.engine import View
from projections.listing_search import decode_rank_cursor, encode_rank_cursor, search
from projections.pages import Page, Where, decode_cursor, page_of
from projections.rows import Row, Rows
from projections.table import Table
from projections.text import document_terms, query_terms, title_terms

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
        "search_zh text NOT NULL",
        "search_en text NOT NULL",
        "search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_zh)"
        " || to_tsvector('english'::regconfig, search_en)) STORED",
    ),
)
# What a list shows: every column but the search terms (reading those would double the row).
_LISTED = SQL(", ").join(
    SQL("l.{}").format(Identifier(c)) for c in LISTINGS.columns if not c.startswith("search")
)
_ALL = SQL("l.*")
_REVISABLE = frozenset(
    {"title", "description", "quantity", "unit", "price_min", "price_max", "expires_at"}
)


def _with_search(row: Row) -> Row:
    zh, en = document_terms(row["title"], row["description"])
    row["search_zh"], row["search_en"] = f"{zh} {title_terms(row['title'])}", en
    return row


class ListingsView(View):
    name = "listings"
    version = 4  # 3: title terms marked in `search_zh`; 4: removals
    tables = (LISTINGS,)
    event_classes = (
        Posting.Published,
        Posting.Revised,
        Posting.Withdrawn,
        Posting.Expired,
        Posting.Removed,
        Posting.BidPlaced,
        Posting.BidWithdrawn,
        Posting.BidRejected,
        Posting.BidAccepted,
    )
    schema = (
        LISTINGS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS listings_status_idx"
            " ON listings (status, published_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS listings_open_category_idx"
            " ON listings (category, published_position DESC) WHERE status = 'open'"
        ),
        SQL("CREATE INDEX IF NOT EXISTS listings_search_idx ON listings USING gin (search)"),
        SQL("CREATE INDEX IF NOT EXISTS listings_region_idx ON listings (region text_pattern_ops)"),
        SQL("CREATE INDEX IF NOT EXISTS listings_owner_idx ON listings (owner_id)"),
    )

    # Projection ------------------------------------------------------------------------

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Posting.Published, rows: Rows, position: int) -> None:
        row: Row = {
            "id": event.originator_id,
            "owner_id": event.owner_id,
            "side": event.side,
            "title": event.title,
            "description": event.description,
            "category": event.category,
            "quantity": event.quantity,
            "unit": event.unit,
            "price_min": event.price_min,
            "price_max": event.price_max,
            "currency": event.currency,
            "region": event.region,
            "expires_at": event.expires_at,
            "status": "open",
            "removal_reason": None,
            "bid_count": 0,
            "published_at": event.timestamp,
            "published_position": position,
            "version": event.originator_version,
            "updated_at": event.timestamp,
        }
        rows.put("listings", _with_search(row))

    def _touch(self, rows: Rows, event: Any, **changes: Any) -> Row | None:
        return rows.update(
            "listings",
            event.originator_id,
            version=event.originator_version,
            updated_at=event.timestamp,
            **changes,
        )

    @fold.register
    def _(self, event: Posting.Revised, rows: Rows, position: int) -> None:
        changes = {k: v for k, v in event.changes.items() if k in _REVISABLE}
        row = self._touch(rows, event, **changes)
        if row is not None and {"title", "description"} & changes.keys():
            _with_search(row)

    @fold.register
    def _(self, event: Posting.Withdrawn, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="withdrawn")

    @fold.register
    def _(self, event: Posting.Expired, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="expired")

    @fold.register
    def _(self, event: Posting.Removed, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="removed", removal_reason=event.reason)

    @fold.register
    def _(self, event: Posting.BidAccepted, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="awarded")

    @fold.register
    def _(self, event: Posting.BidRejected, rows: Rows, position: int) -> None:
        self._touch(rows, event)

    @fold.register
    def _(self, event: Posting.BidPlaced, rows: Rows, position: int) -> None:
        self._count_bid(rows, event, +1)

    @fold.register
    def _(self, event: Posting.BidWithdrawn, rows: Rows, position: int) -> None:
        self._count_bid(rows, event, -1)

    def _count_bid(self, rows: Rows, event: Any, change: int) -> None:
        row = rows.get("listings", event.originator_id)
        if row is not None:
            self._touch(rows, event, bid_count=row["bid_count"] + change)

    # Queries ---------------------------------------------------------------------------

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
        now: datetime,
    ) -> Page:
        """Newest first, or with `q` best match first (`listing_search`); `status=open` also
        hides postings past expiry the scheduler missed. Removed postings and those of
        suspended owners are never listed."""
        where = Where()
        where.add("l.status <> 'removed'")
        where.add(
            "NOT EXISTS (SELECT 1 FROM organizations s WHERE s.id = l.owner_id AND s.suspended)"
        )
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
        if q:
            return self._search(q, where, limit, cursor)
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

"""Listings view: postings with filters, region prefix, Chinese and English full text."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import singledispatchmethod
from typing import Any, LiteralString
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier
from psycopg_pool import ConnectionPool

from aggregates.posting import Posting
from projections.engine import Cursor, View
from projections.pages import Page, decode_cursor, page_of
from projections.text import document_terms, query_terms

_SEARCH = SQL("to_tsvector('simple', %s) || to_tsvector('english', %s)")
_COLUMNS = frozenset(
    {"title", "description", "quantity", "unit", "price_min", "price_max", "expires_at"}
)


class ListingsView(View):
    name = "listings"
    event_classes = (
        Posting.Published,
        Posting.Revised,
        Posting.Withdrawn,
        Posting.Expired,
        Posting.BidPlaced,
        Posting.BidWithdrawn,
        Posting.BidRejected,
        Posting.BidAccepted,
    )
    schema = (
        SQL(
            "CREATE TABLE IF NOT EXISTS listings ("
            " id uuid PRIMARY KEY, owner_id uuid NOT NULL, side text NOT NULL,"
            " title text NOT NULL, description text NOT NULL, category text NOT NULL,"
            " quantity numeric NOT NULL, unit text NOT NULL, price_min numeric,"
            " price_max numeric, currency text NOT NULL, region text NOT NULL,"
            " expires_at timestamptz NOT NULL, status text NOT NULL,"
            " bid_count int NOT NULL DEFAULT 0, published_at timestamptz NOT NULL,"
            " published_position bigint NOT NULL, version int NOT NULL,"
            " updated_at timestamptz NOT NULL, search tsvector NOT NULL)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS listings_status_idx"
            " ON listings (status, published_position DESC)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS listings_search_idx ON listings USING gin (search)"),
        SQL("CREATE INDEX IF NOT EXISTS listings_region_idx ON listings (region text_pattern_ops)"),
        SQL("CREATE INDEX IF NOT EXISTS listings_owner_idx ON listings (owner_id)"),
    )

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    # Projection ------------------------------------------------------------------------

    @singledispatchmethod
    def process(self, event: Any, cur: Cursor, position: int) -> None:
        """Events of other types do not change this view."""

    @process.register
    def _(self, event: Posting.Published, cur: Cursor, position: int) -> None:
        cur.execute(
            SQL(
                "INSERT INTO listings (id, owner_id, side, title, description, category,"
                " quantity, unit, price_min, price_max, currency, region, expires_at, status,"
                " published_at, published_position, version, updated_at, search)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,'open',%s,%s,%s,%s,{})"
                " ON CONFLICT (id) DO NOTHING"
            ).format(_SEARCH),
            (
                event.originator_id,
                event.owner_id,
                event.side,
                event.title,
                event.description,
                event.category,
                event.quantity,
                event.unit,
                event.price_min,
                event.price_max,
                event.currency,
                event.region,
                event.expires_at,
                event.timestamp,
                position,
                event.originator_version,
                event.timestamp,
                *document_terms(event.title, event.description),
            ),
        )

    @process.register
    def _(self, event: Posting.Revised, cur: Cursor, position: int) -> None:
        row = cur.execute(
            "SELECT title, description FROM listings WHERE id = %s", (event.originator_id,)
        ).fetchone()
        if row is None:
            return
        changes = {k: v for k, v in event.changes.items() if k in _COLUMNS}
        title, description = changes.get("title", row[0]), changes.get("description", row[1])
        sets = [SQL("{} = %s").format(Identifier(k)) for k in changes]
        cur.execute(
            SQL(
                "UPDATE listings SET {} search = {}, version = %s, updated_at = %s WHERE id = %s"
            ).format(SQL("").join(SQL("{}, ").format(s) for s in sets), _SEARCH),
            (
                *changes.values(),
                *document_terms(title, description),
                event.originator_version,
                event.timestamp,
                event.originator_id,
            ),
        )

    def _set(self, cur: Cursor, event: Any, assignment: LiteralString) -> None:
        cur.execute(
            SQL("UPDATE listings SET {}, version = %s, updated_at = %s WHERE id = %s").format(
                SQL(assignment)
            ),
            (event.originator_version, event.timestamp, event.originator_id),
        )

    @process.register
    def _(self, event: Posting.Withdrawn, cur: Cursor, position: int) -> None:
        self._set(cur, event, "status = 'withdrawn'")

    @process.register
    def _(self, event: Posting.Expired, cur: Cursor, position: int) -> None:
        self._set(cur, event, "status = 'expired'")

    @process.register
    def _(self, event: Posting.BidPlaced, cur: Cursor, position: int) -> None:
        self._set(cur, event, "bid_count = bid_count + 1")

    @process.register
    def _(self, event: Posting.BidWithdrawn, cur: Cursor, position: int) -> None:
        self._set(cur, event, "bid_count = bid_count - 1")

    @process.register
    def _(self, event: Posting.BidRejected, cur: Cursor, position: int) -> None:
        self._set(cur, event, "status = status")

    @process.register
    def _(self, event: Posting.BidAccepted, cur: Cursor, position: int) -> None:
        self._set(cur, event, "status = 'awarded'")

    # Queries ---------------------------------------------------------------------------

    def get_posting(self, posting_id: UUID) -> dict[str, Any] | None:
        rows = self._select(SQL("l.id = %s"), [posting_id], limit=1)
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
        """Newest first; `status=open` also hides postings past expiry the scheduler missed."""
        where: list[SQL | Composed] = []
        params: list[Any] = []

        def add(clause: LiteralString, *values: Any) -> None:
            where.append(SQL(clause))
            params.extend(values)

        if status != "all":
            add("l.status = %s", status)
        if status == "open":
            add("l.expires_at > %s", now)
        if side:
            add("l.side = %s", side)
        if category:
            add("l.category = %s", category)
        if region:
            add("l.region LIKE %s", region + "%")
        if owner:
            add("l.owner_id = %s", owner)
        if price_max is not None:
            add("coalesce(l.price_min, l.price_max, 0) <= %s", price_max)
        if q:
            self._add_search(q, add)
        before = decode_cursor(cursor)
        if before is not None:
            add("l.published_position < %s", before)
        conditions = SQL(" AND ").join(where) if where else SQL("true")
        rows = self._select(conditions, params, limit=limit + 1)
        return page_of(rows, limit, "published_position")

    @staticmethod
    def _add_search(q: str, add: Any) -> None:
        chinese, latin = query_terms(q)
        if chinese:
            add("l.search @@ plainto_tsquery('simple', %s)", chinese)
        if latin:
            add("l.search @@ plainto_tsquery('english', %s)", latin)
        if not chinese and not latin:
            add("false")

    def _select(
        self, where: SQL | Composed, params: list[Any], *, limit: int
    ) -> list[dict[str, Any]]:
        query = SQL(
            "SELECT l.*, o.name AS owner_name FROM listings l"
            " LEFT JOIN organizations o ON o.id = l.owner_id"
            " WHERE {} ORDER BY l.published_position DESC LIMIT %s"
        ).format(where)
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

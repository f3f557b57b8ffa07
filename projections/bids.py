"""Bids view (sealed): who bid what on which posting. Callers filter by who may see them."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from aggregates.posting import Posting
from projections.engine import Cursor, View


class BidsView(View):
    name = "bids"
    event_classes = (
        Posting.BidPlaced,
        Posting.BidWithdrawn,
        Posting.BidRejected,
        Posting.BidAccepted,
    )
    schema = (
        SQL(
            "CREATE TABLE IF NOT EXISTS bids ("
            " id uuid PRIMARY KEY, posting_id uuid NOT NULL, bidder_id uuid NOT NULL,"
            " unit_price numeric NOT NULL, quantity numeric NOT NULL, delivery_days int,"
            " message text, status text NOT NULL, reason text,"
            " placed_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,"
            " position bigint NOT NULL)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS bids_posting_idx ON bids (posting_id, position)"),
        SQL("CREATE INDEX IF NOT EXISTS bids_bidder_idx ON bids (bidder_id, position)"),
    )

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    @singledispatchmethod
    def process(self, event: Any, cur: Cursor, position: int) -> None:
        """Events of other types do not change this view."""

    @process.register
    def _(self, event: Posting.BidPlaced, cur: Cursor, position: int) -> None:
        cur.execute(
            "INSERT INTO bids (id, posting_id, bidder_id, unit_price, quantity, delivery_days,"
            " message, status, placed_at, updated_at, position)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,'submitted',%s,%s,%s) ON CONFLICT (id) DO NOTHING",
            (
                event.bid_id,
                event.originator_id,
                event.bidder_id,
                event.unit_price,
                event.quantity,
                event.delivery_days,
                event.message,
                event.placed_at,
                event.timestamp,
                position,
            ),
        )

    def _status(self, cur: Cursor, event: Any, status: str, reason: str | None = None) -> None:
        cur.execute(
            "UPDATE bids SET status = %s, reason = coalesce(%s, reason), updated_at = %s"
            " WHERE id = %s",
            (status, reason, event.timestamp, event.bid_id),
        )

    @process.register
    def _(self, event: Posting.BidWithdrawn, cur: Cursor, position: int) -> None:
        self._status(cur, event, "withdrawn")

    @process.register
    def _(self, event: Posting.BidRejected, cur: Cursor, position: int) -> None:
        self._status(cur, event, "rejected", event.reason)

    @process.register
    def _(self, event: Posting.BidAccepted, cur: Cursor, position: int) -> None:
        cur.execute(
            "UPDATE bids SET status = 'unsuccessful', updated_at = %s"
            " WHERE posting_id = %s AND status = 'submitted' AND id <> %s",
            (event.timestamp, event.originator_id, event.bid_id),
        )
        self._status(cur, event, "accepted")

    def list_bids(self, posting_id: UUID, bidder_id: UUID | None = None) -> list[dict[str, Any]]:
        """All bids on a posting, or only one bidder's, oldest first."""
        query: SQL | Composed = SQL(
            "SELECT b.*, o.name AS bidder_name FROM bids b"
            " LEFT JOIN organizations o ON o.id = b.bidder_id WHERE b.posting_id = %s"
        )
        params: list[Any] = [posting_id]
        if bidder_id is not None:
            query += SQL(" AND b.bidder_id = %s")
            params.append(bidder_id)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query + SQL(" ORDER BY b.position"), params)
            rows: list[dict[str, Any]] = cur.fetchall()
            return rows

"""Bids view (sealed): who bid what on which posting. Callers filter by who may see them."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Composed

from aggregates.posting import Posting
from projections.engine import View
from projections.pages import Page, fetch_page
from projections.rows import Rows
from projections.table import Table

BIDS = Table(
    "bids",
    (
        "id uuid PRIMARY KEY",
        "posting_id uuid NOT NULL",
        "bidder_id uuid NOT NULL",
        "unit_price numeric NOT NULL",
        "quantity numeric NOT NULL",
        "delivery_days int",
        "message text",
        "status text NOT NULL",
        "reason text",
        "placed_at timestamptz NOT NULL",
        "updated_at timestamptz NOT NULL",
        "position bigint NOT NULL",
    ),
    lookups=("posting_id",),
)


class BidsView(View):
    name = "bids"
    tables = (BIDS,)
    event_classes = (
        Posting.BidPlaced,
        Posting.BidWithdrawn,
        Posting.BidRejected,
        Posting.BidAccepted,
    )
    schema = (
        BIDS.create,
        SQL("CREATE INDEX IF NOT EXISTS bids_posting_idx ON bids (posting_id, position)"),
        SQL("CREATE INDEX IF NOT EXISTS bids_bidder_idx ON bids (bidder_id, position)"),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Posting.BidPlaced, rows: Rows, position: int) -> None:
        rows.put(
            "bids",
            {
                "id": event.bid_id,
                "posting_id": event.originator_id,
                "bidder_id": event.bidder_id,
                "unit_price": event.unit_price,
                "quantity": event.quantity,
                "delivery_days": event.delivery_days,
                "message": event.message,
                "status": "submitted",
                "reason": None,
                "placed_at": event.placed_at,
                "updated_at": event.timestamp,
                "position": position,
            },
        )

    @fold.register
    def _(self, event: Posting.BidWithdrawn, rows: Rows, position: int) -> None:
        rows.update("bids", event.bid_id, status="withdrawn", updated_at=event.timestamp)

    @fold.register
    def _(self, event: Posting.BidRejected, rows: Rows, position: int) -> None:
        rows.update(
            "bids", event.bid_id, status="rejected", reason=event.reason, updated_at=event.timestamp
        )

    @fold.register
    def _(self, event: Posting.BidAccepted, rows: Rows, position: int) -> None:
        for bid in list(rows.where("bids", "posting_id", event.originator_id)):
            if bid["status"] == "submitted" and bid["id"] != event.bid_id:
                rows.update("bids", bid["id"], status="unsuccessful", updated_at=event.timestamp)
        rows.update("bids", event.bid_id, status="accepted", updated_at=event.timestamp)

    def list_bids(
        self,
        posting_id: UUID,
        bidder_id: UUID | None = None,
        *,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Bids on a posting (or only one bidder's), oldest first."""
        query: SQL | Composed = SQL(
            "SELECT b.*, o.name AS bidder_name FROM bids b"
            " LEFT JOIN organizations o ON o.id = b.bidder_id WHERE b.posting_id = %s"
        )
        params: list[Any] = [posting_id]
        if bidder_id is not None:
            query += SQL(" AND b.bidder_id = %s")
            params.append(bidder_id)
        return fetch_page(self.pool, query, params, order="b.position", cursor=cursor, limit=limit)

    def has_bid(self, posting_id: UUID, bidder_id: UUID) -> bool:
        """Whether `bidder_id` ever bid on the posting (any status)."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM bids WHERE posting_id = %s AND bidder_id = %s LIMIT 1",
                (posting_id, bidder_id),
            ).fetchone()
        return row is not None

"""Listings view: postings with filters, region prefix, Chinese and English full text."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from psycopg.sql import SQL

from aggregates.posting import Posting
from projections.engine import View
from projections.listing_queries import LISTINGS, ListingsQueries
from projections.rows import Row, Rows
from projections.text import document_terms, title_terms

_REVISABLE = frozenset(
    {"title", "description", "quantity", "unit", "price_min", "price_max", "expires_at"}
)


def search_terms(title: str, description: str) -> tuple[str, str]:
    """A posting's `search_zh` and `search_en` (the notifications view matches saved searches'
    `q` against the same terms)."""
    zh, en = document_terms(title, description)
    return f"{zh} {title_terms(title)}", en


def _with_search(row: Row) -> Row:
    row["search_zh"], row["search_en"] = search_terms(row["title"], row["description"])
    return row


class ListingsView(ListingsQueries, View):
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

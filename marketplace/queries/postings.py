"""Reads of postings and their sealed bids: who may see what, from the views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from marketplace.queries.viewer import Viewer
from projections.bids import BidsView
from projections.listings import ListingsView
from projections.pages import Page
from projections.posting_matching import PostingMatch, Terms, matching_postings

Row = dict[str, Any]


@dataclass(frozen=True)
class PostingQueries:
    listings: ListingsView
    bids: BidsView
    clock: Callable[[], datetime]

    def list_postings(self, **filters: Any) -> Page:
        """Public: postings newest first, with the filters of `ListingsView.list_postings`."""
        return self.listings.list_postings(**filters, now=self.clock())

    def posting(self, posting_id: UUID) -> Row:
        """Public: one posting with its bid count, never the bids' terms."""
        row = self.listings.get_posting(posting_id)
        if row is None:
            raise NotFoundError("posting not found", "未找到该供需信息")
        return row

    def posting_for(self, viewer: Viewer, posting_id: UUID) -> Row:
        """`posting`, but a removed one only for its owner, its bidders and staff (404 for
        others, as if it were gone); other readers never see a removal's reason."""
        row = self.posting(posting_id)
        if row["status"] != "removed":
            return row
        if viewer.sees_as_party({row["owner_id"]}) or (
            viewer.id is not None and self.bids.has_bid(posting_id, viewer.id)
        ):
            return row
        raise NotFoundError("posting not found", "未找到该供需信息")

    def list_bids(
        self, viewer: Viewer, posting_id: UUID, *, limit: int, cursor: str | None
    ) -> Page:
        """Bids are sealed: the owner and staff see every bid, a bidder only its own, anyone
        else is refused."""
        owner = self.posting(posting_id)["owner_id"]
        if viewer.sees_as_party({owner}):
            return self.bids.list_bids(posting_id, limit=limit, cursor=cursor)
        if viewer.id is not None and self.bids.has_bid(posting_id, viewer.id):
            return self.bids.list_bids(posting_id, bidder_id=viewer.id, limit=limit, cursor=cursor)
        raise ForbiddenError(
            "bids are sealed: only the owner and the bidders see them",
            "报价保密：仅发布方和报价方可见",
        )

    def matches(self, viewer: Viewer, posting_id: UUID, limit: int) -> list[PostingMatch]:
        """Postings of the other side that fit this one: for its owner only."""
        row = self.posting(posting_id)
        if row["owner_id"] != viewer.id:
            raise ForbiddenError(
                "only the posting's owner sees its matches", "只有发布方可以查看匹配"
            )
        return matching_postings(self.listings.pool, Terms.of(row), self.clock(), limit)

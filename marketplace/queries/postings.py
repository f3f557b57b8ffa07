"""Reads of postings and their sealed bids: who may see what, from the views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from aggregates.regions import region_in_query
from marketplace.queries.viewer import ANONYMOUS, Viewer
from projections.bids import BidsView
from projections.contracts import ContractsView
from projections.listings import ListingsView
from projections.pages import Page
from projections.posting_matching import PostingMatch, Terms, matching_postings

Row = dict[str, Any]


@dataclass(frozen=True)
class PostingQueries:
    listings: ListingsView
    bids: BidsView
    contracts: ContractsView
    clock: Callable[[], datetime]

    def list_postings(self, viewer: Viewer = ANONYMOUS, **filters: Any) -> Page:
        """Public: postings newest first, with the filters of `ListingsView.list_postings`; a
        word of `q` naming a province or city is its region prefix unless `region` is given;
        each with `contract_id` for the parties of its sale contract."""
        if filters.get("q") and filters.get("region") is None:
            filters["region"], filters["q"] = region_in_query(filters["q"])
        page = self.listings.list_postings(
            **{**filters, "q": filters.get("q") or None}, now=self.clock()
        )
        self._with_contracts(viewer, page.items)
        return page

    def posting(self, posting_id: UUID, viewer: Viewer = ANONYMOUS) -> Row:
        """Public: one posting with its bid count, never the bids' terms; `contract_id` for
        the parties of its sale contract."""
        row = self.listings.get_posting(posting_id)
        if row is None:
            raise NotFoundError("posting not found", "未找到该供需信息")
        self._with_contracts(viewer, [row])
        return row

    def _with_contracts(self, viewer: Viewer, rows: list[Row]) -> None:
        """A sale contract's id is shown to its parties only (API.md "Rules changed")."""
        if viewer.id is None or not rows:
            return
        found = self.contracts.sale_contracts_of(viewer.id, [str(row["id"]) for row in rows])
        for row in rows:
            row["contract_id"] = found.get(str(row["id"]))

    def posting_for(self, viewer: Viewer, posting_id: UUID) -> Row:
        """`posting`, but a removed one only for its owner, its bidders and staff (404 for
        others, as if it were gone); other readers never see a removal's reason."""
        row = self.posting(posting_id, viewer)
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

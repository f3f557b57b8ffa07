"""Sealed bids on postings: only the posting's owner, the bidder and staff (operators,
auditors) see a bid's terms (the rule: `PostingQueries.list_bids`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query

from api.deps import (
    Enterprise,
    MarketplaceDep,
    OrganizationQueriesDep,
    PostingQueriesDep,
    SignedIn,
    fresh,
)
from api.schemas.common import ListOf
from api.schemas.mapping import answer, party, written
from api.schemas.postings import Accepted, BidAccept, BidCreate, BidPublic, BidReject, BidWritten
from marketplace.postings import BidOutcome
from projections.bids import BidsView
from projections.listings import ListingsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/postings/{posting_id}/bids", tags=["bids"])


def bid_written(outcome: BidOutcome, bidder_name: str | None) -> BidWritten:
    return written(
        BidWritten,
        outcome,
        outcome.bid,
        posting_id=str(outcome.aggregate.id),
        bidder=party(outcome.bid.bidder_id, bidder_name),
    )


@router.post("", status_code=201)
def create_bid(
    posting_id: UUID, body: BidCreate, bidder: Enterprise, app: MarketplaceDep
) -> BidWritten:
    """Place a sealed bid on another enterprise's open posting."""
    outcome = app.place_bid(posting_id, bidder.id, **body.model_dump())
    return bid_written(outcome, bidder.name)


@router.get("", dependencies=[fresh(BidsView, ListingsView, OrganizationsView)])
def read_bids(
    posting_id: UUID,
    caller: SignedIn,
    postings: PostingQueriesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[BidPublic]:
    """The owner and staff see every bid; a bidder only its own; anyone else is refused."""
    page = postings.list_bids(caller, posting_id, limit=limit, cursor=cursor)
    return ListOf[BidPublic](
        items=[answer(BidPublic, r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post("/{bid_id}/withdraw")
def withdraw_bid(
    posting_id: UUID, bid_id: UUID, bidder: Enterprise, app: MarketplaceDep
) -> BidWritten:
    """The bidder withdraws its bid."""
    outcome = app.withdraw_bid(posting_id, bid_id, bidder.id)
    return bid_written(outcome, bidder.name)


@router.post("/{bid_id}/reject")
def reject_bid(
    posting_id: UUID,
    bid_id: UUID,
    owner: Enterprise,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
    body: Annotated[BidReject | None, Body()] = None,
) -> BidWritten:
    """The owner turns a bid down, optionally saying why."""
    reason = body.reason if body else None
    outcome = app.reject_bid(posting_id, bid_id, owner.id, reason)
    return bid_written(outcome, organizations.name_of(outcome.bid.bidder_id))


@router.post("/{bid_id}/accept", status_code=201)
def accept_bid(
    posting_id: UUID,
    bid_id: UUID,
    owner: Enterprise,
    app: MarketplaceDep,
    body: Annotated[BidAccept | None, Body()] = None,
) -> Accepted:
    """Award the posting to this bid; a sale contract is drafted in the same transaction."""
    exhibition_id = body.exhibition_id if body else None
    outcome = app.accept_bid(posting_id, bid_id, owner.id, exhibition_id)
    return written(
        Accepted,
        outcome,
        contract_id=str(outcome.contract.id),
        posting_id=str(posting_id),
        status=outcome.aggregate.status,
    )

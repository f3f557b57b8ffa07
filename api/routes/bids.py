"""Sealed bids on postings: only the posting's owner, the bidder and staff (operators,
auditors) see a bid's terms."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query

from aggregates.bid import Bid
from aggregates.errors import ForbiddenError
from api.deps import Enterprise, ServicesDep, SignedIn, fresh
from api.schemas.common import ListOf, Party
from api.schemas.postings import Accepted, BidAccept, BidCreate, BidPublic, BidReject, BidWritten
from marketplace.postings import BidOutcome
from projections.bids import BidsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/postings/{posting_id}/bids", tags=["bids"])
STAFF = frozenset({"operator", "auditor"})  # they read everything, sealed terms included


def bid_from_row(row: dict[str, Any]) -> BidPublic:
    return BidPublic(
        id=str(row["id"]),
        posting_id=str(row["posting_id"]),
        bidder=Party(id=str(row["bidder_id"]), name=row.get("bidder_name")),
        unit_price=row["unit_price"],
        quantity=row["quantity"],
        delivery_days=row["delivery_days"],
        message=row["message"],
        status=row["status"],
        reason=row["reason"],
        placed_at=row["placed_at"],
    )


def bid_written(outcome: BidOutcome, bidder_name: str | None = None) -> BidWritten:
    bid: Bid = outcome.bid
    return BidWritten(
        id=str(bid.id),
        posting_id=str(outcome.aggregate.id),
        bidder=Party(id=str(bid.bidder_id), name=bidder_name),
        unit_price=bid.unit_price,
        quantity=bid.quantity,
        delivery_days=bid.delivery_days,
        message=bid.message,
        status=bid.status,
        reason=bid.reason,
        placed_at=bid.placed_at,
        version=outcome.version,
        position=outcome.position,
    )


@router.post("", status_code=201)
def create_bid(
    posting_id: UUID, body: BidCreate, bidder: Enterprise, services: ServicesDep
) -> BidWritten:
    """Place a sealed bid on another enterprise's open posting."""
    outcome = services.app.place_bid(posting_id, bidder.id, **body.model_dump())
    return bid_written(outcome, bidder.name)


@router.get("", dependencies=[fresh(BidsView, OrganizationsView)])
def read_bids(
    posting_id: UUID,
    caller: SignedIn,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[BidPublic]:
    """The owner and staff see every bid; a bidder only its own; anyone else is refused."""
    posting = services.app.get_posting(posting_id)
    if caller.id == posting.owner_id or caller.kind in STAFF:
        page = services.views.bids.list_bids(posting_id, limit=limit, cursor=cursor)
    elif any(b.bidder_id == caller.id for b in posting.bids.values()):
        page = services.views.bids.list_bids(
            posting_id, bidder_id=caller.id, limit=limit, cursor=cursor
        )
    else:
        raise ForbiddenError(
            "bids are sealed: only the owner and the bidders see them",
            "报价保密：仅发布方和报价方可见",
        )
    return ListOf[BidPublic](
        items=[bid_from_row(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post("/{bid_id}/withdraw")
def withdraw_bid(
    posting_id: UUID, bid_id: UUID, bidder: Enterprise, services: ServicesDep
) -> BidWritten:
    """The bidder withdraws its bid."""
    outcome = services.app.withdraw_bid(posting_id, bid_id, bidder.id)
    return bid_written(outcome, bidder.name)


@router.post("/{bid_id}/reject")
def reject_bid(
    posting_id: UUID,
    bid_id: UUID,
    owner: Enterprise,
    services: ServicesDep,
    body: Annotated[BidReject | None, Body()] = None,
) -> BidWritten:
    """The owner turns a bid down, optionally saying why."""
    reason = body.reason if body else None
    outcome = services.app.reject_bid(posting_id, bid_id, owner.id, reason)
    bidder = services.app.get_organization(outcome.bid.bidder_id)
    return bid_written(outcome, bidder.name)


@router.post("/{bid_id}/accept", status_code=201)
def accept_bid(
    posting_id: UUID,
    bid_id: UUID,
    owner: Enterprise,
    services: ServicesDep,
    body: Annotated[BidAccept | None, Body()] = None,
) -> Accepted:
    """Award the posting to this bid; a sale contract is drafted in the same transaction."""
    exhibition_id = body.exhibition_id if body else None
    outcome = services.app.accept_bid(posting_id, bid_id, owner.id, exhibition_id)
    return Accepted(
        contract_id=str(outcome.contract.id),
        posting_id=str(posting_id),
        status=outcome.aggregate.status,
        version=outcome.version,
        position=outcome.position,
    )

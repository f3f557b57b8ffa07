"""Bids: the sealed offers enterprises make on a posting (events live on the posting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aggregates.errors import ConflictError, ForbiddenError, NotFoundError


class BidStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    UNSUCCESSFUL = "unsuccessful"


BID_STATUS_ZH = {
    "submitted": "已提交",
    "withdrawn": "已撤回",
    "rejected": "已拒绝",
    "accepted": "已接受",
    "unsuccessful": "未中选",
}


@dataclass(frozen=True)
class Bid:
    """A bid as the posting holds it; a change of status replaces it (`dataclasses.replace`),
    so the answer to a command can share the bids of the cached posting without copying them."""

    id: UUID
    bidder_id: UUID
    unit_price: Decimal
    quantity: Decimal
    delivery_days: int | None
    message: str | None
    placed_at: datetime
    status: str = BidStatus.SUBMITTED
    reason: str | None = None


def require_submitted(bid: Bid) -> None:
    """Only a submitted bid can be withdrawn, rejected or accepted."""
    if bid.status != BidStatus.SUBMITTED:
        raise ConflictError(f"bid is {bid.status}", f"该报价状态为{BID_STATUS_ZH[bid.status]}")


def require_not_owner(owner_id: UUID, bidder_id: UUID) -> None:
    if bidder_id == owner_id:
        raise ForbiddenError("owners cannot bid on their own posting", "不能对自己发布的信息报价")


def require_one_active_bid(bidder_id: UUID, active: list[Bid]) -> None:
    if any(b.bidder_id == bidder_id for b in active):
        raise ConflictError(
            "you already have an active bid on this posting", "您对该信息已有一个有效报价"
        )


def find_bid(bids: dict[UUID, Bid], bid_id: UUID) -> Bid:
    try:
        return bids[bid_id]
    except KeyError:
        raise NotFoundError("bid not found", "未找到该报价") from None


def require_bidder(bid: Bid, by: UUID) -> None:
    if bid.bidder_id != by:
        raise ForbiddenError("only the bidder may withdraw a bid", "只有报价方可以撤回报价")


def require_no_active_bids(active: list[Bid]) -> None:
    """Bidders priced the posting's terms: they change only while no bid is active."""
    if active:
        raise ConflictError(
            "posting has active bids; withdraw and republish to change its terms",
            "该供需信息已有有效报价，不能修改；请撤回后重新发布",
        )

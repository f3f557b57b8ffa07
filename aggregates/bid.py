"""Bids: the sealed offers enterprises make on a posting (events live on the posting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aggregates.errors import ConflictError


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


@dataclass
class Bid:
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

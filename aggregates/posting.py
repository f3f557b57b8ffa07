"""Supply and demand postings with their sealed bids.

Bids are events on the posting's own stream, so "one active bid per bidder" and
"awarded once" are decided by one aggregate version, also under concurrency.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.attachments import Attachable
from aggregates.bid import (
    Bid,
    BidStatus,
    find_bid,
    require_bidder,
    require_no_active_bids,
    require_not_owner,
    require_one_active_bid,
    require_submitted,
)
from aggregates.errors import ConflictError
from aggregates.posting_terms import (
    PostingStatus,
    Side,
    check_expiry,
    check_price_range,
    check_revisable,
    check_revision,
    require_open,
    require_past_expiry,
    require_status,
)
from aggregates.text import moderation_reason

__all__ = ["Posting", "PostingStatus", "Side", "check_expiry", "check_price_range"]


class Posting(Attachable):
    """A supply or demand posting that other enterprises bid on."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Published(Aggregate.Created):
        owner_id: UUID
        side: str
        title: str
        description: str
        category: str
        quantity: Decimal
        unit: str
        price_min: Decimal | None
        price_max: Decimal | None
        currency: str
        region: str
        expires_at: datetime

    class Revised(Aggregate.Event):
        changes: dict[str, Any]

    class Withdrawn(Aggregate.Event):
        pass

    class Expired(Aggregate.Event):
        pass

    class Removed(Aggregate.Event):
        reason: str

    class BidPlaced(Aggregate.Event):
        bid_id: UUID
        bidder_id: UUID
        unit_price: Decimal
        quantity: Decimal
        delivery_days: int | None
        message: str | None
        placed_at: datetime

    class BidWithdrawn(Aggregate.Event):
        bid_id: UUID

    class BidRejected(Aggregate.Event):
        bid_id: UUID
        reason: str | None

    class BidAccepted(Aggregate.Event):
        bid_id: UUID
        contract_id: UUID
        exhibition_id: UUID | None

    @event(Published)
    def __init__(
        self,
        owner_id: UUID,
        side: str,
        title: str,
        description: str,
        category: str,
        quantity: Decimal,
        unit: str,
        price_min: Decimal | None,
        price_max: Decimal | None,
        currency: str,
        region: str,
        expires_at: datetime,
    ) -> None:
        self.owner_id = owner_id
        self.side = side
        self.title = title
        self.description = description
        self.category = category
        self.quantity = quantity
        self.unit = unit
        self.price_min = price_min
        self.price_max = price_max
        self.currency = currency
        self.region = region
        self.expires_at = expires_at
        self.status: str = PostingStatus.OPEN
        self.bids: dict[UUID, Bid] = {}
        self.awarded_bid_id: UUID | None = None
        self.contract_id: UUID | None = None
        self.exhibition_id: UUID | None = None
        self.removal_reason: str | None = None

    @property
    def active_bids(self) -> list[Bid]:
        return [b for b in self.bids.values() if b.status == BidStatus.SUBMITTED]

    def get_bid(self, bid_id: UUID) -> Bid:
        return find_bid(self.bids, bid_id)

    def is_open_at(self, now: datetime) -> bool:
        return self.status == PostingStatus.OPEN and now < self.expires_at

    def revise(self, changes: dict[str, Any], now: datetime) -> None:
        """Change terms; only while no bid is active, since bidders priced the old terms."""
        check_revisable(changes)
        require_open(self.status, self.expires_at, now)
        require_no_active_bids(self.active_bids)
        check_revision(changes, self.price_min, self.price_max, now)
        self._revised(changes=changes)

    @event(Revised)
    def _revised(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(self, name, value)

    def withdraw(self) -> None:
        require_status(self.status, PostingStatus.OPEN)
        self._withdrawn()

    @event(Withdrawn)
    def _withdrawn(self) -> None:
        self.status = PostingStatus.WITHDRAWN

    def expire(self, now: datetime) -> None:
        require_past_expiry(self.status, self.expires_at, now)
        self._expired()

    @event(Expired)
    def _expired(self) -> None:
        self.status = PostingStatus.EXPIRED

    def remove(self, reason: str | None) -> None:
        """An operator takes the posting down (in any status but removed); no bid after."""
        text = moderation_reason(reason, "a removal", "下架")
        if self.status == PostingStatus.REMOVED:
            raise ConflictError("posting is already removed", "该供需信息已下架")
        self._removed(text)

    @event(Removed)
    def _removed(self, reason: str) -> None:
        self.status = PostingStatus.REMOVED
        self.removal_reason = reason

    def place_bid(
        self,
        bid_id: UUID,
        bidder_id: UUID,
        unit_price: Decimal,
        quantity: Decimal,
        delivery_days: int | None,
        message: str | None,
        now: datetime,
    ) -> None:
        require_not_owner(self.owner_id, bidder_id)
        require_open(self.status, self.expires_at, now)
        require_one_active_bid(bidder_id, self.active_bids)
        self._bid_placed(bid_id, bidder_id, unit_price, quantity, delivery_days, message, now)

    @event(BidPlaced)
    def _bid_placed(
        self,
        bid_id: UUID,
        bidder_id: UUID,
        unit_price: Decimal,
        quantity: Decimal,
        delivery_days: int | None,
        message: str | None,
        placed_at: datetime,
    ) -> None:
        self.bids[bid_id] = Bid(
            bid_id, bidder_id, unit_price, quantity, delivery_days, message, placed_at
        )

    def withdraw_bid(self, bid_id: UUID, by: UUID) -> None:
        bid = self.get_bid(bid_id)
        require_bidder(bid, by)
        require_submitted(bid)
        self._bid_withdrawn(bid_id=bid_id)

    @event(BidWithdrawn)
    def _bid_withdrawn(self, bid_id: UUID) -> None:
        self.bids[bid_id] = replace(self.bids[bid_id], status=BidStatus.WITHDRAWN)

    def reject_bid(self, bid_id: UUID, reason: str | None) -> None:
        bid = self.get_bid(bid_id)
        require_submitted(bid)
        self._bid_rejected(bid_id=bid_id, reason=reason)

    @event(BidRejected)
    def _bid_rejected(self, bid_id: UUID, reason: str | None) -> None:
        self.bids[bid_id] = replace(self.bids[bid_id], status=BidStatus.REJECTED, reason=reason)

    def accept_bid(
        self, bid_id: UUID, contract_id: UUID, exhibition_id: UUID | None, now: datetime
    ) -> Bid:
        bid = self.get_bid(bid_id)
        if self.status == PostingStatus.AWARDED:
            raise ConflictError("posting is already awarded", "该供需信息已成交")
        require_open(self.status, self.expires_at, now)
        require_submitted(bid)
        self._bid_accepted(bid_id=bid_id, contract_id=contract_id, exhibition_id=exhibition_id)
        return self.bids[bid_id]  # accepted now (the one checked above was replaced)

    @event(BidAccepted)
    def _bid_accepted(self, bid_id: UUID, contract_id: UUID, exhibition_id: UUID | None) -> None:
        for other in self.active_bids:
            self.bids[other.id] = replace(other, status=BidStatus.UNSUCCESSFUL)
        self.bids[bid_id] = replace(self.bids[bid_id], status=BidStatus.ACCEPTED)
        self.status = PostingStatus.AWARDED
        self.awarded_bid_id = bid_id
        self.contract_id = contract_id
        self.exhibition_id = exhibition_id

"""Offers: the sealed answers banks make to a financing need (events live on the need)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aggregates.errors import ConflictError, ForbiddenError, NotFoundError


class OfferStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    UNSUCCESSFUL = "unsuccessful"


OFFER_STATUS_ZH = {
    "submitted": "已提交",
    "withdrawn": "已撤回",
    "expired": "已过期",
    "accepted": "已接受",
    "unsuccessful": "未中选",
}


@dataclass
class Offer:
    """A bank's sealed answer to a financing need (its events live on the need)."""

    id: UUID
    bank_id: UUID
    amount: Decimal
    annual_rate: Decimal
    term_months: int
    conditions: str | None
    valid_until: datetime | None
    made_at: datetime
    status: str = OfferStatus.SUBMITTED


def require_submitted(offer: Offer) -> None:
    """Only a submitted offer can be withdrawn, accepted or expire."""
    if offer.status != OfferStatus.SUBMITTED:
        raise ConflictError(
            f"offer is {offer.status}", f"该融资报价{OFFER_STATUS_ZH[offer.status]}"
        )


def require_one_active_offer(bank_id: UUID, active: list[Offer]) -> None:
    if any(o.bank_id == bank_id for o in active):
        raise ConflictError(
            "you already have an active offer on this financing need",
            "您对该融资需求已有一个有效报价",
        )


def require_offering_bank(offer: Offer, by: UUID) -> None:
    if offer.bank_id != by:
        raise ForbiddenError(
            "only the bank that made an offer may withdraw it", "只有报价银行可以撤回报价"
        )


def find_offer(offers: dict[UUID, Offer], offer_id: UUID) -> Offer:
    try:
        return offers[offer_id]
    except KeyError:
        raise NotFoundError("offer not found", "未找到该融资报价") from None

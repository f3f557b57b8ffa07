"""The terms of a posting: its sides and statuses, and the checks its terms must pass."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.times import check_time

MAX_POSTING_LIFETIME = timedelta(days=365)
REVISABLE_FIELDS = frozenset(
    {"title", "description", "quantity", "unit", "price_min", "price_max", "expires_at"}
)


class Side(StrEnum):
    SUPPLY = "supply"
    DEMAND = "demand"


class PostingStatus(StrEnum):
    OPEN = "open"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REMOVED = "removed"  # taken down by an operator


STATUS_ZH = {
    "open": "开放",
    "awarded": "成交",
    "withdrawn": "撤回",
    "expired": "过期",
    "removed": "下架",
}


def check_price_range(price_min: Decimal | None, price_max: Decimal | None) -> None:
    if price_min is not None and price_max is not None and price_min > price_max:
        raise InvalidValueError(
            "price_min must not exceed price_max", "最低价不能高于最高价", field="price_min"
        )


def check_expiry(expires_at: datetime, now: datetime) -> None:
    if expires_at.tzinfo is None:
        raise InvalidValueError(
            "expires_at needs a time zone offset", "截止时间须带时区", field="expires_at"
        )
    check_time(expires_at, "expires_at")
    if expires_at <= now:
        raise InvalidValueError(
            "expires_at must be in the future", "截止时间必须晚于当前时间", field="expires_at"
        )
    if expires_at > now + MAX_POSTING_LIFETIME:
        raise InvalidValueError(
            "expires_at must be within 365 days", "截止时间不得超过365天", field="expires_at"
        )


def check_revisable(changes: dict[str, Any]) -> None:
    unknown = set(changes) - REVISABLE_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidValueError(f"{name} cannot be revised", f"{name} 不可修改", field=name)


def check_revision(
    changes: dict[str, Any], price_min: Decimal | None, price_max: Decimal | None, now: datetime
) -> None:
    """Revised terms pass the checks of new ones; `price_min`/`price_max`: the current ones."""
    check_price_range(changes.get("price_min", price_min), changes.get("price_max", price_max))
    if "expires_at" in changes:
        check_expiry(changes["expires_at"], now)
    if not changes:
        raise InvalidValueError("nothing to revise", "没有需要修改的内容")


def require_status(status: str, wanted: str) -> None:
    if status != wanted:
        raise ConflictError(f"posting is {status}", f"该供需信息已{STATUS_ZH[status]}")


def require_open(status: str, expires_at: datetime, now: datetime) -> None:
    """Open and before `expires_at`: bids and revisions need both."""
    require_status(status, PostingStatus.OPEN)
    if now >= expires_at:
        raise ConflictError("posting has expired", "该供需信息已过期")


def require_past_expiry(status: str, expires_at: datetime, now: datetime) -> None:
    """The scheduler expires an open posting once `expires_at` has passed."""
    require_status(status, PostingStatus.OPEN)
    if now < expires_at:
        raise ConflictError("posting has not expired yet", "该供需信息尚未到期")

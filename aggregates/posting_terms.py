"""The terms of a posting: its sides and statuses, and the checks its terms must pass."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from aggregates.errors import InvalidValueError
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


STATUS_ZH = {"open": "开放", "awarded": "成交", "withdrawn": "撤回", "expired": "过期"}


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

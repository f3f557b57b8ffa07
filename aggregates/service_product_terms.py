"""The terms of a service product (服务产品): pricing, price, response time; stateless checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aggregates.errors import InvalidValueError
from aggregates.service_categories import SERVICE_CATEGORIES

PRICINGS = ("free", "discounted", "market")  # 公益服务, 优惠服务, 市场化服务
MAX_RESPONSE_HOURS = 720
ACTIVE, RETIRED, REMOVED = "active", "retired", "removed"  # removed: by an operator


def check_category(category: str) -> None:
    if category not in SERVICE_CATEGORIES:
        raise InvalidValueError(
            f"unknown service category {category!r}",
            f"未知的服务类别 {category!r}",
            field="category",
        )


def check_pricing(pricing: str, price: Decimal | None) -> None:
    """Free services have no price; discounted and market ones must give one."""
    if pricing not in PRICINGS:
        raise InvalidValueError(
            "pricing must be free, discounted or market",
            "收费方式须为公益、优惠或市场化",
            field="pricing",
        )
    if pricing == "free" and price is not None:
        raise InvalidValueError(
            "a free service has no price", "公益服务不能填写价格", field="price"
        )
    if pricing != "free" and price is None:
        raise InvalidValueError(
            "a price is required unless the service is free",
            "非公益服务须填写价格",
            field="price",
        )


def check_response_hours(hours: int) -> None:
    if not 1 <= hours <= MAX_RESPONSE_HOURS:
        raise InvalidValueError(
            "the promised response time is 1 to 720 hours",
            "承诺响应时间须为 1 至 720 小时",
            field="response_hours",
        )


def check_terms(terms: dict[str, Any]) -> None:
    """The checks that need no other state, on a whole set of terms."""
    check_category(terms["category"])
    check_pricing(terms["pricing"], terms["price"])
    check_response_hours(terms["response_hours"])

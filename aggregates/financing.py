"""Values shared by financing needs and bank products: product types, terms, deadlines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

from aggregates.errors import InvalidValueError
from aggregates.times import check_time

MIN_TERM_MONTHS = 1
MAX_TERM_MONTHS = 360
MAX_DEADLINE = timedelta(days=365)
# A deadline given as a bare date means the end of that day in China Standard Time.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


class ProductType(StrEnum):
    CREDIT_LOAN = "credit_loan"
    RECEIVABLES = "receivables"
    ORDER_FINANCING = "order_financing"
    WAREHOUSE_RECEIPT = "warehouse_receipt"
    INVENTORY_PLEDGE = "inventory_pledge"
    GUARANTEED_LOAN = "guaranteed_loan"


# product type → (name_en, name_zh)
PRODUCT_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "credit_loan": ("credit loan", "信用贷款"),
    "receivables": ("receivables financing", "应收账款融资"),
    "order_financing": ("order financing", "订单融资"),
    "warehouse_receipt": ("warehouse receipt financing", "仓单融资"),
    "inventory_pledge": ("inventory pledge financing", "存货质押融资"),
    "guaranteed_loan": ("guaranteed loan", "担保贷款"),
}


def check_product_type(product_type: str, field: str = "product_type") -> None:
    if product_type not in set(ProductType):
        allowed = ", ".join(ProductType)
        raise InvalidValueError(
            f"{field} must be one of {allowed}", f"{field} 必须是 {allowed} 之一", field=field
        )


def check_term(months: int, field: str = "term_months") -> None:
    """A loan term in whole months, 1 to 360."""
    if isinstance(months, bool) or not isinstance(months, int):
        raise InvalidValueError(
            f"{field} must be a whole number of months", f"{field} 必须是整数月数", field=field
        )
    if not MIN_TERM_MONTHS <= months <= MAX_TERM_MONTHS:
        raise InvalidValueError(
            f"{field} must be between {MIN_TERM_MONTHS} and {MAX_TERM_MONTHS} months",
            f"{field} 必须在 {MIN_TERM_MONTHS} 到 {MAX_TERM_MONTHS} 个月之间",
            field=field,
        )


def check_range(low: Decimal | int, high: Decimal | int, low_field: str, high_field: str) -> None:
    if low > high:
        raise InvalidValueError(
            f"{low_field} must not exceed {high_field}",
            f"{low_field} 不能大于 {high_field}",
            field=low_field,
        )


def end_of_day(day: date) -> datetime:
    """The deadline a bare date stands for: midnight after it, China Standard Time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CHINA_STANDARD_TIME)


def check_deadline(at: datetime, now: datetime, field: str) -> None:
    """A deadline (`respond_by`, `valid_until`): with an offset, future, within 365 days."""
    if at.tzinfo is None:
        raise InvalidValueError(
            f"{field} needs a time zone offset", f"{field} 须带时区", field=field
        )
    check_time(at, field)
    if at <= now:
        raise InvalidValueError(
            f"{field} must be in the future", f"{field} 必须晚于当前时间", field=field
        )
    if at > now + MAX_DEADLINE:
        raise InvalidValueError(
            f"{field} must be within 365 days", f"{field} 不得超过365天", field=field
        )

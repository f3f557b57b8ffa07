"""Financing needs, sealed bank offers, disbursements and bank products."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)

from aggregates.financing import MAX_TERM_MONTHS, MIN_TERM_MONTHS, end_of_day
from aggregates.values import format_decimal, parse_rate
from api.schemas.common import (
    DecimalOut,
    MoneyIn,
    Party,
    PositiveMoneyIn,
    ReauthPassword,
    RegionIn,
    RegionPrefixIn,
    Strict,
    _validated,
    in_era,
    refusal,
)
from api.schemas.documents import DocumentIds, DocumentRef

ProductTypeName = Literal[
    "credit_loan",
    "receivables",
    "order_financing",
    "warehouse_receipt",
    "inventory_pledge",
    "guaranteed_loan",
]
NeedStatusName = Literal["open", "matched", "disbursed", "withdrawn", "expired"]
RateIn = Annotated[
    Decimal,
    BeforeValidator(_validated(parse_rate)),
    PlainSerializer(format_decimal, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?$", "examples": ["3.85"]}),
]
TermMonths = Annotated[StrictInt, Field(ge=MIN_TERM_MONTHS, le=MAX_TERM_MONTHS)]
Purpose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Conditions = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


NOT_A_DEADLINE = (
    "not_a_datetime",
    "must be a date (YYYY-MM-DD) or a date and time with offset",
    "须为日期（YYYY-MM-DD）或带时区的日期时间",
)


def parse_deadline(value: Any) -> datetime:
    """A date (`2026-12-31`: the end of that day, China Standard Time) or a datetime with offset,
    in [2000-01-01, 2100-01-01)."""
    if not isinstance(value, str):
        raise refusal(*NOT_A_DEADLINE)
    text = value.strip()
    try:
        at: datetime | date = (
            date.fromisoformat(text)
            if len(text) == 10
            else datetime.fromisoformat(text.replace("Z", "+00:00"))
        )
    except ValueError:
        raise refusal(*NOT_A_DEADLINE) from None
    if not isinstance(at, datetime):
        in_era(at)
        return end_of_day(at).astimezone(UTC)
    if at.tzinfo is None:
        raise refusal(
            "missing_offset",
            "a date and time needs an offset such as +08:00 or Z",
            "日期时间须带时区偏移，例如 +08:00 或 Z",
        )
    in_era(at)
    return at


DeadlineIn = Annotated[
    datetime,
    BeforeValidator(parse_deadline),
    WithJsonSchema(
        {
            "type": "string",
            "description": "a date (until its end, China Standard Time) or a datetime with offset",
            "examples": ["2026-12-31", "2026-12-31T18:00:00+08:00"],
        }
    ),
]


class NeedCreate(Strict):
    amount: PositiveMoneyIn
    term_months: TermMonths
    purpose: Purpose
    product_type: ProductTypeName
    region: RegionIn
    respond_by: DeadlineIn | None = Field(default=None, description="banks answer until then")
    documents: DocumentIds = Field(default_factory=list)


class NeedPublic(BaseModel):
    id: str
    owner: Party
    amount: DecimalOut
    currency: str
    term_months: int
    purpose: str
    product_type: str
    region: str
    respond_by: datetime | None
    status: str
    offer_count: int = Field(description="offers made and not withdrawn by their bank")
    first_offer_at: datetime | None
    overdue: bool = Field(description="open and still without an offer after the response time")
    published_at: datetime
    matched_offer_id: str | None
    contract_id: str | None
    amount_disbursed: DecimalOut | None = Field(
        description="shown to the owner, the matched bank and staff only"
    )
    disbursed_at: datetime | None
    version: int
    documents: list[DocumentRef] = Field(default_factory=list)


class NeedWritten(NeedPublic):
    position: int | None


class OfferCreate(Strict):
    amount: PositiveMoneyIn
    annual_rate: RateIn = Field(description="annual percentage, 0 < rate <= 36")
    term_months: TermMonths
    conditions: Conditions | None = None
    valid_until: DeadlineIn | None = None


class OfferPublic(BaseModel):
    id: str
    need_id: str
    bank: Party
    amount: DecimalOut
    annual_rate: DecimalOut
    term_months: int
    conditions: str | None
    valid_until: datetime | None
    status: str
    made_at: datetime


class OfferWritten(OfferPublic):
    version: int
    position: int | None


class OfferAccepted(BaseModel):
    contract_id: str
    need_id: str
    status: str
    version: int
    position: int | None


class Disbursement(Strict):
    amount: PositiveMoneyIn = Field(description="at most the accepted offer's amount")
    password: ReauthPassword | None = None


class ProductCreate(Strict):
    name: ProductName
    product_type: ProductTypeName
    amount_min: MoneyIn
    amount_max: PositiveMoneyIn
    term_min: TermMonths
    term_max: TermMonths
    rate_min: RateIn
    rate_max: RateIn
    regions: list[RegionPrefixIn] = Field(
        min_length=1, max_length=100, description="region codes or prefixes (33 = Zhejiang)"
    )


class ProductUpdate(Strict):
    """Any of the terms of ProductCreate; those not given stay."""

    name: ProductName | None = None
    product_type: ProductTypeName | None = None
    amount_min: MoneyIn | None = None
    amount_max: PositiveMoneyIn | None = None
    term_min: TermMonths | None = None
    term_max: TermMonths | None = None
    rate_min: RateIn | None = None
    rate_max: RateIn | None = None
    regions: list[RegionPrefixIn] | None = Field(default=None, min_length=1, max_length=100)


class ProductPublic(BaseModel):
    id: str
    bank: Party
    name: str
    product_type: str
    amount_min: DecimalOut
    amount_max: DecimalOut
    term_min: int
    term_max: int
    rate_min: DecimalOut
    rate_max: DecimalOut
    regions: list[str]
    status: Literal["active", "retired"]
    published_at: datetime


class ProductWritten(ProductPublic):
    version: int
    position: int | None


class MatchReason(BaseModel):
    code: str
    en: str
    zh: str
    contribution: float = Field(description="its share of the score")


class ProductMatch(ProductPublic):
    score: float = Field(ge=0, le=1, description="the sum of the reasons' contributions")
    reasons: list[MatchReason]

"""Postings and bids."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    Field,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from api.schemas.common import (
    CategoryIn,
    CurrencyIn,
    DecimalOut,
    MoneyIn,
    Party,
    PositiveMoneyIn,
    QuantityIn,
    RegionIn,
    Strict,
    TimeIn,
    refusal,
)
from api.schemas.documents import DocumentIds, DocumentRef

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
Description = Annotated[str, StringConstraints(max_length=5000)]


class PostingCreate(Strict):
    side: Literal["supply", "demand"]
    title: Title
    description: Description = ""
    category: CategoryIn
    quantity: QuantityIn
    unit: Unit
    price_min: MoneyIn | None = None
    price_max: MoneyIn | None = None
    currency: CurrencyIn = "CNY"
    region: RegionIn
    expires_at: TimeIn
    documents: DocumentIds = Field(default_factory=list)


class PostingUpdate(Strict):
    title: Title | None = None
    description: Description | None = None
    quantity: QuantityIn | None = None
    unit: Unit | None = None
    price_min: MoneyIn | None = None
    price_max: MoneyIn | None = None
    expires_at: TimeIn | None = None
    documents: DocumentIds | None = Field(
        default=None, description="the documents attached from now on (exactly these)"
    )

    @field_validator("title", "description", "quantity", "unit", "expires_at", "documents")
    @classmethod
    def not_null(cls, value: object, info: ValidationInfo) -> object:
        """Runs only for fields that were sent, so the 422 names the field set to null."""
        if value is None:
            raise refusal("null", "must not be null", "不能为 null")
        return value

    @model_validator(mode="after")
    def something_changes(self) -> PostingUpdate:
        if not self.model_fields_set:
            raise refusal(
                "nothing_to_change",
                "name at least one field to change",
                "请至少填写一个要修改的字段",
            )
        return self


class PostingPublic(BaseModel):
    id: str
    side: str
    title: str
    description: str
    category: str
    quantity: DecimalOut
    unit: str
    price_min: DecimalOut | None
    price_max: DecimalOut | None
    currency: str
    region: str
    expires_at: datetime
    status: str
    removal_reason: str | None = None  # shown to the owner, its bidders and staff
    owner: Party
    bid_count: int
    published_at: datetime
    version: int
    contract_id: str | None = Field(
        default=None, description="its sale contract, shown only to the contract's parties"
    )
    documents: list[DocumentRef] = Field(default_factory=list)


class PostingWritten(PostingPublic):
    position: int | None


class BidCreate(Strict):
    unit_price: PositiveMoneyIn
    quantity: QuantityIn
    delivery_days: Annotated[StrictInt, Field(ge=0, le=3650)] | None = None
    message: Annotated[str, StringConstraints(max_length=2000)] | None = None


class BidReject(Strict):
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class BidAccept(Strict):
    exhibition_id: UUID | None = Field(default=None, description="the deal was made there")


class BidPublic(BaseModel):
    id: str
    posting_id: str
    bidder: Party
    unit_price: DecimalOut
    quantity: DecimalOut
    delivery_days: int | None
    message: str | None
    status: str
    reason: str | None
    placed_at: datetime


class BidWritten(BidPublic):
    version: int
    position: int | None


class Accepted(BaseModel):
    contract_id: str
    posting_id: str
    status: str
    version: int
    position: int | None

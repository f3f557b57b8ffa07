"""The service hall: service products (服务产品)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from api.schemas.common import DecimalOut, MoneyIn, Party, RegionPrefixIn, Strict, refusal

ServiceCategoryName = Literal[
    "government_affairs",
    "financing",
    "legal",
    "management",
    "technology",
    "human_resources",
    "training_startup",
    "testing_inspection",
    "informatization",
    "certification",
    "market_expansion",
    "business",
]
Pricing = Literal["free", "discounted", "market"]
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
Description = Annotated[str, StringConstraints(max_length=5000)]
Regions = Annotated[
    list[RegionPrefixIn],
    Field(min_length=1, max_length=100, description="region codes or prefixes (33 = Zhejiang)"),
]
ResponseHours = Annotated[int, Field(ge=1, le=720, description="first response promised, hours")]


class ServiceProductCreate(Strict):
    name: ProductName
    category: ServiceCategoryName
    description: Description = ""
    pricing: Pricing
    price: MoneyIn | None = Field(default=None, description="required unless free")
    unit: Unit = "次"
    regions: Regions
    response_hours: ResponseHours


class ServiceProductUpdate(Strict):
    name: ProductName | None = None
    category: ServiceCategoryName | None = None
    description: Description | None = None
    pricing: Pricing | None = None
    price: MoneyIn | None = None  # null: no price (for a product made free)
    unit: Unit | None = None
    regions: Regions | None = None
    response_hours: ResponseHours | None = None

    @field_validator(
        "name", "category", "description", "pricing", "unit", "regions", "response_hours"
    )
    @classmethod
    def not_null(cls, value: object, info: ValidationInfo) -> object:
        """Runs only for fields that were sent, so the 422 names the field set to null."""
        if value is None:
            raise refusal("null", "must not be null", "不能为 null")
        return value


class Satisfaction(BaseModel):
    count: int
    mean: DecimalOut | None


class ServiceProductPublic(BaseModel):
    id: str
    provider: Party
    name: str
    category: str
    description: str
    pricing: str
    price: DecimalOut | None
    unit: str
    regions: list[str]
    response_hours: int
    status: str
    removal_reason: str | None = None  # why an operator removed it (its provider and staff)
    published_at: datetime
    version: int
    # From the requests that ordered this product (`product_id`): those resolved or closed, and
    # the satisfaction of those rated (its latest rating each; the mean to two places).
    completed_requests: int = 0
    satisfaction: Satisfaction = Satisfaction(count=0, mean=None)


class ServiceProductWritten(ServiceProductPublic):
    position: int | None

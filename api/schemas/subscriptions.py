"""Saved listing searches (订阅): the filters of `GET /postings`, at least one."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import CategoryIn, DecimalOut, MoneyIn, RegionPrefixIn, Strict


class SubscriptionCreate(Strict):
    side: Literal["supply", "demand"] | None = None
    category: CategoryIn | None = None
    region: RegionPrefixIn | None = Field(default=None, description="prefix: 33 = Zhejiang")
    q: Annotated[str | None, Field(max_length=200, description="full text, zh or en")] = None
    price_max: MoneyIn | None = None


class SubscriptionPublic(BaseModel):
    id: str
    side: str | None
    category: str | None
    region: str | None
    q: str | None
    price_max: DecimalOut | None


class SubscriptionWritten(SubscriptionPublic):
    version: int = Field(description="of the organization's saved searches")
    position: int | None

"""Webhooks: where an organization's notifications are posted, signed, and how that went."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Strict

Kind = Annotated[str, Field(min_length=1, max_length=50)]


class WebhookCreate(Strict):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="https; plain http only to hosts allowed by MARKET_WEBHOOK_ALLOW_HOSTS",
    )
    kinds: list[Kind] = Field(
        min_length=1, max_length=50, description='notification kinds, or ["*"] for all'
    )


class WebhookPublic(BaseModel):
    id: str
    url: str
    kinds: list[str]
    created_at: datetime


class WebhookCreated(BaseModel):
    id: str
    url: str
    kinds: list[str]
    secret: str | None = Field(
        default=None,
        description="to verify Market-Signature: shown once (a replayed answer omits it)",
    )


class DeliveryPublic(BaseModel):
    id: str = Field(description="Market-Delivery: the same on every retry")
    notification_id: str
    attempts: int
    status_code: int | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None = Field(description="null once delivered or given up")
    error: str | None

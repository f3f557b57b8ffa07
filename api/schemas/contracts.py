"""Contracts and their online signing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from api.schemas.common import DecimalOut, ReauthPassword, Strict

Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ContractSign(Strict):
    digest: Digest
    password: ReauthPassword | None = None


class ContractCancel(Strict):
    reason: Reason


class ContractParty(BaseModel):
    organization_id: str
    role: str
    signed_at: datetime | None


class ContractPublic(BaseModel):
    id: str
    kind: str
    status: str
    parties: list[ContractParty]
    terms: dict[str, Any]
    amount: DecimalOut
    currency: str
    digest: str
    source: dict[str, str]
    exhibition_id: str | None
    drafted_at: datetime
    version: int


class ContractWritten(ContractPublic):
    position: int | None

"""Organizations and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, ValidationInfo, field_validator

from api.schemas.common import CategoryIn, CreditCodeIn, RegionIn, Strict, Written


class Contact(Strict):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=5, max_length=20, pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")
    email: EmailStr | None = None


class OrganizationCreate(Strict):
    kind: Literal["enterprise", "bank"]
    name: str = Field(min_length=1, max_length=100)
    credit_code: CreditCodeIn
    region: RegionIn
    # validate_default: a missing industry is checked too, and the 422 names `industry`.
    industry: CategoryIn | None = Field(default=None, validate_default=True)
    contact: Contact | None = None
    password: str = Field(min_length=10, max_length=256)

    @field_validator("industry")
    @classmethod
    def enterprises_name_their_industry(
        cls, industry: str | None, info: ValidationInfo
    ) -> str | None:
        if info.data.get("kind") == "enterprise" and industry is None:
            raise ValueError("industry is required for enterprises")
        return industry


class OrganizationPublic(BaseModel):
    id: str
    kind: str
    name: str
    credit_code: str
    region: str
    industry: str | None
    verified: bool
    registered_at: datetime


class OrganizationProfile(OrganizationPublic):
    contact: dict[str, str | None] | None
    version: int


class OrganizationCreated(Written):
    id: str
    kind: str
    name: str
    credit_code: str
    region: str
    verified: bool


class Verified(Written):
    verified: bool


class SessionCreate(Strict):
    credit_code: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=256)


class SessionOrganization(BaseModel):
    id: str
    kind: str
    name: str
    verified: bool


class SessionPublic(BaseModel):
    token: str
    expires_at: datetime
    organization: SessionOrganization

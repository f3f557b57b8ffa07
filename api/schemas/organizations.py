"""Organizations and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, ValidationInfo, field_validator

from aggregates.errors import InvalidValueError
from aggregates.service_categories import parse_service_categories
from api.schemas.common import CategoryIn, CreditCodeIn, RegionIn, Strict, Written, refusal
from api.schemas.documents import DocumentRef
from marketplace.stores.security import LOGIN_PREFIX


class Contact(Strict):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=5, max_length=20, pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")
    email: EmailStr | None = None


class OrganizationCreate(Strict):
    kind: Literal["enterprise", "bank", "provider"]
    name: str = Field(min_length=1, max_length=100)
    credit_code: CreditCodeIn
    region: RegionIn
    # validate_default: a missing industry is checked too, and the 422 names `industry`.
    industry: CategoryIn | None = Field(default=None, validate_default=True)
    contact: Contact | None = None
    password: str = Field(min_length=10, max_length=256)
    # Providers (服务机构) only: 1–12 distinct codes of the service catalogue.
    service_categories: list[str] | None = Field(default=None, validate_default=True)

    @field_validator("service_categories")
    @classmethod
    def providers_name_their_categories(
        cls, categories: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        provider = info.data.get("kind") == "provider"
        if categories is None:
            if provider:
                raise refusal("missing", "is required for providers", "服务机构须选择服务类别")
            return None
        if not provider:
            raise refusal(
                "invalid_value",
                "only service providers have service categories",
                "只有服务机构可以填写服务类别",
            )
        try:
            return list(parse_service_categories(categories, "service_categories"))
        except InvalidValueError as error:
            raise refusal(error.code, error.en, error.zh) from None

    @field_validator("industry")
    @classmethod
    def enterprises_name_their_industry(
        cls, industry: str | None, info: ValidationInfo
    ) -> str | None:
        if info.data.get("kind") == "enterprise" and industry is None:
            raise refusal("missing", "is required for enterprises", "企业须填写所属行业")
        return industry


class OrganizationUpdate(Strict):
    """An admin's edit of its organization: the fields given change (none given: 409)."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    region: RegionIn | None = None
    industry: CategoryIn | None = None
    contact: Contact | None = None
    service_categories: list[str] | None = None

    @field_validator("name", "region", "industry", "contact", "service_categories")
    @classmethod
    def given_means_a_value(cls, value: object) -> object:
        if value is None:  # only a field sent as null reaches this
            raise refusal("missing", "must not be null: leave it out to keep it", "不能为空")
        return value

    @field_validator("service_categories")
    @classmethod
    def known_categories(cls, categories: list[str]) -> list[str]:
        try:
            return list(parse_service_categories(categories, "service_categories"))
        except InvalidValueError as error:
            raise refusal(error.code, error.en, error.zh) from None


class OrganizationPublic(BaseModel):
    id: str
    kind: str
    name: str
    credit_code: str
    region: str
    industry: str | None
    verified: bool
    registered_at: datetime
    service_categories: list[str]  # a provider's (服务机构); empty for other kinds


class OrganizationProfile(OrganizationPublic):
    """The organization's own view, and what operators and auditors see of it."""

    contact: dict[str, str | None] | None  # null once erased (or never given)
    contact_erased: bool
    rejection_reason: str | None  # why the last verification was turned down
    suspended: bool
    suspension_reason: str | None
    version: int
    documents: list[DocumentRef] = Field(
        default_factory=list, description="its own documents (a business licence …)"
    )


class ProfileWritten(OrganizationProfile, Written):
    """The profile as the edit left it."""


class OrganizationListed(OrganizationPublic):
    """A row of the staff list."""

    rejection_reason: str | None
    contact_erased: bool
    suspended: bool
    suspension_reason: str | None
    documents: list[DocumentRef] = Field(default_factory=list)


class OrganizationCreated(Written):
    id: str
    kind: str
    name: str
    credit_code: str
    region: str
    verified: bool
    service_categories: list[str]


class VerificationDecision(Strict):
    """No body, or `approve: true`, verifies; `approve: false` needs a reason."""

    approve: bool = Field(default=True, strict=True)  # a JSON boolean, not "no"
    reason: str | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("reason")
    @classmethod
    def reason_is_not_blank(cls, reason: str | None) -> str | None:
        if reason is not None and not reason.strip():
            raise refusal("invalid_value", "must not be blank", "不能为空白")
        return reason


class Verified(Written):
    verified: bool
    rejection_reason: str | None = None


class Suspension(Written):
    id: str
    suspended: bool
    suspension_reason: str | None


class ContactErased(Written):
    contact: None = None
    contact_erased: bool


class SessionCreate(Strict):
    """The first admin signs in with the credit code, other members with their login."""

    login: str | None = Field(default=None, min_length=1, max_length=64)
    credit_code: str | None = Field(
        default=None, min_length=1, max_length=32, validate_default=True
    )
    password: str = Field(min_length=1, max_length=256)

    @field_validator("credit_code")
    @classmethod
    def one_way_to_sign_in(cls, credit_code: str | None, info: ValidationInfo) -> str | None:
        with_login = info.data.get("login") is not None
        if credit_code is None and not with_login:
            raise refusal("missing", "give credit_code or login", "请填写信用代码或登录名")
        if credit_code is not None and with_login:
            raise refusal(
                "invalid_value", "give credit_code or login, not both", "信用代码和登录名只填其一"
            )
        return credit_code

    @property
    def attempt_key(self) -> str:
        """What failed attempts are counted under (a credit code never holds a colon)."""
        if self.login is not None:
            return LOGIN_PREFIX + self.login.strip()
        assert self.credit_code is not None
        return self.credit_code.strip().upper()


class PasswordChange(Strict):
    """The caller's own password: the old one again, and a new one by the registration rule."""

    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=10, max_length=256)


class SessionOrganization(BaseModel):
    id: str
    kind: str
    name: str
    verified: bool
    suspended: bool


class SessionMember(BaseModel):
    id: str
    name: str
    role: str


class SessionPublic(BaseModel):
    token: str
    expires_at: datetime
    organization: SessionOrganization
    member: SessionMember

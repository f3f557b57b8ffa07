"""Organizations: enterprises, banks, service providers, operators and auditors."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError
from aggregates.service_categories import parse_service_categories

ORGANIZATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:sme-marketplace:organization")
MAX_REASON_LENGTH = 500


class OrganizationKind(StrEnum):
    ENTERPRISE = "enterprise"
    BANK = "bank"
    PROVIDER = "provider"  # 服务机构: a professional service organization
    OPERATOR = "operator"
    AUDITOR = "auditor"


class NotVerifiedError(ForbiddenError):
    """The organization may read, but acts only once an operator has verified it (403)."""

    code = "not_verified"


def organization_id(credit_code: str) -> UUID:
    """Organizations are keyed by credit code, so registering one twice is a version conflict."""
    return uuid5(ORGANIZATION_NAMESPACE, credit_code)


# Kinds that an operator checks before they may act, whatever the settings say.
CHECKED_KINDS = frozenset({OrganizationKind.BANK, OrganizationKind.PROVIDER})


def starts_verified(kind: str, verified: bool | None) -> bool:
    """As registered; when not said, every kind but banks and providers (checked first)."""
    return verified if verified is not None else kind not in CHECKED_KINDS


class Organization(Aggregate):
    """A registered organization. Contact data is stored sealed (encrypted per organization)."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Registered(Aggregate.Created):
        class_version = 3
        kind: str
        name: str
        credit_code: str
        region: str
        industry: str | None
        sealed_contact: str | None
        verified: bool | None  # None: the default of its kind (only banks start unverified)
        service_categories: list[str]  # a provider's; empty for other kinds

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before enterprise verification could be required, only banks started unverified."""
            state["verified"] = state["kind"] != OrganizationKind.BANK

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Before providers existed, no organization had service categories."""
            state["service_categories"] = []

        @property
        def starts_verified(self) -> bool:
            return starts_verified(self.kind, self.verified)

    class Verified(Aggregate.Event):
        pass

    class VerificationRejected(Aggregate.Event):
        reason: str

    class ContactErased(Aggregate.Event):
        """The contact data's key was deleted; the event itself holds no personal data."""

    @staticmethod
    def create_id(credit_code: str) -> UUID:
        return organization_id(credit_code)

    @event(Registered)
    def __init__(
        self,
        kind: str,
        name: str,
        credit_code: str,
        region: str,
        industry: str | None,
        sealed_contact: str | None,
        verified: bool | None = None,
        service_categories: Sequence[str] = (),
    ) -> None:
        if kind not in set(OrganizationKind):
            raise InvalidValueError(
                f"unknown organization kind {kind!r}", f"未知的机构类型 {kind!r}", field="kind"
            )
        self.service_categories = check_service_categories(kind, service_categories)
        self.kind = kind
        self.name = name
        self.credit_code = credit_code
        self.region = region
        self.industry = industry
        self.sealed_contact = sealed_contact
        self.verified = starts_verified(kind, verified)
        self.rejection_reason: str | None = None
        self.contact_erased = False

    def offers(self, category: str) -> bool:
        """Whether this is a provider that serves the category."""
        return self.kind == OrganizationKind.PROVIDER and category in self.service_categories

    def verify(self) -> None:
        """An operator confirms the organization's identity."""
        self._refuse_if_verified()
        self._verified()

    @event(Verified)
    def _verified(self) -> None:
        self.verified = True
        self.rejection_reason = None

    def reject_verification(self, reason: str | None) -> None:
        """An operator turns the verification down, saying why; it stays unverified."""
        text = (reason or "").strip()
        if not 1 <= len(text) <= MAX_REASON_LENGTH:
            raise InvalidValueError(
                "a rejection needs a reason of 1 to 500 characters",
                "驳回认证须说明理由（1 至 500 个字符）",
                field="reason",
            )
        self._refuse_if_verified()
        self._verification_rejected(text)

    @event(VerificationRejected)
    def _verification_rejected(self, reason: str) -> None:
        self.rejection_reason = reason

    def _refuse_if_verified(self) -> None:
        if self.verified:
            raise ConflictError("organization is already verified", "该机构已通过认证")

    def erase_contact(self) -> None:
        """Record that the contact data was forgotten (its key is deleted with this event)."""
        if self.contact_erased:
            raise ConflictError("contact data is already erased", "联系人信息已删除")
        self._contact_erased()

    @event(ContactErased)
    def _contact_erased(self) -> None:
        self.contact_erased = True
        self.sealed_contact = None

    def require_verified(self) -> None:
        """Unverified organizations may read but not act (403 `not_verified`)."""
        if not self.verified:
            raise NotVerifiedError(
                "this organization has not been verified by an operator yet; it may read"
                " but not post, bid, ask for financing or sign up",
                "该机构尚未通过平台认证：可以浏览，但不能发布、报价、申请融资或报名",
            )


def check_service_categories(kind: str, categories: Sequence[str]) -> tuple[str, ...]:
    """Providers name 1 to 12 distinct service categories; other kinds name none."""
    if kind == OrganizationKind.PROVIDER:
        return parse_service_categories(categories, "service_categories")
    if categories:
        raise InvalidValueError(
            "only service providers have service categories",
            "只有服务机构可以填写服务类别",
            field="service_categories",
        )
    return ()

"""Organizations: enterprises, banks, operators and auditors."""

from __future__ import annotations

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, InvalidValueError

ORGANIZATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:sme-marketplace:organization")


class OrganizationKind(StrEnum):
    ENTERPRISE = "enterprise"
    BANK = "bank"
    OPERATOR = "operator"
    AUDITOR = "auditor"


def organization_id(credit_code: str) -> UUID:
    """Organizations are keyed by credit code, so registering one twice is a version conflict."""
    return uuid5(ORGANIZATION_NAMESPACE, credit_code)


class Organization(Aggregate):
    """A registered organization. Contact data is stored sealed (encrypted per organization)."""

    class Registered(Aggregate.Created):
        kind: str
        name: str
        credit_code: str
        region: str
        industry: str | None
        sealed_contact: str | None

    class Verified(Aggregate.Event):
        pass

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
    ) -> None:
        if kind not in set(OrganizationKind):
            raise InvalidValueError(
                f"unknown organization kind {kind!r}", f"未知的机构类型 {kind!r}", field="kind"
            )
        self.kind = kind
        self.name = name
        self.credit_code = credit_code
        self.region = region
        self.industry = industry
        self.sealed_contact = sealed_contact
        # Banks answer financing needs only once an operator has checked them.
        self.verified = kind != OrganizationKind.BANK

    def verify(self) -> None:
        """Mark a bank as verified by an operator."""
        if self.verified:
            raise ConflictError("organization is already verified", "该机构已通过认证")
        self._verified()

    @event(Verified)
    def _verified(self) -> None:
        self.verified = True

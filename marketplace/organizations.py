"""Use cases of organizations: registration, verification decisions, suspensions, contact
erasure."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from aggregates.errors import ConflictError
from aggregates.organization import (
    CHECKED_KINDS,
    Organization,
    OrganizationKind,
    organization_id,
)
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.stores.personal_data import ContactVault
from marketplace.stores.recorder import SideEffect
from marketplace.stores.security import SecurityStore

ORGANIZATION = ("organization", "机构")
EnterpriseVerification = Literal["open", "required"]


class VerificationGate(MarketplaceBase):
    """The check that the use cases of enterprises share (postings, bids, financing, signups)."""

    # `open`: enterprises start verified; `required`: an operator verifies them first.
    enterprise_verification: EnterpriseVerification = "open"

    def require_verified_enterprise(self, org_id: UUID) -> None:
        """With `required` enterprise verification, only verified enterprises act (403)."""
        if self.enterprise_verification == "required":
            self.load(Organization, org_id, ORGANIZATION).require_verified()


class OrganizationUseCases(VerificationGate):
    def register_organization(
        self,
        *,
        kind: str,
        name: str,
        credit_code: str,
        region: str,
        industry: str | None,
        contact: dict[str, Any] | None,
        password: str,
        service_categories: list[str] | None = None,
    ) -> Outcome[Organization]:
        """Register an organization; its password and contact key are stored with the event.
        Providers name the service categories they offer."""
        org_id = organization_id(credit_code)
        side_effects = [SecurityStore.store_credentials(org_id, credit_code, password)]
        sealed_contact = None
        if contact:
            sealed_contact, store_key = ContactVault.seal(org_id, contact)
            side_effects.append(store_key)
        organization = Organization(
            kind=kind,
            name=name,
            credit_code=credit_code,
            region=region,
            industry=industry,
            sealed_contact=sealed_contact,
            verified=not self.starts_unverified(kind),
            service_categories=list(service_categories or ()),
        )
        try:
            position = self.record(organization, side_effects=side_effects)
        except IntegrityError:
            raise ConflictError(
                "this credit code is already registered", "该统一社会信用代码已注册"
            ) from None
        return Outcome(organization, organization.version, position)

    def starts_unverified(self, kind: str) -> bool:
        """Banks and providers always wait for an operator; enterprises only when the setting
        says so."""
        if kind == OrganizationKind.ENTERPRISE:
            return self.enterprise_verification == "required"
        return kind in CHECKED_KINDS

    def get_organization(self, org_id: UUID) -> Organization:
        return self.load(Organization, org_id, ORGANIZATION)

    def verify_organization(self, org_id: UUID) -> Outcome[Organization]:
        """An operator confirms an organization's identity (clears an earlier rejection)."""
        return self.change(Organization, org_id, ORGANIZATION, lambda org: org.verify())

    def reject_verification(self, org_id: UUID, reason: str | None) -> Outcome[Organization]:
        """An operator turns a verification down; the organization sees the reason."""
        return self.change(
            Organization, org_id, ORGANIZATION, lambda org: org.reject_verification(reason)
        )

    def suspend_organization(self, org_id: UUID, reason: str | None) -> Outcome[Organization]:
        """An operator suspends an organization: it reads but cannot write (403 `suspended`)."""
        return self.change(Organization, org_id, ORGANIZATION, lambda org: org.suspend(reason))

    def reinstate_organization(self, org_id: UUID, reason: str | None) -> Outcome[Organization]:
        """An operator lifts a suspension."""
        return self.change(Organization, org_id, ORGANIZATION, lambda org: org.reinstate(reason))

    def erase_contact(self, org_id: UUID) -> Outcome[Organization]:
        """Forget the contact data: delete its key in the transaction of `ContactErased`.

        Erasing again writes nothing and answers the same (position None)."""
        for _ in range(self.command_retries):
            organization = self.get_organization(org_id)
            if organization.contact_erased:
                return Outcome(organization, organization.version, None)
            organization.erase_contact()
            forget: SideEffect = ContactVault.forget_statement(org_id)
            try:
                position = self.record(organization, side_effects=[forget])
            except IntegrityError:
                continue  # someone else changed it meanwhile: look again
            return Outcome(organization, organization.version, position)
        raise ConflictError("too many concurrent changes, please try again", "并发修改过多，请重试")

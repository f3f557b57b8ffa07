"""Use cases of organizations: registration and bank verification."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from aggregates.errors import ConflictError
from aggregates.organization import Organization, organization_id
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.personal_data import ContactVault
from marketplace.security import SecurityStore

ORGANIZATION = ("organization", "机构")


class OrganizationUseCases(MarketplaceBase):
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
    ) -> Outcome:
        """Register an organization; its password and contact key are stored with the event."""
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
        )
        try:
            position = self.record(organization, side_effects=side_effects)
        except IntegrityError:
            raise ConflictError(
                "this credit code is already registered", "该统一社会信用代码已注册"
            ) from None
        return Outcome(organization, organization.version, position)

    def get_organization(self, org_id: UUID) -> Organization:
        return self.load(Organization, org_id, ORGANIZATION)

    def verify_organization(self, org_id: UUID) -> Outcome:
        """An operator confirms a bank's identity."""
        return self.change(Organization, org_id, ORGANIZATION, lambda org: org.verify())

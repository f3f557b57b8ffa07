"""Organizations: registration, profiles, bank verification."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from aggregates.organization import Organization
from api.deps import FreshRead, Operator, ServicesDep, SignedIn
from api.schemas.organizations import (
    OrganizationCreate,
    OrganizationCreated,
    OrganizationProfile,
    OrganizationPublic,
    Verified,
)

router = APIRouter(prefix="/organizations", tags=["organizations"])


def _public(org: Organization) -> OrganizationPublic:
    return OrganizationPublic(
        id=str(org.id),
        kind=org.kind,
        name=org.name,
        credit_code=org.credit_code,
        region=org.region,
        industry=org.industry,
        verified=org.verified,
        registered_at=org.created_on,
    )


@router.post("", status_code=201)
def create_organization(body: OrganizationCreate, services: ServicesDep) -> OrganizationCreated:
    """Register an enterprise or a bank (banks start unverified)."""
    outcome = services.app.register_organization(
        kind=body.kind,
        name=body.name,
        credit_code=body.credit_code,
        region=body.region,
        industry=body.industry,
        contact=body.contact.model_dump(mode="json") if body.contact else None,
        password=body.password,
    )
    services.note_position(outcome.position)
    org: Organization = outcome.aggregate
    return OrganizationCreated(
        id=str(org.id),
        kind=org.kind,
        name=org.name,
        credit_code=org.credit_code,
        region=org.region,
        verified=org.verified,
        version=outcome.version,
        position=outcome.position,
    )


@router.get("/me", dependencies=[FreshRead])
def read_own_organization(principal: SignedIn, services: ServicesDep) -> OrganizationProfile:
    """The signed-in organization's full profile, contact data included."""
    org = services.app.get_organization(principal.id)
    contact = services.vault.open(org.id, org.sealed_contact)
    return OrganizationProfile(**_public(org).model_dump(), contact=contact, version=org.version)


@router.get("/{organization_id}", dependencies=[FreshRead])
def read_organization(organization_id: UUID, services: ServicesDep) -> OrganizationPublic:
    """An organization's public profile (no contact data)."""
    return _public(services.app.get_organization(organization_id))


@router.post("/{organization_id}/verify")
def verify_organization(
    organization_id: UUID, operator: Operator, services: ServicesDep
) -> Verified:
    """Operators verify a bank so that it may make offers."""
    outcome = services.app.verify_organization(organization_id)
    services.note_position(outcome.position)
    return Verified(verified=True, version=outcome.version, position=outcome.position)

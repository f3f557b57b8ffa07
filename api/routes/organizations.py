"""Organizations: registration, profiles, bank verification."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.organization import Organization
from api.deps import FreshRead, Operator, ServicesDep, SignedIn, StaffOnly
from api.schemas.common import ListOf
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


def _public_row(row: dict[str, Any]) -> OrganizationPublic:
    return OrganizationPublic(
        id=str(row["id"]),
        kind=row["kind"],
        name=row["name"],
        credit_code=row["credit_code"],
        region=row["region"],
        industry=row["industry"],
        verified=row["verified"],
        registered_at=row["registered_at"],
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


# StaffOnly before FreshRead: a refused caller is answered without waiting for the views.
@router.get("", dependencies=[StaffOnly, FreshRead])
def read_organizations(
    services: ServicesDep,
    kind: Literal["enterprise", "bank", "operator", "auditor"] | None = None,
    verified: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ListOf[OrganizationPublic]:
    """Profiles for operators and auditors, newest first (e.g. banks awaiting verification)."""
    page = services.views.organizations.list_organizations(
        kind=kind, verified=verified, limit=limit, cursor=cursor
    )
    return ListOf[OrganizationPublic](
        items=[_public_row(row) for row in page.items], next_cursor=page.next_cursor
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

"""Organizations: registration, profiles, verification decisions, contact erasure."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Query

from aggregates.errors import ForbiddenError
from aggregates.organization import Organization
from api.deps import MaybeSignedIn, Operator, ServicesDep, SignedIn, StaffOnly, fresh
from api.schemas.common import ListOf
from api.schemas.organizations import (
    ContactErased,
    OrganizationCreate,
    OrganizationCreated,
    OrganizationListed,
    OrganizationProfile,
    OrganizationPublic,
    VerificationDecision,
    Verified,
)
from marketplace.bootstrap import Services
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/organizations", tags=["organizations"])
STAFF = frozenset({"operator", "auditor"})


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


def _listed_row(row: dict[str, Any]) -> OrganizationListed:
    return OrganizationListed(
        id=str(row["id"]),
        kind=row["kind"],
        name=row["name"],
        credit_code=row["credit_code"],
        region=row["region"],
        industry=row["industry"],
        verified=row["verified"],
        registered_at=row["registered_at"],
        rejection_reason=row["rejection_reason"],
        contact_erased=row["contact_erased"],
    )


def _profile(org: Organization, services: Services) -> OrganizationProfile:
    """The full profile: contact data (null once erased) and the last rejection's reason."""
    contact = None if org.contact_erased else services.vault.open(org.id, org.sealed_contact)
    return OrganizationProfile(
        **_public(org).model_dump(),
        contact=contact,
        contact_erased=org.contact_erased,
        rejection_reason=org.rejection_reason,
        version=org.version,
    )


@router.post("", status_code=201)
def create_organization(body: OrganizationCreate, services: ServicesDep) -> OrganizationCreated:
    """Register an enterprise or a bank (banks, and enterprises when verification is
    required, start unverified)."""
    outcome = services.app.register_organization(
        kind=body.kind,
        name=body.name,
        credit_code=body.credit_code,
        region=body.region,
        industry=body.industry,
        contact=body.contact.model_dump(mode="json") if body.contact else None,
        password=body.password,
    )
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


# StaffOnly before `fresh`: a refused caller is answered without waiting for the views.
@router.get("", dependencies=[StaffOnly, fresh(OrganizationsView)])
def read_organizations(
    services: ServicesDep,
    kind: Literal["enterprise", "bank", "operator", "auditor"] | None = None,
    verified: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ListOf[OrganizationListed]:
    """Profiles for operators and auditors, newest first (e.g. organizations awaiting
    verification: `verified=false`)."""
    page = services.views.organizations.list_organizations(
        kind=kind, verified=verified, limit=limit, cursor=cursor
    )
    return ListOf[OrganizationListed](
        items=[_listed_row(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get("/me", dependencies=[fresh()])  # the aggregate itself: nothing to wait for
def read_own_organization(principal: SignedIn, services: ServicesDep) -> OrganizationProfile:
    """The signed-in organization's full profile: contact data (null once erased) and the
    reason of a rejected verification."""
    return _profile(services.app.get_organization(principal.id), services)


@router.get(
    "/{organization_id}",
    dependencies=[fresh()],
    response_model=OrganizationProfile | OrganizationPublic,
)
def read_organization(
    organization_id: UUID, caller: MaybeSignedIn, services: ServicesDep
) -> OrganizationProfile | OrganizationPublic:
    """An organization's public profile; operators and auditors get the full profile
    (contact data, null once erased, and the reason of a rejected verification)."""
    org = services.app.get_organization(organization_id)
    if caller is not None and caller.kind in STAFF:
        return _profile(org, services)
    return _public(org)


@router.post("/{organization_id}/verify")
def verify_organization(
    organization_id: UUID,
    operator: Operator,
    services: ServicesDep,
    body: Annotated[VerificationDecision | None, Body()] = None,
) -> Verified:
    """Operators verify an organization (no body, or `approve: true`) or turn it down with
    `{"approve": false, "reason"}`; it then stays unverified and sees the reason."""
    if body is None or body.approve:
        outcome = services.app.verify_organization(organization_id)
    else:
        outcome = services.app.reject_verification(organization_id, body.reason)
    org: Organization = outcome.aggregate
    return Verified(
        verified=org.verified,
        rejection_reason=org.rejection_reason,
        version=outcome.version,
        position=outcome.position,
    )


@router.post("/{organization_id}/erase-contact")
def erase_contact(organization_id: UUID, caller: SignedIn, services: ServicesDep) -> ContactErased:
    """Forget the contact data for good by deleting its key (the organization itself or an
    operator). Erasing again answers the same and writes nothing (`position` null)."""
    if caller.id != organization_id and caller.kind != "operator":
        raise ForbiddenError(
            "only the organization itself or an operator may erase its contact data",
            "只有该机构本身或平台运营方可以删除其联系人信息",
        )
    outcome = services.app.erase_contact(organization_id)
    return ContactErased(contact_erased=True, version=outcome.version, position=outcome.position)

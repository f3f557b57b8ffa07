"""Organizations: registration, profiles and their edits, verification decisions,
suspensions, contact erasure."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Query

from aggregates.errors import ForbiddenError
from api.deps import (
    DocumentQueriesDep,
    MarketplaceDep,
    MaybeSignedIn,
    Operator,
    OrganizationQueriesDep,
    SignedIn,
    StaffOnly,
    fresh,
)
from api.schemas.common import ListOf, Moderation
from api.schemas.documents import AttachedWritten, DocumentAttach
from api.schemas.mapping import answer, written
from api.schemas.organizations import (
    ContactErased,
    OrganizationCreate,
    OrganizationCreated,
    OrganizationListed,
    OrganizationProfile,
    OrganizationPublic,
    OrganizationUpdate,
    ProfileWritten,
    Suspension,
    VerificationDecision,
    Verified,
)
from marketplace.queries.organizations import Profile
from marketplace.queries.viewer import ANONYMOUS
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/organizations", tags=["organizations"])


def _public(profile: Profile) -> OrganizationProfile | OrganizationPublic:
    """The full profile when the reader may see it, else the public one."""
    if profile.full:
        return _full(profile)
    return answer(OrganizationPublic, profile.organization, registered_at=profile.registered_at)


def _full(profile: Profile) -> OrganizationProfile:
    """With contact data (null once erased) and the last rejection's reason."""
    return answer(
        OrganizationProfile,
        profile.organization,
        registered_at=profile.registered_at,
        contact=profile.contact,
    )


@router.post("", status_code=201)
def create_organization(body: OrganizationCreate, app: MarketplaceDep) -> OrganizationCreated:
    """Register an enterprise, a bank or a service provider with its service categories
    (banks, providers, and enterprises when verification is required, start unverified)."""
    outcome = app.register_organization(
        kind=body.kind,
        name=body.name,
        credit_code=body.credit_code,
        region=body.region,
        industry=body.industry,
        contact=body.contact.model_dump(mode="json") if body.contact else None,
        password=body.password,
        service_categories=body.service_categories,
    )
    return written(OrganizationCreated, outcome)


# StaffOnly before `fresh`: a refused caller is answered without waiting for the views.
@router.get("", dependencies=[StaffOnly, fresh(OrganizationsView)])
def read_organizations(
    organizations: OrganizationQueriesDep,
    documents: DocumentQueriesDep,
    kind: Literal["enterprise", "bank", "provider", "operator", "auditor"] | None = None,
    verified: bool | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="words of the name, or a credit code")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ListOf[OrganizationListed]:
    """Profiles for operators and auditors, newest first (e.g. organizations awaiting
    verification: `verified=false`; an organization by name or credit code: `q`)."""
    page = organizations.list_organizations(
        kind=kind, verified=verified, q=q, limit=limit, cursor=cursor
    )
    rows = documents.with_documents(page.items)
    return ListOf[OrganizationListed](
        items=[answer(OrganizationListed, row) for row in rows], next_cursor=page.next_cursor
    )


@router.get("/me", dependencies=[fresh()])  # the aggregate itself: nothing to wait for
def read_own_organization(
    principal: SignedIn, organizations: OrganizationQueriesDep
) -> OrganizationProfile:
    """The signed-in organization's full profile: contact data (null once erased) and the
    reason of a rejected verification."""
    return _full(organizations.own_profile(principal))


@router.post("/me/documents")
def attach_own_document(
    body: DocumentAttach, principal: SignedIn, app: MarketplaceDep
) -> AttachedWritten:
    """File one of the organization's uploads with it (e.g. a business licence for
    verification); it and staff see it on its profile."""
    outcome = app.attach_organization_document(principal.id, body.document_id)
    return written(AttachedWritten, outcome)


@router.patch("/me")
def change_own_organization(
    body: OrganizationUpdate,
    caller: SignedIn,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> ProfileWritten:
    """Admins change the name, contact, region, industry or (providers) service categories;
    only what differs is written (nothing: `409`). A new name sends a bank, a provider or
    (with verification `required`) an enterprise back to an operator's verification."""
    assert caller.id is not None
    fields = body.model_dump(mode="json", exclude_unset=True)
    contact_now = organizations.own_profile(caller).contact
    outcome = app.change_profile(caller.id, caller.member_id, fields, contact_now)
    return answer(
        ProfileWritten,
        outcome.aggregate,
        registered_at=outcome.aggregate.created_on,
        contact=fields.get("contact", contact_now),
        version=outcome.version,
        position=outcome.position,
    )


@router.get(
    "/{organization_id}",
    dependencies=[fresh()],
    response_model=OrganizationProfile | OrganizationPublic,
)
def read_organization(
    organization_id: UUID, caller: MaybeSignedIn, organizations: OrganizationQueriesDep
) -> OrganizationProfile | OrganizationPublic:
    """An organization's public profile; operators and auditors get the full profile
    (contact data, null once erased, and the reason of a rejected verification)."""
    return _public(organizations.profile(caller or ANONYMOUS, organization_id))


@router.post("/{organization_id}/verify")
def verify_organization(
    organization_id: UUID,
    operator: Operator,
    app: MarketplaceDep,
    body: Annotated[VerificationDecision | None, Body()] = None,
) -> Verified:
    """Operators verify an organization (no body, or `approve: true`) or turn it down with
    `{"approve": false, "reason"}`; it then stays unverified and sees the reason."""
    if body is None or body.approve:
        outcome = app.verify_organization(organization_id)
    else:
        outcome = app.reject_verification(organization_id, body.reason)
    return written(Verified, outcome)


@router.post("/{organization_id}/suspend")
def suspend_organization(
    organization_id: UUID, body: Moderation, operator: Operator, app: MarketplaceDep
) -> Suspension:
    """Operators suspend an organization: it may sign in and read, every write is refused
    (`403 suspended`), and its postings leave the public lists."""
    return written(Suspension, app.suspend_organization(organization_id, body.reason))


@router.post("/{organization_id}/reinstate")
def reinstate_organization(
    organization_id: UUID, body: Moderation, operator: Operator, app: MarketplaceDep
) -> Suspension:
    """Operators lift a suspension; its open postings are listed again."""
    return written(Suspension, app.reinstate_organization(organization_id, body.reason))


@router.post("/{organization_id}/erase-contact")
def erase_contact(organization_id: UUID, caller: SignedIn, app: MarketplaceDep) -> ContactErased:
    """Forget the contact data for good by deleting its key (the organization itself or an
    operator). Erasing again answers the same and writes nothing (`position` null)."""
    if caller.id != organization_id and caller.kind != "operator":
        raise ForbiddenError(
            "only the organization itself or an operator may erase its contact data",
            "只有该机构本身或平台运营方可以删除其联系人信息",
        )
    outcome = app.erase_contact(organization_id)
    return ContactErased(contact_erased=True, version=outcome.version, position=outcome.position)

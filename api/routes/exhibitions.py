"""Exhibitions and matchmaking events: scheduling, signups with a waitlist, check-ins."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from aggregates.errors import NotFoundError
from aggregates.exhibition import Exhibition, Signup
from aggregates.exhibition_terms import public_status, signups_open
from api.deps import Enterprise, Operator, Principal, ServicesDep, fresh, role
from api.schemas.common import ListOf, Party
from api.schemas.exhibitions import (
    CheckInCreate,
    ExhibitionCancel,
    ExhibitionCreate,
    ExhibitionPublic,
    ExhibitionWritten,
    SignupCancelled,
    SignupPublic,
    SignupWritten,
)
from marketplace.bootstrap import Services
from marketplace.commands import Outcome
from projections.exhibitions import ExhibitionsView
from projections.organizations import OrganizationsView
from projections.signups import SignupsView

router = APIRouter(prefix="/exhibitions", tags=["exhibitions"])

EnterpriseOrOperator = Annotated[Principal, Depends(role("enterprise", "operator"))]
# Operators and auditors read everything (API.md, "Conventions, tightened").
SignupReader = Annotated[Principal, Depends(role("enterprise", "operator", "auditor"))]


def exhibition_from_row(row: dict[str, Any]) -> ExhibitionPublic:
    return ExhibitionPublic(
        id=str(row["id"]),
        name=row["name"],
        venue=row["venue"],
        online=row["online"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        capacity=row["capacity"],
        signup_deadline=row["signup_deadline"],
        status=row["status"],
        signups_open=row["signups_open"],
        confirmed_count=row["confirmed_count"],
        waitlist_count=row["waitlist_count"],
        checked_in_count=row["checked_in_count"],
        cancel_reason=row["cancel_reason"],
        organizer=Party(id=str(row["organizer_id"]), name=row.get("organizer_name")),
        scheduled_at=row["scheduled_at"],
        version=row["version"],
    )


def exhibition_written(outcome: Outcome[Exhibition], services: Services) -> ExhibitionWritten:
    exhibition: Exhibition = outcome.aggregate
    now = services.app.clock()
    return ExhibitionWritten(
        id=str(exhibition.id),
        name=exhibition.name,
        venue=exhibition.venue,
        online=exhibition.online,
        starts_at=exhibition.starts_at,
        ends_at=exhibition.ends_at,
        capacity=exhibition.capacity,
        signup_deadline=exhibition.signup_deadline,
        status=public_status(exhibition.status, exhibition.starts_at, now),
        signups_open=signups_open(exhibition.status, exhibition.signup_deadline, now),
        confirmed_count=exhibition.confirmed_count,
        waitlist_count=len(exhibition.waitlist),
        checked_in_count=sum(s.checked_in_at is not None for s in exhibition.signups.values()),
        cancel_reason=exhibition.cancel_reason,
        organizer=Party(
            id=str(exhibition.organizer_id), name=_name(services, exhibition.organizer_id)
        ),
        scheduled_at=exhibition.created_on,
        version=outcome.version,
        position=outcome.position,
    )


def signup_from_row(row: dict[str, Any]) -> SignupPublic:
    return SignupPublic(
        exhibition_id=str(row["exhibition_id"]),
        organization=Party(id=str(row["organization_id"]), name=row.get("organization_name")),
        status=row["status"],
        waitlist_position=row["waitlist_position"],
        signed_up_at=row["signed_up_at"],
        checked_in_at=row["checked_in_at"],
    )


def signup_fields(
    outcome: Outcome[Exhibition], signup: Signup, services: Services
) -> dict[str, Any]:
    exhibition: Exhibition = outcome.aggregate
    return {
        "exhibition_id": str(exhibition.id),
        "organization": Party(
            id=str(signup.organization_id), name=_name(services, signup.organization_id)
        ),
        "status": signup.status,
        "waitlist_position": exhibition.waitlist_position(signup.organization_id),
        "signed_up_at": signup.signed_up_at,
        "checked_in_at": signup.checked_in_at,
        "version": outcome.version,
        "position": outcome.position,
    }


def _name(services: Services, organization_id: UUID) -> str | None:
    try:
        return services.app.get_organization(organization_id).name
    except NotFoundError:
        return None


@router.post("", status_code=201)
def create_exhibition(
    body: ExhibitionCreate, operator: Operator, services: ServicesDep
) -> ExhibitionWritten:
    """Schedule an exhibition or matchmaking event (operators)."""
    outcome = services.app.schedule_exhibition(operator.id, **body.model_dump())
    return exhibition_written(outcome, services)


@router.get("", dependencies=[fresh(ExhibitionsView, OrganizationsView)])
def read_exhibitions(
    services: ServicesDep,
    status: Literal["scheduled", "ongoing", "closed", "cancelled", "all"] = "all",
    online: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ExhibitionPublic]:
    """Exhibitions and matchmaking events, newest scheduled first, with their signup counts."""
    page = services.views.exhibitions.list_exhibitions(
        status=status, online=online, limit=limit, cursor=cursor, now=services.app.clock()
    )
    return ListOf[ExhibitionPublic](
        items=[exhibition_from_row(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/{exhibition_id}", dependencies=[fresh(ExhibitionsView, OrganizationsView)])
def read_exhibition(exhibition_id: UUID, services: ServicesDep) -> ExhibitionPublic:
    """One exhibition with its confirmed, waitlisted and checked-in counts."""
    return exhibition_from_row(_exhibition_row(services, exhibition_id))


def _exhibition_row(services: Services, exhibition_id: UUID) -> dict[str, Any]:
    row = services.views.exhibitions.get_exhibition(exhibition_id, services.app.clock())
    if row is None:
        raise NotFoundError("exhibition not found", "未找到该展会")
    return row


@router.post("/{exhibition_id}/signups", status_code=201)
def create_signup(
    exhibition_id: UUID, enterprise: Enterprise, services: ServicesDep
) -> SignupWritten:
    """Sign up for a booth: confirmed while booths are left, else waitlisted with a position."""
    outcome = services.app.sign_up(exhibition_id, enterprise.id)
    return SignupWritten(**signup_fields(outcome, outcome.signup, services))


@router.delete("/{exhibition_id}/signups/{organization_id}")
def delete_signup(
    exhibition_id: UUID, organization_id: UUID, caller: EnterpriseOrOperator, services: ServicesDep
) -> SignupCancelled:
    """Cancel a signup (the enterprise itself or an operator); the first waitlisted signup
    takes the freed booth in the same transaction."""
    outcome = services.app.cancel_signup(
        exhibition_id, organization_id, caller.id, as_operator=caller.kind == "operator"
    )
    promoted_id = outcome.promoted_id
    promoted = None
    if promoted_id is not None:
        promoted = Party(id=str(promoted_id), name=_name(services, promoted_id))
    fields = signup_fields(outcome, outcome.signup, services)
    return SignupCancelled(**fields, promoted=promoted)


@router.get(
    "/{exhibition_id}/signups",
    dependencies=[fresh(ExhibitionsView, SignupsView, OrganizationsView)],
)
def read_signups(
    exhibition_id: UUID,
    caller: SignupReader,
    services: ServicesDep,
    status: Literal["confirmed", "waitlisted", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[SignupPublic]:
    """Signups in signup order: operators and auditors see all, an enterprise only its own."""
    _exhibition_row(services, exhibition_id)
    own = caller.id if caller.kind == "enterprise" else None
    page = services.views.signups.list_signups(
        exhibition_id, own, status=status, limit=limit, cursor=cursor
    )
    return ListOf[SignupPublic](
        items=[signup_from_row(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post("/{exhibition_id}/check-ins", status_code=201)
def create_check_in(
    exhibition_id: UUID, body: CheckInCreate, operator: Operator, services: ServicesDep
) -> SignupWritten:
    """Record that a participant with a confirmed signup arrived (operators)."""
    outcome = services.app.check_in(exhibition_id, body.organization_id, operator.id)
    return SignupWritten(**signup_fields(outcome, outcome.signup, services))


@router.post("/{exhibition_id}/cancel")
def cancel_exhibition(
    exhibition_id: UUID, body: ExhibitionCancel, operator: Operator, services: ServicesDep
) -> ExhibitionWritten:
    """Cancel an exhibition that has not ended, saying why (operators)."""
    outcome = services.app.cancel_exhibition(exhibition_id, body.reason, operator.id)
    return exhibition_written(outcome, services)

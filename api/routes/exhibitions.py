"""Exhibitions and matchmaking events: scheduling, signups with a waitlist, check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Response

from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import public_status, signups_open
from api.deps import (
    Enterprise,
    ExhibitionQueriesDep,
    MarketplaceDep,
    Operator,
    OrganizationQueriesDep,
    Principal,
    fresh,
    role,
)
from api.exports import EXPORTABLE, FormatQuery, every_page, export
from api.schemas.common import ListOf
from api.schemas.exhibitions import (
    CheckInCreate,
    ExhibitionCancel,
    ExhibitionCreate,
    ExhibitionPublic,
    ExhibitionWritten,
    SignupCancelled,
    SignupCreate,
    SignupPublic,
    SignupWritten,
)
from api.schemas.mapping import answer, party, written
from marketplace.commands import Outcome
from marketplace.exhibitions import SignupOutcome
from marketplace.queries.organizations import OrganizationQueries
from projections.exhibitions import ExhibitionsView
from projections.organizations import OrganizationsView
from projections.signups import SignupsView

router = APIRouter(prefix="/exhibitions", tags=["exhibitions"])
S = TypeVar("S", SignupWritten, SignupCancelled)

EnterpriseOrOperator = Annotated[Principal, Depends(role("enterprise", "operator"))]
# Operators and auditors read everything (API.md, "Conventions, tightened").
SignupReader = Annotated[Principal, Depends(role("enterprise", "operator", "auditor"))]


def exhibition_written(
    outcome: Outcome[Exhibition], now: datetime, organizations: OrganizationQueries
) -> ExhibitionWritten:
    exhibition: Exhibition = outcome.aggregate
    organizer = exhibition.organizer_id
    return written(
        ExhibitionWritten,
        outcome,
        status=public_status(exhibition.status, exhibition.starts_at, now),
        signups_open=signups_open(exhibition.status, exhibition.signup_deadline, now),
        waitlist_count=len(exhibition.waitlist),
        checked_in_count=sum(s.checked_in_at is not None for s in exhibition.signups.values()),
        attended_count=sum(s.attended or 0 for s in exhibition.signups.values()),
        organizer=party(organizer, organizations.name_of(organizer)),
        scheduled_at=exhibition.created_on,
    )


def signup_written(
    model: type[S], outcome: SignupOutcome, names: OrganizationQueries, **given: Any
) -> S:
    exhibition: Exhibition = outcome.aggregate
    org = outcome.signup.organization_id
    return written(
        model,
        outcome,
        outcome.signup,
        exhibition_id=str(exhibition.id),
        organization=party(org, names.name_of(org)),
        waitlist_position=exhibition.waitlist_position(org),
        **given,
    )


@router.post("", status_code=201)
def create_exhibition(
    body: ExhibitionCreate,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> ExhibitionWritten:
    """Schedule an exhibition or matchmaking event (operators)."""
    outcome = app.schedule_exhibition(operator.id, **body.model_dump())
    return exhibition_written(outcome, app.clock(), organizations)


@router.get("", dependencies=[fresh(ExhibitionsView, OrganizationsView)])
def read_exhibitions(
    exhibitions: ExhibitionQueriesDep,
    status: Literal["scheduled", "ongoing", "closed", "cancelled", "all"] = "all",
    online: bool | None = None,
    kind: Literal["exhibition", "matchmaking", "lecture", "training"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ExhibitionPublic]:
    """Exhibitions and matchmaking events, newest scheduled first, with their signup counts."""
    page = exhibitions.list_exhibitions(
        status=status, online=online, kind=kind, limit=limit, cursor=cursor
    )
    return ListOf[ExhibitionPublic](
        items=[answer(ExhibitionPublic, r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/{exhibition_id}", dependencies=[fresh(ExhibitionsView, OrganizationsView)])
def read_exhibition(exhibition_id: UUID, exhibitions: ExhibitionQueriesDep) -> ExhibitionPublic:
    """One exhibition with its confirmed, waitlisted and checked-in counts."""
    return answer(ExhibitionPublic, exhibitions.exhibition(exhibition_id))


@router.post("/{exhibition_id}/signups", status_code=201)
def create_signup(
    exhibition_id: UUID,
    enterprise: Enterprise,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
    body: Annotated[SignupCreate | None, Body()] = None,
) -> SignupWritten:
    """Sign up for a booth, or for `attendees` seats at a lecture or training: confirmed while
    they are left, else waitlisted with a position."""
    attendees = 1 if body is None else body.attendees
    outcome = app.sign_up(exhibition_id, enterprise.id, attendees)
    return signup_written(SignupWritten, outcome, organizations)


@router.delete("/{exhibition_id}/signups/{organization_id}")
def delete_signup(
    exhibition_id: UUID,
    organization_id: UUID,
    caller: EnterpriseOrOperator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> SignupCancelled:
    """Cancel a signup (the enterprise itself or an operator); waitlisted signups take the
    freed seats in waitlist order, skipping those that do not fit, in the same transaction."""
    outcome = app.cancel_signup(
        exhibition_id, organization_id, caller.id, as_operator=caller.kind == "operator"
    )
    promoted = [party(p, organizations.name_of(p)) for p in outcome.promoted_ids]
    return signup_written(
        SignupCancelled,
        outcome,
        organizations,
        promoted=promoted[0] if promoted else None,
        promoted_all=promoted,
    )


@router.get(
    "/{exhibition_id}/signups",
    dependencies=[fresh(ExhibitionsView, SignupsView, OrganizationsView)],
    response_model=ListOf[SignupPublic],
    responses=EXPORTABLE,
)
def read_signups(
    exhibition_id: UUID,
    caller: SignupReader,
    exhibitions: ExhibitionQueriesDep,
    status: Literal["confirmed", "waitlisted", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    fmt: FormatQuery = None,
) -> ListOf[SignupPublic] | Response:
    """Signups in signup order: operators and auditors see all, an enterprise only its own.
    *Exportable*."""

    def read(cursor: str | None, limit: int = limit) -> ListOf[SignupPublic]:
        page = exhibitions.list_signups(
            caller, exhibition_id, status=status, limit=limit, cursor=cursor
        )
        return ListOf[SignupPublic](
            items=[answer(SignupPublic, r) for r in page.items], next_cursor=page.next_cursor
        )

    if fmt is not None:
        items = every_page(read, cursor)
        return export(fmt, f"signups-{exhibition_id}", SignupPublic, items)
    return read(cursor)


@router.post("/{exhibition_id}/check-ins", status_code=201)
def create_check_in(
    exhibition_id: UUID,
    body: CheckInCreate,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> SignupWritten:
    """Record that a participant with a confirmed signup arrived, with how many persons
    attended (operators)."""
    outcome = app.check_in(exhibition_id, body.organization_id, operator.id, body.attended)
    return signup_written(SignupWritten, outcome, organizations)


@router.post("/{exhibition_id}/cancel")
def cancel_exhibition(
    exhibition_id: UUID,
    body: ExhibitionCancel,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> ExhibitionWritten:
    """Cancel an exhibition that has not ended, saying why (operators)."""
    outcome = app.cancel_exhibition(exhibition_id, body.reason, operator.id)
    return exhibition_written(outcome, app.clock(), organizations)

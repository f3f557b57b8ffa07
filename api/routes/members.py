"""Members: the people of the signed-in organization, managed by its admins."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from aggregates.members import first_admin_id
from api.deps import MarketplaceDep, OrganizationQueriesDep, SecurityDep, SignedIn, fresh
from api.schemas.common import ListOf
from api.schemas.mapping import answer
from api.schemas.members import MemberCreate, MemberPublic, MemberUpdate, MemberWritten
from api.stream_sessions import announce_ended
from marketplace.members import MemberOutcome
from marketplace.stores.members import session_digests

router = APIRouter(prefix="/organizations/me/members", tags=["organizations"])


def _written(outcome: MemberOutcome) -> MemberWritten:
    return answer(MemberWritten, outcome.member, version=outcome.version, position=outcome.position)


def _me(caller: SignedIn) -> tuple[UUID, UUID]:
    assert caller.id is not None and caller.member_id is not None
    return caller.id, caller.member_id


@router.post("", status_code=201)
def add_member(body: MemberCreate, caller: SignedIn, app: MarketplaceDep) -> MemberWritten:
    """Admins add a member, who signs in with `{login, password}` (a taken login is `409`)."""
    org_id, by = _me(caller)
    return _written(app.add_member(org_id, by, **body.model_dump()))


@router.get("", dependencies=[fresh()])  # the aggregate itself: nothing to wait for
def read_members(caller: SignedIn, organizations: OrganizationQueriesDep) -> ListOf[MemberPublic]:
    """The organization's members, the first admin first."""
    members = organizations.members(caller)
    return ListOf[MemberPublic](items=[answer(MemberPublic, m) for m in members], next_cursor=None)


@router.patch("/{member_id}")
def change_member_role(
    member_id: UUID, body: MemberUpdate, caller: SignedIn, app: MarketplaceDep
) -> MemberWritten:
    """Admins change a member's role (at least one admin remains, else `409`)."""
    org_id, by = _me(caller)
    return _written(app.change_member_role(org_id, by, member_id, body.role))


@router.post("/{member_id}/disable")
def disable_member(
    member_id: UUID, caller: SignedIn, app: MarketplaceDep, security: SecurityDep, request: Request
) -> MemberWritten:
    """Admins disable a member: it cannot sign in, its sessions end at once (open stream
    sockets are closed with 4401); at least one admin remains, else `409`."""
    org_id, by = _me(caller)
    first = member_id == first_admin_id(org_id)
    digests = session_digests(security.db, org_id, member_id, first)
    outcome = app.disable_member(org_id, by, member_id)
    announce_ended(request.app, security.db, digests)
    return _written(outcome)

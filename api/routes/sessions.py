"""Sessions: log in for a bearer token, log out, change one's own password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.client_address import client_address
from api.deps import (
    OrganizationQueriesDep,
    SecurityDep,
    SettingsDep,
    SignedIn,
    SignedInEvenSuspended,
)
from api.login_gate import check_password, too_many_attempts
from api.problems import ApiProblem
from api.reauth import PasswordCheckDep
from api.schemas.mapping import answer
from api.schemas.organizations import (
    PasswordChange,
    SessionCreate,
    SessionMember,
    SessionOrganization,
    SessionPublic,
)
from api.stream_sessions import announce_ended, announce_logout
from marketplace.stores.login_throttle import TooManyAttemptsError
from marketplace.stores.members import change_password
from marketplace.stores.security import token_digest

WRONG_OLD_EN = "the old password is wrong; the password was not changed"
WRONG_OLD_ZH = "原密码错误，密码未修改"

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", status_code=201)
async def create_session(
    body: SessionCreate,
    request: Request,
    security: SecurityDep,
    settings: SettingsDep,
    organizations: OrganizationQueriesDep,
) -> SessionPublic:
    """Log in with credit code (the first admin) or login, and password (one 401 for an
    unknown code or login and a wrong password)."""
    credit_code = body.attempt_key
    address = client_address(request.scope, settings)
    try:
        attempt = await run_in_threadpool(security.count_attempt, credit_code, address)
    except TooManyAttemptsError as error:
        raise too_many_attempts(error) from None
    session = await check_password(request, security, settings, attempt, body.password)
    if session is None:
        raise ApiProblem(
            401,
            "credit code, login or password is wrong",
            "信用代码、登录名或密码错误",
            code="bad_credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    org = await run_in_threadpool(organizations.viewer, session.organization_id)
    assert org is not None  # a password is stored only with its organization's registration
    member = await run_in_threadpool(
        organizations.member, session.organization_id, session.member_id
    )
    return SessionPublic(
        token=session.token,
        expires_at=session.expires_at,
        organization=answer(SessionOrganization, org),
        member=answer(SessionMember, member),
    )


@router.delete("/current", status_code=204)
def delete_session(
    principal: SignedInEvenSuspended, request: Request, security: SecurityDep
) -> Response:
    """Log out: the token stops working at once, and its live stream sockets are closed."""
    security.log_out(principal.token)
    announce_logout(request.app, security.db, principal.token)
    return Response(status_code=204)


@router.post("/password", status_code=204)
def change_own_password(
    body: PasswordChange,
    caller: SignedIn,
    request: Request,
    security: SecurityDep,
    check: PasswordCheckDep,
) -> Response:
    """Change the signed-in person's password (the old one is checked like a login: wrong →
    `403 reauth_failed`); its other sessions end, their stream sockets closed with 4401."""
    check(caller, body.old_password, (WRONG_OLD_EN, WRONG_OLD_ZH))
    assert caller.id is not None
    keep = token_digest(caller.token)
    ended = change_password(security.db, caller.id, caller.member_id, body.new_password, keep)
    announce_ended(request.app, security.db, ended)
    return Response(status_code=204)

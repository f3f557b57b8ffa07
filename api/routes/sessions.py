"""Sessions: log in for a bearer token, log out."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ServicesDep, SignedIn
from api.problems import ApiProblem
from api.schemas.organizations import SessionCreate, SessionOrganization, SessionPublic
from marketplace.security import TooManyAttemptsError

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", status_code=201)
def create_session(body: SessionCreate, services: ServicesDep) -> SessionPublic:
    """Log in with credit code and password (one 401 for unknown code and wrong password)."""
    credit_code = body.credit_code.strip().upper()
    try:
        session = services.security.log_in(credit_code, body.password)
    except TooManyAttemptsError as error:
        raise ApiProblem(
            429,
            "too many failed logins for this credit code; try again later",
            "该信用代码登录失败次数过多，请稍后再试",
            code="too_many_attempts",
            headers={"Retry-After": str(error.retry_after)},
        ) from None
    if session is None:
        raise ApiProblem(
            401,
            "credit code or password is wrong",
            "信用代码或密码错误",
            code="bad_credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    org = services.app.get_organization(session.organization_id)
    return SessionPublic(
        token=session.token,
        expires_at=session.expires_at,
        organization=SessionOrganization(
            id=str(org.id), kind=org.kind, name=org.name, verified=org.verified
        ),
    )


@router.delete("/current", status_code=204)
def delete_session(principal: SignedIn, services: ServicesDep) -> Response:
    """Log out: the token stops working at once."""
    services.security.log_out(principal.token)
    return Response(status_code=204)

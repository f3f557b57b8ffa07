"""Dependencies: services, the signed-in organization and its role, read-your-writes waits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Query, Request
from starlette.requests import HTTPConnection

from aggregates.errors import NotFoundError
from api.problems import ApiProblem
from marketplace.bootstrap import Services
from marketplace.own_writes import caller_key, writer
from projections.engine import View


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


@dataclass(frozen=True)
class Principal:
    id: UUID
    kind: str
    name: str
    verified: bool
    token: str


def _unauthorized(en: str, zh: str) -> ApiProblem:
    return ApiProblem(401, en, zh, code="unauthorized", headers={"WWW-Authenticate": "Bearer"})


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("use Authorization: Bearer <token>", "请使用 Bearer 令牌认证")
    return token.strip()


def optional_principal(
    services: ServicesDep, token: Annotated[str | None, Depends(bearer_token)]
) -> Principal | None:
    if token is None:
        return None
    org_id = services.security.resolve(token)
    if org_id is None:
        raise _unauthorized("the session token is invalid or expired", "会话令牌无效或已过期")
    try:
        org = services.app.get_organization(org_id)
    except NotFoundError:
        raise _unauthorized("the session token is invalid", "会话令牌无效") from None
    return Principal(org.id, org.kind, org.name, org.verified, token)


def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise _unauthorized("sign in first", "请先登录")
    return principal


MaybeSignedIn = Annotated[Principal | None, Depends(optional_principal)]
SignedIn = Annotated[Principal, Depends(current_principal)]


def role(*kinds: str) -> Callable[[Principal], Principal]:
    def check(principal: SignedIn) -> Principal:
        if principal.kind not in kinds:
            allowed = " or ".join(kinds)
            raise ApiProblem(
                403,
                f"only {allowed} accounts may do this",
                "当前账户类型无权执行此操作",
                code="forbidden",
            )
        return principal

    return check


Enterprise = Annotated[Principal, Depends(role("enterprise"))]
Operator = Annotated[Principal, Depends(role("operator"))]
StaffOnly = Depends(role("operator", "auditor"))  # router-wide: checked before `fresh` waits


def _caller(connection: HTTPConnection) -> str | None:
    """Whose writes a request makes and reads: its bearer token (checked by the routes)."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return caller_key(token.strip())


async def name_the_writer(connection: HTTPConnection) -> None:
    """Router dependency: the caller whose saves `OwnWrites` keeps. Async, so that the
    route's thread, which saves, inherits it."""
    writer.set(_caller(connection))


def fresh(*views: type[View]) -> Any:
    """A read route's wait for the views it reads: until they reach `min_position` (503 after
    the limit) and the caller's own last write, so that a client that ignores `position`
    still reads what it wrote. Other callers' writes and other views are not waited for."""
    names = tuple(view.name for view in views)

    async def fresh_read(
        request: Request,
        min_position: Annotated[
            int | None, Query(ge=0, description="wait until views have processed this position")
        ] = None,
    ) -> None:
        services: Services = request.app.state.services
        target = max(min_position or 0, services.own_writes.last(_caller(request)))
        if target <= 0 or not names:  # no view: the route reads the log itself
            return
        limit = services.settings.read_wait_seconds
        if await services.watcher.wait_for(target, names, limit) or min_position is None:
            return
        if services.watcher.position(names) < min_position:
            raise ApiProblem(
                503,
                f"read models have not reached position {min_position} yet",
                f"读模型尚未处理到位置 {min_position}",
                code="not_caught_up",
                headers={"Retry-After": "1"},
            )

    return Depends(fresh_read)


def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """The expected aggregate version from If-Match (`3`, `"3"` or `W/"3"`)."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    try:
        return int(text)
    except ValueError:
        raise ApiProblem(
            412,
            "If-Match must be the aggregate's version number",
            "If-Match 须为版本号",
            code="version_mismatch",
        ) from None


IfMatch = Annotated[int | None, Depends(if_match)]

"""Dependencies: the use cases and queries a route needs, the signed-in organization and its
role, read-your-writes waits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Query, Request
from starlette.requests import HTTPConnection

from api.problems import ApiProblem
from marketplace.actor import act_as, acting
from marketplace.application import Marketplace
from marketplace.audit.queries import AuditLog
from marketplace.bootstrap import Services
from marketplace.documents.uploads import Documents
from marketplace.own_writes import caller_key, writer
from marketplace.queries.contracts import ContractQueries
from marketplace.queries.documents import DocumentQueries
from marketplace.queries.exhibitions import ExhibitionQueries
from marketplace.queries.financing import FinancingQueries
from marketplace.queries.notifications import NotificationQueries
from marketplace.queries.organizations import OrganizationQueries
from marketplace.queries.policies import PolicyQueries
from marketplace.queries.postings import PostingQueries
from marketplace.queries.service_requests import ServiceRequestQueries
from marketplace.queries.services import ServiceQueries
from marketplace.queries.stats import StatsQueries
from marketplace.queries.viewer import Viewer
from marketplace.settings import Settings
from marketplace.status import projection_status
from marketplace.stores.security import SecurityStore
from marketplace.stores.webhooks import WebhookStore
from projections.engine import View

T = TypeVar("T")
NO_ID = UUID(int=0)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # reads: a suspended caller may


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]  # for api/ plumbing, not routes


def _part(pick: Callable[[Services], T]) -> Any:
    async def get(request: Request) -> T:
        return pick(request.app.state.services)

    return Depends(get)


# What routes depend on: the use cases, one context's queries, a setting, a store.
MarketplaceDep = Annotated[Marketplace, _part(lambda s: s.app)]
PostingQueriesDep = Annotated[PostingQueries, _part(lambda s: s.queries.postings)]
FinancingQueriesDep = Annotated[FinancingQueries, _part(lambda s: s.queries.financing)]
ExhibitionQueriesDep = Annotated[ExhibitionQueries, _part(lambda s: s.queries.exhibitions)]
ContractQueriesDep = Annotated[ContractQueries, _part(lambda s: s.queries.contracts)]
OrganizationQueriesDep = Annotated[OrganizationQueries, _part(lambda s: s.queries.organizations)]
StatsQueriesDep = Annotated[StatsQueries, _part(lambda s: s.queries.stats)]
ServiceQueriesDep = Annotated[ServiceQueries, _part(lambda s: s.queries.services)]
ServiceRequestQueriesDep = Annotated[
    ServiceRequestQueries, _part(lambda s: s.queries.service_requests)
]
PolicyQueriesDep = Annotated[PolicyQueries, _part(lambda s: s.queries.policies)]
NotificationQueriesDep = Annotated[NotificationQueries, _part(lambda s: s.queries.notifications)]
SettingsDep = Annotated[Settings, _part(lambda s: s.settings)]
DocumentsDep = Annotated[Documents, _part(lambda s: s.documents)]
DocumentQueriesDep = Annotated[DocumentQueries, _part(lambda s: s.queries.documents)]
SecurityDep = Annotated[SecurityStore, _part(lambda s: s.security)]
WebhooksDep = Annotated[WebhookStore, _part(lambda s: s.webhooks)]
AuditLogDep = Annotated[
    AuditLog, _part(lambda s: AuditLog(s.db, s.app, s.signer, s.settings.audit_origin))
]
ProjectionStatusDep = Annotated[dict[str, Any], _part(projection_status)]


@dataclass(frozen=True)
class Principal(Viewer):
    """A signed-in caller: the organization and member (as a `Viewer`) and its session token."""

    id: UUID = field(default=NO_ID)
    member_id: UUID = field(default=NO_ID)
    token: str = ""


def _unauthorized(en: str, zh: str) -> ApiProblem:
    return ApiProblem(401, en, zh, code="unauthorized", headers={"WWW-Authenticate": "Bearer"})


async def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("use Authorization: Bearer <token>", "请使用 Bearer 令牌认证")
    return token.strip()


def any_principal(
    request: Request, token: Annotated[str | None, Depends(bearer_token)]
) -> Principal | None:
    """The caller, suspended or not (for writes: as the aggregate has it right now)."""
    if token is None:
        return None
    services: Services = request.app.state.services
    writing = request.method not in SAFE_METHODS
    viewer = services.queries.organizations.signed_in(token, writing=writing)
    if viewer is None or viewer.id is None:
        raise _unauthorized("the session token is invalid or expired", "会话令牌无效或已过期")
    if viewer.member_id is not None:
        act_as(viewer.member_id)  # the events this request causes carry it as `actor`
    return Principal(**{**asdict(viewer), "token": token})  # every field of the Viewer


async def optional_principal(
    request: Request, principal: Annotated[Principal | None, Depends(any_principal)]
) -> Principal | None:
    """The caller; the one place that refuses every write of a suspended organization."""
    if principal is not None and principal.suspended and request.method not in SAFE_METHODS:
        raise ApiProblem(
            403,
            "this organization is suspended by the platform operator: it may sign in and read,"
            " but not write",
            "该机构已被平台暂停：可以登录和浏览，但不能进行任何操作",
            code="suspended",
        )
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise _unauthorized("sign in first", "请先登录")
    return principal


async def signed_in_even_suspended(
    principal: Annotated[Principal | None, Depends(any_principal)],
) -> Principal:
    """For the writes a suspended organization may still make (logging out)."""
    if principal is None:
        raise _unauthorized("sign in first", "请先登录")
    return principal


MaybeSignedIn = Annotated[Principal | None, Depends(optional_principal)]
SignedIn = Annotated[Principal, Depends(current_principal)]
SignedInEvenSuspended = Annotated[Principal, Depends(signed_in_even_suspended)]


def role(*kinds: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: SignedIn) -> Principal:
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
Provider = Annotated[Principal, Depends(role("provider"))]
StaffOnly = Depends(role("operator", "auditor"))  # router-wide: checked before `fresh` waits


def _caller(connection: HTTPConnection) -> str | None:
    """Whose writes a request makes and reads: its bearer token (checked by the routes)."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return caller_key(token.strip())


async def name_the_writer(connection: HTTPConnection) -> None:
    """Router dependency: the caller whose saves `OwnWrites` keeps, and an empty box for the
    member who acts (filled once the token is resolved). Async, so that the route's thread,
    which saves, inherits both."""
    writer.set(_caller(connection))
    acting()


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


async def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
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

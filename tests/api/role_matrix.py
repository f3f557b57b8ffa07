"""The role matrices' shared parts: a cast of accounts by role, routes with the roles they
refuse, and the checks every matrix makes: who is refused, with which status, writing nothing.

Each `test_*_roles.py` module (and `test_contracts.py`, `test_staff_sealed_reads.py`) knows its
own routes and cast; these helpers hold what they share, so a refusal means the same thing
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.helpers import API, assert_problem, no_new_events

Send = Callable[[dict[str, str]], Any]  # sends the route's request with these headers

# Not a session token: a forged bearer token and another scheme altogether.
INVALID_AUTHORIZATIONS = pytest.mark.parametrize(
    "authorization", ["Bearer forged-token", "Basic b3duZXI6c2VjcmV0"], ids=["forged", "basic"]
)


class Cast:
    """Base of a matrix's cast (a dataclass of accounts and ids): its accounts by role, and the
    ids that fill its routes' paths."""

    def account(self, role: str) -> Account:
        account: Account = getattr(self, role)
        return account

    def ids(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # its {placeholders} are filled in from the cast's ids()
    body: dict[str, Any] | None
    forbidden: tuple[str, ...]  # roles answered 403

    def url(self, cast: Cast, **ids: str) -> str:
        return API + self.path.format(**(cast.ids() | ids))


def forbidden_cases(routes: dict[str, Route]) -> list[Any]:
    """(route name, role) for every role a route refuses with 403."""
    return [
        pytest.param(name, role, id=f"{name} as {role}")
        for name, route in routes.items()
        for role in route.forbidden
    ]


def call(client: TestClient, route: Route, cast: Cast, headers: dict[str, str], **ids: str) -> Any:
    """Send the route's request (its body, if any) with these headers."""
    kwargs: dict[str, Any] = {"headers": headers}
    if route.body is not None:
        kwargs["json"] = route.body
    return client.request(route.method, route.url(cast, **ids), **kwargs)


def assert_refused(services: Services, send: Send, headers: dict[str, str], status: int) -> Any:
    """The request is answered with the problem `status` and appends no event."""
    with no_new_events(services):
        response = send(headers)
        assert_problem(response, status)
    return response


def assert_anonymous_refused(services: Services, send: Send) -> None:
    """No credentials: 401 with a Bearer challenge."""
    response = assert_refused(services, send, {}, 401)
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


def refusal_tests(
    routes: dict[str, Route], send: Callable[..., Any] = call
) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The three tests of every matrix, for its module to name (it needs a `cast` fixture):
    anonymous callers get 401, invalid tokens 401, each role a route refuses 403; none writes.
    `send(client, route, cast, headers)` sends a route's request (`call` unless given)."""

    @pytest.mark.parametrize("name", list(routes))
    def anonymous(client: TestClient, services: Services, cast: Cast, name: str) -> None:
        assert_anonymous_refused(services, partial(send, client, routes[name], cast))

    @pytest.mark.parametrize("name", list(routes))
    @INVALID_AUTHORIZATIONS
    def invalid_token(
        client: TestClient, services: Services, cast: Cast, name: str, authorization: str
    ) -> None:
        headers = {"Authorization": authorization}
        assert_refused(services, partial(send, client, routes[name], cast), headers, 401)

    @pytest.mark.parametrize(("name", "role"), forbidden_cases(routes))
    def forbidden(client: TestClient, services: Services, cast: Cast, name: str, role: str) -> None:
        headers = cast.account(role).auth
        assert_refused(services, partial(send, client, routes[name], cast), headers, 403)

    return anonymous, invalid_token, forbidden

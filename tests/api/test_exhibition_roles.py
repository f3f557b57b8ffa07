"""Who may call what on exhibitions: every route against every caller that may not call it
(anonymous or a bad token → 401, a wrong role or another enterprise → 403), and nothing written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api import role_matrix
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, no_new_events
from tests.api.role_matrix import (
    Route,
    call,
    forbidden_cases,
    refusal_tests,
)
from tests.api.test_exhibitions import exhibition_body, schedule, signup


@dataclass
class Cast(role_matrix.Cast):
    member: Account  # an enterprise with a confirmed signup
    stranger: Account  # an enterprise that has not signed up
    bank: Account
    operator: Account
    auditor: Account
    exhibition_id: str

    def ids(self) -> dict[str, str]:  # {exhibition} and {member} in the routes' paths
        return {"exhibition": self.exhibition_id, "member": self.member.id}


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    member, stranger, bank = sign_up(client), sign_up(client), sign_up(client, "bank")
    exhibition = schedule(client, operator, capacity=10)
    signup(client, exhibition, member)
    return Cast(member, stranger, bank, operator, auditor, exhibition["id"])


NOT_ENTERPRISES = ("bank", "operator", "auditor")
NOT_OPERATORS = ("member", "stranger", "bank", "auditor")

ROUTES: dict[str, Route] = {
    "schedule exhibition": Route("POST", "/exhibitions", exhibition_body(), NOT_OPERATORS),
    "sign up": Route("POST", "/exhibitions/{exhibition}/signups", None, NOT_ENTERPRISES),
    "cancel signup": Route(
        "DELETE",
        "/exhibitions/{exhibition}/signups/{member}",
        None,
        ("stranger", "bank", "auditor"),
    ),
    "read signups": Route("GET", "/exhibitions/{exhibition}/signups", None, ("bank",)),
    "check in": Route(
        "POST", "/exhibitions/{exhibition}/check-ins", {"organization_id": None}, NOT_OPERATORS
    ),
    "cancel exhibition": Route(
        "POST", "/exhibitions/{exhibition}/cancel", {"reason": "场馆检修"}, NOT_OPERATORS
    ),
}

FORBIDDEN_CASES = forbidden_cases(ROUTES)


def _call(
    client: TestClient,
    route: Route,
    cast: Cast,
    headers: dict[str, str],
    exhibition_id: str | None = None,
) -> Any:
    """`call`, with the member's id for a None in the body, and another exhibition if given."""
    if route.body is not None:
        route = replace(route, body={k: v or cast.member.id for k, v in route.body.items()})
    ids = {"exhibition": exhibition_id} if exhibition_id else {}
    return call(client, route, cast, headers, **ids)


# Anonymous callers and invalid tokens get 401, each role a route refuses 403; nothing is written.
(
    test_anonymous_callers_get_401,
    test_invalid_tokens_get_401,
    test_wrong_role_or_another_enterprise_gets_403,
) = refusal_tests(ROUTES, _call)


@pytest.mark.parametrize(
    ("name", "role"), [c for c in FORBIDDEN_CASES if "{exhibition}" in ROUTES[c.values[0]].path]
)
def test_role_is_checked_before_the_exhibition_is_looked_up(
    client: TestClient, services: Services, cast: Cast, name: str, role: str
) -> None:
    """A wrong caller gets 403 whether or not the exhibition exists."""
    with no_new_events(services):
        response = _call(client, ROUTES[name], cast, cast.account(role).auth, str(uuid.uuid4()))
        assert_problem(response, 403)


def test_authentication_comes_before_validation(
    client: TestClient, services: Services, cast: Cast
) -> None:
    url = f"{API}/exhibitions"
    bad = exhibition_body(capacity=0, colour="red")
    with no_new_events(services):
        assert_problem(client.post(url, json=bad), 401)
        assert_problem(client.post(url, json=bad, headers=cast.member.auth), 403)
        assert_problem(
            client.post(url, json=bad, headers=cast.operator.auth), 422, field="capacity"
        )


@pytest.mark.parametrize("role", [None, "member", "stranger", "bank", "operator", "auditor"])
def test_everyone_may_read_exhibitions(client: TestClient, cast: Cast, role: str | None) -> None:
    headers = cast.account(role).auth if role else {}
    for path in ("/exhibitions", f"/exhibitions/{cast.exhibition_id}"):
        assert client.get(API + path, headers=headers).status_code == 200, path


def test_allowed_callers_succeed(client: TestClient, cast: Cast) -> None:
    """The same routes, called by those who may (last, since they change the cast's state)."""
    base = f"{API}/exhibitions/{cast.exhibition_id}"
    everyone = client.get(f"{base}/signups", headers=cast.operator.auth).json()["items"]
    assert [s["organization"]["id"] for s in everyone] == [cast.member.id]
    audited = client.get(f"{base}/signups", headers=cast.auditor.auth)
    assert audited.status_code == 200  # operators and auditors read everything
    assert audited.json()["items"] == everyone
    own = client.get(f"{base}/signups", headers=cast.member.auth).json()["items"]
    assert [s["organization"]["id"] for s in own] == [cast.member.id]
    assert client.get(f"{base}/signups", headers=cast.stranger.auth).json()["items"] == []
    check_in = {"organization_id": cast.member.id}
    assert (
        client.post(f"{base}/check-ins", json=check_in, headers=cast.operator.auth).status_code
        == 201
    )
    mine = f"{base}/signups/{cast.stranger.id}"
    assert client.post(f"{base}/signups", headers=cast.stranger.auth).status_code == 201
    assert client.delete(mine, headers=cast.stranger.auth).status_code == 200
    assert client.post(f"{base}/signups", headers=cast.stranger.auth).status_code == 201
    assert client.delete(mine, headers=cast.operator.auth).status_code == 200
    cancel = client.post(f"{base}/cancel", json={"reason": "改期"}, headers=cast.operator.auth)
    assert cancel.status_code == 200, cancel.text
    created = client.post(f"{API}/exhibitions", json=exhibition_body(), headers=cast.operator.auth)
    assert created.status_code == 201, created.text

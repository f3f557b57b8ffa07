"""Members: admins add people who sign in by login, change their roles and disable them; the
organization's own password stays its first admin's; at least one admin remains."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, head, no_new_events
from tests.api.test_stream_sessions import until_closed
from tests.support import organization_body

MEMBERS = f"{API}/organizations/me/members"
PASSWORD = "loan officer 2026"


def member_body(login: str, **overrides: Any) -> dict[str, Any]:
    return {"name": "王晓", "login": login, "password": PASSWORD, "role": "member"} | overrides


def add(client: TestClient, admin: Account, login: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(MEMBERS, json=member_body(login, **overrides), headers=admin.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> Any:
    return client.post(f"{API}/sessions", json={"login": login, "password": password})


def member_account(client: TestClient, admin: Account, login: str) -> Account:
    response = sign_in(client, login)
    assert response.status_code == 201, response.text
    return Account(admin.id, response.json()["token"], admin.credit_code, admin.kind, admin.name)


def test_an_admin_adds_a_member_who_signs_in_by_login(client: TestClient) -> None:
    bank = sign_up(client, "bank")
    added = add(client, bank, "officer.li")
    assert (added["login"], added["role"], added["disabled"]) == ("officer.li", "member", False)
    assert isinstance(added["position"], int)

    session = sign_in(client, "officer.li")
    assert session.status_code == 201, session.text
    data = session.json()
    assert data["organization"]["id"] == bank.id
    assert data["member"] == {"id": added["id"], "name": "王晓", "role": "member"}

    listed = client.get(MEMBERS, headers=bank.auth).json()["items"]
    first, second = listed
    assert (first["login"], first["role"], first["name"]) == (None, "admin", bank.name)
    assert second["id"] == added["id"]
    assert_problem(sign_in(client, "officer.li", "wrong password"), 401)


def test_the_credit_code_signs_in_as_the_first_admin(client: TestClient) -> None:
    body = organization_body("enterprise")
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    session = client.post(
        f"{API}/sessions", json={"credit_code": body["credit_code"], "password": body["password"]}
    )
    assert session.status_code == 201, session.text
    admin = session.json()["member"]
    assert (admin["name"], admin["role"]) == (body["name"], "admin")
    headers = {"Authorization": f"Bearer {session.json()['token']}"}
    (first,) = client.get(MEMBERS, headers=headers).json()["items"]
    assert first["id"] == admin["id"] and first["login"] is None


def test_members_cannot_manage_members_and_logins_are_unique(
    client: TestClient, services: Services
) -> None:
    admin, other = sign_up(client), sign_up(client)
    add(client, admin, "clerk.zhang")
    clerk = member_account(client, admin, "clerk.zhang")
    with no_new_events(services):
        refused = client.post(MEMBERS, json=member_body("clerk.two"), headers=clerk.auth)
        assert_problem(refused, 403)
        taken = client.post(MEMBERS, json=member_body("clerk.zhang"), headers=other.auth)
        assert_problem(taken, 409)
    # Members read the list all the same.
    assert client.get(MEMBERS, headers=clerk.auth).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"login": "abc"}, "login"),
        ({"login": "has space"}, "login"),
        ({"login": "x" * 65}, "login"),
        ({"role": "owner"}, "role"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_members_are_refused_by_field(
    client: TestClient, services: Services, owner: Account, overrides: dict[str, Any], field: str
) -> None:
    body = member_body("valid.login") | overrides
    with no_new_events(services):
        assert_problem(client.post(MEMBERS, json=body, headers=owner.auth), 422, field=field)


def test_sign_in_needs_exactly_one_of_credit_code_and_login(
    client: TestClient, owner: Account
) -> None:
    for body in (
        {"password": PASSWORD},
        {"login": "someone", "credit_code": owner.credit_code, "password": PASSWORD},
    ):
        assert_problem(client.post(f"{API}/sessions", json=body), 422, field="credit_code")


def test_at_least_one_admin_remains(client: TestClient, services: Services) -> None:
    admin = sign_up(client)
    first_id = client.get(MEMBERS, headers=admin.auth).json()["items"][0]["id"]
    with no_new_events(services):
        assert_problem(client.post(f"{MEMBERS}/{first_id}/disable", headers=admin.auth), 409)
        demote = client.patch(f"{MEMBERS}/{first_id}", json={"role": "member"}, headers=admin.auth)
        assert_problem(demote, 409)

    second = add(client, admin, "second.admin", role="admin")
    promoted = client.patch(
        f"{MEMBERS}/{second['id']}", json={"role": "member"}, headers=admin.auth
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "member"
    promoted = client.patch(f"{MEMBERS}/{second['id']}", json={"role": "admin"}, headers=admin.auth)
    assert promoted.json()["role"] == "admin"
    # Now the first admin may go: its credit code no longer signs in.
    deputy = member_account(client, admin, "second.admin")
    gone = client.post(f"{MEMBERS}/{first_id}/disable", headers=deputy.auth)
    assert gone.status_code == 200 and gone.json()["disabled"] is True
    assert_problem(client.get(f"{API}/organizations/me", headers=admin.auth), 401)
    first_login = {"credit_code": admin.credit_code, "password": organization_body()["password"]}
    assert_problem(client.post(f"{API}/sessions", json=first_login), 401)
    with no_new_events(services):
        assert_problem(client.post(f"{MEMBERS}/{first_id}/disable", headers=deputy.auth), 409)
        unknown = "00000000-0000-4000-8000-000000000000"
        assert_problem(client.post(f"{MEMBERS}/{unknown}/disable", headers=deputy.auth), 404)


def test_a_disabled_member_is_signed_out_at_once_sockets_too(
    client: TestClient, services: Services
) -> None:
    admin = sign_up(client)
    added = add(client, admin, "leaver.chen")
    leaver = member_account(client, admin, "leaver.chen")
    assert client.get(f"{API}/organizations/me", headers=leaver.auth).status_code == 200
    url = f"{API}/stream?after={head(services)}&token={leaver.token}"
    with client.websocket_connect(url) as ws:
        disabled = client.post(f"{MEMBERS}/{added['id']}/disable", headers=admin.auth)
        assert disabled.status_code == 200, disabled.text
        code, _ = until_closed(ws)
    assert code == 4401
    assert_problem(client.get(f"{API}/organizations/me", headers=leaver.auth), 401)
    assert_problem(sign_in(client, "leaver.chen"), 401)

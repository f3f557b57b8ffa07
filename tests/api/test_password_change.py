"""`POST /sessions/password`: a person changes its own password with the old one; its other
sessions end (their sockets too, 4401); a wrong old password is `403 reauth_failed` and counts
toward the login throttle; a weak new one is a field-named 422. None of it is an event."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, log_in, sign_up
from tests.api.helpers import API, ZH, assert_problem, head, is_chinese, no_new_events
from tests.api.test_members import PASSWORD as MEMBER_PASSWORD
from tests.api.test_members import add, member_account, sign_in
from tests.api.test_stream_sessions import until_closed
from tests.support import organization_body

PASSWORD = organization_body()["password"]  # every test account's
NEW = "a new password 2027"
URL = f"{API}/sessions/password"


def change(client: TestClient, account: Account, old: str, new: str = NEW) -> httpx.Response:
    return client.post(URL, json={"old_password": old, "new_password": new}, headers=account.auth)


def by_code(client: TestClient, account: Account, password: str) -> httpx.Response:
    body = {"credit_code": account.credit_code, "password": password}
    return client.post(f"{API}/sessions", json=body)


def again(client: TestClient, account: Account) -> Account:
    return log_in(client, account.credit_code, PASSWORD, account.kind, account.name)


def test_the_first_admin_changes_its_password_and_its_other_sessions_end(
    client: TestClient, services: Services
) -> None:
    admin = sign_up(client)
    other = again(client, admin)
    url = f"{API}/stream?after={head(services)}&token={other.token}"
    with no_new_events(services), client.websocket_connect(url) as ws:
        changed = change(client, admin, PASSWORD)
        assert changed.status_code == 204, changed.text
        code, _ = until_closed(ws)
    assert code == 4401
    assert_problem(client.get(f"{API}/organizations/me", headers=other.auth), 401)
    assert client.get(f"{API}/organizations/me", headers=admin.auth).status_code == 200
    assert_problem(by_code(client, admin, PASSWORD), 401)
    assert by_code(client, admin, NEW).status_code == 201


def test_a_member_changes_its_own_password_not_the_organizations(client: TestClient) -> None:
    admin = sign_up(client)
    add(client, admin, "clerk.wu")
    clerk = member_account(client, admin, "clerk.wu")
    assert change(client, clerk, MEMBER_PASSWORD).status_code == 204
    assert_problem(sign_in(client, "clerk.wu"), 401)
    assert sign_in(client, "clerk.wu", NEW).status_code == 201
    # The first admin's password and session are untouched.
    assert client.get(f"{API}/organizations/me", headers=admin.auth).status_code == 200
    assert by_code(client, admin, PASSWORD).status_code == 201


def test_a_wrong_old_password_is_403_changes_nothing_and_counts_toward_the_throttle(
    client: TestClient, services: Services
) -> None:
    admin = sign_up(client)
    other = again(client, admin)
    with no_new_events(services):
        for _ in range(4):
            problem = assert_problem(change(client, admin, "not the password"), 403)
            assert problem["code"] == "reauth_failed"
        zh = client.post(
            URL,
            json={"old_password": "still not it", "new_password": NEW},
            headers={**admin.auth, **ZH},
        )
        assert is_chinese(assert_problem(zh, 403)["detail"])  # the 5th failure
        throttled = assert_problem(change(client, admin, PASSWORD), 429)
        assert throttled["code"] == "too_many_attempts"
        assert_problem(by_code(client, admin, PASSWORD), 429)
    assert client.get(f"{API}/organizations/me", headers=other.auth).status_code == 200


def test_a_weak_new_password_is_refused_by_the_registration_rule(
    client: TestClient, services: Services
) -> None:
    admin = sign_up(client)
    other = again(client, admin)
    for body, field in (
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "x" * 257}, "new_password"),
        ({"old_password": "", "new_password": NEW}, "old_password"),
        ({"new_password": NEW}, "old_password"),
    ):
        with no_new_events(services):
            response = client.post(URL, json=body, headers=admin.auth)
            assert_problem(response, 422, field=field)
    assert client.get(f"{API}/organizations/me", headers=other.auth).status_code == 200
    assert by_code(client, admin, PASSWORD).status_code == 201


def test_changing_a_password_needs_a_session(client: TestClient) -> None:
    body = {"old_password": PASSWORD, "new_password": NEW}
    assert_problem(client.post(URL, json=body), 401)

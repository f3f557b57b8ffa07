"""Sessions: log in, log out, wrong credentials, throttling of failed logins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, log_in, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.support import new_credit_code, organization_body

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def member(client: TestClient) -> Account:
    return sign_up(client)


def _log_in(
    client: TestClient, credit_code: str, password: str = PASSWORD, **headers: str
) -> httpx.Response:
    return client.post(
        f"{API}/sessions", json={"credit_code": credit_code, "password": password}, headers=headers
    )


def test_log_in(client: TestClient, services: Services, member: Account) -> None:
    with no_new_events(services):
        response = _log_in(client, member.credit_code)
    assert response.status_code == 201, response.text
    data = response.json()
    assert isinstance(data["token"], str) and len(data["token"]) >= 32
    assert data["token"] != member.token
    expires_at = datetime.fromisoformat(data["expires_at"])
    assert expires_at.tzinfo is not None
    assert datetime.now(UTC) < expires_at <= datetime.now(UTC) + timedelta(days=2)
    assert data["organization"] == {
        "id": member.id,
        "kind": "enterprise",
        "name": member.name,
        "verified": True,
        "suspended": False,
    }
    assert "password" not in response.text


def test_log_in_with_lower_case_credit_code(client: TestClient, member: Account) -> None:
    response = _log_in(client, member.credit_code.lower())
    assert response.status_code == 201, response.text
    assert response.json()["organization"]["id"] == member.id


def test_bank_session_says_unverified(client: TestClient) -> None:
    bank = sign_up(client, "bank")
    response = _log_in(client, bank.credit_code)
    assert response.status_code == 201, response.text
    assert response.json()["organization"]["kind"] == "bank"
    assert response.json()["organization"]["verified"] is False


def test_wrong_password_and_unknown_code_give_the_same_401(
    client: TestClient, services: Services, member: Account
) -> None:
    with no_new_events(services):
        wrong = assert_problem(_log_in(client, member.credit_code, "wrong password!!"), 401)
        unknown = assert_problem(_log_in(client, new_credit_code(), PASSWORD), 401)
        not_a_code = assert_problem(_log_in(client, "nonsense", PASSWORD), 401)
    assert wrong["detail"] == unknown["detail"] == not_a_code["detail"]
    assert wrong["title"] == unknown["title"]


def test_wrong_credentials_in_chinese(client: TestClient) -> None:
    problem = assert_problem(_log_in(client, new_credit_code(), PASSWORD, **ZH), 401)
    assert is_chinese(problem["detail"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credit_code": "91330106MA2B3C4D5E"}, "password"),
        ({"password": PASSWORD}, "credit_code"),
        ({"credit_code": "91330106MA2B3C4D5E", "password": PASSWORD, "remember": True}, "remember"),
        ({"credit_code": 913301, "password": PASSWORD}, "credit_code"),
        ({"credit_code": "91330106MA2B3C4D5E", "password": ""}, "password"),
    ],
    ids=["no password", "no code", "unknown field", "code not a string", "empty password"],
)
def test_malformed_log_in_is_422(
    client: TestClient, services: Services, body: dict[str, object], field: str
) -> None:
    with no_new_events(services):
        assert_problem(client.post(f"{API}/sessions", json=body), 422, field=field)


def test_log_out(client: TestClient, services: Services, member: Account) -> None:
    session = log_in(client, member.credit_code, PASSWORD, "enterprise", member.name)
    other = log_in(client, member.credit_code, PASSWORD, "enterprise", member.name)
    assert client.get(f"{API}/organizations/me", headers=session.auth).status_code == 200
    with no_new_events(services):
        response = client.delete(f"{API}/sessions/current", headers=session.auth)
    assert response.status_code == 204, response.text
    assert response.content == b""
    # The token stops working at once, everywhere.
    assert_problem(client.get(f"{API}/organizations/me", headers=session.auth), 401)
    assert_problem(client.delete(f"{API}/sessions/current", headers=session.auth), 401)
    assert_problem(client.post(f"{API}/postings", json={}, headers=session.auth), 401)
    # Other sessions of the same organization stay valid.
    assert client.get(f"{API}/organizations/me", headers=other.auth).status_code == 200


def test_log_out_needs_a_session(client: TestClient) -> None:
    assert_problem(client.delete(f"{API}/sessions/current"), 401)
    assert_problem(
        client.delete(f"{API}/sessions/current", headers={"Authorization": "Bearer invalid"}), 401
    )


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "token-without-scheme", "Bearer"],
)
def test_invalid_tokens_are_401(client: TestClient, authorization: str) -> None:
    response = client.get(f"{API}/organizations/me", headers={"Authorization": authorization})
    assert_problem(response, 401)
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


def test_missing_token_is_401_in_chinese(client: TestClient) -> None:
    problem = assert_problem(client.get(f"{API}/organizations/me", headers=ZH), 401)
    assert is_chinese(problem["detail"])


def test_five_failures_throttle_the_credit_code(client: TestClient, services: Services) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    bystander = organization_body()
    assert client.post(f"{API}/organizations", json=bystander).status_code == 201
    code = body["credit_code"]
    with no_new_events(services):
        for _ in range(5):
            assert_problem(_log_in(client, code, "wrong password!!"), 401)
        # The sixth attempt is refused even with the right password.
        response = _log_in(client, code, PASSWORD)
        problem = assert_problem(response, 429)
        retry_after = response.headers.get("retry-after")
        assert retry_after is not None and retry_after.isdigit(), response.headers
        assert 1 <= int(retry_after) <= 61
        assert "token" not in problem
        # Throttling is per credit code, and does not depend on the letter case.
        assert_problem(_log_in(client, code.lower(), PASSWORD), 429)
        zh = assert_problem(_log_in(client, code, PASSWORD, **ZH), 429)
        assert is_chinese(zh["detail"])
    other = _log_in(client, bystander["credit_code"], PASSWORD)
    assert other.status_code == 201, other.text


def test_unknown_credit_codes_are_throttled_too(client: TestClient) -> None:
    code = new_credit_code()
    for _ in range(5):
        assert_problem(_log_in(client, code, PASSWORD), 401)
    response = _log_in(client, code, PASSWORD)
    assert_problem(response, 429)
    assert "retry-after" in response.headers


def test_four_failures_do_not_throttle(client: TestClient) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    for _ in range(4):
        assert_problem(_log_in(client, body["credit_code"], "wrong password!!"), 401)
    response = _log_in(client, body["credit_code"], PASSWORD)
    assert response.status_code == 201, response.text

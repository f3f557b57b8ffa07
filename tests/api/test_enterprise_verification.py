"""`MARKET_ENTERPRISE_VERIFICATION=required`: enterprises register unverified and may read,
but not post, bid, ask for financing or sign up, until an operator verifies them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import need_body
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events, publish
from tests.services import QUICK, running_services
from tests.support import bid_body, organization_body, posting_body


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """As the shared fixture, with enterprise verification required."""
    with running_services(
        database_url, tmp_path_factory.mktemp("data"), **QUICK, enterprise_verification="required"
    ) as opened:
        yield opened


def verify(client: TestClient, operator: Account, account: Account) -> None:
    response = client.post(f"{API}/organizations/{account.id}/verify", headers=operator.auth)
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def exhibition_id(client: TestClient, operator: Account) -> str:
    now = datetime.now(UTC)
    body = {
        "name": "认证测试展",
        "venue": "杭州国际博览中心",
        "online": False,
        "starts_at": (now + timedelta(days=10)).isoformat(),
        "ends_at": (now + timedelta(days=11)).isoformat(),
        "capacity": 10,
        "signup_deadline": (now + timedelta(days=5)).isoformat(),
    }
    response = client.post(f"{API}/exhibitions", json=body, headers=operator.auth)
    assert response.status_code == 201, response.text
    exhibition: str = response.json()["id"]
    return exhibition


@pytest.fixture(scope="module")
def posting_id(client: TestClient, operator: Account) -> str:
    owner = sign_up(client)
    verify(client, operator, owner)
    posting: str = publish(client, owner)["id"]
    return posting


def acts(posting_id: str, exhibition_id: str) -> dict[str, tuple[str, dict[str, Any] | None]]:
    return {
        "post": (f"{API}/postings", posting_body()),
        "bid": (f"{API}/postings/{posting_id}/bids", bid_body()),
        "ask for financing": (f"{API}/financing-needs", need_body()),
        "sign up": (f"{API}/exhibitions/{exhibition_id}/signups", None),
    }


def test_enterprises_register_unverified(client: TestClient) -> None:
    account = sign_up(client)
    own = client.get(f"{API}/organizations/me", headers=account.auth).json()
    assert own["verified"] is False
    assert client.get(f"{API}/organizations/{account.id}").json()["verified"] is False
    bank = sign_up(client, "bank")
    assert client.get(f"{API}/organizations/{bank.id}").json()["verified"] is False


def test_an_unverified_enterprise_may_read(
    client: TestClient, posting_id: str, exhibition_id: str
) -> None:
    account = sign_up(client)
    for path in (
        "/postings",
        f"/postings/{posting_id}",
        "/financing-needs",
        "/exhibitions",
        f"/exhibitions/{exhibition_id}",
        "/organizations/me",
        "/stats",
    ):
        response = client.get(f"{API}{path}", headers=account.auth)
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize("act", ["post", "bid", "ask for financing", "sign up"])
def test_an_unverified_enterprise_may_not_act(
    client: TestClient, services: Services, posting_id: str, exhibition_id: str, act: str
) -> None:
    account = sign_up(client)
    url, body = acts(posting_id, exhibition_id)[act]
    with no_new_events(services):
        response = client.post(url, json=body, headers=account.auth)
        problem = assert_problem(response, 403)
        assert problem["code"] == "not_verified"
        assert "verified" in problem["detail"]
        zh = assert_problem(client.post(url, json=body, headers={**account.auth, **ZH}), 403)
        assert is_chinese(zh["detail"]) and zh["code"] == "not_verified"


def test_a_rejected_enterprise_may_not_act_either(
    client: TestClient, services: Services, operator: Account
) -> None:
    account = sign_up(client)
    rejected = client.post(
        f"{API}/organizations/{account.id}/verify",
        json={"approve": False, "reason": "信用代码与营业执照不符"},
        headers=operator.auth,
    )
    assert rejected.status_code == 200, rejected.text
    with no_new_events(services):
        response = client.post(f"{API}/postings", json=posting_body(), headers=account.auth)
        assert assert_problem(response, 403)["code"] == "not_verified"


def test_operators_find_them_and_once_verified_they_act(
    client: TestClient, operator: Account, posting_id: str, exhibition_id: str
) -> None:
    account = sign_up(client)
    waiting = client.get(
        f"{API}/organizations",
        params={"kind": "enterprise", "verified": "false", "limit": 200},
        headers=operator.auth,
    )
    assert waiting.status_code == 200, waiting.text
    assert account.id in [item["id"] for item in waiting.json()["items"]]

    verify(client, operator, account)
    verified = client.get(
        f"{API}/organizations",
        params={"kind": "enterprise", "verified": "false", "limit": 200},
        headers=operator.auth,
    ).json()["items"]
    assert account.id not in [item["id"] for item in verified]
    assert client.get(f"{API}/organizations/me", headers=account.auth).json()["verified"] is True
    for act, (url, body) in acts(posting_id, exhibition_id).items():
        response = client.post(url, json=body, headers=account.auth)
        assert response.status_code == 201, (act, response.text)


def test_registration_and_sessions_tell_the_verification_state(client: TestClient) -> None:
    body = organization_body()
    created = client.post(f"{API}/organizations", json=body)
    assert created.status_code == 201 and created.json()["verified"] is False
    session = client.post(
        f"{API}/sessions", json={"credit_code": body["credit_code"], "password": body["password"]}
    )
    assert session.status_code == 201, session.text
    assert session.json()["organization"]["verified"] is False


def test_a_new_name_sends_an_enterprise_back_to_verification(
    client: TestClient, operator: Account
) -> None:
    enterprise = sign_up(client)
    verify(client, operator, enterprise)
    renamed = client.patch(
        f"{API}/organizations/me", json={"name": "更名后的企业"}, headers=enterprise.auth
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["verified"] is False
    refused = client.post(f"{API}/postings", json=posting_body(), headers=enterprise.auth)
    assert assert_problem(refused, 403)["code"] == "not_verified"
    verify(client, operator, enterprise)
    assert (
        client.post(f"{API}/postings", json=posting_body(), headers=enterprise.auth).status_code
        == 201
    )

"""Moderation: operators suspend and reinstate organizations and remove postings, each with a
reason and an event; a suspended organization reads but every write is refused."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from marketplace.bootstrap import Services
from tests.api.conftest import Account, log_in, sign_up
from tests.api.financing_helpers import publish_product, verified_bank
from tests.api.helpers import API, assert_problem, bid, is_chinese, listed_ids, no_new_events
from tests.api.helpers import publish as publish_posting
from tests.support import bid_body, organization_body

# Writes a suspended organization may still make: none needs a session but logging out.
NOT_REFUSED = {
    ("POST", "/api/v1/organizations"),  # registering: no session
    ("POST", "/api/v1/sessions"),  # signing in: no session
    ("DELETE", "/api/v1/sessions/current"),  # logging out
    # Marking its own notifications read is reading, not a market write (it may read).
    ("POST", "/api/v1/notifications/{notification_id}/read"),
    ("POST", "/api/v1/notifications/read-all"),
}


def write_routes() -> list[tuple[str, str]]:
    """Every write route of the API, from its OpenAPI description."""
    paths = create_app().openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]


def suspend(
    client: TestClient, operator: Account, org_id: str, reason: str = "冒用他人信用代码"
) -> httpx.Response:
    return client.post(
        f"{API}/organizations/{org_id}/suspend", json={"reason": reason}, headers=operator.auth
    )


@pytest.fixture(scope="module")
def suspended(client: TestClient, operator: Account) -> Account:
    """A suspended enterprise (signed in before its suspension)."""
    account = sign_up(client)
    response = suspend(client, operator, account.id)
    assert response.status_code == 200, response.text
    return account


@pytest.mark.parametrize(
    ("method", "path"), [r for r in write_routes() if r not in NOT_REFUSED], ids=" ".join
)
def test_every_write_of_a_suspended_organization_is_refused(
    client: TestClient, services: Services, suspended: Account, method: str, path: str
) -> None:
    """The refusal comes before the role, the ids and the body are looked at; only the
    writes in NOT_REFUSED are let through."""
    url = path.format_map({name: str(uuid.uuid4()) for name in _placeholders(path)})
    with no_new_events(services):
        response = client.request(method, url, json={}, headers=suspended.auth)
        body = assert_problem(response, 403)
    assert body["code"] == "suspended"


def _placeholders(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def test_the_routes_not_refused_are_real_write_routes() -> None:
    """NOT_REFUSED names routes that exist, so it cannot hide a write route by a typo."""
    assert set(write_routes()) >= NOT_REFUSED


def test_suspension_hides_postings_and_reinstatement_brings_them_back(
    client: TestClient, services: Services, operator: Account
) -> None:
    body = organization_body("enterprise")
    created = client.post(f"{API}/organizations", json=body)
    assert created.status_code == 201, created.text
    owner = log_in(client, body["credit_code"], body["password"], "enterprise", body["name"])
    posting = publish_posting(client, owner)
    assert posting["id"] in listed_ids(client, owner=owner.id)

    suspended = suspend(client, operator, owner.id, "  冒用他人信用代码  ")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["suspended"] is True
    assert suspended.json()["suspension_reason"] == "冒用他人信用代码"
    assert posting["id"] not in listed_ids(client, owner=owner.id)
    assert posting["id"] not in listed_ids(client)

    # It still signs in and reads; it sees why it was suspended.
    again = log_in(client, body["credit_code"], body["password"], "enterprise", body["name"])
    me = client.get(f"{API}/organizations/me", headers=again.auth).json()
    assert me["suspended"] is True and me["suspension_reason"] == "冒用他人信用代码"
    own = client.get(f"{API}/postings/{posting['id']}", headers=again.auth)
    assert own.status_code == 200
    with no_new_events(services):
        refused = client.post(f"{API}/postings/{posting['id']}/withdraw", headers=again.auth)
    problem = assert_problem(refused, 403)
    assert problem["code"] == "suspended"
    chinese = client.post(
        f"{API}/postings", json={}, headers={**again.auth, "Accept-Language": "zh-CN"}
    )
    assert is_chinese(assert_problem(chinese, 403)["detail"])

    reinstated = client.post(
        f"{API}/organizations/{owner.id}/reinstate",
        json={"reason": "已核实身份"},
        headers=operator.auth,
    )
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["suspended"] is False
    assert posting["id"] in listed_ids(client, owner=owner.id)
    withdrawn = client.post(f"{API}/postings/{posting['id']}/withdraw", headers=again.auth)
    assert withdrawn.status_code == 200, withdrawn.text


def test_suspending_twice_reinstating_the_unsuspended_and_staff_conflict(
    client: TestClient, services: Services, operator: Account, suspended: Account
) -> None:
    unsuspended = sign_up(client)
    with no_new_events(services):
        assert_problem(suspend(client, operator, suspended.id), 409)
        assert_problem(suspend(client, operator, operator.id), 409)
        reinstate = client.post(
            f"{API}/organizations/{unsuspended.id}/reinstate",
            json={"reason": "无"},
            headers=operator.auth,
        )
        assert_problem(reinstate, 409)
        assert_problem(suspend(client, operator, str(uuid.uuid4())), 404)


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "长" * 501}, {"reason": 5}]
)
def test_a_decision_needs_a_reason_of_1_to_500_characters(
    client: TestClient, services: Services, operator: Account, owner: Account, body: Any
) -> None:
    posting = publish_posting(client, owner)
    with no_new_events(services):
        for url in (
            f"{API}/organizations/{owner.id}/suspend",
            f"{API}/organizations/{owner.id}/reinstate",
            f"{API}/postings/{posting['id']}/remove",
        ):
            response = client.post(url, json=body, headers=operator.auth)
            assert_problem(response, 422, field="reason")


def test_a_removed_posting_is_hidden_refuses_bids_and_tells_its_parties_why(
    client: TestClient, services: Services, operator: Account, owner: Account, bidder: Account
) -> None:
    posting = publish_posting(client, owner)
    bid(client, bidder, posting["id"])
    stranger = sign_up(client)

    removed = client.post(
        f"{API}/postings/{posting['id']}/remove",
        json={"reason": "发布违法信息"},
        headers=operator.auth,
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["status"] == "removed"
    assert removed.json()["removal_reason"] == "发布违法信息"

    assert posting["id"] not in listed_ids(client, owner=owner.id, status="all")
    for party in (owner, bidder, operator):
        seen = client.get(f"{API}/postings/{posting['id']}", headers=party.auth)
        assert seen.status_code == 200, seen.text
        assert seen.json()["status"] == "removed"
        assert seen.json()["removal_reason"] == "发布违法信息"
    assert_problem(client.get(f"{API}/postings/{posting['id']}", headers=stranger.auth), 404)
    assert_problem(client.get(f"{API}/postings/{posting['id']}"), 404)

    with no_new_events(services):
        late = client.post(
            f"{API}/postings/{posting['id']}/bids", json=bid_body(), headers=stranger.auth
        )
        assert_problem(late, 409)
        again = client.post(
            f"{API}/postings/{posting['id']}/remove", json={"reason": "重复"}, headers=operator.auth
        )
        assert_problem(again, 409)


def test_a_suspension_stays_in_the_audit_log_with_its_reason(
    client: TestClient, auditor: Account, suspended: Account
) -> None:
    response = client.get(f"{API}/audit/streams/{suspended.id}", headers=auditor.auth)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items[-1]["type"].endswith("Organization.Suspended"), items[-1]["type"]
    assert items[-1]["data"]["reason"] == "冒用他人信用代码"


def test_suspension_hides_matches_and_products_too(client: TestClient, operator: Account) -> None:
    seller, buyer = sign_up(client), sign_up(client)
    supply = publish_posting(client, seller, side="supply")
    demand = publish_posting(client, buyer, side="demand")
    bank = verified_bank(client, operator)
    product = publish_product(client, bank)

    def matched() -> list[str]:
        found = client.get(f"{API}/postings/{demand['id']}/matches", headers=buyer.auth)
        assert found.status_code == 200, found.text
        return [item["id"] for item in found.json()["items"]]

    def products() -> list[str]:
        return [p["id"] for p in client.get(f"{API}/bank-products?limit=200").json()["items"]]

    assert supply["id"] in matched() and product["id"] in products()
    assert suspend(client, operator, seller.id).status_code == 200
    assert suspend(client, operator, bank.id).status_code == 200
    assert supply["id"] not in matched() and product["id"] not in products()

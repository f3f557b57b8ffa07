"""A bank revises and retires its products (API.md "Service catalogue": `PATCH
/bank-products/{id}` and `POST /bank-products/{id}/retire`): retired products are neither
listed nor matched; only the bank that published a product may change it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import (
    NEEDS,
    PRODUCTS,
    post_need,
    publish_product,
    verified_bank,
)
from tests.api.helpers import assert_problem, head, no_new_events


@pytest.fixture(scope="module")
def bank(client: TestClient, operator: Account) -> Account:
    return verified_bank(client, operator)


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get(PRODUCTS, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


def test_a_bank_revises_some_terms_of_its_product(
    client: TestClient, services: Services, bank: Account
) -> None:
    product = publish_product(client, bank, regions=["33"])
    body = {"rate_max": "5.2", "regions": ["33", "3201"], "name": "科创信用贷（2027）"}
    headers = {**bank.auth, "If-Match": str(product["version"])}
    response = client.patch(f"{PRODUCTS}/{product['id']}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["rate_max"] == "5.2"
    assert data["regions"] == ["33", "3201"]
    assert data["name"] == "科创信用贷（2027）"
    assert data["rate_min"] == product["rate_min"]  # not named: unchanged
    assert (data["version"], data["position"], data["status"]) == (2, head(services), "active")
    (found,) = [
        p
        for p in client.get(PRODUCTS, params={"bank": bank.id, "limit": 200}).json()["items"]
        if p["id"] == product["id"]
    ]
    assert (found["rate_max"], found["regions"]) == ("5.2", ["33", "3201"])


def test_a_revision_is_checked_like_a_publication_and_writes_nothing_when_refused(
    client: TestClient, services: Services, bank: Account
) -> None:
    product = publish_product(client, bank)
    url = f"{PRODUCTS}/{product['id']}"
    with no_new_events(services):
        # The new minimum above the unchanged maximum (5,000,000).
        refused = client.patch(url, json={"amount_min": "9000000"}, headers=bank.auth)
        assert_problem(refused, 422, field="amount_min")
        assert_problem(client.patch(url, json={"term_min": 0}, headers=bank.auth), 422)
        stale = {**bank.auth, "If-Match": "7"}
        assert_problem(client.patch(url, json={"name": "x"}, headers=stale), 412)
        same = client.patch(url, json={"name": product["name"]}, headers=bank.auth)
        assert_problem(same, 409)


def test_only_its_bank_may_revise_or_retire_a_product(
    client: TestClient, services: Services, operator: Account, bank: Account
) -> None:
    product = publish_product(client, bank)
    other = verified_bank(client, operator)
    enterprise = sign_up(client, "enterprise")
    url = f"{PRODUCTS}/{product['id']}"
    with no_new_events(services):
        assert_problem(client.patch(url, json={"name": "x"}, headers=other.auth), 403)
        assert_problem(client.post(f"{url}/retire", headers=other.auth), 403)
        assert_problem(client.post(f"{url}/retire", headers=enterprise.auth), 403)
        assert_problem(client.post(f"{url}/retire"), 401)
        missing = f"{PRODUCTS}/00000000-0000-4000-8000-000000000000/retire"
        assert_problem(client.post(missing, headers=bank.auth), 404)


def test_a_retired_product_is_neither_listed_nor_matched_nor_changed(
    client: TestClient, services: Services, bank: Account
) -> None:
    product = publish_product(client, bank, regions=["330106"])
    owner = sign_up(client, "enterprise")
    need = post_need(client, owner)
    matches = f"{NEEDS}/{need['id']}/matches"
    assert product["id"] in [
        m["id"] for m in client.get(matches, headers=owner.auth).json()["items"]
    ]

    url = f"{PRODUCTS}/{product['id']}"
    retired = client.post(f"{url}/retire", headers=bank.auth)
    assert retired.status_code == 200, retired.text
    assert (retired.json()["status"], retired.json()["version"]) == ("retired", 2)
    position = retired.json()["position"]
    assert product["id"] not in listed(client, bank=bank.id, min_position=position)
    assert product["id"] in listed(client, bank=bank.id, status="retired")
    found = client.get(matches, params={"min_position": position}, headers=owner.auth).json()
    assert product["id"] not in [m["id"] for m in found["items"]]
    with no_new_events(services):
        assert_problem(client.post(f"{url}/retire", headers=bank.auth), 409)
        assert_problem(client.patch(url, json={"name": "再上架"}, headers=bank.auth), 409)

"""Service providers (服务机构): registration with service categories, operator verification
(approve, or reject with a reason), and their public profile."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import post_need
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.support import organization_body

CATEGORIES = ["legal", "business"]


def provider_body(**overrides: Any) -> dict[str, Any]:
    return organization_body("provider", service_categories=CATEGORIES, **overrides)


def test_a_provider_registers_unverified_with_its_categories(client: TestClient) -> None:
    body = provider_body(name="明理律师事务所")
    created = client.post(f"{API}/organizations", json=body)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["kind"] == "provider" and answer["verified"] is False
    assert answer["service_categories"] == CATEGORIES
    public = client.get(f"{API}/organizations/{answer['id']}").json()
    assert public["service_categories"] == CATEGORIES and public["verified"] is False
    assert "contact" not in public


@pytest.mark.parametrize(
    "categories",
    [None, [], ["legal", "legal"], ["astrology"], ["legal"] * 13, "legal"],
)
def test_bad_categories_are_refused_on_the_field(
    client: TestClient, services: Services, categories: Any
) -> None:
    body = provider_body()
    if categories is None:
        del body["service_categories"]
    else:
        body["service_categories"] = categories
    with no_new_events(services):
        response = client.post(f"{API}/organizations", json=body, headers=ZH)
    problem = assert_problem(response, 422, field="service_categories")
    assert all(is_chinese(error["message"]) for error in problem["errors"])


def test_other_kinds_name_no_categories(client: TestClient, services: Services) -> None:
    body = organization_body("enterprise", service_categories=["legal"])
    with no_new_events(services):
        response = client.post(f"{API}/organizations", json=body)
    assert_problem(response, 422, field="service_categories")
    enterprise = sign_up(client)
    assert client.get(f"{API}/organizations/{enterprise.id}").json()["service_categories"] == []


def test_operators_find_verify_and_reject_providers(client: TestClient, operator: Account) -> None:
    waiting = sign_up(client, "provider", service_categories=["testing_inspection"])
    rejected = sign_up(client, "provider", service_categories=["technology"])
    listed = client.get(
        f"{API}/organizations",
        params={"kind": "provider", "verified": "false", "limit": 200},
        headers=operator.auth,
    )
    assert listed.status_code == 200, listed.text
    rows = {row["id"]: row for row in listed.json()["items"]}
    assert rows[waiting.id]["service_categories"] == ["testing_inspection"]
    assert rejected.id in rows and all(row["kind"] == "provider" for row in rows.values())

    decline = {"approve": False, "reason": "执业许可证已过期"}
    turned_down = client.post(
        f"{API}/organizations/{rejected.id}/verify", json=decline, headers=operator.auth
    )
    assert turned_down.status_code == 200, turned_down.text
    own = client.get(f"{API}/organizations/me", headers=rejected.auth).json()
    assert own["verified"] is False and own["rejection_reason"] == "执业许可证已过期"
    assert own["service_categories"] == ["technology"]

    approved = client.post(f"{API}/organizations/{waiting.id}/verify", headers=operator.auth)
    assert approved.status_code == 200 and approved.json()["verified"] is True
    assert client.get(f"{API}/organizations/{waiting.id}").json()["verified"] is True
    again = client.get(
        f"{API}/organizations",
        params={"kind": "provider", "verified": "true", "limit": 200},
        headers=operator.auth,
    )
    assert waiting.id in {row["id"] for row in again.json()["items"]}


def test_only_operators_verify_providers(client: TestClient, enterprise: Account) -> None:
    provider = sign_up(client, "provider", service_categories=CATEGORIES)
    for caller in (enterprise, provider):
        response = client.post(f"{API}/organizations/{provider.id}/verify", headers=caller.auth)
        assert_problem(response, 403)


def test_providers_read_no_financing_need(client: TestClient, operator: Account) -> None:
    need = post_need(client, sign_up(client))
    provider = sign_up(client, "provider", service_categories=CATEGORIES)
    for verified in (False, True):
        if verified:
            assert (
                client.post(
                    f"{API}/organizations/{provider.id}/verify", headers=operator.auth
                ).status_code
                == 200
            )
        assert_problem(client.get(f"{API}/financing-needs", headers=provider.auth), 403)
        one = client.get(f"{API}/financing-needs/{need['id']}", headers=provider.auth)
        assert_problem(one, 403)

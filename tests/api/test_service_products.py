"""Service products (服务产品): verified providers publish, revise and retire them in their own
categories; anyone searches the catalogue by category, region, pricing, provider and text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events

PRODUCTS = f"{API}/service-products"


def product_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "中小企业合同审查",
        "category": "legal",
        "description": "Contract review for SMEs by licensed lawyers; 合同条款风险提示。",
        "pricing": "discounted",
        "price": "800.00",
        "unit": "次",
        "regions": ["3301"],
        "response_hours": 24,
    }
    body.update(overrides)
    return body


def verified_provider(client: TestClient, operator: Account, *categories: str) -> Account:
    provider = sign_up(client, "provider", service_categories=list(categories))
    response = client.post(f"{API}/organizations/{provider.id}/verify", headers=operator.auth)
    assert response.status_code == 200, response.text
    return provider


@pytest.fixture(scope="module")
def law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal", "business")


def publish(client: TestClient, provider: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(PRODUCTS, json=product_body(**overrides), headers=provider.auth)
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get(PRODUCTS, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_verified_provider_publishes_and_anyone_reads(
    client: TestClient, law_firm: Account
) -> None:
    product = publish(client, law_firm)
    assert product["status"] == "active" and product["price"] == "800.00"
    assert product["provider"] == {"id": law_firm.id, "name": law_firm.name}
    read = client.get(f"{PRODUCTS}/{product['id']}").json()
    assert read["regions"] == ["3301"] and read["response_hours"] == 24
    assert read["completed_requests"] == 0 and read["satisfaction"] == {"count": 0, "mean": None}
    free = publish(client, law_firm, name="劳动法公益讲座", pricing="free", price=None)
    assert free["price"] is None


def test_search_by_category_region_pricing_provider_and_text(
    client: TestClient, operator: Account
) -> None:
    lab = verified_provider(client, operator, "testing_inspection", "certification")
    tested = publish(
        client,
        lab,
        name="食品安全检测",
        category="testing_inspection",
        description="Pesticide residue testing of vegetables",
        pricing="market",
        price="1200.00",
        regions=["35"],
    )
    certified = publish(
        client,
        lab,
        name="ISO 9001 认证辅导",
        category="certification",
        description="质量管理体系认证",
        pricing="free",
        price=None,
        regions=["330106"],
    )
    assert listed(client, provider=lab.id) == [certified["id"], tested["id"]]
    assert listed(client, provider=lab.id, category="testing_inspection") == [tested["id"]]
    assert listed(client, provider=lab.id, region="350203") == [tested["id"]]
    assert listed(client, provider=lab.id, region="33") == [certified["id"]]
    assert listed(client, provider=lab.id, pricing="free") == [certified["id"]]
    assert listed(client, provider=lab.id, q="检测") == [tested["id"]]
    assert listed(client, provider=lab.id, q="vegetable") == [tested["id"]]
    assert listed(client, provider=lab.id, q="认证") == [certified["id"]]
    assert listed(client, provider=lab.id, q="blockchain") == []


def test_revise_and_retire(client: TestClient, law_firm: Account, services: Services) -> None:
    product = publish(client, law_firm)
    path = f"{PRODUCTS}/{product['id']}"
    revised = client.patch(
        path, json={"pricing": "free", "price": None, "regions": ["33"]}, headers=law_firm.auth
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["pricing"] == "free" and revised.json()["version"] == 2
    assert product["id"] in listed(client, provider=law_firm.id, pricing="free", region="3302")
    stale = client.patch(path, json={"name": "新名称"}, headers={**law_firm.auth, "If-Match": "1"})
    assert_problem(stale, 412)
    with no_new_events(services):  # a revision that changes nothing
        same = client.patch(path, json={"name": product["name"]}, headers=law_firm.auth)
        assert_problem(same, 409)
    retired = client.post(f"{path}/retire", headers=law_firm.auth)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert product["id"] not in listed(client, provider=law_firm.id)
    assert product["id"] in listed(client, provider=law_firm.id, status="retired")
    with no_new_events(services):
        assert_problem(client.post(f"{path}/retire", headers=law_firm.auth), 409)
        assert_problem(client.patch(path, json={"name": "x"}, headers=law_firm.auth), 409)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "financing"}, "category"),  # not one of the provider's
        ({"category": "astrology"}, "category"),
        ({"pricing": "gratis"}, "pricing"),
        ({"pricing": "market", "price": None}, "price"),
        ({"pricing": "free", "price": "10.00"}, "price"),
        ({"price": "-1"}, "price"),
        ({"regions": []}, "regions"),
        ({"regions": ["3301", "3301"]}, "regions"),
        ({"response_hours": 0}, "response_hours"),
        ({"response_hours": 721}, "response_hours"),
        ({"name": ""}, "name"),
        ({"unit": "x" * 17}, "unit"),
    ],
)
def test_bad_terms_are_refused_on_the_field(
    client: TestClient,
    law_firm: Account,
    services: Services,
    overrides: dict[str, Any],
    field: str,
) -> None:
    with no_new_events(services):
        response = client.post(
            PRODUCTS, json=product_body(**overrides), headers={**law_firm.auth, **ZH}
        )
    problem = assert_problem(response, 422, field=field)
    assert all(is_chinese(error["message"]) for error in problem["errors"])


def test_who_may_publish_and_change(
    client: TestClient, law_firm: Account, operator: Account, services: Services
) -> None:
    unverified = sign_up(client, "provider", service_categories=["legal"])
    other_firm = verified_provider(client, operator, "legal")
    enterprise = sign_up(client)
    product = publish(client, law_firm)
    path = f"{PRODUCTS}/{product['id']}"
    with no_new_events(services):
        assert_problem(client.post(PRODUCTS, json=product_body(), headers=unverified.auth), 403)
        assert_problem(client.post(PRODUCTS, json=product_body(), headers=enterprise.auth), 403)
        assert_problem(client.post(PRODUCTS, json=product_body()), 401)
        assert_problem(client.patch(path, json={"name": "x"}, headers=other_firm.auth), 403)
        assert_problem(client.post(f"{path}/retire", headers=other_firm.auth), 403)
        assert_problem(client.post(f"{path}/retire", headers=operator.auth), 403)
    unknown = f"{PRODUCTS}/00000000-0000-4000-8000-000000000000"
    assert_problem(client.get(unknown), 404)
    assert_problem(client.post(f"{unknown}/retire", headers=law_firm.auth), 404)

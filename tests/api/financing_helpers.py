"""Helpers for the financing API tests: request bodies, verified banks, needs and offers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Account, sign_up
from tests.api.helpers import API

NEEDS = f"{API}/financing-needs"
PRODUCTS = f"{API}/bank-products"


def need_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": "2000000.00",
        "term_months": 12,
        "purpose": "采购不锈钢原材料的流动资金 working capital",
        "product_type": "credit_loan",
        "region": "330106",
    }
    body.update(overrides)
    return body


def offer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": "1500000.00",
        "annual_rate": "4.35",
        "term_months": 12,
        "conditions": "需提供近两年财务报表",
    }
    body.update(overrides)
    return body


def product_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "科创信用贷",
        "product_type": "credit_loan",
        "amount_min": "100000.00",
        "amount_max": "5000000.00",
        "term_min": 6,
        "term_max": 36,
        "rate_min": "3.45",
        "rate_max": "6.50",
        "regions": ["33"],
    }
    body.update(overrides)
    return body


def verified_bank(client: TestClient, operator: Account) -> Account:
    bank = sign_up(client, "bank")
    response = client.post(f"{API}/organizations/{bank.id}/verify", headers=operator.auth)
    assert response.status_code == 200, response.text
    return bank


def post_need(client: TestClient, owner: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(NEEDS, json=need_body(**overrides), headers=owner.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def make_offer(client: TestClient, bank: Account, need_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"{NEEDS}/{need_id}/offers", json=offer_body(**overrides), headers=bank.auth
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def accept(client: TestClient, owner: Account, need_id: str, offer_id: str) -> dict[str, Any]:
    response = client.post(f"{NEEDS}/{need_id}/offers/{offer_id}/accept", headers=owner.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def sign_contract(client: TestClient, contract_id: str, *parties: Account) -> dict[str, Any]:
    """Each party signs the contract's current digest; the contract as the last one left it."""
    url = f"{API}/contracts/{contract_id}"
    digest = client.get(url, headers=parties[0].auth).json()["digest"]
    data: dict[str, Any] = {}
    for party in parties:
        signed = client.post(f"{url}/sign", json={"digest": digest}, headers=party.auth)
        assert signed.status_code == 200, signed.text
        data = signed.json()
    return data


def publish_product(client: TestClient, bank: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(PRODUCTS, json=product_body(**overrides), headers=bank.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data

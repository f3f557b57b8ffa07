"""Helpers of the service request tests: bodies, the loop's steps, providers."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.api.conftest import Account, sign_up
from tests.api.helpers import API

REQUESTS = f"{API}/service-requests"


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "legal",
        "title": "劳动合同模板审查",
        "description": "Please review our new employment contract template; 请提示风险条款。",
        "urgency": "timely",
    }
    body.update(overrides)
    return body


def verified_provider(client: TestClient, operator: Account, *categories: str) -> Account:
    provider = sign_up(client, "provider", service_categories=list(categories))
    response = client.post(f"{API}/organizations/{provider.id}/verify", headers=operator.auth)
    assert response.status_code == 200, response.text
    return provider


def submit(client: TestClient, enterprise: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(REQUESTS, json=request_body(**overrides), headers=enterprise.auth)
    assert response.status_code == 201, response.text
    request: dict[str, Any] = response.json()
    return request


def post(
    client: TestClient, account: Account, request_id: str, action: str, body: Any = None
) -> httpx.Response:
    return client.post(f"{REQUESTS}/{request_id}/{action}", json=body, headers=account.auth)


def act(
    client: TestClient, account: Account, request_id: str, action: str, body: Any = None
) -> dict[str, Any]:
    """A step that must succeed; its answer."""
    response = post(client, account, request_id, action, body)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def dispatched(
    client: TestClient, enterprise: Account, operator: Account, provider: Account, **body: Any
) -> dict[str, Any]:
    request = submit(client, enterprise, **body)
    return act(client, operator, request["id"], "dispatch", {"provider_id": provider.id})


def accepted(
    client: TestClient, enterprise: Account, operator: Account, provider: Account
) -> dict[str, Any]:
    request = dispatched(client, enterprise, operator, provider)
    return act(client, provider, request["id"], "accept")


def resolved(
    client: TestClient, enterprise: Account, operator: Account, provider: Account
) -> dict[str, Any]:
    request = accepted(client, enterprise, operator, provider)
    return act(client, provider, request["id"], "resolve", {"summary": "已出具审查意见书"})


def read(client: TestClient, account: Account, request_id: str) -> dict[str, Any]:
    response = client.get(f"{REQUESTS}/{request_id}", headers=account.auth)
    assert response.status_code == 200, response.text
    request: dict[str, Any] = response.json()
    return request


def listed(client: TestClient, account: Account, **params: Any) -> list[str]:
    response = client.get(REQUESTS, params={"limit": 200, **params}, headers=account.auth)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]

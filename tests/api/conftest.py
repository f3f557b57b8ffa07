"""API tests run the real app (views, runners, security) on a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.services import QUICK, app_client, running_services
from tests.support import organization_body, register_body


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(database_url, tmp_path_factory.mktemp("data"), **QUICK) as opened:
        yield opened


class ReadsAfterWrites:
    """Makes the test client read like the web front end (`web/api.js`): a read without
    `min_position` carries the newest `position` a write has answered, so it sees every earlier
    write of the test, whoever made it. (The server itself waits only for the caller's own
    writes: `tests/api/test_read_your_writes.py` checks that with a plain client.)"""

    def __init__(self) -> None:
        self.position = 0

    def request(self, request: httpx.Request) -> None:
        if request.method != "GET" or "upgrade" in request.headers or not self.position:
            return
        if "min_position" not in request.url.params:
            request.url = request.url.copy_add_param("min_position", str(self.position))

    def response(self, response: httpx.Response) -> None:
        if response.request.method == "GET" or not response.is_success:
            return
        if not response.headers.get("content-type", "").startswith("application/json"):
            return
        response.read()
        body = response.json()
        position = body.get("position") if isinstance(body, dict) else None
        if isinstance(position, int):
            self.position = max(self.position, position)


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services) as test_client:
        positions = ReadsAfterWrites()
        test_client.event_hooks = {"request": [positions.request], "response": [positions.response]}
        yield test_client


@pytest.fixture(scope="module")
def plain_client(services: Services) -> Iterator[TestClient]:
    """A client that sends only what each test asks for."""
    with app_client(services) as test_client:
        yield test_client


@dataclass
class Account:
    id: str
    token: str
    credit_code: str
    kind: str
    name: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def sign_up(client: TestClient, kind: str = "enterprise", **overrides: Any) -> Account:
    body = organization_body(kind, **overrides)
    created = client.post("/api/v1/organizations", json=body)
    assert created.status_code == 201, created.text
    return log_in(client, body["credit_code"], body["password"], kind, body["name"])


def log_in(client: TestClient, credit_code: str, password: str, kind: str, name: str) -> Account:
    session = client.post(
        "/api/v1/sessions", json={"credit_code": credit_code, "password": password}
    )
    assert session.status_code == 201, session.text
    data = session.json()
    return Account(data["organization"]["id"], data["token"], credit_code, kind, name)


@pytest.fixture
def enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture
def other_enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def owner(client: TestClient) -> Account:
    """One enterprise for the whole module (a module may define its own)."""
    return sign_up(client)


@pytest.fixture(scope="module")
def bidder(client: TestClient) -> Account:
    """Another enterprise for the whole module."""
    return sign_up(client)


def staff_account(client: TestClient, services: Services, kind: str) -> Account:
    """Operators and auditors are created from the command line, i.e. by this use case."""
    body = organization_body(kind)
    register_body(services.app, body)
    return log_in(client, body["credit_code"], body["password"], kind, body["name"])


@pytest.fixture(scope="module")
def operator(client: TestClient, services: Services) -> Account:
    return staff_account(client, services, "operator")


@pytest.fixture(scope="module")
def auditor(client: TestClient, services: Services) -> Account:
    return staff_account(client, services, "auditor")

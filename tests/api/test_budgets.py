"""Request budgets per client address, per organization and for costly anonymous writes:
`429 rate_limited` with `Retry-After`, counted in PostgreSQL so that every worker shares them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from marketplace.bootstrap import Services
from marketplace.stores.budgets import BudgetStore, Charge
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.services import app_client, running_services
from tests.support import organization_body

PROXY = "127.0.0.1"  # the test client's peer, trusted: X-Forwarded-For picks the address


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(
        database_url,
        tmp_path_factory.mktemp("data"),
        trusted_proxies=PROXY,
        budget_per_address=8,
        budget_per_organization=5,
        budget_anonymous_writes=3,
    ) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services, client=(PROXY, 50000)) as test_client:
        yield test_client


def _from(address: str, **headers: str) -> dict[str, str]:
    return {"X-Forwarded-For": address, **headers}


def _assert_rate_limited(response: httpx.Response) -> None:
    assert assert_problem(response, 429)["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= 600


def test_an_address_over_its_budget_gets_429(client: TestClient) -> None:
    for _ in range(8):
        response = client.get(f"{API}/postings", headers=_from("198.51.100.1"))
        assert response.status_code == 200, response.text
    _assert_rate_limited(client.get(f"{API}/postings", headers=_from("198.51.100.1")))
    zh = client.get(f"{API}/stats", headers=_from("198.51.100.1", **ZH))
    _assert_rate_limited(zh)
    assert is_chinese(zh.json()["detail"])
    # Other addresses are not affected; liveness and static files are never charged.
    assert client.get(f"{API}/postings", headers=_from("198.51.100.2")).status_code == 200
    assert client.get("/healthz", headers=_from("198.51.100.1")).status_code == 200
    assert client.get("/", headers=_from("198.51.100.1")).status_code == 200
    css = client.get("/docs-assets/swagger-ui.css", headers=_from("198.51.100.1"))
    assert css.status_code == 200
    _assert_rate_limited(client.get("/openapi.json", headers=_from("198.51.100.1")))


def test_over_budget_writes_are_refused_before_anything_is_written(
    client: TestClient, services: Services
) -> None:
    for _ in range(8):
        client.get(f"{API}/postings", headers=_from("198.51.100.3"))
    with no_new_events(services):
        response = client.post(
            f"{API}/organizations", json=organization_body(), headers=_from("198.51.100.3")
        )
    _assert_rate_limited(response)


def test_registrations_and_logins_share_a_stricter_budget(client: TestClient) -> None:
    here = _from("198.51.100.4")
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body, headers=here).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    assert client.post(f"{API}/sessions", json=login, headers=here).status_code == 201
    other = organization_body()
    assert client.post(f"{API}/organizations", json=other, headers=here).status_code == 201
    _assert_rate_limited(client.post(f"{API}/sessions", json=login, headers=here))
    _assert_rate_limited(
        client.post(f"{API}/organizations", json=organization_body(), headers=here)
    )
    # Reads from the same address are still within its (larger) budget.
    assert client.get(f"{API}/postings", headers=here).status_code == 200


def test_an_organization_is_limited_from_every_address(client: TestClient) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body, headers=_from("198.51.100.5")).status_code
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    token = client.post(f"{API}/sessions", json=login, headers=_from("198.51.100.5")).json()[
        "token"
    ]
    auth = {"Authorization": f"Bearer {token}"}
    for n in range(5):
        response = client.get(f"{API}/organizations/me", headers={**auth, **_from(f"10.0.5.{n}")})
        assert response.status_code == 200, response.text
    _assert_rate_limited(
        client.get(f"{API}/organizations/me", headers={**auth, **_from("10.0.5.9")})
    )
    # Without the token, that address has its own budget left.
    assert client.get(f"{API}/postings", headers=_from("10.0.5.9")).status_code == 200


def test_a_stream_socket_over_budget_is_refused_with_429(client: TestClient) -> None:
    for _ in range(8):
        client.get(f"{API}/postings", headers=_from("198.51.100.6"))
    stream = client.websocket_connect(f"{API}/stream?after=0", headers=_from("198.51.100.6"))
    with pytest.raises(WebSocketDenialResponse) as denied, stream:
        pass
    _assert_rate_limited(denied.value)


def test_a_stream_socket_counts_against_its_organization(client: TestClient) -> None:
    """The token of a socket comes as a subprotocol or in the query, not as a header."""
    body = organization_body()
    client.post(f"{API}/organizations", json=body, headers=_from("198.51.100.7"))
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    token = client.post(f"{API}/sessions", json=login, headers=_from("198.51.100.7")).json()[
        "token"
    ]
    auth = {"Authorization": f"Bearer {token}"}
    for n in range(5):
        client.get(f"{API}/organizations/me", headers={**auth, **_from(f"10.0.7.{n}")})
    for n, (url, subprotocols) in enumerate(
        [(f"{API}/stream?after=0", [f"bearer.{token}"]), (f"{API}/stream?token={token}", [])]
    ):
        stream = client.websocket_connect(
            url, headers=_from(f"10.0.8.{n}"), subprotocols=subprotocols
        )
        with pytest.raises(WebSocketDenialResponse) as denied, stream:
            pass
        _assert_rate_limited(denied.value)


def test_budgets_are_shared_by_every_worker(services: Services) -> None:
    workers = [BudgetStore(services.db, services.settings) for _ in range(2)]
    charge = Charge(address="192.0.2.50", token_sha256=None, costly=False)
    answers = [workers[n % 2].charge(charge) for n in range(9)]
    assert answers[:8] == [None] * 8
    assert answers[8] is not None and answers[8] >= 1


def test_spent_budgets_renew_after_their_window_and_are_swept(services: Services) -> None:
    short = services.settings.model_copy(update={"budget_window_seconds": 0.3})
    store = BudgetStore(services.db, short)
    charge = Charge(address="192.0.2.60", token_sha256=None, costly=False)
    assert [store.charge(charge) for _ in range(9)][-1] == 1
    time.sleep(0.4)
    assert store.charge(charge) is None  # a new window
    time.sleep(0.4)
    BudgetStore(services.db, short).charge(Charge("192.0.2.61", None, False))  # sweeps first
    with services.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM request_budgets WHERE key = 'address:192.0.2.60'"
        ).fetchone()
    assert row is not None and row["n"] == 0

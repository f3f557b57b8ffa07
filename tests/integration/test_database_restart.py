"""While PostgreSQL is down every request answers `503 database_unavailable` with Retry-After
(never 500, never a dropped connection), and the service recovers by itself when it is back."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from marketplace.embedded_pg.server import EmbeddedPostgres
from tests.services import app_client, running_services
from tests.support import organization_body, posting_body

API = "/api/v1"


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedPostgres]:
    """A server of this module's own, since the test stops it."""
    top = Path(tempfile.mkdtemp(prefix="market-restart-pg-"))
    top.chmod(0o755)
    embedded = EmbeddedPostgres(top / "postgres")
    embedded.start()
    try:
        yield embedded
    finally:
        embedded.stop()
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def services(
    server: EmbeddedPostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    url = server.start().url()
    with running_services(
        url,
        tmp_path_factory.mktemp("data"),
        lock_timeout_seconds=1,
        read_wait_seconds=1,
        checkpoint_interval_seconds=0.2,
    ) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services) as test_client:
        yield test_client


def _unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "database_unavailable"
    assert response.headers["retry-after"].isdigit()


def _requests(client: TestClient, token: str) -> list[tuple[str, str, dict[str, Any]]]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        ("GET", f"{API}/postings", {}),
        ("GET", f"{API}/stats", {}),
        ("GET", f"{API}/organizations/me", {"headers": auth}),
        ("POST", f"{API}/organizations", {"json": organization_body()}),
        ("POST", f"{API}/postings", {"json": posting_body(), "headers": auth}),
        (
            "POST",
            f"{API}/postings",
            {"json": posting_body(), "headers": {**auth, "Idempotency-Key": str(uuid.uuid4())}},
        ),
        (
            "POST",
            f"{API}/organizations",
            {"json": organization_body(), "headers": {"Idempotency-Key": str(uuid.uuid4())}},
        ),
    ]


def test_database_down_answers_503_and_recovers(
    client: TestClient, services: Services, server: EmbeddedPostgres
) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    token = client.post(f"{API}/sessions", json=login).json()["token"]
    assert (
        client.post(
            f"{API}/postings", json=posting_body(), headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 201
    )

    server.stop()
    try:
        for method, url, kwargs in _requests(client, token):
            _unavailable(client.request(method, url, **kwargs))
        _unavailable(client.post(f"{API}/sessions", json=login))
    finally:
        server.start()

    deadline = time.monotonic() + 30
    while True:
        answers = [client.request(m, u, **kw).status_code for m, u, kw in _requests(client, token)]
        if all(status < 300 for status in answers) or time.monotonic() > deadline:
            break
        assert all(status in (200, 201, 503) for status in answers), answers
        time.sleep(0.2)
    assert all(status < 300 for status in answers), answers


def test_pools_give_up_reconnecting_soon_so_recovery_is_prompt(services: Services) -> None:
    """psycopg_pool backs off (1, 2, 4 … s) for `reconnect_timeout` (300 s by default) before it
    starts afresh: after a 40 s outage requests answered 503 for 19 s more (seen), not ~1 s."""
    for pool in (services.db.pool, services.app.recorder.datastore.pool):  # type: ignore[attr-defined]
        assert pool.reconnect_timeout <= 5

"""Reads wait for the views they read, up to `min_position` and the caller's own last write,
never for other callers' writes (api.deps.fresh, marketplace.own_writes). The plain client
sends no `min_position` of its own."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.helpers import API, publish

# The views a postings read reads: the contracts view gives the parties their contract_id.
LISTINGS = ("listings", "organizations", "contracts")

Waits = list[tuple[int, tuple[str, ...]]]


@pytest.fixture
def waits(services: Services, monkeypatch: pytest.MonkeyPatch) -> Waits:
    """Every wait of a read, as (position, views), each answered at once as if caught up."""
    seen: Waits = []

    async def wait_for(target: int, views: Iterable[str] | None = None, timeout: float = 5) -> bool:
        seen.append((target, tuple(views or ())))
        return True

    monkeypatch.setattr(services.watcher, "wait_for", wait_for)
    return seen


def test_a_caller_reads_its_own_write_without_min_position(
    plain_client: TestClient, owner: Account
) -> None:
    posting = publish(plain_client, owner)
    response = plain_client.get(f"{API}/postings/{posting['id']}", headers=owner.auth)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == posting["version"]


def test_a_read_waits_for_the_callers_own_last_write(
    plain_client: TestClient, owner: Account, waits: Waits
) -> None:
    posting = publish(plain_client, owner)
    assert plain_client.get(f"{API}/postings", headers=owner.auth).status_code == 200
    assert waits == [(posting["position"], LISTINGS)]


def test_a_read_does_not_wait_for_another_callers_write(
    plain_client: TestClient, owner: Account, bidder: Account, waits: Waits
) -> None:
    publish(plain_client, owner)
    assert plain_client.get(f"{API}/postings", headers=bidder.auth).status_code == 200
    assert plain_client.get(f"{API}/postings").status_code == 200  # anonymous
    assert waits == []


def test_min_position_waits_for_the_views_the_route_reads_only(
    plain_client: TestClient, owner: Account, waits: Waits
) -> None:
    posting = publish(plain_client, owner)
    position = posting["position"]
    assert plain_client.get(f"{API}/postings", params={"min_position": position}).status_code == 200
    assert plain_client.get(f"{API}/contracts", headers=owner.auth).status_code == 200
    assert waits == [(position, LISTINGS), (position, ("contracts",))]


def test_min_position_not_reached_by_the_views_read_is_503(
    plain_client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(target: int, views: Iterable[str] | None = None, timeout: float = 5) -> bool:
        return False

    monkeypatch.setattr(services.watcher, "wait_for", never)
    beyond = services.watcher.position(LISTINGS) + 1_000_000
    response = plain_client.get(f"{API}/postings", params={"min_position": beyond})
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "1"

"""`POST /service-products/{id}/remove`: operators take a product down with a reason; it leaves
the catalogue, its provider and staff still read it with the reason, everyone else gets 404,
and its provider can neither revise nor retire it. Mirrors the removal of postings."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, head, no_new_events
from tests.api.test_service_products import PRODUCTS, listed, publish, verified_provider
from tests.api.test_stream import connect, has, of, receive_until

REASON = "虚假宣传，资质不符"


def remove(client: TestClient, operator: Account, product_id: str, reason: str) -> httpx.Response:
    return client.post(
        f"{PRODUCTS}/{product_id}/remove", json={"reason": reason}, headers=operator.auth
    )


def test_a_removed_product_leaves_the_catalogue_and_its_provider_sees_why(
    client: TestClient, services: Services, operator: Account, auditor: Account
) -> None:
    provider = verified_provider(client, operator, "legal")
    product = publish(client, provider)
    removed = remove(client, operator, product["id"], f"  {REASON} ")
    assert removed.status_code == 200, removed.text
    answer = removed.json()
    assert (answer["status"], answer["removal_reason"]) == ("removed", REASON)
    assert isinstance(answer["position"], int)

    for status in ("active", "retired", "all"):
        assert product["id"] not in listed(client, provider=provider.id, status=status)
    for reader in (provider, operator, auditor):
        seen = client.get(f"{PRODUCTS}/{product['id']}", headers=reader.auth)
        assert seen.status_code == 200, seen.text
        assert (seen.json()["status"], seen.json()["removal_reason"]) == ("removed", REASON)
    assert_problem(client.get(f"{PRODUCTS}/{product['id']}"), 404)
    stranger = sign_up(client)
    assert_problem(client.get(f"{PRODUCTS}/{product['id']}", headers=stranger.auth), 404)

    with no_new_events(services):
        revise = client.patch(
            f"{PRODUCTS}/{product['id']}", json={"name": "改名"}, headers=provider.auth
        )
        assert_problem(revise, 409)
        retire = client.post(f"{PRODUCTS}/{product['id']}/retire", headers=provider.auth)
        assert_problem(retire, 409)
        assert_problem(remove(client, operator, product["id"], "再次下架"), 409)


def test_a_retired_product_can_be_removed_and_stays_in_the_audit_log(
    client: TestClient, operator: Account, auditor: Account
) -> None:
    provider = verified_provider(client, operator, "legal")
    product = publish(client, provider)
    retired = client.post(f"{PRODUCTS}/{product['id']}/retire", headers=provider.auth)
    assert retired.status_code == 200, retired.text
    assert remove(client, operator, product["id"], REASON).status_code == 200
    response = client.get(f"{API}/audit/streams/{product['id']}", headers=auditor.auth)
    assert response.status_code == 200, response.text
    assert response.json()["items"][-1]["type"].endswith("ServiceProduct.Removed")


@pytest.mark.parametrize("reason", ["", "   ", "长" * 501])
def test_a_removal_needs_a_reason_of_1_to_500_characters(
    client: TestClient, services: Services, operator: Account, reason: str
) -> None:
    provider = verified_provider(client, operator, "legal")
    product = publish(client, provider)
    with no_new_events(services):
        assert_problem(remove(client, operator, product["id"], reason), 422, field="reason")
    assert product["id"] in listed(client, provider=provider.id)


def test_only_operators_remove_and_unknown_products_are_404(
    client: TestClient, services: Services, operator: Account, auditor: Account
) -> None:
    provider = verified_provider(client, operator, "legal")
    product = publish(client, provider)
    stranger = sign_up(client)
    with no_new_events(services):
        for caller in (provider, auditor, stranger):
            assert_problem(remove(client, caller, product["id"], REASON), 403)
        unknown = "00000000-0000-4000-8000-000000000000"
        assert_problem(remove(client, operator, unknown, REASON), 404)


def test_the_stream_tells_the_provider_why_and_others_only_the_status(
    client: TestClient, services: Services, operator: Account
) -> None:
    provider = verified_provider(client, operator, "legal")
    product = publish(client, provider)
    after = head(services)
    assert remove(client, operator, product["id"], REASON).status_code == 200
    done = has("ServiceProduct.Removed", product["id"])
    with connect(client, after, provider) as ws:
        (told,) = of(receive_until(ws, done), "ServiceProduct.Removed")
    assert told["data"]["reason"] == REASON
    with connect(client, after, sign_up(client)) as ws:
        (shown,) = of(receive_until(ws, done), "ServiceProduct.Removed")
    assert shown["data"] == {"status": "removed"}

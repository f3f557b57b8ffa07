"""The whole trade over HTTP in one pass: publish, find by listing and full text, bid, accept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Account, sign_up
from tests.api.helpers import API
from tests.api.stats_helpers import make_deal
from tests.support import bid_body, posting_body


def test_publish_bid_accept(
    client: TestClient, enterprise: Account, other_enterprise: Account
) -> None:
    created = client.post("/api/v1/postings", json=posting_body(), headers=enterprise.auth)
    assert created.status_code == 201, created.text
    posting = created.json()
    listed = client.get("/api/v1/postings", params={"min_position": posting["position"]})
    assert listed.status_code == 200, listed.text
    assert posting["id"] in [p["id"] for p in listed.json()["items"]]
    found = client.get("/api/v1/postings", params={"q": "钢板"})
    assert posting["id"] in [p["id"] for p in found.json()["items"]]
    bid = client.post(
        f"/api/v1/postings/{posting['id']}/bids", json=bid_body(), headers=other_enterprise.auth
    )
    assert bid.status_code == 201, bid.text
    accepted = client.post(
        f"/api/v1/postings/{posting['id']}/bids/{bid.json()['id']}/accept", headers=enterprise.auth
    )
    assert accepted.status_code == 201, accepted.text
    bids = client.get(f"/api/v1/postings/{posting['id']}/bids", headers=enterprise.auth)
    assert bids.json()["items"][0]["status"] == "accepted", bids.text


def test_the_parties_of_its_sale_contract_read_a_posting_with_the_contract_id(
    client: TestClient, enterprise: Account, other_enterprise: Account
) -> None:
    """API.md "Rules changed": the posting page links to its contract; others see null."""
    deal = make_deal(client, enterprise, other_enterprise)
    url = f"{API}/postings/{deal.posting_id}"
    stranger = sign_up(client)
    for account in (enterprise, other_enterprise):
        read = client.get(url, headers=account.auth)
        assert read.status_code == 200, read.text
        assert read.json()["contract_id"] == deal.contract_id
        listed = client.get(
            f"{API}/postings",
            params={"status": "awarded", "owner": enterprise.id},
            headers=account.auth,
        ).json()["items"]
        assert [(p["id"], p["contract_id"]) for p in listed] == [
            (deal.posting_id, deal.contract_id)
        ]
    for headers in (stranger.auth, {}):
        assert client.get(url, headers=headers).json()["contract_id"] is None
        listed = client.get(
            f"{API}/postings", params={"status": "awarded", "owner": enterprise.id}, headers=headers
        ).json()["items"]
        assert [p["contract_id"] for p in listed] == [None]

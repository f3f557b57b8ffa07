"""Helpers for the statistics and OCDS tests: deals drafted, signed, completed over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Account
from tests.api.helpers import API, bid, publish


@dataclass
class Deal:
    contract_id: str
    posting_id: str
    bid_id: str
    position: int
    buyer: Account
    seller: Account
    posting: dict[str, Any]

    @property
    def url(self) -> str:
        return f"{API}/contracts/{self.contract_id}"


def make_deal(
    client: TestClient,
    poster: Account,
    bidder: Account,
    *,
    exhibition_id: str | None = None,
    bid_overrides: dict[str, Any] | None = None,
    **posting_overrides: Any,
) -> Deal:
    """A posting, one bid on it, the bid accepted: a sale contract drafted."""
    posting = publish(client, poster, **posting_overrides)
    placed = bid(client, bidder, posting["id"], **(bid_overrides or {}))
    body = {} if exhibition_id is None else {"exhibition_id": exhibition_id}
    response = client.post(
        f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept", json=body, headers=poster.auth
    )
    assert response.status_code == 201, response.text
    data = response.json()
    buyer, seller = (poster, bidder) if posting["side"] == "demand" else (bidder, poster)
    return Deal(
        data["contract_id"], posting["id"], placed["id"], data["position"], buyer, seller, posting
    )


def read_contract(client: TestClient, account: Account, deal: Deal) -> dict[str, Any]:
    response = client.get(deal.url, params={"min_position": deal.position}, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def sign_by(client: TestClient, account: Account, deal: Deal) -> dict[str, Any]:
    digest = read_contract(client, account, deal)["digest"]
    response = client.post(f"{deal.url}/sign", json={"digest": digest}, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    deal.position = data["position"]
    return data


def sign_all(client: TestClient, deal: Deal) -> dict[str, Any]:
    """Both parties sign; the contract is `signed`."""
    sign_by(client, deal.buyer, deal)
    return sign_by(client, deal.seller, deal)


def act(client: TestClient, account: Account, deal: Deal, action: str) -> dict[str, Any]:
    """`complete` or `cancel` the contract."""
    body = {"reason": "双方协商取消"} if action == "cancel" else None
    response = client.post(f"{deal.url}/{action}", json=body, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    deal.position = data["position"]
    return data


def schedule_exhibition(client: TestClient, operator: Account, *signups: Account) -> str:
    """An exhibition two weeks ahead with the given enterprises' confirmed signups."""
    starts_at = datetime.now(UTC) + timedelta(days=14)
    response = client.post(
        f"{API}/exhibitions",
        json={
            "name": "2026 杭州中小企业产品交易博览会",
            "venue": "杭州国际博览中心 B 馆",
            "online": False,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(days=2)).isoformat(),
            "capacity": 10,
            "signup_deadline": (starts_at - timedelta(days=3)).isoformat(),
        },
        headers=operator.auth,
    )
    assert response.status_code == 201, response.text
    exhibition_id: str = response.json()["id"]
    for account in signups:
        joined = client.post(f"{API}/exhibitions/{exhibition_id}/signups", headers=account.auth)
        assert joined.status_code == 201, joined.text
    return exhibition_id

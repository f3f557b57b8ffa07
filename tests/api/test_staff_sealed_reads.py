"""Staff and sealed data: operators and auditors read every bid's and offer's terms, on every
read route that shows them, exactly as the posting's or the need's owner does; the live stream
shows them the sealed fields too."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api import role_matrix
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import accept, make_offer, post_need, verified_bank
from tests.api.helpers import API, bid, head, publish

STAFF = ("operator", "auditor")
BID_TERMS = {"unit_price": "15321.00", "quantity": "7", "message": "含运费 sealed"}
OFFER_TERMS = {"amount": "1234567.00", "annual_rate": "4.15", "conditions": "需担保 sealed"}


@dataclass
class Cast(role_matrix.Cast):
    owner: Account  # posted the posting and the needs
    bidder: Account
    bank: Account  # verified; made both offers
    operator: Account
    auditor: Account
    posting_id: str
    awarded_id: str  # a posting whose bid was accepted: its contract
    need_id: str
    matched_id: str  # a need whose offer was accepted: its loan contract
    sale_contract_id: str
    loan_contract_id: str

    def ids(self) -> dict[str, str]:  # the placeholders of READ_ROUTES' paths
        return {
            "posting": self.posting_id,
            "awarded": self.awarded_id,
            "need": self.need_id,
            "matched": self.matched_id,
            "sale": self.sale_contract_id,
            "loan": self.loan_contract_id,
        }


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    owner, bidder = sign_up(client), sign_up(client)
    bank = verified_bank(client, operator)
    posting = publish(client, owner)
    bid(client, bidder, posting["id"], **BID_TERMS)
    awarded = publish(client, owner)
    placed = bid(client, bidder, awarded["id"], **BID_TERMS)
    sale = client.post(
        f"{API}/postings/{awarded['id']}/bids/{placed['id']}/accept", headers=owner.auth
    )
    assert sale.status_code == 201, sale.text
    need = post_need(client, owner)
    make_offer(client, bank, need["id"], **OFFER_TERMS)
    matched = post_need(client, owner)
    loan = accept(client, owner, matched["id"], make_offer(client, bank, matched["id"])["id"])
    return Cast(
        owner, bidder, bank, operator, auditor, posting["id"], awarded["id"], need["id"],
        matched["id"], sale.json()["contract_id"], loan["contract_id"],
    )  # fmt: skip


# Every read route that shows a bid's or an offer's terms, with the sealed fields to check.
READ_ROUTES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bids": ("/postings/{posting}/bids", ("unit_price", "quantity", "message")),
    "awarded bids": ("/postings/{awarded}/bids", ("unit_price", "quantity", "message")),
    "offers": ("/financing-needs/{need}/offers", ("amount", "annual_rate", "conditions")),
    "matched offers": ("/financing-needs/{matched}/offers", ("amount", "annual_rate")),
    "need": ("/financing-needs/{matched}", ("matched_offer_id", "amount_disbursed")),
    "needs": ("/financing-needs", ("matched_offer_id", "amount_disbursed")),
    "sale contract": ("/contracts/{sale}", ("terms", "amount")),
    "loan contract": ("/contracts/{loan}", ("terms", "amount")),
    "contracts": ("/contracts", ("terms", "amount")),
}


def url(cast: Cast, path: str) -> str:
    return API + path.format(**cast.ids())


def items(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body.get("items", [body])
    return found


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("route", list(READ_ROUTES))
def test_staff_read_what_the_owner_reads(
    client: TestClient, cast: Cast, route: str, role: str
) -> None:
    path, sealed = READ_ROUTES[route]
    staff = client.get(url(cast, path), headers=cast.account(role).auth)
    assert staff.status_code == 200, staff.text
    owner = client.get(url(cast, path), headers=cast.owner.auth)
    assert owner.status_code == 200, owner.text
    by_id = {item["id"]: item for item in items(staff.json())}
    mine = items(owner.json())
    assert mine, "the owner sees something on this route"
    for item in mine:
        assert item["id"] in by_id, f"{role} misses {item['id']} on {route}"
        for field in sealed:
            assert by_id[item["id"]][field] == item[field], (route, field)


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_bidder_and_bank_not_only_one(
    client: TestClient, cast: Cast, role: str
) -> None:
    posting = publish(client, cast.owner)
    bid(client, cast.bidder, posting["id"], **BID_TERMS)
    bid(client, sign_up(client), posting["id"], unit_price="14999.00")
    bids = client.get(f"{API}/postings/{posting['id']}/bids", headers=cast.account(role).auth)
    prices = sorted(b["unit_price"] for b in bids.json()["items"])
    assert prices == ["14999.00", BID_TERMS["unit_price"]]
    offers = client.get(
        url(cast, "/financing-needs/{need}/offers"), headers=cast.account(role).auth
    )
    (offer,) = offers.json()["items"]
    assert offer["bank"]["id"] == cast.bank.id
    assert (offer["amount"], offer["conditions"]) == (
        OFFER_TERMS["amount"],
        OFFER_TERMS["conditions"],
    )


def test_unknown_postings_and_needs_are_404_for_staff(client: TestClient, cast: Cast) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (f"/postings/{missing}/bids", f"/financing-needs/{missing}/offers"):
        response = client.get(API + path, headers=cast.operator.auth)
        assert response.status_code == 404, response.text


@pytest.mark.parametrize("role", STAFF)
def test_the_stream_shows_staff_the_sealed_terms(
    client: TestClient, services: Services, cast: Cast, role: str
) -> None:
    """Read only: the visibility rules live in marketplace/queries/visibility.py."""
    posting = publish(client, cast.owner)
    after = head(services)
    bid(client, cast.bidder, posting["id"], **BID_TERMS)
    need = post_need(client, cast.owner)
    make_offer(client, cast.bank, need["id"], **OFFER_TERMS)
    token = cast.account(role).token
    with client.websocket_connect(f"{API}/stream?after={after}&token={token}") as ws:
        seen: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + 10
        while not {"Posting.BidPlaced", "FinancingNeed.OfferMade"} <= set(seen):
            assert time.monotonic() < deadline, seen
            message = ws.receive_json()
            if message["type"] != "ping":
                seen[message["type"]] = message["data"]
    assert seen["Posting.BidPlaced"]["unit_price"] == BID_TERMS["unit_price"]
    assert seen["FinancingNeed.OfferMade"]["annual_rate"] == OFFER_TERMS["annual_rate"]

"""Sealed bids: placing, reading (owner / bidder / others), withdrawing, rejecting, accepting."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import (
    API,
    ZH,
    assert_problem,
    bid,
    head,
    is_chinese,
    list_postings,
    no_new_events,
    publish,
)
from tests.concurrency import responses_at_once
from tests.support import bid_body

BID_KEYS = {"id", "posting_id", "bidder", "unit_price", "quantity", "status", "placed_at"}
SECRET_PRICE = "12345.67"
OTHER_SECRET_PRICE = "13579.24"


@pytest.fixture(scope="module")
def rival(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def third(client: TestClient) -> Account:
    """An enterprise that never bids."""
    return sign_up(client)


@pytest.fixture
def posting(client: TestClient, owner: Account) -> dict[str, Any]:
    return publish(client, owner)


def _bids_url(posting: dict[str, Any]) -> str:
    return f"{API}/postings/{posting['id']}/bids"


# Placing -----------------------------------------------------------------------------------


def test_place_a_bid(
    client: TestClient, services: Services, posting: dict[str, Any], bidder: Account
) -> None:
    body = bid_body(unit_price="15000.50", quantity="480.5", delivery_days=20, message="含运费")
    response = client.post(_bids_url(posting), json=body, headers=bidder.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) >= BID_KEYS
    assert uuid.UUID(data["id"])
    assert data["status"] == "submitted"
    assert data["posting_id"] == posting["id"]
    assert data["bidder"] == {"id": bidder.id, "name": bidder.name}
    assert data["unit_price"] == "15000.50"
    assert data["quantity"] == "480.5"
    assert data["delivery_days"] == 20
    assert data["message"] == "含运费"
    assert data["version"] == 2
    assert data["position"] == head(services)


def test_minimal_bid(client: TestClient, posting: dict[str, Any], bidder: Account) -> None:
    body = {"unit_price": "1.00", "quantity": "1"}
    response = client.post(_bids_url(posting), json=body, headers=bidder.auth)
    assert response.status_code == 201, response.text
    assert response.json()["delivery_days"] is None
    assert response.json()["message"] is None


BAD_BIDS: list[tuple[str, dict[str, Any], str]] = [
    ("price zero", {"unit_price": "0"}, "unit_price"),
    ("price negative", {"unit_price": "-15000.00"}, "unit_price"),
    ("price json float", {"unit_price": 15000.0}, "unit_price"),
    ("price json int", {"unit_price": 15000}, "unit_price"),
    ("price exponent", {"unit_price": "1.5e4"}, "unit_price"),
    ("price three places", {"unit_price": "15000.005"}, "unit_price"),
    ("price null", {"unit_price": None}, "unit_price"),
    ("quantity zero", {"quantity": "0"}, "quantity"),
    ("quantity negative", {"quantity": "-1"}, "quantity"),
    ("quantity json number", {"quantity": 500}, "quantity"),
    ("delivery days as string", {"delivery_days": "20"}, "delivery_days"),
    ("delivery days negative", {"delivery_days": -1}, "delivery_days"),
    ("delivery days float", {"delivery_days": 2.5}, "delivery_days"),
    ("message too long", {"message": "x" * 2001}, "message"),
    ("unknown field", {"currency": "USD"}, "currency"),
    ("bidder is not a field", {"bidder_id": str(uuid.uuid4())}, "bidder_id"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [(o, f) for _, o, f in BAD_BIDS], ids=[n for n, _, _ in BAD_BIDS]
)
def test_bad_bid_is_422(
    client: TestClient,
    services: Services,
    posting: dict[str, Any],
    bidder: Account,
    overrides: dict[str, Any],
    field: str,
) -> None:
    with no_new_events(services):
        response = client.post(_bids_url(posting), json=bid_body(**overrides), headers=bidder.auth)
        assert_problem(response, 422, field=field)


@pytest.mark.parametrize("missing", ["unit_price", "quantity"])
def test_bid_without_required_field_is_422(
    client: TestClient, services: Services, posting: dict[str, Any], bidder: Account, missing: str
) -> None:
    body = bid_body()
    del body[missing]
    with no_new_events(services):
        response = client.post(_bids_url(posting), json=body, headers=bidder.auth)
        assert_problem(response, 422, field=missing)


def test_owner_cannot_bid_on_own_posting(
    client: TestClient, services: Services, posting: dict[str, Any], owner: Account
) -> None:
    with no_new_events(services):
        assert_problem(client.post(_bids_url(posting), json=bid_body(), headers=owner.auth), 403)


def test_bid_on_unknown_posting_is_404(
    client: TestClient, services: Services, bidder: Account
) -> None:
    with no_new_events(services):
        url = f"{API}/postings/{uuid.uuid4()}/bids"
        assert_problem(client.post(url, json=bid_body(), headers=bidder.auth), 404)
        url = f"{API}/postings/{bidder.id}/bids"  # an organization, not a posting
        assert_problem(client.post(url, json=bid_body(), headers=bidder.auth), 404)


def test_second_active_bid_is_409(
    client: TestClient, services: Services, posting: dict[str, Any], bidder: Account
) -> None:
    first = bid(client, bidder, posting["id"])
    with no_new_events(services):
        second = client.post(_bids_url(posting), json=bid_body(), headers=bidder.auth)
        assert_problem(second, 409)
        zh = client.post(_bids_url(posting), json=bid_body(), headers={**bidder.auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])
    # After withdrawing the first, a new bid is welcome.
    withdrawn = client.post(f"{_bids_url(posting)}/{first['id']}/withdraw", headers=bidder.auth)
    assert withdrawn.status_code == 200, withdrawn.text
    again = bid(client, bidder, posting["id"], unit_price="14900.00")
    assert again["id"] != first["id"]


def test_bid_after_rejection_is_allowed(
    client: TestClient, posting: dict[str, Any], owner: Account, bidder: Account
) -> None:
    first = bid(client, bidder, posting["id"])
    rejected = client.post(f"{_bids_url(posting)}/{first['id']}/reject", headers=owner.auth)
    assert rejected.status_code == 200, rejected.text
    bid(client, bidder, posting["id"], unit_price="14000.00")


def test_bid_on_withdrawn_posting_is_409(
    client: TestClient, services: Services, posting: dict[str, Any], owner: Account, bidder: Account
) -> None:
    response = client.post(f"{API}/postings/{posting['id']}/withdraw", headers=owner.auth)
    assert response.status_code == 200, response.text
    with no_new_events(services):
        refused = client.post(_bids_url(posting), json=bid_body(), headers=bidder.auth)
        problem = assert_problem(refused, 409)
    assert "withdrawn" in problem["detail"]


# Sealed reading ----------------------------------------------------------------------------


@pytest.fixture
def sealed(
    client: TestClient, posting: dict[str, Any], bidder: Account, rival: Account
) -> dict[str, Any]:
    """A posting with two bids at distinctive prices."""
    mine = bid(client, bidder, posting["id"], unit_price=SECRET_PRICE, message="我的报价")
    theirs = bid(client, rival, posting["id"], unit_price=OTHER_SECRET_PRICE)
    return {"posting": posting, "mine": mine, "theirs": theirs}


def test_owner_sees_every_bid_with_prices(
    client: TestClient, owner: Account, bidder: Account, rival: Account, sealed: dict[str, Any]
) -> None:
    response = client.get(_bids_url(sealed["posting"]), headers=owner.auth)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] is None
    items = page["items"]
    assert [b["id"] for b in items] == [sealed["mine"]["id"], sealed["theirs"]["id"]]
    assert [b["unit_price"] for b in items] == [SECRET_PRICE, OTHER_SECRET_PRICE]
    assert [b["bidder"]["id"] for b in items] == [bidder.id, rival.id]
    assert items[0]["bidder"]["name"] == bidder.name
    assert items[0]["message"] == "我的报价"
    for item in items:
        assert set(item) >= BID_KEYS
        assert datetime.fromisoformat(item["placed_at"]).tzinfo is not None
        assert item["status"] == "submitted"


def test_bidder_sees_only_its_own_bid(
    client: TestClient, bidder: Account, rival: Account, sealed: dict[str, Any]
) -> None:
    response = client.get(_bids_url(sealed["posting"]), headers=bidder.auth)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [b["id"] for b in items] == [sealed["mine"]["id"]]
    assert items[0]["unit_price"] == SECRET_PRICE
    assert OTHER_SECRET_PRICE not in response.text
    assert rival.id not in response.text

    response = client.get(_bids_url(sealed["posting"]), headers=rival.auth)
    assert [b["id"] for b in response.json()["items"]] == [sealed["theirs"]["id"]]
    assert SECRET_PRICE not in response.text


def test_third_parties_may_not_read_bids(
    client: TestClient, third: Account, sealed: dict[str, Any]
) -> None:
    url = _bids_url(sealed["posting"])
    problem = assert_problem(client.get(url, headers=third.auth), 403)
    assert SECRET_PRICE not in problem["detail"]
    assert is_chinese(assert_problem(client.get(url, headers={**third.auth, **ZH}), 403)["detail"])
    assert_problem(client.get(url), 401)
    bank = sign_up(client, "bank")
    assert_problem(client.get(url, headers=bank.auth), 403)


def test_bid_list_pages_like_every_list(
    client: TestClient, owner: Account, sealed: dict[str, Any]
) -> None:
    url = _bids_url(sealed["posting"])
    first = client.get(url, params={"limit": 1}, headers=owner.auth)
    assert first.status_code == 200, first.text
    assert [b["id"] for b in first.json()["items"]] == [sealed["mine"]["id"]]
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    second = client.get(url, params={"limit": 1, "cursor": cursor}, headers=owner.auth)
    assert [b["id"] for b in second.json()["items"]] == [sealed["theirs"]["id"]]
    assert second.json()["next_cursor"] is None
    assert_problem(client.get(url, params={"limit": 201}, headers=owner.auth), 422, field="limit")


def test_reading_bids_of_unknown_posting_is_404(client: TestClient, owner: Account) -> None:
    assert_problem(client.get(f"{API}/postings/{uuid.uuid4()}/bids", headers=owner.auth), 404)


def test_posting_shows_bid_count_but_no_prices(
    client: TestClient, owner: Account, third: Account, sealed: dict[str, Any]
) -> None:
    posting_id = sealed["posting"]["id"]
    position = sealed["theirs"]["position"]
    for headers in ({}, third.auth, owner.auth):
        response = client.get(
            f"{API}/postings/{posting_id}", params={"min_position": position}, headers=headers
        )
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["bid_count"] == 2
        assert "bids" not in data
        assert SECRET_PRICE not in response.text and OTHER_SECRET_PRICE not in response.text


def test_listings_never_show_bid_prices(
    client: TestClient, owner: Account, sealed: dict[str, Any]
) -> None:
    position = sealed["theirs"]["position"]
    for params in (
        {"owner": owner.id},
        {"q": "钢板"},
        {"status": "all", "limit": 200},
        {"price_max": "20000"},
    ):
        response = client.get(f"{API}/postings", params={**params, "min_position": position})
        assert response.status_code == 200, response.text
        assert SECRET_PRICE not in response.text and OTHER_SECRET_PRICE not in response.text
        for item in response.json()["items"]:
            assert "bids" not in item and "unit_price" not in item
    listed = {p["id"]: p for p in list_postings(client, owner=owner.id, limit=200)["items"]}
    assert listed[sealed["posting"]["id"]]["bid_count"] == 2


# Withdrawing a bid -------------------------------------------------------------------------


def test_bidder_withdraws_its_bid(
    client: TestClient,
    services: Services,
    owner: Account,
    bidder: Account,
    rival: Account,
    third: Account,
    sealed: dict[str, Any],
) -> None:
    url = f"{_bids_url(sealed['posting'])}/{sealed['mine']['id']}/withdraw"
    with no_new_events(services):
        assert_problem(client.post(url, headers=owner.auth), 403)
        assert_problem(client.post(url, headers=rival.auth), 403)
        assert_problem(client.post(url, headers=third.auth), 403)
    response = client.post(url, headers=bidder.auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["id"] == sealed["mine"]["id"]
    assert data["status"] == "withdrawn"
    assert data["version"] == 4
    assert data["position"] == head(services)
    with no_new_events(services):
        assert_problem(client.post(url, headers=bidder.auth), 409)

    posting = client.get(f"{API}/postings/{sealed['posting']['id']}").json()
    assert posting["bid_count"] == 1
    bids = client.get(_bids_url(sealed["posting"]), headers=owner.auth).json()["items"]
    assert {b["id"]: b["status"] for b in bids} == {
        sealed["mine"]["id"]: "withdrawn",
        sealed["theirs"]["id"]: "submitted",
    }
    own = client.get(_bids_url(sealed["posting"]), headers=bidder.auth).json()["items"]
    assert [b["status"] for b in own] == ["withdrawn"]


def test_withdrawing_unknown_bid_is_404(
    client: TestClient, services: Services, bidder: Account, sealed: dict[str, Any]
) -> None:
    with no_new_events(services):
        url = f"{_bids_url(sealed['posting'])}/{uuid.uuid4()}/withdraw"
        assert_problem(client.post(url, headers=bidder.auth), 404)
        url = f"{API}/postings/{uuid.uuid4()}/bids/{sealed['mine']['id']}/withdraw"
        assert_problem(client.post(url, headers=bidder.auth), 404)
        url = f"{_bids_url(sealed['posting'])}/not-a-uuid/withdraw"
        assert_problem(client.post(url, headers=bidder.auth), 422)


def test_bid_ids_belong_to_their_posting(
    client: TestClient, services: Services, owner: Account, bidder: Account, sealed: dict[str, Any]
) -> None:
    """A bid id used under another posting of the same owner is unknown there."""
    elsewhere = publish(client, owner)
    base = f"{API}/postings/{elsewhere['id']}/bids/{sealed['mine']['id']}"
    with no_new_events(services):
        assert_problem(client.post(f"{base}/withdraw", headers=bidder.auth), 404)
        assert_problem(client.post(f"{base}/reject", headers=owner.auth), 404)
        assert_problem(client.post(f"{base}/accept", headers=owner.auth), 404)


# Rejecting ---------------------------------------------------------------------------------


def test_owner_rejects_a_bid(
    client: TestClient,
    services: Services,
    owner: Account,
    bidder: Account,
    third: Account,
    sealed: dict[str, Any],
) -> None:
    url = f"{_bids_url(sealed['posting'])}/{sealed['mine']['id']}/reject"
    with no_new_events(services):
        assert_problem(client.post(url, json={"reason": "x"}, headers=bidder.auth), 403)
        assert_problem(client.post(url, json={"reason": "x"}, headers=third.auth), 403)
        assert_problem(
            client.post(url, json={"reason": "x" * 2001}, headers=owner.auth), 422, field="reason"
        )
        assert_problem(client.post(url, json={"why": "x"}, headers=owner.auth), 422, field="why")
    response = client.post(url, json={"reason": "价格过高"}, headers=owner.auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["status"] == "rejected"
    assert data["reason"] == "价格过高"
    assert data["position"] == head(services)
    with no_new_events(services):
        assert_problem(client.post(url, headers=owner.auth), 409)
        withdraw = f"{_bids_url(sealed['posting'])}/{sealed['mine']['id']}/withdraw"
        assert_problem(client.post(withdraw, headers=bidder.auth), 409)
    own = client.get(_bids_url(sealed["posting"]), headers=bidder.auth).json()["items"]
    assert own[0]["status"] == "rejected"
    assert own[0]["reason"] == "价格过高"
    # A rejected bid is no longer active: the owner may revise again once the other is gone.
    posting = client.get(f"{API}/postings/{sealed['posting']['id']}").json()
    assert posting["status"] == "open"


def test_reject_without_a_body(client: TestClient, owner: Account, sealed: dict[str, Any]) -> None:
    url = f"{_bids_url(sealed['posting'])}/{sealed['theirs']['id']}/reject"
    response = client.post(url, headers=owner.auth)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"] is None


def test_rejecting_unknown_bid_is_404(
    client: TestClient, services: Services, owner: Account, sealed: dict[str, Any]
) -> None:
    with no_new_events(services):
        url = f"{_bids_url(sealed['posting'])}/{uuid.uuid4()}/reject"
        assert_problem(client.post(url, headers=owner.auth), 404)


# Revising with active bids ---------------------------------------------------------------


def test_revise_with_an_active_bid_is_409(
    client: TestClient, services: Services, owner: Account, bidder: Account, posting: dict[str, Any]
) -> None:
    placed = bid(client, bidder, posting["id"])
    url = f"{API}/postings/{posting['id']}"
    with no_new_events(services):
        response = client.patch(url, json={"price_max": "20000.00"}, headers=owner.auth)
        assert_problem(response, 409)
        zh = client.patch(url, json={"price_max": "20000.00"}, headers={**owner.auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])
    withdrawn = client.post(f"{url}/bids/{placed['id']}/withdraw", headers=bidder.auth)
    assert withdrawn.status_code == 200, withdrawn.text
    revised = client.patch(url, json={"price_max": "20000.00"}, headers=owner.auth)
    assert revised.status_code == 200, revised.text
    assert revised.json()["price_max"] == "20000.00"


def test_owner_may_withdraw_a_posting_with_bids(
    client: TestClient, services: Services, owner: Account, bidder: Account, posting: dict[str, Any]
) -> None:
    placed = bid(client, bidder, posting["id"])
    response = client.post(f"{API}/postings/{posting['id']}/withdraw", headers=owner.auth)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    with no_new_events(services):
        accept = client.post(f"{_bids_url(posting)}/{placed['id']}/accept", headers=owner.auth)
        assert "withdrawn" in assert_problem(accept, 409)["detail"]


# Accepting ---------------------------------------------------------------------------------


def test_accept_a_bid(
    client: TestClient,
    services: Services,
    owner: Account,
    bidder: Account,
    rival: Account,
    third: Account,
    sealed: dict[str, Any],
) -> None:
    posting_id = sealed["posting"]["id"]
    url = f"{_bids_url(sealed['posting'])}/{sealed['mine']['id']}/accept"
    with no_new_events(services):
        assert_problem(client.post(url, headers=bidder.auth), 403)
        assert_problem(client.post(url, headers=third.auth), 403)
        unknown = f"{_bids_url(sealed['posting'])}/{uuid.uuid4()}/accept"
        assert_problem(client.post(unknown, headers=owner.auth), 404)
        bad = client.post(url, json={"exhibition_id": "nope"}, headers=owner.auth)
        assert_problem(bad, 422, field="exhibition_id")
    response = client.post(url, headers=owner.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert uuid.UUID(data["contract_id"])
    assert data["position"] == head(services)
    assert data["status"] == "awarded"

    posting = client.get(f"{API}/postings/{posting_id}", params={"min_position": data["position"]})
    assert posting.json()["status"] == "awarded"
    bids = client.get(_bids_url(sealed["posting"]), headers=owner.auth).json()["items"]
    assert {b["id"]: b["status"] for b in bids} == {
        sealed["mine"]["id"]: "accepted",
        sealed["theirs"]["id"]: "unsuccessful",
    }
    assert posting_id not in [p["id"] for p in list_postings(client, owner=owner.id)["items"]]
    awarded = list_postings(client, owner=owner.id, status="awarded")["items"]
    assert posting_id in [p["id"] for p in awarded]

    other_url = f"{_bids_url(sealed['posting'])}/{sealed['theirs']['id']}"
    with no_new_events(services):
        assert_problem(client.post(url, headers=owner.auth), 409)
        second = client.post(f"{other_url}/accept", headers=owner.auth)
        assert "awarded" in assert_problem(second, 409)["detail"]
        zh = client.post(f"{other_url}/accept", headers={**owner.auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])
        assert_problem(client.post(f"{other_url}/reject", headers=owner.auth), 409)
        assert_problem(client.post(f"{other_url}/withdraw", headers=rival.auth), 409)
        late = client.post(_bids_url(sealed["posting"]), json=bid_body(), headers=third.auth)
        assert_problem(late, 409)
        again = client.post(_bids_url(sealed["posting"]), json=bid_body(), headers=bidder.auth)
        assert_problem(again, 409)
        revise = client.patch(
            f"{API}/postings/{posting_id}", json={"title": "改"}, headers=owner.auth
        )
        assert_problem(revise, 409)
        withdraw = client.post(f"{API}/postings/{posting_id}/withdraw", headers=owner.auth)
        assert_problem(withdraw, 409)
        accepted_withdraw = client.post(
            f"{_bids_url(sealed['posting'])}/{sealed['mine']['id']}/withdraw",
            headers=bidder.auth,
        )
        assert_problem(accepted_withdraw, 409)


def test_accepting_a_withdrawn_bid_is_409(
    client: TestClient, services: Services, owner: Account, bidder: Account, posting: dict[str, Any]
) -> None:
    placed = bid(client, bidder, posting["id"])
    base = f"{_bids_url(posting)}/{placed['id']}"
    assert client.post(f"{base}/withdraw", headers=bidder.auth).status_code == 200
    with no_new_events(services):
        assert_problem(client.post(f"{base}/accept", headers=owner.auth), 409)
    assert client.get(f"{API}/postings/{posting['id']}").json()["status"] == "open"


def test_accept_a_supply_posting(client: TestClient, owner: Account, bidder: Account) -> None:
    supply = publish(client, owner, side="supply", title="供应热轧卷板")
    placed = bid(client, bidder, supply["id"])
    response = client.post(
        f"{_bids_url(supply)}/{placed['id']}/accept", json={}, headers=owner.auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "awarded"


# Concurrency -------------------------------------------------------------------------------


def test_concurrent_bids_of_one_bidder_leave_one_active(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner)
    before = head(services)
    url = _bids_url(posting)
    responses = responses_at_once(
        [lambda: client.post(url, json=bid_body(), headers=bidder.auth) for _ in range(5)]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409], [r.text for r in responses]
    assert head(services) == before + 1
    items = client.get(url, headers=owner.auth).json()["items"]
    assert len(items) == 1


def test_concurrent_accepts_award_once(
    client: TestClient, services: Services, owner: Account, bidder: Account, rival: Account
) -> None:
    posting = publish(client, owner)
    first = bid(client, bidder, posting["id"])
    second = bid(client, rival, posting["id"])
    before = head(services)
    responses = responses_at_once(
        [
            lambda b=b: client.post(f"{_bids_url(posting)}/{b}/accept", headers=owner.auth)
            for b in (first["id"], second["id"], first["id"])
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409], [r.text for r in responses]
    # One BidAccepted event plus the drafted contract's event.
    assert head(services) == before + 2
    bids = client.get(_bids_url(posting), headers=owner.auth).json()["items"]
    assert sorted(b["status"] for b in bids) == ["accepted", "unsuccessful"]

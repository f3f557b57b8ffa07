"""The workbench inbox (API.md, "Workbench"): each trading and financing kind comes from the
event that should produce it, for the right organizations only; action items are marked done
by the event that answers them; read marks, summary, paging, and a rebuild that keeps ids and
read marks."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from projections.rebuild import rebuild
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import accept as accept_offer
from tests.api.financing_helpers import make_offer, post_need, sign_contract, verified_bank
from tests.api.helpers import API, ZH, assert_problem, bid, publish

INBOX = f"{API}/notifications"
KEYS = {"id", "kind", "position", "created_at", "read_at", "action_required", "done_at",
        "due_at", "subject", "title"}  # fmt: skip


def inbox(client: TestClient, account: Account, **params: Any) -> list[dict[str, Any]]:
    response = client.get(INBOX, params={"limit": 200, **params}, headers=account.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def of_kind(client: TestClient, account: Account, kind: str) -> list[dict[str, Any]]:
    return inbox(client, account, kind=kind)


def summary(client: TestClient, account: Account) -> dict[str, int]:
    response = client.get(f"{INBOX}/summary", headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, int] = response.json()
    return data


def test_bids_and_a_sale_contract_notify_the_right_parties(client: TestClient) -> None:
    alice, bob, rival, stranger = (sign_up(client) for _ in range(4))
    posting = publish(client, alice, title="采购不锈钢板材")
    bob_bid, rival_bid = bid(client, bob, posting["id"]), bid(client, rival, posting["id"])

    received = of_kind(client, alice, "bid_received")
    assert len(received) == 2 and all(set(n) == KEYS for n in received)
    first = received[-1]
    assert first["title"] == {"zh": "收到新报价：采购不锈钢板材", "en": "New bid: 采购不锈钢板材"}
    assert first["subject"] == {"type": "posting", "id": posting["id"]}
    assert first["action_required"] and first["done_at"] is None and first["read_at"] is None
    assert first["due_at"] is not None and first["position"] == bob_bid["position"]
    assert [n["position"] for n in received] == [rival_bid["position"], bob_bid["position"]]
    assert inbox(client, bob) == [] and inbox(client, stranger) == []

    url = f"{API}/postings/{posting['id']}/bids"
    rejected = client.post(f"{url}/{rival_bid['id']}/reject", headers=alice.auth)
    assert rejected.status_code == 200, rejected.text
    [declined] = inbox(client, rival)
    assert declined["kind"] == "bid_rejected" and not declined["action_required"]
    assert declined["title"]["en"] == "Your bid was declined: 采购不锈钢板材"
    done = {n["position"]: n["done_at"] for n in of_kind(client, alice, "bid_received")}
    assert done[rival_bid["position"]] is not None and done[bob_bid["position"]] is None

    accepted = client.post(f"{url}/{bob_bid['id']}/accept", headers=alice.auth)
    assert accepted.status_code == 201, accepted.text
    contract_id = accepted.json()["contract_id"]
    assert all(n["done_at"] for n in of_kind(client, alice, "bid_received"))
    assert [n["kind"] for n in inbox(client, bob)] == ["contract_to_sign", "bid_accepted"]
    for party in (alice, bob):
        [to_sign] = of_kind(client, party, "contract_to_sign")
        assert to_sign["subject"] == {"type": "contract", "id": contract_id}
        assert to_sign["action_required"] and to_sign["done_at"] is None
        assert to_sign["title"]["zh"] == "待签合同：采购不锈钢板材"
    assert of_kind(client, rival, "contract_to_sign") == []

    sign_contract(client, contract_id, alice)
    assert of_kind(client, alice, "contract_to_sign")[0]["done_at"] is not None
    assert of_kind(client, bob, "contract_to_sign")[0]["done_at"] is None
    assert of_kind(client, alice, "contract_signed") == []
    sign_contract(client, contract_id, bob)
    for party in (alice, bob):
        [signed] = of_kind(client, party, "contract_signed")
        assert signed["title"]["en"] == "Contract signed: 采购不锈钢板材"
    assert summary(client, alice)["action_required"] == 0
    assert inbox(client, stranger) == [] and of_kind(client, rival, "contract_signed") == []


def test_offers_and_a_loan_notify_the_borrower_and_the_bank(
    client: TestClient, operator: Account
) -> None:
    owner, other = sign_up(client), sign_up(client)
    lender, rival_bank = verified_bank(client, operator), verified_bank(client, operator)
    need = post_need(client, owner, purpose="流动资金 working capital")
    offer = make_offer(client, lender, need["id"])
    rival_offer = make_offer(client, rival_bank, need["id"])

    received = of_kind(client, owner, "offer_received")
    assert [n["position"] for n in received] == [rival_offer["position"], offer["position"]]
    assert received[0]["subject"] == {"type": "financing_need", "id": need["id"]}
    assert received[0]["title"]["zh"] == "收到融资报价：流动资金 working capital"
    assert all(n["action_required"] and n["done_at"] is None for n in received)
    assert of_kind(client, lender, "offer_received") == [] and inbox(client, other) == []

    contract_id = accept_offer(client, owner, need["id"], offer["id"])["contract_id"]
    assert all(n["done_at"] for n in of_kind(client, owner, "offer_received"))
    [won] = of_kind(client, lender, "offer_accepted")
    assert won["title"]["en"] == "Your financing offer was accepted: 流动资金 working capital"
    assert of_kind(client, rival_bank, "offer_accepted") == []
    assert len(of_kind(client, lender, "contract_to_sign")) == 1

    sign_contract(client, contract_id, lender, owner)
    paid = client.post(f"{API}/financing-needs/{need['id']}/disburse",
                       json={"amount": "1500000.00"}, headers=lender.auth)  # fmt: skip
    assert paid.status_code == 200, paid.text
    [loan] = of_kind(client, owner, "loan_disbursed")
    assert loan["position"] == paid.json()["position"] and not loan["action_required"]
    assert of_kind(client, lender, "loan_disbursed") == [] and inbox(client, other) == []


def deal(client: TestClient) -> tuple[Account, Account, list[dict[str, Any]]]:
    """An owner with three bids received, and one of the bidders."""
    owner, bidder = sign_up(client), sign_up(client)
    posting = publish(client, owner)
    bid(client, bidder, posting["id"])
    for _ in range(2):
        bid(client, sign_up(client), posting["id"])
    return owner, bidder, inbox(client, owner)


def test_read_marks_summary_and_filters(client: TestClient) -> None:
    owner, bidder, items = deal(client)
    assert summary(client, owner) == {"unread": 3, "action_required": 3}
    assert summary(client, bidder) == {"unread": 0, "action_required": 0}
    newest, middle, oldest = items

    read = client.post(f"{INBOX}/{middle['id']}/read", headers=owner.auth)
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None and read.json()["id"] == middle["id"]
    again = client.post(f"{INBOX}/{middle['id']}/read", headers=owner.auth)
    assert again.json()["read_at"] == read.json()["read_at"]
    assert summary(client, owner) == {"unread": 2, "action_required": 3}
    assert [n["id"] for n in inbox(client, owner, unread=True)] == [newest["id"], oldest["id"]]
    assert [n["id"] for n in inbox(client, owner, unread=False)] == [middle["id"]]
    assert len(inbox(client, owner, action_required=True)) == 3
    assert inbox(client, owner, action_required=False) == []
    assert inbox(client, owner, kind="bid_accepted") == []
    assert inbox(client, owner, kind="need_without_offer") == []  # a kind of the contract

    marked = client.post(f"{INBOX}/read-all", json={"before_position": middle["position"]},
                         headers=owner.auth)  # fmt: skip
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"marked": 1}  # the oldest; the middle one was read already
    assert [n["id"] for n in inbox(client, owner, unread=True)] == [newest["id"]]
    everything = client.post(f"{INBOX}/read-all", json={"before_position": newest["position"]},
                             headers=owner.auth)  # fmt: skip
    assert everything.json() == {"marked": 1}
    assert summary(client, owner) == {"unread": 0, "action_required": 3}


def test_only_its_organization_sees_or_marks_a_notification(client: TestClient) -> None:
    owner, bidder, items = deal(client)
    foreign = client.post(f"{INBOX}/{items[0]['id']}/read", headers=bidder.auth)
    assert_problem(foreign, 403)
    missing = client.post(f"{INBOX}/{uuid.uuid4()}/read", headers=owner.auth)
    assert_problem(missing, 404)
    assert summary(client, owner)["unread"] == 3
    none_of_bidders = client.post(f"{INBOX}/read-all", json={"before_position": 10**12},
                                  headers=bidder.auth)  # fmt: skip
    assert none_of_bidders.json() == {"marked": 0}
    assert summary(client, owner)["unread"] == 3
    assert_problem(client.get(INBOX), 401)
    assert_problem(client.get(f"{INBOX}/summary"), 401)


def test_bad_input_is_a_field_named_problem(client: TestClient) -> None:
    owner, _, _ = deal(client)
    kind = client.get(INBOX, params={"kind": "nonsense"}, headers={**owner.auth, **ZH})
    assert_problem(kind, 422, field="kind")
    assert "通知类型" in kind.json()["errors"][0]["message"]
    cursor = client.get(INBOX, params={"cursor": "nope"}, headers=owner.auth)
    assert_problem(cursor, 422, field="cursor")
    for body in ({}, {"before_position": -1}, {"before_position": "x"}):
        refused = client.post(f"{INBOX}/read-all", json=body, headers=owner.auth)
        assert_problem(refused, 422, field="before_position")
    extra = {"before_position": 10**12, "extra": 1}
    assert_problem(client.post(f"{INBOX}/read-all", json=extra, headers=owner.auth), 422)
    assert summary(client, owner)["unread"] == 3


def test_pages_go_newest_first_without_gaps(client: TestClient) -> None:
    owner, _, items = deal(client)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(INBOX, params=params, headers=owner.auth).json()
        seen += [n["id"] for n in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [n["id"] for n in items]


def test_a_rebuild_keeps_ids_and_read_marks(client: TestClient, services: Services) -> None:
    owner, _, items = deal(client)
    client.post(f"{INBOX}/{items[1]['id']}/read", headers=owner.auth)
    before = inbox(client, owner)
    rebuild(services.app, services.url, [services.views.notifications])
    after = inbox(client, owner)
    assert after == before
    assert [n["read_at"] is not None for n in after] == [False, True, False]


def test_a_suspended_organization_still_reads_and_marks_its_inbox(
    client: TestClient, operator: Account
) -> None:
    owner, _, items = deal(client)
    suspend = {"reason": "虚假信息核查中"}
    suspended = client.post(f"{API}/organizations/{owner.id}/suspend", json=suspend,
                            headers=operator.auth)  # fmt: skip
    assert suspended.status_code == 200, suspended.text
    assert client.post(f"{INBOX}/{items[0]['id']}/read", headers=owner.auth).status_code == 200
    everything = {"before_position": items[0]["position"]}
    marked = client.post(f"{INBOX}/read-all", json=everything, headers=owner.auth)
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"marked": 2}
    assert summary(client, owner)["unread"] == 0
